"""Raster primitives for the map: tile size, ring clipping and filling, rect subtraction, scaled copies, and
map geometry rounded to whole pixels per scale."""
from __future__ import annotations

import numpy as np
import pygame

TILE = 256   # tile edge in pixels


def clip_ring(p: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """Sutherland-Hodgman clip of a closed ring (k, 2) to the square [lo, hi]^2 (vectorised). Per edge of the
    square, each ring segment (p, q) gives its cut point when it crosses the edge, then q when q is inside."""
    p = p.astype(float)
    for axis, bound, keep_ge in ((0, lo, True), (0, hi, False), (1, lo, True), (1, hi, False)):
        n = len(p)
        if n < 3:
            return p[:0]
        a = p[:, axis]
        pin = a >= bound if keep_ge else a <= bound
        if pin.all():                           # nothing cut: the same ring, from its second vertex
            p = np.concatenate([p[1:], p[:1]])
            continue
        flags = np.empty((n, 2), bool)          # per segment: crosses the edge, ends inside
        flags[:-1, 1], flags[-1, 1] = pin[1:], pin[0]
        np.not_equal(pin, flags[:, 1], out=flags[:, 0])
        out = flags.ravel().nonzero()[0]        # 2 * segment + (0: cut point, 1: end point)
        seg = out >> 1
        p_next = p.take(seg + 1, axis=0, mode="wrap")
        cuts = ((out & 1) == 0).nonzero()[0]
        if len(cuts):
            s0, s1 = p[seg[cuts]], p_next[cuts]
            t = (bound - s0[:, axis]) / (s1[:, axis] - s0[:, axis])
            p_next[cuts] = s0 + (s1 - s0) * t[:, None]
        p = p_next
    return p


def fill_ring(surf, colour, pts: np.ndarray, off: np.ndarray) -> None:
    """Fill a pixel ring shifted by -off into a tile, clipping big rings first (pygame scans the whole ring height)."""
    q = pts - off
    mn, mx = q.min(axis=0), q.max(axis=0)
    if mx[0] < 0 or mx[1] < 0 or mn[0] > TILE or mn[1] > TILE:
        return
    if mn[0] < -TILE or mn[1] < -TILE or mx[0] > 2 * TILE or mx[1] > 2 * TILE:
        q = clip_ring(q, -2, TILE + 2)
        if len(q) < 3:
            return
    pygame.draw.polygon(surf, colour, q.tolist())


def subtract(r: pygame.Rect, p: pygame.Rect) -> list[pygame.Rect]:
    """r minus p (p inside r) as up to four rects: top, bottom, left, right."""
    out = [pygame.Rect(r.x, r.y, r.w, p.y - r.y), pygame.Rect(r.x, p.bottom, r.w, r.bottom - p.bottom),
           pygame.Rect(r.x, p.y, p.x - r.x, p.h), pygame.Rect(p.right, p.y, r.right - p.right, p.h)]
    return [q for q in out if q.w > 0 and q.h > 0]


def paint_scaled(dst, drect: pygame.Rect, src, k: float, ax: float, ay: float):
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


def to_px(points: np.ndarray, scale: float) -> np.ndarray:
    """World points to whole pixels at scale, consecutive duplicates dropped."""
    p = np.rint(points * scale).astype(np.int32)
    if len(p) > 2:
        keep = np.r_[True, np.any(p[1:] != p[:-1], axis=1)]
        p = p[keep]
    return p


class ScaledGeometry:
    """The map's features and borders in pixels at one scale, converted on first use."""

    def __init__(self, data, scale: float):
        self.data, self.scale = data, scale
        self._cache: dict = {}

    def feature(self, fid: str) -> list[np.ndarray]:
        """Outer rings of a feature's parts."""
        key = ("f", fid)
        if key not in self._cache:
            self._cache[key] = [to_px(part[0], self.scale) for part in self.data.features[fid].parts]
        return self._cache[key]

    def holes(self, fid: str) -> list[np.ndarray]:
        key = ("holes", fid)
        if key not in self._cache:
            self._cache[key] = [to_px(h, self.scale) for part in self.data.features[fid].parts for h in part[1:]]
        return self._cache[key]

    def border(self, i: int) -> np.ndarray:
        key = ("b", i)
        if key not in self._cache:
            self._cache[key] = to_px(self.data.borders[i].points, self.scale)
        return self._cache[key]


class PixelGeometry:
    """ScaledGeometry per scale; at most four scales are kept (oldest out)."""

    def __init__(self, data):
        self.data = data
        self._scales: dict[float, ScaledGeometry] = {}

    def at(self, scale: float) -> ScaledGeometry:
        g = self._scales.get(scale)
        if g is None:
            if len(self._scales) > 3:
                self._scales.pop(next(iter(self._scales)))
            g = self._scales[scale] = ScaledGeometry(self.data, scale)
        return g

    def keep_only(self, scales) -> None:
        for k in [k for k in self._scales if k not in scales]:
            del self._scales[k]
