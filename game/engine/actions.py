"""Actions: every decision a player or the AI can take.

An action is validated against the rules and the state of every run it is meant
for; an impossible action is refused with a reason and costs nothing. Applying an
action changes only the runs in its mask. Actions serialise to plain dicts for the
action log, which together with the seed and the scenario is the save and replay.
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from game.engine.fastmath import max_over_axis1
from game.engine.procedure import _outcome, schedule_request, transit_days
from game.engine.state import ANSWERED, AT_HOME, DEPLOYED, IN_TRANSIT, SESSION_SCHEDULED, State
from game.engine.world import FRAMINGS, INTEREST_KEYS, LEVEL_OF, LEVELS, OUTCOMES, STATE_KINDS, World

ACTION_TYPES: dict[str, type["Action"]] = {}


class Refused(Exception):
    """Raised inside ``check`` to refuse an action with a reason."""


@dataclass(frozen=True)
class Verdict:
    """Whether an action is allowed, per run, and the reason when it is not."""

    ok: np.ndarray
    reason: str = ""

    @property
    def allowed(self) -> bool:
        return bool(self.ok.any())


def refused(state: State, reason: str) -> Verdict:
    """The verdict of an action refused in every run."""
    return Verdict(np.zeros(state.runs, dtype=bool), reason)


@dataclass(frozen=True)
class Action:
    """Base class. Subclasses set ``kind``, ``label``, ``help`` and implement the rules."""

    actor: str
    kind: ClassVar[str] = ""
    label: ClassVar[str] = ""
    help: ClassVar[str] = ""
    base_cost: ClassVar[float] = 1.0
    actor_kinds: ClassVar[tuple[str, ...]] = ("government", "state")

    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        if cls.kind:
            ACTION_TYPES[cls.kind] = cls

    # --- interface ----------------------------------------------------------------
    def cost(self, world: World) -> float:
        return self.base_cost

    def target(self) -> str | None:
        """The main object of the action, for triggers such as 'UZ closed its border with KG'."""
        return None

    def check(self, world: World, state: State) -> np.ndarray | None:
        """Raise ``Refused`` for a rule breach; return a per-run mask of further limits or None."""
        return None

    def apply(self, world: World, state: State, mask: np.ndarray, rng: np.random.Generator) -> str:
        """Change the runs in ``mask``; return one sentence for the news feed."""
        raise NotImplementedError

    # --- shared -------------------------------------------------------------------
    def validate(self, world: World, state: State) -> Verdict:
        if self.actor not in world.actor_ids:
            return refused(state, f"There is no actor '{self.actor}' in this scenario.")
        kind = world.actor(self.actor).kind
        if kind not in self.actor_kinds:
            return refused(state, f"{world.name(self.actor)} ({kind.replace('_', ' ')}) cannot {self.label.lower()}.")
        try:
            extra = self.check(world, state)
        except Refused as why:
            return refused(state, str(why))
        ok = np.ones(state.runs, dtype=bool) if extra is None else extra.copy()
        if not ok.any():
            return Verdict(ok, "Not possible in the current situation.")
        cost = self.cost(world)
        ok &= state.budget[:, world.a(self.actor)] >= cost - 1e-9
        if not ok.any():
            left = state.budget[0, world.a(self.actor)]
            return Verdict(ok, f"It costs {cost:g} action points; {world.name(self.actor)} has {left:g} left this turn.")
        return Verdict(ok)

    def perform(self, world: World, state: State, mask: np.ndarray, rng: np.random.Generator) -> str:
        """Pay the cost, record the action and apply it to the runs in ``mask``."""
        budget = state.budget[:, world.a(self.actor)]
        budget[mask] -= self.cost(world)
        state.mark_taken(self.actor, self.kind, self.target(), mask)
        return self.apply(world, state, mask, rng)

    def to_dict(self) -> dict:
        """The action as plain data (its fields hold plain values: no copy is needed)."""
        return {"kind": self.kind, **{f.name: getattr(self, f.name) for f in dataclasses.fields(self)}}

    def describe(self, world: World) -> str:
        return f"{world.name(self.actor)}: {self.label.lower()}"


def action_from_dict(data: dict) -> Action:
    """Rebuild an action from its dict; raises ValueError with a plain reason."""
    if not isinstance(data, dict) or "kind" not in data:
        raise ValueError("an action must be a mapping with a 'kind'")
    cls = ACTION_TYPES.get(data["kind"])
    if cls is None:
        raise ValueError(f"unknown action kind '{data['kind']}' (known: {', '.join(sorted(ACTION_TYPES))})")
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = set(data) - names - {"kind"}
    if unknown:
        raise ValueError(f"unknown field(s) {sorted(unknown)} for action '{cls.kind}'")
    try:
        return cls(**{k: v for k, v in data.items() if k != "kind"})
    except TypeError as exc:
        raise ValueError(f"action '{cls.kind}': {exc}") from None


# --- helpers -------------------------------------------------------------------------
def _state_of(world: World, actor_id: str) -> int:
    if actor_id not in world.actor_ids:
        raise Refused(f"There is no actor '{actor_id}' in this scenario.")
    return world.a(actor_id)


def _own_region(world: World, actor: str, region: str) -> int:
    if region not in world.region_ids:
        raise Refused(f"There is no region '{region}' in this scenario.")
    r = world.r(region)
    if world.region_country[r] != world.a(actor):
        raise Refused(f"{world.name(region)} is not governed by {world.name(actor)}.")
    return r


def _pending_session(world: World, state: State, actor: str, body: str) -> np.ndarray:
    """(R,) runs where ``body`` has a session pending in which ``actor`` has a vote (or refuse)."""
    if body not in world.org_ids:
        raise Refused(f"There is no organisation '{body}'.")
    if not world.membership[world.o(body), world.a(actor)]:
        raise Refused(f"{world.name(actor)} has no vote in the {body}.")
    pending = (state.req_stage[:, :, world.b(body)] == SESSION_SCHEDULED).any(axis=1)
    if not pending.any():
        raise Refused(f"No {body} session is pending.")
    return pending


def host_consents(world: World, state: State, guest: int, host: int, region: int = -1) -> np.ndarray:
    """(R,) whether ``host`` lets ``guest`` put troops on its soil (in ``region``).

    Consent comes from a mutual-defence agreement, a border-cooperation agreement (border
    regions only), or a request from the host that the guest answered with troops.
    """
    if guest == host:
        return np.ones(state.runs, dtype=bool)
    guest_id, host_id = world.actor_ids[guest], world.actor_ids[host]
    for ag in world.scenario.agreements:
        if guest_id in ag.parties and host_id in ag.parties:
            if ag.kind == "mutual_defence":
                return np.ones(state.runs, dtype=bool)
            if ag.kind == "border_cooperation" and region >= 0 and world.foreign_adjacency[region].any():
                return np.ones(state.runs, dtype=bool)
    b = world.b(guest_id)
    troops = (state.outcome[:, b] == OUTCOMES.index("peacekeeping")) | \
             (state.outcome[:, b] == OUTCOMES.index("collective_defence"))
    return (state.req_stage[:, host, b] == ANSWERED) & troops


def _scale_fire_on(state: State, mask: np.ndarray, regions: np.ndarray, factor: float) -> None:
    """Scale every state's operations in ``regions`` by ``factor`` in the runs of ``mask`` (as
    ``state.hostile[np.ix_(mask, all actors, regions)] *= factor``, one region at a time)."""
    runs = np.flatnonzero(mask)
    for r in regions:
        state.hostile[runs, :, r] *= factor


# --- the actions ---------------------------------------------------------------------
@dataclass(frozen=True)
class RequestAssistance(Action):
    target_body: str = ""
    article: int | None = None
    framing: str = "internal_unrest"
    against: str | None = None
    about: str | None = None
    kind: ClassVar[str] = "request_assistance"
    label: ClassVar[str] = "Request assistance"
    help: ClassVar[str] = ("Ask an organisation (under a treaty article) or a state for help, framing the crisis "
                           "as internal unrest, outside interference, terrorism, a border incident or aggression "
                           "by a state. The article invoked bounds what can be decided. A member may also call for "
                           "action about another member's crisis ('about'): without that member's own request, "
                           "only words and consultations are possible.")
    base_cost = 1.0
    actor_kinds = ("government", "state")

    def target(self):
        return self.target_body

    def check(self, world, state):
        q = world.a(self.actor)
        if self.framing not in FRAMINGS:
            raise Refused(f"Unknown framing '{self.framing}' (use one of: {', '.join(FRAMINGS)}).")
        if self.target_body not in world.body_ids:
            raise Refused(f"There is no organisation or state '{self.target_body}'.")
        if self.target_body == self.actor:
            raise Refused("A government cannot ask itself for help.")
        if self.against is not None:
            if self.against not in world.actor_ids:
                raise Refused(f"There is no actor '{self.against}'.")
            if self.against == self.actor:
                raise Refused("A government cannot ask for help against itself.")
        if self.about is not None:
            if self.target_body not in world.org_ids:
                raise Refused("Only an organisation can be asked to act about another state.")
            if not (self.about in world.actor_ids and world.actor(self.about).kind in STATE_KINDS):
                raise Refused(f"There is no state '{self.about}'.")
            if not world.membership[world.o(self.target_body), world.a(self.about)]:
                raise Refused(f"{world.name(self.about)} is not a member of the {self.target_body}.")
        if self.target_body in world.org_ids:
            org = world.org(self.target_body)
            if not org.security_role:
                raise Refused(f"{org.name} takes no requests for military assistance.")
            if not world.membership[world.o(org.id), q]:
                raise Refused(f"{world.name(self.actor)} is not a member of the {org.id}: only members may invoke its treaty.")
            if self.article is not None:
                numbers = [a.number for a in org.rules.articles]
                if self.article not in numbers:
                    raise Refused(f"Article {self.article} is not among the {org.id} articles in force "
                                  f"({', '.join(map(str, numbers)) or 'none'}).")
        else:
            if world.actor(self.target_body).kind not in ("government", "state"):
                raise Refused(f"{world.name(self.target_body)} is not a state.")
        b = world.b(self.target_body)
        free = state.req_stage[:, q, b] != SESSION_SCHEDULED
        if not free.any():
            raise Refused(f"A request to {world.phrase(self.target_body)} is already pending.")
        return free

    def apply(self, world, state, mask, rng):
        q, b = world.a(self.actor), world.b(self.target_body)
        against = world.a(self.against) if self.against else -1
        about = world.a(self.about) if self.about else -1
        schedule_request(world, state, q, b, mask, self.article or -1, self.framing, against, about)
        art = f" under Article {self.article}" if self.article else ""
        on = f" about {world.name(self.about)}" if self.about and self.about != self.actor else ""
        vs = f" against {world.name(self.against)}" if self.against else ""
        return (f"{world.name(self.actor)} asks {world.phrase(self.target_body)} for assistance{art}{on}, "
                f"calling the crisis {self.framing.replace('_', ' ')}{vs}.")


@dataclass(frozen=True)
class Vote(Action):
    body: str = ""
    support_up_to: str = "logistics_support"
    otherwise: str = "abstain"
    kind: ClassVar[str] = "vote"
    label: ClassVar[str] = "Cast council vote"
    help: ClassVar[str] = ("Set your position for the coming session: support every mandate up to a level; "
                           "above it abstain or oppose. Under consensus one opposition blocks.")
    base_cost = 0.0

    def target(self):
        return self.body

    def check(self, world, state):
        pending = _pending_session(world, state, self.actor, self.body)
        if self.support_up_to not in LEVELS:
            raise Refused(f"Unknown mandate level '{self.support_up_to}'.")
        if self.otherwise not in ("abstain", "oppose"):
            raise Refused("Above your level you may only abstain or oppose.")
        return pending

    def apply(self, world, state, mask, rng):
        state.human_votes[(self.actor, self.body)] = (LEVEL_OF[self.support_up_to], self.otherwise)
        return (f"{world.name(self.actor)} will support up to {self.support_up_to.replace('_', ' ')} "
                f"in the {self.body} and {self.otherwise} above it.")


@dataclass(frozen=True)
class ProposeMandate(Action):
    body: str = ""
    level: str = "logistics_support"
    kind: ClassVar[str] = "propose_mandate"
    label: ClassVar[str] = "Propose a mandate"
    help: ClassVar[str] = ("Put a draft decision on the table for the coming session: the council will vote on "
                           "nothing stronger than this. Use it to keep troops off the agenda, or to offer a "
                           "compromise that can pass.")
    base_cost = 1.0

    def target(self):
        return self.body

    def check(self, world, state):
        pending = _pending_session(world, state, self.actor, self.body)
        if self.level not in LEVELS[1:]:
            raise Refused(f"Unknown mandate level '{self.level}'.")
        return pending

    def apply(self, world, state, mask, rng):
        b = world.b(self.body)
        state.proposal[mask, b] = np.minimum(state.proposal[mask, b], LEVEL_OF[self.level])
        return (f"{world.name(self.actor)} proposes that the {self.body} decide on at most "
                f"{self.level.replace('_', ' ')}.")


@dataclass(frozen=True)
class AnswerRequest(Action):
    requester: str = ""
    answer: str = "logistics_support"
    kind: ClassVar[str] = "answer_request"
    label: ClassVar[str] = "Answer a request"
    help: ClassVar[str] = ("Answer a government's plea for help: decline, consultations, logistics "
                           "(equipment, aid) or peacekeeping troops.")
    base_cost = 0.0

    def target(self):
        return self.requester

    def check(self, world, state):
        q = _state_of(world, self.requester)
        if self.answer not in LEVELS:
            raise Refused(f"Unknown answer '{self.answer}'.")
        pending = state.req_stage[:, q, world.b(self.actor)] == SESSION_SCHEDULED
        if not pending.any():
            raise Refused(f"{world.name(self.requester)} has no pending request to {world.name(self.actor)}.")
        return pending

    def apply(self, world, state, mask, rng):
        state.human_votes[(self.actor, self.actor)] = (LEVEL_OF[self.answer], "oppose")
        return f"{world.name(self.actor)} decides how to answer {world.name(self.requester)}."


@dataclass(frozen=True)
class DeployForce(Action):
    force: str = ""
    region: str = ""
    kind: ClassVar[str] = "deploy_force"
    label: ClassVar[str] = "Deploy a force"
    help: ClassVar[str] = ("Send one of your units to a region: at home freely; abroad only with the host's "
                           "consent (its request that you answered with troops, a mutual-defence agreement, or a "
                           "border-cooperation agreement for border regions). It arrives after its readiness delay.")
    base_cost = 2.0

    def target(self):
        return self.region

    def check(self, world, state):
        if self.force not in world.force_ids:
            raise Refused(f"There is no force '{self.force}'.")
        if self.region not in world.region_ids:
            raise Refused(f"There is no region '{self.region}'.")
        f = world.f(self.force)
        if world.force_owner[f] != world.a(self.actor):
            raise Refused(f"{world.name(self.force)} is not under {world.name(self.actor)}'s command.")
        free = state.force_status[:, f] != IN_TRANSIT
        if not free.any():
            raise Refused(f"{world.name(self.force)} is already on the move.")
        host = int(world.region_country[world.r(self.region)])
        consent = host_consents(world, state, world.a(self.actor), host, world.r(self.region))
        if not consent.any():
            raise Refused(f"{world.name(world.actor_ids[host])} has not consented to foreign troops.")
        here = (state.force_location[:, f] == world.r(self.region)) & (state.force_status[:, f] == DEPLOYED)
        if not (~here).any():
            raise Refused(f"{world.name(self.force)} is already there.")
        return free & consent & ~here

    def apply(self, world, state, mask, rng):
        f, r = world.f(self.force), world.r(self.region)
        days = world.force_readiness[f] + transit_days(world, f, int(world.region_country[r]))
        turns = max(1, math.ceil(days / world.scenario.turn_days))
        state.force_status[mask, f] = IN_TRANSIT
        state.force_destination[mask, f] = r
        state.force_arrival[mask, f] = state.turn + turns
        state.force_body[mask, f] = -1
        return (f"{world.name(self.actor)} orders {world.name(self.force)} to {world.name(self.region)}; "
                f"it arrives on {world.date_of_turn(state.turn + turns):%d %b}.")


@dataclass(frozen=True)
class WithdrawForce(Action):
    force: str = ""
    kind: ClassVar[str] = "withdraw_force"
    label: ClassVar[str] = "Withdraw a force"
    help: ClassVar[str] = "Bring a deployed or moving unit home."
    base_cost = 0.0

    def target(self):
        return self.force

    def check(self, world, state):
        if self.force not in world.force_ids:
            raise Refused(f"There is no force '{self.force}'.")
        f = world.f(self.force)
        if world.force_owner[f] != world.a(self.actor):
            raise Refused(f"{world.name(self.force)} is not under {world.name(self.actor)}'s command.")
        away = state.force_status[:, f] != AT_HOME
        if not away.any():
            raise Refused(f"{world.name(self.force)} is already at home.")
        return away

    def apply(self, world, state, mask, rng):
        f = world.f(self.force)
        home = world.force_home_region[f]
        state.force_status[mask, f] = AT_HOME
        state.force_location[mask, f] = home
        state.force_destination[mask, f] = home
        state.force_arrival[mask, f] = -1
        state.force_body[mask, f] = -1
        return f"{world.name(self.actor)} withdraws {world.name(self.force)}."


@dataclass(frozen=True)
class SendAid(Action):
    recipient: str = ""
    aid: str = "humanitarian"
    kind: ClassVar[str] = "send_aid"
    label: ClassVar[str] = "Send aid"
    help: ClassVar[str] = ("Humanitarian aid lowers deaths and speeds recovery; equipment, helicopters and fuel "
                           "make the recipient's own security forces more effective.")
    base_cost = 2.0

    def target(self):
        return self.recipient

    def check(self, world, state):
        _state_of(world, self.recipient)
        if self.aid not in ("humanitarian", "equipment", "helicopters", "fuel"):
            raise Refused(f"Unknown aid '{self.aid}'.")
        if world.actor(self.recipient).kind not in ("government", "state"):
            raise Refused("Aid goes to a state.")
        return None

    def apply(self, world, state, mask, rng):
        rec = world.a(self.recipient)
        regs = world.regions_of(rec)
        if self.aid == "humanitarian":
            state.aid[np.ix_(mask, regs)] += 0.3
        else:
            state.equipment[mask, rec] = np.minimum(state.equipment[mask, rec] + 0.2, 1.0)
        return f"{world.name(self.actor)} sends {self.aid} aid to {world.name(self.recipient)}."


@dataclass(frozen=True)
class SetBorder(Action):
    neighbour: str = ""
    open: bool = False
    kind: ClassVar[str] = "set_border"
    label: ClassVar[str] = "Open or close a border"
    help: ClassVar[str] = ("Close your border with a neighbour to stop refugees and fighters, or reopen it. "
                           "Closing it leaves those fleeing trapped on the other side.")
    base_cost = 1.0

    def target(self):
        return self.neighbour

    def check(self, world, state):
        me, other = world.a(self.actor), _state_of(world, self.neighbour)
        if not world.share_border(me, other):
            raise Refused(f"{world.name(self.actor)} has no border with {world.name(self.neighbour)} in this scenario.")
        differs = state.border_open[:, me, other] != self.open
        if not differs.any():
            raise Refused(f"The border is already {'open' if self.open else 'closed'}.")
        return differs

    def apply(self, world, state, mask, rng):
        me, other = world.a(self.actor), world.a(self.neighbour)
        state.border_open[mask, me, other] = self.open
        verb = "reopens" if self.open else "closes"
        return f"{world.name(self.actor)} {verb} its border with {world.name(self.neighbour)}."


@dataclass(frozen=True)
class ReinforceBorder(Action):
    region: str = ""
    kind: ClassVar[str] = "reinforce_border"
    label: ClassVar[str] = "Reinforce a border"
    help: ClassVar[str] = "Send border guards and engineers to a border region: fewer fighters slip through."
    base_cost = 2.0

    def target(self):
        return self.region

    def check(self, world, state):
        r = _own_region(world, self.actor, self.region)
        if not world.foreign_adjacency[r].any():
            raise Refused(f"{world.name(self.region)} has no foreign border.")
        room = state.border_security[:, r] < 0.95
        if not room.any():
            raise Refused(f"The border of {world.name(self.region)} is already as secure as it can be.")
        return room

    def apply(self, world, state, mask, rng):
        r = world.r(self.region)
        state.border_security[mask, r] += 0.15 * (1.0 - state.border_security[mask, r])
        return f"{world.name(self.actor)} reinforces the border in {world.name(self.region)}."


@dataclass(frozen=True)
class SecurityOperation(Action):
    region: str = ""
    kind: ClassVar[str] = "security_operation"
    label: ClassVar[str] = "Security operation"
    help: ClassVar[str] = "Commit national reserve troops to restore order in one of your regions."
    base_cost = 2.0

    def target(self):
        return self.region

    def check(self, world, state):
        _own_region(world, self.actor, self.region)
        has = state.reserve[:, world.a(self.actor)] >= 100
        if not has.any():
            raise Refused(f"{world.name(self.actor)} has no reserve troops left.")
        return has

    def apply(self, world, state, mask, rng):
        a, r = world.a(self.actor), world.r(self.region)
        sent = np.minimum(state.reserve[mask, a], np.maximum(1000.0, 0.5 * state.reserve[mask, a]))
        state.reserve[mask, a] -= sent
        state.security[mask, r] += sent
        return f"{world.name(self.actor)} sends {int(sent[0]):,} troops to restore order in {world.name(self.region)}."


@dataclass(frozen=True)
class DeclareEmergency(Action):
    region: str = ""
    kind: ClassVar[str] = "declare_emergency"
    label: ClassVar[str] = "State of emergency"
    help: ClassVar[str] = "Curfew and emergency powers for ten days: security forces act 50% harder; trust suffers a little."
    base_cost = 1.0

    def target(self):
        return self.region

    def check(self, world, state):
        r = _own_region(world, self.actor, self.region)
        free = state.emergency_days[:, r] <= 0
        if not free.any():
            raise Refused(f"{world.name(self.region)} is already under a state of emergency.")
        return free

    def apply(self, world, state, mask, rng):
        r = world.r(self.region)
        state.emergency_days[mask, r] = 10
        state.stability[mask, r] = np.maximum(state.stability[mask, r] - 0.02, 0.0)
        return f"{world.name(self.actor)} declares a state of emergency and a curfew in {world.name(self.region)}."


@dataclass(frozen=True)
class Mediate(Action):
    between: str = ""
    kind: ClassVar[str] = "mediate"
    label: ClassVar[str] = "Mediate"
    help: ClassVar[str] = "Offer good offices to a state in crisis: tension falls if you are trusted there."
    base_cost = 1.0
    actor_kinds = ("government", "state", "secretariat")

    def target(self):
        return self.between

    def check(self, world, state):
        other = _state_of(world, self.between)
        if other == world.a(self.actor):
            raise Refused("A state cannot mediate in its own crisis.")
        if not world.ties[other, world.a(self.actor)] > -0.3:
            raise Refused(f"{world.name(self.between)} does not trust {world.name(self.actor)} as a mediator.")
        return None

    def apply(self, world, state, mask, rng):
        other = world.a(self.between)
        trust = max(world.ties[other, world.a(self.actor)], 0.0)
        state.tension[np.ix_(mask, world.regions_of(other))] *= 1.0 - 0.05 * (0.5 + trust)
        ease = 1.0 - (1.0 - world.k.mediation_restraint) * 0.5 * (0.5 + trust)
        regs = world.regions_of(other)
        _scale_fire_on(state, mask, regs, ease)                                         # fire on it
        state.hostile[np.ix_(mask, [other], np.arange(len(world.region_ids)))] *= ease  # its own fire
        return f"{world.name(self.actor)} offers to mediate in {world.name(self.between)}."


@dataclass(frozen=True)
class PublicStatement(Action):
    stance: str = "call_for_restraint"
    about: str = ""
    kind: ClassVar[str] = "public_statement"
    label: ClassVar[str] = "Public statement"
    help: ClassVar[str] = ("Back the government, call for restraint, condemn the violence, or blame outside "
                           "forces (which makes an external reading of the crisis more likely).")
    base_cost = 0.0
    actor_kinds = ("government", "state", "secretariat")

    def target(self):
        return self.about

    def check(self, world, state):
        _state_of(world, self.about)
        if self.stance not in ("support_government", "call_for_restraint", "blame_outside_forces", "condemn_violence"):
            raise Refused(f"Unknown stance '{self.stance}'.")
        said = state.taken.get((self.actor, self.kind, self.about))
        fresh = np.ones(state.runs, dtype=bool) if said is None else ~said
        if not fresh.any():
            raise Refused(f"{world.name(self.actor)} has already spoken on {world.name(self.about)}.")
        return fresh

    def apply(self, world, state, mask, rng):
        about = world.a(self.about)
        regs = world.regions_of(about)
        if self.stance == "support_government":
            state.stability[np.ix_(mask, regs)] = np.minimum(state.stability[np.ix_(mask, regs)] + 0.02, 1.0)
        elif self.stance in ("call_for_restraint", "condemn_violence"):
            state.tension[np.ix_(mask, regs)] *= 0.98
        else:
            state.perceived_external[mask, about] = np.minimum(state.perceived_external[mask, about] + 0.1, 0.5)
        if self.stance in ("call_for_restraint", "condemn_violence"):
            _scale_fire_on(state, mask, regs, world.k.calm_statement)
        for o, org_id in enumerate(world.org_ids):     # a secretary-general speaks for the organisation
            if world.org(org_id).secretariat == self.actor and world.membership[o, about]:
                _outcome(state, world.b(org_id), mask, "statement")
        return f"{world.name(self.actor)} makes a statement on {world.name(self.about)}: {self.stance.replace('_', ' ')}."


@dataclass(frozen=True)
class Attack(Action):
    region: str = ""
    kind: ClassVar[str] = "attack"
    label: ClassVar[str] = "Press into a region"
    help: ClassVar[str] = "Armed groups: push fighters into a neighbouring region; weak borders let more through."
    base_cost = 1.0
    actor_kinds = ("armed_group",)

    def target(self):
        return self.region

    def check(self, world, state):
        if self.region not in world.region_ids:
            raise Refused(f"There is no region '{self.region}'.")
        g = world.group_ids.index(self.actor)
        near = state.group_strength[:, g, :] @ world.adjacency[:, world.r(self.region)] > 1.0
        if not near.any():
            raise Refused(f"{world.name(self.actor)} has no fighters next to {world.name(self.region)}.")
        return near

    def apply(self, world, state, mask, rng):
        g = world.group_ids.index(self.actor)
        state.group_target[mask, g] = world.r(self.region)
        return f"{world.actor(self.actor).name} press toward {world.name(self.region)}."


@dataclass(frozen=True)
class ChooseOption(Action):
    event: str = ""
    choice: int = 0
    kind: ClassVar[str] = "choose_option"
    label: ClassVar[str] = "Choose"
    help: ClassVar[str] = "Answer a situation that an event put before you."
    base_cost = 0.0
    actor_kinds = ("government", "state", "armed_group", "secretariat")

    def target(self):
        return self.event

    def check(self, world, state):
        offer = next((c for c in state.pending_choices if c["event"] == self.event and c["actor"] == self.actor), None)
        if offer is None:
            raise Refused(f"No choice from '{self.event}' is waiting for {world.name(self.actor)}.")
        if not 0 <= self.choice < len(offer["choices"]):
            raise Refused("There is no such option.")
        return None

    def apply(self, world, state, mask, rng):
        from game.engine.events import apply_effects  # local: events imports actions
        offer = next(c for c in state.pending_choices if c["event"] == self.event and c["actor"] == self.actor)
        state.pending_choices.remove(offer)
        choice = offer["choices"][self.choice]
        offered = offer.get("runs")          # only the runs in which the event offered the choice
        apply_effects(world, state, choice.effects, mask if offered is None else mask & offered, rng, news=None)
        return f"{world.name(self.actor)}: {choice.label}."


@dataclass(frozen=True)
class CrossBorderAttack(Action):
    region: str = ""
    mode: str = "shell"
    kind: ClassVar[str] = "cross_border_attack"
    label: ClassVar[str] = "Attack across a border"
    help: ClassVar[str] = ("Your army fires on, assaults or occupies positions in a neighbouring state's border "
                           "region. Soldiers on both sides die, villages empty, and the other side may ask its "
                           "allies for help against you. It goes on until a ceasefire.")
    base_cost = 2.0

    def target(self):
        return self.region

    def check(self, world, state):
        if self.mode not in ("shell", "attack", "occupy"):
            raise Refused(f"Unknown mode '{self.mode}' (shell, attack or occupy).")
        if self.region not in world.region_ids:
            raise Refused(f"There is no region '{self.region}'.")
        a, r = world.a(self.actor), world.r(self.region)
        host = int(world.region_country[r])
        if host == a:
            raise Refused(f"{world.name(self.region)} is {world.name(self.actor)}'s own territory.")
        if not world.adjacency[r, world.regions_of(a)].any():
            raise Refused(f"{world.name(self.region)} does not border {world.name(self.actor)}'s territory.")
        stronger = state.hostile[:, a, r] < world.k.mode_intensity(self.mode) - 1e-9
        if not stronger.any():
            raise Refused(f"{world.name(self.actor)} is already operating at that intensity there.")
        return stronger

    def apply(self, world, state, mask, rng):
        a, r = world.a(self.actor), world.r(self.region)
        state.hostile[mask, a, r] = world.k.mode_intensity(self.mode)
        verb = {"shell": "shell positions in", "attack": "assault positions in", "occupy": "seize ground in"}[self.mode]
        return f"{world.name(self.actor)}'s forces {verb} {world.name(self.region)}."


@dataclass(frozen=True)
class Ceasefire(Action):
    with_state: str = ""
    kind: ClassVar[str] = "ceasefire"
    label: ClassVar[str] = "Cease fire"
    help: ClassVar[str] = ("Order your forces to stop firing on a neighbour. The fighting ends when both sides "
                           "have stopped; occupied ground is not handed back by itself.")
    base_cost = 1.0

    def target(self):
        return self.with_state

    def check(self, world, state):
        other = _state_of(world, self.with_state)
        if other == world.a(self.actor):
            raise Refused("A state cannot agree a ceasefire with itself.")
        firing = max_over_axis1(state.hostile[:, world.a(self.actor), world.regions_of(other)]) > 0 \
            if len(world.regions_of(other)) else np.zeros(state.runs, dtype=bool)
        if not firing.any():
            raise Refused(f"{world.name(self.actor)}'s forces are not firing on {world.name(self.with_state)}.")
        return firing

    def apply(self, world, state, mask, rng):
        a, other = world.a(self.actor), world.a(self.with_state)
        state.hostile[np.ix_(mask, [a], world.regions_of(other))] = 0.0
        return f"{world.name(self.actor)} orders its forces to cease fire on {world.name(self.with_state)}."


# --- the instructor (white cell) ---------------------------------------------------------
INSTRUCTOR = "INSTRUCTOR"      # the reserved actor id of the instructor's seat (plays no state)
ADJUSTABLE = ("violence", "stability", "tension", "control")
MAX_NEWS = 300
NEWS_ITEM = "instructor_news"           # ``state.taken`` kind: the instructor published this text
WITHDRAWN = "instructor_withdrawn"      # ``state.taken`` kind: the instructor withdrew this text


@dataclass(frozen=True)
class InstructorAction(Action):
    """A change the instructor makes to the game: free, never refused for action points, logged
    with ``"by": "instructor"`` so that it is in the save, the replay and the audit trail.

    An action that changes the world (an interest weight, a tie) replaces the world's array with an
    adjusted copy, never changes it in place (arrays are shared by reference); ``changes_world``
    marks it, so that a game can rebuild what it derived from the world (its computer players)."""

    base_cost = 0.0
    changes_world: ClassVar[bool] = False

    def validate(self, world: World, state: State) -> Verdict:
        if self.actor != INSTRUCTOR:
            return refused(state, "Only the instructor's seat can do this.")
        try:
            extra = self.check(world, state)
        except Refused as why:
            return refused(state, str(why))
        return Verdict(np.ones(state.runs, dtype=bool) if extra is None else extra.copy())

    def perform(self, world, state, mask, rng, humans=frozenset()) -> str:
        return self.apply(world, state, mask, rng, humans)


def _number(value, low: float, high: float) -> bool:
    """A finite number (not a bool) from ``low`` to ``high``."""
    return (isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
            and low <= value <= high)


def _check_news(state: State, text) -> None:
    """Refuse a news item that is empty, too long, or one the instructor has withdrawn."""
    if not (isinstance(text, str) and bool(text.strip())):
        raise Refused("Write the news item first.")
    if len(text) > MAX_NEWS:
        raise Refused(f"A news item has at most {MAX_NEWS} characters.")
    if text.strip() in withdrawn_news(state):
        raise Refused("You withdrew a news item with this text: word it differently to publish it again.")


def _actor_id(world: World, actor_id) -> str:
    if not (isinstance(actor_id, str) and actor_id in world.actor_ids):
        raise Refused(f"There is no actor '{actor_id}' in this scenario.")
    return actor_id


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def interest_words(key: str) -> str:
    """An interest key in words: ``non_interference`` -> "non-interference"."""
    return key.replace("non_", "non-").replace("_", " ")


def _texts(state: State, kind: str) -> frozenset[str]:
    """The instructor's news texts marked ``kind`` (NEWS_ITEM or WITHDRAWN) in run 0."""
    return frozenset(t for (a, k, t), m in state.taken.items() if a == INSTRUCTOR and k == kind and t and m[0])


def withdrawn_news(state: State) -> frozenset[str]:
    """The texts of the news items the instructor has withdrawn from the seats."""
    return _texts(state, WITHDRAWN)


def news_marks(entry: dict, withdrawn: frozenset[str]) -> dict:
    """Who may read the news item drawn from a decisions-phase ``entry``: ``{"to": [ids]}`` for a
    briefing to some seats; ``{"hidden": True}`` for an instructor's item since withdrawn and for the
    withdrawal itself (the instructor's own record); ``{}`` for public news."""
    action = entry.get("action") or {}
    marks = {"to": list(action["to"])} if action.get("to") else {}
    kind = action.get("kind")
    if entry.get("by") == "instructor" and (
            kind == InstructorWithdraw.kind
            or (kind in (InstructorInject.kind, InstructorBrief.kind) and str(action.get("text", "")).strip() in withdrawn)):
        marks["hidden"] = True
    return marks


@dataclass(frozen=True)
class InstructorInject(InstructorAction):
    """Fire one of the scenario's own events now (``event``), or publish a written news item (``text``)."""

    event: str = ""
    text: str = ""
    kind: ClassVar[str] = "instructor_inject"
    label: ClassVar[str] = "Inject"
    help: ClassVar[str] = "The instructor fires one of the scenario's events now, or writes a news item."

    def check(self, world, state):
        if bool(self.event) == (isinstance(self.text, str) and bool(self.text.strip())):
            raise Refused("Inject either one of the scenario's events or a news item.")
        if self.event:
            if not any(e.id == self.event for e in world.scenario.events):
                raise Refused(f"There is no event '{self.event}' in this scenario.")
        else:
            _check_news(state, self.text)

    def apply(self, world, state, mask, rng, humans=frozenset()):
        if not self.event:
            state.mark_taken(INSTRUCTOR, NEWS_ITEM, self.text.strip(), mask)
            return f"Instructor's news: {self.text.strip()}"
        from game.engine.events import apply_effects  # local: events imports actions
        e = next(i for i, ev in enumerate(world.scenario.events) if ev.id == self.event)
        event = world.scenario.events[e]
        state.event_fired[mask, e] = True
        news: list[dict] = []
        apply_effects(world, state, event.effects, mask, rng, news=news, humans=humans, event_id=event.id)
        said = " ".join(n["text"] for n in news)
        return f"Instructor's inject: {event.title}." + (f" {said}" if said else "")


@dataclass(frozen=True)
class InstructorBrief(InstructorAction):
    """A private briefing: a news item that only the seats in ``to`` (and the instructor) may read."""

    text: str = ""
    to: tuple[str, ...] = ()
    kind: ClassVar[str] = "instructor_brief"
    label: ClassVar[str] = "Brief"
    help: ClassVar[str] = "The instructor sends a news item to chosen seats only."

    def __post_init__(self):
        if isinstance(self.to, list):      # a save's JSON list
            object.__setattr__(self, "to", tuple(self.to))

    def check(self, world, state):
        _check_news(state, self.text)
        if not (isinstance(self.to, tuple) and len(self.to) > 0):
            raise Refused("Choose at least one seat to brief.")
        for a in self.to:
            _actor_id(world, a)
        if len(set(self.to)) != len(self.to):
            raise Refused("A seat is named twice among those briefed.")

    def apply(self, world, state, mask, rng, humans=frozenset()):
        state.mark_taken(INSTRUCTOR, NEWS_ITEM, self.text.strip(), mask)
        return f"Instructor's briefing to {_and([world.name(a) for a in self.to])} only: {self.text.strip()}"


@dataclass(frozen=True)
class InstructorWithdraw(InstructorAction):
    """Withdraw a news item or briefing the instructor published (``text``): the seats no longer see it."""

    text: str = ""
    kind: ClassVar[str] = "instructor_withdraw"
    label: ClassVar[str] = "Withdraw"
    help: ClassVar[str] = "The instructor withdraws a news item of theirs from the seats."

    def check(self, world, state):
        text = self.text.strip() if isinstance(self.text, str) else ""
        if text not in _texts(state, NEWS_ITEM):
            raise Refused("The instructor has published no news item with this text.")
        if text in withdrawn_news(state):
            raise Refused("This news item is already withdrawn.")

    def apply(self, world, state, mask, rng, humans=frozenset()):
        state.mark_taken(INSTRUCTOR, WITHDRAWN, self.text.strip(), mask)
        return f"Instructor withdraws the news item “{self.text.strip()}” from the seats."


@dataclass(frozen=True)
class InstructorAdjust(InstructorAction):
    """Change a region's figure (violence, stability, tension or control, each 0 to 1) by ``add``."""

    region: str = ""
    figure: str = "violence"
    add: float = 0.0
    kind: ClassVar[str] = "instructor_adjust"
    label: ClassVar[str] = "Adjust"
    help: ClassVar[str] = "The instructor raises or lowers a region's figure."

    def check(self, world, state):
        if self.region not in world.region_ids:
            raise Refused(f"There is no region '{self.region}' in this scenario.")
        if self.figure not in ADJUSTABLE:
            raise Refused(f"Only {', '.join(ADJUSTABLE)} can be adjusted.")
        if not (_number(self.add, -1, 1) and self.add != 0):
            raise Refused("The change must be a number between -1 and 1, not 0.")

    def apply(self, world, state, mask, rng, humans=frozenset()):
        arr = getattr(state, self.figure)
        r = world.r(self.region)
        arr[mask, r] = np.clip(arr[mask, r] + self.add, 0.0, 1.0)
        way = "raises" if self.add > 0 else "lowers"
        return (f"Instructor {way} {self.figure} in {world.name(self.region)} by {abs(self.add):g} "
                f"(now {float(arr[0, r]):.2f}).")


@dataclass(frozen=True)
class InstructorInterest(InstructorAction):
    """Set the weight (0 to 1) an actor gives one of its interests (``world.interests``)."""

    of: str = ""
    interest: str = ""
    weight: float = 0.5
    kind: ClassVar[str] = "instructor_interest"
    label: ClassVar[str] = "Set an interest"
    help: ClassVar[str] = "The instructor sets how much an actor cares about one of its interests."
    changes_world: ClassVar[bool] = True

    def check(self, world, state):
        _actor_id(world, self.of)
        if self.interest not in INTEREST_KEYS:
            raise Refused(f"'{self.interest}' is not an interest; the interests are {', '.join(INTEREST_KEYS)}.")
        if not _number(self.weight, 0, 1):
            raise Refused("An interest's weight is a number from 0 to 1.")

    def apply(self, world, state, mask, rng, humans=frozenset()):
        a, k = world.a(self.of), INTEREST_KEYS.index(self.interest)
        was = float(world.interests[a, k])
        interests = world.interests.copy()
        interests[a, k] = self.weight
        interest_of = list(world.interest_of)
        interest_of[a] = {**interest_of[a], self.interest: float(self.weight)}
        world.interests, world.interest_of = interests, interest_of
        return (f"Instructor sets {world.name(self.of)}'s weight on {interest_words(self.interest)} "
                f"from {was:.2f} to {float(self.weight):.2f} (0 indifferent, 1 vital).")


@dataclass(frozen=True)
class InstructorTie(InstructorAction):
    """Set how ``of`` regards ``towards`` (``world.ties[of, towards]``, -1 hostile to 1 close ally).

    Ties are directed, as the model reads them: a member weighs a crisis by its own tie to the state."""

    of: str = ""
    towards: str = ""
    value: float = 0.0
    kind: ClassVar[str] = "instructor_tie"
    label: ClassVar[str] = "Set a tie"
    help: ClassVar[str] = "The instructor sets how one actor regards another, from -1 (hostile) to 1 (close ally)."
    changes_world: ClassVar[bool] = True

    def check(self, world, state):
        _actor_id(world, self.of)
        _actor_id(world, self.towards)
        if self.of == self.towards:
            raise Refused("An actor's tie to itself is always 1.")
        if not _number(self.value, -1, 1):
            raise Refused("A tie is a number from -1 (hostile) to 1 (close ally).")

    def apply(self, world, state, mask, rng, humans=frozenset()):
        a, b = world.a(self.of), world.a(self.towards)
        was = float(world.ties[a, b])
        ties = world.ties.copy()
        ties[a, b] = self.value
        world.ties = ties
        return (f"Instructor sets {world.name(self.of)}'s tie to {world.name(self.towards)} from {was:+.2f} "
                f"to {float(self.value):+.2f} (-1 hostile, 1 close ally).")


@dataclass(frozen=True)
class InstructorBorder(InstructorAction):
    """Open or close ``country``'s border with ``neighbour`` on the instructor's say, as ``SetBorder``
    does when the state itself decides (one side of the border: each state keeps its own)."""

    country: str = ""
    neighbour: str = ""
    open: bool = False
    kind: ClassVar[str] = "instructor_border"
    label: ClassVar[str] = "Open or close a border"
    help: ClassVar[str] = "The instructor has a state open or close its border with a neighbour."

    def _rule(self) -> SetBorder:
        return SetBorder(self.country, neighbour=self.neighbour, open=self.open)

    def check(self, world, state):
        _actor_id(world, self.country)
        if world.actor(self.country).kind not in STATE_KINDS:
            raise Refused(f"{world.name(self.country)} is not a state: it has no border to close.")
        if not isinstance(self.open, bool):
            raise Refused("Say whether the border opens (true) or closes (false).")
        return self._rule().check(world, state)

    def apply(self, world, state, mask, rng, humans=frozenset()):
        text = self._rule().apply(world, state, mask, rng)
        return f"On the instructor's say, {text[:-1]} (it was {'closed' if self.open else 'open'})."
