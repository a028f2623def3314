"""`python main.py batch` and `python main.py sweep`: many playouts from the command line.

The engine is game/engine/batch.py and game/engine/sweep.py; game/parallel.py says where the chunks
run. Bad input is one line on stderr and a non-zero exit (2 bad usage, 1 a scenario or save with
errors), as in every command (game/cli.py).
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

EXIT_INVALID, EXIT_USAGE = 1, 2


def _fail(message: str, code: int = EXIT_USAGE) -> int:
    print(f"collective-security: {message}", file=sys.stderr)
    return code


class _Stop(Exception):
    def __init__(self, code: int):
        self.code = code


def _load(ref: str):
    """(scenario, save data or None, label) from a scenario (path or id) or a save (.json)."""
    from game.scenario.loader import ScenarioError, load_scenario
    if ref.lower().endswith(".json"):
        from game.ui.saves import SaveError, read_save, restore
        try:
            loaded, _ = restore(Path(ref))
            data = read_save(Path(ref))
        except SaveError as exc:
            raise _Stop(_fail(str(exc), EXIT_INVALID)) from None
        return loaded.scenario, data, ref
    try:
        loaded = load_scenario(ref)
    except FileNotFoundError as exc:
        raise _Stop(_fail(str(exc))) from None
    except ScenarioError as exc:
        print("\n".join(p.format() for p in exc.problems), file=sys.stderr)
        raise _Stop(EXIT_USAGE if exc.unreadable else EXIT_INVALID) from None
    return loaded.scenario, None, ref


class _Progress:
    """A progress bar on a terminal (tqdm, on stderr); nothing when stderr is not a terminal."""

    def __init__(self, total: int, what: str, quiet: bool = False):
        self.bar = None
        if not quiet and sys.stderr.isatty():
            from tqdm import tqdm
            self.bar = tqdm(total=total, unit="run", desc=what, file=sys.stderr, dynamic_ncols=True,
                            unit_scale=True, leave=False)

    def __call__(self, done: float, total: int) -> None:
        if self.bar is not None:
            self.bar.n = min(done, total)
            self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _pool(args):
    from game.parallel import PoolError, make_pool
    try:
        return make_pool(args.scheduler, args.workers)
    except PoolError as exc:
        raise _Stop(_fail(str(exc))) from None


def _check_plot(path: str | None, required: bool = True) -> bool:
    """Before any work: can the picture be drawn and written?"""
    if path is None:
        return False
    from game.plots import PlotError, require_matplotlib
    try:
        require_matplotlib()
    except PlotError as exc:
        if required:
            raise _Stop(_fail(str(exc))) from None
        print(f"collective-security: no plot: {exc}", file=sys.stderr)
        return False
    return True


def _writable_dir(path: Path) -> None:
    if path.exists() and not path.is_dir():
        raise _Stop(_fail(f"{path} exists and is not a folder"))
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _Stop(_fail(f"cannot create the folder {path}: {exc.strerror or exc}")) from None


def _one_blas_thread() -> None:
    """Each process of a batch does its own numpy work: one BLAS thread each, or two processes on two
    cores fight over them (measured: twice as slow). Only effective before numpy is first imported."""
    if "numpy" not in sys.modules:
        for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ.setdefault(var, "1")


def batch_main(args) -> int:
    _one_blas_thread()
    try:
        return _batch(args)
    except _Stop as stop:
        return stop.code


def _batch(args) -> int:
    from game.engine.batch import BatchError, BatchSpec, apply_sets, prepare, run_batch
    scenario, save, label = _load(args.source)
    _check_plot(args.plot)
    if args.keep_recorded and save is None:
        return _fail("--keep-recorded needs a save to take the recorded actions from")
    try:
        scenario = apply_sets(scenario, args.set)
        spec = BatchSpec(scenario, runs=args.runs, seed=args.seed, save=save, from_turn=args.from_turn,
                         keep_recorded=args.keep_recorded, forces=tuple(args.force), sets=tuple(args.set),
                         label=label)
        prepare(spec)
    except BatchError as exc:
        return _fail(str(exc))
    pool = _pool(args)
    bar = _Progress(args.runs, scenario.id, args.quiet)
    try:
        result = run_batch(spec, progress=bar, pool=pool)
    finally:
        bar.close()
        pool.close()
    doc = result.to_dict()
    doc["where"] = pool.name
    if args.plot:
        from game.plots import batch_figure
        try:
            batch_figure(result, args.plot)
        except OSError as exc:
            return _fail(f"cannot write {args.plot}: {exc.strerror or exc}")
    if args.json:
        from game.cli import _json_text
        sys.stdout.write(_json_text(doc) + "\n")
    else:
        _print_batch(doc)
    sys.stdout.flush()
    return 0


def _print_batch(doc: dict) -> None:
    src = doc["source"]
    print(f"{doc['scenario']}{'' if src == doc['scenario'] else f' ({src})'}: {doc['runs']:,} runs, seed {doc['seed']}, "
          f"{doc['seconds']:.1f} s ({doc['playouts_per_second']:,} playouts a second, {doc['where']})")
    if "from" in doc:
        f = doc["from"]
        print(f"  branched at turn {f['turn']} ({f['date']}); the person's seats: {f['seats']}")
    for text in doc["sets"]:
        print(f"  set {text}")
    for f in doc["forced"]:
        refused = "; ".join(f"{r} ({s:.0%})" for r, s in f["refusals"].items())
        print(f"  {f['source']} {f['action']} on {f['date']}: done in {f['applied_share']:.0%} of runs"
              + (f", refused in {f['refused_share']:.0%}: {refused}" if f["refused_share"] else ""))
    print("  outcome (share of runs)                           troops   decisive reasons")
    for body, shares in doc["outcome_shares"].items():
        text = ", ".join(f"{o.replace('_', ' ')} {s:.0%}" if s >= 0.005 else f"{o.replace('_', ' ')} <1%"
                         for o, s in shares.items())
        reasons = ", ".join(f"{r} {s:.0%}" for r, s in list(doc["decisive_reasons"].get(body, {}).items())[:3])
        print(f"  {body:9s} {text:42s} {doc['troops_share'][body]:6.0%}   {reasons}")
    q = doc["quantiles"]
    for name in ("deaths", "soldiers_killed", "displaced", "refugees", "troops_deployed"):
        print(f"  {name.replace('_', ' '):16s} median {q[name]['50']:>10,}   5-95%: {q[name]['5']:,} to {q[name]['95']:,}")
    if doc["scores"]:
        print("  mean objective score: " + ", ".join(f"{a} {s:.0f}" for a, s in doc["scores"].items()))


def sweep_main(args) -> int:
    _one_blas_thread()
    try:
        return _sweep(args)
    except _Stop as stop:
        return stop.code


def _sweep(args) -> int:
    from game.engine.batch import BatchError
    from game.engine.sweep import csv_text, parse_grid, plan, run_sweep
    scenario, save, label = _load(args.scenario)
    if save is not None:
        return _fail("sweep takes a scenario (a save's branches are for `batch --from-turn`)")
    try:
        grid = parse_grid(args.grid)
        planned = plan(scenario, grid, args.runs, args.seed, args.set, args.force, label=label)
    except BatchError as exc:
        return _fail(str(exc))
    out = Path(args.out)
    _writable_dir(out)
    plot = _check_plot(str(out / "sweep.png"), required=False)
    pool = _pool(args)
    bar = _Progress(args.runs * len(planned), f"{scenario.id} sweep", args.quiet)
    try:
        table = run_sweep(scenario, grid, args.runs, args.seed, args.set, args.force, pool=pool, progress=bar,
                          label=label)
    except BatchError as exc:
        return _fail(str(exc))
    finally:
        bar.close()
        pool.close()
    try:
        (out / "sweep.csv").write_text(csv_text(table), encoding="utf-8")
        (out / "sweep.json").write_text(json.dumps(table, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        written = ["sweep.csv", "sweep.json"]
        if plot:
            from game.plots import sweep_figure
            sweep_figure(table, str(out / "sweep.png"))
            written.append("sweep.png")
    except OSError as exc:
        return _fail(f"cannot write to {out}: {exc.strerror or exc}")
    print(f"{len(table['points'])} point(s) x {args.runs:,} runs in {table['seconds']:.1f} s: "
          f"wrote {', '.join(str(out / w) for w in written)}")
    return 0


def add_parsers(sub, seed_type, positive_type) -> None:
    """The `batch` and `sweep` subcommands (called from game/cli.py's parser)."""
    def common(p) -> None:
        p.add_argument("--runs", type=positive_type, default=1000, help="runs (default 1000)")
        p.add_argument("--seed", type=seed_type, default=0)
        p.add_argument("--set", action="append", default=[], metavar="PATH=VALUE",
                       help="edit the scenario, e.g. actors.RU.interests.non_interference=0.9 (repeatable)")
        p.add_argument("--force", action="append", default=[], metavar="ACTOR:ACTION[=VALUE][,F=V]@DATE",
                       help="submit an action in every run, e.g. RU:answer_request=peacekeeping@2010-06-12")
        p.add_argument("--scheduler", default=None, metavar="ADDRESS",
                       help="run on a Dask cluster (tcp://host:8786) or 'local' for a LocalCluster (extra .[dask])")
        p.add_argument("--workers", type=positive_type, default=None,
                       help="local processes (default: one per core; 1 = in this process)")
        p.add_argument("--quiet", action="store_true", help="no progress bar")

    b = sub.add_parser("batch", help="play many runs of a scenario, or of a save from one of its turns")
    b.add_argument("source", metavar="SCENARIO|SAVE", help="a scenario (path or id) or a save (.json)")
    common(b)
    b.add_argument("--from-turn", type=positive_type, default=None,
                   help="with a save: branch at the start of this turn (default: the save's turn)")
    b.add_argument("--keep-recorded", action="store_true",
                   help="with a save: keep the person's recorded actions (default: the computer takes the seats)")
    b.add_argument("--json", action="store_true", help="print one JSON document")
    b.add_argument("--plot", default=None, metavar="FILE.png", help="draw the distributions (extra .[plot])")

    s = sub.add_parser("sweep", help="the same batch at every combination of a grid of edits")
    s.add_argument("scenario", help="a scenario (path or id)")
    s.add_argument("--grid", action="append", default=[], metavar="PATH=v1,v2,...",
                   help="values of one edit (repeatable; every combination is played)")
    s.add_argument("--out", required=True, metavar="DIR", help="folder for sweep.csv, sweep.json and sweep.png")
    common(s)
