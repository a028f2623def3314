"""Frame-time benchmark of the map view (headless): scripted pan/zoom on the Kyrgyz scenario."""
from __future__ import annotations

import json
import math
import os
import time


def _script(frames: int):
    """Per-frame camera moves: ('pan', dx, dy) or ('zoom', fx, fy, factor) with positions in [0, 1]."""
    phases = [
        ("pan", 7, 0, 90), ("zoom_in", 0.55, 0.5, 70), ("pan", -5, 4, 90), ("zoom_out", 0.4, 0.45, 70),
        ("pan", 0, -6, 60), ("wheel", 0.6, 0.6, 60), ("pan", -6, -3, 90), ("zoom_in", 0.3, 0.7, 70),
    ]
    out = []
    while len(out) < frames:
        for kind, a, b, n in phases:
            for i in range(n):
                if kind == "pan":
                    out.append(("pan", a, b))
                elif kind == "wheel":   # discrete wheel notches with pauses in between
                    out.append(("zoom", a, b, 1.2 if i % 20 == 0 else 1.0) if i < 40 else ("pan", 0, 0))
                else:
                    out.append(("zoom", a, b, 1.02 if kind == "zoom_in" else 1 / 1.02))
    return out[:frames]


def measure_map_frames(size=(1600, 900), frames=600) -> dict:
    """Median/p99 frame time (ms) of MapView.draw while panning and zooming with an overlay on.

    median_ms/p99_ms/max_ms are wall-clock; *_cpu_ms are thread CPU time (robust when the machine is busy)."""
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    import pygame

    from game.engine.game import Game
    from game.scenario.loader import load_scenario
    from game.ui.map_data import GEOJSON, MapData
    from game.ui.map_view import MapView

    pygame.init()
    if pygame.display.get_surface() is None:
        pygame.display.set_mode((1, 1))
    game = Game(load_scenario("kyrgyzstan_2010").scenario, seed=1)
    for _ in range(3):
        game.end_turn()
    screen = pygame.Surface(size)
    t0 = time.perf_counter()
    with open(GEOJSON, encoding="utf-8") as fh:
        data = MapData(json.load(fh))
    t_data = time.perf_counter()
    view = MapView(size, data)
    view.bind(game.world)
    view.set_state(game.state_for(None))
    view.set_overlay("violence")
    view.fit(game.world.region_ids)
    view.draw(screen)
    prepare = time.perf_counter() - t0
    for _ in range(30):   # let the first visible tiles finish
        view.draw(screen)
    times, cpu = [], []
    view.units_log.clear()
    w, h = size
    for step in _script(frames):
        t, c = time.perf_counter(), time.thread_time()
        if step[0] == "pan":
            view.pan(step[1], step[2])
        elif step[3] != 1.0:
            view.zoom_at((view.rect.x + step[1] * w, view.rect.y + step[2] * h), step[3])
        view.draw(screen)
        times.append(time.perf_counter() - t)
        cpu.append(time.thread_time() - c)

    def q(v, f):
        v = sorted(v)
        return round(v[min(len(v) - 1, max(0, math.ceil(f * len(v)) - 1))] * 1e3, 3)
    # *_cpu_ms: thread CPU time, a check when other processes load the machine
    return {"median_ms": q(times, 0.5), "p99_ms": q(times, 0.99), "max_ms": q(times, 1.0),
            "median_cpu_ms": q(cpu, 0.5), "p99_cpu_ms": q(cpu, 0.99),
            "prepare_ms": round(prepare * 1e3, 1), "map_data_ms": round((t_data - t0) * 1e3, 1),
            "frames": len(times), "budget_ms": round(view.budget * 1e3, 2),
            "max_units_per_frame": max(view.units_log, default=0)}


if __name__ == "__main__":
    print(measure_map_frames())
