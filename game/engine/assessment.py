"""End-of-scenario figures and each actor's assessment against its own objectives.

There is no single right answer: every actor is judged on its own goals.
"""
from __future__ import annotations

import numpy as np

from game.engine.events import figure_values
from game.engine.state import State
from game.engine.world import OUTCOMES, World


def summary(world: World, state: State, run: int = 0) -> dict:
    """Totals and per-region figures of one run."""
    s = state
    regions = {}
    for i, rid in enumerate(world.region_ids):
        regions[rid] = {
            "name": world.name(rid),
            "casualties": round(float(s.casualties[run, i])),
            "displaced": round(float(s.displaced[run, i])),
            "peak_displaced": round(float(s.peak_displaced[run, i])),
            "refugees": round(float(s.refugees_out[run, i])),
            "peak_refugees": round(float(s.peak_refugees[run, i])),
            "refugees_hosted": round(float(s.refugees_in[run, i])),
            "stability": round(float(s.stability[run, i]), 3),
            "violence": round(float(s.violence[run, i]), 3),
        }
    return {
        "totals": {
            "casualties": round(float(s.casualties[run].sum())),
            "displaced": round(float(s.displaced[run].sum())),
            "peak_displaced": round(float(s.peak_displaced[run].sum())),
            "refugees": round(float(s.refugees_out[run].sum())),
            "peak_refugees": round(float(s.peak_refugees[run].sum())),
            "troops_deployed": round(float(s.troops_deployed(world)[run].sum())),
            "military_casualties": round(float(s.military_casualties[run].sum())),
        },
        "military_casualties": {world.actor_ids[a]: round(float(s.military_casualties[run, a]))
                                for a in range(len(world.actor_ids)) if s.military_casualties[run, a] >= 0.5},
        "regions": regions,
    }


def objective_values(world: World, state: State, obj) -> np.ndarray:
    """(R,) the measured value of an objective."""
    if obj.figure == "troops_deployed":
        return state.troops_deployed(world)[:, world.a(obj.country or obj.actor)]
    if obj.figure == "outcome":
        ever = state.outcome_ever[:, world.b(obj.body), :]
        met = np.ones(state.runs, dtype=bool)
        if obj.outcome_in:
            met &= ever[:, [OUTCOMES.index(o) for o in obj.outcome_in]].any(axis=1)
        if obj.outcome_not_in:
            met &= ~ever[:, [OUTCOMES.index(o) for o in obj.outcome_not_in]].any(axis=1)
        return met.astype(float)
    return figure_values(world, state, obj.figure, obj.region, obj.country)


def objective_met(world: World, state: State, obj) -> np.ndarray:
    """(R,) whether an objective is met."""
    val = objective_values(world, state, obj)
    if obj.figure == "outcome":
        return val > 0.5
    ok = np.ones(state.runs, dtype=bool)
    if obj.at_most is not None:
        ok &= val <= obj.at_most
    if obj.at_least is not None:
        ok &= val >= obj.at_least
    return ok


def assess(world: World, state: State, decisions: list[dict], run: int = 0) -> dict:
    """Per actor: score 0..100 from its weighted objectives, with each objective's result."""
    out: dict[str, dict] = {}
    for obj in world.scenario.objectives:
        met = bool(objective_met(world, state, obj)[run])
        value = float(objective_values(world, state, obj)[run])
        entry = out.setdefault(obj.actor, {"name": world.name(obj.actor), "objectives": [], "score": 0.0, "_w": 0.0})
        entry["objectives"].append({"id": obj.id, "description": obj.description, "met": met,
                                    "value": round(value, 3), "weight": obj.weight})
        entry["_w"] += obj.weight
        entry["score"] += obj.weight * met
    for entry in out.values():
        entry["score"] = round(100.0 * entry["score"] / entry.pop("_w"), 1)
        entry["verdict"] = ("achieved its aims" if entry["score"] >= 75 else
                            "partly achieved its aims" if entry["score"] >= 40 else "failed in its aims")
    return out
