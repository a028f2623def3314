"""The Council tab: the rendered council picture (see council.render_council) in a scrolling container."""
from __future__ import annotations

import pygame
from pygame_gui.core import ObjectID
from pygame_gui.elements import UIImage, UIScrollingContainer

from game.engine.views import draft_cap, pending_sessions, seat_vote
from game.ui.screens.council import render_council
from game.ui.widgets import px


class CouncilPanel:
    """Rebuilt when ``dirty``; the picture is re-rendered only when what it shows changed."""

    def __init__(self, screen):
        self.screen = screen
        self.dirty = True
        self._cache = None       # (key, surface)

    def invalidate(self) -> None:
        """The game changed: render the picture afresh at the next build."""
        self._cache = None
        self.dirty = True

    def _key(self, width: int) -> tuple:
        s = self.screen
        g = s.game
        st, w = s.state, s.world
        pending = tuple(pending_sessions(w, st))
        return (g.turn, len(g.decisions()), pending,
                tuple(seat_vote(st, s.session.actor, p.body) for p in pending),
                tuple(draft_cap(w, st, b) for b in w.org_ids), s.session.actor, width)

    def build(self, rect: pygame.Rect):
        """A scrolling container in ``rect`` holding the picture; returns the container."""
        s = self.screen
        self.dirty = False
        sc = UIScrollingContainer(pygame.Rect(rect), manager=s.app.manager, container=s.root,
                                  allow_scroll_x=False, object_id=ObjectID("#council", None))
        key = self._key(rect.w)
        if self._cache is None or self._cache[0] != key:
            self._cache = (key, render_council(s.game, s.app.palette, rect.w - px(20), s.session.actor))
        img = self._cache[1]
        UIImage(pygame.Rect(0, 0, img.get_width(), img.get_height()), img, manager=s.app.manager, container=sc,
                object_id=ObjectID("#council_image", None))
        sc.set_scrollable_area_dimensions((rect.w - px(20), max(img.get_height(), rect.h - 4)))
        return sc
