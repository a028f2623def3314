"""The classroom pace: a scenario played on the calendar of its ``teaching.classroom_pace``.

``with_pace(scenario, "classroom")`` returns the scenario with that pace's ``turn_days`` and
``end_date``, and its events retimed so that each still happens in the turn that holds the day it
would have happened on: a ``date_from`` (or ``turn_from``) trigger counts from the start of the
turn holding that day, and a chance per turn (``probability``) becomes the chance of the same daily
hazard over the longer turn (``mtth_days`` already counts days). Nothing else changes: the model,
its coefficients and the history are the scenario's. A game needs no more than this scenario; a save
of it carries ``"pace": "classroom"`` (``game/ui/saves.py``) and is restored through the same
function, so a replay follows the same calendar.
"""
from __future__ import annotations

import datetime as dt

from game.scenario.schema import Condition, Scenario

NORMAL, CLASSROOM = "normal", "classroom"
PACES = (NORMAL, CLASSROOM)


def classroom_pace(scenario: Scenario):
    """The scenario's classroom pace (``teaching.classroom_pace``), or None."""
    return scenario.teaching.classroom_pace if scenario.teaching is not None else None


def pace_of(scenario: Scenario) -> str:
    """``"classroom"`` if the scenario runs on its classroom pace's calendar, else ``"normal"``.

    Unambiguous because a valid classroom pace gives fewer turns than the scenario's own pace."""
    pace = classroom_pace(scenario)
    if pace is None or scenario.turn_days != pace.turn_days:
        return NORMAL
    return CLASSROOM if pace.end_date in (None, scenario.end_date) else NORMAL


def turns_at(scenario: Scenario, pace: str = NORMAL) -> int:
    """How many turns the scenario has at ``pace``."""
    sc = with_pace(scenario, pace)
    return (sc.end_date - sc.start_date).days // sc.turn_days + 1


def with_pace(scenario: Scenario, pace: str | None) -> Scenario:
    """The scenario at ``pace`` (``None`` or ``"normal"``: as it is). ValueError for an unknown pace
    or a scenario that offers no classroom pace."""
    if pace in (None, NORMAL) or pace_of(scenario) == pace:
        return scenario
    if pace != CLASSROOM:
        raise ValueError(f"unknown pace {pace!r}: the paces are {', '.join(PACES)}")
    cp = classroom_pace(scenario)
    if cp is None:
        raise ValueError(f"the scenario '{scenario.id}' offers no classroom pace")
    clock = _Clock(scenario.start_date, scenario.turn_days, cp.turn_days)
    events = [e.model_copy(update={"trigger": clock.trigger(e.trigger), "probability": clock.chance(e.probability)})
              for e in scenario.events]
    return scenario.model_copy(update={"turn_days": cp.turn_days, "end_date": cp.end_date or scenario.end_date,
                                       "events": events})


class _Clock:
    """Maps the dates and chances of events from the scenario's turns to the longer turns."""

    def __init__(self, start: dt.date, old_days: int, new_days: int):
        self.start, self.old, self.new = start, old_days, new_days

    def turn_start(self, day: dt.date) -> dt.date:
        """The start of the longer turn that holds the first of the scenario's turns on or after ``day``."""
        if day <= self.start:
            return day
        old_turn = -(-(day - self.start).days // self.old)              # turns of the scenario, rounded up
        days = old_turn * self.old // self.new * self.new
        return self.start + dt.timedelta(days=days)

    def turn(self, old_turn: int) -> int:
        """The longer turn that holds the scenario's turn ``old_turn``."""
        return (old_turn - 1) * self.old // self.new + 1

    def trigger(self, cond: Condition) -> Condition:
        """``cond`` with its dates and turns moved to the longer turns. Under ``not`` nothing moves: a
        turn that begins before a date still counts as before it."""
        update = {}
        if cond.date_from is not None:
            update["date_from"] = self.turn_start(cond.date_from)
        if cond.turn_from is not None:
            update["turn_from"] = self.turn(cond.turn_from)
        for key in ("all", "any"):
            if getattr(cond, key) is not None:
                update[key] = [self.trigger(c) for c in getattr(cond, key)]
        return cond.model_copy(update=update) if update else cond

    def chance(self, p: float | None) -> float | None:
        """A chance per scenario turn as the chance of the same hazard over a longer turn."""
        return None if p is None else 1.0 - (1.0 - p) ** (self.new / self.old)


def calendar_words(scenario: Scenario, pace: str = NORMAL) -> str:
    """The scenario's turns at ``pace`` in words: "21 daily turns", "7 turns of 3 days"."""
    sc = with_pace(scenario, pace)
    n, days = turns_at(sc), sc.turn_days
    named = {1: "daily", 7: "weekly"}.get(days)
    return f"{n} {named} turns" if named else f"{n} turns of {days} days"
