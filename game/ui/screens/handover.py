"""The hot-seat hand-over: hides the game until the next player takes the seat."""
from __future__ import annotations

import pygame

from game.ui import widgets
from game.ui.screens.base import Screen
from game.ui.widgets import px


class HandoverScreen(Screen):
    name = "handover"

    def build(self) -> None:
        W, H = self.app.size
        bw = px(280)
        self.button(((W - bw) // 2, int(H * 0.58), bw, px(54)), "Take the seat", self.take, oid="take_seat",
                    cls="primary", tip="Show the map and the panels to this player (Enter)")

    def draw(self, surface) -> None:
        W, H = self.app.size
        pal = self.app.palette
        s = self.app.session
        g = s.game
        actor = g.world.actor(s.actor)
        colour = widgets.hex_colour(actor.colour, pal.accent)
        cy = int(H * 0.3)
        widgets.text(surface, f"TURN {g.turn}  ·  {widgets.pretty_date(g.date.isoformat()).upper()}", (W // 2, cy),
                     14, pal.accent, bold=True, anchor="midtop")
        widgets.text(surface, "Pass the screen to", (W // 2, cy + px(40)), 20, pal.muted, anchor="midtop")
        r = widgets.text(surface, actor.name, (W // 2, cy + px(72)), 46, pal.text, bold=True, anchor="midtop",
                         max_width=W - px(64))
        pygame.draw.rect(surface, colour, (r.x, r.bottom + px(6), r.w, px(4)))
        others = [g.world.name(a) for a in s.seats if a != s.actor]
        widgets.text(surface, f"The other players ({', '.join(others)}) should look away.",
                     (W // 2, r.bottom + px(30)), 15, pal.muted, anchor="midtop")
        if s.instructor:
            widgets.text(surface, "Instructor: F9 console  ·  F8 the public view for the projector",
                         (W // 2, int(H * 0.58) + px(74)), 14, pal.muted, anchor="midtop")

    def take(self) -> None:
        self.app.pop()

    def handle_event(self, event) -> None:
        if event.type != pygame.KEYDOWN:
            return
        if event.key in (pygame.K_RETURN, pygame.K_SPACE):
            self.take()
        elif event.key in (pygame.K_F8, pygame.K_F9) and self.app.session.instructor:
            gs = self.app.find_screen("game")     # the instructor acts between two seats, too
            if event.key == pygame.K_F9:
                gs.instructor()
            else:
                self.app.pop()
                gs.toggle_public()
