"""`python main.py calibrate`: the model against history, one table (see game/engine/calibrate.py)."""
from __future__ import annotations

import json
import sys
import time


def calibrate_main(args) -> int:
    from game.engine.calibrate import calibrate, format_table
    from game.scenario.loader import ScenarioError, load_scenario, shipped_scenarios
    if getattr(args, "update_docs", False):
        from game.engine.model_doc import update_docs
        print(f"wrote {update_docs()}")
        return 0
    if args.runs < 1:
        print("collective-security: --runs must be 1 or more", file=sys.stderr)
        return 2
    if args.seed < 0:
        print("collective-security: --seed must be 0 or more", file=sys.stderr)
        return 2
    refs = args.scenarios or list(shipped_scenarios().values())
    loaded, skipped = [], 0
    for ref in refs:
        try:
            loaded.append(load_scenario(ref))
        except FileNotFoundError as exc:
            print(f"collective-security: {exc}", file=sys.stderr)
            return 2
        except ScenarioError as exc:
            print("\n".join(p.format() for p in exc.problems), file=sys.stderr)
            if args.scenarios:
                return 1
            skipped += 1                      # a broken shipped file is named, and the rest still run
    if args.scenarios:
        from game.engine.calibrate import recorded_decisions
        for ld in loaded:
            if not recorded_decisions(ld.scenario.history):
                print(f"collective-security: {ld.scenario.id} has no historical record to compare with: add "
                      f"`history.decisions` (or `history.outcomes`); see docs/scenario-format.md", file=sys.stderr)
    t0 = time.perf_counter()
    rows = calibrate(loaded, runs=args.runs, seed=args.seed)
    elapsed = time.perf_counter() - t0
    sens = None
    if getattr(args, "sensitivity", False):
        from game.engine import sensitivity
        by_id = {ld.scenario.id: ld.scenario for ld in loaded}
        sens = sensitivity.run(by_id, runs=args.runs, seed=args.seed)
    if args.json:
        out = [r.to_dict() for r in rows]
        if sens is not None:
            out = {"calibration": out, "sensitivity": [
                {"factor": r.experiment.factor, "scenario": r.experiment.scenario, "change": r.experiment.change,
                 "expected": "stronger" if r.experiment.expect > 0 else "weaker",
                 "troops": [r.base_troops, r.variant_troops], "mean_measure": [r.base_level, r.variant_level],
                 "moved_as_expected": r.moved_as_expected} for r in sens]}
        sys.stdout.write(json.dumps(out, indent=1, ensure_ascii=False) + "\n")
    else:
        print(format_table(rows))
        if sens is not None:
            from game.engine import sensitivity
            print("\n" + sensitivity.format_table(sens))
        print(f"\n{len(rows)} decision(s) in {len({r.scenario for r in rows})} scenario(s), "
              f"{args.runs} runs each, seed {args.seed}: {elapsed:.1f} s")
    return 1 if skipped else 0
