"""Validation timings for `python main.py bench`.

``measure_validation()`` returns
  shipped_s        -- wall time of `python main.py validate` on every shipped scenario in a fresh
                      subprocess, start-up included (goal <= 0.5 s);
  generated_1mb_s  -- time to validate a generated ~1 MB scenario in-process (goal <= 0.3 s).
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOALS = {"shipped_s": 0.5, "generated_1mb_s": 0.3}


def generated_scenario(target_bytes: int = 1_000_000) -> str:
    """A valid scenario of about ``target_bytes``: many actors, regions, forces and events."""
    head = ["format: 1", "id: generated", "title: Generated benchmark scenario",
            "summary: A large generated scenario for timing the validator.",
            "start_date: 2020-01-01", "end_date: 2020-03-01", "sources:",
            "  - {id: src, title: Generated}", "actors:"]
    n = 0
    actors, regions, forces, events, objectives = [], [], [], [], []
    while sum(len(x) + 1 for x in head + actors + regions + forces + events + objectives) < target_bytes:
        a, r = f"A{n}", f"ZZ-{n % 1000:03d}" if n < 1000 else None
        actors.append(f"  - {{id: {a}, name: Actor {n}, kind: state, country: ZZ, sources: [src], "
                      f"interests: {{regime_security: 0.5, stability_home: 0.6}}, ties: {{A0: 0.1}}}}" if n else f"  - {{id: {a}, name: Actor {n}, kind: state, country: ZZ, sources: [src]}}")
        if r is not None:
            nb = f"ZZ-{(n + 1) % 1000:03d}"
            regions.append(f"  - {{id: {r}, name: Region {n}, country: {a}, population: 100000, "
                           f"neighbours: [{nb}], stability: 0.6, violence: 0.1, ethnic_groups: {{a: 0.5, b: 0.5}}}}")
        forces.append(f"  - {{id: F{n}, name: Force {n}, owner: {a}, kind: infantry, strength: 500, home: dushanbe}}")
        events.append(f"  - id: E{n}\n    title: Event {n}\n    trigger: {{all: [{{turn_from: 2}}, "
                      f"{{figure: {{region: ZZ-{n % 1000:03d}, name: violence, above: 0.5}}}}]}}\n"
                      f"    mtth_days: 5\n    effects:\n      - news: {{text: Something happens}}\n"
                      f"      - change: {{region: ZZ-{n % 1000:03d}, name: stability, add: -0.1}}")
        objectives.append(f"  - {{id: O{n}, actor: {a}, description: Calm, figure: violence, "
                          f"region: ZZ-{n % 1000:03d}, at_most: 0.2}}")
        n += 1
    text = "\n".join(head + actors + ["regions:"] + regions + ["forces:"] + forces + ["events:"] + events
                     + ["objectives:"] + objectives) + "\n"
    return text


def measure_validation() -> dict:
    from game.scenario.loader import check_file, shipped_scenarios
    paths = [str(p) for p in shipped_scenarios().values()]
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, str(ROOT / "main.py"), "validate", *paths],
                          capture_output=True, text=True, cwd=ROOT)
    shipped = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "generated.yaml"
        path.write_text(generated_scenario(), encoding="utf-8")
        check_file(path)  # warm caches (gazetteer, action kinds), as a long-lived process would have
        t0 = time.perf_counter()
        result = check_file(path)
        generated = time.perf_counter() - t0
        size = path.stat().st_size
    return {"shipped_s": round(shipped, 3), "shipped_files": len(paths), "shipped_exit": proc.returncode,
            "generated_1mb_s": round(generated, 3), "generated_bytes": size,
            "generated_errors": len(result.errors), "goals": GOALS}


if __name__ == "__main__":  # pragma: no cover
    print(measure_validation())
