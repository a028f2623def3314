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
    somewhere = deployed.any(axis=0)
    if somewhere.any():
        # Each deployed unit adds its effective strength where it stands, unit by unit in order
        # (as np.add.at would, without its per-element cost): a unit that stands in the same
        # region in every run where it is deployed is one column addition.
        rows = None
        for f in np.flatnonzero(somewhere):
            here = deployed[:, f]
            eff = np.where(here, state.force_strength[:, f] * world.force_effectiveness[f], 0.0)
            loc = np.where(here, state.force_location[:, f], 0)
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

    Presence and open borders change only with decisions, so they are computed once a turn.
    """
    units = presence(world, state)
    routes = _escape_routes(world, state)
    war = _front(world, state) if state.hostile.any() else None
    for _ in range(days):
        _step(world, state, rng, units, routes)
        if war is not None:
            _fight(world, state, war)
    state.emergency_days = np.maximum(state.emergency_days - days, 0)
    _count_severe_days(world, state, days)
    memory = state.hostile_memory
    memory *= world.k.hostile_memory ** days
    np.maximum(memory, state.hostile, out=memory)
    state.equipment *= 0.97 ** days
    state.aid *= 0.93 ** days


def _step(world: World, state: State, rng: np.random.Generator, units: np.ndarray,
          routes: tuple[np.ndarray, np.ndarray]) -> None:
    p = world.params
    R, N = state.violence.shape
    pop0 = np.maximum(world.population0, 1.0)
    v, s, ten = state.violence, state.stability, state.tension
    deg = np.maximum(world.adjacency.sum(axis=1), 1.0)

    # Armed groups: recruit, press across borders, suffer attrition.
    fighters = state.group_strength.sum(axis=1)                                  # (R, N)
    organised = clip(fighters / (pop0 / 1e5) / 50.0, 0.0, 1.0)
    if len(world.group_ids):
        _move_groups(world, state, units)
        gs = state.group_strength
        gs *= 1.0 + world.k.recruitment * ((1 - s) * (1 - state.control))[:, None, :]
        gs *= clip(1.0 - p.attrition * units, 0.0, 1.0)[:, None, :]
        fighters = gs.sum(axis=1)
        organised = clip(fighters / (pop0 / 1e5) / 50.0, 0.0, 1.0)

    # Violence.
    remaining = clip(state.population / pop0 - state.displaced / pop0, 0.0, 1.0)
    fuel = p.escalation * ten * (1.0 - s) * v * (1.0 - v) * remaining
    spread = p.spread * ten * (v @ world.adjacency) / deg
    armed = world.k.armed_violence * organised * (1.0 - v)
    shock = rng.normal(0.0, p.noise, (R, N)) * v
    new_v = v + fuel + spread + armed - p.decay * v - p.suppression * units * v + shock
    new_v = clip(new_v, 0.0, 1.0)

    # Casualties and flight.
    deaths = p.lethality * new_v ** 2 * state.population * (1.0 - 0.3 * clip(state.aid, 0, 1))
    fleeing = p.flight * new_v ** 3 * np.maximum(state.population - state.displaced - deaths, 0.0)
    n_open, share = routes
    abroad = np.where(n_open > 0, fleeing * p.cross_border_share, 0.0)
    internal = fleeing - abroad
    arriving = np.einsum("rn,rnm->rm", abroad, share)

    returning = p.return_rate * (1.0 - new_v) ** 2 * s * state.displaced
    going_home = p.refugee_return * p.return_rate * (1.0 - new_v) ** 2 * s * state.refugees_out
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
    recovery = p.stability_recovery * (1.0 - new_v) * (1.0 - s) * (0.5 + 0.5 * state.control)
    state.stability = clip(s + recovery + 0.02 * clip(state.aid, 0, 1) - 0.15 * new_v * s
                              - 0.01 * organised, 0.0, 1.0)
    state.tension = clip(ten - p.burnout * new_v * ten + 0.01 * organised * (1 - ten), 0.0, 1.0)
    state.control = clip(state.control - 0.03 * organised * clip(1.0 - units, 0, 1)
                            + 0.02 * clip(units, 0, 1) * (1.0 - state.control), 0.0, 1.0)
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


def _move_groups(world: World, state: State, units: np.ndarray) -> None:
    """Fighters slip from their regions into neighbouring regions across weak borders."""
    p = world.params
    gs = state.group_strength                                                   # (R, G, N)
    guard = clip(state.border_security + 0.4 * units, 0.0, 1.0)             # (R, N)
    rows = np.arange(state.runs)
    for g in range(len(world.group_ids)):
        target = state.group_target[:, g]
        has = target >= 0
        if not has.any():
            continue
        t = np.where(has, target, 0)
        link = world.adjacency[:, t].T                                          # (R, N) sources next to target
        source_strength = gs[:, g, :] * link
        src = np.argmax(source_strength, axis=1)
        avail = source_strength[rows, src]
        rate = p.infiltration * world.group_aggressiveness[g] * (1.0 - guard[rows, t])
        moved = np.where(has, avail * rate, 0.0)
        gs[rows, g, src] -= moved
        gs[rows, g, t] += moved
