"""`python main.py host` and `python main.py join`: a game over the classroom network (docs/network.md).

Bad input is one line on stderr and a non-zero exit, as in every command (game/cli.py): 1 a scenario
or save with errors, 2 bad usage (a bad option, a refused join, no host at the address).
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

EXIT_INVALID, EXIT_USAGE = 1, 2


def _fail(message: str, code: int = EXIT_USAGE) -> int:
    print(f"collective-security: {message}", file=sys.stderr)
    return code


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a port number from 0 to 65535, not {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"must be a port number from 0 to 65535, not {value}")
    return value


def add_parsers(sub, seed_type) -> None:
    """The `host` and `join` subcommands (called from game/cli.py's parser)."""
    from game.net.protocol import DEFAULT_PORT
    host = sub.add_parser("host", help="serve a game to the classroom network (one client per seat)")
    host.add_argument("scenario", nargs="?", help="path or id of a shipped scenario (not with --resume)")
    host.add_argument("--port", type=_port, default=DEFAULT_PORT, help=f"port to listen on (default {DEFAULT_PORT})")
    host.add_argument("--bind", default="0.0.0.0", metavar="ADDRESS",
                      help="network address to listen on (default: every one; 127.0.0.1: this machine only)")
    host.add_argument("--save", default=None, metavar="FILE",
                      help="autosave every turn to FILE (default: the saves folder); a host restarted with "
                           "the same FILE resumes the game")
    host.add_argument("--resume", default=None, metavar="FILE", help="resume the game of a host's autosave")
    host.add_argument("--seed", type=seed_type, default=None, help="the game's seed (default: a random one)")
    host.add_argument("--seats", default=None, metavar="ID,ID",
                      help="the seats played over the network (default: every actor); the computer plays the rest")
    host.add_argument("--headless", action="store_true",
                      help="no window: serve until the game ends, then print the `run --json` document")

    join = sub.add_parser("join", help="play a seat of a game served by `host`")
    join.add_argument("address", help="the host's address, e.g. 192.168.1.20:8765 or ws://192.168.1.20:8765")
    join.add_argument("--seat", default=None, metavar="ID", help="the seat to play (default: any free seat)")
    join.add_argument("--code", default=None, help="the join code the host shows")
    join.add_argument("--secret", default=None, help="take your seat back after a crash (printed at join)")
    join.add_argument("--name", default=None, help="your name or your team's, shown to the instructor")
    join.add_argument("--ai", action="store_true", help="let the computer play the seat, with no window")
    join.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for the host (default 10)")


# --- host ----------------------------------------------------------------------------------
def host_main(args) -> int:
    _log_to_stderr()
    from game.ui.saves import SaveError
    try:
        host = _build_host(args)
    except SaveError as exc:
        return _fail(str(exc), EXIT_INVALID)
    except _Stop as stop:
        return stop.code
    except OSError as exc:
        return _fail(f"cannot use the save: {exc.strerror or exc}")
    if host.game.over:
        _say(f"The game in {host.save_path} is over.")
        return _print_report(host.game) if args.headless else _window(host)
    _say(f"Collective Security: {host.game.scenario.title}, seed {host.game.seed}")
    _say(f"  autosave: {host.save_path}")
    if args.headless:
        return _serve_headless(host)
    from game.net.host_process import HostProcess
    from game.net.windows import window_problem
    problem = window_problem()
    if problem:
        return _fail(problem)
    try:
        host = HostProcess(host).start()       # the turns run beside the window, not in its process
    except OSError as exc:
        return _fail(f"cannot listen on port {args.port}: {exc.strerror or exc}")
    _banner(host)
    return _window(host)


class _Stop(Exception):
    def __init__(self, code: int):
        self.code = code


def _build_host(args):
    """A new game, or the game of the autosave to resume (``--resume``, or ``--save`` naming a running one)."""
    from game.net.host import GameHost
    from game.net.host_save import default_save_path
    from game.ui.saves import read_save
    kw = {"port": args.port, "bind": args.bind}
    if args.resume:
        if args.scenario:
            raise _Stop(_fail("give a SCENARIO or --resume FILE, not both"))
        _say(f"Resuming {args.resume}")
        return GameHost.resume(Path(args.resume), **kw)
    if not args.scenario:
        raise _Stop(_fail("host needs a SCENARIO (a path or an id; see 'run --list') or --resume FILE"))
    loaded = _load_scenario(args.scenario)
    path = Path(args.save) if args.save else default_save_path(loaded.scenario.id)
    if os.path.lexists(path):
        data = read_save(path)
        if data.get("scenario_id") != loaded.scenario.id:
            raise _Stop(_fail(f"{path} holds a game of '{data.get('scenario_id')}', not '{loaded.scenario.id}'; "
                              "choose another --save"))
        if data.get("over") is not True:
            _say(f"Resuming the unfinished game autosaved in {path} (its seed and seats; to start a new game "
                 "instead, give another --save FILE)")
            return GameHost.resume(path, **kw)
    seats = _seats(args.seats, loaded.scenario)
    if args.seed is not None:
        seed = args.seed
    else:
        import secrets
        seed = secrets.randbelow(2 ** 31)
    return GameHost.new(loaded, seed, seats, path, **kw)


def _load_scenario(ref: str):
    from game.scenario.loader import ScenarioError, load_scenario
    try:
        return load_scenario(ref)
    except FileNotFoundError as exc:
        raise _Stop(_fail(str(exc))) from None
    except ScenarioError as exc:
        print("\n".join(p.format() for p in exc.problems), file=sys.stderr)
        raise _Stop(EXIT_USAGE if exc.unreadable else EXIT_INVALID) from None


def _seats(text: str | None, scenario) -> list[str]:
    actors = [a.id for a in scenario.actors]
    if text is None:
        return actors
    seats = [s.strip() for s in text.split(",") if s.strip()]
    unknown = [s for s in seats if s not in actors]
    if unknown or not seats:
        raise _Stop(_fail(f"--seats: unknown seat(s) {', '.join(unknown) or '(none given)'}; "
                          f"the actors are {', '.join(actors)}"))
    return seats


def _banner(host) -> None:
    _say(f"  join at: {host.address}    join code: {host.code}")
    _say(f"  seats: {', '.join(host.seats)}")
    _say(f"  students: python main.py join {host.address.removeprefix('ws://')} --seat ID --code {host.code}")


def _serve_headless(host) -> int:
    import asyncio

    async def serve():
        task = asyncio.create_task(host.serve_until_over())
        while not host.listening.is_set() and not task.done():
            await asyncio.sleep(0.01)
        if host.listening.is_set():
            _banner(host)
        await task
    try:
        asyncio.run(serve())
    except OSError as exc:
        return _fail(f"cannot listen on port {host.port}: {exc.strerror or exc}")
    return _print_report(host.game)


def _print_report(game) -> int:
    from game.cli import _json_text, run_report
    sys.stdout.write(_json_text(run_report(game)) + "\n")
    sys.stdout.flush()
    return 0


def _window(host) -> int:
    from game.net.windows import WindowNotBuilt, open_host_window
    try:
        return open_host_window(host)
    except WindowNotBuilt as exc:
        host.stop()
        return _fail(str(exc))


# --- join ----------------------------------------------------------------------------------
def join_main(args) -> int:
    _log_to_stderr()
    from game.net.client import JoinRefused, SeatClient
    from game.net.scenario_text import ScenarioTextError
    if args.ai:                         # no window: SDL must never try to open one
        os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
        os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    if not (args.code or args.secret):
        return _fail("join needs the --code the host shows (or your --secret to take your seat back)")
    try:
        client = SeatClient.connect(args.address, seat=args.seat, code=args.code, secret=args.secret,
                                    timeout=args.timeout, name=args.name)
    except JoinRefused as exc:
        return _fail(f"the host refused: {exc}")
    except (TimeoutError, OSError) as exc:
        return _fail(f"{exc} (same network? the right address and port? a firewall on the host?)")
    _say(f"Joined {client.scenario_name} as {client.seat}. To take the seat back after a crash: "
         f"join {args.address} --secret {client.secret}")
    try:
        client.world()
    except ScenarioTextError as exc:
        client.close()
        return _fail(f"the host's scenario cannot be played here: {exc}", EXIT_INVALID)
    if not args.ai:
        from game.net.windows import WindowNotBuilt, open_client_window
        try:
            return open_client_window(client)
        except WindowNotBuilt as exc:
            client.close()
            return _fail(str(exc))
    from game.net.ai_client import play_seat_with_ai
    try:
        report = play_seat_with_ai(client)
    finally:
        client.close()
    if report is None:
        return _fail(f"the game did not end: {client.error or 'the connection was closed'}", EXIT_INVALID)
    _say(f"{client.seat}: the game is over ({report.get('turns_played')} turns).")
    return 0


def _log_to_stderr() -> None:
    import logging
    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(asctime)s %(message)s",
                        datefmt="%H:%M:%S")
    logging.getLogger("collective_security.net.websockets").setLevel(logging.WARNING)
    logging.getLogger("websockets").setLevel(logging.WARNING)
