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

from game.engine.actions import withdrawn_news
from game.engine.state import AT_HOME, DEPLOYED, IN_TRANSIT, SESSION_SCHEDULED, State, initial_state
from game.engine.world import LEVELS, TOP_LEVEL

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


def undecided_votes(game, viewer: str | None) -> set[tuple[int, int]]:
    """(turn, index) of the decisions-phase entries that are another seat's vote or answer to a plea
    whose body has not decided yet: secret from ``viewer`` (the instructor sees them all)."""
    if viewer == INSTRUCTOR_VIEW:
        return set()
    decided: dict[str, list[int]] = {}
    for p in game.decisions():
        decided.setdefault(p["body"], []).append(int(p["turn"]))
    out = set()
    for rec in game.history + ([game.current] if not game.over else []):
        for i, a in enumerate(rec.phases.get("decisions", {}).get("actions", [])):
            if a.get("kind") not in SECRET_KINDS or not a.get("ok") or a.get("actor") == viewer:
                continue
            body = (a.get("action") or {}).get("body") or a.get("actor")   # an answer is the answering state's
            if not any(t >= rec.turn for t in decided.get(body, [])):
                out.add((rec.turn, i))
    return out


def news_for(game, viewer: str | None) -> list[dict]:
    """The dated news ``viewer`` may read, oldest first. Another seat's vote or answer to a plea is left
    out until the body it was cast in has decided (the decision record then shows every vote together);
    a seat also reads its own orders of this turn. A networked seat's game is already its own view."""
    if getattr(game, "remote", False):
        return game.news()
    undecided = undecided_votes(game, viewer)
    withdrawn = withdrawn_news(game.state)
    out = []
    for rec in game.history + ([game.current] if not game.over else []):
        secret = [a.get("text") for i, a in enumerate(rec.phases.get("decisions", {}).get("actions", []))
                  if (rec.turn, i) in undecided]
        for n in rec.news(withdrawn):
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


# --- typed readings of a state (run 0): what the screens, the report and the console draw ---------------
FORCE_STATUS = {AT_HOME: "at_home", IN_TRANSIT: "in_transit", DEPLOYED: "deployed"}   # any other: "not_raised"


@dataclass(frozen=True)
class ForceView:
    """A force as a screen shows it."""

    id: str
    name: str
    owner: str
    strength: float
    status: str                 # "at_home", "in_transit", "deployed" or "not_raised"
    at: str | None              # the region it is in (deployed) or leaves from (in transit), if on the map
    destination: str | None     # where it is going (in transit)
    home: str | None            # its home place


@dataclass(frozen=True)
class RegionView:
    """A region's figures as a screen shows them."""

    id: str
    name: str
    governed_by: str
    population: float
    violence: float
    stability: float
    control: float
    tension: float
    deaths: float
    displaced: float
    fled_abroad: float
    forces_here: tuple[str, ...]


@dataclass(frozen=True)
class PendingSession:
    """A request waiting for a body's session (or a state's answer)."""

    requester: str
    body: str
    turn: int
    date: str | None


def forces(world, state: State) -> list[ForceView]:
    """Every force, in the scenario's order."""
    out = []
    regions = world.region_ids
    for f, fid in enumerate(world.force_ids):
        loc, dest = int(state.force_location[0, f]), int(state.force_destination[0, f])
        out.append(ForceView(fid, world.name(fid), world.actor_ids[int(world.force_owner[f])],
                             float(state.force_strength[0, f]),
                             FORCE_STATUS.get(int(state.force_status[0, f]), "not_raised"),
                             regions[loc] if loc >= 0 else None, regions[dest] if dest >= 0 else None,
                             world.force(fid).home or None))
    return out


def region(world, state: State, rid: str) -> RegionView:
    i = world.r(rid)
    here = tuple(f.id for f in forces(world, state) if f.status == "deployed" and f.at == rid)
    return RegionView(rid, world.region(rid).name, world.actor_ids[int(world.region_country[i])],
                      float(state.population[0, i]), float(state.violence[0, i]), float(state.stability[0, i]),
                      float(state.control[0, i]), float(state.tension[0, i]), float(state.casualties[0, i]),
                      float(state.displaced[0, i]), float(state.refugees_out[0, i]), here)


def region_figures(state: State) -> dict[str, np.ndarray]:
    """Run 0's figures per region (in the world's region order), for maps and charts: violence,
    stability, control, displaced_share (displaced and fled abroad over the population), armed_presence
    (the armed groups' strength in the region), population."""
    return {"violence": state.violence[0], "stability": state.stability[0], "control": state.control[0],
            "displaced_share": (state.displaced[0] + state.refugees_out[0]) / np.maximum(state.population[0], 1.0),
            "displaced_people": state.displaced[0] + state.refugees_out[0],
            "armed_presence": state.group_strength[0].sum(axis=0), "population": state.population[0]}


def pending_sessions(world, state: State) -> list[PendingSession]:
    """The requests waiting for a session or an answer, with the date it falls on."""
    out = []
    for q, b in zip(*np.nonzero(state.req_stage[0] == SESSION_SCHEDULED)):
        turn = int(state.req_session[0, q, b])
        date = world.date_of_turn(turn) if turn >= 0 else None
        out.append(PendingSession(world.actor_ids[q], world.body_ids[b], turn, date.isoformat() if date else None))
    return out


def seat_vote(state: State, seat: str | None, body: str) -> tuple[str, str] | None:
    """The vote (or answer) ``seat`` has put in for ``body``'s pending session: (support up to, otherwise)."""
    vote = state.human_votes.get((seat, body)) if seat else None
    return None if vote is None else (LEVELS[int(vote[0])] if 0 <= int(vote[0]) < len(LEVELS) else "none", vote[1])


def draft_cap(world, state: State, body: str) -> str | None:
    """The strongest measure a member's proposal leaves on the table for ``body``'s session, or None."""
    cap = int(state.proposal[0, world.b(body)])
    return LEVELS[cap] if cap < TOP_LEVEL else None


def border_is_open(world, state: State, country: str, neighbour: str) -> bool:
    """Whether ``country`` keeps its side of the border with ``neighbour`` open."""
    return bool(state.border_open[0, world.a(country), world.a(neighbour)])


def blank_state(world) -> State:
    """A one-run state of ``world``'s scenario at its start (the shapes a seat's view is read into)."""
    return initial_state(world, 1)


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
