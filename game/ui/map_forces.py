"""Force counters (stacked per anchor) and transit arrows, including arrivals from off the map."""
from __future__ import annotations

import math

import pygame

from game.engine.views import forces
from game.ui import map_style as st
from game.ui.map_data import project


class Forces:
    """``counters``: forces at a place; ``arrows``: forces in transit (dicts with world coordinates)."""

    def __init__(self, scene, places: dict, font_path: str | None):
        self.scene, self.places, self.font_path = scene, places, font_path
        self.counters: list[dict] = []
        self.arrows: list[dict] = []
        self._cache: dict = {}                  # counter surfaces by (colour, strength text)
        self._layout_cache = None               # (counters, UI scale, layout): see _layout

    def _anchor(self, where: str | None):
        """World xy of a region id or a gazetteer place id; (xy, off_map)."""
        if where is None:
            return None, False
        f = self.scene.data.features.get(where)
        if f is not None and f.label is not None:
            return f.label, False
        p = self.places.get(where)
        if p is None:
            return None, False
        x, y = project(p.lon, p.lat)
        return (float(x), float(y)), bool(p.off_map)

    def build(self) -> None:
        """Counters and arrows from the scene's world and state."""
        self.counters, self.arrows = [], []
        w, s = self.scene.world, self.scene.state
        if w is None or s is None:
            return
        for f in forces(w, s):
            if f.status == "not_raised":
                continue
            owner = w.actor_ids.index(f.owner)
            info = {"id": f.id, "name": f.name, "owner": owner, "colour": self.scene.actor_colour(owner),
                    "strength": f.strength, "status": f.status}
            if f.status == "deployed" and f.at:
                self.counters.append({**info, "at": f.at, "xy": self._anchor(f.at)[0]})
            elif f.status == "at_home":
                xy, off = self._anchor(f.home)
                if xy is not None and not off:
                    self.counters.append({**info, "at": f.home, "xy": xy})
            elif f.status == "in_transit":
                end = self._anchor(f.destination)[0] if f.destination else None
                if end is None:
                    continue
                start, off = self._anchor(f.at or f.home)
                if start is None:
                    continue
                if off:
                    start = self.scene.data.edge_point(end, start)
                self.arrows.append({**info, "start": start, "end": end, "off_map": off})
        stacks: dict[str, list] = {}
        for c in self.counters:
            stacks.setdefault(c["at"], []).append(c)
        for members in stacks.values():
            for i, c in enumerate(members):
                c["slot"], c["of"] = i, len(members)

    def _layout(self):
        """Per counter: id, surface, anchor and the offsets from the anchor's screen point (centring, column;
        gap below the anchor, row): stacks in rows of up to three under the anchor. Rebuilt when the counters
        or the UI scale change."""
        ui_scale, cached = st.ui_scale(), self._layout_cache
        if cached is None or cached[0] is not self.counters or cached[1] != ui_scale:
            below = st.spx(10)
            out = []
            for c in self.counters:
                surf = self._counter(c)
                w, h = surf.get_size()
                cols = min(c["of"], 3)
                row, col = divmod(c["slot"], cols)
                out.append((c["id"], surf, c["xy"], (cols * (w + 3) - 3) / 2, col * (w + 3), below, row * (h + 3)))
            cached = self._layout_cache = (self.counters, ui_scale, out)
        return cached[2]

    def rects(self, camera) -> list[tuple[str, pygame.Rect]]:
        """Screen rects of the counters."""
        return [(fid, pygame.Rect(xy, surf.get_size())) for fid, surf, xy in self._placed(camera)]

    def _placed(self, camera) -> list[tuple[str, pygame.Surface, tuple[int, int]]]:
        """(id, surface, screen top-left) of each counter."""
        ox, oy = camera.origin
        s, rx, ry = camera.scale, camera.rect.x, camera.rect.y
        return [(fid, surf, (int((x - ox) * s + rx - centre + across), int((y - oy) * s + ry + below + down)))
                for fid, surf, (x, y), centre, across, below, down in self._layout()]

    def _counter(self, c) -> pygame.Surface:
        """A NATO-style unit counter in the owner's colour with the strength."""
        key = ("counter", c["colour"], st.strength_text(c["strength"]))
        surf = self._cache.get(key)
        if surf is None:
            txt = st.font(11, True, self.font_path).render(key[2], True, (255, 255, 255))
            q = st.spx
            h = max(q(20), txt.get_height() + 4)
            w = max(q(44), txt.get_width() + q(26))
            surf = pygame.Surface((w + 2, h + 2), pygame.SRCALPHA)
            pygame.draw.rect(surf, (0, 0, 0, 90), (2, 2, w, h), border_radius=2)
            body = pygame.Rect(0, 0, w, h)
            pygame.draw.rect(surf, st.mix(c["colour"], (0, 0, 0), 0.15), body, border_radius=2)
            pygame.draw.rect(surf, (20, 20, 20), body, 1, border_radius=2)
            sym = pygame.Rect(q(3), (h - q(12)) // 2, q(16), q(12))
            pygame.draw.rect(surf, (255, 255, 255), sym, 1)
            pygame.draw.line(surf, (255, 255, 255), sym.topleft, (sym.right - 1, sym.bottom - 1))
            pygame.draw.line(surf, (255, 255, 255), (sym.x, sym.bottom - 1), (sym.right - 1, sym.y))
            surf.blit(txt, (q(22), (h - txt.get_height()) // 2))
            self._cache[key] = surf
        return surf

    def draw(self, surface, camera) -> None:
        for a in self.arrows:
            self._draw_arrow(surface, camera, a)
        view = camera.rect
        for _, surf, xy in self._placed(camera):
            if view.colliderect((xy, surf.get_size())):
                surface.blit(surf, xy)

    def _draw_arrow(self, surface, camera, a) -> None:
        """A transit arrow from start to end with the force's counter near the head."""
        sx, sy = camera.world_to_screen(*a["start"])
        ex, ey = camera.world_to_screen(*a["end"])
        dx, dy = ex - sx, ey - sy
        d = math.hypot(dx, dy)
        if d < 8:
            return
        ux, uy = dx / d, dy / d
        tip = (ex - ux * 6, ey - uy * 6)
        base = (tip[0] - ux * 14, tip[1] - uy * 14)
        lim = lambda v: max(-30000, min(30000, v))  # noqa: E731
        start = (lim(sx), lim(sy))
        col = a["colour"]
        pygame.draw.line(surface, (20, 20, 20), start, base, 6)
        pygame.draw.line(surface, col, start, base, 4)
        head = [tip, (base[0] - uy * 8, base[1] + ux * 8), (base[0] + uy * 8, base[1] - ux * 8)]
        pygame.draw.polygon(surface, col, head)
        pygame.draw.polygon(surface, (20, 20, 20), head, 1)
        surf = self._counter(a)
        back = min(d * 0.5, 70.0)
        mx, my = ex - ux * back, ey - uy * back
        surface.blit(surf, (int(mx - surf.get_width() / 2), int(my - surf.get_height() / 2)))
