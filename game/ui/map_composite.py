"""The composite: a copy of the canvas with the placed labels baked in, so a settled frame is one blit and
no label blending. The canvas reports each write; the composite copies the changed rect and draws the labels
over it again, clipped to it. Valid only while the labels were placed at the canvas layer's scale."""
from __future__ import annotations

import pygame

from game.ui.map_labels import blit_within
from game.ui.map_raster import subtract


class Composite:
    """``baked`` is what the pixels show: (placement list, canvas surface, canvas layer, sub-pixel phase), or
    None when they are not kept up to date. ``xy`` are the blit items' positions in layer pixels."""

    def __init__(self, camera, canvas, labels):
        self.camera, self.canvas, self.labels = camera, canvas, labels
        self.surf: pygame.Surface | None = None
        self.baked = None
        self.items = self.xy = self.size = None

    def _phase(self, scale: float) -> tuple[float, float]:
        """Where the view's origin falls within a layer pixel: label positions depend on it, tiles do not."""
        ox, oy = self.camera.origin
        return ox * scale - round(ox * scale), oy * scale - round(oy * scale)

    def _fits(self) -> bool:
        """The surface matches the canvas's size and pixel format."""
        a, b = self.surf, self.canvas.surf
        return a is not None and b is not None and a.get_size() == b.get_size() and a.get_masks() == b.get_masks() \
            and a.get_bitsize() == b.get_bitsize()

    # ---------------------------------------------------------------- the canvas's writes
    def reset(self) -> None:
        """The canvas was staged (new layer, surface or size): invalid; freed unless it still fits."""
        self.baked = None
        if not self._fits():
            self.surf = None

    def drop(self) -> None:
        """Not in use: invalid and freed."""
        self.baked = self.surf = None

    def touch(self, rect: pygame.Rect) -> None:
        """Canvas pixels in rect (canvas coordinates) changed: copy them, labels over them again."""
        if self.baked is None:
            return
        cv, surf = self.canvas, self.surf
        surf.blit(cv.surf, rect.topleft, rect)
        surf.set_clip(rect)
        blit_within(surf, self.items, self.xy - (cv.x, cv.y), self.size, rect)
        surf.set_clip(None)

    def scroll(self, dx: int, dy: int) -> None:
        """The canvas content moved by (dx, dy): the same here; the uncovered strips are copied afresh."""
        if self.baked is None:
            return
        self.surf.scroll(dx, dy)
        full = self.surf.get_rect()
        kept = full.clip(full.move(dx, dy))
        for r in subtract(full, kept) if kept.w and kept.h else [full]:
            self.touch(r)

    # ---------------------------------------------------------------- frames
    def sync(self) -> bool:
        """True when the composite can stand in for canvas + labels this (settled) frame; rebuilt first
        (the whole canvas, every label) when the placement, the canvas or the sub-pixel phase changed."""
        cv, labels, cam = self.canvas, self.labels, self.camera
        L = cv.layer.scale
        if labels.scale != L or cam.scale != L:
            self.baked = None
            return False
        phase = self._phase(L)
        b = self.baked
        if (b is not None and b[0] is labels.placed and b[1] is cv.surf and b[2] is cv.layer
                and abs(b[3][0] - phase[0]) < 1e-6 and abs(b[3][1] - phase[1]) < 1e-6):
            return True
        if not self._fits():
            self.surf = pygame.Surface(cv.surf.get_size(), 0, cv.surf)
        self.items, xy, self.size = labels.positions(cam)
        vx, vy = cam.view_px(L)
        self.xy = xy + (vx - cam.rect.x, vy - cam.rect.y)     # screen -> layer pixels
        self.baked = (labels.placed, cv.surf, cv.layer, phase)
        self.touch(self.surf.get_rect())
        return True

    def blit(self, surface) -> None:
        """A settled frame: the view's part of the composite."""
        self.canvas.blit(surface, self.surf)
