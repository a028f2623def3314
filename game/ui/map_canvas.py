"""The canvas: one surface holding the view plus a tile of margin (in the target's pixel format), so a
settled frame is one blit; finished tiles are copied in, gaps get stand-ins scaled from the overview. While
zooming, the canvas is scaled straight into the target instead (the overview fills what it does not cover).
Every write is reported to ``watcher`` (the composite, which keeps a copy with the labels baked in)."""
from __future__ import annotations

import math

import pygame

from game.ui.map_raster import TILE, paint_scaled, subtract


class Canvas:
    """``slots`` maps each painted tile to the serial of the tile surface it shows (0: a stand-in).
    Empty (``surf`` None) until the first ``stage``. ``watcher`` (optional) is told of every write:
    ``touch(rect)`` after pixels in rect changed, ``scroll(dx, dy)`` after a scroll, ``reset()`` after a stage."""

    def __init__(self, camera, tiles):
        self.camera, self.tiles = camera, tiles
        self.surf: pygame.Surface | None = None
        self.layer = None                       # the detail layer whose tiles it holds
        self.x = self.y = 0                     # top-left in that layer's pixels (a multiple of TILE)
        self.slots: dict[tuple[int, int], int] = {}
        self.watcher = None

    # ---------------------------------------------------------------- geometry
    def wanted_size(self) -> tuple[int, int]:
        w, h = self.camera.rect.size
        return (math.ceil(w / TILE) + 2) * TILE, (math.ceil(h / TILE) + 2) * TILE

    def tile_range(self) -> tuple[int, int, int, int]:
        """Tiles held: tx in [x0, x1), ty in [y0, y1)."""
        x0, y0 = self.x // TILE, self.y // TILE
        return x0, y0, x0 + self.surf.get_width() // TILE, y0 + self.surf.get_height() // TILE

    def contains(self, t) -> bool:
        x0, y0, x1, y1 = self.tile_range()
        return x0 <= t[0] < x1 and y0 <= t[1] < y1

    def _origin_for(self, vx, vy, cw, ch) -> tuple[int, int]:
        """Canvas top-left centring the view at layer pixel (vx, vy)."""
        w, h = self.camera.rect.size
        return (math.floor((vx - (cw - w) / 2) / TILE) * TILE, math.floor((vy - (ch - h) / 2) / TILE) * TILE)

    # ---------------------------------------------------------------- painting
    def paint_tile(self, layer, t, surf, serial) -> None:
        """Copy a finished detail tile in, if the canvas holds that tile."""
        if self.layer is layer and self.contains(t):
            x0, y0 = self.x // TILE, self.y // TILE
            self.slots[t] = serial
            self._touch(self.surf.blit(surf, ((t[0] - x0) * TILE, (t[1] - y0) * TILE)))

    def _touch(self, rect: pygame.Rect) -> None:
        if self.watcher is not None:
            self.watcher.touch(rect)

    def _standin(self, rect: pygame.Rect) -> None:
        """Paint a canvas rect from the overview (void outside the map)."""
        ov, L = self.tiles.overview, self.layer.scale
        painted = paint_scaled(self.surf, rect, ov.big, L / ov.scale, self.x / L * ov.scale, self.y / L * ov.scale)
        self._fill_void(self.surf, rect, painted)
        self._touch(rect)

    def _fill_void(self, surface, rect: pygame.Rect, painted: pygame.Rect | None) -> None:
        """The void colour in rect outside the painted part."""
        for r in ([rect] if painted is None else subtract(rect, painted)):
            surface.fill(self.tiles.scene.pal["void"], r)

    def fill_gaps(self, rng=None) -> None:
        """Slots (within the inclusive tile range rng, default all) with nothing painted: cached tiles,
        else stand-ins from the overview (one scale per run of slots in a row)."""
        x0, y0, x1, y1 = self.tile_range()
        if len(self.slots) == (x1 - x0) * (y1 - y0):
            return                              # every slot is painted
        if rng is not None:
            x0, y0, x1, y1 = max(x0, rng[0]), max(y0, rng[1]), min(x1, rng[2] + 1), min(y1, rng[3] + 1)
        slots, tiles = self.slots, self.layer.tiles
        cx, cy = self.x // TILE, self.y // TILE
        for ty in range(y0, y1):
            run = None
            for tx in range(x0, x1 + 1):
                gap = tx < x1 and (tx, ty) not in slots
                if gap:
                    e = tiles.get((tx, ty))
                    if e is not None and e[0] is not None:
                        self._touch(self.surf.blit(e[0], ((tx - cx) * TILE, (ty - cy) * TILE)))
                        slots[(tx, ty)] = e[2]
                        gap = False
                if gap:
                    slots[(tx, ty)] = 0
                    run = tx if run is None else run
                elif run is not None:
                    self._standin(pygame.Rect((run - cx) * TILE, (ty - cy) * TILE, (tx - run) * TILE, TILE))
                    run = None

    # ---------------------------------------------------------------- frames
    def needs_stage(self) -> bool:
        """True when the canvas does not belong to the current detail layer or view size."""
        return self.surf is None or self.layer is not self.tiles.layer or self.surf.get_size() != self.wanted_size()

    def stage(self, surface) -> bool:
        """Start the canvas for a new layer (after a zoom settles, a resize, the first frame). The view gets the old
        picture scaled once, which is copied in as the stand-in; returns True when the view was drawn."""
        cam, layer = self.camera, self.tiles.layer
        L = layer.scale
        w, h = cam.rect.size
        cw, ch = self.wanted_size()
        drawn = self.surf is not None and cam.rect.clip(surface.get_rect()) == cam.rect
        if drawn:
            self.draw_moving(surface)
        surf = self.surf
        if surf is None or surf.get_size() != (cw, ch) or surf.get_bitsize() != surface.get_bitsize():
            try:
                surf = pygame.Surface((cw, ch), 0, surface)
            except (pygame.error, ValueError):
                surf = pygame.Surface((cw, ch))
        vx, vy = cam.view_px(L)
        cx, cy = self._origin_for(vx, vy, cw, ch)
        self.surf, self.layer, self.x, self.y, self.slots = surf, layer, cx, cy, {}
        if self.watcher is not None:
            self.watcher.reset()
        for t in [t for t, e in layer.tiles.items() if e[0] is None]:
            del layer.tiles[t]               # only the old canvas showed it
        if not drawn:
            return False
        v = pygame.Rect(vx - cx, vy - cy, w, h)
        band = pygame.Rect(v.x // TILE * TILE, v.y // TILE * TILE, 0, 0)
        band.w, band.h = -(-v.right // TILE) * TILE - band.x, -(-v.bottom // TILE) * TILE - band.y
        for r in subtract(band, v):
            self._standin(r)
        surf.blit(surface, v.topleft, cam.rect)
        for ty in range(band.y // TILE, band.bottom // TILE):
            for tx in range(band.x // TILE, band.right // TILE):
                self.slots[(tx + cx // TILE, ty + cy // TILE)] = 0
        return True

    def follow(self) -> None:
        """Re-centre the canvas when the view leaves it (one scroll); slots that left are forgotten."""
        layer = self.layer
        w, h = self.camera.rect.size
        cw, ch = self.surf.get_size()
        vx, vy = self.camera.view_px(layer.scale)
        if self.x <= vx and self.y <= vy and vx + w <= self.x + cw and vy + h <= self.y + ch:
            return
        nx, ny = self._origin_for(vx, vy, cw, ch)
        dx, dy = self.x - nx, self.y - ny
        self.surf.scroll(dx, dy)
        self.x, self.y = nx, ny
        if self.watcher is not None:
            self.watcher.scroll(dx, dy)
        old = self.slots
        self.slots = {t: s for t, s in old.items() if self.contains(t)}
        for t in old:
            if t not in self.slots:
                e = layer.tiles.get(t)
                if e is not None and e[0] is None:
                    del layer.tiles[t]          # neither cached nor shown: render again when needed

    def blit(self, surface, source: pygame.Surface | None = None) -> None:
        """A settled frame: the view's part of the canvas (or of ``source``, a surface laid out like it)."""
        cam = self.camera
        vx, vy = cam.view_px(self.layer.scale)
        surface.blit(source or self.surf, cam.rect.topleft, (vx - self.x, vy - self.y, cam.rect.w, cam.rect.h))

    def draw_moving(self, surface) -> None:
        """While zooming: the canvas (the last settled picture) scaled into the view, the overview around it."""
        cam = self.camera
        r = cam.rect.clip(surface.get_rect())
        if r.w <= 0 or r.h <= 0:
            return
        s = cam.scale
        wx, wy = cam.origin[0] - cam.rect.x / s, cam.origin[1] - cam.rect.y / s   # world at surface pixel 0
        painted = None
        if self.surf is not None and 0.25 <= s / self.layer.scale <= 4:
            L = self.layer.scale
            self.fill_gaps()
            painted = paint_scaled(surface, r, self.surf, s / L, wx * L - self.x, wy * L - self.y)
        if painted != r:
            ov = self.tiles.overview
            for q in ([r] if painted is None else subtract(r, painted)):
                done = paint_scaled(surface, q, ov.big, s / ov.scale, wx * ov.scale, wy * ov.scale)
                self._fill_void(surface, q, done)
