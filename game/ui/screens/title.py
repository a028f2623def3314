"""The title screen."""
from __future__ import annotations

import pygame

from game.ui import widgets
from game.ui.screens.base import Screen
from game.ui.widgets import px


class TitleScreen(Screen):
    name = "title"

    def build(self) -> None:
        W, H = self.app.size
        bw, bh = px(320), px(50)
        x = px(96)
        y = int(H * 0.48)
        items = [
            ("new_game", "New game", self.new_game, "Choose a scenario and your role (Enter)", "primary"),
            ("load_game", "Load game…", self.load_game, "Continue a saved game", None),
            ("help", "Help and glossary", self.help, "The terms of the treaty, the council and the keys (F1)", None),
            ("settings", "Settings", self.settings,
             "Fullscreen, window size, UI scale (150% for a projector), colour-blind-safe palette", None),
            ("quit", "Quit", self.quit, "Close the game", None),
        ]
        for oid, text, fn, tip, cls in items:
            self.button((x, y, bw, bh), text, fn, tip=tip, oid=oid, cls=cls)
            y += bh + px(12)

    def draw(self, surface) -> None:
        W, H = self.app.size
        pal = self.app.palette
        # backdrop: a faint grid and concentric range rings, like a situation-room plot
        for gx in range(0, W, px(48)):
            pygame.draw.line(surface, (18, 25, 33), (gx, 0), (gx, H))
        for gy in range(0, H, px(48)):
            pygame.draw.line(surface, (18, 25, 33), (0, gy), (W, gy))
        c = (int(W * 0.72), int(H * 0.5))
        for i, rad in enumerate(range(px(80), int(W * 0.6), px(90))):
            pygame.draw.circle(surface, (24, 34, 45) if i % 2 else (30, 42, 55), c, rad, 1)
        pygame.draw.line(surface, (30, 42, 55), (c[0], 0), (c[0], H))
        pygame.draw.line(surface, (30, 42, 55), (int(W * 0.42), c[1]), (W, c[1]))
        pygame.draw.circle(surface, pal.accent, c, px(6))
        widgets.text(surface, "CSTO", (c[0] + px(12), c[1] - px(22)), 12, pal.accent, bold=True)
        x = px(96)
        widgets.text(surface, "A STRATEGY SIMULATION", (x, int(H * 0.18)), 14, pal.accent, bold=True)
        r = widgets.text(surface, "Collective Security", (x - px(3), int(H * 0.18) + px(22)), 54, pal.text, bold=True)
        widgets.paragraph(surface, "Security crises in post-Soviet Central Asia and the Collective Security "
                          "Treaty Organization's decision to intervene - or not.",
                          x, r.bottom + px(8), min(px(560), W - 2 * x), 17, pal.muted)
        widgets.text(surface, "F1 help  ·  Enter new game  ·  Esc quit", (x, H - px(36)), 12, pal.faint)

    def handle_event(self, event) -> None:
        if event.type == pygame.KEYDOWN:
            if event.key in (pygame.K_RETURN, pygame.K_SPACE):
                self.new_game()
            elif event.key == pygame.K_F1:
                self.help()
            elif event.key == pygame.K_ESCAPE:
                self.quit()

    def new_game(self) -> None:
        from game.ui.screens.browser import BrowserScreen
        self.app.push(BrowserScreen(self.app))

    def load_game(self) -> None:
        from game.ui.screens.dialogs import LoadDialog
        self.app.push(LoadDialog(self.app))

    def help(self) -> None:
        from game.ui.screens.help import HelpScreen
        self.app.push(HelpScreen(self.app))

    def settings(self) -> None:
        from game.ui.screens.settings_screen import SettingsScreen
        self.app.push(SettingsScreen(self.app))

    def quit(self) -> None:
        self.app.confirm_leave(self.app._stop)
