"""Undo and End turn at the foot of the side panel, with why Undo is off and what End turn will do."""
from __future__ import annotations

from dataclasses import dataclass

import pygame

from game.ui.widgets import px

UNDO_TIP = "Take back your last action this turn (Ctrl+Z)"


def undo_blocker(game, session) -> str | None:
    """Why Undo is off for this seat, or None. The engine takes back the last human action of
    the turn whoever made it; in hot-seat a player may take back only their own."""
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
    if len(s.seats) > 1 and s.seat < len(s.seats) - 1:
        return f"Finish {w.name(s.actor)}'s moves and hand over to {w.name(s.seats[s.seat + 1])} (Enter or Space)"
    days = w.scenario.turn_days
    plural = "s" if days != 1 else ""
    return f"Let the other actors move, hold the councils and advance {days} day{plural} (Enter or Space)"


@dataclass
class OpenDecision:
    """Something the seat has left open that End Turn would settle without the player."""

    kind: str                  # "choice" (an event's question), "vote" (a council session), "answer" (a plea)
    title: str                 # what is open
    default: str               # what happens to it if the turn ends now
    event: str | None = None   # for a choice: the event id and its options
    options: tuple = ()


def open_decisions(game, actor: str | None) -> list[OpenDecision]:
    """What ``actor`` has left open that this End Turn decides: an event's question (the engine takes its
    first option), a vote in a council session held this turn and a plea to answer this turn (the
    computer decides them by the actor's interests)."""
    from game.engine.state import SESSION_SCHEDULED
    if not actor or game.over:
        return []
    w, st = game.world, game.state
    out: list[OpenDecision] = []
    for offer in st.pending_choices:
        if offer["actor"] == actor and offer["choices"]:
            labels = tuple(str(c.label) for c in offer["choices"])
            out.append(OpenDecision("choice", str(offer.get("prompt") or offer["event"]),
                                    f"the first option is taken: “{labels[0]}”", offer["event"], labels))
    a = w.a(actor)
    due = (st.req_stage[0] == SESSION_SCHEDULED) & (st.req_session[0] <= game.turn)
    votes = getattr(st, "human_votes", {})
    for q, b in zip(*due.nonzero()):
        body, requester = w.body_ids[b], w.actor_ids[q]
        if body in w.org_ids:
            if not w.membership[w.o(body), a] or (actor, body) in votes:
                continue
            whose = "your" if requester == actor else f"{w.name(requester)}'s"
            out.append(OpenDecision("vote", f"Your vote in the {body} session on {whose} request, held at this "
                                            "End Turn", f"the computer takes {w.name(actor)}'s position by its "
                                                        "interests"))
        elif body == actor and (actor, actor) not in votes:
            out.append(OpenDecision("answer", f"Your answer to {w.name(requester)}'s plea for help, due at this "
                                              "End Turn", f"the computer answers for {w.name(actor)} by its "
                                                          "interests"))
    return out


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
            (self.end_button.disable if paused else self.end_button.enable)()
            self.end_button.set_tooltip("Paused by the instructor (F9 to resume)" if paused
                                        else end_turn_tip(s.game, s.session))
