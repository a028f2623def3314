"""The static world: a validated scenario compiled into indices and numpy arrays.

Nothing here changes during play; everything that does lives in ``State``.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from game.engine.params import LEVEL_NAMES, Coefficients
from game.scenario.schema import MANDATE_ORDER, Effect, Scenario

INTEREST_KEYS: tuple[str, ...] = (
    "regime_security", "stability_home", "humanitarian", "sovereignty", "non_interference",
    "alliance_credibility", "regional_influence", "cost_aversion", "border_security",
    "kin_protection", "bilateral_preference", "expansion",
)
FRAMINGS: tuple[str, ...] = ("internal_unrest", "outside_interference", "terrorism", "border_incident", "aggression")
#: The toolbox, index 1..7 from the mildest measure; 0 means "nothing".
LEVELS: tuple[str, ...] = ("none",) + MANDATE_ORDER
assert LEVELS == LEVEL_NAMES, "params.LEVEL_NAMES must follow the schema's MANDATE_ORDER"
LEVEL_OF = {name: i for i, name in enumerate(LEVELS)}
TOP_LEVEL = len(LEVELS) - 1
OUTCOMES: tuple[str, ...] = ("no_session", "declined") + MANDATE_ORDER + ("refused",)
#: The council's possible readings of a crisis (what the secretary-general and the members call it).
SITUATIONS: tuple[str, ...] = ("internal_unrest", "armed_threat_to_stability", "external_aggression",
                               "external_threat", "border_incident")
#: The reading each framing asks the council to accept (outside interference claims aggression
#: instead when a state attacks or outside direction is plain: see procedure.read_crisis).
FRAMING_CLAIMS = {"internal_unrest": "internal_unrest", "outside_interference": "armed_threat_to_stability",
                  "terrorism": "armed_threat_to_stability", "border_incident": "border_incident",
                  "aggression": "external_aggression"}
STATE_KINDS = ("government", "state")
#: Units that are flown to a consenting host (the rest move by road or rail).
AIRLIFTED_KINDS = frozenset({"airborne", "air_assault", "special_forces", "aviation", "marines"})
#: Usual days from an order to being ready to move, by kind, when a scenario gives none.
#: Airborne and air-assault units of the CRRF are "in constant combat readiness" (csto-facts.md).
READINESS_BY_KIND = {"airborne": 0, "air_assault": 0, "special_forces": 0, "aviation": 0, "marines": 1,
                     "infantry": 2, "motor_rifle": 3, "border_guard": 1, "police": 1, "logistics": 2}


@dataclass
class World:
    """Indices and static arrays of one scenario (shared by every run)."""

    scenario: Scenario
    actor_ids: list[str]
    region_ids: list[str]
    force_ids: list[str]
    org_ids: list[str]
    group_ids: list[str]                  # armed-group actor ids (subset of actors)
    body_ids: list[str]                   # organisations then actors: who can be asked for help
    interests: np.ndarray                 # (A, K) interest weights
    ties: np.ndarray                      # (A, A) relations -1..1
    region_country: np.ndarray            # (N,) actor index of the governing actor
    adjacency: np.ndarray                 # (N, N) float 0/1, symmetric
    foreign_adjacency: np.ndarray         # (N, N) neighbours in another country
    population0: np.ndarray               # (N,)
    budget0: np.ndarray                   # (A,) action points each actor gets every turn
    border_security0: np.ndarray          # (N,) peacetime border security
    force_owner: np.ndarray               # (F,) actor index
    force_strength: np.ndarray            # (F,)
    force_readiness: np.ndarray           # (F,) days
    force_effectiveness: np.ndarray       # (F,)
    force_home_region: np.ndarray         # (F,) region index or -1 when off-map / outside
    membership: np.ndarray                # (O, A) bool: voting members
    org_forces: np.ndarray                # (O, F) bool: forces earmarked for the organisation
    group_support: np.ndarray             # (G,) external support of each armed group
    group_aggressiveness: np.ndarray      # (G,)
    kin_share: np.ndarray                 # (A, N) share of the actor's kin group in each region
    params: object
    spawned_force_ids: set = field(default_factory=set)
    interest_of: list = field(default_factory=list)   # per actor: {interest: weight} as floats
    equipment_floor: np.ndarray | None = None          # (A,) lasting equipment from military-aid agreements
    dates: list[dt.date] = field(default_factory=list)
    k: Coefficients | None = None                      # the decision model's coefficients in force
    is_state: np.ndarray | None = None                 # (A,) bool: governments and states
    commitment_load: np.ndarray | None = None          # (A,) share of forces and attention tied down elsewhere
    commitment_names: list = field(default_factory=list)  # per actor: names of its commitments in force
    group_sponsor: np.ndarray | None = None            # (G,) actor index of the state behind each group, or -1
    group_actor: np.ndarray | None = None              # (G,) actor index of each armed group
    force_airlifted: np.ndarray | None = None          # (F,) bool
    org_chair: list = field(default_factory=list)      # per organisation: actor index of the chair or -1

    # --- lookups -----------------------------------------------------------------
    def actor(self, actor_id: str):
        return self._actors[actor_id]

    def region(self, region_id: str):
        return self._regions[region_id]

    def force(self, force_id: str):
        return self._forces[force_id]

    def org(self, org_id: str):
        return self._orgs[org_id]

    def a(self, actor_id: str) -> int:
        return self._a[actor_id]

    def r(self, region_id: str) -> int:
        return self._r[region_id]

    def f(self, force_id: str) -> int:
        return self._f[force_id]

    def o(self, org_id: str) -> int:
        return self._o[org_id]

    def b(self, body_id: str) -> int:
        return self._b[body_id]

    def name(self, any_id: str) -> str:
        """Display name of an actor, organisation, region or force (or the id itself)."""
        name = self._names.get(any_id)
        if name is None:
            name = self._names[any_id] = self._look_up_name(any_id)
        return name

    def _look_up_name(self, any_id: str) -> str:
        for table in (self._actors, self._orgs, self._regions, self._forces):
            if any_id in table:
                obj = table[any_id]
                return getattr(obj, "short_name", None) or obj.name
        return any_id

    def phrase(self, body_id: str, capital: bool = False) -> str:
        """How a sentence names a body: "the CSTO" for an organisation, the name for a state."""
        if body_id in self._orgs:
            return f"{'The' if capital else 'the'} {body_id}"
        return self.name(body_id)

    def regions_of(self, actor_index: int) -> np.ndarray:
        """The regions an actor governs: a read-only array, found once per actor."""
        regions = self._regions_of.get(actor_index)
        if regions is None:
            regions = self._regions_of[actor_index] = np.flatnonzero(self.region_country == actor_index)
            regions.setflags(write=False)
        return regions

    def share_border(self, a: int, b: int) -> bool:
        """Whether actors ``a`` and ``b`` govern neighbouring regions (found once per pair)."""
        shared = self._share_border.get((a, b))
        if shared is None:
            mine, theirs = self.regions_of(a), self.regions_of(b)
            shared = self._share_border[(a, b)] = (len(mine) > 0 and len(theirs) > 0
                                                   and bool(self.adjacency[np.ix_(mine, theirs)].any()))
        return shared

    def forces_of(self, actor_index: int, friends: bool = False) -> np.ndarray:
        """The forces that count as an actor's own (with ``friends``, also its close allies': ties of
        0.5 or more): a read-only index array, found once per actor and again when the ties change."""
        ties, forces = self._forces_of.get((actor_index, friends), (None, None))
        if forces is None or (friends and ties is not self.ties):
            owners = self.force_owner == actor_index
            if friends:
                owners = owners | (self.ties[actor_index, self.force_owner] >= 0.5)
            forces = np.flatnonzero(owners)
            forces.setflags(write=False)
            self._forces_of[(actor_index, friends)] = (self.ties, forces)
        return forces

    def foreign_border_of(self, actor_index: int) -> tuple[np.ndarray, np.ndarray]:
        """(N, n) which regions are foreign neighbours of each of an actor's n regions, and (n,) which
        of its regions have one (read-only, found once per actor)."""
        border = self._foreign_border_of.get(actor_index)
        if border is None:
            neighbours = self.foreign_adjacency[:, self.regions_of(actor_index)]
            border = self._foreign_border_of[actor_index] = (neighbours, neighbours.sum(axis=0) > 0)
            for array in border:
                array.setflags(write=False)
        return border

    def date_of_turn(self, turn: int) -> dt.date:
        """Date at the start of a 1-based turn."""
        return self.scenario.start_date + dt.timedelta(days=(turn - 1) * self.scenario.turn_days)

    @property
    def last_turn(self) -> int:
        days = (self.scenario.end_date - self.scenario.start_date).days
        return days // self.scenario.turn_days + 1



def build_world(scenario: Scenario) -> World:
    """Compile a validated scenario into a ``World``."""
    actors = {a.id: a for a in scenario.actors}
    regions = {r.id: r for r in scenario.regions}
    spawned = list(_spawned_forces(scenario.events))
    forces = {f.id: f for f in list(scenario.forces) + spawned}
    orgs = {o.id: o for o in scenario.organisations}
    actor_ids, region_ids, force_ids, org_ids = list(actors), list(regions), list(forces), list(orgs)
    ai = {k: i for i, k in enumerate(actor_ids)}
    ri = {k: i for i, k in enumerate(region_ids)}
    group_ids = [a.id for a in scenario.actors if a.kind == "armed_group"]
    A, N, F, O = len(actor_ids), len(region_ids), len(force_ids), len(org_ids)

    interests = np.array([[getattr(actors[a].interests, k) for k in INTEREST_KEYS] for a in actor_ids])
    ties = np.zeros((A, A))
    for a in actor_ids:
        for other, w in actors[a].ties.items():
            if other in ai:
                ties[ai[a], ai[other]] = w
    np.fill_diagonal(ties, 1.0)

    region_country = np.array([ai[regions[r].country] for r in region_ids], dtype=np.int64)
    adjacency = np.zeros((N, N))
    for r in region_ids:
        for n in regions[r].neighbours:
            if n in ri:
                adjacency[ri[r], ri[n]] = adjacency[ri[n], ri[r]] = 1.0
    foreign = adjacency * (region_country[:, None] != region_country[None, :])

    def home_index(f):
        return ri.get(f.home, ri.get(f.location, -1) if f.location else -1)

    membership = np.zeros((O, A), dtype=bool)
    org_forces = np.zeros((O, F), dtype=bool)
    fi = {k: i for i, k in enumerate(force_ids)}
    for o_i, o in enumerate(org_ids):
        for m in orgs[o].members:
            membership[o_i, ai[m]] = True
        for f in orgs[o].forces:
            org_forces[o_i, fi[f]] = True

    kin_share = np.zeros((A, N))
    for a_i, a in enumerate(actor_ids):
        kin = actors[a].kin_group
        if kin:
            kin_share[a_i] = [regions[r].ethnic_groups.get(kin, 0.0) for r in region_ids]

    world = World(
        scenario=scenario, actor_ids=actor_ids, region_ids=region_ids, force_ids=force_ids,
        org_ids=org_ids, group_ids=group_ids, body_ids=org_ids + actor_ids,
        interests=interests, ties=ties, region_country=region_country, adjacency=adjacency,
        foreign_adjacency=foreign,
        population0=np.array([regions[r].population for r in region_ids], dtype=float),
        budget0=np.array([actors[a].budget for a in actor_ids], dtype=float),
        border_security0=np.array([regions[r].border_security for r in region_ids], dtype=float),
        force_owner=np.array([ai[forces[f].owner] for f in force_ids], dtype=np.int64),
        force_strength=np.array([forces[f].strength for f in force_ids], dtype=float),
        force_readiness=np.array([READINESS_BY_KIND[forces[f].kind] if forces[f].readiness_days is None
                                  else forces[f].readiness_days for f in force_ids], dtype=float),
        force_effectiveness=np.array([forces[f].effectiveness for f in force_ids], dtype=float),
        force_home_region=np.array([home_index(forces[f]) for f in force_ids], dtype=np.int64),
        membership=membership, org_forces=org_forces,
        group_support=np.array([actors[g].external_support for g in group_ids], dtype=float),
        group_aggressiveness=np.array([actors[g].aggressiveness for g in group_ids], dtype=float),
        kin_share=kin_share, params=scenario.parameters,
        spawned_force_ids={f.id for f in spawned},
        interest_of=[{k: float(v) for k, v in zip(INTEREST_KEYS, row)} for row in interests],
        equipment_floor=_equipment_floor(scenario, ai),
        k=Coefficients(scenario.coefficients),
        is_state=np.array([actors[a].kind in STATE_KINDS for a in actor_ids], dtype=bool),
        commitment_load=np.array([_commitment_load(scenario, actors[a]) for a in actor_ids], dtype=float),
        commitment_names=[[c.name for c in _commitments_in_force(scenario, actors[a])] for a in actor_ids],
        group_sponsor=np.array([ai.get(actors[g].sponsor, -1) if actors[g].sponsor else -1 for g in group_ids],
                               dtype=np.int64),
        group_actor=np.array([ai[g] for g in group_ids], dtype=np.int64),
        force_airlifted=np.array([forces[f].kind in AIRLIFTED_KINDS for f in force_ids], dtype=bool),
        org_chair=[ai.get(orgs[o].chair, -1) if orgs[o].chair else -1 for o in org_ids],
    )
    world._actors, world._regions, world._forces, world._orgs = actors, regions, forces, orgs
    world._a, world._r, world._f, world._o = ai, ri, fi, {k: i for i, k in enumerate(org_ids)}
    world._b = {k: i for i, k in enumerate(world.body_ids)}
    # Filled on first use: names, regions, borders and forces never change in play (ties do: the
    # allies' forces are found again when an instructor sets a tie, which replaces ``world.ties``).
    world._names, world._regions_of, world._share_border = {}, {}, {}
    world._forces_of, world._foreign_border_of = {}, {}
    return world


def _spawned_forces(events):
    """Forces that events may raise during play (declared up front so arrays keep their shape)."""
    for event in events:
        for eff in Effect.walk(event.effects):
            if eff.spawn_force is not None:
                yield eff.spawn_force


def _commitments_in_force(scenario: Scenario, actor) -> list:
    """An actor's commitments elsewhere that overlap the scenario's dates."""
    return [c for c in actor.commitments
            if not (c.since and c.since > scenario.end_date) and not (c.until and c.until < scenario.start_date)]


def _commitment_load(scenario: Scenario, actor) -> float:
    """Share of an actor's forces and attention tied down elsewhere (loads combine, at most 1)."""
    free = 1.0
    for c in _commitments_in_force(scenario, actor):
        free *= 1.0 - c.load
    return 1.0 - free


#: Equipment value (millions of US dollars) that doubles a state's own security forces' effect.
AID_VALUE_FOR_FULL_EQUIPMENT = 1000.0


def _equipment_floor(scenario: Scenario, ai: dict) -> np.ndarray:
    """Lasting equipment each actor has from military-aid agreements in force during the scenario.

    The first party gives; the other parties (or the `host`, if named) receive. The effect is the
    value in millions of US dollars over AID_VALUE_FOR_FULL_EQUIPMENT, at most 0.5.
    """
    floor = np.zeros(len(ai))
    for ag in scenario.agreements:
        if ag.kind != "military_aid":
            continue
        if (ag.since and ag.since > scenario.end_date) or (ag.until and ag.until < scenario.start_date):
            continue
        receivers = [ag.host] if ag.host else ag.parties[1:]
        for r in receivers:
            if r in ai:
                floor[ai[r]] = min(0.5, floor[ai[r]] + ag.value / AID_VALUE_FOR_FULL_EQUIPMENT)
    return floor
