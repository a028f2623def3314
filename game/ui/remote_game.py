"""A game played on a host, seen from one seat's laptop: the client's view with the surface the screens read.

The host owns the one authoritative game; the client holds only what its seat may see (its
``view``: the state with its own orders, the news, the records of resolved turns). ``RemoteGame``
rebuilds those into the engine's own types (a one-run ``State``, ``TurnRecord``s) so that the map,
the panels, the news and the debrief draw a remote seat exactly as a local one. Actions are sent
to the host, which validates them again; the local check only greys out buttons.
"""
from __future__ import annotations

import datetime as dt

from game.engine import actions as act
from game.engine.assessment import assess, summary
from game.engine.game import Result, TurnRecord, indicators_of
from game.engine.views import blank_state, state_from_dict
from game.engine.world import build_world


class RemoteGame:
    """One seat's reading of a hosted game. ``refresh()`` takes the client's latest view."""

    simultaneous = True
    remote = True

    def __init__(self, client, scenario):
        self.client, self.scenario = client, scenario
        self.world = build_world(scenario)
        self.seat: str = client.seat
        self._template = blank_state(self.world)
        self.humans = frozenset(client.humans or (self.seat,))
        self.state = self._template
        self.history: list[TurnRecord] = []
        self.log: list[dict] = []
        self.orders: dict[str, list[act.Action]] = {}
        self.ready: set[str] = set()
        self.over = False
        self._turn, self._waiting, self._current, self._news = 1, [], None, []
        self.refresh()

    # --- the view ----------------------------------------------------------------------
    def refresh(self) -> None:
        """Rebuild everything from the client's latest view (raises ValueError on a view that does not
        fit this scenario)."""
        v = self.client.view or {}
        if not v:
            return
        self.state = state_from_dict(v["state"], self._template, self.world)
        self._turn, self.over = int(v["turn"]), bool(v["over"])
        self.history = [_record(r) for r in v.get("history", [])]
        date = str(v.get("date") or self.world.date_of_turn(self._turn).isoformat())
        self._current = TurnRecord(self._turn, date, {"events": {"items": []}, "decisions": {"actions": []}})
        if v.get("current"):
            self._current = _record(v["current"])
        orders = [o for o in v.get("orders", []) if isinstance(o, dict)]
        self.orders = {self.seat: [act.action_from_dict(o["action"]) for o in orders]} if orders else {}
        self.log = [{"turn": self._turn, "by": "remote", "action": o["action"], "ok": True, "order": True,
                     "text": o.get("text", "")} for o in orders]
        self._news = [n for n in v.get("news", []) if isinstance(n, dict) and "text" in n]
        self._waiting = [a for a in v.get("waiting_for", []) if a in self.world.actor_ids]
        self.ready = set(v.get("ready", []))

    @property
    def seed(self) -> int | None:
        """The host keeps the seed until the game is over (it would tell what chance has in store)."""
        return (getattr(self.client, "report", None) or {}).get("seed")

    @property
    def turn(self) -> int:
        return self._turn

    @property
    def date(self) -> dt.date:
        return self.world.date_of_turn(self._turn)

    @property
    def current(self) -> TurnRecord:
        return self._current

    def state_for(self, actor) -> object:
        """A client has one state: its own seat's view."""
        return self.state

    def waiting_for(self) -> list[str]:
        return list(self._waiting)

    def news(self) -> list[dict]:
        """The news the host lets this seat read (its own orders of this turn included)."""
        return list(self._news)

    def decisions(self) -> list[dict]:
        return [p for rec in self.history for p in rec.phases.get("councils", {}).get("procedures", [])]

    def indicators(self) -> dict:
        return indicators_of(self.world, self.state)

    def final(self) -> dict:
        return summary(self.world, self.state)

    def assessment(self) -> dict:
        return assess(self.world, self.state, self.decisions())

    # --- acting: everything goes to the host ---------------------------------------------
    def check(self, action: act.Action) -> act.Verdict:
        return action.validate(self.world, self.state)

    def submit(self, action: act.Action) -> Result:
        if action.actor != self.seat:
            return Result(False, f"This laptop plays {self.world.name(self.seat)}.")
        ok, text = self.client.send_action(action.to_dict())
        return Result(bool(ok), str(text))

    def undo(self, actor: str | None = None) -> bool:
        ok, _ = self.client.undo()
        return bool(ok)

    def declare_ready(self, actor: str) -> None:
        self.client.ready()

    def end_turn(self) -> None:
        """A client cannot run the turn: it says it is ready; the host resolves the turn."""
        self.client.ready()

    def link(self) -> str:
        """The connection to the host: "ok", "reconnecting" or "closed" (the host ended it, or gave the seat away)."""
        if getattr(self.client, "stopped", False) and not self.over:
            return "closed"
        return "ok" if getattr(self.client, "connected", True) else "reconnecting"

    def poll(self) -> bool:
        """True when the host sent a new view (and the game now shows it)."""
        if self.client.poll():
            self.refresh()
            return True
        return False


def _record(data: dict) -> TurnRecord:
    return TurnRecord(int(data["turn"]), str(data["date"]), dict(data.get("phases") or {}),
                      dict(data.get("indicators") or {}))
