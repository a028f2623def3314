"""Map labels: candidates (places, scenario regions, countries, context regions) by priority, greedy
placement without overlaps in resumable steps, and drawing with place markers."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pygame

from game.ui import map_style as st
from game.ui.map_data import project

LABELS_PER_UNIT = 12   # label candidates gathered/placed per label unit
COUNTRY_NAMES = {"KG": "Kyrgyzstan", "TJ": "Tajikistan", "UZ": "Uzbekistan", "KZ": "Kazakhstan",
                 "TM": "Turkmenistan", "AF": "Afghanistan", "AM": "Armenia", "AZ": "Azerbaijan", "GE": "Georgia"}


@dataclass
class Label:
    """A placed label: ``rect`` in world pixels at the placement scale; ``key`` is a region or place id."""

    key: str
    surf: pygame.Surface
    rect: pygame.Rect
    anchor: tuple[float, float]        # world units of the point the label is attached to
    offset: tuple[int, int]            # rect.topleft minus anchor, in pixels
    marker: str | None = None          # capital | city | base


class Labels:
    """The placed labels (``scale``: the scale they were placed at, None when they must be placed again)."""

    def __init__(self, scene, places: dict, font_path: str | None):
        self.scene, self.places, self.font_path = scene, places, font_path
        self.placed: list[Label] = []
        self.scale = None
        self._cache: dict = {}                  # rendered texts and markers
        self._arrays = None                     # see _sprites

    def restyle(self) -> None:
        """The palette changed: forget rendered texts; place again."""
        self._cache.clear()
        self.scale = None

    # ---------------------------------------------------------------- candidates and placement
    def _text(self, text, size, bold, colour, halo=True, spacing=0) -> pygame.Surface:
        key = (text, size, bold, colour, halo, spacing)
        s = self._cache.get(key)
        if s is None:
            s = st.halo_text(text, st.font(size, bold, self.font_path), colour,
                             self.scene.pal["halo"] if halo else None, spacing)
            self._cache[key] = s
        return s

    def _candidates(self, s):
        """(priority, key, text surface, anchor world xy, marker, mode) for scale s, unsorted."""
        pal, feats = self.scene.pal, self.scene.data.features
        scn = set(self.scene.regions)
        for pid, p in self.places.items():
            if p.off_map:
                continue
            if p.kind == "capital":
                prio, size, bold = 0, 13, True
            elif p.region in scn:
                prio, size, bold = 2, 12, False
            elif p.kind == "base":
                prio, size, bold = 3, 11, False
            elif s > 25:
                prio, size, bold = 4, 11, False
            else:
                continue
            x, y = project(p.lon, p.lat)
            yield (prio, pid, self._text(p.name, size, bold, pal["text"]), (float(x), float(y)), p.kind, "side")
        for rid in self.scene.regions:
            f = feats[rid]
            bw = (f.bbox[2] - f.bbox[0]) * s
            name = self._text(f.name, 14, True, pal["text"])
            surf = name if name.get_width() < bw * 1.1 else self._text(rid, 12, True, pal["text"])
            yield (1, rid, surf, f.label, None, "centre")
        for c, xy in self.scene.data.country_labels.items():
            name = COUNTRY_NAMES.get(c, c)
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

    def place_now(self, s) -> None:
        """Place all labels at scale s now (drains the resumable steps)."""
        for _ in self.steps(s):
            pass

    def steps(self, s):
        """Generator: greedy placement by priority in world pixels at scale s; overlapping labels are skipped.
        Yields every LABELS_PER_UNIT candidates; the previous labels stay on screen until it finishes."""
        cands = []
        for n, c in enumerate(self._candidates(s)):
            cands.append(c)
            if n % LABELS_PER_UNIT == LABELS_PER_UNIT - 1:
                yield
        cands.sort(key=lambda c: c[0])
        yield
        taken: list[pygame.Rect] = []
        labels: list[Label] = []
        gap, m2 = st.spx(6), st.spx(4)          # the gap beside a place marker, its half-size
        x1, y1 = self.scene.data.bounds[2:]
        mapr = pygame.Rect(0, 0, int(x1 * s), int(y1 * s))
        for n, (prio, key, surf, (ax, ay), marker, mode) in enumerate(cands):
            if n % LABELS_PER_UNIT == LABELS_PER_UNIT - 1:
                yield
            px, py = ax * s, ay * s
            w, h = surf.get_size()
            if mode == "centre":
                tries = [(-w / 2, -h / 2), (-w / 2, -h / 2 - h * 0.8), (-w / 2, -h / 2 + h * 0.8)]
            else:
                tries = [(gap, -h / 2), (-w - gap, -h / 2), (-w / 2, -h - gap + 2), (-w / 2, gap - 2)]
            mark = pygame.Rect(int(px) - m2, int(py) - m2, 2 * m2 + 1, 2 * m2 + 1) if marker else None
            for dx, dy in tries:
                r = pygame.Rect(int(px + dx), int(py + dy), w, h)
                if not mapr.contains(r):
                    continue
                if r.inflate(4, 2).collidelist(taken) < 0 and (mark is None or mark.collidelist(taken) < 0):
                    taken.append(r.inflate(4, 2))
                    if mark is not None:
                        taken.append(mark)
                    labels.append(Label(key, surf, r, (ax, ay), (int(dx), int(dy)), marker))
                    break
        self.placed, self.scale = labels, s

    # ---------------------------------------------------------------- on screen
    def rects(self, camera) -> list[pygame.Rect]:
        """Screen rects of the placed labels."""
        out = []
        for lb in self.placed:
            sx, sy = camera.world_to_screen(*lb.anchor)
            out.append(pygame.Rect((math.floor(sx + lb.offset[0]), math.floor(sy + lb.offset[1])), lb.rect.size))
        return out

    def _marker(self, kind: str) -> pygame.Surface:
        key = ("marker", kind)
        m = self._cache.get(key)
        if m is None:
            pal = self.scene.pal
            k = st.ui_scale()
            q = lambda v: int(round(v * k))  # noqa: E731
            m = pygame.Surface((2 * q(7) + 1, 2 * q(7) + 1), pygame.SRCALPHA)
            p = (q(7), q(7))
            if kind == "capital":
                pygame.draw.circle(m, pal["halo"], p, q(7))
                pygame.draw.circle(m, pal["text"], p, q(6), max(2, q(2)))
                pygame.draw.circle(m, pal["text"], p, q(2))
            elif kind == "base":
                pygame.draw.polygon(m, pal["halo"], [(q(7), 0), (0, q(12)), (q(14), q(12))])
                pygame.draw.polygon(m, pal["text"], [(q(7), q(3)), (q(3), q(10)), (q(11), q(10))])
            else:
                pygame.draw.circle(m, pal["halo"], p, q(4))
                pygame.draw.circle(m, pal["text"], p, q(3))
            self._cache[key] = m
        return m

    def _sprites(self):
        """The blit items in drawing order (each label's marker, then its text) as arrays: surface, anchor,
        offset added before and after flooring to whole pixels, size. Rebuilt when the placement changes."""
        if self._arrays is None or self._arrays[0] is not self.placed:
            rows = []
            for lb in self.placed:
                if lb.marker:
                    mk = self._marker(lb.marker)
                    rows.append((mk, lb.anchor, (0.0, 0.0), (-(mk.get_width() // 2), -(mk.get_height() // 2))))
                rows.append((lb.surf, lb.anchor, lb.offset, (0, 0)))
            items = np.empty(len(rows), object)
            items[:] = [r[0] for r in rows]
            self._arrays = (self.placed, items, np.array([r[1] for r in rows], float).reshape(-1, 2),
                            np.array([r[2] for r in rows], float).reshape(-1, 2),
                            np.array([r[3] for r in rows], np.int64).reshape(-1, 2),
                            np.array([r[0].get_size() for r in rows], np.int64).reshape(-1, 2))
        return self._arrays[1:]

    def positions(self, camera):
        """(items, top-left screen positions, sizes) of every blit item, in drawing order. Positions are
        floored to whole pixels, so they move with the map by whole pixels (the composite relies on it)."""
        items, anchor, off_before, off_after, size = self._sprites()
        sp = np.subtract(anchor, camera.origin)         # screen position of the anchor
        sp *= camera.scale
        sp += camera.rect.topleft
        sp += off_before
        xy = np.floor(sp).astype(np.int64)
        xy += off_after
        return items, xy, size

    def draw(self, surface, camera, area=None) -> None:
        """Blit the placed labels and place markers that touch area (default the view)."""
        if self.placed:
            items, xy, size = self.positions(camera)
            blit_within(surface, items, xy, size, camera.rect if area is None else area)


def blit_within(surface, items, xy, size, area) -> None:
    """Blit the items (at xy, of size) that touch area, in order."""
    inside = xy < area.bottomright
    inside &= (xy + size) > area.topleft
    shown = (inside[:, 0] & inside[:, 1]).nonzero()[0]
    surface.blits(zip(items[shown], xy[shown].tolist()), doreturn=False)
