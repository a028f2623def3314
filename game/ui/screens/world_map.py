"""The map embedded in the game screen: the real map component, or a plain stand-in without it."""
from __future__ import annotations

import pygame

from game.engine.views import region_figures
from game.ui import widgets
from game.ui.widgets import px


def make_map(size, palette):
    """The map component (game.ui.map_view.MapView), bound later to the world."""
    try:
        from game.ui.map_data import load_map_data
        from game.ui.map_view import MapView
    except ImportError:
        return FallbackMap(size)
    mv = MapView(size, load_map_data())
    if palette.colourblind and hasattr(mv, "set_palette"):
        try:
            mv.set_palette("colorblind")
        except (TypeError, ValueError, KeyError):
            pass
    return mv


class FallbackMap:
    """A plain panel of region boxes, used only while the map component is unavailable."""

    def __init__(self, size):
        self.rect = pygame.Rect((0, 0), size)
        self.hovered = self.selected = None
        self.overlay = "violence"
        self.world = self.state = None
        self.zoom = 1.0
        self.offset = [0.0, 0.0]
        self._boxes = {}

    def bind(self, world):
        self.world = world

    def set_state(self, state):
        self.state = state

    def set_overlay(self, name):
        self.overlay = name

    def fit(self, ids=None):
        self.zoom, self.offset = 1.0, [0.0, 0.0]

    def zoom_at(self, pos, f):
        self.zoom = max(0.5, min(8.0, self.zoom * f))

    def pan(self, dx, dy):
        self.offset[0] += dx
        self.offset[1] += dy

    def tooltip_text(self):
        return self.world.name(self.hovered) if self.hovered and self.world else None

    def handle_event(self, e):
        if e.type in (pygame.MOUSEMOTION, pygame.MOUSEBUTTONUP) and hasattr(e, "pos"):
            self.hovered = next((r for r, b in self._boxes.items() if b.collidepoint(e.pos)), None)
            if e.type == pygame.MOUSEBUTTONUP and e.button == 1 and self.rect.collidepoint(e.pos):
                self.selected = self.hovered
                return self.selected
        if e.type == pygame.MOUSEWHEEL:
            self.zoom_at(None, 1.2 if e.y > 0 else 1 / 1.2)
        return None

    def draw(self, surface):
        pygame.draw.rect(surface, (20, 28, 38), self.rect)
        if not self.world:
            return
        self._boxes = {}
        cols = 4
        bw, bh = self.rect.w // (cols + 1), px(60)
        for i, rid in enumerate(self.world.region_ids):
            b = pygame.Rect(self.rect.x + px(30) + (i % cols) * (bw + 8) + self.offset[0],
                            self.rect.y + px(80) + (i // cols) * (bh + 8) + self.offset[1], bw, bh)
            self._boxes[rid] = b
            v = float(region_figures(self.state)["violence"][i]) if self.state is not None else 0
            pygame.draw.rect(surface, (60 + int(150 * v), 50, 50), b, border_radius=4)
            if rid in (self.hovered, self.selected):
                pygame.draw.rect(surface, (230, 200, 90), b, 2, border_radius=4)
            widgets.text(surface, self.world.name(rid), b.center, 12, (230, 230, 230), anchor="center")

    def legend(self):
        return []

    def draw_legend(self, surface, rect):
        pass
