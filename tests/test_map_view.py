"""Headless tests of the map data and the interactive map view."""
import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import time  # noqa: E402

import pygame  # noqa: E402
import pytest  # noqa: E402

from game.engine.game import Game  # noqa: E402
from game.engine.state import IN_TRANSIT  # noqa: E402
from game.scenario.loader import load_scenario  # noqa: E402
from game.ui.map_view import MapView, clip_ring  # noqa: E402

SIZE = (1280, 720)


@pytest.fixture(scope="module")
def game():
    pygame.init()
    pygame.display.set_mode((1, 1))
    g = Game(load_scenario("kyrgyzstan_2010").scenario, seed=1)
    for _ in range(3):
        g.end_turn()
    return g


@pytest.fixture
def view(game):
    v = MapView(SIZE)
    v.bind(game.world)
    v.set_state(game.state)
    v.fit(game.world.region_ids)
    return v


def settle(v, surface, frames=60):
    v.camera.zoom_t = 0.0
    for _ in range(frames):
        v.draw(surface)


def test_map_data_loads_fast_and_consistent():
    from game.ui.map_data import GEOJSON, MapData
    import json
    t = time.perf_counter()
    with open(GEOJSON, encoding="utf-8") as fh:
        data = MapData(json.load(fh))
    assert time.perf_counter() - t < 2.0          # ~0.15 s on an idle machine
    assert len(data.region_ids) == 172
    kinds = {b.kind for b in data.borders}
    assert {"region", "country", "coast", "shore"} <= kinds
    for rid in data.region_ids:                   # label points lie inside their region
        assert data.hit(*data.features[rid].label, ids=data.region_ids) == rid


def test_fit_frames_scenario_regions(view, game):
    for rid in game.world.region_ids:
        x0, y0, x1, y1 = view.data.features[rid].bbox
        a, b = view.world_to_screen(x0, y0), view.world_to_screen(x1, y1)
        assert view.rect.collidepoint(a) and view.rect.collidepoint(b)


def test_every_region_clickable_at_label(view, game):
    for rid in game.world.region_ids:
        pos = tuple(int(round(c)) for c in view.world_to_screen(*view.data.features[rid].label))
        view.handle_event(pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(0, 0, 0)))
        assert view.hovered == rid
        view.handle_event(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=1))
        got = view.handle_event(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=1))
        assert got == rid and view.selected == rid
        assert view.tooltip_text()[0].endswith(f"({rid})")


def test_drag_pans_and_does_not_select(view):
    o = list(view.origin)
    view.zoom_at(view.rect.center, 2.0)
    o = list(view.origin)
    view.handle_event(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=(600, 300), button=1))
    view.handle_event(pygame.event.Event(pygame.MOUSEMOTION, pos=(640, 320), rel=(40, 20), buttons=(1, 0, 0)))
    got = view.handle_event(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=(640, 320), button=1))
    assert got is None and view.origin != o


def test_zoom_keeps_point_under_cursor(view):
    pos = (700, 380)
    before = view.screen_to_world(pos)
    for f in (1.3, 1.7, 1 / 1.2):
        view.zoom_at(pos, f)
        after = view.world_to_screen(*before)
        assert abs(after[0] - pos[0]) <= 1 and abs(after[1] - pos[1]) <= 1
    view.handle_event(pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(0, 0, 0)))
    view.handle_event(pygame.event.Event(pygame.MOUSEWHEEL, x=0, y=1))
    after = view.world_to_screen(*before)
    assert abs(after[0] - pos[0]) <= 1 and abs(after[1] - pos[1]) <= 1


def test_pan_clamps(view):
    x0, y0, x1, y1 = view.data.bounds
    view.zoom_at(view.rect.center, 3)
    for _ in range(200):
        view.pan(500, 500)
    assert view.origin[0] >= x0 - 1e-9 and view.origin[1] >= y0 - 1e-9
    for _ in range(200):
        view.pan(-500, -500)
    right, bottom = view.screen_to_world(view.rect.bottomright)
    assert right <= x1 + 1e-9 and bottom <= y1 + 1e-9
    view.zoom_at(view.rect.center, 1e-6)          # fully zoomed out: map centred and visible
    assert view.scale == view.min_scale
    assert view.rect.collidepoint(view.world_to_screen((x0 + x1) / 2, (y0 + y1) / 2))


def test_keys_pan_and_zoom(view):
    view.handle_event(pygame.event.Event(pygame.MOUSEMOTION, pos=(10, 10), rel=(0, 0), buttons=(0, 0, 0)))
    s = view.scale
    view.handle_event(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_KP_PLUS, mod=0, unicode="+"))
    assert view.scale > s
    o = list(view.origin)
    view.handle_event(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_RIGHT, mod=0, unicode=""))
    assert view.origin[0] > o[0]


def _fill_at(view, rid):
    return view.scene.fills[rid]


def test_overlays_colour_high_and_low(view, game):
    w, s = game.world, game.state
    hi, lo = w.region_ids[int(s.violence[0].argmax())], w.region_ids[int(s.violence[0].argmin())]
    view.set_overlay("violence")
    assert _fill_at(view, hi) != _fill_at(view, lo)
    assert sum(_fill_at(view, hi)) < sum(_fill_at(view, lo))      # darker for more violence
    view.set_overlay("displacement")
    d = (s.displaced[0] + s.refugees_out[0]) / s.population[0]
    assert _fill_at(view, w.region_ids[int(d.argmax())]) != _fill_at(view, w.region_ids[int(d.argmin())])
    view.set_overlay("stability")
    assert _fill_at(view, w.region_ids[int(s.stability[0].argmax())]) != \
        _fill_at(view, w.region_ids[int(s.stability[0].argmin())])
    view.set_overlay("control")
    assert view.scene.hatched                                           # armed groups in the south
    leg = view.legend()
    assert leg["title"] and leg["items"]
    view.set_overlay("violence")
    assert view.legend()["stops"]


def test_colorblind_palette_differs(view, game):
    view.set_overlay("violence")
    rid = game.world.region_ids[int(game.state.violence[0].argmax())]
    a = _fill_at(view, rid)
    view.set_palette("colorblind")
    assert _fill_at(view, rid) != a
    assert view.legend()["stops"] != MapView(SIZE).pal["violence"]


def test_state_change_marks_only_touched_tiles(view, game):
    surf = pygame.Surface(SIZE)
    view.set_overlay("violence")
    settle(view, surf, 200)
    layer = view.tiles.layer
    assert all(t[1] == view.tiles.gen for t in layer.tiles.values())
    st = game.state.copy()
    i = game.world.r("KG-C")
    st.violence[0, i] = 1.0 - st.violence[0, i]
    view.set_state(st)
    stale = [k for k, t in layer.tiles.items() if t[1] != view.tiles.gen]
    assert stale and len(stale) < len(layer.tiles)
    view.set_state(game.state)


def test_labels_do_not_overlap(view):
    for zoom in (1.0, 2.5):
        view.zoom_at(view.rect.center, zoom)
        rects = view.label_rects()
        assert len(rects) > 10
        for i, a in enumerate(rects):
            assert a.collidelist(rects[i + 1:]) < 0


def test_forces_counters_and_offmap_arrow(view, game):
    w = game.world
    st = game.state.copy()
    f = w.f("RU_98_VDD")                           # home: Ivanovo, off the map
    st.force_status[0, f] = IN_TRANSIT
    st.force_destination[0, f] = w.r("KG-O")
    view.set_state(st)
    marks = view.force_marks()
    arrow = next(a for a in marks["arrows"] if a["id"] == "RU_98_VDD")
    x0, y0, x1, y1 = view.data.bounds
    sx, sy = arrow["start"]
    assert arrow["off_map"]
    assert min(abs(sx - x0), abs(sx - x1), abs(sy - y0), abs(sy - y1)) < 1e-6
    ids = {c["id"] for c in marks["counters"]}
    assert "RU_KANT" in ids and "KG_SOUTH_GROUP" in ids
    rects = [r for _, r in view.counter_rects()]
    for i, a in enumerate(rects):
        assert a.collidelist(rects[i + 1:]) < 0
    view.set_state(game.state)


def test_clip_ring():
    import numpy as np
    sq = np.array([[-100, -100], [500, -100], [500, 500], [-100, 500]], float)
    c = clip_ring(sq, 0, 256)
    assert c.min() >= 0 and c.max() <= 256 and len(c) >= 4


def test_draw_and_frame_time_sanity(view):
    surf = pygame.Surface(SIZE)
    view.set_overlay("violence")
    settle(view, surf, 100)
    t = time.perf_counter()
    for i in range(60):
        view.pan(5, 2)
        if i % 10 == 0:
            view.zoom_at((640, 360), 1.05)
        view.draw(surf)
    assert (time.perf_counter() - t) / 60 < 0.1
    view.hovered = view.scenario_regions[0]
    view.draw(surf)
    view.draw_legend(surf, pygame.Rect(10, 10, 260, 200))
    assert view.draw_tooltip(surf, (100, 100)) is not None
    view.resize((800, 600))
    view.draw(surf)


def test_bench_runs():
    from game.ui.map_bench import measure_map_frames
    r = measure_map_frames(size=(640, 360), frames=40)
    assert r["median_ms"] > 0 and r["p99_ms"] >= r["median_ms"] and r["prepare_ms"] > 0


def test_background_work_is_bounded_per_frame(view):
    """Scripted pan/zoom session: each frame runs background units only while within the budget; with a zero
    budget exactly one unit per frame (never more), and the work still completes (tiles, labels)."""
    surf = pygame.Surface(SIZE)
    view.set_overlay("violence")
    view.budget = 0.0
    view.units_log.clear()
    for i in range(240):
        if i < 60:
            view.pan(7, 3)
        elif i < 100:
            view.zoom_at((500, 300), 1.02)
        elif i == 100:
            view.camera.zoom_t = 0.0                    # settled
        elif i < 140:
            view.pan(-4, 0)
        view.draw(surf)
    assert max(view.units_log) == 1
    assert any(n == 1 for n in view.units_log[101:])
    for _ in range(1500):                          # converges one unit at a time
        view.draw(surf)
        if view.units_log[-1] == 0:
            break
    assert view.units_log[-1] == 0
    assert view.labels.scale == view.scale
    assert all(t in view.tiles.layer.tiles and view.tiles.layer.tiles[t][1] == view.tiles.gen
               for t in view.camera.visible_tiles(view.scale))
    view.budget = 0.0007                           # normal budget: units start only within it
    view.pan(1500, 0)                              # past the canvas margin (prefetched tiles): new tiles
    t = time.perf_counter()
    view.draw(surf)
    assert view.units_log[-1] >= 1 and time.perf_counter() - t < 1.0


# ---------------------------------------------------------------- labels baked into the composite
def _live_frame(view, like):
    """The settled frame as drawn with live labels, from the current canvas (no background work)."""
    ref = pygame.Surface(SIZE, 0, like)
    ref.set_clip(view.rect)
    view.canvas.blit(ref)
    view._draw_outline(ref, view.selected, view.pal["selected"], 3)
    if view.hovered != view.selected:
        view._draw_outline(ref, view.hovered, view.pal["hover"], 2)
    view.labels.draw(ref, view.camera)
    view.forces.draw(ref, view.camera)
    return ref


def _bytes(surface, rect=None):
    return pygame.image.tobytes(surface if rect is None else surface.subsurface(rect), "RGB")


def _idle(view, surf):
    settle(view, surf, 5)
    for _ in range(3000):
        view.draw(surf)
        if view.units_log[-1] == 0 and view.labels.scale == view.scale:
            return
    raise AssertionError("background work did not finish")


def _baked(view):
    b = view.composite.baked
    return b is not None and b[0] is view.labels.placed and view.tiles.layer.scale == view.scale


def test_baked_frame_equals_live_frame(view):
    surf = pygame.Surface(SIZE)
    view.set_overlay("violence")
    _idle(view, surf)
    view.draw(surf)
    assert _baked(view)
    baked = _bytes(surf)
    assert baked == _bytes(_live_frame(view, surf))
    view.bake_labels = False                      # the live path itself
    view.draw(surf)
    assert view.composite.surf is None and _bytes(surf) == baked
    view.bake_labels = True
    view.hovered, view.selected = "KG-J", "KG-O"  # outlines: labels stay above them
    view.draw(surf)
    assert _baked(view) and _bytes(surf) == _bytes(_live_frame(view, surf)) != baked


def test_placement_change_updates_composite(view):
    surf = pygame.Surface(SIZE)
    _idle(view, surf)
    placed = view.labels.placed
    shown = [(lb, r) for lb, r in zip(placed, view.labels.rects(view.camera)) if view.rect.contains(r)]
    lb, r = max(shown, key=lambda p: p[1].w * p[1].h)
    tiles_only = pygame.Surface(SIZE, 0, surf)
    view.draw(surf)
    view.canvas.blit(tiles_only)
    with_label = _bytes(surf, r)
    assert with_label != _bytes(tiles_only, r)    # the label's pixels are there
    view.labels.placed = [x for x in placed if x is not lb]
    view.draw(surf)
    assert _baked(view) and _bytes(surf, r) == _bytes(tiles_only, r)     # gone
    view.labels.placed = placed
    view.draw(surf)
    assert _baked(view) and _bytes(surf, r) == with_label                 # back
    view.zoom_at(view.rect.center, 1.3)           # a new zoom: a new layer and placement
    _idle(view, surf)
    view.draw(surf)
    assert view.labels.placed is not placed and _baked(view)
    assert _bytes(surf) == _bytes(_live_frame(view, surf))


def test_pan_across_canvas_recentre_keeps_labels(view):
    surf = pygame.Surface(SIZE)
    view.zoom_at(view.rect.center, 1.5)
    _idle(view, surf)
    scrolls, baked = 0, 0
    for i in range(120):
        view.pan(-23 if i < 60 else 19, 9 if i < 60 else -7)
        xy = (view.canvas.x, view.canvas.y)
        view.draw(surf)
        scrolls += xy != (view.canvas.x, view.canvas.y)
        if _baked(view):
            baked += 1
            assert _bytes(surf) == _bytes(_live_frame(view, surf)), f"frame {i}"
    assert scrolls >= 4 and baked == 120
    for d in (0.5, 0.25, 0.4):                    # sub-pixel pans shift labels, not tiles: baked again
        view.pan(d, -d)
        view.draw(surf)
        assert _baked(view) and _bytes(surf) == _bytes(_live_frame(view, surf))


def test_recoloured_tile_keeps_label_over_it(view, game):
    surf = pygame.Surface(SIZE)
    view.set_overlay("violence")
    _idle(view, surf)
    view.draw(surf)
    baked, placed = view.composite.baked, view.labels.placed
    lb = next(lb for lb in placed if lb.key == "KG-O")
    r = view.labels.rects(view.camera)[placed.index(lb)]
    before = _bytes(surf, r)
    st = game.state.copy()
    i = game.world.r("KG-O")
    st.violence[0, i] = 1.0 - st.violence[0, i]
    view.set_state(st)
    _idle(view, surf)
    view.draw(surf)
    assert view.composite.baked is baked          # kept in step tile by tile, not rebuilt
    assert _bytes(surf, r) != before              # the region under the label was repainted
    assert _bytes(surf) == _bytes(_live_frame(view, surf))
    view.set_state(game.state)


def test_released_composite_is_rebuilt_the_same(view):
    """A map whose screen is covered frees its label composite (memory); the next frame rebuilds it."""
    surf = pygame.Surface(SIZE)
    _idle(view, surf)
    view.draw(surf)
    assert _baked(view)
    before = _bytes(surf)
    view.release()
    assert view.composite.surf is None and view.composite.baked is None
    view.draw(surf)
    assert _baked(view) and view.composite.surf is not None and _bytes(surf) == before
