"""The changing state of the world: numpy arrays with a leading run axis.

One game is a batch of one run; the same code advances thousands of what-if runs
at once. Shapes use R runs, N regions, A actors, F forces, G armed groups,
B bodies (organisations, then actors) and E events.
"""
from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field, fields

import numpy as np

from game.engine.world import OUTCOMES, TOP_LEVEL, World

# Force status codes.
AT_HOME, IN_TRANSIT, DEPLOYED, NOT_RAISED = 0, 1, 2, 3
# Request stage codes.
NO_REQUEST, NEW_REQUEST, SESSION_SCHEDULED, ANSWERED = 0, 1, 2, 3


@dataclass
class State:
    """Everything that changes during play. All arrays have the run axis first."""

    turn: int
    # regions (R, N)
    violence: np.ndarray
    stability: np.ndarray
    tension: np.ndarray
    control: np.ndarray
    border_security: np.ndarray
    population: np.ndarray
    casualties: np.ndarray
    displaced: np.ndarray
    refugees_out: np.ndarray
    refugees_in: np.ndarray
    aid: np.ndarray
    security: np.ndarray
    emergency_days: np.ndarray
    peak_displaced: np.ndarray
    peak_refugees: np.ndarray
    # actors (R, A) and (R, A, A)
    budget: np.ndarray
    reserve: np.ndarray
    equipment: np.ndarray
    perceived_external: np.ndarray
    border_open: np.ndarray
    military_casualties: np.ndarray      # (R, A) soldiers each state has lost in interstate fighting
    severe_days: np.ndarray              # (R, A) days in a row that violence in a state's regions has been severe
    # interstate hostilities (R, A, N): intensity 0..1 of each state's operations in each region
    hostile: np.ndarray
    hostile_memory: np.ndarray           # (R, A, N) recent operations, fading: an attack that stopped still happened
    # armed groups (R, G, N), (R, G)
    group_strength: np.ndarray
    group_target: np.ndarray
    # forces (R, F)
    force_status: np.ndarray
    force_location: np.ndarray
    force_destination: np.ndarray
    force_arrival: np.ndarray
    force_body: np.ndarray
    force_strength: np.ndarray
    # requests (R, A, B)
    req_stage: np.ndarray
    req_turn: np.ndarray
    req_session: np.ndarray
    req_article: np.ndarray
    req_framing: np.ndarray
    req_against: np.ndarray
    req_about: np.ndarray                # (R, A, B) the member whose crisis it is (the requester itself by default)
    # the strongest mandate a member has proposed for each body's next session (R, B); TOP_LEVEL = open
    proposal: np.ndarray
    # procedure outcomes (R, B) latest, (R, B, len(OUTCOMES)) ever, and the turn each was first reached
    outcome: np.ndarray
    outcome_ever: np.ndarray
    outcome_turn: np.ndarray
    # the two decisive reasons (codes into positions.REASON_CODES) of each body's latest decision (R, B, 2)
    decisive: np.ndarray
    # events (R, E)
    event_fired: np.ndarray
    # actions taken: (actor, kind, target or None) -> (R,) bool
    taken: dict = field(default_factory=dict)
    # human council votes this turn: (actor, body) -> (support_up_to level, otherwise)
    human_votes: dict = field(default_factory=dict)
    # choices offered to actors by events: list of dicts (run 0 view)
    pending_choices: list = field(default_factory=list)

    @property
    def runs(self) -> int:
        return self.violence.shape[0]

    def copy(self) -> "State":
        """A deep copy (arrays and bookkeeping)."""
        out = copy.copy(self)
        for f in fields(self):
            v = getattr(self, f.name)
            if isinstance(v, np.ndarray):
                setattr(out, f.name, v.copy())
        out.taken = {k: v.copy() for k, v in self.taken.items()}
        out.human_votes = dict(self.human_votes)
        out.pending_choices = copy.deepcopy(self.pending_choices)
        return out

    def take(self, runs) -> "State":
        """A new state of the given runs (an index array or a boolean mask), in that order: a
        branch of many what-if runs from one (``take(np.zeros(n, int))``), or a few runs to inspect."""
        runs = np.flatnonzero(runs) if np.asarray(runs).dtype == bool else np.asarray(runs, dtype=np.int64)
        out = copy.copy(self)
        for f in fields(self):
            v = getattr(self, f.name)
            if isinstance(v, np.ndarray):
                setattr(out, f.name, v.take(runs, axis=0))      # as v[runs], faster
        out.taken = {k: v.take(runs, axis=0) for k, v in self.taken.items()}
        out.human_votes = dict(self.human_votes)
        out.pending_choices = [{**c, "runs": c["runs"][runs]} if "runs" in c else dict(c)
                               for c in self.pending_choices]
        return out

    def part(self, runs: np.ndarray) -> "StatePart":
        """A few runs (an index array) of this state, each array taken when first read (see ``StatePart``)."""
        return StatePart(self, runs)

    def put(self, runs: np.ndarray, part: "State") -> None:
        """Write back the arrays of ``part``, a ``take(runs)`` or ``part(runs)`` of this state that
        was changed on its own (of a ``StatePart``, the arrays it read)."""
        for name, v in vars(part).items():
            if name in ARRAY_FIELDS:
                getattr(self, name)[runs] = v

    def mark_taken(self, actor: str, kind: str, target: str | None, mask: np.ndarray) -> None:
        for key in ((actor, kind, None), (actor, kind, target)):
            marked = self.taken.get(key)
            if marked is None:
                self.taken[key] = mask.copy()
            else:
                marked |= mask          # each state owns its ``taken`` arrays (copy and take copy them)

    def troops_deployed(self, world: World) -> np.ndarray:
        """(R, A) troops each actor has deployed or on the way abroad or at home."""
        active = (self.force_status == IN_TRANSIT) | (self.force_status == DEPLOYED)
        out = np.zeros((self.runs, len(world.actor_ids)))
        if self.runs == 1:      # the same additions, force by force in order (np.add.at keeps the order)
            np.add.at(out[0], world.force_owner, np.where(active[0], self.force_strength[0], 0.0))
            return out
        for f in range(len(world.force_ids)):
            out[:, world.force_owner[f]] += np.where(active[:, f], self.force_strength[:, f], 0.0)
        return out


ARRAY_FIELDS = frozenset(f.name for f in fields(State) if f.type == "np.ndarray")


class StatePart(State):
    """Some runs of a state, read lazily: an array is taken from the whole state (its rows of
    ``runs``) the first time it is read, so that a check or a decision on a few runs copies only
    the arrays it uses. ``taken`` is read through to the whole state, and ``mark_taken`` marks the
    whole state's runs; ``human_votes`` and ``pending_choices`` are the whole state's own. The whole
    state must not change while a part of it is in use; ``State.put`` writes the part back."""

    def __init__(self, whole: State, runs: np.ndarray):
        self.whole, self.rows, self.turn = whole, runs, whole.turn
        self.taken = _TakenOf(whole.taken, runs)
        self.human_votes, self.pending_choices = whole.human_votes, whole.pending_choices

    @property
    def runs(self) -> int:
        return len(self.rows)

    def __getattr__(self, name: str):
        if name not in ARRAY_FIELDS:
            raise AttributeError(name)
        value = self.__dict__[name] = getattr(self.whole, name).take(self.rows, axis=0)
        return value

    def mark_taken(self, actor: str, kind: str, target: str | None, mask: np.ndarray) -> None:
        rows, taken = self.rows[mask], self.whole.taken
        for key in ((actor, kind, None), (actor, kind, target)):
            marked = taken.get(key)
            if marked is None:
                marked = taken[key] = np.zeros(self.whole.runs, dtype=bool)
            marked[rows] = True


class _TakenOf(Mapping):
    """``State.taken`` of some runs, read through: (actor, kind, target) -> (runs,) bool."""

    def __init__(self, taken: dict, runs: np.ndarray):
        self._taken, self._runs = taken, runs

    def __getitem__(self, key):
        return self._taken[key][self._runs]

    def __iter__(self):
        return iter(self._taken)

    def __len__(self) -> int:
        return len(self._taken)


class DrawsFor:
    """A generator's draws for some runs of a batch: each draw is made for every run, as a decision
    on the whole batch makes it, and the rows of ``runs`` kept (a decision on a few runs then
    takes exactly the numbers it would take on all of them)."""

    def __init__(self, rng: np.random.Generator, total: int, runs: np.ndarray):
        self.rng, self.total, self.runs = rng, total, runs

    def normal(self, loc: float, scale: float, size: tuple[int, ...]) -> np.ndarray:
        return self.rng.normal(loc, scale, (self.total, *size[1:]))[self.runs]


def few_runs(mask: np.ndarray) -> np.ndarray | None:
    """The runs of ``mask`` when they are few enough (half the batch at most) that working on a
    ``take`` of them is cheaper than on the whole batch; otherwise None."""
    runs = np.flatnonzero(mask)
    return runs if 2 * len(runs) <= len(mask) else None


def initial_state(world: World, runs: int = 1) -> State:
    """The state at the scenario's start, repeated over ``runs`` runs."""
    sc = world.scenario
    R, A, N, F = runs, len(world.actor_ids), len(world.region_ids), len(world.force_ids)
    G, B, E = len(world.group_ids), len(world.body_ids), len(sc.events)

    def per_region(attr):
        return np.tile(np.array([getattr(world.region(r), attr) for r in world.region_ids], float), (R, 1))

    group_strength = np.zeros((R, G, N))
    for g, gid in enumerate(world.group_ids):
        actor = world.actor(gid)
        bases = [world.r(b) for b in actor.bases] or list(world.regions_of(world.a(gid)))
        for b in bases:
            group_strength[:, g, b] = actor.strength / max(len(bases), 1)

    location = np.full((R, F), -1, dtype=np.int64)
    status = np.zeros((R, F), dtype=np.int64)
    for f, fid in enumerate(world.force_ids):
        loc = world.force(fid).location
        if fid in world.spawned_force_ids:
            status[:, f] = NOT_RAISED
            if loc:
                location[:, f] = world.r(loc)
        elif loc:
            location[:, f] = world.r(loc)
            status[:, f] = DEPLOYED

    border_open = np.ones((R, A, A), dtype=bool)
    for i, aid in enumerate(world.actor_ids):
        for other in world.actor(aid).closed_borders:
            if other in world.actor_ids:
                border_open[:, i, world.a(other)] = False

    neg = lambda *shape: np.full(shape, -1, dtype=np.int64)  # noqa: E731
    pop = np.tile(world.population0, (R, 1))
    return State(
        turn=1,
        violence=per_region("violence"), stability=per_region("stability"),
        tension=per_region("tension"), control=per_region("control"),
        border_security=per_region("border_security"), population=pop,
        casualties=np.zeros((R, N)), displaced=np.zeros((R, N)), refugees_out=np.zeros((R, N)),
        refugees_in=np.zeros((R, N)), aid=np.zeros((R, N)), security=per_region("security_forces"),
        emergency_days=np.zeros((R, N)), peak_displaced=np.zeros((R, N)), peak_refugees=np.zeros((R, N)),
        budget=np.tile(world.budget0, (R, 1)),
        reserve=np.tile(np.array([world.actor(a).reserve_troops for a in world.actor_ids], float), (R, 1)),
        equipment=np.zeros((R, A)), perceived_external=np.zeros((R, A)),
        border_open=border_open, military_casualties=np.zeros((R, A)), severe_days=np.zeros((R, A)), hostile=np.zeros((R, A, N)), hostile_memory=np.zeros((R, A, N)),
        group_strength=group_strength, group_target=neg(R, G),
        force_status=status, force_location=location, force_destination=location.copy(),
        force_arrival=neg(R, F), force_body=neg(R, F),
        force_strength=np.tile(world.force_strength, (R, 1)),
        req_stage=np.zeros((R, A, B), dtype=np.int64), req_turn=neg(R, A, B), req_session=neg(R, A, B),
        req_article=neg(R, A, B), req_framing=neg(R, A, B), req_against=neg(R, A, B), req_about=neg(R, A, B),
        proposal=np.full((R, B), TOP_LEVEL, dtype=np.int64),
        outcome=neg(R, B), outcome_ever=np.zeros((R, B, len(OUTCOMES)), dtype=bool),
        outcome_turn=neg(R, B, len(OUTCOMES)), decisive=neg(R, B, 2),
        event_fired=np.zeros((R, E), dtype=bool),
    )
