"""Map tiles: the detail layer (TILE-px tiles at the current zoom, LRU-cached) and the overview layer (one
picture at a fixed low zoom), tile rasterisation in small resumable steps, and staleness after recolouring."""
from __future__ import annotations

import math

import numpy as np
import pygame

from game.ui import map_style as st
from game.ui.map_data import COAST, COUNTRY, EDGE, REGION, SHORE
from game.ui.map_raster import TILE, PixelGeometry, fill_ring

SETTLE = 0.12          # seconds without zoom change before a new detail layer replaces the old
LINES_PER_UNIT = 8     # border polylines drawn per tile unit
MAX_TILES = 28         # detail tile surfaces kept (LRU); the canvas holds what is on screen


class TileLayer:
    """Tiles at one scale: (tx, ty) -> [surface or None, generation, serial], least recently used first.
    The surface is None when evicted while the canvas still shows it (and always for the overview layer,
    whose tiles live in one picture, ``big``)."""

    def __init__(self, scale: float):
        self.scale = scale
        self.tiles: dict[tuple[int, int], list] = {}
        self.nsurf = 0          # tiles holding a surface
        self.stale = True       # some tile may need (re)rendering (overview layer)
        self.big: pygame.Surface | None = None


class TileStore:
    """The two layers, the generation counter (bumped by every recolour) and the tile rasteriser."""

    def __init__(self, data, scene, camera):
        self.data, self.scene, self.camera = data, scene, camera
        self.geo = PixelGeometry(data)
        self.layer: TileLayer | None = None
        self.overview: TileLayer | None = None
        self.gen = 0
        self.serial = 0                         # tile render counter (what a canvas slot shows)
        self.result: pygame.Surface | None = None   # the surface of the last finished ``steps``
        self._pool: list[pygame.Surface] = []   # evicted tile surfaces for reuse
        self._ov_scratch = None
        fb = [data.features[f].bbox for f in data.draw_order]
        self._order_bb = np.array(fb, float).reshape(-1, 4)
        self._border_bb = np.array([b.bbox for b in data.borders], float).reshape(-1, 4)
        self._border_edge = np.array([b.kind == EDGE for b in data.borders], bool)

    # ---------------------------------------------------------------- layers and staleness
    def ensure_layers(self, now: float) -> bool:
        """Create the layers on first use; a settled zoom gets a new detail layer (returns True then)."""
        cam = self.camera
        if self.overview is None:
            ov = self.overview = TileLayer(min(1600 / cam.map_w, 1000 / cam.map_h))
            ov.big = pygame.Surface((math.ceil(cam.map_w * ov.scale), math.ceil(cam.map_h * ov.scale)))
            for t in cam.all_tiles(ov.scale):
                self.done(ov, t, self.render_now(ov, t), self.gen, None)
        if self.layer is None:
            self.layer = TileLayer(cam.scale)
        elif self.layer.scale != cam.scale and now - cam.zoom_t >= SETTLE:
            self.layer = TileLayer(cam.scale)       # the old layer's tiles are freed
            self.geo.keep_only({cam.scale, self.overview.scale})
            return True
        return False

    def invalidate(self, boxes) -> None:
        """New generation: tiles touching the world boxes (all tiles when boxes is None) become stale."""
        self.gen += 1
        for layer in (self.layer, self.overview):
            if layer is None:
                continue
            layer.stale = True
            for (tx, ty), t in layer.tiles.items():
                if boxes is None or _tile_touches(layer.scale, tx, ty, boxes):
                    t[1] = -1
                elif t[1] == self.gen - 1:
                    t[1] = self.gen      # untouched tiles stay current

    # ---------------------------------------------------------------- rasterisation
    def render_now(self, layer: TileLayer, t) -> pygame.Surface:
        """Rasterise one tile in one go (drains the resumable steps)."""
        for _ in self.steps(layer, *t):
            pass
        return self.result

    def steps(self, layer: TileLayer, tx: int, ty: int):
        """Generator rasterising a tile; yields between units (a polygon, a hatch, a few lines).
        The finished surface is left in ``self.result``."""
        scene, data = self.scene, self.data
        s, pal, feats = layer.scale, scene.pal, data.features
        if layer is self.overview:                 # copied into the overview picture when done
            surf = self._ov_scratch = self._ov_scratch or pygame.Surface((TILE, TILE))
        else:
            surf = self._pool.pop() if self._pool else pygame.Surface((TILE, TILE))
        surf.fill(pal["void"])
        ox, oy = tx * TILE, ty * TILE
        wx0, wy0, wx1, wy1 = ox / s, oy / s, (ox + TILE) / s, (oy + TILE) / s
        geo = self.geo.at(s)
        off = np.array([ox, oy], np.int32)
        order = data.draw_order
        n_land = len(order) - len(data.lake_ids)
        fb = self._order_bb
        hit = np.flatnonzero(~((fb[:, 0] > wx1) | (fb[:, 2] < wx0) | (fb[:, 1] > wy1) | (fb[:, 3] < wy0)))
        hatch_done = False
        for i in hit.tolist() + [len(order)]:
            if i >= n_land and not hatch_done:   # armed-group hatching goes under the lakes
                hatch_done = True
                for h in scene.hatched:
                    b = feats[h].bbox
                    if not (b[0] > wx1 or b[2] < wx0 or b[1] > wy1 or b[3] < wy0):
                        self._hatch_region(surf, geo, h, off)
                        yield
            if i == len(order):
                break
            fid = order[i]
            col = scene.fills[fid]
            for pts in geo.feature(fid):
                if len(pts) >= 3:
                    fill_ring(surf, col, pts, off)
            yield
        scn = set(scene.regions)
        lines = [[], [], []]                     # drawn in this order: muted, scenario, country borders
        bb = self._border_bb
        bhit = np.flatnonzero(~(self._border_edge | (bb[:, 0] > wx1) | (bb[:, 2] < wx0) | (bb[:, 1] > wy1)
                                | (bb[:, 3] < wy0)))
        for i in bhit.tolist():
            bd = data.borders[i]
            pts = geo.border(i)
            if len(pts) < 2:
                continue
            in_scn = bd.left in scn or bd.right in scn
            if bd.kind == REGION:
                lines[1 if in_scn else 0].append((pts, pal["region_line_scn" if in_scn else "region_line"], 1))
            elif bd.kind == COUNTRY:
                w = 3 if s > 40 else 2
                lines[2].append((pts, pal["country_line_scn" if in_scn else "country_line"], w))
            elif bd.kind in (COAST, SHORE):
                lines[0].append((pts, pal["water_line"], 1))
        yield
        n = 0
        for group in lines:
            for pts, col, w in group:
                p = (pts - off).tolist()
                if w == 1:
                    pygame.draw.aalines(surf, col, False, p)
                else:
                    pygame.draw.lines(surf, col, False, p, w)
                n += 1
                if n % LINES_PER_UNIT == 0:
                    yield
        self.result = surf

    def _hatch_region(self, surf, geo, fid, off) -> None:
        """Stripes over a region (minus its holes) on a tile."""
        mask = pygame.Surface((TILE, TILE), pygame.SRCALPHA)
        holes = geo.holes(fid)
        for pts in geo.feature(fid):
            if len(pts) >= 3:
                fill_ring(mask, (255, 255, 255, 255), pts, off)
        for pts in holes:
            if len(pts) >= 3:
                fill_ring(mask, (0, 0, 0, 0), pts, off)
        stripes = st.hatch_tile(TILE, tuple(self.scene.pal["hatch"])).copy()
        stripes.blit(mask, (0, 0), special_flags=pygame.BLEND_RGBA_MULT)
        surf.blit(stripes, (0, 0))

    # ---------------------------------------------------------------- finished tiles and the LRU cache
    def done(self, lay: TileLayer, t, surf, gen, canvas) -> None:
        """A finished tile: into the overview picture, or into the tile cache (LRU) and the canvas."""
        if lay is self.overview:
            lay.tiles[t] = [None, gen, 0]
            lay.big.blit(surf, (t[0] * TILE, t[1] * TILE))
            return
        self.serial += 1
        old = lay.tiles.pop(t, None)
        if old is not None and old[0] is not None:
            lay.nsurf -= 1
            self._recycle(old[0])
        lay.tiles[t] = [surf, gen, self.serial]
        lay.nsurf += 1
        canvas.paint_tile(lay, t, surf, self.serial)
        self._evict(lay, canvas)

    def _evict(self, lay: TileLayer, canvas) -> None:
        """Keep at most MAX_TILES tile surfaces (least recently used out). A tile the canvas shows keeps its
        entry (generation) without the surface; others are forgotten and re-rendered when needed."""
        if lay.nsurf <= MAX_TILES:
            return
        slots = canvas.slots if canvas.layer is lay else {}
        for t in list(lay.tiles):
            e = lay.tiles[t]
            if e[0] is None:
                continue
            self._recycle(e[0])
            lay.nsurf -= 1
            if slots.get(t) == e[2]:
                e[0] = None
            else:
                del lay.tiles[t]
            if lay.nsurf <= MAX_TILES:
                break

    def _recycle(self, surf) -> None:
        if len(self._pool) < 2:
            self._pool.append(surf)


def _tile_touches(scale, tx, ty, boxes) -> bool:
    x0, y0 = tx * TILE / scale, ty * TILE / scale
    x1, y1 = x0 + TILE / scale, y0 + TILE / scale
    return any(b[0] <= x1 and b[2] >= x0 and b[1] <= y1 and b[3] >= y0 for b in boxes)
