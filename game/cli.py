"""Command line: play (default), run, validate, schema, new, screenshot, bench.

Bad input never ends in a traceback: one clear message on stderr and a non-zero exit.
"""
from __future__ import annotations

import argparse
import json
import sys


class _Parser(argparse.ArgumentParser):
    """argparse that exits 2 with one line (no usage dump) on a bad option."""

    def error(self, message):  # noqa: D102
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="collective-security",
                description="Collective Security: the CSTO and crises in Central Asia.")
    sub = p.add_subparsers(dest="command", parser_class=_Parser)

    play = sub.add_parser("play", help="open the game window (the default)")
    play.add_argument("--size", default=None, help="window size WxH, e.g. 1600x900")

    run = sub.add_parser("run", help="play a scenario headless with AI for every actor")
    run.add_argument("scenario", nargs="?", help="path or id of a shipped scenario")
    run.add_argument("--seed", type=int, default=0)
    run.add_argument("--turns", type=int, default=None, help="stop after this many turns")
    run.add_argument("--json", action="store_true", help="print one JSON document")
    run.add_argument("--list", action="store_true", help="list the shipped scenarios")
    run.add_argument("--human", action="append", default=[], help=argparse.SUPPRESS)

    val = sub.add_parser("validate", help="check scenario files and report every problem")
    val.add_argument("files", nargs="+")

    sch = sub.add_parser("schema", help="write the scenario JSON Schema")
    sch.add_argument("--out", default=None, help="file to write (default: standard output)")

    new = sub.add_parser("new", help="write a commented starting scenario")
    new.add_argument("path")
    new.add_argument("--from", dest="source", default=None, help="copy a shipped scenario or file")
    new.add_argument("--force", action="store_true", help="overwrite an existing file")

    shot = sub.add_parser("screenshot", help="render a screen headless to a PNG")
    shot.add_argument("scenario")
    shot.add_argument("--out", required=True)
    shot.add_argument("--turn", type=int, default=1)
    shot.add_argument("--overlay", default="violence")
    shot.add_argument("--size", default="1600x900")
    shot.add_argument("--screen", default="game",
                      choices=["title", "browser", "roles", "game", "council", "debrief", "help", "settings"])
    shot.add_argument("--seed", type=int, default=0)

    cal = sub.add_parser("calibrate", help="play every historical scenario on the run axis and compare with history")
    cal.add_argument("scenarios", nargs="*", help="paths or ids (default: every shipped scenario with a historical record)")
    cal.add_argument("--runs", type=int, default=200)
    cal.add_argument("--seed", type=int, default=0)
    cal.add_argument("--json", action="store_true", help="print a JSON list of rows")

    bench = sub.add_parser("bench", help="measure speed and memory against the targets")
    bench.add_argument("--quick", action="store_true", help="fewer repetitions")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    command = args.command or "play"
    try:
        if command == "run":
            return cmd_run(args)
        if command == "validate":
            from game.scenario.tools import validate_main
            return validate_main(args.files)
        if command == "schema":
            from game.scenario.tools import schema_main
            return schema_main(args.out)
        if command == "new":
            from game.scenario.tools import new_main
            return new_main(args.path, args.source, args.force)
        if command == "calibrate":
            from game.calibrate_cli import calibrate_main
            return calibrate_main(args)
        if command == "bench":
            from game.bench import bench_main
            return bench_main(quick=args.quick)
        if command == "screenshot":
            from game.ui.screenshot import screenshot_main
            return screenshot_main(args)
        from game.ui.app import play_main
        return play_main(getattr(args, "size", None))
    except KeyboardInterrupt:
        return 130


def _fail(message: str, code: int = 2) -> int:
    print(f"collective-security: {message}", file=sys.stderr)
    return code


def cmd_run(args) -> int:
    """Headless play with AI everywhere; prints a JSON document or a readable summary."""
    from game.scenario.loader import ScenarioError, load_scenario, shipped_scenarios
    if args.list:
        for sid, path in shipped_scenarios().items():
            try:
                sc = load_scenario(path).scenario
                print(f"{sid:28s} {sc.title} ({sc.start_date} to {sc.end_date})")
            except ScenarioError as exc:
                print(f"{sid:28s} (invalid: {len(exc.problems)} problem(s); run 'validate {path}')")
        return 0
    if not args.scenario:
        return _fail("run needs a SCENARIO (a path or an id; see 'run --list')")
    if args.turns is not None and args.turns < 1:
        return _fail("--turns must be 1 or more")
    try:
        loaded = load_scenario(args.scenario)
    except FileNotFoundError as exc:
        return _fail(str(exc))
    except ScenarioError as exc:
        print("\n".join(p.format() for p in exc.problems), file=sys.stderr)
        return 1
    from game.engine.game import Game
    try:
        game = Game(loaded.scenario, seed=args.seed, humans=tuple(args.human))
    except ValueError as exc:
        return _fail(str(exc))
    while not game.over and (args.turns is None or len(game.history) < args.turns):
        game.end_turn()
    report = run_report(game)
    if args.json:
        sys.stdout.write(json.dumps(report, indent=1, sort_keys=False, ensure_ascii=False) + "\n")
    else:
        _print_summary(report)
    return 0


def run_report(game) -> dict:
    """The headless run's JSON document."""
    final = game.final()
    return {
        "scenario": game.scenario.id,
        "seed": game.seed,
        "turns_played": len(game.history),
        "start_date": game.scenario.start_date.isoformat(),
        "last_date": game.history[-1].date if game.history else game.scenario.start_date.isoformat(),
        "decisions": game.decisions(),
        "final": final,
        "assessment": game.assessment(),
        "actions": [e for e in game.log if e["ok"]],
    }


def _print_summary(report: dict) -> None:
    t = report["final"]["totals"]
    print(f"{report['scenario']} (seed {report['seed']}): {report['turns_played']} turns to {report['last_date']}")
    for d in report["decisions"]:
        print(f"  {d['date']}  {d['summary']}")
    print(f"  deaths {t['casualties']:,}  displaced (peak) {t['peak_displaced']:,}  "
          f"refugees (peak) {t['peak_refugees']:,}  troops deployed {t['troops_deployed']:,}")
    for aid, a in report["assessment"].items():
        print(f"  {a['name']}: {a['score']:.0f}/100, {a['verdict']}")


if __name__ == "__main__":
    sys.exit(main())
