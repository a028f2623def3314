"""Role selection: each actor is played by a person or by the computer.

Two or more people make a hot-seat game of simultaneous turns at the same screen. A scenario that
offers a classroom pace (``teaching.classroom_pace``) can be started at it: fewer, longer turns.
"""
from __future__ import annotations

import dataclasses

import pygame
from pygame_gui.core import ObjectID
from pygame_gui.elements import UIPanel, UIScrollingContainer, UITextEntryLine

from game.scenario.pace import CLASSROOM, NORMAL, calendar_words, classroom_pace, turns_at, with_pace
from game.ui import widgets
from game.ui.screens.base import Screen
from game.ui.screens.browser import KIND
from game.ui.widgets import px


class RolesScreen(Screen):
    name = "roles"

    def __init__(self, app, loaded, ref: str):
        super().__init__(app)
        self.loaded, self.ref = loaded, ref
        sc = loaded.scenario
        first = next((a.id for a in sc.actors if a.playable and a.kind == "government"),
                     next((a.id for a in sc.actors if a.playable), None))
        self.humans: set[str] = {first} if first else set()
        self.instructor = False          # the instructor's (white cell's) seat: plays no state
        self.pace = NORMAL               # or CLASSROOM, when the scenario offers a classroom pace
        self.seed = new_seed()
        self.seed_entry = None

    def build(self) -> None:
        W, H = self.app.size
        sc = self.loaded.scenario
        m = px(32)
        paced = classroom_pace(sc) is not None
        self.label((m, px(20), W - 2 * m - (px(440) if paced else 0), px(54)), "Who plays whom?", "h1")
        if paced:
            self.pace_button(pygame.Rect(W - m - px(420), px(18), px(420), px(44)))
        self.label((m, px(70), W - 2 * m, px(24)),
                   f"{sc.title}. Click an actor to switch it between a person and the computer. "
                   "Two or more people share this screen; each seat's orders stay private until the turn "
                   "resolves.", "muted")
        top, bottom = px(108), H - px(84)
        box = pygame.Rect(m, top, W - 2 * m, bottom - top)
        cont = UIScrollingContainer(box, manager=self.app.manager, container=self.root, allow_scroll_x=False)
        cols = 2 if box.w > px(1000) else 1
        cw = (box.w - px(20) - (cols - 1) * px(16)) // cols
        rh = px(92)
        actors = list(sc.actors) + [INSTRUCTOR_ROLE]
        for i, a in enumerate(actors):
            col, row = i % cols, i // cols
            x, y = col * (cw + px(16)), row * (rh + px(12))
            card = UIPanel(pygame.Rect(x, y, cw, rh), manager=self.app.manager, container=cont,
                           object_id=ObjectID(None, "@card"))
            human = a.id in self.humans or (a is INSTRUCTOR_ROLE and self.instructor)
            bw = px(150)
            name = widgets.fit(a.name, widgets.font(15, True), cw - bw - px(60))
            self.label((px(22), px(10), cw - bw - px(50), px(28)), name, "h3", container=card)
            self.label((px(22), px(36), cw - bw - px(50), px(22)), KIND.get(a.kind, a.kind), "muted", container=card)
            desc = widgets.fit(" ".join(str(a.description or "").split()), widgets.font(13), cw - bw - px(60))
            self.label((px(22), px(58), cw - bw - px(50), px(22)), desc, "muted", container=card)
            if a is INSTRUCTOR_ROLE:
                self.button((cw - bw - px(18), (rh - px(42)) // 2, bw, px(42)), "Person" if human else "Nobody",
                            self.toggle_instructor, cls="human" if human else "ai", oid="seat_INSTRUCTOR",
                            container=card, tip="An instructor (white cell) sits at the game: F9 opens the console to pause, watch "
                                "every seat, inject events or news and adjust a region's figures. Every change is "
                                "logged and shown in the debrief and the report.")
            elif a.playable:
                text = "Person" if human else "Computer"
                tip = (f"{a.name} is played by a person. Click to give it to the computer."
                       if human else f"{a.name} is played by the computer. Click to play it yourself.")
                if a.description:
                    tip += "\n\n" + " ".join(str(a.description).split())
                self.button((cw - bw - px(18), (rh - px(42)) // 2, bw, px(42)), text,
                            (lambda aid=a.id: self.toggle(aid)), tip=tip, cls="human" if human else "ai",
                            oid=f"seat_{a.id}", container=card)
            else:
                self.label((cw - bw - px(18), (rh - px(30)) // 2, bw, px(30)), "Computer only", "muted", container=card)
        rows = -(-len(actors) // cols)
        cont.set_scrollable_area_dimensions((box.w - px(20), max(rows * (rh + px(12)), box.h - 4)))
        self.button((m, H - px(66), px(140), px(46)), "Back", self.app.pop, oid="back", tip="Back to the scenarios (Esc)")
        n = len(self.humans)
        note = ("Nobody is played by a person: choose at least one actor." if n == 0 else
                f"{n} people at this screen, in simultaneous turns." if n > 1 else
                f"You play {', '.join(sc_name(sc, h) for h in sorted(self.humans))}.")
        sx = W - m - px(240) - px(24) - px(300)          # the seed, left of Start
        if self.instructor and n:
            note += " An instructor watches (F9)."
        self.label((m + px(160), H - px(62), sx - m - px(176), px(36)), note, "muted")
        self.label((sx, H - px(62), px(56), px(36)), "Seed", "h3")
        self.seed_entry = UITextEntryLine(pygame.Rect(sx + px(58), H - px(62), px(140), px(38)),
                                          manager=self.app.manager, container=self.root,
                                          object_id=ObjectID("#seed", None))
        self.seed_entry.set_allowed_characters("numbers")
        self.seed_entry.set_text_length_limit(9)
        self.seed_entry.set_text(str(self.seed))
        self.button((sx + px(206), H - px(64), px(94), px(42)), "New", self.reseed, oid="new_seed",
                    tip="Draw a new random seed. The same seed, roles and moves always give the same game; "
                        "it is kept in the save and shown in the debrief.")
        self.button((W - m - px(240), H - px(66), px(240), px(46)), "Start", self.start, oid="start",
                    cls="primary", enabled=n > 0,
                    tip="Begin the scenario (Enter)" if n else "Choose at least one actor to play")

    def pace_button(self, rect: pygame.Rect) -> None:
        """The pace the game will run at: the scenario's own or its classroom pace (a click switches)."""
        sc = self.loaded.scenario
        cp = classroom_pace(sc)
        classroom = self.pace == CLASSROOM
        text = (f"Classroom pace: {calendar_words(sc, CLASSROOM)}, ~{self.classroom_minutes()} min" if classroom
                else f"Pace: {calendar_words(sc)}")
        self.button(rect, text, self.toggle_pace, oid="pace", cls="human" if classroom else "ai",
                    tip=f"The scenario offers a classroom pace for a lesson: {calendar_words(sc, CLASSROOM)} instead of "
                        f"{calendar_words(sc)}, about {cp.minutes_per_turn} minutes a turn ({self.classroom_minutes()} minutes of play). "
                        "Events keep their days; the model is the same. The save keeps the pace. Click to switch.")

    def classroom_minutes(self) -> int:
        """Suggested minutes of play at the classroom pace."""
        sc = self.loaded.scenario
        return classroom_pace(sc).minutes_per_turn * turns_at(sc, CLASSROOM)

    def toggle_pace(self) -> None:
        self.pace = NORMAL if self.pace == CLASSROOM else CLASSROOM
        self.build_root()

    def toggle_instructor(self) -> None:
        self.instructor = not self.instructor
        self.build_root()

    def toggle(self, aid: str) -> None:
        self.humans ^= {aid}
        self.build_root()

    def set_humans(self, ids) -> None:
        self.humans = set(ids)
        self.build_root()

    def clear(self) -> None:
        self._keep_seed()                    # a rebuild (a click, F11, new settings) keeps a typed seed
        super().clear()

    def reseed(self) -> None:
        self.seed = new_seed()
        if self.seed_entry is not None and self.seed_entry.alive():
            self.seed_entry.set_text(str(self.seed))

    def read_seed(self) -> int | None:
        """The seed in the field (None if it is not a whole number)."""
        text = self.seed_entry.get_text().strip() if self.seed_entry is not None and self.seed_entry.alive() \
            else str(self.seed)
        return int(text) if text.isdigit() else None

    def _keep_seed(self) -> None:
        seed = self.read_seed()
        if seed is not None:
            self.seed = seed

    def start(self) -> None:
        if not self.humans:
            return
        seed = self.read_seed()
        if seed is None:
            self.app.message("The seed is not a number", "Type a whole number as the seed (or press New).")
            return
        self.seed = seed
        try:
            self.app.start_game(self.paced(), self.ref, sorted(self.humans), seed, instructor=self.instructor)
        except ValueError as exc:
            self.app.message("The game could not start", str(exc))

    def paced(self):
        """The loaded scenario at the chosen pace."""
        if self.pace == NORMAL:
            return self.loaded
        return dataclasses.replace(self.loaded, scenario=with_pace(self.loaded.scenario, self.pace))

    def handle_event(self, event) -> None:
        if event.type == pygame.KEYDOWN:
            if event.key == pygame.K_ESCAPE:
                self.app.pop()
            elif event.key == pygame.K_RETURN:
                self.start()


class _InstructorRole:
    """The instructor's card on the roles screen (not an actor of the scenario)."""
    id = "INSTRUCTOR"
    name = "Instructor (white cell)"
    kind = "Instructor: plays no state"
    playable = True
    description = ("Plays no state. Pauses the game, sees every seat's open decisions (never a vote before the "
                   "session decides), injects the scenario's events or news and adjusts a region's figures (F9).")


INSTRUCTOR_ROLE = _InstructorRole()


def new_seed() -> int:
    """A random seed for a new game (the game's own generator is seeded with it)."""
    import secrets
    return secrets.randbelow(1_000_000)


def sc_name(sc, aid: str) -> str:
    return next((a.name for a in sc.actors if a.id == aid), aid)
