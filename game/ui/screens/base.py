"""The Screen base class: enter / exit / build / handle_event / update / draw.

A screen builds all its pygame_gui elements inside one root panel, registers a
callback per element (``self.on(element, fn)``) and the app routes each UI event to
the screen that owns the element. No screen runs a loop of its own.
"""
from __future__ import annotations

import pygame
import pygame_gui
from pygame_gui.core import ObjectID, UIContainer
from pygame_gui.elements import UIButton, UILabel, UIPanel

from game.ui.widgets import fit, px


class Screen:
    name = "screen"
    transparent = False      # True: the screen below stays visible (dialogs)

    def __init__(self, app):
        self.app = app
        self.root: UIPanel | None = None
        self.handlers: dict = {}
        self.depth = 0
        self.backdrop: pygame.Surface | None = None   # dialogs: a dimmed picture of the screen below

    # --- life cycle ------------------------------------------------------------------
    def enter(self) -> None:
        self.build_root()

    def exit(self) -> None:
        self.clear()

    def build_root(self) -> None:
        self.clear()
        w, h = self.app.size
        rect = pygame.Rect(0, 0, w, h)
        if self.transparent:
            # a dialog: the screen below is drawn once, dimmed, as a picture (its widgets are hidden, so
            # they take no clicks); a full-window scrim panel cost four window-sized surfaces
            self.backdrop = self.app.render_below(self)
        # a bare container: clicks outside widgets reach handle_event (the map)
        self.root = UIContainer(rect, manager=self.app.manager, starting_height=1 + 60 * self.depth,
                                object_id=ObjectID("#scrim" if self.transparent else "#screen_root", None))
        self.build()

    def build(self) -> None:
        """Create the widgets (called on enter and whenever the layout changes)."""

    def clear(self) -> None:
        if self.root is not None:
            self.root.kill()
        self.root = None
        self.backdrop = None
        self.handlers.clear()

    def owns(self, element) -> bool:
        return element in self.handlers

    def on_ui(self, event) -> None:
        fn = self.handlers.get(event.ui_element)
        if fn is not None:
            fn()

    def set_visible(self, visible: bool) -> None:
        if self.root is not None:
            (self.root.show if visible else self.root.hide)()

    # --- per frame -------------------------------------------------------------------
    def handle_event(self, event) -> None:
        """Events pygame_gui did not consume (keys, clicks on the map...)."""

    def update(self, dt: float) -> None:
        pass

    def draw(self, surface: pygame.Surface) -> None:
        """Custom drawing under the widgets."""

    def draw_over(self, surface: pygame.Surface) -> None:
        """Custom drawing over the widgets (map tooltips)."""

    # --- widget helpers --------------------------------------------------------------
    def on(self, element, fn):
        self.handlers[element] = fn
        return element

    def button(self, rect, label, fn, *, tip=None, cls=None, oid=None, container=None, enabled=True):
        b = UIButton(pygame.Rect(rect), label, manager=self.app.manager, container=container or self.root,
                     tool_tip_text=tip, object_id=ObjectID(oid and f"#{oid}", cls and f"@{cls}"))
        if _fit_text(b, label) and not tip:
            b.set_tooltip(label)          # the whole text of a shortened label
        b.full_text = label
        if not enabled:
            b.disable()
        return self.on(b, fn)

    def label(self, rect, s, cls=None, container=None, oid=None):
        el = UILabel(pygame.Rect(rect), s, manager=self.app.manager, container=container or self.root,
                     object_id=ObjectID(oid and f"#{oid}", cls and f"@{cls}"))
        _fit_text(el, s)
        el.full_text = s
        return el

    def find(self, object_id: str):
        """The element of this screen whose object id ends with ``#object_id``."""
        for el in self.handlers:
            if el.get_object_ids() and el.get_object_ids()[-1] == f"#{object_id}":
                return el
        return None


def _fit_text(el, s) -> bool:
    """Cut a button's or label's text that is wider than the element with an ellipsis; True if cut."""
    fnt = getattr(el, "font", None)
    if fnt is None or not s:
        return False
    side = getattr(el, "text_horiz_alignment", "center") in ("left", "right")     # centred text has no padding
    pad = (int(getattr(el, "text_horiz_alignment_padding", 0) or 0) if side else 0) + 2
    room = el.rect.w - 2 * pad
    if fnt.size(str(s))[0] <= room:
        return False
    el.set_text(fit(str(s), fnt, room))
    return True


def centered(app, w, h):
    W, H = app.size
    return pygame.Rect((W - w) // 2, (H - h) // 2, w, h)


__all__ = ["Screen", "px", "pygame_gui", "centered"]
