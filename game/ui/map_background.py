"""Background work for the map, in small resumable units (generators: one polygon, a few border lines, a
dozen labels). Each frame runs units while the time spent is below ``budget``, so at most one unit ends past
it; ``units_log`` records the units run per frame."""
from __future__ import annotations

import time

BUDGET = 0.0007        # seconds of background work per frame: a unit starts only while within it


class Background:
    """Chooses the most urgent work (visible tiles, the overview, labels, the canvas margin) and runs it."""

    def __init__(self, camera, tiles, canvas, labels):
        self.camera, self.tiles, self.canvas, self.labels = camera, tiles, canvas, labels
        self.budget = BUDGET
        self.units_log: list[int] = []          # background units run per frame (last frames)
        self.job = None                         # (layer, tile, generator, generation) in progress
        self.label_job = None                   # (scale, generator) in progress
        self._idle_key = None                   # state last found with nothing to do
        self._vis_sorted = None                 # visible tiles, nearest the centre first

    def new_layer(self) -> None:
        """The detail layer was replaced."""
        self._vis_sorted = None

    def log(self, units: int) -> None:
        self.units_log.append(units)
        if len(self.units_log) > 4096:
            del self.units_log[:2048]

    def _next_tile(self, settled: bool):
        """The most urgent tile to (re)render: (layer, tile) or None."""
        cam, store = self.camera, self.tiles
        layer, gen = store.layer, store.gen
        tiles = layer.tiles
        if settled:
            rng = cam.visible_range(layer.scale)
            key = (layer.scale, rng)
            if self._vis_sorted is None or self._vis_sorted[0] != key:
                vis = cam.visible_tiles(layer.scale)
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
        ov = store.overview
        if ov.stale:
            for t in cam.all_tiles(ov.scale):
                if ov.tiles.get(t, (0, -1))[1] != gen:
                    return ov, t
            ov.stale = False
        cv = self.canvas
        if settled and cv.surf is not None and cv.layer is layer:   # prefetch the canvas margin
            mx, my = cam.tile_count(layer.scale)
            x0, y0, x1, y1 = cv.tile_range()
            for ty in range(max(y0, 0), min(y1, my)):
                for tx in range(max(x0, 0), min(x1, mx)):
                    e = tiles.get((tx, ty))
                    if e is None or e[1] != gen:
                        return layer, (tx, ty)
        return None

    def run(self, settled: bool) -> int:
        """Run resumable units while within the budget (always at least one when work is pending)."""
        cam, store, labels = self.camera, self.tiles, self.labels
        layer = store.layer
        cv = self.canvas
        idle_key = (id(layer), store.gen, cam.scale, settled, labels.scale, cam.visible_range(layer.scale),
                    cv.surf is not None and (cv.x, cv.y, cv.layer is layer))
        if idle_key == self._idle_key:
            return 0
        t0 = time.perf_counter()
        units = 0
        missing_visible = settled and any(t not in layer.tiles for t in cam.visible_tiles(layer.scale))
        while True:
            job = self.job
            if job is not None and job[0] is not store.layer and job[0] is not store.overview:
                job = self.job = None           # its layer was replaced
            if job is not None and job[0] is store.layer and not settled:
                job = None                      # keep it for later; no detail tiles while zooming
            lj = self.label_job
            if lj is not None and lj[0] != cam.scale:
                lj = self.label_job = None
            if job is None and lj is None and settled and labels.scale != cam.scale and not missing_visible:
                lj = self.label_job = (cam.scale, labels.steps(cam.scale))
            if job is None and lj is not None:
                try:
                    next(lj[1])
                except StopIteration:
                    self.label_job = None
            else:
                if job is None:
                    nxt = self._next_tile(settled)
                    if nxt is None:
                        if units == 0 and self.label_job is None:
                            self._idle_key = idle_key
                        break
                    lay, t = nxt
                    job = self.job = (lay, t, store.steps(lay, *t), store.gen)
                try:
                    next(job[2])
                except StopIteration:
                    self.job = None
                    store.done(job[0], job[1], store.result, job[3] if job[3] == store.gen else -1, cv)
                    if job[0] is layer and missing_visible:
                        missing_visible = any(t not in layer.tiles for t in cam.visible_tiles(layer.scale))
            units += 1
            if time.perf_counter() - t0 >= self.budget:
                break
        return units
