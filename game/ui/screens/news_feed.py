"""The news strip under the map: the latest news and events, newest first."""
from __future__ import annotations

import pygame
from pygame_gui.core import ObjectID
from pygame_gui.elements import UITextBox

from game.engine.views import news_for
from game.ui import widgets
from game.ui.widgets import esc, hfont, px


class NewsFeed:
    """One text box, rebuilt when ``dirty`` or when the game has news it has not shown."""

    def __init__(self, screen):
        self.screen = screen
        self.rect = pygame.Rect(0, 0, 0, 0)
        self.box = None
        self.count = None
        self.dirty = True

    def build(self, rect: pygame.Rect) -> None:
        """Lay out in ``rect``; the box itself is made by the next ``update``."""
        self.rect = rect
        self.box = None
        self.count = None
        self.dirty = True

    def update(self) -> bool:
        """Rebuild the box if needed; True if it was rebuilt."""
        g = self.screen.game
        key = (g.turn, len(g.history), len(g.log), g.over, self.screen.session.actor)
        if not self.dirty and key == self.count:
            return False
        news = news_for(g, self.screen.session.actor)
        self.dirty = False
        self.count = key
        if self.box is not None:
            self.box.kill()
        pal = self.screen.app.palette
        parts = []
        for n in reversed(news[-80:]):
            col = "#%02X%02X%02X" % pal.severity(n["severity"])
            parts.append(hfont(esc(widgets.short_date(n["date"])), 12, "#8B9BAB", True) + "  "
                         + f"<font pixel_size={px(12)} color='{col}'>•</font> "
                         + hfont(esc(n["text"]), 13, "#E6ECF2" if n["severity"] != "info" else "#C9D3DD"))
        html = "<br>".join(parts) or hfont("No news yet.", 13, "#8B9BAB")
        r = self.rect
        self.box = UITextBox(html, pygame.Rect(r.x + px(12), r.y + px(30), r.w - px(24), r.h - px(36)),
                             manager=self.screen.app.manager, container=self.screen.root,
                             object_id=ObjectID("#news", None))
        return True

    def draw(self, surface) -> None:
        pal = self.screen.app.palette
        r = self.rect
        pygame.draw.rect(surface, (14, 20, 27), r)
        pygame.draw.line(surface, pal.border, r.topleft, r.topright)
        widgets.text(surface, "NEWS AND EVENTS", (r.x + px(16), r.y + px(8)), 12, pal.accent, bold=True)
