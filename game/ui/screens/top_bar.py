"""The top bar: scenario title, date and turn, the headline indicators, Help and Menu."""
from __future__ import annotations

import pygame

from game.ui import widgets
from game.ui.widgets import fmt_num, px


class TopBar:
    """Drawn each frame from the game; its two buttons call the screen's help and menu."""

    def __init__(self, screen):
        self.screen = screen
        self.rect = pygame.Rect(0, 0, 0, 0)

    def build(self, rect: pygame.Rect) -> None:
        s = self.screen
        self.rect = rect
        W = rect.w
        s.button((W - px(112), px(10), px(100), px(36)), "Menu", s.menu, oid="menu",
                 tip="Resume, save, load, settings, end and debrief, quit (Esc)")
        s.button((W - px(220), px(10), px(100), px(36)), "Help", s.help, oid="help",
                 tip="Glossary of terms and keyboard shortcuts (F1)")

    def draw(self, surface) -> None:
        pal = self.screen.app.palette
        g = self.screen.game
        sc = g.world.scenario
        W, TB = self.rect.w, self.rect.h
        pygame.draw.rect(surface, (14, 20, 27), (0, 0, W, TB))
        pygame.draw.line(surface, pal.border, (0, TB - 1), (W, TB - 1))
        cw = px(112)
        x0 = W - px(236) - cw * 4                         # where the indicators begin
        widgets.text(surface, sc.title, (px(16), px(8)), 15, pal.text, bold=True, max_width=x0 - px(40))
        when = f"{widgets.pretty_date(g.date.isoformat())}  ·  turn {g.turn} of {g.world.last_turn}"
        if getattr(self.screen.session, "paused", False):
            r = widgets.text(surface, "PAUSED BY THE INSTRUCTOR", (px(16), px(30)), 13, pal.warning, bold=True,
                             max_width=x0 - px(40))
            widgets.text(surface, when, (r.right + px(12), px(30)), 13, pal.muted, max_width=max(1, x0 - px(40) - r.right))
        else:
            widgets.text(surface, when, (px(16), px(30)), 13, pal.muted, max_width=x0 - px(40))
        ind = g.indicators()
        cells = [("DEATHS", fmt_num(ind["casualties"]), pal.critical),
                 ("DISPLACED", fmt_num(ind["displaced"]), pal.warning),
                 ("REFUGEES", fmt_num(ind["refugees"]), pal.info),
                 ("DAY", f"{(g.date - sc.start_date).days + 1} / {(sc.end_date - sc.start_date).days + 1}", pal.text)]
        x = x0
        for label, value, col in cells:
            widgets.text(surface, label, (x, px(8)), 11, pal.muted, bold=True)
            widgets.text(surface, value, (x, px(24)), 19, col, bold=True)
            x += cw
