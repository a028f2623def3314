"""A virtualised list in a scrolling container: rows are planned up front, but only those near the
view are real pygame_gui widgets (a full actions list made ~120 elements, a dozen surfaces each)."""
from __future__ import annotations

import pygame
from pygame_gui.core import ObjectID
from pygame_gui.elements import UIScrollingContainer


class PlannedRow:
    """A button or label of the list, made into a widget only while it is near the view."""

    def __init__(self, kind: str, args: tuple, kwargs: dict):
        self.kind, self.args, self.kwargs = kind, args, kwargs
        self.rect = pygame.Rect(args[0])
        self.selected = False
        self.menu_item = None       # the engine menu item an action button submits

    def select(self) -> None:
        self.selected = True


class VirtualList:
    """The rows of one scrolling container; widgets are made and registered through ``screen``."""

    def __init__(self, screen):
        self.screen = screen
        self.container = None
        self.rows: list[PlannedRow] = []
        self.live: dict[int, object] = {}
        self.range = (0, -1)

    def start(self, container) -> None:
        """Plan a new list in ``container`` (the previous rows are dropped)."""
        self.container, self.rows, self.live = container, [], {}

    def forget(self) -> None:
        """The container was destroyed: its widgets went with it."""
        self.live = {}

    def button(self, rect, label, fn, **kw) -> PlannedRow:
        p = PlannedRow("button", (rect, label, fn), dict(kw, container=self.container))
        self.rows.append(p)
        return p

    def label(self, rect, s, cls=None, oid=None) -> PlannedRow:
        p = PlannedRow("label", (rect, s), {"cls": cls, "container": self.container, "oid": oid})
        self.rows.append(p)
        return p

    def scroll_offset(self) -> int:
        inner = getattr(self.container, "scrollable_container", None)
        return max(0, -inner.relative_rect.top) if inner is not None else 0

    def scroll_to(self, y: int) -> None:
        """Scroll so that content row ``y`` is near the top."""
        sc = self.container
        bar = getattr(sc, "vert_scroll_bar", None)
        if bar is None or not getattr(sc, "scrolling_height", 0):
            return
        bar.set_scroll_from_start_percentage(max(0.0, min(1.0, y / sc.scrolling_height)))

    def materialise(self, view: int, force: bool = False) -> None:
        """Make the rows in view (and half a ``view`` height either side); destroy those far out of it."""
        if self.container is None or not self.container.alive():
            return
        off = self.scroll_offset()
        lo, hi = self.range
        if not force and lo <= off and off + view <= hi:
            return
        lo, hi = off - view // 2, off + view + view // 2
        self.range = (lo, hi)
        s = self.screen
        for i, p in enumerate(self.rows):
            inside = p.rect.bottom >= lo and p.rect.top <= hi
            el = self.live.get(i)
            if inside and el is None:
                if p.kind == "button":
                    el = s.button(*p.args, **p.kwargs)
                    if p.selected:
                        el.select()
                    if p.menu_item is not None:
                        el.menu_item = p.menu_item
                else:
                    el = s.label(*p.args, **p.kwargs)
                self.live[i] = el
            elif not inside and el is not None:
                el.kill()
                s.handlers.pop(el, None)
                del self.live[i]


class ListPanel:
    """A side-panel tab whose rows live in a ``VirtualList``: built into a scrolling container by
    ``build(rect)`` when ``dirty``; only the rows near the view are widgets (``materialise``)."""

    framing, force = "internal_unrest", None      # a seat's request framing and picked force (the Actions tab's)

    def __init__(self, screen):
        self.screen = screen
        self.list = VirtualList(screen)
        self.rect = pygame.Rect(0, 0, 0, 0)
        self.dirty = True

    @property
    def rows(self):
        return self.list.rows

    def container(self, rect: pygame.Rect, object_id: str):
        """A fresh scrolling container in ``rect`` that the list plans its rows in."""
        s = self.screen
        self.rect, self.dirty = rect, False
        sc = UIScrollingContainer(pygame.Rect(rect), manager=s.app.manager, container=s.root,
                                  allow_scroll_x=False, object_id=ObjectID(object_id, None))
        self.list.start(sc)
        return sc

    def materialise(self, force: bool = False) -> None:
        self.list.materialise(self.rect.h, force)
