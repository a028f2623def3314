"""The application: one window, one UIManager, a stack of screens and one loop.

``App.step()`` runs one frame (events → process_events → routing → update → draw);
tests drive the real screens by posting events and calling it.
"""
from __future__ import annotations

import gc
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pygame
import pygame_gui

from game.ui import widgets
from game.ui.settings import Settings, effective_scale, load_settings, parse_size, save_settings
from game.ui.theme import FONT_NAME, font_sizes, load_theme

ASSETS = Path(__file__).resolve().parents[2] / "assets"
THEME = ASSETS / "theme.json"


try:
    import ctypes
    import ctypes.util
    _LIBC = ctypes.CDLL(ctypes.util.find_library("c")) if sys.platform.startswith("linux") else None
    if _LIBC is not None and not hasattr(_LIBC, "malloc_trim"):
        _LIBC = None
except (OSError, ImportError):
    _LIBC = None


def _patch_theme_id_cache() -> None:
    """Work around a pygame_gui 0.6 memory leak in ``build_all_combined_ids``.

    Its cache key is ``str(a).join(str(b).join(str(c)).join(str(d)))``: ``str.join`` over a
    string puts the separator between every *character*, so each key is a string of up to
    a megabyte, and one is kept forever for every distinct element id path (every action
    button, every role card). That alone cost ~150 MB in a short session. Same result, keyed
    by a tuple of the id lists instead.
    """
    from importlib.metadata import PackageNotFoundError, version

    from pygame_gui.core.ui_appearance_theme import UIAppearanceTheme
    try:
        tested = version("pygame_gui").startswith("0.6.")
    except PackageNotFoundError:
        tested = False
    if (not tested or not hasattr(UIAppearanceTheme, "_get_next_id_node")
            or getattr(UIAppearanceTheme.build_all_combined_ids, "_cs_patched", False)):
        return  # only the 0.6 series is known to have the leak and this internal layout

    def build_all_combined_ids(self, element_base_ids, element_ids, class_ids, object_ids):
        key = tuple(None if v is None else tuple(v) for v in (element_base_ids, element_ids, class_ids, object_ids))
        cache = self.__dict__.setdefault("_cs_combined_ids", {})
        hit = cache.get(key)
        if hit is not None:
            return hit
        combined_ids: list[str] = []
        if None not in (object_ids, element_ids, class_ids, element_base_ids):
            if not (len(object_ids) == len(element_ids) == len(class_ids) == len(element_base_ids)):
                raise ValueError(f"Object & class ID hierarchy is not equal in length to Element ID hierarchy"
                                 f" Element IDs: {element_ids}\nClass IDs: {class_ids}\nObject IDs: {object_ids}\n")
            if element_ids:
                self._get_next_id_node(None, element_base_ids, element_ids, class_ids, object_ids, 0,
                                       len(element_ids), combined_ids)
            current = combined_ids[:]
            done = False
            while not done:
                if current:
                    for i, cid in enumerate(current):
                        dot = cid.find(".")
                        if dot == -1:
                            done = True
                        else:
                            current[i] = cid[dot + 1:]
                            combined_ids.append(current[i])
                else:
                    done = True
        cache[key] = combined_ids
        return combined_ids

    build_all_combined_ids._cs_patched = True
    UIAppearanceTheme.build_all_combined_ids = build_all_combined_ids


_patch_theme_id_cache()


@dataclass
class Session:
    """The game being played: the scenario file, the engine game and the human seats."""

    loaded: object
    ref: str
    game: object
    seats: list[str]
    seat: int = 0
    seed: int = 0
    acted: set = field(default_factory=set)
    saved_mark: object = None       # ``play_mark()`` when the game was last saved (or started, loaded)
    instructor: bool = False        # an instructor (white cell) sits at this game: F9 opens the console
    paused: bool = False            # the instructor paused the game: no seat can end its turn
    public: bool = False            # the screen shows the public view (the projector), no seat's own
    host: object = None             # a network game's GameHost, when this window is its host
    host_changed: bool = False      # set from the host's thread: the game changed, redraw

    @property
    def actor(self) -> str | None:
        """The seat at the screen; None in the public view."""
        return self.seats[self.seat] if self.seats and not self.public else None

    def play_mark(self):
        """What a save would hold of the play: the turn, the seat and the human actions."""
        import json
        g = self.game
        acts = [(e["turn"], json.dumps(e["action"], sort_keys=True)) for e in g.log if e["by"] == "human" and e["ok"]]
        return (g.turn, g.over, self.seat, tuple(acts))

    def mark_saved(self) -> None:
        self.saved_mark = self.play_mark()

    @property
    def unsaved(self) -> bool:
        """Play since the last save or autosave (quitting now would lose it)."""
        return self.saved_mark != self.play_mark()


class App:
    def __init__(self, size: tuple[int, int] | None = None, settings: Settings | None = None,
                 persist: bool = True):
        self.settings = settings or load_settings()
        self.persist = persist
        if size:
            self.settings.window_size = f"{size[0]}x{size[1]}"
        pygame.init()
        widgets._font.cache_clear()       # fonts die with pygame.quit(); a new App starts fresh
        pygame.display.set_caption("Collective Security")
        self.window, self.size = open_window(self.settings)
        self.clock = pygame.time.Clock()
        self.palette = widgets.Palette(self.settings.colourblind)
        widgets.set_scale(effective_scale(self.settings.ui_scale, self.size))
        self.manager = self._make_manager()
        pygame.key.set_repeat(250, 40)
        self.stack: list = []
        self.session: Session | None = None
        self.running = True
        self.toasts: list[tuple[str, str, float]] = []
        self.frames = 0
        if self.settings.problem:
            self.toast(self.settings.problem, "warning", 8)

    # --- screens ---------------------------------------------------------------------
    @property
    def top(self):
        return self.stack[-1] if self.stack else None

    def push(self, screen) -> None:
        screen.depth = len(self.stack)
        self.stack.append(screen)
        self._show_visible()
        self._release()

    def pop(self):
        screen = self.stack.pop()
        screen.exit()
        rebuilt = self._show_visible()
        if self.top is not None and self.top not in rebuilt and hasattr(self.top, "resumed"):
            self.top.resumed()
        self._release()
        return screen

    def replace(self, screen) -> None:
        """Clear the whole stack and show ``screen``."""
        while self.stack:
            self.stack.pop().exit()
        self._release()          # the old screens' widgets and caches go before the new ones are built
        self.push(screen)

    def _show_visible(self) -> set:
        """Only the top screen's widgets are shown. A screen covered by an opaque screen has
        its widgets destroyed (rebuilt when uncovered); screens under a dialog keep theirs,
        hidden, and the dialog shows a dimmed picture of them. Returns the screens built."""
        n = len(self.stack)
        base = max((i for i, s in enumerate(self.stack) if not s.transparent), default=0)
        built = set()
        covered = [s for s in self.stack[:base] if s.root is not None]
        for s in covered:
            s.clear()
        if covered:
            self._release()      # free the covered screens' widgets before building new ones
        for i, s in enumerate(self.stack):
            if i < base:
                continue
            if s.root is None:
                s.build_root()
                built.add(s)
            s.set_visible(i == n - 1)
        return built

    def render_below(self, screen) -> pygame.Surface:
        """A dimmed picture of what is under ``screen`` (the backdrop of a dialog)."""
        i = self.stack.index(screen) if screen in self.stack else len(self.stack)
        surf = pygame.Surface(self.size).convert() if pygame.display.get_surface() else pygame.Surface(self.size)
        surf.fill(self.palette.bg)
        if i > 0:
            below = self.stack[i - 1]
            if below.root is None:
                below.build_root()
            below.set_visible(True)
            below.draw(surf)
            self.manager.draw_ui(surf)
            below.set_visible(False)
        surf.fill((72, 72, 72), special_flags=pygame.BLEND_MULT)      # the old #05080CB8 scrim
        surf.fill((4, 6, 9), special_flags=pygame.BLEND_ADD)
        return surf

    @staticmethod
    def _release() -> None:
        """Free destroyed widgets now and give the memory back to the system.

        pygame_gui elements form reference cycles (element, container, drawable shape, text
        layout), so a killed element's surfaces wait for the cyclic collector, which counts
        Python objects, not the megabytes of pixels they hold: without this, a few turns
        left ~60 MB of dead action lists and news boxes alive."""
        gc.collect()
        if _LIBC is not None:
            try:
                _LIBC.malloc_trim(0)
            except (AttributeError, OSError):
                pass

    def find_screen(self, name: str):
        for s in reversed(self.stack):
            if s.name == name:
                return s
        return None

    # --- settings ----------------------------------------------------------------------
    def apply_settings(self, new: Settings) -> None:
        """Apply size, scale and palette: rebuild every screen's widgets."""
        self.settings = new
        if self.persist:
            err = save_settings(new)
            if err:
                self.toast(err, "warning", 6)
        self.window, self.size = open_window(new)
        self.palette = widgets.Palette(new.colourblind)
        widgets.set_scale(effective_scale(new.ui_scale, self.size))
        for s in self.stack:
            s.clear()
        self.manager = self._make_manager()
        for s in self.stack:
            if hasattr(s, "relayout"):
                s.relayout()
        self._show_visible()
        self._release()

    def toggle_fullscreen(self) -> None:
        """F11 and Settings: fullscreen on the whole display, or back to the window size."""
        import dataclasses
        self.apply_settings(dataclasses.replace(self.settings, fullscreen=not self.settings.fullscreen, problem=None))
        self.toast("Fullscreen: F11 to return to a window." if self.settings.fullscreen else
                   "Windowed: F11 for fullscreen.")

    def _make_manager(self):
        m = pygame_gui.UIManager(self.size, load_theme(widgets.scale()))
        # the theme's font comes from its bundled file (FreeType streams it; see ui/theme.py)
        sizes = font_sizes(widgets.scale())
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m.preload_fonts([{"name": FONT_NAME, "point_size": s, "style": st, "antialiased": "1"}
                             for s in sizes for st in ("regular", "bold")])
        return m

    # --- messages ----------------------------------------------------------------------
    def toast(self, text: str, kind: str = "info", seconds: float = 4.0) -> None:
        self.toasts.append((text, kind, time.monotonic() + seconds))
        self.toasts = self.toasts[-3:]

    def message(self, title: str, body: str) -> None:
        from game.ui.screens.dialogs import MessageDialog
        self.push(MessageDialog(self, title, body))

    # --- the game session ------------------------------------------------------------
    def start_game(self, loaded, ref: str, humans: list[str], seed: int = 0, game=None,
                   seat: str | None = None, instructor: bool = False, host=None) -> None:
        """Start (or, with ``game``, resume) a game; ``seat`` is the human seat whose turn it is;
        ``instructor``: an instructor (white cell) sits at the game as well; ``host``: the window is a
        network game's host (a public view of ``host.game``)."""
        from game.engine.game import Game
        from game.ui.screens.game import GameScreen
        if game is None:
            game = Game(loaded.scenario, seed=seed, humans=tuple(humans), simultaneous=len(humans) > 1)
        order = [a for a in game.world.actor_ids if a in set(humans)]
        self.session = Session(loaded, ref, game, order, order.index(seat) if seat in order else 0, seed)
        self.session.instructor = bool(instructor)
        self.session.host = host
        self.session.mark_saved()
        if len(order) > 1:      # hot-seat: the game's widgets are built when the first player takes the seat
            from game.ui.screens.handover import HandoverScreen
            while self.stack:
                self.stack.pop().exit()
            self._release()
            self.stack.append(GameScreen(self))
            self.push(HandoverScreen(self))
        else:
            self.replace(GameScreen(self))

    def start_remote(self, client, scenario) -> None:
        """Sit at a networked game as ``client``'s seat: the host owns the game, this window shows the seat."""
        from game.scenario.loader import LoadedScenario
        from game.ui.remote_game import RemoteGame
        from game.ui.screens.game import GameScreen
        game = RemoteGame(client, scenario)
        self.session = Session(LoadedScenario(scenario, None, []), scenario.id, game, [client.seat])
        self.session.mark_saved()
        self.replace(GameScreen(self))

    def start_host(self, host) -> None:
        """The network host's window: the public view of the host's game, with the instructor's console."""
        self.start_game(host.loaded, host.scenario_ref, [], host.game.seed, game=host.game, instructor=True,
                        host=host)
        session = self.session

        def changed(_host) -> None:
            session.host_changed = True
        host.listeners.append(changed)

    def reload_scenario(self) -> None:
        """F5: reload the scenario file from disk and restart it; keep the game if broken."""
        from game.scenario.loader import ScenarioError, load_scenario
        s = self.session
        if s is None or getattr(s.game, "remote", False):     # a network game's scenario is the host's
            return
        path = s.loaded.path or s.ref
        try:
            loaded = load_scenario(path)
        except ScenarioError as exc:
            probs = "\n".join(p.format() for p in exc.problems[:12])
            more = f"\n… and {len(exc.problems) - 12} more" if len(exc.problems) > 12 else ""
            self.message("The scenario file has problems", f"The current game goes on unchanged.\n\n{probs}{more}")
            return
        except (FileNotFoundError, OSError) as exc:
            self.message("The scenario file could not be read", str(exc))
            return
        try:
            self.start_game(loaded, s.ref, list(s.seats), s.seed)
        except ValueError as exc:
            self.message("The scenario could not be restarted", str(exc))
            return
        self.toast(f"Reloaded {Path(str(path)).name} from disk and restarted.", "info")

    def autosave(self) -> None:
        """The scenario's rolling autosave (at every End Turn); a failure is shown, never raised."""
        from game.ui.saves import write_autosave
        s = self.session
        if s is None or not s.game.humans or getattr(s.game, "remote", False) or s.host is not None:   # the host saves
            return
        try:
            write_autosave(s.game, str(s.loaded.path or s.ref), s.actor, s.instructor)
        except OSError as exc:
            self.toast(f"The autosave could not be written: {exc}", "warning", 6)
            return
        s.mark_saved()

    def confirm_leave(self, then, what: str = "Quit") -> None:
        """Run ``then`` now, or first ask when the game has play that no save holds."""
        s = self.session
        if s is None or s.game.over or not s.unsaved:
            then()
            return
        from game.ui.screens.dialogs import ConfirmDialog
        self.push(ConfirmDialog(
            self, "Leave without saving?",
            "The moves made since the last save or autosave (the last End Turn) will be lost.\n\n"
            "Cancel, then Esc → Save game to keep them.", f"{what} without saving", then))

    def end_and_debrief(self) -> None:
        from game.ui.screens.debrief import DebriefScreen
        if self.session is not None:
            self.replace(DebriefScreen(self))

    def to_title(self) -> None:
        from game.ui.screens.title import TitleScreen
        self.session = None
        self.replace(TitleScreen(self))

    # --- the loop ----------------------------------------------------------------------
    def route(self, event) -> None:
        if self.top is None:
            return
        consumed = self.manager.process_events(event)
        if hasattr(event, "ui_element"):
            if event.type != pygame_gui.UI_BUTTON_PRESSED:
                return
            for s in reversed(list(self.stack)):
                if s.owns(event.ui_element):
                    s.on_ui(event)
                    break
            return
        if event.type == pygame.QUIT:
            if self.top is not None and self.top.name == "confirm":
                self.running = False
            else:
                self.confirm_leave(self._stop)
            return
        if event.type == pygame.KEYDOWN and event.key == pygame.K_F11:
            self.toggle_fullscreen()
            return
        if not consumed:
            self.top.handle_event(event)

    def step(self, dt: float | None = None) -> None:
        if dt is None:
            dt = self.clock.tick(60) / 1000.0
        for event in pygame.event.get():
            self.route(event)
            if not self.running:
                return
        for s in list(self.stack):
            s.update(dt)
        self.manager.update(dt)
        self.draw(self.window)
        pygame.display.flip()
        self.frames += 1

    def draw(self, surface) -> None:
        surface.fill(self.palette.bg)
        first = 0
        for i in range(len(self.stack) - 1, -1, -1):
            if not self.stack[i].transparent or getattr(self.stack[i], "backdrop", None) is not None:
                first = i
                break
        for s in self.stack[first:]:
            s.draw(surface)
        self.manager.draw_ui(surface)
        if self.top is not None:
            self.top.draw_over(surface)
        self._draw_toasts(surface)

    def _draw_toasts(self, surface) -> None:
        now = time.monotonic()
        self.toasts = [t for t in self.toasts if t[2] > now]
        y = self.size[1] - widgets.px(24)
        pal = self.palette
        for text, kind, _ in reversed(self.toasts):
            fnt = widgets.font(14)
            lines = widgets.wrap(text, fnt, min(widgets.px(640), self.size[0] - 80))
            h = len(lines) * fnt.get_linesize() + widgets.px(16)
            w = max(fnt.size(l)[0] for l in lines) + widgets.px(36)
            r = pygame.Rect((self.size[0] - w) // 2, y - h, w, h)
            pygame.draw.rect(surface, (11, 16, 22), r, border_radius=widgets.px(6))
            pygame.draw.rect(surface, pal.severity(kind), r, 1, border_radius=widgets.px(6))
            pygame.draw.rect(surface, pal.severity(kind), (r.x, r.y + 6, widgets.px(4), r.h - 12))
            for i, l in enumerate(lines):
                surface.blit(fnt.render(l, True, pal.text), (r.x + widgets.px(20), r.y + widgets.px(8) + i * fnt.get_linesize()))
            y = r.y - widgets.px(8)

    def _stop(self) -> None:
        self.running = False

    def run(self) -> int:
        while self.running:
            self.step()
        pygame.quit()
        return 0


def open_window(settings: Settings) -> tuple[pygame.Surface, tuple[int, int]]:
    """The display surface and its size: fullscreen at the display's own resolution, or the window size."""
    if settings.fullscreen:
        sizes = pygame.display.get_desktop_sizes() if hasattr(pygame.display, "get_desktop_sizes") else []
        try:
            surf = pygame.display.set_mode(sizes[0] if sizes else settings.size(), pygame.FULLSCREEN)
            return surf, surf.get_size()
        except pygame.error:
            pass          # no fullscreen mode here: a window as usual
    size = settings.size()
    return pygame.display.set_mode(size), size


class _quiet_stderr:
    """Silence the C library's writes to standard error (file descriptor 2) for a moment."""

    def __enter__(self):
        import os
        try:
            sys.stderr.flush()
            self.saved = os.dup(2)
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 2)
            os.close(null)
        except (OSError, ValueError, AttributeError):
            self.saved = None
        return self

    def __exit__(self, *exc):
        import os
        if self.saved is not None:
            os.dup2(self.saved, 2)
            os.close(self.saved)
        return False


def _no_display() -> str | None:
    """Why no window can be shown (None if one can). Without a display SDL falls back to its
    invisible 'offscreen' or 'dummy' driver, and the game would run unseen and never end; those
    drivers are fine only when asked for (SDL_VIDEODRIVER=dummy, as the tests and screenshots do)."""
    import os
    try:
        with _quiet_stderr():  # SDL's probing of video drivers prints its own complaints
            pygame.display.init()
    except pygame.error as exc:
        return (f"cannot open a window ({exc}); use 'run' to play without one, or "
                "'screenshot' to render a screen to a file")
    driver = (pygame.display.get_driver() or "").lower()
    asked = os.environ.get("SDL_VIDEODRIVER", "").lower()
    if driver in ("offscreen", "dummy") and driver not in asked:
        pygame.display.quit()
        return ("there is no display to open the game window on (no desktop session was found); "
                "start it from a desktop session, or use 'run' to play without a window "
                "('python main.py run --list')")
    return None


def play_main(size: str | None) -> int:
    """`python main.py` / `play`: open the window on the title screen and run the loop."""
    wh = None
    if size:
        wh = parse_size(size)
        if wh is None:
            print(f"collective-security: --size must look like 1600x900, not {size!r}", file=sys.stderr)
            return 2
    problem = _no_display()
    if problem:
        print(f"collective-security: {problem}", file=sys.stderr)
        return 1
    try:
        app = App(wh)
    except pygame.error as exc:
        print(f"collective-security: cannot open a window ({exc}); try SDL_VIDEODRIVER=dummy "
              "for headless use, or 'run' to play without one", file=sys.stderr)
        return 1
    from game.ui.screens.title import TitleScreen
    app.push(TitleScreen(app))
    return app.run()
