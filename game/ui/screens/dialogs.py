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
            ("settings", "Settings…", self.settings, "Window size, UI scale and colour-blind-safe palette"),
            ("help", "Help and glossary", self.help, "What the terms mean and the keyboard shortcuts (F1)"),
            ("debrief", "End and debrief", self.app.end_and_debrief,
             "Stop here and see the assessment, the charts and what really happened"),
            ("quit_title", "Quit to title", self.app.to_title, "Leave this game (unsaved progress is lost)"),
        ]
        y = px(64)
        for oid, text, fn, tip in items:
            cls = "primary" if oid == "resume" else ("danger" if oid == "quit_title" else None)
            self.button((px(24), y, r.w - px(48), px(44)), text, fn, tip=tip, oid=oid, cls=cls, container=c)
            y += px(54)

    def save(self) -> None:
        from game.ui.saves import write_save
        s = self.app.session
        try:
            path = write_save(s.game, str(s.loaded.path or s.ref))
        except OSError as exc:
            self.app.message("The game could not be saved", str(exc))
            return
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
        self.app.start_game(loaded, str(loaded.path), sorted(game.humans), game.seed, game=game)
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
