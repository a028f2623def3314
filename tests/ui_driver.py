"""Drive the real UI headless with posted mouse and key events (shared by the UI tests)."""
from __future__ import annotations

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import pygame  # noqa: E402


class Driver:
    def __init__(self, size=(1280, 720)):
        from game.ui.app import App
        from game.ui.screens.title import TitleScreen
        from game.ui.settings import Settings
        self.app = App(size, settings=Settings(), persist=False)
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
        self.click_at(el.rect.center)

    def key(self, key: int, mod: int = 0) -> None:
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, mod=mod, unicode="", scancode=0))
        pygame.event.post(pygame.event.Event(pygame.KEYUP, key=key, mod=mod, unicode="", scancode=0))
        self.frames(2)

    def start(self, scenario_id: str, humans: list[str]) -> None:
        """title → browser → pick the scenario → roles → game, all by clicks."""
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
        self.click("start")
