"""Settings: window size, UI scale and the colour-blind-safe palette."""
from __future__ import annotations

import dataclasses

import pygame

from game.ui import widgets
from game.ui.screens.base import Screen
from game.ui.settings import LARGE_TEXT, SCALES, SIZES, effective_scale
from game.ui.widgets import px


class SettingsScreen(Screen):
    name = "settings"

    def __init__(self, app):
        super().__init__(app)
        self.draft = dataclasses.replace(app.settings, problem=None)

    def build(self) -> None:
        W, H = self.app.size
        m = px(40)
        self.label((m, px(20), W - 2 * m, px(54)), "Settings", "h1")
        y = px(100)
        rows = [("Display", [(False, "Window"), (True, "Fullscreen")], "fullscreen",
                 "Fill the whole screen, for a projector (F11 switches at any time)"),
                ("Window size", [(s, s.replace("x", " × ")) for s in SIZES], "window_size",
                 "The size of the game window (fullscreen uses the display's own size)"),
                ("UI scale", [(s, f"{round(s * 100)}%" + (" · large text" if s == LARGE_TEXT else ""))
                              for s in SCALES], "ui_scale",
                 "The size of all text and controls: buttons, panels, the map's labels. 150% is for a "
                 "projector: body text of 16 pixels and more at 1920 × 1080"),
                ("Palette", [(False, "Standard"), (True, "Colour-blind safe")], "colourblind",
                 "Colours that stay distinct with red-green colour blindness (Okabe-Ito)")]
        for title, options, field, tip in rows:
            self.label((m, y, px(200), px(40)), title, "h3")
            x = m + px(210)
            for value, text in options:
                bw = widgets.font(14).size(text)[0] + px(40)
                b = self.button((x, y, bw, px(40)), text, (lambda f=field, v=value: self.pick(f, v)),
                                cls="overlay", oid=f"{field}_{str(value).replace('.', '_')}", tip=tip)
                if getattr(self.draft, field) == value:
                    b.select()
                x += bw + px(8)
            y += px(58)
        from game.ui.settings import settings_path
        self.label((m, y + px(10), W - 2 * m, px(28)), self.scale_note(), "muted", oid="scale_note")
        self.label((m, y + px(42), W - 2 * m, px(28)), f"Saved in {settings_path()}", "muted")
        self.button((W - m - px(340), H - px(70), px(160), px(46)), "Cancel", self.app.pop, oid="cancel",
                    tip="Leave without changes (Esc)")
        self.button((W - m - px(170), H - px(70), px(170), px(46)), "Apply", self.apply, oid="apply",
                    cls="primary", tip="Use and save these settings (Enter)")

    def scale_note(self) -> str:
        """What the chosen scale gives at the chosen size (a scale that would crowd the screens is capped)."""
        d = self.draft
        size = d.size()
        if d.fullscreen:
            sizes = pygame.display.get_desktop_sizes() if hasattr(pygame.display, "get_desktop_sizes") else []
            size = tuple(sizes[0]) if sizes else size
        where = "on this display" if d.fullscreen else f"at {size[0]} × {size[1]}"
        eff = effective_scale(d.ui_scale, size)
        if abs(eff - d.ui_scale) < 1e-6:
            return f"Text and controls at {round(eff * 100)}% {where}."
        return (f"Text and controls at {round(eff * 100)}% {where}: {round(d.ui_scale * 100)}% needs at least "
                f"{round(1280 * d.ui_scale)} × {round(720 * d.ui_scale)}.")

    def pick(self, field, value) -> None:
        setattr(self.draft, field, value)
        self.build_root()

    def apply(self) -> None:
        new = dataclasses.replace(self.draft)
        self.app.pop()
        self.app.apply_settings(new)
        self.app.toast("Settings saved.")

    def handle_event(self, event) -> None:
        if event.type == pygame.KEYDOWN:
            if event.key == pygame.K_ESCAPE:
                self.app.pop()
            elif event.key == pygame.K_RETURN:
                self.apply()
