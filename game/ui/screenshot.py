"""`python main.py screenshot SCENARIO --out FILE.png`: render one screen headless to a PNG."""
from __future__ import annotations

import os
import sys
from pathlib import Path


def _fail(msg: str, code: int = 2) -> int:
    print(f"collective-security: {msg}", file=sys.stderr)
    return code


def build_app(scenario: str, screen: str, size: tuple[int, int], turn: int = 1, overlay: str = "violence",
              seed: int = 0, humans: list[str] | None = None, persist: bool = False, user_settings: bool = False):
    """An App showing ``screen`` for ``scenario`` (used by the screenshot command and tests).

    The default settings are used (the same picture on every machine) unless ``user_settings``."""
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    from game.scenario.loader import load_scenario
    from game.ui.app import App
    from game.ui.settings import Settings, load_settings
    settings = load_settings() if user_settings else Settings()
    settings.problem = None
    app = App(size, settings=settings, persist=persist)
    loaded = load_scenario(scenario)
    ref = str(loaded.path or scenario)
    from game.ui.screens.title import TitleScreen
    if screen == "title":
        app.push(TitleScreen(app))
    elif screen == "browser":
        from game.ui.screens.browser import BrowserScreen
        app.push(TitleScreen(app))
        b = BrowserScreen(app)
        b.index = next((i for i, e in enumerate(b.entries) if e["loaded"] and e["loaded"].scenario.id == loaded.scenario.id), b.index)
        app.push(b)
    elif screen == "roles":
        from game.ui.screens.roles import RolesScreen
        app.push(TitleScreen(app))
        roles = RolesScreen(app, loaded, ref)
        roles.seed = seed                  # the same picture every time (a player gets a random seed)
        app.push(roles)
    elif screen == "help":
        from game.ui.screens.help import HelpScreen
        app.push(HelpScreen(app))
    elif screen == "settings":
        from game.ui.screens.settings_screen import SettingsScreen
        app.push(SettingsScreen(app))
    else:
        sc = loaded.scenario
        if humans is None:
            first = next((a.id for a in sc.actors if a.playable and a.kind == "government"),
                         next(a.id for a in sc.actors if a.playable))
            humans = [first]
            if screen == "public":         # a class: the government and two more states at the screen
                humans += [a.id for a in sc.actors if a.playable and a.kind == "state"][:2]
        from game.engine.game import Game
        game = Game(sc, seed=seed, humans=tuple(humans), simultaneous=len(humans) > 1)
        while game.turn < turn and not game.over:
            if screen in ("council", "debrief") and game.turn == 2:
                _ask_organisation(game, humans[0])   # as a player would: the council has a decision to show
            for seat in humans:                      # every seat ended its turn (nothing left open to list)
                game.declare_ready(seat)
            game.end_turn()
        if screen == "debrief":
            game.run_to_end()
        app.start_game(loaded, ref, humans, seed, game=game, instructor=screen in ("instructor", "public"))
        while len(app.stack) > 1:      # no hand-over screen in a screenshot
            app.pop()
        if screen == "public":
            game.declare_ready(humans[0])  # one seat has ended its turn, the others are deciding
            app.top.toggle_public()
        if screen == "debrief":
            app.end_and_debrief()
        elif screen == "instructor":
            app.top.instructor()
        else:
            gs = app.top
            gs.set_overlay(overlay)
            if screen == "council":
                gs.set_tab("council")
    return app


def _ask_organisation(game, actor: str) -> None:
    """Submit the player's request to a security organisation under its strongest article, if allowed."""
    from game.engine.menu import menu_for
    items = [it for it in menu_for(game.world, game.state_for(actor), actor) if it.allowed
             and type(it.action).__name__ == "RequestAssistance" and getattr(it.action, "article", None)
             and getattr(it.action, "framing", None) == "internal_unrest"]
    if items:
        game.submit(max(items, key=lambda it: it.action.article).action)


def settle(app, max_frames: int = 600) -> None:
    """Step frames until the map (if the screen has one) has finished its background rendering,
    so a screenshot shows the finished picture rather than the scaled stand-in."""
    import time
    for _ in range(3):
        app.step(1 / 30)
    view = getattr(app.top, "map", None)
    log = getattr(view, "units_log", None)
    if log is None:
        return
    time.sleep(0.15)            # let a zoom count as settled
    idle = 0
    for _ in range(max_frames):
        app.step(1 / 30)
        idle = idle + 1 if (not view.units_log or view.units_log[-1] == 0) else 0
        if idle >= 8:
            break


def screenshot_main(args) -> int:
    from game.ui.settings import parse_size
    size = parse_size(args.size)
    if size is None:
        return _fail(f"--size must look like 1600x900, not {args.size!r}")
    overlays = ("control", "violence", "displacement", "stability", "none")
    if args.overlay not in overlays:
        return _fail(f"--overlay must be one of {', '.join(overlays)}")
    from game.scenario.loader import ScenarioError
    try:
        app = build_app(args.scenario, args.screen, size, turn=max(1, args.turn), overlay=args.overlay,
                        seed=args.seed, user_settings=getattr(args, "user_settings", False))
    except FileNotFoundError as exc:
        return _fail(str(exc))
    except ScenarioError as exc:
        print("\n".join(p.format() for p in exc.problems), file=sys.stderr)
        return 2 if exc.unreadable else 1
    import pygame
    settle(app)
    out = Path(args.out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        pygame.image.save(app.window, str(out))
    except (OSError, pygame.error) as exc:
        return _fail(f"cannot write {out}: {exc}")
    print(f"wrote {out} ({size[0]}x{size[1]}, {args.screen})")
    return 0
