"""Map geometry for the UI: the Central Asia GeoJSON projected once into numpy arrays.

Projection: equirectangular scaled by cos(mid-latitude); map units are degrees of
latitude, x grows east from 39 E, y grows south from 56 N. Everything else
(borders split into region/country/coast lines, label points, hit testing) is
derived here without pygame so it can be tested and reused.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

GEOJSON = Path(__file__).resolve().parents[2] / "assets" / "maps" / "central_asia.geojson"
LON0, LON1, LAT0, LAT1 = 39.0, 90.0, 33.5, 56.0
KX = math.cos(math.radians((LAT0 + LAT1) / 2))
LABEL_CACHE_VERSION = "labels-1"   # bump when pole()/label rules change
# Border classes of the prepared polylines.
REGION, COUNTRY, COAST, SHORE, EDGE = "region", "country", "coast", "shore", "edge"


def project(lon, lat):
    """lon/lat (degrees, scalars or arrays) -> map units (x east, y south)."""
    return (np.asarray(lon, float) - LON0) * KX, LAT1 - np.asarray(lat, float)


def unproject(x, y):
    return np.asarray(x, float) / KX + LON0, LAT1 - np.asarray(y, float)


@dataclass
class Feature:
    """One GeoJSON feature: parts are polygons, each a list of rings (k, 2) without the closing vertex."""

    id: str
    name: str
    kind: str                       # region | country | lake | sea
    country: str | None
    parts: list[list[np.ndarray]]
    bbox: tuple[float, float, float, float]
    area: float
    edges: np.ndarray = field(repr=False, default=None)   # (E, 4) x0 y0 x1 y1 of all rings
    label: tuple[float, float] | None = None


@dataclass
class Border:
    """A polyline between two features; ``right`` is None on the box edge or a lake shore."""

    kind: str
    left: str
    right: str | None
    points: np.ndarray              # (k, 2) map units
    bbox: tuple[float, float, float, float]


def _ring_area(r: np.ndarray) -> float:
    x, y = r[:, 0], r[:, 1]
    return 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))


def _ring_edges(rings: list[np.ndarray], max_pts: int = 0) -> np.ndarray:
    """(E, 4) edges of closed rings; ``max_pts`` > 0 decimates each ring (for sampling)."""
    out = []
    for r in rings:
        if max_pts and len(r) > max_pts:
            r = r[:: -(-len(r) // max_pts)]
        out.append(np.hstack([r, np.vstack([r[1:], r[:1]])]))
    return np.concatenate(out)


def inside(edges: np.ndarray, px: np.ndarray, py: np.ndarray) -> np.ndarray:
    """Even-odd point-in-polygon for points (P,) against edges (E, 4)."""
    x0, y0, x1, y1 = (edges[:, i][None, :] for i in range(4))
    px, py = px[:, None], py[:, None]
    cross = (y0 > py) != (y1 > py)
    with np.errstate(divide="ignore", invalid="ignore"):
        xi = x0 + (py - y0) * (x1 - x0) / (y1 - y0)
    return np.count_nonzero(cross & (px < xi), axis=1) % 2 == 1


def seg_distance(edges: np.ndarray, px: np.ndarray, py: np.ndarray) -> np.ndarray:
    """Distance from points (P,) to the nearest of edges (E, 4)."""
    x0, y0, x1, y1 = (edges[:, i][None, :] for i in range(4))
    dx, dy = x1 - x0, y1 - y0
    ll = np.maximum(dx * dx + dy * dy, 1e-18)
    t = np.clip(((px[:, None] - x0) * dx + (py[:, None] - y0) * dy) / ll, 0.0, 1.0)
    ex, ey = x0 + t * dx - px[:, None], y0 + t * dy - py[:, None]
    return np.sqrt((ex * ex + ey * ey).min(axis=1))


def pole(edges: np.ndarray, bbox, n: int = 10, rounds: int = 2) -> tuple[float, float]:
    """Approximate pole of inaccessibility: grid sampling refined around the best point."""
    x0, y0, x1, y1 = bbox
    cx, cy, hw, hh = (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) / 2, (y1 - y0) / 2
    best, best_d = (cx, cy), -1.0
    for _ in range(rounds):
        gx, gy = np.meshgrid(np.linspace(cx - hw, cx + hw, n), np.linspace(cy - hh, cy + hh, n))
        gx, gy = gx.ravel(), gy.ravel()
        ok = inside(edges, gx, gy)
        if ok.any():
            d = seg_distance(edges, gx[ok], gy[ok])
            i = int(np.argmax(d))
            if d[i] > best_d:
                best, best_d = (float(gx[ok][i]), float(gy[ok][i])), float(d[i])
        cx, cy = best
        hw, hh = hw * 2.2 / n, hh * 2.2 / n
    return best


class MapData:
    """Projected features, classified border polylines, label points and hit testing."""

    def __init__(self, geojson: dict):
        self.features: dict[str, Feature] = {}
        for f in geojson["features"]:
            p, g = f["properties"], f["geometry"]
            polys = g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]]
            parts = []
            for poly in polys:
                rings = []
                for ring in poly:
                    a = np.asarray(ring, float)[:-1]
                    x, y = project(a[:, 0], a[:, 1])
                    rings.append(np.column_stack([x, y]))
                parts.append(rings)
            allp = np.concatenate([r for part in parts for r in part])
            bbox = (*allp.min(axis=0), *allp.max(axis=0))
            area = sum(abs(_ring_area(part[0])) - sum(abs(_ring_area(h)) for h in part[1:]) for part in parts)
            self.features[p["id"]] = Feature(p["id"], p.get("name", p["id"]), p["kind"], p.get("country"),
                                             parts, tuple(float(v) for v in bbox), area,
                                             _ring_edges([r for part in parts for r in part]))
        fs = self.features.values()
        self.region_ids = [f.id for f in fs if f.kind == "region"]
        self.lake_ids = [f.id for f in fs if f.kind == "lake"]
        self.focus_countries = sorted({f.country for f in fs if f.kind == "region"})
        # draw order: land and seas largest first (enclaves fill the holes), lakes on top
        self.draw_order = sorted((f.id for f in fs if f.kind != "lake"), key=lambda i: -self.features[i].area)
        self.draw_order += sorted(self.lake_ids, key=lambda i: -self.features[i].area)
        self.bounds = (0.0, 0.0, (LON1 - LON0) * KX, LAT1 - LAT0)
        self._geojson = geojson
        self.borders: list[Border] = self._borders(geojson)
        if not self._load_labels():
            for f in fs:
                if f.kind in ("region", "country"):
                    main = max(f.parts, key=lambda part: abs(_ring_area(part[0])))
                    ring_pts = np.concatenate(main)
                    bb = (*ring_pts.min(axis=0), *ring_pts.max(axis=0))
                    f.label = pole(_ring_edges(main, 80), bb)
            self.country_labels = {c: self._country_label(c) for c in self.focus_countries}
            self._save_labels()

    # -- label cache (the pole searches are most of the preparation time) --------------------
    def _cache_path(self) -> Path | None:
        """Cache file keyed by a hash of the geometry (ids, kinds, countries, coordinates) and LABEL_CACHE_VERSION."""
        try:
            base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
            h = hashlib.blake2b(LABEL_CACHE_VERSION.encode(), digest_size=16)
            for f in self.features.values():
                h.update(f"{f.id}|{f.kind}|{f.country}|".encode())
                for part in f.parts:
                    for r in part:
                        h.update(np.ascontiguousarray(r).tobytes())
            return Path(base) / "collective-security" / f"map_labels_{h.hexdigest()}.npz"
        except Exception:
            return None

    def _load_labels(self) -> bool:
        path = self._cache_path()
        if path is None or not path.is_file():
            return False
        try:
            with np.load(path, allow_pickle=False) as z:
                ids, lab = list(z["ids"]), z["labels"]
                cids, clab = list(z["country_ids"]), z["country_labels"]
            want = [f.id for f in self.features.values() if f.kind in ("region", "country")]
            if ids != want or cids != list(self.focus_countries) or lab.shape != (len(ids), 2):
                return False
            for i, (x, y) in zip(ids, lab.tolist()):
                self.features[i].label = (x, y)
            self.country_labels = {c: (x, y) for c, (x, y) in zip(cids, clab.tolist())}
            return True
        except Exception:
            return False

    def _save_labels(self) -> None:
        path = self._cache_path()
        if path is None:
            return
        try:
            ids = [f.id for f in self.features.values() if f.kind in ("region", "country")]
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f"{path.stem}.{os.getpid()}.tmp.npz")
            np.savez(tmp, ids=np.array(ids, dtype=str),
                     labels=np.array([self.features[i].label for i in ids], float).reshape(-1, 2),
                     country_ids=np.array(list(self.country_labels), dtype=str),
                     country_labels=np.array(list(self.country_labels.values()), float).reshape(-1, 2))
            os.replace(tmp, path)
        except Exception:
            pass

    # -- borders ---------------------------------------------------------------------------
    def _borders(self, geojson) -> list[Border]:
        """Split every ring into polylines by neighbour; shared edges are kept once."""
        ids = list(self.features)
        index = {k: i for i, k in enumerate(ids)}
        codes, owners, ring_of, rings = [], [], [], []
        for f in geojson["features"]:
            g = f["geometry"]
            polys = g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]]
            for poly in polys:
                for ring in poly:
                    a = np.rint(np.asarray(ring, float) * 1e4).astype(np.int64)
                    c = (a[:, 0] << 21) + a[:, 1]
                    codes.append(np.column_stack([c[:-1], c[1:]]))
                    owners.append(np.full(len(a) - 1, index[f["properties"]["id"]]))
                    ring_of.append(np.full(len(a) - 1, len(rings)))
                    rings.append(np.asarray(ring, float)[:-1])
        codes, owners, ring_of = np.concatenate(codes), np.concatenate(owners), np.concatenate(ring_of)
        key = np.sort(codes, axis=1)
        order = np.lexsort((owners, key[:, 1], key[:, 0]))
        ks, os_ = key[order], owners[order]
        other = np.full(len(key), -1)
        same_next = np.flatnonzero((ks[1:] == ks[:-1]).all(axis=1))
        other[order[same_next]] = os_[same_next + 1]
        other[order[same_next + 1]] = os_[same_next]
        keep = (other < 0) | (owners < other)
        out: list[Border] = []
        starts = np.flatnonzero(np.r_[True, ring_of[1:] != ring_of[:-1]])
        ends = np.r_[starts[1:], len(ring_of)]
        for s, e in zip(starts, ends):
            o, k = other[s:e], keep[s:e]
            tag = np.where(k, o, -2)
            cut = np.flatnonzero(tag != np.roll(tag, 1))
            ring = rings[ring_of[s]]
            n = e - s
            if len(cut) == 0:
                if tag[0] != -2:
                    out.append(self._border(ids, owners[s], tag[0], np.vstack([ring, ring[:1]])))
                continue
            for i, c0 in enumerate(cut):
                c1 = cut[(i + 1) % len(cut)]
                if tag[c0] == -2:
                    continue
                idx = np.arange(c0, c0 + ((c1 - c0) % n or n) + 1) % n
                out.append(self._border(ids, owners[s], tag[c0], ring[idx]))
        return [b for b in out if b is not None]

    def _border(self, ids, left, right, lonlat) -> Border | None:
        lf = self.features[ids[left]]
        rf = self.features[ids[right]] if right >= 0 else None
        kinds = {lf.kind, rf.kind if rf else None}
        if rf is None:
            kind = SHORE if lf.kind in ("lake", "sea") else EDGE   # EDGE: the box edge
        elif kinds & {"lake", "sea"}:
            kind = COAST
        elif lf.kind == rf.kind == "region" and lf.country == rf.country:
            kind = REGION
        else:
            kind = COUNTRY
        x, y = project(lonlat[:, 0], lonlat[:, 1])
        pts = np.column_stack([x, y])
        return Border(kind, lf.id, rf.id if rf else None, pts, (*pts.min(axis=0), *pts.max(axis=0)))

    def _country_label(self, country: str) -> tuple[float, float]:
        """Pole of the dissolved country: sampled against its outer border (closed by the box edge)."""
        def step(p):
            return p[:: max(1, len(p) // 12)] if len(p) > 24 else p
        outer = []
        for b in self.borders:
            if b.kind in (COUNTRY, COAST, EDGE) and country in (
                    self.features[b.left].country, self.features[b.right].country if b.right else None):
                p = np.vstack([step(b.points[:-1]), b.points[-1:]])
                outer.append(np.hstack([p[:-1], p[1:]]))
        edges = np.concatenate(outer)
        bb = edges[:, 0].min(), edges[:, 1].min(), edges[:, 0].max(), edges[:, 1].max()
        return pole(edges, bb, n=13)

    # -- queries ---------------------------------------------------------------------------
    def hit(self, x: float, y: float, ids=None) -> str | None:
        """The region or country under map point (x, y); ``ids`` limits the candidates."""
        cands = ids if ids is not None else [i for i in self.draw_order if self.features[i].kind in ("region", "country")]
        px, py = np.array([x]), np.array([y])
        found = None
        for i in cands:
            f = self.features[i]
            b = f.bbox
            if b[0] <= x <= b[2] and b[1] <= y <= b[3] and inside(f.edges, px, py)[0]:
                if found is None or f.area < self.features[found].area:
                    found = i
        return found

    def edge_point(self, start, toward) -> tuple[float, float]:
        """Where the ray from ``start`` (inside the map) toward ``toward`` leaves the map box."""
        x0, y0, x1, y1 = self.bounds
        sx, sy = start
        dx, dy = toward[0] - sx, toward[1] - sy
        ts = []
        if dx:
            ts += [(x0 - sx) / dx, (x1 - sx) / dx]
        if dy:
            ts += [(y0 - sy) / dy, (y1 - sy) / dy]
        t = min((t for t in ts if t > 0), default=0.0)
        return (min(max(sx + t * dx, x0), x1), min(max(sy + t * dy, y0), y1))


@lru_cache(maxsize=1)
def load_map_data(path: str | None = None) -> MapData:
    """Load and prepare the map once per process."""
    with open(path or GEOJSON, encoding="utf-8") as fh:
        return MapData(json.load(fh))
