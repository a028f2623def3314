"""Interactive map component: cached tile rendering, overlays, camera, labels and force counters.

Rendering: polygons are rasterised into 256-px tiles at the current zoom ("detail layer") and at one
fixed low zoom ("overview layer", kept only as one picture). Finished tiles are copied into the one
"canvas" (the view plus a tile of margin, in the target's pixel format) so every settled frame is one
blit; a bounded LRU cache (MAX_TILES) keeps recent tile surfaces for panning back. While zooming, the
canvas is scaled straight into the target (no intermediate surface; the overview fills what it does not
cover) until the zoom has been still for SETTLE seconds. Then that scaled picture is copied into the
canvas once as the stand-in, and new tiles replace it as they finish. Recolouring (new state, overlay,
palette) marks only the tiles touching changed regions stale; stale tiles stay on screen until replaced.

Background work (tile rasterisation, label placement) is split into small resumable units
(generators: one polygon, a few border lines, a dozen labels). Each frame runs units while the time
spent is below BUDGET, so at most one unit ends past it; ``units_log`` records units per frame.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import pygame

from game.gazetteer import places
from game.ui import map_style as st
from game.ui.map_data import COAST, COUNTRY, EDGE, REGION, SHORE, MapData, load_map_data, project

TILE = 256
SETTLE = 0.12          # seconds without zoom change before re-rasterising
BUDGET = 0.0007        # seconds of background work per frame: a unit starts only while within it
LINES_PER_UNIT = 8     # border polylines drawn per tile unit
LABELS_PER_UNIT = 12   # label candidates gathered/placed per label unit
MAX_TILES = 28         # detail tile surfaces kept (LRU); the canvas holds what is on screen
OVERLAYS = ("control", "violence", "displacement", "stability", "none")
AT_HOME, IN_TRANSIT, DEPLOYED, NOT_RAISED = 0, 1, 2, 3   # game.engine.state codes


@dataclass
class Label:
    """A placed label: ``rect`` in world pixels at the placement scale; ``key`` is a region or place id."""

    key: str
    text: str
    surf: pygame.Surface
    rect: pygame.Rect
    anchor: tuple[float, float]        # world units of the point the label is attached to
    offset: tuple[int, int]            # rect.topleft minus anchor, in pixels
    marker: str | None = None          # capital | city | base


class _Layer:
    """Tiles at one scale: (tx, ty) -> [surface or None, generation, serial], least recently used first.
    The surface is None when evicted while the canvas still shows it (and always for the overview layer,
    whose tiles live in one picture, ``big``)."""

    def __init__(self, scale: float):
        self.scale = scale
        self.tiles: dict[tuple[int, int], list] = {}
        self.nsurf = 0          # tiles holding a surface
        self.stale = True       # some tile may need (re)rendering (overview layer)


def clip_ring(p: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """Sutherland-Hodgman clip of a closed ring (k, 2) to the square [lo, hi]^2 (vectorised)."""
    p = p.astype(float)
    for axis, bound, keep_ge in ((0, lo, True), (0, hi, False), (1, lo, True), (1, hi, False)):
        if len(p) < 3:
            return p[:0]
        q = np.concatenate([p[1:], p[:1]])
        pin = p[:, axis] >= bound if keep_ge else p[:, axis] <= bound
        qin = np.concatenate([pin[1:], pin[:1]])
        a, b = p[:, axis], q[:, axis]
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.where(a != b, (bound - a) / (b - a), 0.0)
        cut = p + (q - p) * t[:, None]
        pts = np.stack([cut, q], axis=1).reshape(-1, 2)
        ok = np.stack([pin != qin, qin], axis=1).reshape(-1)
        p = pts[ok]
    return p


def _polygon(surf, colour, pts: np.ndarray, off: np.ndarray) -> None:
    """Fill a pixel ring shifted by -off, clipping big rings first (pygame scans the whole ring height)."""
    q = pts - off
    mn, mx = q.min(axis=0), q.max(axis=0)
    if mx[0] < 0 or mx[1] < 0 or mn[0] > TILE or mn[1] > TILE:
        return
    if mn[0] < -TILE or mn[1] < -TILE or mx[0] > 2 * TILE or mx[1] > 2 * TILE:
        q = clip_ring(q, -2, TILE + 2)
        if len(q) < 3:
            return
    pygame.draw.polygon(surf, colour, q.tolist())


def _subtract(r: pygame.Rect, p: pygame.Rect) -> list[pygame.Rect]:
    """r minus p (p inside r) as up to four rects: top, bottom, left, right."""
    out = [pygame.Rect(r.x, r.y, r.w, p.y - r.y), pygame.Rect(r.x, p.bottom, r.w, r.bottom - p.bottom),
           pygame.Rect(r.x, p.y, p.x - r.x, p.h), pygame.Rect(p.right, p.y, r.right - p.right, p.h)]
    return [q for q in out if q.w > 0 and q.h > 0]


def strength_text(n: float) -> str:
    n = float(n)
    if n >= 1000:
        return f"{n / 1000:.1f}k".replace(".0k", "k")
    return f"{int(round(n))}"


class MapView:
    """The game map. The owner sets ``rect`` (screen placement), calls bind/set_state, forwards events, draws."""

    def __init__(self, size: tuple[int, int], map_data: MapData | None = None, *, palette: dict | None = None,
                 font=None):
        self.data = map_data or load_map_data()
        self.rect = pygame.Rect((0, 0), size)
        self.font_path = font if isinstance(font, str) else None
        self.palette_name = "default"
        self.pal = dict(palette or st.PALETTES["default"])
        self._custom_palette = palette is not None
        self.overlay = "control"
        self.hovered: str | None = None
        self.selected: str | None = None
        self.world = None
        self.state = None
        self.scenario_regions: list[str] = []
        self.places = {k: p for k, p in places().items()}
        self._mouse: tuple[int, int] | None = None
        self._drag: tuple[int, int] | None = None
        self._dragged = False
        self._values: dict[str, float] = {}
        self._fills: dict[str, tuple] = {}
        self._hatched: set[str] = set()
        self._gen = 0
        self._proj: dict[float, dict] = {}
        self._text_cache: dict = {}
        self._labels: list[Label] = []
        self._labels_scale = None
        self._forces: list[dict] = []
        self._arrows: list[dict] = []
        x0, y0, x1, y1 = self.data.bounds
        self._map_w, self._map_h = x1 - x0, y1 - y0
        self.scale = 1.0
        self.origin = [0.0, 0.0]
        self._layer: _Layer | None = None
        self._overview: _Layer | None = None
        self._zoom_t = 0.0
        self.budget = BUDGET
        self.units_log: list[int] = []          # background units run per frame (last frames)
        self._job = None                        # (kind, layer/scale, tile, generator) in progress
        self._label_job = None
        self._canvas = None
        self._idle_key = None                   # background state last found with nothing to do
        self._vis_sorted = None                 # visible tiles, nearest the centre first
        self._serial = 0                        # tile render counter (what a canvas slot shows)
        self._pool: list[pygame.Surface] = []   # evicted tile surfaces for reuse
        self._ov_scratch = None
        fb = [self.data.features[f].bbox for f in self.data.draw_order]
        self._order_bb = np.array(fb, float).reshape(-1, 4)
        self._border_bb = np.array([b.bbox for b in self.data.borders], float).reshape(-1, 4)
        self._border_edge = np.array([b.kind == EDGE for b in self.data.borders], bool)
        self._recolour()
        self.resize(size)
        self.fit(None)

    # ---------------------------------------------------------------- binding and state
    def bind(self, world) -> None:
        """Use a game World: scenario regions are highlighted, the rest drawn muted as context."""
        self.world = world
        self.scenario_regions = [r for r in world.region_ids if r in self.data.features]
        self._region_index = {r: i for i, r in enumerate(world.region_ids)}
        self.state = None
        self._labels_scale = None
        self._recolour(full=True)

    def set_state(self, state) -> None:
        """New game state (after a turn or action): recolours changed regions, moves force counters."""
        self.state = state
        self._recolour()
        self._build_forces()

    def set_overlay(self, name: str) -> None:
        if name not in OVERLAYS:
            raise ValueError(f"unknown overlay {name!r}; one of {OVERLAYS}")
        if name != self.overlay:
            self.overlay = name
            self._recolour()

    def set_palette(self, name: str) -> None:
        """'default' or 'colorblind'."""
        self.palette_name = name
        self.pal = dict(st.PALETTES[name])
        self._text_cache.clear()
        self._labels_scale = None
        self._recolour(full=True)
        self._build_forces()

    # ---------------------------------------------------------------- colours and overlays
    def actor_colour(self, a: int) -> tuple:
        actors = self.pal.get("actors")
        if actors and self.world is not None:
            return tuple(actors[a % len(actors)])
        c = self.world.actor(self.world.actor_ids[a]).colour if self.world is not None else None
        return st.hex_rgb(c, (120, 120, 120))

    def region_value(self, rid: str) -> float | None:
        """The current overlay's raw value for a scenario region (None without state)."""
        return self._values.get(rid)

    def _overlay_values(self) -> dict[str, float]:
        s, w = self.state, self.world
        if s is None or w is None or self.overlay == "none":
            return {}
        if self.overlay == "violence":
            v = s.violence[0]
        elif self.overlay == "stability":
            v = s.stability[0]
        elif self.overlay == "control":
            v = s.control[0]
        else:
            v = (s.displaced[0] + s.refugees_out[0]) / np.maximum(s.population[0], 1.0)
        return {r: float(v[self._region_index[r]]) for r in self.scenario_regions}

    def _ramp_t(self, v: float) -> float:
        if self.overlay == "displacement":
            return math.sqrt(min(max(v, 0.0) / 0.2, 1.0))
        return min(max(v, 0.0), 1.0)

    def _region_fill(self, rid: str) -> tuple:
        pal, w = self.pal, self.world
        gov = self.actor_colour(int(w.region_country[self._region_index[rid]]))
        if self.overlay == "none" or self.state is None:
            return st.mix(pal["land_focus"], gov, 0.35)
        v = self._values[rid]
        if self.overlay == "control":
            return st.mix(st.mix(pal["land_focus"], (150, 150, 150), 0.3), gov, 0.2 + 0.65 * min(max(v, 0), 1))
        return st.ramp(pal[self.overlay], self._ramp_t(v))

    def _recolour(self, full: bool = False) -> None:
        """Recompute fills; tiles touching changed regions become stale."""
        pal, feats = self.pal, self.data.features
        self._values = self._overlay_values()
        fills, hatched = {}, set()
        scn = set(self.scenario_regions)
        for fid, f in feats.items():
            if f.kind in ("lake", "sea"):
                fills[fid] = pal["water"]
            elif fid in scn:
                fills[fid] = self._region_fill(fid)
            elif f.kind == "region":
                tint = pal["country_tints"].get(f.country)
                fills[fid] = st.mix(pal["land_focus"], tint, 0.08) if tint else pal["land_focus"]
            else:
                fills[fid] = pal["land_other"]
        if self.state is not None and self.overlay == "control" and len(self.world.group_ids):
            pres = self.state.group_strength[0].sum(axis=0)
            cut = max(10.0, 0.1 * float(pres.max()))
            hatched = {r for r in self.scenario_regions if pres[self._region_index[r]] >= cut}
        changed = [k for k in fills if fills[k] != self._fills.get(k)] + list(hatched ^ self._hatched)
        self._fills, self._hatched = fills, hatched
        if not changed and not full:
            return
        self._gen += 1
        if full or len(changed) > 40:
            boxes = None
        else:
            boxes = [feats[k].bbox for k in changed]
        for layer in (self._layer, self._overview):
            if layer is None:
                continue
            layer.stale = True
            for (tx, ty), t in layer.tiles.items():
                if boxes is None or self._tile_touches(layer.scale, tx, ty, boxes):
                    t[1] = -1
                elif t[1] == self._gen - 1:
                    t[1] = self._gen      # untouched tiles stay current

    @staticmethod
    def _tile_touches(scale, tx, ty, boxes) -> bool:
        x0, y0 = tx * TILE / scale, ty * TILE / scale
        x1, y1 = x0 + TILE / scale, y0 + TILE / scale
        return any(b[0] <= x1 and b[2] >= x0 and b[1] <= y1 and b[3] >= y0 for b in boxes)

    def legend(self) -> dict:
        """{'title', 'stops': [rgb...], 'labels': [(t, text)], 'items': [{'colour', 'label', 'hatch'}]}."""
        pal, ov = self.pal, self.overlay
        if ov == "none":
            return {"title": "", "stops": [], "labels": [], "items": []}
        if ov == "control":
            items = []
            if self.world is not None:
                govs = sorted({int(self.world.region_country[self._region_index[r]]) for r in self.scenario_regions})
                for a in govs:
                    items.append({"colour": st.mix(st.mix(pal["land_focus"], (150, 150, 150), 0.3),
                                                   self.actor_colour(a), 0.85),
                                  "label": self.world.name(self.world.actor_ids[a])})
                items.append({"colour": st.mix(pal["land_focus"], (150, 150, 150), 0.3), "label": "weak control"})
                if self.world.group_ids:
                    items.append({"colour": pal["land_focus"], "label": "armed groups present", "hatch": True})
            return {"title": "Government control", "stops": [], "labels": [], "items": items}
        if ov == "displacement":
            labels = [(math.sqrt(p / 0.2), f"{round(p * 100)}%") for p in (0, 0.01, 0.05, 0.1, 0.2)]
            labels[-1] = (1.0, "20%+")
            return {"title": "Displaced (share of population)", "stops": pal[ov],
                    "labels": labels, "items": []}
        title = {"violence": "Violence", "stability": "Stability"}[ov]
        lo, hi = ("calm", "intense") if ov == "violence" else ("fragile", "stable")
        return {"title": title, "stops": pal[ov], "labels": [(0, lo), (0.5, "0.5"), (1, hi)], "items": []}

    def draw_legend(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        st.draw_legend(surface, pygame.Rect(rect), self.legend(), self.pal, self.font_path)

    # ---------------------------------------------------------------- camera
    def resize(self, size: tuple[int, int]) -> None:
        cx, cy = self.screen_to_world(self.rect.center) if self._layer else (None, None)
        self.rect.size = size
        self.min_scale = min(size[0] / self._map_w, size[1] / self._map_h) * 0.98
        self.max_scale = max(self.min_scale * 40, size[0] / 1.2)
        self.scale = min(max(self.scale, self.min_scale), self.max_scale)
        if cx is not None:
            self.origin = [cx - size[0] / 2 / self.scale, cy - size[1] / 2 / self.scale]
        self._clamp()
        self._labels_scale = None

    def screen_to_world(self, pos) -> tuple[float, float]:
        return (self.origin[0] + (pos[0] - self.rect.x) / self.scale,
                self.origin[1] + (pos[1] - self.rect.y) / self.scale)

    def world_to_screen(self, x: float, y: float) -> tuple[float, float]:
        return ((x - self.origin[0]) * self.scale + self.rect.x, (y - self.origin[1]) * self.scale + self.rect.y)

    def lonlat_to_screen(self, lon: float, lat: float) -> tuple[float, float]:
        x, y = project(lon, lat)
        return self.world_to_screen(float(x), float(y))

    def _clamp(self) -> None:
        """Keep the map covering the view (or centred when smaller than the view)."""
        x0, y0, x1, y1 = self.data.bounds
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
        self._clamp()

    def zoom_at(self, screen_pos, factor: float) -> None:
        """Zoom by factor keeping the world point under screen_pos fixed (unless clamped)."""
        wx, wy = self.screen_to_world(screen_pos)
        new = min(max(self.scale * factor, self.min_scale), self.max_scale)
        if new == self.scale:
            return
        self.scale = new
        self.origin = [wx - (screen_pos[0] - self.rect.x) / new, wy - (screen_pos[1] - self.rect.y) / new]
        self._clamp()
        self._zoom_t = time.perf_counter()

    def fit(self, region_ids=None) -> None:
        """Frame the given regions (default: the scenario's regions, else the whole map)."""
        ids = [r for r in (region_ids or self.scenario_regions) if r in self.data.features]
        if ids:
            bb = np.array([self.data.features[r].bbox for r in ids])
            x0, y0, x1, y1 = bb[:, 0].min(), bb[:, 1].min(), bb[:, 2].max(), bb[:, 3].max()
        else:
            x0, y0, x1, y1 = self.data.bounds
        pad = 0.08
        w, h = (x1 - x0) * (1 + 2 * pad), (y1 - y0) * (1 + 2 * pad)
        self.scale = min(max(min(self.rect.w / max(w, 1e-6), self.rect.h / max(h, 1e-6)), self.min_scale),
                         self.max_scale)
        self.origin = [(x0 + x1) / 2 - self.rect.w / 2 / self.scale, (y0 + y1) / 2 - self.rect.h / 2 / self.scale]
        self._clamp()
        self._zoom_t = 0.0

    # ---------------------------------------------------------------- events
    def _inside(self, pos) -> bool:
        return pos is not None and self.rect.collidepoint(pos)

    def handle_event(self, event) -> str | None:
        """Mouse/keys for the map; returns the region id on a click selection, else None."""
        et = event.type
        if et == pygame.MOUSEMOTION:
            self._mouse = event.pos
            if self._drag is not None and event.buttons[0]:
                dx, dy = event.pos[0] - self._drag[0], event.pos[1] - self._drag[1]
                if self._dragged or abs(dx) + abs(dy) > 4:
                    self._dragged = True
                    self.pan(dx, dy)
                    self._drag = event.pos
            self.hovered = self.region_at(event.pos) if self._inside(event.pos) else None
        elif et == pygame.MOUSEBUTTONDOWN and event.button == 1 and self._inside(event.pos):
            self._mouse = event.pos
            self._drag, self._dragged = event.pos, False
        elif et == pygame.MOUSEBUTTONUP and event.button == 1 and self._drag is not None:
            was_drag, self._drag, self._dragged = self._dragged, None, False
            if not was_drag and self._inside(event.pos):
                rid = self.region_at(event.pos)
                self.selected = rid
                return rid
        elif et == pygame.MOUSEWHEEL:
            pos = self._mouse or pygame.mouse.get_pos()
            if self._inside(pos) and event.y:
                self.zoom_at(pos, 1.2 ** event.y)
        elif et == pygame.KEYDOWN and self._inside(self._mouse or pygame.mouse.get_pos()):
            step = 100
            k = event.key
            moves = {pygame.K_LEFT: (step, 0), pygame.K_RIGHT: (-step, 0),
                     pygame.K_UP: (0, step), pygame.K_DOWN: (0, -step)}
            if k in moves:
                self.pan(*moves[k])
            elif k in (pygame.K_PLUS, pygame.K_EQUALS, pygame.K_KP_PLUS):
                self.zoom_at(self.rect.center, 1.25)
            elif k in (pygame.K_MINUS, pygame.K_KP_MINUS):
                self.zoom_at(self.rect.center, 1 / 1.25)
        return None

    def region_at(self, pos) -> str | None:
        """Scenario region under a screen position (any map region when unbound)."""
        x, y = self.screen_to_world(pos)
        return self.data.hit(x, y, self.scenario_regions if self.world is not None else self.data.region_ids)

    def tooltip_text(self) -> list[str]:
        """Lines for the hovered region: name (id), country, overlay value."""
        rid = self.hovered
        if rid is None:
            return []
        f = self.data.features[rid]
        w = self.world
        country = w.name(w.region(rid).country) if w is not None else f.country
        lines = [f"{f.name} ({rid})", country]
        if self.state is not None and self.world is not None:
            i = self._region_index[rid]
            s = self.state
            if self.overlay == "control":
                gov = w.name(w.actor_ids[int(w.region_country[i])])
                lines.append(f"Governed by {gov}, control {s.control[0, i]:.0%}")
                if rid in self._hatched:
                    lines.append("Armed groups present")
            elif self.overlay == "violence":
                lines.append(f"Violence {s.violence[0, i]:.2f}")
            elif self.overlay == "stability":
                lines.append(f"Stability {s.stability[0, i]:.2f}")
            elif self.overlay == "displacement":
                d = s.displaced[0, i] + s.refugees_out[0, i]
                lines.append(f"Displaced {self._values[rid]:.1%} ({strength_text(d)} people)")
        return lines

    def draw_tooltip(self, surface: pygame.Surface, mouse_pos) -> pygame.Rect | None:
        return st.draw_tooltip(surface, mouse_pos, self.tooltip_text(), self.pal, self.font_path)

    # ---------------------------------------------------------------- projection caches
    def _projected(self, scale: float) -> dict:
        """Per-scale pixel geometry (lazily filled): ('f', id) -> parts, ('b', i) -> points."""
        cache = self._proj.get(scale)
        if cache is None:
            if len(self._proj) > 3:
                self._proj.pop(next(iter(self._proj)))
            cache = self._proj[scale] = {}
        return cache

    @staticmethod
    def _px(points: np.ndarray, scale: float) -> np.ndarray:
        p = np.rint(points * scale).astype(np.int32)
        if len(p) > 2:
            keep = np.r_[True, np.any(p[1:] != p[:-1], axis=1)]
            p = p[keep]
        return p

    def _feature_px(self, cache, fid, scale):
        key = ("f", fid)
        if key not in cache:
            cache[key] = [self._px(part[0], scale) for part in self.data.features[fid].parts]
        return cache[key]

    def _border_px(self, cache, i, scale):
        key = ("b", i)
        if key not in cache:
            cache[key] = self._px(self.data.borders[i].points, scale)
        return cache[key]

    # ---------------------------------------------------------------- tile rendering
    def _render_tile(self, layer: _Layer, tx: int, ty: int) -> pygame.Surface:
        """Rasterise one tile in one go (drains the resumable steps)."""
        job = self._tile_steps(layer, tx, ty)
        for _ in job:
            pass
        return self._job_result

    def _tile_steps(self, layer: _Layer, tx: int, ty: int):
        """Generator rasterising a tile; yields between units (a polygon, a hatch, a few lines).
        The finished surface is left in ``self._job_result``."""
        s, pal, feats = layer.scale, self.pal, self.data.features
        if layer is self._overview:                 # copied into the overview picture when done
            surf = self._ov_scratch = self._ov_scratch or pygame.Surface((TILE, TILE))
        else:
            surf = self._pool.pop() if self._pool else pygame.Surface((TILE, TILE))
        surf.fill(pal["void"])
        ox, oy = tx * TILE, ty * TILE
        wx0, wy0, wx1, wy1 = ox / s, oy / s, (ox + TILE) / s, (oy + TILE) / s
        cache = self._projected(s)
        off = np.array([ox, oy], np.int32)
        order = self.data.draw_order
        n_land = len(order) - len(self.data.lake_ids)
        fb = self._order_bb
        hit = np.flatnonzero(~((fb[:, 0] > wx1) | (fb[:, 2] < wx0) | (fb[:, 1] > wy1) | (fb[:, 3] < wy0)))
        hatch_done = False
        for i in hit.tolist() + [len(order)]:
            if i >= n_land and not hatch_done:   # armed-group hatching goes under the lakes
                hatch_done = True
                for h in self._hatched:
                    b = feats[h].bbox
                    if not (b[0] > wx1 or b[2] < wx0 or b[1] > wy1 or b[3] < wy0):
                        self._hatch_region(surf, cache, h, s, off)
                        yield
            if i == len(order):
                break
            fid = order[i]
            col = self._fills[fid]
            for pts in self._feature_px(cache, fid, s):
                if len(pts) >= 3:
                    _polygon(surf, col, pts, off)
            yield
        scn = set(self.scenario_regions)
        lines = [[], [], []]
        bb = self._border_bb
        bhit = np.flatnonzero(~(self._border_edge | (bb[:, 0] > wx1) | (bb[:, 2] < wx0) | (bb[:, 1] > wy1)
                                | (bb[:, 3] < wy0)))
        for i in bhit.tolist():
            bd = self.data.borders[i]
            pts = self._border_px(cache, i, s)
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
        self._job_result = surf

    def _hatch_region(self, surf, cache, fid, s, off) -> None:
        mask = pygame.Surface((TILE, TILE), pygame.SRCALPHA)
        key = ("holes", fid)
        if key not in cache:
            cache[key] = [self._px(h, s) for part in self.data.features[fid].parts for h in part[1:]]
        for pts in self._feature_px(cache, fid, s):
            if len(pts) >= 3:
                _polygon(mask, (255, 255, 255, 255), pts, off)
        for pts in cache[key]:
            if len(pts) >= 3:
                _polygon(mask, (0, 0, 0, 0), pts, off)
        stripes = st.hatch_tile(TILE, tuple(self.pal["hatch"])).copy()
        stripes.blit(mask, (0, 0), special_flags=pygame.BLEND_RGBA_MULT)
        surf.blit(stripes, (0, 0))

    def _visible_range(self, scale: float, margin: int = 0):
        """Inclusive tile range (tx0, ty0, tx1, ty1) under the view at scale, clipped to the map."""
        x0 = self.origin[0] * scale
        y0 = self.origin[1] * scale
        tx0, ty0 = int(math.floor(x0 / TILE)) - margin, int(math.floor(y0 / TILE)) - margin
        tx1 = int(math.floor((x0 + self.rect.w - 1) / TILE)) + margin
        ty1 = int(math.floor((y0 + self.rect.h - 1) / TILE)) + margin
        mx, my = int(math.ceil(self._map_w * scale / TILE)), int(math.ceil(self._map_h * scale / TILE))
        return max(tx0, 0), max(ty0, 0), min(tx1, mx - 1), min(ty1, my - 1)

    def _visible_tiles(self, scale: float, margin: int = 0):
        tx0, ty0, tx1, ty1 = self._visible_range(scale, margin)
        return [(tx, ty) for ty in range(ty0, ty1 + 1) for tx in range(tx0, tx1 + 1)]

    # ---------------------------------------------------------------- background work
    def _next_tile(self, settled: bool):
        """The most urgent tile to (re)render: (layer, tile) or None."""
        layer, gen = self._layer, self._gen
        tiles = layer.tiles
        if settled:
            rng = self._visible_range(layer.scale)
            key = (layer.scale, rng)
            if self._vis_sorted is None or self._vis_sorted[0] != key:
                vis = self._visible_tiles(layer.scale)
                cx, cy = (rng[0] + rng[2] + 1) / 2, (rng[1] + rng[3] + 1) / 2
                vis.sort(key=lambda t: (t[0] + 0.5 - cx) ** 2 + (t[1] + 0.5 - cy) ** 2)
                self._vis_sorted = (key, vis)
            vis = self._vis_sorted[1]
            for t in vis:
                if t not in tiles:
                    return layer, t
            for t in vis:
                if tiles[t][1] != gen:
                    return layer, t
        ov = self._overview
        if ov.stale:
            for t in self._all_tiles(ov.scale):
                if ov.tiles.get(t, (0, -1))[1] != gen:
                    return ov, t
            ov.stale = False
        cv = self._canvas
        if settled and cv is not None and cv["layer"] is layer:   # prefetch the canvas margin
            mx, my = int(math.ceil(self._map_w * layer.scale / TILE)), int(math.ceil(self._map_h * layer.scale / TILE))
            x0, y0, x1, y1 = self._canvas_range(cv)
            for ty in range(max(y0, 0), min(y1, my)):
                for tx in range(max(x0, 0), min(x1, mx)):
                    e = tiles.get((tx, ty))
                    if e is None or e[1] != gen:
                        return layer, (tx, ty)
        return None

    def _labels_wanted(self, settled: bool) -> bool:
        return settled and self._labels_scale != self.scale

    def _background(self, settled: bool) -> int:
        """Run resumable units while within the budget (always at least one when work is pending)."""
        layer = self._layer
        cv = self._canvas
        idle_key = (id(layer), self._gen, self.scale, settled, self._labels_scale,
                    self._visible_range(layer.scale), cv and (cv["x"], cv["y"], cv["layer"] is layer))
        if idle_key == self._idle_key:
            return 0
        t0 = time.perf_counter()
        units = 0
        missing_visible = settled and any(t not in layer.tiles for t in self._visible_tiles(layer.scale))
        while True:
            job = self._job
            if job is not None and job[1] is not self._layer and job[1] is not self._overview:
                job = self._job = None          # its layer was replaced
            if job is not None and job[1] is self._layer and not settled:
                job = None                      # keep it for later; no detail tiles while zooming
            lj = self._label_job
            if lj is not None and lj[0] != self.scale:
                lj = self._label_job = None
            if job is None and lj is None and self._labels_wanted(settled) and not missing_visible:
                lj = self._label_job = (self.scale, self._label_steps(self.scale))
            if job is None and lj is not None:
                try:
                    next(lj[1])
                except StopIteration:
                    self._label_job = None
            else:
                if job is None:
                    nxt = self._next_tile(settled)
                    if nxt is None:
                        if units == 0 and self._label_job is None:
                            self._idle_key = idle_key
                        break
                    lay, t = nxt
                    job = self._job = ("tile", lay, t, self._tile_steps(lay, *t), self._gen)
                try:
                    next(job[3])
                except StopIteration:
                    self._job = None
                    self._tile_done(job[1], job[2], self._job_result, job[4] if job[4] == self._gen else -1)
                    if job[1] is layer and missing_visible:
                        missing_visible = any(t not in layer.tiles for t in self._visible_tiles(layer.scale))
            units += 1
            if time.perf_counter() - t0 >= self.budget:
                break
        return units

    def _tile_done(self, lay: _Layer, t, surf, gen) -> None:
        """A finished tile: into the overview picture, or into the tile cache (LRU) and the canvas."""
        if lay is self._overview:
            lay.tiles[t] = [None, gen, 0]
            lay.big.blit(surf, (t[0] * TILE, t[1] * TILE))
            return
        self._serial += 1
        old = lay.tiles.pop(t, None)
        if old is not None and old[0] is not None:
            lay.nsurf -= 1
            self._recycle(old[0])
        lay.tiles[t] = [surf, gen, self._serial]
        lay.nsurf += 1
        cv = self._canvas
        if cv is not None and cv["layer"] is lay and self._in_canvas(cv, t):
            x0, y0 = cv["x"] // TILE, cv["y"] // TILE
            cv["surf"].blit(surf, ((t[0] - x0) * TILE, (t[1] - y0) * TILE))
            cv["slots"][t] = self._serial
        self._evict(lay)

    def _evict(self, lay: _Layer) -> None:
        """Keep at most MAX_TILES tile surfaces (least recently used out). A tile the canvas shows keeps its
        entry (generation) without the surface; others are forgotten and re-rendered when needed."""
        if lay.nsurf <= MAX_TILES:
            return
        cv = self._canvas
        slots = cv["slots"] if cv is not None and cv["layer"] is lay else {}
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

    def _all_tiles(self, scale):
        mx, my = int(math.ceil(self._map_w * scale / TILE)), int(math.ceil(self._map_h * scale / TILE))
        return [(tx, ty) for ty in range(my) for tx in range(mx)]

    # ---------------------------------------------------------------- canvas (a settled frame = one blit)
    def _canvas_size(self):
        w, h = self.rect.size
        return (math.ceil(w / TILE) + 2) * TILE, (math.ceil(h / TILE) + 2) * TILE

    @staticmethod
    def _canvas_range(cv):
        x0, y0 = cv["x"] // TILE, cv["y"] // TILE
        return x0, y0, x0 + cv["surf"].get_width() // TILE, y0 + cv["surf"].get_height() // TILE

    @staticmethod
    def _in_canvas(cv, t) -> bool:
        x0, y0 = cv["x"] // TILE, cv["y"] // TILE
        return x0 <= t[0] < x0 + cv["surf"].get_width() // TILE and y0 <= t[1] < y0 + cv["surf"].get_height() // TILE

    @staticmethod
    def _canvas_origin(vx, vy, cw, ch, w, h):
        return (math.floor((vx - (cw - w) / 2) / TILE) * TILE, math.floor((vy - (ch - h) / 2) / TILE) * TILE)

    def _standin(self, cv, rect: pygame.Rect) -> None:
        """Paint a canvas rect from the overview (void outside the map)."""
        ov, L = self._overview, cv["layer"].scale
        cv["surf"].fill(self.pal["void"], rect)
        self._paint_scaled(cv["surf"], rect, ov.big, L / ov.scale, cv["x"] / L * ov.scale, cv["y"] / L * ov.scale)

    def _fill_gaps(self, cv, rng=None) -> None:
        """Slots of the canvas (within the tile range rng, default all) with nothing painted: cached tiles,
        else stand-ins from the overview (one scale per run of slots in a row)."""
        x0, y0, x1, y1 = self._canvas_range(cv)
        if rng is not None:
            x0, y0, x1, y1 = max(x0, rng[0]), max(y0, rng[1]), min(x1, rng[2] + 1), min(y1, rng[3] + 1)
        slots, tiles = cv["slots"], cv["layer"].tiles
        cx, cy = cv["x"] // TILE, cv["y"] // TILE
        for ty in range(y0, y1):
            run = None
            for tx in range(x0, x1 + 1):
                gap = tx < x1 and (tx, ty) not in slots
                if gap:
                    e = tiles.get((tx, ty))
                    if e is not None and e[0] is not None:
                        cv["surf"].blit(e[0], ((tx - cx) * TILE, (ty - cy) * TILE))
                        slots[(tx, ty)] = e[2]
                        gap = False
                if gap:
                    slots[(tx, ty)] = 0
                    run = tx if run is None else run
                elif run is not None:
                    self._standin(cv, pygame.Rect((run - cx) * TILE, (ty - cy) * TILE, (tx - run) * TILE, TILE))
                    run = None

    def _stage_canvas(self, surface) -> bool:
        """Start the canvas for a new layer (after a zoom settles, a resize, the first frame). The view gets the old
        picture scaled once, which is copied in as the stand-in; returns True when the view was drawn."""
        layer, L = self._layer, self._layer.scale
        w, h = self.rect.size
        cw, ch = self._canvas_size()
        old = self._canvas
        drawn = old is not None and old["layer"] is not None and self.rect.clip(surface.get_rect()) == self.rect
        if drawn:
            self._draw_moving(surface)
        surf = old["surf"] if old is not None else None
        if surf is None or surf.get_size() != (cw, ch) or surf.get_bitsize() != surface.get_bitsize():
            self._canvas = surf = old = None
            try:
                surf = pygame.Surface((cw, ch), 0, surface)
            except (pygame.error, ValueError):
                surf = pygame.Surface((cw, ch))
        vx, vy = round(self.origin[0] * L), round(self.origin[1] * L)
        cx, cy = self._canvas_origin(vx, vy, cw, ch, w, h)
        cv = self._canvas = {"surf": surf, "layer": layer, "x": cx, "y": cy, "slots": {}}
        for t in [t for t, e in layer.tiles.items() if e[0] is None]:
            del layer.tiles[t]               # only the old canvas showed it
        if not drawn:
            return False
        v = pygame.Rect(vx - cx, vy - cy, w, h)
        band = pygame.Rect(v.x // TILE * TILE, v.y // TILE * TILE, 0, 0)
        band.w, band.h = -(-v.right // TILE) * TILE - band.x, -(-v.bottom // TILE) * TILE - band.y
        for r in _subtract(band, v):
            self._standin(cv, r)
        surf.blit(surface, v.topleft, self.rect)
        for ty in range(band.y // TILE, band.bottom // TILE):
            for tx in range(band.x // TILE, band.right // TILE):
                cv["slots"][(tx + cx // TILE, ty + cy // TILE)] = 0
        return True

    def _follow_canvas(self) -> None:
        """Re-centre the canvas when the view leaves it (one scroll); slots that left are forgotten."""
        cv, layer = self._canvas, self._layer
        L = layer.scale
        w, h = self.rect.size
        cw, ch = cv["surf"].get_size()
        vx, vy = round(self.origin[0] * L), round(self.origin[1] * L)
        if cv["x"] <= vx and cv["y"] <= vy and vx + w <= cv["x"] + cw and vy + h <= cv["y"] + ch:
            return
        nx, ny = self._canvas_origin(vx, vy, cw, ch, w, h)
        cv["surf"].scroll(cv["x"] - nx, cv["y"] - ny)
        cv["x"], cv["y"] = nx, ny
        old = cv["slots"]
        cv["slots"] = {t: s for t, s in old.items() if self._in_canvas(cv, t)}
        for t in old:
            if t not in cv["slots"]:
                e = layer.tiles.get(t)
                if e is not None and e[0] is None:
                    del layer.tiles[t]          # neither cached nor shown: render again when needed

    def _blit_canvas(self, surface) -> None:
        cv = self._canvas
        L = self._layer.scale
        vx, vy = round(self.origin[0] * L), round(self.origin[1] * L)
        surface.blit(cv["surf"], self.rect.topleft, (vx - cv["x"], vy - cv["y"], self.rect.w, self.rect.h))

    # ---------------------------------------------------------------- scaled pictures (zooming)
    @staticmethod
    def _paint_scaled(dst, drect: pygame.Rect, src, k: float, ax: float, ay: float):
        """Scale the part of src showing in drect straight into dst (no intermediate surface); dst pixel p shows
        src pixel a + p / k. Source edges are rounded to whole pixels (at most k/2 px of error, only seen while
        moving). Returns the dst rect painted, or None."""
        sw, sh = src.get_size()
        out = []
        for f0, d0, d1, n in ((ax + drect.x / k, drect.x, drect.right, sw), (ay + drect.y / k, drect.y, drect.bottom, sh)):
            f1 = f0 + (d1 - d0) / k
            s0, s1 = round(f0), max(round(f1), round(f0) + 1)
            if s0 < 0:
                d0, s0 = d0 + round(-f0 * k), 0
            if s1 > n:
                d1, s1 = d1 - round((f1 - n) * k), n
            if s1 <= s0 or d1 <= d0:
                return None
            out.append((s0, s1, d0, d1))
        (sx0, sx1, dx0, dx1), (sy0, sy1, dy0, dy1) = out
        r = pygame.Rect(dx0, dy0, dx1 - dx0, dy1 - dy0)
        sub = src.subsurface((sx0, sy0, sx1 - sx0, sy1 - sy0))
        if r.size == sub.get_size():
            dst.blit(sub, r.topleft)
        else:
            try:
                pygame.transform.scale(sub, r.size, dst.subsurface(r))
            except ValueError:                  # different pixel formats
                dst.blit(pygame.transform.scale(sub, r.size), r.topleft)
        return r

    def _draw_moving(self, surface) -> None:
        """While zooming: the canvas (the last settled picture) scaled into the view, the overview around it."""
        r = self.rect.clip(surface.get_rect())
        if r.w <= 0 or r.h <= 0:
            return
        s = self.scale
        wx, wy = self.origin[0] - self.rect.x / s, self.origin[1] - self.rect.y / s   # world at surface pixel 0
        cv, painted = self._canvas, None
        if cv is not None and cv["layer"] is not None and 0.25 <= s / cv["layer"].scale <= 4:
            L = cv["layer"].scale
            self._fill_gaps(cv)
            painted = self._paint_scaled(surface, r, cv["surf"], s / L, wx * L - cv["x"], wy * L - cv["y"])
        if painted != r:
            ov = self._overview
            for q in ([r] if painted is None else _subtract(r, painted)):
                surface.fill(self.pal["void"], q)
                self._paint_scaled(surface, q, ov.big, s / ov.scale, wx * ov.scale, wy * ov.scale)

    def _ensure_layers(self, now: float) -> None:
        if self._overview is None:
            ov = self._overview = _Layer(min(1600 / self._map_w, 1000 / self._map_h))
            ov.big = pygame.Surface((math.ceil(self._map_w * ov.scale), math.ceil(self._map_h * ov.scale)))
            for t in self._all_tiles(ov.scale):
                self._render_into(ov, t)
        if self._layer is None:
            self._layer = _Layer(self.scale)
        elif self._layer.scale != self.scale and now - self._zoom_t >= SETTLE:
            self._layer = _Layer(self.scale)        # the old layer's tiles are freed
            self._vis_sorted = None
            keep = {self.scale, self._overview.scale}
            for k in [k for k in self._proj if k not in keep]:
                del self._proj[k]

    def _render_into(self, layer: _Layer, t) -> None:
        self._tile_done(layer, t, self._render_tile(layer, *t), self._gen)

    # ---------------------------------------------------------------- drawing
    def draw(self, surface: pygame.Surface) -> None:
        """Draw the map, overlays, labels and forces into surface at self.rect."""
        start = time.perf_counter()
        self._ensure_layers(start)
        clip = surface.get_clip()
        surface.set_clip(self.rect)
        layer = self._layer
        settled = layer.scale == self.scale
        if self._labels_scale is None:          # first placement (bind, palette, resize): at once
            self._place_labels()
        cv = self._canvas
        if settled:
            if cv is None or cv["layer"] is not layer or cv["surf"].get_size() != self._canvas_size():
                drawn = self._stage_canvas(surface)
            else:
                drawn = False
                self._follow_canvas()
            units = 0 if drawn else self._background(True)   # the staging frame did its share
            if not drawn:
                self._fill_gaps(self._canvas, self._visible_range(layer.scale))
                self._blit_canvas(surface)
        else:
            units = self._background(False)
            self._draw_moving(surface)
        self.units_log.append(units)
        if len(self.units_log) > 4096:
            del self.units_log[:2048]
        self._draw_outline(surface, self.selected, self.pal["selected"], 3)
        if self.hovered != self.selected:
            self._draw_outline(surface, self.hovered, self.pal["hover"], 2)
        self._draw_labels(surface)
        self._draw_forces(surface)
        surface.set_clip(clip)

    def _draw_outline(self, surface, rid, colour, width) -> None:
        if rid is None or rid not in self.data.features:
            return
        cache = self._projected(self.scale)
        off = np.array([round(self.origin[0] * self.scale) - self.rect.x,
                        round(self.origin[1] * self.scale) - self.rect.y], np.int32)
        for pts in self._feature_px(cache, rid, self.scale):
            if len(pts) >= 3:
                pygame.draw.lines(surface, colour, True, (pts - off).tolist(), width)

    # ---------------------------------------------------------------- labels
    def _text(self, text, size, bold, colour, halo=True, spacing=0) -> pygame.Surface:
        key = (text, size, bold, colour, halo, spacing)
        s = self._text_cache.get(key)
        if s is None:
            s = st.halo_text(text, st.font(size, bold, self.font_path), colour,
                             self.pal["halo"] if halo else None, spacing)
            self._text_cache[key] = s
        return s

    def _label_candidates(self, s=None):
        """(priority, key, text-surface, anchor world xy, marker, placements) sorted by priority."""
        out = list(self._iter_candidates(self.scale if s is None else s))
        out.sort(key=lambda c: c[0])
        return out

    def _iter_candidates(self, s):
        pal, feats = self.pal, self.data.features
        scn = set(self.scenario_regions)
        for pid, p in self.places.items():
            if p.off_map:
                continue
            in_scn = p.region in scn
            if p.kind == "capital":
                prio, size, bold = 0, 13, True
            elif in_scn:
                prio, size, bold = 2, 12, False
            elif p.kind == "base":
                prio, size, bold = 3, 11, False
            else:
                prio, size, bold = 4 if s > 25 else 9, 11, False
            if prio == 9:
                continue
            x, y = project(p.lon, p.lat)
            yield (prio, pid, self._text(p.name, size, bold, pal["text"]), (float(x), float(y)), p.kind, "side")
        for rid in self.scenario_regions:
            f = feats[rid]
            bw = (f.bbox[2] - f.bbox[0]) * s
            name = self._text(f.name, 14, True, pal["text"])
            surf = name if name.get_width() < bw * 1.1 else self._text(rid, 12, True, pal["text"])
            yield (1, rid, surf, f.label, None, "centre")
        for c, xy in self.data.country_labels.items():
            name = _COUNTRY_NAMES.get(c, c)
            yield (5, "country:" + c, self._text(name.upper(), 13 if s < 60 else 16, True,
                                                 pal["text_muted"], spacing=2), xy, None, "centre")
        for fid, f in feats.items():
            if f.kind == "country" and f.label is not None:
                yield (6, "country:" + fid, self._text(f.name.upper(), 12, False, pal["text_muted"], spacing=2),
                       f.label, None, "centre")
            elif f.kind == "region" and fid not in scn and s > 45:
                surf = self._text(f.name, 11, False, pal["text_muted"])
                if surf.get_width() < (f.bbox[2] - f.bbox[0]) * s:
                    yield (7, fid, surf, f.label, None, "centre")

    def _place_labels(self) -> None:
        """Place all labels at the current scale now (drains the resumable steps)."""
        self._label_job = None
        for _ in self._label_steps(self.scale):
            pass

    def _label_steps(self, s):
        """Generator: greedy placement by priority in world pixels at scale s; overlapping labels are skipped.
        Yields every LABELS_PER_UNIT candidates; the previous labels stay on screen until it finishes."""
        cands = []
        for n, c in enumerate(self._iter_candidates(s)):
            cands.append(c)
            if n % LABELS_PER_UNIT == LABELS_PER_UNIT - 1:
                yield
        cands.sort(key=lambda c: c[0])
        yield
        placed: list[pygame.Rect] = []
        labels: list[Label] = []
        x0, y0, x1, y1 = self.data.bounds
        mapr = pygame.Rect(0, 0, int(x1 * s), int(y1 * s))
        for n, (prio, key, surf, (ax, ay), marker, mode) in enumerate(cands):
            if n % LABELS_PER_UNIT == LABELS_PER_UNIT - 1:
                yield
            px, py = ax * s, ay * s
            w, h = surf.get_size()
            if mode == "centre":
                tries = [(-w / 2, -h / 2), (-w / 2, -h / 2 - h * 0.8), (-w / 2, -h / 2 + h * 0.8)]
            else:
                tries = [(6, -h / 2), (-w - 6, -h / 2), (-w / 2, -h - 4), (-w / 2, 4)]
            mark = pygame.Rect(int(px) - 4, int(py) - 4, 9, 9) if marker else None
            for dx, dy in tries:
                r = pygame.Rect(int(px + dx), int(py + dy), w, h)
                if not mapr.contains(r):
                    continue
                if r.inflate(4, 2).collidelist(placed) < 0 and (mark is None or mark.collidelist(placed) < 0):
                    placed.append(r.inflate(4, 2))
                    if mark is not None:
                        placed.append(mark)
                    labels.append(Label(key, "", surf, r, (ax, ay), (int(dx), int(dy)), marker))
                    break
        self._labels, self._labels_scale = labels, s

    def label_rects(self) -> list[pygame.Rect]:
        """Screen rects of the placed labels (at the placement zoom)."""
        self._place_labels()
        return [pygame.Rect(self._label_pos(lb), lb.rect.size) for lb in self._labels]

    def _label_pos(self, lb: Label) -> tuple[int, int]:
        sx, sy = self.world_to_screen(*lb.anchor)
        return int(sx + lb.offset[0]), int(sy + lb.offset[1])

    def _marker(self, kind: str) -> pygame.Surface:
        key = ("marker", kind)
        m = self._text_cache.get(key)
        if m is None:
            pal = self.pal
            m = pygame.Surface((15, 15), pygame.SRCALPHA)
            p = (7, 7)
            if kind == "capital":
                pygame.draw.circle(m, pal["halo"], p, 7)
                pygame.draw.circle(m, pal["text"], p, 6, 2)
                pygame.draw.circle(m, pal["text"], p, 2)
            elif kind == "base":
                pygame.draw.polygon(m, pal["halo"], [(7, 0), (0, 12), (14, 12)])
                pygame.draw.polygon(m, pal["text"], [(7, 3), (3, 10), (11, 10)])
            else:
                pygame.draw.circle(m, pal["halo"], p, 4)
                pygame.draw.circle(m, pal["text"], p, 3)
            self._text_cache[key] = m
        return m

    def _draw_labels(self, surface) -> None:
        """Blit the placed labels and place markers visible in the view (vectorised culling)."""
        if not self._labels:
            return
        if getattr(self, "_lab_arrays", None) is None or self._lab_arrays[0] is not self._labels:
            xy = np.array([lb.anchor for lb in self._labels], float)
            off = np.array([lb.offset for lb in self._labels], float)
            size = np.array([lb.surf.get_size() for lb in self._labels], float)
            self._lab_arrays = (self._labels, xy, off, size)
        labels, xy, off, size = self._lab_arrays
        r = self.rect
        sp = (xy - self.origin) * self.scale + (r.x, r.y)
        pos = sp + off
        vis = (pos[:, 0] < r.right) & (pos[:, 1] < r.bottom) & (pos[:, 0] + size[:, 0] > r.x) & (pos[:, 1] + size[:, 1] > r.y)
        seq = []
        for i in np.flatnonzero(vis):
            lb = labels[i]
            if lb.marker:
                seq.append((self._marker(lb.marker), (int(sp[i, 0]) - 7, int(sp[i, 1]) - 7)))
            seq.append((lb.surf, (int(pos[i, 0]), int(pos[i, 1]))))
        surface.blits(seq, doreturn=False)

    # ---------------------------------------------------------------- forces
    def _anchor(self, where: str | None):
        """World xy of a region id or a gazetteer place id; (xy, off_map)."""
        if where is None:
            return None, False
        f = self.data.features.get(where)
        if f is not None and f.label is not None:
            return f.label, False
        p = self.places.get(where)
        if p is None:
            return None, False
        x, y = project(p.lon, p.lat)
        return (float(x), float(y)), bool(p.off_map)

    def _build_forces(self) -> None:
        """Force counters (stacked per anchor) and transit arrows from the state."""
        self._forces, self._arrows = [], []
        w, s = self.world, self.state
        if w is None or s is None:
            return
        rid = w.region_ids
        for f, fid in enumerate(w.force_ids):
            status = int(s.force_status[0, f])
            if status == NOT_RAISED:
                continue
            owner = int(w.force_owner[f])
            colour = self.actor_colour(owner)
            home = w.force(fid).home
            info = {"id": fid, "name": w.name(fid), "owner": owner, "colour": colour,
                    "strength": float(s.force_strength[0, f]), "status": status}
            loc = int(s.force_location[0, f])
            if status == DEPLOYED and loc >= 0:
                self._forces.append({**info, "at": rid[loc], "xy": self._anchor(rid[loc])[0]})
            elif status == AT_HOME:
                xy, off = self._anchor(home)
                if xy is not None and not off:
                    self._forces.append({**info, "at": home, "xy": xy})
            elif status == IN_TRANSIT:
                dest = int(s.force_destination[0, f])
                end = self._anchor(rid[dest])[0] if dest >= 0 else None
                if end is None:
                    continue
                if loc >= 0:
                    start, off = self._anchor(rid[loc])
                else:
                    start, off = self._anchor(home)
                if start is None:
                    continue
                if off:
                    start = self.data.edge_point(end, start)
                self._arrows.append({**info, "start": start, "end": end, "off_map": off})
        groups: dict[str, list] = {}
        for c in self._forces:
            groups.setdefault(c["at"], []).append(c)
        for members in groups.values():
            for i, c in enumerate(members):
                c["slot"], c["of"] = i, len(members)

    def force_marks(self) -> dict:
        """{'counters': [...], 'arrows': [...]} with world coordinates (for tests and tooltips)."""
        return {"counters": list(self._forces), "arrows": list(self._arrows)}

    def counter_rects(self) -> list[tuple[str, pygame.Rect]]:
        """Screen rects of the force counters."""
        out = []
        for c in self._forces:
            surf = self._counter(c)
            sx, sy = self.world_to_screen(*c["xy"])
            w, h = surf.get_size()
            cols = min(c["of"], 3)
            row, col = divmod(c["slot"], cols)
            x = sx - (cols * (w + 3) - 3) / 2 + col * (w + 3)
            y = sy + 10 + row * (h + 3)
            out.append((c["id"], pygame.Rect(int(x), int(y), w, h)))
        return out

    def _counter(self, c) -> pygame.Surface:
        key = ("counter", c["colour"], strength_text(c["strength"]))
        surf = self._text_cache.get(key)
        if surf is None:
            txt = st.font(11, True, self.font_path).render(key[2], True, (255, 255, 255))
            w, h = max(44, txt.get_width() + 26), 20
            surf = pygame.Surface((w + 2, h + 2), pygame.SRCALPHA)
            pygame.draw.rect(surf, (0, 0, 0, 90), (2, 2, w, h), border_radius=2)
            body = pygame.Rect(0, 0, w, h)
            pygame.draw.rect(surf, st.mix(c["colour"], (0, 0, 0), 0.15), body, border_radius=2)
            pygame.draw.rect(surf, (20, 20, 20), body, 1, border_radius=2)
            sym = pygame.Rect(3, 4, 16, 12)
            pygame.draw.rect(surf, (255, 255, 255), sym, 1)
            pygame.draw.line(surf, (255, 255, 255), sym.topleft, (sym.right - 1, sym.bottom - 1))
            pygame.draw.line(surf, (255, 255, 255), (sym.x, sym.bottom - 1), (sym.right - 1, sym.y))
            surf.blit(txt, (22, (h - txt.get_height()) // 2))
            self._text_cache[key] = surf
        return surf

    def _draw_forces(self, surface) -> None:
        for a in self._arrows:
            self._draw_arrow(surface, a)
        for (fid, r), c in zip(self.counter_rects(), self._forces):
            if self.rect.colliderect(r):
                surface.blit(self._counter(c), r.topleft)

    def _draw_arrow(self, surface, a) -> None:
        sx, sy = self.world_to_screen(*a["start"])
        ex, ey = self.world_to_screen(*a["end"])
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


_COUNTRY_NAMES = {"KG": "Kyrgyzstan", "TJ": "Tajikistan", "UZ": "Uzbekistan", "KZ": "Kazakhstan",
                  "TM": "Turkmenistan", "AF": "Afghanistan", "AM": "Armenia", "AZ": "Azerbaijan", "GE": "Georgia"}
