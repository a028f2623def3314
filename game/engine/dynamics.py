"""Crisis dynamics: violence, casualties, displacement, stability, armed groups.

Each call advances every run by whole days. The equations are explained, term by
term, in docs/model.md; coefficients come from ``Scenario.parameters``.
"""
from __future__ import annotations

import numpy as np

from game.engine.fastmath import clip
from game.engine.state import DEPLOYED, State
from game.engine.world import World



def presence(world: World, state: State) -> np.ndarray:
    """(R, N) effective security presence in units of ``security_scale`` per 100,000 people."""
    p = world.params
    equipment = np.maximum(state.equipment, world.equipment_floor)[:, world.region_country]  # (R, N)
    troops = state.security * world.k.government_effectiveness * (1.0 + equipment)
    deployed = state.force_status == DEPLOYED
    if state.runs == 1:
        # One game: each deployed unit adds its effective strength where it stands, unit by unit
        # in order (np.add.at adds in the order of its indices).
        units = np.flatnonzero(deployed[0])
        np.add.at(troops[0], state.force_location[0, units],
                  state.force_strength[0, units] * world.force_effectiveness[units])
    elif (somewhere := deployed.any(axis=0)).any():
        # Each deployed unit adds its effective strength where it stands, unit by unit in order
        # (as np.add.at would, without its per-element cost): a unit that stands in the same
        # region in every run where it is deployed is one column addition.
        rows = None
        everywhere = deployed.all(axis=0)
        for f in np.flatnonzero(somewhere):
            eff = state.force_strength[:, f] * world.force_effectiveness[f]
            loc = state.force_location[:, f]
            if not everywhere[f]:
                here = deployed[:, f]
                eff, loc = np.where(here, eff, 0.0), np.where(here, loc, 0)
            if (loc == loc[0]).all():
                troops[:, loc[0]] += eff
            else:
                rows = np.arange(state.runs) if rows is None else rows
                troops[rows, loc] += eff
    emergency = 1.0 + 0.5 * (state.emergency_days > 0)
    return troops * emergency / (p.security_scale * np.maximum(world.population0, 1.0) / 1e5)


def _escape_routes(world: World, state: State) -> tuple[np.ndarray, np.ndarray]:
    """Where refugees can go: (R, N) how many foreign neighbours of each region have a border open
    from both sides, and (R, N, N) the share of the region's refugees each of them takes.

    Only pairs of foreign neighbours can be open; the counts are whole numbers, exact in any order."""
    c = world.region_country
    R, N, A = state.runs, len(c), len(world.actor_ids)
    src, dst = np.nonzero(world.foreign_adjacency)                              # the P foreign pairs
    open_between = state.border_open.reshape(R, A * A)                          # column a * A + b: a's border with b
    both_open = open_between[:, c[src] * A + c[dst]] & open_between[:, c[dst] * A + c[src]]   # (R, P)
    pair_open = world.foreign_adjacency[src, dst] * both_open                   # (R, P) 1.0 or 0.0
    from_region = np.zeros((len(src), N))
    from_region[np.arange(len(src)), src] = 1.0
    n_open = pair_open @ from_region                                            # (R, N)
    share = np.zeros((R, N, N))
    share.reshape(R, N * N)[:, src * N + dst] = pair_open / np.maximum(n_open, 1.0)[:, src]
    return n_open, share


def advance(world: World, state: State, rng: np.random.Generator, days: int) -> None:
    """Advance every run by ``days`` daily steps.

    Presence, open borders, aid and the armed groups' targets change only with decisions, so
    what follows from them is computed once a turn (``_TurnTerms``).
    """
    turn = _TurnTerms(world, state)
    war = _front(world, state) if state.hostile.any() else None
    for _ in range(days):
        _step(world, state, rng, turn)
        if war is not None:
            _fight(world, state, war)
    state.emergency_days = np.maximum(state.emergency_days - days, 0)
    _count_severe_days(world, state, days)
    memory = state.hostile_memory
    memory *= world.k.hostile_memory ** days
    np.maximum(memory, state.hostile, out=memory)
    state.equipment *= 0.97 ** days
    state.aid *= 0.93 ** days


class _TurnTerms:
    """The terms of the daily step that stay the same through a turn's days: the same numbers
    the step would compute each day, computed once (nothing the days change enters them)."""

    def __init__(self, world: World, state: State):
        p = world.params
        units = presence(world, state)
        self.units = units
        self.n_open, self.share = _escape_routes(world, state)
        self.has_open = self.n_open > 0
        self.any_open = bool(self.has_open.any())
        self.pop0 = np.maximum(world.population0, 1.0)
        self.pop0_per_100k = self.pop0 / 1e5
        self.degree = np.maximum(world.adjacency.sum(axis=1), 1.0)
        self.attrition_survival = clip(1.0 - p.attrition * units, 0.0, 1.0)[:, None, :]   # (R, 1, N)
        self.suppression = p.suppression * units
        aid = clip(state.aid, 0, 1)
        self.aid_protection = 1.0 - 0.3 * aid
        self.aid_recovery = 0.02 * aid
        self.control_loss = clip(1.0 - units, 0, 1)
        self.control_gain = 0.02 * clip(units, 0, 1)
        self.guard_by_units = 0.4 * units
        self.rows = np.arange(state.runs)
        self.group_moves = _group_moves(world, state)


def _group_moves(world: World, state: State) -> list[tuple]:
    """The armed groups that press on a target this turn: (group, (R,) runs where it has one or None
    when it has one in every run, (R,) target region, (R, N) regions next to the target, pace)."""
    p = world.params
    moves = []
    for g in range(len(world.group_ids)):
        target = state.group_target[:, g]
        has = target >= 0
        if not has.any():
            continue
        t = np.where(has, target, 0)
        link = world.adjacency[:, t].T                                          # (R, N) sources next to target
        pace = p.infiltration * world.group_aggressiveness[g]
        moves.append((g, None if has.all() else has, t, link, pace))
    return moves


def _step(world: World, state: State, rng: np.random.Generator, turn: _TurnTerms) -> None:
    p = world.params
    R, N = state.violence.shape
    pop0 = turn.pop0
    v, s, ten = state.violence, state.stability, state.tension
    unsettled, quiet = 1.0 - s, 1.0 - v

    # Armed groups: recruit, press across borders, suffer attrition.
    if len(world.group_ids):
        _move_groups(state, turn)
        gs = state.group_strength
        gs *= 1.0 + world.k.recruitment * (unsettled * (1 - state.control))[:, None, :]
        gs *= turn.attrition_survival
        fighters = gs.sum(axis=1)                                                # (R, N)
    else:
        fighters = state.group_strength.sum(axis=1)
    organised = clip(fighters / turn.pop0_per_100k / 50.0, 0.0, 1.0)

    # Violence.
    remaining = clip(state.population / pop0 - state.displaced / pop0, 0.0, 1.0)
    fuel = p.escalation * ten * unsettled * v * quiet * remaining
    spread = p.spread * ten * (v @ world.adjacency) / turn.degree
    armed = world.k.armed_violence * organised * quiet
    shock = rng.normal(0.0, p.noise, (R, N)) * v
    new_v = v + fuel + spread + armed - p.decay * v - turn.suppression * v + shock
    new_v = clip(new_v, 0.0, 1.0)

    # Casualties and flight.
    deaths = p.lethality * new_v ** 2 * state.population * turn.aid_protection
    fleeing = p.flight * new_v ** 3 * np.maximum(state.population - state.displaced - deaths, 0.0)
    if turn.any_open:
        abroad = np.where(turn.has_open, fleeing * p.cross_border_share, 0.0)
        arriving = np.einsum("rn,rnm->rm", abroad, turn.share)
    else:                                          # no open border anywhere: nobody crosses one
        abroad, arriving = np.zeros((R, N)), np.zeros((R, N))
    internal = fleeing - abroad

    calm = 1.0 - new_v
    calm_squared = calm ** 2
    returning = p.return_rate * calm_squared * s * state.displaced
    going_home = p.refugee_return * p.return_rate * calm_squared * s * state.refugees_out
    host_share = np.divide(state.refugees_in, np.maximum(state.refugees_in.sum(axis=1, keepdims=True), 1.0))
    back_from = going_home.sum(axis=1, keepdims=True) * host_share

    state.casualties = state.casualties + deaths
    state.population = np.maximum(state.population - deaths - abroad + going_home, 0.0)
    state.displaced = clip(state.displaced + internal - returning, 0.0, state.population)
    state.refugees_out = np.maximum(state.refugees_out + abroad - going_home, 0.0)
    state.refugees_in = np.maximum(state.refugees_in + arriving - back_from, 0.0)
    state.peak_displaced = np.maximum(state.peak_displaced, state.displaced)
    state.peak_refugees = np.maximum(state.peak_refugees, state.refugees_out)

    # Stability, tension, control.
    recovery = p.stability_recovery * calm * unsettled * (0.5 + 0.5 * state.control)
    state.stability = clip(s + recovery + turn.aid_recovery - 0.15 * new_v * s
                              - 0.01 * organised, 0.0, 1.0)
    state.tension = clip(ten - p.burnout * new_v * ten + 0.01 * organised * (1 - ten), 0.0, 1.0)
    state.control = clip(state.control - 0.03 * organised * turn.control_loss
                            + turn.control_gain * (1.0 - state.control), 0.0, 1.0)
    state.violence = new_v
    # Reinforced borders slip back toward their peacetime level without upkeep.
    state.border_security += world.k.border_relaxation * (world.border_security0 - state.border_security)


def _count_severe_days(world: World, state: State, days: int) -> None:
    """Days in a row each state's worst violence has stayed severe (reset when it falls below)."""
    worst = np.zeros_like(state.severe_days)
    for region, country in enumerate(world.region_country):      # as np.maximum.at, without its per-element cost
        np.maximum(worst[:, country], state.violence[:, region], out=worst[:, country])
    state.severe_days = np.where(worst >= world.k.severe_violence, state.severe_days + days, 0.0)


def _front(world: World, state: State):
    """Troops in contact where states fight: (intensity (R, N), attackers' troops (R, A, N), defenders' (R, N))."""
    from game.engine.positions import own_presence      # local: positions imports this module
    h = state.hostile                                                           # (R, A, N)
    A = len(world.actor_ids)
    troops = np.stack([own_presence(world, state, a) if h[:, a].any() or a in set(world.region_country)
                       else np.zeros_like(state.security) for a in range(A)], axis=1)   # (R, A, N)
    owner = world.region_country
    defenders = np.take_along_axis(troops, np.broadcast_to(owner[None, None, :], (state.runs, 1, len(owner))),
                                   axis=1)[:, 0, :]                              # (R, N)
    attackers = (troops @ world.adjacency) * (h > 0)                            # (R, A, N) troops next door
    return h, attackers, defenders


def _fight(world: World, state: State, war) -> None:
    """One day of interstate fighting: soldiers die on both sides, villages burn, ground changes hands.

    Each side loses soldiers in proportion to the other side's troops in contact (times the
    intensity); the attacked region's violence rises, and occupying forces take control.
    """
    k = world.k
    h, attackers, defenders = war
    h = state.hostile
    total = np.minimum(h.sum(axis=1), 1.0)                                      # (R, N)
    if not total.any():
        return
    attacking_troops = (attackers * (h > 0)).sum(axis=1)                        # (R, N)
    defender_loss = np.minimum(k.military_lethality * total * attacking_troops, 0.5 * defenders)
    attacker_loss = k.military_lethality * total[:, None, :] * defenders[:, None, :] * (h / np.maximum(total[:, None, :], 1e-9))
    R = state.runs
    np.add.at(state.military_casualties, (np.repeat(np.arange(R), len(world.region_ids)),
                                          np.tile(world.region_country, R)), defender_loss.ravel())
    state.military_casualties += attacker_loss.sum(axis=2)
    state.violence = clip(state.violence + k.hostile_violence * total * (1.0 - state.violence), 0.0, 1.0)
    occupying = (h >= k.mode_intensity_occupy - 1e-9).any(axis=1)
    state.control = clip(state.control - k.occupation_rate * total * occupying, 0.0, 1.0)
    state.tension = clip(state.tension + 0.02 * total * (1.0 - state.tension), 0.0, 1.0)


def _move_groups(state: State, turn: _TurnTerms) -> None:
    """Fighters slip from their regions into neighbouring regions across weak borders."""
    if not turn.group_moves:
        return
    gs = state.group_strength                                                   # (R, G, N)
    guard = clip(state.border_security + turn.guard_by_units, 0.0, 1.0)        # (R, N)
    if state.runs == 1:
        # One game: the same numbers with single values (every group here has a target in the run).
        for g, _, t, link, pace in turn.group_moves:
            strength, target = gs[0, g], t[0]                                  # (N,) a view, the target
            source_strength = strength * link[0]
            src = source_strength.argmax()
            moved = source_strength[src] * (pace * (1.0 - guard[0, target]))
            strength[src] -= moved
            strength[target] += moved
        return
    rows = turn.rows
    for g, has, t, link, pace in turn.group_moves:
        strength = gs[:, g]                                                     # (R, N) a view
        source_strength = strength * link
        src = source_strength.argmax(axis=1)
        avail = source_strength[rows, src]
        moved = avail * (pace * (1.0 - guard[rows, t]))
        if has is not None:
            moved = np.where(has, moved, 0.0)
        strength[rows, src] -= moved
        strength[rows, t] += moved
