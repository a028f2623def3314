"""Interactive map component: the façade over the map's parts (camera, scene colours, tiles, canvas,
background work, labels, forces), plus hover, selection and input.

Rendering: polygons are rasterised into TILE-px tiles at the current zoom ("detail layer", map_tiles) and at
one fixed low zoom ("overview layer", one picture). Finished tiles are copied into the canvas (map_canvas).
Labels are placed per zoom (map_labels); once placed at the canvas layer's scale they are baked into the
composite (map_composite: the canvas plus labels, kept in step with every canvas write), so a settled frame is
one blit of the composite, then forces on top; hover/selection outlines redo the canvas + outline + live
labels path inside their box only, so labels stay above them. Otherwise (labels placed for another zoom, or
the outlines cover much of the view) a settled frame is the canvas blit plus labels blended live. While
zooming, the canvas is scaled straight into the target (labels drawn live) until the zoom has been still for
SETTLE seconds; then a new detail layer starts, with that scaled picture as its stand-in. Recolouring (new
state, overlay, palette) marks only the tiles touching changed regions stale; stale tiles stay on screen
until replaced. Tiles and label placement are rendered in small time-budgeted units per frame
(map_background); ``units_log`` records the units per frame.
"""
from __future__ import annotations

import math
import time

import numpy as np
import pygame

from game.gazetteer import places
from game.ui import map_style as st
from game.ui.map_background import Background
from game.ui.map_camera import Camera
from game.ui.map_canvas import Canvas
from game.ui.map_composite import Composite
from game.ui.map_data import MapData, load_map_data
from game.ui.map_forces import Forces
from game.ui.map_labels import Labels
from game.ui.map_scene import OVERLAYS, MapScene
from game.ui.map_tiles import TileStore

# Names this module has always offered, now defined in the parts.
from game.ui.map_background import BUDGET  # noqa: E402,F401
from game.ui.map_labels import LABELS_PER_UNIT, Label  # noqa: E402,F401
from game.ui.map_raster import TILE, clip_ring  # noqa: E402,F401
from game.ui.map_style import strength_text  # noqa: E402,F401
from game.ui.map_tiles import LINES_PER_UNIT, MAX_TILES, SETTLE  # noqa: E402,F401


class MapView:
    """The game map. The owner sets ``rect`` (screen placement), calls bind/set_state, forwards events, draws."""

    def __init__(self, size: tuple[int, int], map_data: MapData | None = None, *, palette: dict | None = None,
                 font=None):
        self.data = map_data or load_map_data()
        self.font_path = font if isinstance(font, str) else None
        self.places = dict(places())
        self.hovered: str | None = None
        self.selected: str | None = None
        self._mouse: tuple[int, int] | None = None
        self._drag: tuple[int, int] | None = None
        self._dragged = False
        self.camera = Camera(size, self.data.bounds)
        self.scene = MapScene(self.data, palette)
        self.tiles = TileStore(self.data, self.scene, self.camera)
        self.canvas = Canvas(self.camera, self.tiles)
        self.labels = Labels(self.scene, self.places, self.font_path)
        self.forces = Forces(self.scene, self.places, self.font_path)
        self.background = Background(self.camera, self.tiles, self.canvas, self.labels)
        self.composite = Composite(self.camera, self.canvas, self.labels)
        self.canvas.watcher = self.composite
        self.bake_labels = True                 # False: labels blended live every frame (no composite)
        self._recolour()
        self.resize(size)
        self.fit(None)

    # ---------------------------------------------------------------- the parts' state, by its old names
    rect = property(lambda self: self.camera.rect, lambda self, r: setattr(self.camera, "rect", pygame.Rect(r)))
    scale = property(lambda self: self.camera.scale)
    origin = property(lambda self: self.camera.origin)
    min_scale = property(lambda self: self.camera.min_scale)
    max_scale = property(lambda self: self.camera.max_scale)
    world = property(lambda self: self.scene.world)
    state = property(lambda self: self.scene.state)
    scenario_regions = property(lambda self: self.scene.regions)
    overlay = property(lambda self: self.scene.overlay)
    pal = property(lambda self: self.scene.pal)
    palette_name = property(lambda self: self.scene.palette_name)
    units_log = property(lambda self: self.background.units_log)
    budget = property(lambda self: self.background.budget,
                      lambda self, v: setattr(self.background, "budget", v))

    # ---------------------------------------------------------------- binding and state
    def bind(self, world) -> None:
        """Use a game World: scenario regions are highlighted, the rest drawn muted as context."""
        self.scene.bind(world)
        self.labels.scale = None
        self._recolour(full=True)

    def set_state(self, state) -> None:
        """New game state (after a turn or action): recolours changed regions, moves force counters."""
        self.scene.state = state
        self._recolour()
        self.forces.build()

    def set_overlay(self, name: str) -> None:
        if name not in OVERLAYS:
            raise ValueError(f"unknown overlay {name!r}; one of {OVERLAYS}")
        if name != self.scene.overlay:
            self.scene.overlay = name
            self._recolour()

    def set_palette(self, name: str) -> None:
        """'default' or 'colorblind'."""
        self.scene.set_palette(name)
        self.labels.restyle()
        self._recolour(full=True)
        self.forces.build()

    def _recolour(self, full: bool = False) -> None:
        """Recompute fills; tiles touching changed regions (all when full) become stale."""
        changed = self.scene.update()
        if changed or full:
            feats = self.data.features
            self.tiles.invalidate(None if full or len(changed) > 40 else [feats[k].bbox for k in changed])

    # ---------------------------------------------------------------- colours and legend
    def actor_colour(self, a: int) -> tuple:
        return self.scene.actor_colour(a)

    def region_value(self, rid: str) -> float | None:
        """The current overlay's raw value for a scenario region (None without state)."""
        return self.scene.values.get(rid)

    def legend(self) -> dict:
        """{'title', 'stops': [rgb...], 'labels': [(t, text)], 'items': [{'colour', 'label', 'hatch'}]}."""
        return self.scene.legend()

    def draw_legend(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        st.draw_legend(surface, pygame.Rect(rect), self.legend(), self.pal, self.font_path)

    # ---------------------------------------------------------------- camera
    def resize(self, size: tuple[int, int]) -> None:
        self.camera.resize(size, keep_centre=self.tiles.layer is not None)
        self.labels.scale = None

    def screen_to_world(self, pos) -> tuple[float, float]:
        return self.camera.screen_to_world(pos)

    def world_to_screen(self, x: float, y: float) -> tuple[float, float]:
        return self.camera.world_to_screen(x, y)

    def lonlat_to_screen(self, lon: float, lat: float) -> tuple[float, float]:
        return self.camera.lonlat_to_screen(lon, lat)

    def pan(self, dx: float, dy: float) -> None:
        """Move the map content by (dx, dy) screen pixels."""
        self.camera.pan(dx, dy)

    def zoom_at(self, screen_pos, factor: float) -> None:
        """Zoom by factor keeping the world point under screen_pos fixed (unless clamped)."""
        self.camera.zoom_at(screen_pos, factor)

    def fit(self, region_ids=None) -> None:
        """Frame the given regions (default: the scenario's regions, else the whole map)."""
        ids = [r for r in (region_ids or self.scenario_regions) if r in self.data.features]
        self.camera.fit_features(self.data.features, ids)

    # ---------------------------------------------------------------- input, hover and tooltip
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
        return [f"{f.name} ({rid})", country] + self.scene.overlay_lines(rid)

    def draw_tooltip(self, surface: pygame.Surface, mouse_pos) -> pygame.Rect | None:
        return st.draw_tooltip(surface, mouse_pos, self.tooltip_text(), self.pal, self.font_path)

    # ---------------------------------------------------------------- labels and forces
    def _place_labels(self) -> None:
        """Place all labels at the current scale now (any placement in progress is dropped)."""
        self.background.label_job = None
        self.labels.place_now(self.scale)

    def label_rects(self) -> list[pygame.Rect]:
        """Screen rects of the placed labels (at the placement zoom)."""
        self._place_labels()
        return self.labels.rects(self.camera)

    def force_marks(self) -> dict:
        """{'counters': [...], 'arrows': [...]} with world coordinates (for tests and tooltips)."""
        return {"counters": list(self.forces.counters), "arrows": list(self.forces.arrows)}

    def counter_rects(self) -> list[tuple[str, pygame.Rect]]:
        """Screen rects of the force counters."""
        return self.forces.rects(self.camera)

    # ---------------------------------------------------------------- drawing
    def release(self) -> None:
        """Free what only a map on screen needs (the label composite); the next draw rebuilds it."""
        self.composite.drop()

    def draw(self, surface: pygame.Surface) -> None:
        """Draw the map, overlays, labels and forces into surface at self.rect."""
        cam, canvas = self.camera, self.canvas
        if self.tiles.ensure_layers(time.perf_counter()):
            self.background.new_layer()
        clip = surface.get_clip()
        surface.set_clip(cam.rect)
        layer = self.tiles.layer
        if self.labels.scale is None:           # first placement (bind, palette, resize): at once
            self._place_labels()
        outlined = self._outline_area()
        baked = False
        if layer.scale == cam.scale:            # settled: the canvas, topped up by background work
            if canvas.needs_stage():
                drawn = canvas.stage(surface)
            else:
                drawn = False
                canvas.follow()
            units = 0 if drawn else self.background.run(True)   # the staging frame did its share
            if not drawn:
                canvas.fill_gaps(cam.visible_range(layer.scale))
                if not self.bake_labels:
                    self.composite.drop()
                elif outlined is None or outlined.w * outlined.h * 2 < cam.rect.w * cam.rect.h:
                    baked = self.composite.sync()
                (self.composite if baked else canvas).blit(surface)
        else:                                   # zooming: the last picture scaled
            units = self.background.run(False)
            canvas.draw_moving(surface)
        self.background.log(units)
        if baked and outlined is not None:      # under the outlines: canvas, outlines, labels, as when live
            surface.set_clip(outlined)
            canvas.blit(surface)
        self._draw_outline(surface, self.selected, self.pal["selected"], 3)
        if self.hovered != self.selected:
            self._draw_outline(surface, self.hovered, self.pal["hover"], 2)
        if not baked:
            self.labels.draw(surface, cam)
        elif outlined is not None:
            self.labels.draw(surface, cam, outlined)
            surface.set_clip(cam.rect)
        self.forces.draw(surface, cam)
        surface.set_clip(clip)

    def _outline_area(self) -> pygame.Rect | None:
        """The part of the view the hover/selection outlines may touch (None: no outline there)."""
        cam = self.camera
        s = cam.scale
        ox, oy = round(cam.origin[0] * s) - cam.rect.x, round(cam.origin[1] * s) - cam.rect.y
        area = None
        for rid, width in ((self.selected, 3), (self.hovered, 2)):
            if rid is None or rid not in self.data.features:
                continue
            x0, y0, x1, y1 = self.data.features[rid].bbox
            r = pygame.Rect(math.floor(x0 * s) - ox, math.floor(y0 * s) - oy, 0, 0)
            r.size = math.ceil(x1 * s) - ox - r.x + 1, math.ceil(y1 * s) - oy - r.y + 1
            r.inflate_ip(2 * width + 4, 2 * width + 4)
            area = r if area is None else area.union(r)
        area = area and area.clip(cam.rect)
        return area if area else None

    def _draw_outline(self, surface, rid, colour, width) -> None:
        if rid is None or rid not in self.data.features:
            return
        cam = self.camera
        off = np.array([round(cam.origin[0] * cam.scale) - cam.rect.x,
                        round(cam.origin[1] * cam.scale) - cam.rect.y], np.int32)
        for pts in self.tiles.geo.at(cam.scale).feature(rid):
            if len(pts) >= 3:
                pygame.draw.lines(surface, colour, True, (pts - off).tolist(), width)
