"""The game screen: the wiring of the map, the top bar, the region card, the Actions and Council
tabs, the news and the turn controls, plus keyboard shortcuts and the hot-seat flow.

The screen never changes the world itself: it submits engine actions, ends turns and undoes.
Each panel rebuilds its widgets only when what it shows changed (its ``dirty`` flag), and the
memory of destroyed widgets is given back at once (``app._release``).
"""
from __future__ import annotations

import pygame

from game.engine.views import open_decisions
from game.ui import widgets
from game.ui.screens.actions_panel import ActionsPanel
from game.ui.screens.base import Screen
from game.ui.screens.council_panel import CouncilPanel
from game.ui.screens.news_feed import NewsFeed
from game.ui.screens.overlay_controls import OVERLAYS, MapControls
from game.ui.screens.region_panel import RegionPanel
from game.ui.screens.seats_panel import SeatsPanel
from game.ui.screens.top_bar import TopBar
from game.ui.screens.turn_controls import TurnControls, undo_blocker
from game.ui.screens.world_map import make_map
from game.ui.widgets import fmt_num, px

TABS = [("actions", "Actions", "What you can do this turn (A)"),
        ("council", "Council", "The CSTO procedure and each member's position (C)")]
PUBLIC_TABS = [("actions", "Seats", "Which seats have ended their turn, and the sessions pending (A)"), TABS[1]]
PAN_KEYS = {pygame.K_LEFT: (1, 0), pygame.K_RIGHT: (-1, 0), pygame.K_UP: (0, 1), pygame.K_DOWN: (0, -1)}


class GameScreen(Screen):
    name = "game"

    def __init__(self, app):
        super().__init__(app)
        self.session = app.session
        self.game = self.session.game
        self.world = self.game.world
        self.tab = "actions"
        self.overlay = "violence"
        self.mouse = (0, 0)
        self.map = None
        self._tab_box = None        # the scrolling container of the shown tab
        self.top_bar = TopBar(self)
        self.map_controls = MapControls(self)
        self.region_panel = RegionPanel(self)
        self.public = self.session.actor is None      # the projector / network host: what every seat may see
        self.actions = SeatsPanel(self) if self.public else ActionsPanel(self)
        self.council = CouncilPanel(self)
        self.news = NewsFeed(self)
        self.turn_controls = TurnControls(self)
        self.seat_views: dict[str, dict] = {}      # hot-seat: each seat's tab, selection, framing and force

    # --- layout ----------------------------------------------------------------------
    def layout(self) -> None:
        W, H = self.app.size
        self.TB = px(56)
        self.SW = max(px(360), min(px(430), int(W * 0.32)))
        self.NEWS = max(px(120), int(H * 0.17))
        self.map_rect = pygame.Rect(0, self.TB, W - self.SW, H - self.TB - self.NEWS)
        self.news_rect = pygame.Rect(0, H - self.NEWS, W - self.SW, self.NEWS)
        self.side = pygame.Rect(W - self.SW, self.TB, self.SW, H - self.TB)
        self.SEL = px(196)
        self.tabs_y = self.side.y + self.SEL
        self.content = pygame.Rect(self.side.x + px(12), self.tabs_y + px(70), self.SW - px(24),
                                   H - self.tabs_y - px(70) - px(72))

    def relayout(self) -> None:
        self.map = None

    def clear(self) -> None:
        """Covered (the debrief, the council) or closed: the map's label composite is freed too; the next
        drawn frame rebuilds it."""
        super().clear()
        if self.map is not None:
            self.map.release()

    def build(self) -> None:
        self.layout()
        self._build_map()
        side = self.side
        self.top_bar.build(pygame.Rect(0, 0, self.app.size[0], self.TB))
        self.map_controls.build(self.map_rect)
        self._build_tabs()
        self.turn_controls.build(side)
        self.region_panel.build(pygame.Rect(side.x + px(16), side.y + px(12), side.w - px(32), self.SEL - px(20)))
        self.news.build(self.news_rect)
        self._tab_box = None
        self.actions.dirty = self.council.dirty = True
        self.update(0)

    def _build_map(self) -> None:
        """A new map when there is none or its size changed (keeping the selection), else move it."""
        if self.map is not None and self.map.rect.size == self.map_rect.size:
            self.map.rect.topleft = self.map_rect.topleft
            return
        old = self.map
        self.map = make_map(self.map_rect.size, self.app.palette)
        self.map.rect.topleft = self.map_rect.topleft
        self.map.bind(self.world)
        self.map.set_state(self.state)
        self.map.set_overlay(self.overlay)
        self.fit()
        if old is not None and old.selected:
            self.map.selected = old.selected

    def _build_tabs(self) -> None:
        tw = (self.SW - px(24)) // 2
        for i, (tab, label, tip) in enumerate(PUBLIC_TABS if self.public else TABS):
            b = self.button((self.side.x + px(12) + i * tw, self.tabs_y, tw - px(4), px(36)), label,
                            (lambda t=tab: self.set_tab(t)), cls="tab", oid=f"tab_{tab}", tip=tip)
            if tab == self.tab:
                b.select()

    @property
    def state(self):
        """The state as the seated player sees it (in simultaneous turns: with only its own orders)."""
        return self.game.state_for(self.session.actor)

    @property
    def panel(self):
        """The panel of the shown tab."""
        return self.actions if self.tab == "actions" else self.council

    # --- the actions list, as the tests drive it -------------------------------------------
    @property
    def rows(self):
        return self.actions.rows

    def scroll_to(self, y: int) -> None:
        """Scroll the actions list so that content row ``y`` is near the top."""
        self.actions.list.scroll_to(y)

    # --- rebuilding widgets ------------------------------------------------------------
    def update(self, dt: float) -> None:
        if getattr(self.game, "remote", False):
            self._follow_host()
        elif self.session.host is not None and self.session.host_changed:    # a network host's window
            self._follow_own_host()
            if self.game.over:
                self.app.end_and_debrief()
                return
        if self.root is None or not self.root.visible:
            return      # hidden (hand-over, dialogs): rebuild when shown again
        rebuilt = False
        panel = self.panel
        if panel.dirty:
            if self._tab_box is not None:
                self._tab_box.kill()
            self.actions.list.forget()
            self.handlers = {el: fn for el, fn in self.handlers.items() if el.alive()}
            self._tab_box = panel.build(self.content)
            rebuilt = not isinstance(panel, SeatsPanel)     # a few labels: their memory can wait
        elif panel is self.actions:
            self.actions.materialise()
        rebuilt = self.news.update() or rebuilt
        if rebuilt and dt > 0:
            self.app._release()      # the killed widgets hold megabytes of surfaces

    def _follow_own_host(self) -> None:
        """A network host's window after a change on the host: a seat's Ready redraws the Seats tab only;
        a new turn (or an instructor's change) redraws every view."""
        self.session.host_changed = False
        host = self.session.host
        host.sync()
        if host.lost and not getattr(self, "_host_lost_said", False):
            self._host_lost_said = True
            self.app.message("The game host has stopped",
                             f"The host's process ended before the game did. Every resolved turn is in the autosave "
                             f"{host.save_path}.\n\nTo go on, close this window and run:\n"
                             f"python main.py host --resume {host.save_path}\n\nThe laptops rejoin with their "
                             "secrets, or with the join code.")
            return
        turn, seen = self.game.turn, getattr(self, "_host_seen", None)
        self._host_seen = (turn, len(self.game.log))
        if seen is not None and seen[0] == turn and seen[1] == len(self.game.log):
            self.actions.dirty = True
            self.turn_controls.refresh()
        else:
            self.changed()

    def changed(self) -> None:
        """The game changed: every view follows it."""
        if self.map is not None:
            self.map.set_state(self.state)
        self.council.invalidate()
        self.actions.dirty = True
        self.news.dirty = True
        self.turn_controls.refresh()

    def resumed(self) -> None:
        self.changed()

    # --- commands ------------------------------------------------------------------------
    def submit(self, it) -> None:
        if not it.allowed:
            self.app.toast(f"Not possible: {it.verdict.reason}", "warning")
            return
        res = self.game.submit(it.action)
        self.app.toast(res.text, "info" if res.ok else "warning")
        self.changed()

    def undo_blocker(self) -> str | None:
        return undo_blocker(self.game, self.session)

    def undo(self) -> None:
        blocker = self.undo_blocker()
        if blocker is not None:
            self.app.toast(blocker, "warning")
            return
        if self.game.undo(self.session.actor):
            self.app.toast("Your last action was taken back.")
            self.changed()
        else:
            self.app.toast("There is nothing to take back this turn.", "warning")

    def end_turn(self, confirmed: bool = False) -> None:
        """End the seat's turn: in hot-seat hand over to the next seat; after the last, run the turn.

        If the seat has left decisions open that this End Turn would settle (an event's question, a
        vote or an answer due now), ask first, listing them (unless ``confirmed``)."""
        from game.ui.screens.handover import HandoverScreen
        s, g = self.session, self.game
        if g.over:
            self.app.end_and_debrief()
            return
        if s.paused:
            self.app.toast("The instructor has paused the game: no turn can end until it resumes (F9).", "warning")
            return
        if self.public:
            self.end_turn_for_every_seat(confirmed)
            return
        if not confirmed and open_decisions(g, s.actor):
            from game.ui.screens.dialogs import EndTurnDialog
            self.app.push(EndTurnDialog(self.app, self))
            return
        g.declare_ready(s.actor)
        if getattr(g, "remote", False):
            waiting = [g.world.name(a) for a in g.waiting_for() if a != s.actor]
            self.app.toast("Your turn is done. " + (f"Waiting for {', '.join(waiting)}." if waiting
                                                   else "The host is running the turn."), "info", 6)
            self.turn_controls.refresh()
            return
        if len(s.seats) > 1 and s.seat < len(s.seats) - 1:
            self._keep_seat_view()
            s.seat += 1
            self._restore_seat_view()
            self.changed()
            self.app.autosave()
            self.app.toasts.clear()          # nothing of this seat's is shown to the next
            self.app.push(HandoverScreen(self.app))
            return
        before = len(g.decisions())
        rec = g.end_turn()
        self._keep_seat_view()
        s.seat = 0
        self._restore_seat_view()
        self.changed()
        self.app.autosave()
        if g.over:
            self.app.end_and_debrief()
            return
        new = rec.phases.get("resolution", {}).get("new_casualties", 0)
        msg = f"{widgets.pretty_date(rec.date)}: {fmt_num(new)} killed this turn."
        for p in g.decisions()[before:]:
            msg += f" {p['body']}: {p['outcome'].replace('_', ' ')}."
        if len(s.seats) > 1:
            self.app.toasts.clear()
            self.app.push(HandoverScreen(self.app))
        self.app.toast(msg, "warning" if new >= 10 else "info")

    def end_turn_for_every_seat(self, confirmed: bool = False) -> None:
        """The public view (or the instructor's console) ends the turn for every seat; seats still
        deciding are named first, and what they left open goes into the news."""
        g = self.game
        waiting = g.waiting_for()
        if waiting and not confirmed:
            from game.ui.screens.dialogs import ConfirmDialog
            names = ", ".join(g.world.name(a) for a in waiting)
            self.app.push(ConfirmDialog(
                self.app, "End the turn for every seat?",
                f"Still deciding: {names}.\n\nTheir orders so far are carried out; what they left open is listed "
                "in the news and the computer decides it by their interests.",
                "End the turn now", lambda: self.end_turn_for_every_seat(True)))
            return
        before = len(g.decisions())
        host = getattr(self.session, "host", None)
        rec = host.end_turn_now() if host is not None else g.end_turn()
        self._keep_seat_view()
        self.session.seat = 0            # hot-seat: the first seat starts the next turn
        self.changed()
        self.app.autosave()
        if g.over:
            self.app.end_and_debrief()
            return
        if not self.public and len(self.session.seats) > 1:        # hot-seat: the first seat takes over
            from game.ui.screens.handover import HandoverScreen
            self._restore_seat_view()
            self.app.toasts.clear()
            self.app.push(HandoverScreen(self.app))
        new = rec.phases.get("resolution", {}).get("new_casualties", 0) if rec is not None else 0
        msg = f"{widgets.pretty_date(g.history[-1].date)}: {fmt_num(new)} killed this turn."
        for p in g.decisions()[before:]:
            msg += f" {p['body']}: {p['outcome'].replace('_', ' ')}."
        self.app.toast(msg, "warning" if new >= 10 else "info")

    def _follow_host(self) -> None:
        """A networked seat: take the host's new view; when the turn has moved on, say what it brought."""
        g = self.game
        link = g.link()
        if link != getattr(self, "_link", "ok"):
            self._link = link
            if link == "closed":
                self.app.message("This laptop has left the game", getattr(g.client, "error", None) or
                                 "The host closed the connection (the instructor may have given the seat to another "
                                 "laptop or to the computer).")
            else:
                self.app.toast("Connection to the host lost: reconnecting…" if link == "reconnecting" else
                               "Connected to the host again.", "warning" if link == "reconnecting" else "info", 6)
        turn, decided = g.turn, len(g.decisions())
        try:
            if not g.poll():
                return
        except ValueError as exc:
            self.app.toast(f"The host sent a view this game cannot read: {exc}", "warning", 8)
            return
        self.changed()
        if g.over:
            self.app.end_and_debrief()
        elif g.turn != turn and g.history:
            rec = g.history[-1]
            new = rec.phases.get("resolution", {}).get("new_casualties", 0)
            msg = f"{widgets.pretty_date(rec.date)}: {fmt_num(new)} killed this turn."
            for p in g.decisions()[decided:]:
                msg += f" {p['body']}: {p['outcome'].replace('_', ' ')}."
            self.app.toast(msg, "warning" if new >= 10 else "info")

    # --- hot-seat: each seat keeps its own view ---------------------------------------------
    def _keep_seat_view(self) -> None:
        """Remember the seat's tab, selected region, framing and force (restored when it sits again)."""
        a = self.session.actor
        if a is not None:
            self.seat_views[a] = {"tab": self.tab, "selected": self.map.selected if self.map else None,
                                  "framing": self.actions.framing, "force": self.actions.force}

    def _restore_seat_view(self) -> None:
        """The seat's own view: what it left last time, or a fresh one (its objectives, the Actions tab)."""
        v = self.seat_views.get(self.session.actor, {})
        if self.map is not None:
            self.map.selected = v.get("selected")
            self.map.hovered = None
        self.actions.framing = v.get("framing", "internal_unrest")
        self.actions.force = v.get("force")
        self.set_tab(v.get("tab", "actions"))

    def set_overlay(self, name: str) -> None:
        self.overlay = name
        self.map.set_overlay(name)
        self.map_controls.select(name)

    def set_tab(self, tab: str) -> None:
        self.tab = tab
        for t, _, _ in TABS:
            b = self.find(f"tab_{t}")
            if b is not None:
                (b.select if t == tab else b.unselect)()
        self.panel.dirty = True

    def zoom(self, f: float) -> None:
        self.map.zoom_at(self.map_rect.center, f)

    def fit(self) -> None:
        self.map.fit(list(self.world.region_ids))

    def menu(self) -> None:
        from game.ui.screens.dialogs import EscMenu
        self.app.push(EscMenu(self.app))

    def help(self) -> None:
        from game.ui.screens.help import HelpScreen
        self.app.push(HelpScreen(self.app))

    def instructor(self) -> None:
        """F9: the instructor's console (only when an instructor sits at this game)."""
        if not self.session.instructor:
            self.app.toast("No instructor sits at this game: choose the Instructor role on the roles screen.",
                           "warning")
            return
        from game.ui.screens.instructor import InstructorScreen
        self.app.push(InstructorScreen(self.app))

    def toggle_public(self) -> None:
        """F8 (an instructor at the game): switch the screen between the public view for the projector
        (what every seat may see; End turn there ends it for every seat) and the seat whose turn it is."""
        s = self.session
        if not s.instructor or not s.seats or getattr(self.game, "remote", False):
            self.app.toast("The public view is the instructor's (choose the Instructor role); a network host "
                           "shows it all the time.", "warning")
            return
        self._keep_seat_view()
        s.public = not s.public
        self.app.toasts.clear()
        screen = GameScreen(self.app)
        screen.seat_views = self.seat_views
        self.app.replace(screen)

    # --- input -----------------------------------------------------------------------------
    def _on_key(self, k: int, mods: int) -> None:
        if k in (pygame.K_RETURN, pygame.K_SPACE, pygame.K_KP_ENTER):
            self.end_turn()
        elif k == pygame.K_z and mods & (pygame.KMOD_CTRL | pygame.KMOD_META):
            self.undo()
        elif k == pygame.K_ESCAPE:
            self.menu()
        elif k == pygame.K_F1:
            self.help()
        elif k == pygame.K_F9:
            self.instructor()
        elif k == pygame.K_F8:
            self.toggle_public()
        elif k == pygame.K_F5:
            self.app.reload_scenario()
        elif pygame.K_1 <= k <= pygame.K_5:
            self.set_overlay(OVERLAYS[k - pygame.K_1][0])
        elif k in (pygame.K_PLUS, pygame.K_EQUALS, pygame.K_KP_PLUS):
            self.zoom(1.25)
        elif k in (pygame.K_MINUS, pygame.K_KP_MINUS):
            self.zoom(0.8)
        elif k == pygame.K_HOME:
            self.fit()
        elif k in PAN_KEYS:
            dx, dy = PAN_KEYS[k]
            self.map.pan(dx * px(60), dy * px(60))
        elif k == pygame.K_a:
            self.set_tab("actions")
        elif k == pygame.K_c:
            self.set_tab("council")

    def handle_event(self, event) -> None:
        if event.type == pygame.KEYDOWN:
            self._on_key(event.key, getattr(event, "mod", 0))
            return
        if hasattr(event, "pos"):
            self.mouse = event.pos
            if not self.map_rect.collidepoint(event.pos) and event.type not in (pygame.MOUSEBUTTONUP,
                                                                                 pygame.MOUSEMOTION):
                return
        if event.type == pygame.MOUSEWHEEL and not self.map_rect.collidepoint(self.mouse):
            return
        before = self.map.selected
        self.map.handle_event(event)
        if self.map.selected != before:
            self.panel.dirty = True    # the deploy button follows the selected region

    # --- drawing -----------------------------------------------------------------------------
    def draw(self, surface) -> None:
        pal = self.app.palette
        self.map.draw(surface)
        self.map_controls.draw(surface)
        self.top_bar.draw(surface)
        self.news.draw(surface)
        pygame.draw.rect(surface, (17, 24, 32), self.side)
        pygame.draw.line(surface, pal.border, self.side.topleft, self.side.bottomleft)
        self.region_panel.draw(surface)
        if self.tab == "actions":
            self.actions.draw(surface)

    def draw_over(self, surface) -> None:
        if self.app.top is self:
            self.map_controls.draw_over(surface, self.mouse)
            self.region_panel.draw_over(surface, self.mouse)
