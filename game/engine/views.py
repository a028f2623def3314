"""What a seat may see of a game: the query layer between the engine and whoever shows it.

A seat (a human player, the instructor, the public projector view or a networked client) reads
the game through a ``SeatView``: the state as that seat sees it (in simultaneous turns, the turn as
it began plus its own orders), the news it may read (public items, briefings addressed to it, its
own orders), the decisions it has left open and the seats the turn waits for. Nothing here
changes the game.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields

import numpy as np

from game.engine.state import SESSION_SCHEDULED, State

INSTRUCTOR_VIEW = "instructor"     # the instructor sees every briefing
PUBLIC_VIEW = None                 # the projector: only what every seat may see


@dataclass
class OpenDecision:
    """Something a seat has left open that End Turn would settle without the player."""

    kind: str                  # "choice" (an event's question), "vote" (a council session), "answer" (a plea)
    title: str                 # what is open
    default: str               # what happens to it if the turn ends now
    event: str | None = None   # for a choice: the event id and its options
    options: tuple = ()

    def to_dict(self) -> dict:
        return {**asdict(self), "options": list(self.options)}


def open_decisions(game, actor: str | None) -> list[OpenDecision]:
    """What ``actor`` has left open that this End Turn decides: an event's question (the engine takes its
    first option), a vote in a council session held this turn and a plea to answer this turn (the
    computer decides them by the actor's interests)."""
    if not actor or game.over or actor not in game.world.actor_ids:
        return []
    w, st = game.world, game.state_for(actor)
    out: list[OpenDecision] = []
    for offer in st.pending_choices:
        if offer["actor"] == actor and offer["choices"]:
            labels = tuple(str(c.label) for c in offer["choices"])
            out.append(OpenDecision("choice", str(offer.get("prompt") or offer["event"]),
                                    f"the first option is taken: “{labels[0]}”", offer["event"], labels))
    a = w.a(actor)
    due = (st.req_stage[0] == SESSION_SCHEDULED) & (st.req_session[0] <= game.turn)
    for q, b in zip(*due.nonzero()):
        body, requester = w.body_ids[b], w.actor_ids[q]
        if body in w.org_ids:
            if not w.membership[w.o(body), a] or (actor, body) in st.human_votes:
                continue
            whose = "your" if requester == actor else f"{w.name(requester)}'s"
            out.append(OpenDecision("vote", f"Your vote in the {body} session on {whose} request, held at this "
                                            "End Turn", f"the computer takes {w.name(actor)}'s position by its "
                                                        "interests"))
        elif body == actor and (actor, actor) not in st.human_votes:
            out.append(OpenDecision("answer", f"Your answer to {w.name(requester)}'s plea for help, due at this "
                                              "End Turn", f"the computer answers for {w.name(actor)} by its "
                                                          "interests"))
    return out


def may_read(item: dict, viewer: str | None) -> bool:
    """Whether ``viewer`` may read a news item: public items are for all; a briefing (``to``) only for
    the seats it names and the instructor; a withdrawn item (``hidden``) for the instructor alone."""
    if viewer == INSTRUCTOR_VIEW:
        return True
    if item.get("hidden"):
        return False
    to = item.get("to")
    return not to or (viewer is not None and viewer in to)


SECRET_KINDS = ("vote", "answer_request")   # a seat's vote or answer is its own until the body has decided


def news_for(game, viewer: str | None) -> list[dict]:
    """The dated news ``viewer`` may read, oldest first. Another seat's vote or answer to a plea is left
    out until the body it was cast in has decided (the decision record then shows every vote together);
    a seat also reads its own orders of this turn. A networked seat's game is already its own view."""
    if getattr(game, "remote", False):
        return game.news()
    decided: dict[str, list[int]] = {}
    for p in game.decisions():
        decided.setdefault(p["body"], []).append(int(p["turn"]))
    out = []
    for rec in game.history + ([game.current] if not game.over else []):
        secret = []
        for a in rec.phases.get("decisions", {}).get("actions", []):
            if a.get("kind") not in SECRET_KINDS or not a.get("ok") or a.get("actor") == viewer \
                    or viewer == INSTRUCTOR_VIEW:
                continue
            body = (a.get("action") or {}).get("body") or a.get("actor")   # an answer is the answering state's
            if not any(t >= rec.turn for t in decided.get(body, [])):
                secret.append(a.get("text"))
        for n in rec.news():
            if n["kind"] == "action" and n["text"] in secret:
                secret.remove(n["text"])
            elif may_read(n, viewer):
                out.append(n)
    if viewer in game.orders and not game.over:
        out.extend({"date": game.current.date, "severity": "info", "kind": "order", "to": [viewer], "text": e["text"]}
                   for e in game.log if e["turn"] == game.turn and e.get("order") and e["action"]["actor"] == viewer)
    return out


class SeatView:
    """One seat's reading of a game. ``seat`` is an actor id, ``INSTRUCTOR_VIEW`` or ``PUBLIC_VIEW``."""

    def __init__(self, game, seat: str | None):
        self.game, self.seat = game, seat

    @property
    def world(self):
        return self.game.world

    @property
    def state(self) -> State:
        """The state this seat sees (its own orders applied in simultaneous turns)."""
        return self.game.state_for(self.seat)

    @property
    def turn(self) -> int:
        return self.game.turn

    @property
    def over(self) -> bool:
        return self.game.over

    def news(self) -> list[dict]:
        return news_for(self.game, self.seat)

    def open_decisions(self) -> list[OpenDecision]:
        return open_decisions(self.game, self.seat)

    def action_points(self) -> float:
        """The seat's action points left this turn (0 for a seat that is not an actor)."""
        if self.seat not in self.world.actor_ids:
            return 0.0
        return float(self.state.budget[0, self.world.a(self.seat)])

    def orders(self) -> list:
        """The orders this seat has given this turn (simultaneous turns)."""
        return list(self.game.orders.get(self.seat, ()))

    def waiting_for(self) -> list[str]:
        """The human seats that have not ended this turn yet (who, never what they did)."""
        return self.game.waiting_for()


def state_to_dict(state: State, seat: str | None) -> dict:
    """Run 0 of a state as plain JSON data, with nothing private to other seats: only ``seat``'s own
    council votes and the questions events put to it."""
    out: dict = {"turn": int(state.turn)}
    for f in fields(State):
        v = getattr(state, f.name)
        if isinstance(v, np.ndarray):
            out[f.name] = {"dtype": str(v.dtype), "data": v[0].tolist()}
    out["taken"] = [[a, k, t] for (a, k, t), m in state.taken.items() if a == seat and bool(m[0])]
    out["human_votes"] = [[a, b, int(lvl), other] for (a, b), (lvl, other) in state.human_votes.items() if a == seat]
    out["pending_choices"] = [{"event": c["event"], "actor": c["actor"], "prompt": c["prompt"]}
                              for c in state.pending_choices if c["actor"] == seat]
    return out


def state_from_dict(data: dict, template: State, world) -> State:
    """Rebuild a one-run state from ``state_to_dict`` data; ``template`` gives the shapes (a state of
    ``world``'s scenario). Raises ValueError when the data do not fit the scenario."""
    out = template.take(np.zeros(1, dtype=np.int64))
    for f in fields(State):
        ref = getattr(template, f.name)
        if not isinstance(ref, np.ndarray):
            continue
        item = data.get(f.name)
        if not isinstance(item, dict) or "data" not in item:
            raise ValueError(f"the view has no '{f.name}'")
        arr = np.asarray(item["data"], dtype=ref.dtype)
        if arr.shape != ref.shape[1:]:
            raise ValueError(f"'{f.name}' has shape {arr.shape}, this scenario needs {ref.shape[1:]}")
        setattr(out, f.name, arr[None, ...].copy())
    out.turn = int(data.get("turn", template.turn))
    out.taken = {(a, k, t): np.ones(1, dtype=bool) for a, k, t in data.get("taken", [])}
    out.human_votes = {(a, b): (int(lvl), other) for a, b, lvl, other in data.get("human_votes", [])}
    out.pending_choices = [_offer_from(world, c) for c in data.get("pending_choices", [])]
    return out


def _offer_from(world, offer: dict) -> dict:
    """An event's question to a seat, with its options looked up in the scenario."""
    from game.scenario.schema import Effect
    event = next((e for e in world.scenario.events if e.id == offer.get("event")), None)
    if event is None:
        raise ValueError(f"the view names an event '{offer.get('event')}' that this scenario does not have")
    found = next((eff.options for eff in Effect.walk(event.effects)
                  if eff.options is not None and eff.options.actor == offer.get("actor")
                  and eff.options.prompt == offer.get("prompt")), None)
    if found is None:
        raise ValueError(f"event '{event.id}' puts no such question to {offer.get('actor')}")
    return {"event": event.id, "actor": found.actor, "prompt": found.prompt, "choices": list(found.choices),
            "runs": np.ones(1, dtype=bool)}
