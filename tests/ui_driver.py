"""Drive the real UI headless with posted mouse and key events (shared by the UI tests)."""
from __future__ import annotations

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import pygame  # noqa: E402


class Driver:
    def __init__(self, size=(1280, 720), scale: float = 1.0):
        from game.ui.app import App
        from game.ui.screens.title import TitleScreen
        from game.ui.settings import Settings
        self.app = App(size, settings=Settings(ui_scale=scale), persist=False)
        self.app.push(TitleScreen(self.app))
        self.frames(2)

    def frames(self, n: int = 1) -> None:
        for _ in range(n):
            self.app.step(1 / 60)

    @property
    def screen(self):
        return self.app.top

    def element(self, object_id: str):
        for s in reversed(self.app.stack):
            el = s.find(object_id)
            if el is not None:
                return el
        raise AssertionError(f"no element #{object_id} on {[s.name for s in self.app.stack]}")

    def click_at(self, pos, button=1) -> None:
        pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(0, 0, 0)))
        pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=button))
        pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=button))
        self.frames(2)

    def click(self, object_id: str) -> None:
        el = self.element(object_id)
        assert el.visible, f"#{object_id} is hidden"
        self.scroll_into_view(el)
        self.click_at(el.rect.center)

    def scroll_into_view(self, el) -> None:
        """If ``el`` is in a scrolling container and out of its view, scroll (as a player would) until it shows."""
        from pygame_gui.elements import UIScrollingContainer
        box = next((c for c in self.app.manager.get_sprite_group().sprites()
                    if isinstance(c, UIScrollingContainer) and c.scrollable_container is el.ui_container), None)
        bar = getattr(box, "vert_scroll_bar", None)
        if box is None or bar is None or box.rect.contains(el.rect):
            return
        down = el.rect.bottom > box.rect.bottom
        for i in range(1, 41):                   # the scroll bar, a step at a time (as dragging it would)
            bar.set_scroll_from_start_percentage(min(1.0, i / 40) if down else max(0.0, 1 - i / 40))
            self.frames(1)
            if box.rect.contains(el.rect):
                break
        assert box.rect.contains(el.rect), "could not scroll the element into view"

    def key(self, key: int, mod: int = 0) -> None:
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, mod=mod, unicode="", scancode=0))
        pygame.event.post(pygame.event.Event(pygame.KEYUP, key=key, mod=mod, unicode="", scancode=0))
        self.frames(2)

    def start(self, scenario_id: str, humans: list[str], instructor: bool = False) -> None:
        """title → browser → pick the scenario → roles (and the instructor's seat) → game, all by clicks."""
        self.click("new_game")
        assert self.screen.name == "browser"
        self.click(f"scenario_{scenario_id}")
        self.click("choose_roles")
        assert self.screen.name == "roles"
        roles = self.screen
        for aid in list(roles.humans):
            if aid not in humans:
                self.click(f"seat_{aid}")
        for aid in humans:
            if aid not in roles.humans:
                self.click(f"seat_{aid}")
        assert roles.humans == set(humans)
        if instructor:
            self.click("seat_INSTRUCTOR")
            assert roles.instructor
        self.click("start")

    def drawn(self, draw=None) -> str:
        """The text drawn by the next frame (or by calling ``draw()``), as one string."""
        import game.ui.widgets as widgets
        widgets.TEXT_LOG = []
        try:
            (draw or (lambda: self.frames(1)))()
            return " ".join(widgets.TEXT_LOG)
        finally:
            widgets.TEXT_LOG = None

    def end_turn(self, key: int | None = pygame.K_RETURN) -> list[str]:
        """End the seat's turn with ``key`` (None: the End turn button). If the game asks about decisions
        left open, end anyway; returns the titles it listed."""
        if key is None:
            self.click("end_turn")
        else:
            self.key(key)
        asked = []
        if self.screen.name == "end_turn_confirm":
            asked = [it.title for it in self.screen.items]
            self.click("end_anyway")
        return asked
