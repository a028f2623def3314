"""What sits on top of the map: overlay buttons, zoom buttons, the legend and the hover tooltip."""
from __future__ import annotations

import pygame

from game.ui import widgets
from game.ui.widgets import px

OVERLAYS = [("control", "Control"), ("violence", "Violence"), ("displacement", "Displacement"),
            ("stability", "Stability"), ("none", "Plain")]
OVERLAY_HELP = {
    "control": "Who holds each region: the government's share of control",
    "violence": "Intensity of armed violence in each region",
    "displacement": "People driven from their homes, as a share of the population",
    "stability": "Order and trust in the state (red: collapse, green: stable)",
    "none": "The plain political map",
}


class MapControls:
    """Buttons and drawings over ``screen.map``; the buttons call the screen's set_overlay, zoom and fit."""

    def __init__(self, screen):
        self.screen = screen
        self.rect = pygame.Rect(0, 0, 0, 0)

    def build(self, rect: pygame.Rect) -> None:
        """The overlay buttons along the top of ``rect`` (the map) and the zoom buttons at its right."""
        s = self.screen
        self.rect = rect
        x = rect.x + px(12)
        for i, (name, label) in enumerate(OVERLAYS):
            w = widgets.font(12, True).size(label)[0] + px(42)
            b = s.button((x, rect.y + px(12), w, px(30)), f"{i + 1}  {label}",
                         (lambda n=name: s.set_overlay(n)), cls="overlay", oid=f"overlay_{name}",
                         tip=f"{OVERLAY_HELP[name]} (key {i + 1})")
            if name == s.overlay:
                b.select()
            x += w + px(6)
        zx = rect.right - px(48)
        zy = rect.bottom - px(124)
        s.button((zx, zy, px(36), px(36)), "+", lambda: s.zoom(1.25), cls="overlay", oid="zoom_in",
                 tip="Zoom in (+ or mouse wheel)")
        s.button((zx, zy + px(40), px(36), px(36)), "−", lambda: s.zoom(0.8), cls="overlay", oid="zoom_out",
                 tip="Zoom out (− or mouse wheel)")
        s.button((zx, zy + px(80), px(36), px(36)), "Fit", s.fit, cls="overlay", oid="zoom_fit",
                 tip="Show the whole crisis area (Home). Drag or use the arrow keys to pan.")

    def select(self, overlay: str) -> None:
        """Show ``overlay``'s button as the selected one."""
        for n, _ in OVERLAYS:
            b = self.screen.find(f"overlay_{n}")
            if b is not None:
                (b.select if n == overlay else b.unselect)()

    def draw(self, surface) -> None:
        """The map's legend, in the bottom-left corner of the map."""
        from game.ui import map_style
        mv = self.screen.map
        try:
            lg = mv.legend() if hasattr(mv, "legend") else {}
        except (AttributeError, TypeError, KeyError):
            lg = {}
        if not isinstance(lg, dict) or not lg.get("title"):
            return
        fnt = getattr(mv, "font_path", None)
        h = map_style.legend_height(lg, fnt)
        w = min(map_style.legend_width(lg, fnt), self.rect.w - px(24))
        lr = pygame.Rect(self.rect.x + px(12), self.rect.bottom - h - px(12), w, h)
        try:
            mv.draw_legend(surface, lr)
        except (AttributeError, TypeError):
            pass

    def draw_over(self, surface, mouse) -> None:
        """The tooltip of the hovered region, next to the mouse."""
        mv = self.screen.map
        if not mv.hovered:
            return
        if hasattr(mv, "draw_tooltip"):
            mv.draw_tooltip(surface, mouse)
            return
        tip = mv.tooltip_text()
        if not tip:
            return
        pal = self.screen.app.palette
        lines = str(tip).split("\n")
        fnt = widgets.font(13)
        w = max(fnt.size(line)[0] for line in lines) + px(20)
        h = len(lines) * fnt.get_linesize() + px(12)
        x = min(mouse[0] + px(16), self.rect.right - w - 4)
        y = min(mouse[1] + px(16), self.rect.bottom - h - 4)
        r = pygame.Rect(x, y, w, h)
        pygame.draw.rect(surface, (11, 16, 22), r, border_radius=px(5))
        pygame.draw.rect(surface, (79, 106, 132), r, 1, border_radius=px(5))
        for i, line in enumerate(lines):
            surface.blit(fnt.render(line, True, pal.text if i else (255, 255, 255)),
                         (x + px(10), y + px(6) + i * fnt.get_linesize()))
