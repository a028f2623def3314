"""How each member judges a request: utilities from its own interests and ties.

A member's utility for a mandate level is a sum of named terms, each an interest
weight times a feature of the crisis, so the council panel can show *why* a member
supports, abstains or opposes. All features are vectorised over runs.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from game.engine.fastmath import clip
from game.engine.state import State
from game.engine.world import INTEREST_KEYS, World

K = {k: i for i, k in enumerate(INTEREST_KEYS)}

#: How much each mandate level can do against a crisis (index = level 0..4).
LEVEL_EFFECT = np.array([0.0, 0.08, 0.3, 0.7, 0.85])
#: The pull of treaty duty toward each level, before interests (scaled by credibility).
LEVEL_DUTY = np.array([0.0, 0.22, 0.14, 0.04, 0.04])
#: How much each level costs and risks for a contributor of troops.
LEVEL_COST = np.array([0.0, 0.0, 0.1, 0.6, 0.8])
TROOP_LEVEL = 3

TERM_LABELS = {
    "regime": "support for a friendly government",
    "spillover": "threat of spill-over to its own territory",
    "humanitarian": "humanitarian concern",
    "credibility": "the alliance's credibility",
    "influence": "regional influence",
    "cost": "cost and risk to its own troops",
    "precedent": "precedent of interfering in internal affairs",
    "rivalry": "wariness of foreign troops near its borders",
    "kin": "protection of its co-ethnics",
    "bilateral": "preference for acting bilaterally",
    "adversary": "ties to the other side",
    "requester": "it made the request",
    "duty": "the treaty duty to consult and assist",
}


@dataclass
class CrisisView:
    """Features of the requester's crisis, each (R,)."""

    violence: np.ndarray
    instability: np.ndarray
    displaced_share: np.ndarray
    evidence: np.ndarray
    organised: np.ndarray
    quagmire: np.ndarray
    regions: np.ndarray

    @property
    def severity(self) -> np.ndarray:
        """(R,) how hard the crisis has actually hit: violence or organised armed presence."""
        return np.maximum(self.violence, self.organised)


def crisis_view(world: World, state: State, requester: int) -> CrisisView:
    """Summarise the crisis in the requester's regions (vectorised over runs)."""
    regs = world.regions_of(requester)
    if len(regs) == 0:
        z = np.zeros(state.runs)
        return CrisisView(z, z, z, z, z, z, regs)
    v = state.violence[:, regs]
    pop0 = world.population0[regs].sum()
    displaced = (state.displaced[:, regs] + state.refugees_out[:, regs]).sum(axis=1)
    fighters = state.group_strength[:, :, regs].sum(axis=2)               # (R, G)
    total = fighters.sum(axis=1)
    backed = (fighters * world.group_support[None, :]).sum(axis=1) if len(world.group_ids) else total * 0
    evidence = np.where(total > 0, backed / np.maximum(total, 1e-9), 0.0)
    evidence = clip(evidence + state.perceived_external[:, requester], 0.0, 1.0)
    per_100k = total / max(pop0 / 1e5, 1e-9)
    organised = clip(per_100k / 50.0, 0.0, 1.0)
    vmax = v.max(axis=1)
    tension = state.tension[:, regs].mean(axis=1)
    return CrisisView(
        violence=vmax,
        instability=1.0 - state.stability[:, regs].min(axis=1),
        displaced_share=clip(displaced / max(pop0, 1.0), 0.0, 1.0),
        evidence=evidence,
        organised=organised,
        quagmire=clip(tension * vmax * (1.0 - evidence) * 2.0, 0.0, 1.0),
        regions=regs,
    )


def spillover_threat(world: World, state: State, member: int, crisis: CrisisView) -> np.ndarray:
    """(R,) how much the crisis threatens the member's own territory."""
    own = world.regions_of(member)
    if len(own) == 0 or len(crisis.regions) == 0:
        return np.zeros(state.runs)
    link = world.adjacency[np.ix_(own, crisis.regions)]                 # (own, crisis)
    near_violence = (state.violence[:, None, crisis.regions] * link[None]).max(axis=(1, 2)) if link.any() else 0.0
    fighters_near = (state.group_strength.sum(axis=1) @ world.adjacency[:, own]).sum(axis=1)
    refugees = state.refugees_in[:, own].sum(axis=1)
    capacity = max(world.actor(world.actor_ids[member]).refugee_capacity, 1)
    return clip(np.maximum(near_violence, 0.0) + refugees / capacity * 0.5
                   + clip(fighters_near / 2000.0, 0, 1), 0.0, 1.0)


def member_utility(world: World, state: State, member: int, requester: int, level: int,
                   crisis: CrisisView, *, lead: int, contributes: bool, domestic: np.ndarray,
                   against: int = -1, member_of_body: bool = True) -> dict[str, np.ndarray]:
    """Named utility terms (each (R,)) of ``member`` for a mandate ``level`` 1..4."""
    w = world.interests[member]
    R = state.runs
    if member == requester:
        return {"requester": np.full(R, 0.6 + 0.4 * w[K["regime_security"]])}
    effect, cost = LEVEL_EFFECT[level], LEVEL_COST[level]
    troops = level >= TROOP_LEVEL
    tie = world.ties[member, requester]
    threat = spillover_threat(world, state, member, crisis)
    stake = clip(crisis.severity * 3.0 + crisis.instability * 0.2, 0.0, 1.0)   # what is at stake at all
    kin = float(world.kin_share[member, crisis.regions].max()) if len(crisis.regions) else 0.0
    terms = {
        "regime": w[K["regime_security"]] * max(tie, 0.0) * crisis.instability * effect,
        "spillover": w[K["border_security"]] * threat * effect,
        "humanitarian": 0.6 * w[K["humanitarian"]] * np.maximum(crisis.violence, crisis.displaced_share * 4) * effect,
        "credibility": 0.4 * w[K["alliance_credibility"]] * effect * stake,
        "duty": LEVEL_DUTY[level] * (0.5 + w[K["alliance_credibility"]]) * float(member_of_body)
                + (0.25 * (1.0 - domestic) * float(member_of_body) * clip(crisis.severity * 4.0, 0.0, 1.0)
                   if troops else 0.0),
        "influence": 0.5 * w[K["regional_influence"]] * effect * (float(contributes) if troops else 1.0) * (0.3 + 0.7 * stake),
        "cost": -w[K["cost_aversion"]] * cost * float(contributes) * (0.4 + crisis.quagmire),
        "kin": 0.5 * w[K["kin_protection"]] * kin * crisis.violence * effect,
    }
    if troops:
        terms["precedent"] = -0.6 * w[K["non_interference"]] * domestic
        if member != lead:
            adjacent = bool(world.adjacency[np.ix_(world.regions_of(member), crisis.regions)].any()) \
                if len(world.regions_of(member)) else False
            wary = (1.0 - max(world.ties[member, lead], -1.0)) / 2.0
            terms["rivalry"] = -0.5 * w[K["sovereignty"]] * wary * float(adjacent) * np.ones(R)
        else:
            terms["bilateral"] = -0.4 * w[K["bilateral_preference"]] * np.ones(R)
    if against >= 0 and level >= 2:
        terms["adversary"] = -0.5 * max(world.ties[member, against], 0.0) * np.ones(R)
    return {k: np.broadcast_to(np.asarray(v, float), (R,)).copy() for k, v in terms.items()}


def explain(terms: dict[str, np.ndarray], run: int = 0, top: int = 3) -> str:
    """One sentence naming the terms that weigh most for a run."""
    items = sorted(((float(v[run]), k) for k, v in terms.items()), key=lambda t: -abs(t[0]))
    parts = [f"{TERM_LABELS[k]} ({val:+.2f})" for val, k in items[:top] if abs(val) >= 0.005]
    return "; ".join(parts) if parts else "nothing at stake"
