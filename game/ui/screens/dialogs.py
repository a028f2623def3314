"""Modal dialogs drawn over the screen below: a message, the Esc menu, and the load dialog."""
from __future__ import annotations

import pygame
from pygame_gui.core import ObjectID
from pygame_gui.elements import UIPanel, UIScrollingContainer, UITextBox

from game.ui import widgets
from game.ui.screens.base import Screen, centered
from game.ui.widgets import px


def _esc(s: str) -> str:
    return str(s).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class Dialog(Screen):
    transparent = True
    width, height = 440, 300

    def card(self) -> pygame.Rect:
        r = centered(self.app, min(px(self.width), self.app.size[0] - 40), min(px(self.height), self.app.size[1] - 40))
        self.panel = UIPanel(r, manager=self.app.manager, container=self.root,
                             object_id=ObjectID(None, "@card"))
        return pygame.Rect(0, 0, r.w, r.h)

    def draw(self, surface) -> None:
        if self.backdrop is not None:
            surface.blit(self.backdrop, (0, 0))

    def handle_event(self, event) -> None:
        if event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE:
            self.app.pop()


class MessageDialog(Dialog):
    name = "message"
    width, height = 620, 380

    def __init__(self, app, title: str, body: str):
        super().__init__(app)
        self.title, self.body = title, body

    def build(self) -> None:
        r = self.card()
        c = self.panel
        self.label((px(24), px(18), r.w - px(48), px(32)), self.title, "h2", container=c)
        html = "<br>".join(_esc(l) for l in self.body.split("\n"))
        UITextBox(html, pygame.Rect(px(20), px(58), r.w - px(40), r.h - px(130)), manager=self.app.manager,
                  container=c, object_id=ObjectID("#message_body", "@boxed"))
        self.button((r.w - px(144), r.h - px(58), px(120), px(40)), "OK", self.app.pop, cls="primary",
                    oid="ok", container=c, tip="Close this message (Enter or Esc)")

    def handle_event(self, event) -> None:
        if event.type == pygame.KEYDOWN and event.key in (pygame.K_ESCAPE, pygame.K_RETURN, pygame.K_SPACE):
            self.app.pop()


class EscMenu(Dialog):
    name = "esc_menu"
    width, height = 360, 470

    def build(self) -> None:
        r = self.card()
        c = self.panel
        self.label((px(24), px(16), r.w - px(48), px(36)), "Paused", "h2", container=c)
        items = [
            ("resume", "Resume", self.app.pop, "Back to the game (Esc)"),
            ("save", "Save game", self.save, "Save this game to your saves folder"),
            ("load", "Load game…", self.load, "Open a saved game"),
            ("settings", "Settings…", self.settings,
             "Fullscreen, window size, UI scale (150% for a projector) and colour-blind-safe palette"),
            ("help", "Help and glossary", self.help, "What the terms mean and the keyboard shortcuts (F1)"),
            ("debrief", "End and debrief", self.app.end_and_debrief,
             "Stop here and see the assessment, the charts and what really happened"),
            ("quit_title", "Quit to title", self.quit_title,
             "Leave this game (asks first if there are moves since the last save or autosave)"),
        ]
        if getattr(self.app.session.game, "remote", False):      # the host saves, loads and ends a network game
            items = [it for it in items if it[0] not in ("save", "load", "debrief")]
        y = px(64)
        for oid, text, fn, tip in items:
            cls = "primary" if oid == "resume" else ("danger" if oid == "quit_title" else None)
            self.button((px(24), y, r.w - px(48), px(44)), text, fn, tip=tip, oid=oid, cls=cls, container=c)
            y += px(54)

    def quit_title(self) -> None:
        self.app.confirm_leave(self.app.to_title, "Quit to title")

    def save(self) -> None:
        from game.ui.saves import write_save
        s = self.app.session
        try:
            path = write_save(s.game, str(s.loaded.path or s.ref), seat=s.actor, instructor=s.instructor)
        except OSError as exc:
            self.app.message("The game could not be saved", str(exc))
            return
        s.mark_saved()
        self.app.toast(f"Saved as {path.name}", "info")
        self.app.pop()

    def load(self) -> None:
        self.app.push(LoadDialog(self.app))

    def settings(self) -> None:
        from game.ui.screens.settings_screen import SettingsScreen
        self.app.push(SettingsScreen(self.app))

    def help(self) -> None:
        from game.ui.screens.help import HelpScreen
        self.app.push(HelpScreen(self.app))


class ConfirmDialog(Dialog):
    """A question with two answers: ``confirm`` (runs ``on_confirm``) and Cancel."""
    name = "confirm"
    width, height = 640, 400

    def __init__(self, app, title: str, body: str, confirm: str, on_confirm):
        super().__init__(app)
        self.title, self.body, self.confirm_label, self.on_confirm = title, body, confirm, on_confirm

    def build(self) -> None:
        r = self.card()
        c = self.panel
        self.label((px(24), px(18), r.w - px(48), px(32)), self.title, "h2", container=c)
        html = "<br>".join(_esc(line) for line in self.body.split("\n"))
        UITextBox(html, pygame.Rect(px(20), px(58), r.w - px(40), r.h - px(130)), manager=self.app.manager,
                  container=c, object_id=ObjectID("#confirm_body", "@boxed"))
        self.button((r.w - px(144), r.h - px(58), px(120), px(40)), "Cancel", self.app.pop, oid="cancel",
                    container=c, tip="Do nothing (Esc)")
        self.button((r.w - px(324), r.h - px(58), px(168), px(40)), self.confirm_label, self.confirm,
                    cls="danger", oid="confirm", container=c, tip=self.confirm_label)

    def confirm(self) -> None:
        self.app.pop()
        self.on_confirm()


class LoadDialog(Dialog):
    name = "load"
    width, height = 640, 520

    def build(self) -> None:
        from game.ui.saves import list_saves, saves_dir
        r = self.card()
        c = self.panel
        self.label((px(24), px(16), r.w - px(48), px(36)), "Load a saved game", "h2", container=c)
        saves = list_saves()
        box = pygame.Rect(px(20), px(60), r.w - px(40), r.h - px(140))
        sc = UIScrollingContainer(box, manager=self.app.manager, container=c, allow_scroll_x=False)
        if not saves:
            self.label((px(4), px(4), box.w - px(20), px(30)), f"No saves yet in {saves_dir()}", "muted", container=sc)
        y = 0
        for i, info in enumerate(saves[:60]):
            text = f"{info.title}  ·  {info.detail}"
            if info.ok:
                self.button((0, y, box.w - px(20), px(40)), text, (lambda p=info.path: self.open(p)),
                            cls="list_item", oid=f"save_{i}", container=sc, tip=str(info.path))
            else:  # listed, so the player knows it is there, but it cannot be opened
                self.button((0, y, box.w - px(20), px(40)), text, None, cls="list_item", oid=f"save_{i}",
                            container=sc, tip=f"{info.path}: this file cannot be loaded", enabled=False)
            y += px(46)
        if len(saves) > 60:
            self.label((px(4), y, box.w - px(20), px(30)), f"… and {len(saves) - 60} older files in {saves_dir()}",
                       "muted", container=sc)
            y += px(36)
        sc.set_scrollable_area_dimensions((box.w - px(20), max(y, box.h - 4)))
        self.button((r.w - px(144), r.h - px(62), px(120), px(42)), "Cancel", self.app.pop, oid="cancel",
                    container=c, tip="Close (Esc)")

    def open(self, path, allow_changed: bool = False) -> None:
        from game.ui.saves import SaveError, ScenarioChanged, restore
        try:
            loaded, game = restore(path, allow_changed=allow_changed)
        except ScenarioChanged as exc:
            changes = "\n".join(f"• {c}" for c in exc.changes)
            self.app.push(ConfirmDialog(
                self.app, "The scenario has changed",
                f"The scenario of this save has changed since it was saved:\n{changes}\n\nThe saved moves "
                "would be replayed in a different game, so what follows will not be the game you saved. "
                "Load it anyway? The game will be marked as loaded over a changed scenario.",
                "Load anyway", lambda p=path: self.open(p, allow_changed=True)))
            return
        except SaveError as exc:
            self.app.message("This save cannot be loaded", str(exc))
            return
        self.app.start_game(loaded, str(loaded.path), sorted(game.humans), game.seed, game=game,
                            seat=getattr(game, "saved_seat", None),
                            instructor=getattr(game, "saved_instructor", False))
        changed = getattr(game, "scenario_changed", None)
        note = getattr(game, "load_note", "")
        if changed:
            pygame.display.set_caption("Collective Security — loaded over a changed scenario")
            self.app.toast(f"Loaded {path.name} over a changed scenario ({'; '.join(changed)}): this is not "
                           "the game that was saved.", "warning", 12)
        else:
            pygame.display.set_caption("Collective Security")
            self.app.toast(f"Loaded {path.name}: turn {game.turn}, {widgets.pretty_date(game.date.isoformat())}."
                           + (f" ({note})" if note else ""))


class EndTurnDialog(Dialog):
    """Asked when End Turn would settle what the seat has left open: lists each open decision with what
    would become of it, offers an event's options as buttons, and ends the turn only on an explicit click
    (Enter, Space and Esc go back to the game, so a second Enter decides nothing)."""
    name = "end_turn_confirm"
    width, height = 760, 460
    KICKERS = {"choice": "AN EVENT ASKS YOU", "vote": "COUNCIL VOTE", "answer": "PLEA FOR HELP"}

    def __init__(self, app, screen):
        super().__init__(app)
        self.screen = screen
        self.items = []

    def _plan(self, iw: int) -> list[tuple]:
        """(kind, y, h, payload) rows of the item list at inner width ``iw``; kind: kicker | text | muted | option | show."""
        rows, y = [], 0
        body = widgets.font(14)
        for k, it in enumerate(self.items):
            rows.append(("kicker", y, px(22), self.KICKERS.get(it.kind, it.kind.upper())))
            y += px(22)
            for line in widgets.wrap(it.title, body, iw - px(8)):
                rows.append(("text", y, px(22), line))
                y += px(21)
            for line in widgets.wrap(f"If the turn ends now, {it.default}.", widgets.font(13), iw - px(8)):
                rows.append(("muted", y, px(20), line))
                y += px(19)
            y += px(6)
            if it.kind == "choice":
                for j, label in enumerate(it.options):
                    rows.append(("option", y, px(34), (k, j, label)))
                    y += px(38)
            else:
                rows.append(("show", y, px(34), k))
                y += px(38)
            y += px(12)
        return rows, y

    def build(self) -> None:
        from game.engine.views import open_decisions
        s = self.app.session
        self.items = open_decisions(s.game, s.actor)
        iw = min(px(self.width), self.app.size[0] - 40) - px(48) - px(20)
        rows, content_h = self._plan(iw)
        self.height = min(int((content_h + px(180)) / widgets.scale()) + 1, 2000)
        r = self.card()
        c = self.panel
        self.label((px(24), px(16), r.w - px(48), px(36)), "Decisions still open", "h2", container=c)
        who = s.game.world.name(s.actor)
        self.label((px(24), px(54), r.w - px(48), px(24)),
                   f"{who} has not decided these. Decide now, or end the turn and let the defaults stand.",
                   "muted", container=c)
        box = pygame.Rect(px(24), px(88), r.w - px(48), r.h - px(88) - px(80))
        sc = UIScrollingContainer(box, manager=self.app.manager, container=c, allow_scroll_x=False,
                                  object_id=ObjectID("#open_decisions", None))
        for kind, y, h, payload in rows:
            if kind == "kicker":
                self.label((0, y, iw, h), payload, "kicker", container=sc)
            elif kind == "text":
                self.label((0, y, iw, h), payload, None, container=sc)
            elif kind == "muted":
                self.label((0, y, iw, h), payload, "muted", container=sc)
            elif kind == "option":
                k, j, label = payload
                self.button((0, y, iw, h), label, (lambda k=k, j=j: self.choose(k, j)), cls="action",
                            oid=f"option_{k}_{j}", container=sc, tip=f"Choose this: {label}")
            else:
                self.button((0, y, iw, h), "Show it in the Actions tab", self.go_back, cls="action",
                            oid=f"show_{payload}", container=sc,
                            tip="Back to the game: the Council group of the Actions tab holds your votes and answers")
        sc.set_scrollable_area_dimensions((iw, max(content_h, box.h - 4)))
        self.button((r.w - px(24) - px(230), r.h - px(62), px(230), px(44)), "Back to the game", self.go_back,
                    cls="primary", oid="go_back", container=c, tip="Decide these yourself (Enter or Esc)")
        self.button((px(24), r.h - px(62), px(230), px(44)), "End turn anyway", self.end_anyway,
                    cls="danger", oid="end_anyway", container=c,
                    tip="End the turn and let the defaults stand (Ctrl+Enter)")

    def choose(self, k: int, j: int) -> None:
        """Answer an event's question with option ``j``; close when nothing is left open."""
        from game.engine.actions import ChooseOption
        s = self.app.session
        it = self.items[k]
        res = s.game.submit(ChooseOption(s.actor, event=it.event, choice=j))
        self.app.toast(res.text, "info" if res.ok else "warning")
        self.screen.changed()
        from game.engine.views import open_decisions
        if open_decisions(s.game, s.actor):
            self.build_root()
        else:
            self.app.pop()
            self.app.toast("Nothing is left open: end the turn when you are ready.")

    def go_back(self) -> None:
        self.app.pop()
        self.screen.set_tab("actions")
        self.screen.update(0)
        self.screen.scroll_to(0)

    def end_anyway(self) -> None:
        items = list(self.items)
        self.app.pop()
        if items:
            self.app.toast("Ended with decisions open: " + "; ".join(f"{it.title} — {it.default}" for it in items)
                           + ".", "warning", 8)
        self.screen.end_turn(confirmed=True)

    def handle_event(self, event) -> None:
        if event.type != pygame.KEYDOWN:
            return
        if event.key in (pygame.K_RETURN, pygame.K_KP_ENTER) and getattr(event, "mod", 0) & pygame.KMOD_CTRL:
            self.end_anyway()
        elif event.key in (pygame.K_ESCAPE, pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_SPACE):
            self.go_back()
