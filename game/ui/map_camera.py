"""Camera: where the map sits on screen, zoom and pan (clamped to the map), world <-> screen conversion,
and which tiles a scale puts under the view."""
from __future__ import annotations

import math
import time

import numpy as np
import pygame

from game.ui.map_data import project
from game.ui.map_raster import TILE


class Camera:
    """``rect`` is the screen placement; screen = (world - origin) * scale + rect.topleft."""

    def __init__(self, size: tuple[int, int], bounds):
        self.rect = pygame.Rect((0, 0), size)
        self.bounds = bounds
        x0, y0, x1, y1 = bounds
        self.map_w, self.map_h = x1 - x0, y1 - y0
        self.scale = 1.0
        self.origin = [0.0, 0.0]
        self.min_scale = self.max_scale = 1.0
        self.zoom_t = 0.0                   # perf_counter of the last zoom step (0: settled)

    def resize(self, size: tuple[int, int], keep_centre: bool) -> None:
        """New view size: zoom limits follow; the world point at the centre stays there when keep_centre."""
        cx, cy = self.screen_to_world(self.rect.center) if keep_centre else (None, None)
        self.rect.size = size
        self.min_scale = min(size[0] / self.map_w, size[1] / self.map_h) * 0.98
        self.max_scale = max(self.min_scale * 40, size[0] / 1.2)
        self.scale = min(max(self.scale, self.min_scale), self.max_scale)
        if cx is not None:
            self.origin = [cx - size[0] / 2 / self.scale, cy - size[1] / 2 / self.scale]
        self.clamp()

    def screen_to_world(self, pos) -> tuple[float, float]:
        return (self.origin[0] + (pos[0] - self.rect.x) / self.scale,
                self.origin[1] + (pos[1] - self.rect.y) / self.scale)

    def world_to_screen(self, x: float, y: float) -> tuple[float, float]:
        return ((x - self.origin[0]) * self.scale + self.rect.x, (y - self.origin[1]) * self.scale + self.rect.y)

    def lonlat_to_screen(self, lon: float, lat: float) -> tuple[float, float]:
        x, y = project(lon, lat)
        return self.world_to_screen(float(x), float(y))

    def clamp(self) -> None:
        """Keep the map covering the view (or centred when smaller than the view)."""
        x0, y0, x1, y1 = self.bounds
        for i, (lo, hi, span) in enumerate(((x0, x1, self.rect.w), (y0, y1, self.rect.h))):
            view = span / self.scale
            if hi - lo <= view:
                self.origin[i] = (lo + hi) / 2 - view / 2
            else:
                self.origin[i] = min(max(self.origin[i], lo), hi - view)

    def pan(self, dx: float, dy: float) -> None:
        """Move the map content by (dx, dy) screen pixels."""
        self.origin[0] -= dx / self.scale
        self.origin[1] -= dy / self.scale
        self.clamp()

    def zoom_at(self, screen_pos, factor: float) -> None:
        """Zoom by factor keeping the world point under screen_pos fixed (unless clamped)."""
        wx, wy = self.screen_to_world(screen_pos)
        new = min(max(self.scale * factor, self.min_scale), self.max_scale)
        if new == self.scale:
            return
        self.scale = new
        self.origin = [wx - (screen_pos[0] - self.rect.x) / new, wy - (screen_pos[1] - self.rect.y) / new]
        self.clamp()
        self.zoom_t = time.perf_counter()

    def fit_bbox(self, bbox, pad: float = 0.08) -> None:
        """Frame a world box (x0, y0, x1, y1) with a margin; counts as settled."""
        x0, y0, x1, y1 = bbox
        w, h = (x1 - x0) * (1 + 2 * pad), (y1 - y0) * (1 + 2 * pad)
        self.scale = min(max(min(self.rect.w / max(w, 1e-6), self.rect.h / max(h, 1e-6)), self.min_scale),
                         self.max_scale)
        self.origin = [(x0 + x1) / 2 - self.rect.w / 2 / self.scale, (y0 + y1) / 2 - self.rect.h / 2 / self.scale]
        self.clamp()
        self.zoom_t = 0.0

    def fit_features(self, features, ids) -> None:
        """Frame the union of the features' boxes (the whole map when ids is empty)."""
        if ids:
            bb = np.array([features[r].bbox for r in ids])
            self.fit_bbox((bb[:, 0].min(), bb[:, 1].min(), bb[:, 2].max(), bb[:, 3].max()))
        else:
            self.fit_bbox(self.bounds)

    # ---------------------------------------------------------------- tiles under the view
    def view_px(self, scale: float) -> tuple[int, int]:
        """The view's top-left in whole pixels of a layer at scale."""
        return round(self.origin[0] * scale), round(self.origin[1] * scale)

    def tile_count(self, scale: float) -> tuple[int, int]:
        """Tiles across and down the whole map at scale."""
        return int(math.ceil(self.map_w * scale / TILE)), int(math.ceil(self.map_h * scale / TILE))

    def all_tiles(self, scale: float) -> list[tuple[int, int]]:
        mx, my = self.tile_count(scale)
        return [(tx, ty) for ty in range(my) for tx in range(mx)]

    def visible_range(self, scale: float) -> tuple[int, int, int, int]:
        """Inclusive tile range (tx0, ty0, tx1, ty1) under the view at scale, clipped to the map."""
        x0 = self.origin[0] * scale
        y0 = self.origin[1] * scale
        tx0, ty0 = int(math.floor(x0 / TILE)), int(math.floor(y0 / TILE))
        tx1 = int(math.floor((x0 + self.rect.w - 1) / TILE))
        ty1 = int(math.floor((y0 + self.rect.h - 1) / TILE))
        mx, my = self.tile_count(scale)
        return max(tx0, 0), max(ty0, 0), min(tx1, mx - 1), min(ty1, my - 1)

    def visible_tiles(self, scale: float) -> list[tuple[int, int]]:
        tx0, ty0, tx1, ty1 = self.visible_range(scale)
        return [(tx, ty) for ty in range(ty0, ty1 + 1) for tx in range(tx0, tx1 + 1)]
