"""Command line: play (default), run, validate, schema, new, screenshot, bench, host and join (game/net_cli.py).

Bad input never ends in a traceback: one clear message on stderr and a non-zero exit.
Exit statuses are the same in every command: 0 done, 1 a scenario (or save) has errors,
2 bad usage or a file that cannot be read at all (missing, unreadable, not a regular file,
a name too long, not UTF-8 text), 130 interrupted, 141 the output was closed (``| head``),
70 an internal error (reported in one line; set COLLECTIVE_SECURITY_DEBUG=1 for the traceback).
"""
from __future__ import annotations

import argparse
import json
import os
import sys

EXIT_INVALID, EXIT_USAGE, EXIT_INTERNAL, EXIT_PIPE = 1, 2, 70, 141
SEED_MAX = 2 ** 63 - 1


def _seed(text: str) -> int:
    """argparse type for --seed: a whole number from 0 (named in the message when wrong)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number from 0 to {SEED_MAX}, not {text!r}") from None
    if not 0 <= value <= SEED_MAX:
        raise argparse.ArgumentTypeError(f"must be a whole number from 0 to {SEED_MAX}, not {value}")
    return value


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number of 1 or more, not {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


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
    run.add_argument("--seed", type=_seed, default=0)
    run.add_argument("--turns", type=_positive, default=None, help="stop after this many turns")
    run.add_argument("--json", action="store_true", help="print one JSON document")
    run.add_argument("--list", action="store_true", help="list the shipped scenarios")
    run.add_argument("--human", action="append", default=[], help=argparse.SUPPRESS)
    run.add_argument("--save", default=None, metavar="FILE",
                     help="also write a save of the game to FILE (for `report` and branches)")

    rep = sub.add_parser("report", help="write the after-action report of a save (HTML or Markdown)")
    rep.add_argument("save", help="a save file (from the game or `run --save`)")
    rep.add_argument("--out", default=None, help="file to write (default: standard output)")
    rep.add_argument("--format", choices=["html", "md"], default=None,
                     help="html (the default; md when --out ends in .md)")
    rep.add_argument("--branch", default=None, metavar="ACTOR:ACTION[=VALUE][,FIELD=VALUE...]@DATE",
                     help="also play a what-if from that date with one decision changed, and compare "
                          "(e.g. RU:answer_request=peacekeeping@2010-06-12)")
    rep.add_argument("--runs", type=int, default=None, metavar="N",
                     help="with --branch: also play the crisis N times from that date with the change and N "
                          "times without it (the computer in every seat) and add the distributions")

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
    shot.add_argument("--turn", type=_positive, default=1)
    shot.add_argument("--overlay", default="violence")
    shot.add_argument("--size", default="1600x900")
    shot.add_argument("--screen", default="game",
                      choices=["title", "browser", "roles", "game", "council", "debrief", "help", "settings",
                               "instructor", "public"])
    shot.add_argument("--seed", type=_seed, default=0)
    shot.add_argument("--user-settings", action="store_true",
                      help="use your saved settings (palette, UI scale) instead of the defaults")

    cal = sub.add_parser("calibrate", help="play every historical scenario on the run axis and compare with history")
    cal.add_argument("scenarios", nargs="*", help="paths or ids (default: every shipped scenario with a historical record)")
    cal.add_argument("--runs", type=int, default=200)
    cal.add_argument("--seed", type=int, default=0)
    cal.add_argument("--json", action="store_true", help="print a JSON list of rows")
    cal.add_argument("--sensitivity", action="store_true",
                     help="also change one documented factor at a time and show which way the decision moves")
    cal.add_argument("--update-docs", action="store_true", help="rewrite the generated tables in docs/model.md")

    from game.batch_cli import add_parsers as add_batch_parsers
    add_batch_parsers(sub, _seed, _positive)          # batch, sweep
    from game.net_cli import add_parsers as add_net_parsers
    add_net_parsers(sub, _seed)                        # host, join

    bench = sub.add_parser("bench", help="measure speed and memory against the targets")
    bench.add_argument("--quick", action="store_true", help="fewer repetitions")
    return p


def _safe_streams() -> None:
    """Text that the terminal's encoding cannot show is replaced, never a crash (a Cyrillic
    name on a cp1252 console); JSON output stays lossless (see ``_json_text``)."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="replace" if stream is sys.stdout else "backslashreplace")
        except (AttributeError, ValueError):  # pragma: no cover - a replaced stream
            pass


def _stdout_is_utf8() -> bool:
    return (getattr(sys.stdout, "encoding", "") or "").lower().replace("-", "").replace("_", "") in ("utf8", "utf8sig")


def _json_text(document) -> str:
    """JSON for standard output: non-ASCII as itself on a UTF-8 stream, else as \\u escapes."""
    return json.dumps(document, indent=1, sort_keys=False, ensure_ascii=not _stdout_is_utf8(), allow_nan=False)


def _closed_output() -> int:
    """The reader went away (``| head``): stop quietly, and keep Python from complaining at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # pragma: no cover
        pass
    return EXIT_PIPE


def main(argv: list[str] | None = None) -> int:
    _safe_streams()
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")  # keep standard output for the command's own output
    try:
        args = build_parser().parse_args(argv)
    except BrokenPipeError:
        return _closed_output()
    command = args.command or "play"
    try:
        return _dispatch(command, args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return _closed_output()
    except MemoryError:
        return _fail("out of memory", EXIT_INTERNAL)
    except Exception as exc:  # the last line of defence: one line, never a traceback
        if os.environ.get("COLLECTIVE_SECURITY_DEBUG"):
            raise
        return _fail(f"internal error ({type(exc).__name__}: {exc}); please report it with the command you ran "
                     "(set COLLECTIVE_SECURITY_DEBUG=1 to see the details)", EXIT_INTERNAL)


def _dispatch(command: str, args) -> int:
    if command == "run":
        return cmd_run(args)
    if command == "report":
        from game.report import report_main
        return report_main(args)
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
    if command in ("batch", "sweep"):
        from game.batch_cli import batch_main, sweep_main
        return batch_main(args) if command == "batch" else sweep_main(args)
    if command in ("host", "join"):
        from game.net_cli import host_main, join_main
        return host_main(args) if command == "host" else join_main(args)
    if command == "bench":
        from game.bench import bench_main
        return bench_main(quick=args.quick)
    if command == "screenshot":
        from game.ui.screenshot import screenshot_main
        return screenshot_main(args)
    from game.ui.app import play_main
    return play_main(getattr(args, "size", None))


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
    try:
        loaded = load_scenario(args.scenario, cached=True)
    except FileNotFoundError as exc:
        return _fail(str(exc))
    except ScenarioError as exc:
        print("\n".join(p.format() for p in exc.problems), file=sys.stderr)
        return EXIT_USAGE if exc.unreadable else EXIT_INVALID
    from game.engine.game import Game
    try:
        game = Game(loaded.scenario, seed=args.seed, humans=tuple(args.human))
    except ValueError as exc:
        return _fail(str(exc))
    while not game.over and (args.turns is None or len(game.history) < args.turns):
        game.end_turn()
    if args.save:
        from game.saving import write_run_save
        problem = write_run_save(game, loaded, args.save)
        if problem:
            return _fail(problem)
    report = run_report(game)
    if args.json:
        try:
            text = _json_text(report)
        except ValueError as exc:  # a NaN or infinity: never print what is not JSON
            return _fail(f"the run produced a value that JSON cannot hold ({exc}); please report it", EXIT_INTERNAL)
        sys.stdout.write(text + "\n")
    else:
        _print_summary(report)
    sys.stdout.flush()
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
        "events": event_log(game),
        "final": final,
        "assessment": game.assessment(),
        "actions": [e for e in game.log if e["ok"]],
    }


def event_log(game) -> list[dict]:
    """Each scenario event that fired (run 0), in order: turn, date, id, title, the options
    offered with the one chosen, and its news. Read from the turn records, so an author can see
    when an event's request was made and what it led to."""
    from game.scenario.schema import Effect
    by_id = {e.id: e for e in game.scenario.events}
    names = {a.id: a.short_name or a.name for a in game.scenario.actors}  # as the engine's news names them
    picks: dict[tuple, list] = {}  # (event, actor) -> [(turn, choice)] of human (or defaulted) answers
    for e in game.log:
        a = e.get("action", {})
        if e.get("ok") and a.get("kind") == "choose_option":
            picks.setdefault((a.get("event"), a.get("actor")), []).append((e["turn"], a.get("choice")))
    out = []
    for rec in game.history:
        for item in rec.phases.get("events", {}).get("items", []):
            texts = [n["text"] for n in item.get("news", [])]
            entry = {"turn": rec.turn, "date": rec.date, "event": item["event"], "title": item.get("title", "")}
            choices = []
            ev = by_id.get(item["event"])
            for eff in Effect.walk(ev.effects if ev is not None else []):
                if eff.options is None:
                    continue
                o = eff.options
                labels = [c.label for c in o.choices]
                name = names.get(o.actor, o.actor)
                said = next((i for i, lab in enumerate(labels) if f"{name}: {lab}." in texts), None)
                if said is None:  # a human's answer comes as an action on this turn or later
                    said = next((c for t, c in picks.get((item["event"], o.actor), []) if t >= rec.turn
                                 and isinstance(c, int)), None)
                choices.append({"actor": o.actor, "prompt": o.prompt,
                                "chosen": labels[said] if said is not None and 0 <= said < len(labels) else None,
                                "by": "human" if o.actor in game.humans else "ai"})
            if choices:
                entry["choices"] = choices
            entry["news"] = texts
            out.append(entry)
    return out


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
