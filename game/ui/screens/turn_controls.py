"""Undo and End turn at the foot of the side panel, with why Undo is off and what End turn will do."""
from __future__ import annotations

import pygame

from game.ui.widgets import px

UNDO_TIP = "Take back your last action this turn (Ctrl+Z)"


def undo_blocker(game, session) -> str | None:
    """Why Undo is off for this seat, or None. The engine takes back the last human action of
    the turn whoever made it; in hot-seat a player may take back only their own. In simultaneous turns
    each seat takes back its own orders."""
    if session.actor is None:
        return "The public view takes no actions, so there is nothing to take back."
    if getattr(game, "simultaneous", False):
        return None if game.orders.get(session.actor) else "Nothing to take back: you have given no order this turn."
    last = next((e for e in reversed(game.log) if e.get("by") in ("human", "instructor") and e.get("ok")
                 and e.get("turn") == game.turn), None)
    if last is None:
        return "Nothing to take back: you have not acted this turn."
    if last.get("by") == "instructor":
        return "Undo is off: the instructor changed the game after your last action."
    who = (last.get("action") or {}).get("actor")
    if who is not None and who != session.actor:
        return (f"Undo is off: the last action this turn was {game.world.name(who)}'s, and each player "
                "can take back only their own.")
    return None


def end_turn_tip(game, session) -> str:
    """What End turn does now: hand over to the next seat, or run the turn."""
    w, s = game.world, session
    if s.actor is None:
        waiting = game.waiting_for()
        return ("Every seat has ended its turn: run the turn (Enter)" if not waiting else
                f"End the turn now for every seat ({len(waiting)} still deciding; Enter)")
    if len(s.seats) > 1 and s.seat < len(s.seats) - 1:
        return f"Finish {w.name(s.actor)}'s moves and hand over to {w.name(s.seats[s.seat + 1])} (Enter or Space)"
    days = w.scenario.turn_days
    plural = "s" if days != 1 else ""
    return f"Let the other actors move, hold the councils and advance {days} day{plural} (Enter or Space)"


class TurnControls:
    """The two buttons; they call the screen's undo and end_turn. ``refresh`` follows the game."""

    def __init__(self, screen):
        self.screen = screen
        self.undo_button = self.end_button = None

    def build(self, side: pygame.Rect) -> None:
        """Along the bottom of ``side`` (the side panel)."""
        s = self.screen
        by = side.bottom - px(62)
        blocker = undo_blocker(s.game, s.session)
        self.undo_button = s.button((side.x + px(12), by, px(100), px(48)), "Undo", s.undo, oid="undo",
                                    tip=blocker or UNDO_TIP, enabled=blocker is None)
        self.end_button = s.button((side.x + px(120), by, side.w - px(132), px(48)), "End turn", s.end_turn,
                                   cls="primary", oid="end_turn", tip=end_turn_tip(s.game, s.session))
        self.refresh()

    def refresh(self) -> None:
        """Undo's state and both tooltips, after the game or the seat changed."""
        s = self.screen
        b = self.undo_button
        if b is not None and b.alive():
            blocker = undo_blocker(s.game, s.session)
            (b.disable if blocker else b.enable)()
            b.set_tooltip(blocker or UNDO_TIP)
        if self.end_button is not None and self.end_button.alive():
            paused = getattr(s.session, "paused", False)
            done = getattr(s.game, "remote", False) and s.session.actor in s.game.ready   # a laptop waits for the host
            (self.end_button.disable if paused or done else self.end_button.enable)()
            self.end_button.set_text("Waiting for the others…" if done else "End turn")
            self.end_button.set_tooltip("Paused by the instructor (F9 to resume)" if paused
                                        else "Your turn is done; the host runs the turn when every seat is ready"
                                        if done else end_turn_tip(s.game, s.session))
