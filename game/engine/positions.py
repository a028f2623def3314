"""How each member judges a measure: utilities from its own interests, ties and commitments.

A member's utility for a measure is a sum of named terms, each an interest weight times a
feature of the crisis times a property of the measure (what it does, costs, how far it takes
sides, how far it intrudes), so the council panel can show *why* a member supports, abstains
or opposes. Every feature is an array over runs and reads only that run's state; coefficients
come from ``world.k`` (game/engine/params.py).

Indicators are scale-free: they are measured over the regions the crisis touches, or against
the state's own forces there, never against a whole country as the author drew it.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from game.engine.fastmath import any_over_axis1, clip, max_over_axis1
from game.engine.state import DEPLOYED, State
from game.engine.reasons import PROCEDURE_LABELS, REASON_CODES, REASON_LABELS, TERM_LABELS  # noqa: F401
from game.engine.world import INTEREST_KEYS, LEVEL_OF, SITUATIONS, World

K = {k: i for i, k in enumerate(INTEREST_KEYS)}
TROOP_LEVEL = LEVEL_OF["peacekeeping"]
DEFENCE_LEVEL = LEVEL_OF["collective_defence"]
AID_LEVEL = LEVEL_OF["logistics_support"]
MEDIATION_LEVEL = LEVEL_OF["mediation"]
INTERNAL, ARMED, AGGRESSION, THREAT, INCIDENT = range(len(SITUATIONS))

REASON_INDEX = {c: i for i, c in enumerate(REASON_CODES)}


@dataclass
class CrisisView:
    """Features of the crisis in one state (each (R,) unless noted), measured where it happens."""

    state: int                   # actor index of the state whose crisis it is
    regions: np.ndarray          # its regions (static)
    affected: np.ndarray         # (R, n) bool: regions the crisis touches in each run
    violence: np.ndarray         # the worst violence in its regions
    instability: np.ndarray      # 1 - the lowest stability where the crisis is
    displaced_share: np.ndarray  # displaced and refugees over the people of the affected regions
    armed: np.ndarray            # fighters over fighters plus the state's own forces where they are
    evidence: np.ndarray         # evidence of direction from abroad, 0..1
    attack: np.ndarray           # the strongest operation of a foreign state on its soil, 0..1
    attacker: np.ndarray         # (R,) actor index of that state, or -1
    pressure: np.ndarray         # armed groups massed across its borders against its border forces, 0..1
    weakness: np.ndarray         # how weak its own forces are against the violence, 0..1
    communal: np.ndarray         # tension times violence where the crisis is: violence between communities
    sponsor: np.ndarray          # (R,) actor index of the state behind the armed groups there, or -1

    @property
    def severity(self) -> np.ndarray:
        """(R,) how hard the crisis has hit: violence, an armed challenge or an attack."""
        return np.maximum(np.maximum(self.violence, self.armed), self.attack)

    @property
    def adversary(self) -> np.ndarray:
        """(R,) the state on the other side: an attacking army, else the groups' sponsor, else -1."""
        return np.where(self.attacker >= 0, self.attacker, self.sponsor)


def own_presence(world: World, state: State, c: int, friends: bool = False,
                 regions: np.ndarray | None = None) -> np.ndarray:
    """(R, N) troops of state ``c`` in each region: its security forces and its deployed units
    (with ``friends``, also the deployed units of close allies: a protector's base counts). With
    ``regions``, (R, n) the same numbers in those regions only."""
    if regions is not None:
        return _own_presence_in(world, state, c, friends, regions)
    troops = np.where(world.region_country[None, :] == c, state.security, 0.0)
    owners = _owners(world, c, friends)
    if not owners.any():
        return troops
    mine = owners[None, :] & (state.force_status == DEPLOYED)
    if mine.any():
        R, N = troops.shape
        flat = (np.arange(R)[:, None] * N + np.where(mine, state.force_location, 0)).ravel()
        troops += np.bincount(flat, np.where(mine, state.force_strength, 0.0).ravel(), minlength=R * N).reshape(R, N)
    return troops


def _owners(world: World, c: int, friends: bool) -> np.ndarray:
    """(F,) the forces that count as state ``c``'s own (with ``friends``, also its close allies')."""
    owners = np.zeros(len(world.force_ids), dtype=bool)
    owners[world.forces_of(c, friends)] = True
    return owners


def _own_presence_in(world: World, state: State, c: int, friends: bool, regions: np.ndarray) -> np.ndarray:
    """``own_presence(...)[:, regions]`` computed on those regions alone: the units' strengths are
    summed per region unit by unit in order, from zero, as ``np.bincount`` sums them (the same numbers)."""
    troops = state.security[:, regions]
    if regions is not world.regions_of(c):                  # (its own regions it governs, all of them)
        governed = world.region_country[regions] == c
        if not governed.all():
            troops = np.where(governed[None, :], troops, 0.0)
    owned = world.forces_of(c, friends)
    if not len(owned):
        return troops
    mine = state.force_status[:, owned] == DEPLOYED                               # (R, k)
    deployed = mine.any(axis=0).nonzero()[0]
    if len(deployed):
        units = np.zeros(troops.shape)
        for j in deployed:
            f = owned[j]
            here = state.force_location[:, f, None] == regions[None, :]
            if state.runs > 1:                              # (one run: deployed somewhere is deployed in it)
                here &= mine[:, j, None]
            units += np.where(here, state.force_strength[:, f, None], 0.0)
        troops += units
    return troops


def _where_it_happens(world: World, state: State, c: int, regs: np.ndarray):
    """What the crisis view and its severity share: each group's fighters per region (R, G, n), the
    violence there (R, n), the strongest foreign operation by each state there (R, A; None when no
    state has fought anywhere yet), the regions the crisis touches (R, n) and the armed challenge (R,)."""
    by_group = state.group_strength[:, :, regs]                                # (R, G, n)
    fighters = by_group.sum(axis=1)                                           # (R, n)
    v = state.violence[:, regs]
    affected = (v > 0.02) | (fighters > 1.0)
    attack_by = None
    if state.hostile.ravel().max() > 0 or state.hostile_memory.ravel().max() > 0:   # (operations are never negative)
        # An attack that has just stopped still happened: the reading weighs recent operations too.
        hostile_in = np.maximum(state.hostile[:, :, regs], state.hostile_memory[:, :, regs])
        hostile_in[:, c] = 0.0                                                # its own operations are no attack
        affected |= max_over_axis1(hostile_in) > 0
        attack_by = hostile_in.max(axis=2)
    affected = affected | ~any_over_axis1(affected)[:, None]                   # nothing yet: the whole state
    own = (own_presence(world, state, c, regions=regs) * affected).sum(axis=1)
    total = (fighters * affected).sum(axis=1)
    armed = total / np.maximum(total + own, 1.0)
    return by_group, v, attack_by, affected, armed


def crisis_severity(world: World, state: State, c: int) -> np.ndarray:
    """(R,) the severity of state ``c``'s crisis (violence, armed challenge or attack), as
    ``crisis_view(...).severity`` gives it, without the rest of the view."""
    regs = world.regions_of(c)
    if len(regs) == 0:
        return np.zeros(state.runs)
    _, v, attack_by, _, armed = _where_it_happens(world, state, c, regs)
    attack = 0.0 if attack_by is None else attack_by.max(axis=1)
    return np.maximum(np.maximum(v.max(axis=1), armed), attack)


def crisis_view(world: World, state: State, c: int, units: np.ndarray | None = None) -> CrisisView:
    """Summarise the crisis in state ``c``'s regions, per run (``units``: the security presence of
    every region, if the caller has it already)."""
    R = state.runs
    regs = world.regions_of(c)
    if len(regs) == 0:
        z, neg = np.zeros(R), np.full(R, -1, dtype=np.int64)
        return CrisisView(c, regs, np.zeros((R, 0), bool), z, z, z, z, z, z, neg, z, z, z, neg)
    fighters_by_group, v, attack_by, affected, armed = _where_it_happens(world, state, c, regs)
    pop = world.population0[regs][None, :] * affected
    pop_total = np.maximum(pop.sum(axis=1), 1.0)

    group_total = fighters_by_group.sum(axis=2)                               # (R, G)
    backed = (group_total * world.group_support[None, :]).sum(axis=1) if len(world.group_ids) else np.zeros(R)
    all_groups = group_total.sum(axis=1)
    evidence = np.where(all_groups > 0, backed / np.maximum(all_groups, 1e-9), 0.0)
    if attack_by is None:                                                     # no state has fought: no attack
        attack, attacker = np.zeros(R), np.full(R, -1, dtype=np.int64)
    else:
        attack = attack_by.max(axis=1)
        attacker = np.where(attack > 0, attack_by.argmax(axis=1), -1)
    evidence = clip(np.maximum(evidence + state.perceived_external[:, c], attack), 0.0, 1.0)

    sponsor = np.full(R, -1, dtype=np.int64)
    if len(world.group_ids) and (world.group_sponsor >= 0).any():
        sponsored = np.where(world.group_sponsor[None, :] >= 0, group_total, 0.0)
        near = state.group_strength.sum(axis=2) * (world.group_sponsor[None, :] >= 0)
        weight = np.where(sponsored.sum(axis=1, keepdims=True) > 0, sponsored, near)
        best = weight.argmax(axis=1)
        sponsor = np.where(weight.max(axis=1) > 0, world.group_sponsor[best], -1)

    border, on_border = world.foreign_border_of(c)                            # (N, n), (n,)
    massed = state.group_strength.sum(axis=1) @ border                         # (R, n) fighters next door
    border_guard = own_presence(world, state, c, friends=True, regions=regs) * on_border
    massed_total = massed.sum(axis=1)
    pressure = massed_total / np.maximum(massed_total + border_guard.sum(axis=1), 1.0)

    if units is None:
        from game.engine.dynamics import presence        # local: dynamics imports state helpers only
        units = presence(world, state)
    units = (units[:, regs] * pop).sum(axis=1) / pop_total
    vmax = v.max(axis=1)
    weakness = clip(vmax / np.maximum(vmax + units, 1e-9), 0.0, 1.0)
    tension = (state.tension[:, regs] * pop).sum(axis=1) / pop_total
    displaced = ((state.displaced[:, regs] + state.refugees_out[:, regs]) * affected).sum(axis=1)
    stab = np.where(affected, state.stability[:, regs], 1.0).min(axis=1)
    return CrisisView(
        state=c, regions=regs, affected=affected, violence=vmax, instability=1.0 - stab,
        displaced_share=clip(displaced / pop_total, 0.0, 1.0), armed=armed, evidence=evidence,
        attack=attack, attacker=attacker.astype(np.int64), pressure=clip(pressure, 0.0, 1.0),
        weakness=weakness, communal=clip(tension * vmax, 0.0, 1.0), sponsor=sponsor,
    )


def spillover_threat(world: World, state: State, member: int, crisis: CrisisView) -> np.ndarray:
    """(R,) how much the crisis threatens the member's own territory (violence next door, refugees, fighters)."""
    own = world.regions_of(member)
    if len(own) == 0 or len(crisis.regions) == 0:
        return np.zeros(state.runs)
    link = world.adjacency[np.ix_(own, crisis.regions)]
    near_violence = (state.violence[:, None, crisis.regions] * link[None]).max(axis=(1, 2)) if link.any() \
        else np.zeros(state.runs)
    refugees = state.refugees_in[:, own].sum(axis=1)
    capacity = max(world.actor(world.actor_ids[member]).refugee_capacity, 1)
    fighters_near = (state.group_strength.sum(axis=1) @ world.adjacency[:, own]).sum(axis=1)
    guard = np.maximum(state.security[:, own].sum(axis=1), 1.0)
    return clip(near_violence + refugees / capacity * world.k.refugee_spillover
                + fighters_near / (fighters_near + guard), 0.0, 1.0)


@dataclass
class Context:
    """What every member weighs in one decision (arrays are (R,))."""

    requester: int
    crisis: CrisisView
    reading: np.ndarray          # (R,) index into SITUATIONS
    obliges: np.ndarray          # (R,) bool: the reading falls under a collective-defence article
    adversary: np.ndarray        # (R,) actor index or -1
    collective: bool             # an organisation decides (False: a state answers a plea)
    treaty: bool                 # a treaty binds the decider to the requester (the alliance, or a bilateral mutual-defence pact)
    lead: int                    # the member with most troops at the body's disposal, or -1
    contributors: np.ndarray     # (A,) bool: members whose forces the body could send

    @property
    def domestic(self) -> np.ndarray:
        return (self.reading == INTERNAL).astype(float)


def troop_risk(world: World, crisis: CrisisView, level: int) -> np.ndarray:
    """(R,) the risk multiplier of a measure: 1 for words and aid, more for troops in a hard case."""
    k = world.k
    if level < TROOP_LEVEL:
        return np.ones_like(crisis.violence)
    risk = (k.quagmire_base + k.weak_host_risk * crisis.weakness * crisis.violence
            + k.communal_risk * crisis.communal)
    if level >= DEFENCE_LEVEL:
        risk = risk + k.combat_risk * crisis.attack
    return risk


def member_utility(world: World, state: State, member: int, level: int, ctx: Context,
                   spillover: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Named utility terms (each (R,)) of ``member`` for measure ``level`` 1..7 (``spillover``: the
    member's ``spillover_threat`` from the crisis, if the caller has it already)."""
    k, R = world.k, state.runs
    crisis = ctx.crisis
    w = world.interests[member]
    if member == ctx.requester:
        return {"requester": np.full(R, k.requester_base + k.requester_regime * w[K["regime_security"]])}
    if member == crisis.state:          # someone else asked about this member's own crisis
        # In a domestic affair it refuses to have it taken up; against a threat from outside it
        # welcomes the help as if it had asked.
        refuse = -k.host_refusal_weight * (0.3 + 0.7 * w[K["sovereignty"]])
        welcome = k.requester_base + k.requester_regime * w[K["regime_security"]]
        return {"host_refusal": np.where(ctx.reading == INTERNAL, refuse, 0.0),
                "requester": np.where(ctx.reading == INTERNAL, 0.0, welcome)}
    effect = k.level_effect[level]
    if level == DEFENCE_LEVEL:          # with no army to fight, combat adds nothing to a guard mission
        effect = np.where(crisis.attack > 0, effect, k.level_effect[TROOP_LEVEL])
    elif level == TROOP_LEVEL:          # guards of strategic sites do not stop an attacking army
        effect = effect * (1.0 - k.guard_against_army * crisis.attack)
    troops = level >= TROOP_LEVEL
    in_body = float(ctx.collective)
    contributes = float(ctx.contributors[member])
    tie = max(world.ties[member, crisis.state], 0.0)
    danger = np.maximum(np.maximum(crisis.instability, crisis.pressure), crisis.attack)   # to the ally's state
    stake = clip(crisis.severity * k.stake_severity + crisis.instability * k.stake_instability + crisis.pressure,
                 0.0, 1.0)
    kin = float(world.kin_share[member, crisis.regions].max()) if len(crisis.regions) else 0.0
    load = world.commitment_load[member]
    adversary = ctx.adversary
    adv_tie = np.where(adversary >= 0, np.maximum(world.ties[member, np.maximum(adversary, 0)], 0.0), 0.0)
    adv_tie = np.where(adversary == member, 1.0, adv_tie)    # a member never backs a measure against itself
    terms = {
        "regime": w[K["regime_security"]] * tie * danger * effect,
        "spillover": w[K["border_security"]] * (spillover_threat(world, state, member, crisis) if spillover is None
                                                else spillover) * effect,
        "humanitarian": k.humanitarian_weight * w[K["humanitarian"]]
                        * np.maximum(crisis.violence, crisis.displaced_share * 4) * effect,
        "kin": k.kin_weight * w[K["kin_protection"]] * kin * crisis.violence * effect,
        "credibility": k.credibility_weight * w[K["alliance_credibility"]] * effect * stake * in_body,
        "duty": (k.level_duty[level] * (0.5 + w[K["alliance_credibility"]])
                 + (k.treaty_duty_force * ctx.obliges if troops else 0.0)) * float(ctx.treaty),
        "influence": k.influence_weight * w[K["regional_influence"]] * effect
                     * (contributes if troops else 1.0) * (0.3 + 0.7 * stake),
        "adversary": -k.adversary_weight * adv_tie * k.level_side[level],
    }
    if level >= AID_LEVEL:
        share = 1.0 if troops else k.aid_cost_share      # aid is shared among donors; troops fall on contributors
        terms["cost"] = (-w[K["cost_aversion"]] * k.level_cost[level] * troop_risk(world, crisis, level)
                         * (contributes if troops else share))
        terms["commitments"] = -k.commitment_weight * load * (contributes if troops else k.commitment_aid_share) * np.ones(R)
    flag = 1.0 - k.collective_flag_discount * in_body
    terms["precedent"] = -k.precedent_weight * w[K["non_interference"]] * ctx.domestic * k.level_intrusion[level] * flag
    if troops and ctx.lead >= 0:
        if member != ctx.lead:
            own = world.regions_of(member)
            adjacent = bool(len(own)) and bool(world.adjacency[np.ix_(own, crisis.regions)].any())
            wary = (1.0 - max(world.ties[member, ctx.lead], -1.0)) / 2.0
            terms["rivalry"] = -k.rivalry_weight * w[K["sovereignty"]] * wary * float(adjacent) * np.ones(R)
        elif ctx.collective:
            terms["bilateral"] = -k.bilateral_weight * w[K["bilateral_preference"]] * np.ones(R)
    if not ctx.collective and level >= AID_LEVEL:
        terms["bilateral"] = k.bilateral_weight * w[K["bilateral_preference"]] * 0.5 * np.ones(R)
    # A term computed per run is a new array already; a number is spread over the runs.
    return {name: v if isinstance(v, np.ndarray) and v.shape == (R,) and v.dtype == np.float64
            else np.broadcast_to(np.asarray(v, float), (R,)).copy() for name, v in terms.items()}


def alignment(world: World, member: int, lead: int, lead_utility: np.ndarray) -> np.ndarray:
    """(R,) a member's pull toward the leading member's position (its tie to the lead times the lead's stance)."""
    tie = max(world.ties[member, lead], 0.0)
    return world.k.alignment_weight * tie * np.tanh(lead_utility / world.k.alignment_scale)


def explain(terms: dict[str, np.ndarray], run: int = 0, top: int = 3) -> str:
    """One sentence naming the terms that weigh most for a run."""
    items = sorted(((float(v[run]), k) for k, v in terms.items()), key=lambda t: -abs(t[0]))
    parts = [f"{TERM_LABELS[k]} ({val:+.2f})" for val, k in items[:top] if abs(val) >= 0.005]
    return "; ".join(parts) if parts else "nothing at stake"
