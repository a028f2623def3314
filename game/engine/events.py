"""Scenario events: triggers evaluated over all runs, effects applied to a run mask.

Events are data (see ``game.scenario.schema.Event``): no code ever comes from a file.
"""
from __future__ import annotations

import math

import numpy as np

from game.engine.fastmath import mean_over_axis1
from game.engine.state import AT_HOME, DEPLOYED, NOT_RAISED, State
from game.engine.world import OUTCOMES, World

FRACTION_FIGURES = {"violence", "stability", "border_security", "control", "tension"}


def figure_values(world: World, state: State, name: str, region: str | None, country: str | None) -> np.ndarray:
    """(R,) a region's figure, or its sum (mean for fractions) over a country's regions."""
    arr = getattr(state, name)
    if region is not None:
        return arr[:, world.r(region)]
    regs = world.regions_of(world.a(country))
    if len(regs) == 0:
        return np.zeros(state.runs)
    return mean_over_axis1(arr[:, regs]) if name in FRACTION_FIGURES else arr[:, regs].sum(axis=1)


def holds(world: World, state: State, cond) -> np.ndarray:
    """(R,) whether a condition holds in each run."""
    R = state.runs
    if cond.all is not None:
        out = np.ones(R, dtype=bool)
        for c in cond.all:
            out &= holds(world, state, c)
        return out
    if cond.any is not None:
        out = np.zeros(R, dtype=bool)
        for c in cond.any:
            out |= holds(world, state, c)
        return out
    if cond.not_ is not None:
        return ~holds(world, state, cond.not_)
    today = world.date_of_turn(state.turn)
    if cond.date_from is not None:
        return np.full(R, today >= cond.date_from)
    if cond.date_until is not None:
        return np.full(R, today <= cond.date_until)
    if cond.turn_from is not None:
        return np.full(R, state.turn >= cond.turn_from)
    if cond.figure is not None:
        f = cond.figure
        val = figure_values(world, state, f.name, f.region, f.country)
        ok = np.ones(R, dtype=bool)
        if f.above is not None:
            ok &= val > f.above
        if f.below is not None:
            ok &= val < f.below
        return ok
    if cond.action is not None:
        a = cond.action
        taken = state.taken.get((a.actor, a.kind, a.target))
        return np.zeros(R, dtype=bool) if taken is None else taken.copy()
    if cond.outcome is not None:
        o = cond.outcome
        codes = [OUTCOMES.index(x) for x in o.outcome]
        return state.outcome_ever[:, world.b(o.body), codes].any(axis=1)
    raise ValueError("empty condition")  # the schema makes this impossible


def chance(world: World, event) -> float:
    """Probability per turn while the trigger holds."""
    if event.mtth_days is not None:
        return 1.0 - math.exp(-world.scenario.turn_days / event.mtth_days)
    return 1.0 if event.probability is None else event.probability


def run_events(world: World, state: State, rng: np.random.Generator, humans: frozenset,
               narrate: bool) -> list[dict]:
    """The events phase: fire every event whose trigger holds and whose chance comes up."""
    items: list[dict] = []
    for e, event in enumerate(world.scenario.events):
        eligible = ~state.event_fired[:, e] if event.once else np.ones(state.runs, dtype=bool)
        if not eligible.any():
            continue
        fire = eligible & holds(world, state, event.trigger)
        p = chance(world, event)
        if p < 1.0:
            fire &= rng.random(state.runs) < p
        if not fire.any():
            continue
        state.event_fired[fire, e] = True
        news: list[dict] | None = [] if narrate and fire[0] else None
        apply_effects(world, state, event.effects, fire, rng, news=news, humans=humans, event_id=event.id)
        if news is not None:
            items.append({"event": event.id, "title": event.title, "news": news,
                          "sources": list(event.sources)})
    return items


def apply_effects(world: World, state: State, effects, mask: np.ndarray, rng: np.random.Generator,
                  news: list | None, humans: frozenset = frozenset(), event_id: str = "") -> None:
    """Apply a list of effects to the runs in ``mask``; append news for run 0."""
    from game.engine.actions import RequestAssistance  # local: actions imports procedure

    for eff in effects:
        if eff.news is not None and news is not None:
            news.append({"text": eff.news.text, "severity": eff.news.severity})
        elif eff.change is not None:
            _change(world, state, eff.change, mask)
        elif eff.move_force is not None:
            f = world.f(eff.move_force.force)
            if eff.move_force.to == "home":
                state.force_status[mask, f] = AT_HOME
                state.force_location[mask, f] = world.force_home_region[f]
            else:
                state.force_status[mask, f] = DEPLOYED
                state.force_location[mask, f] = world.r(eff.move_force.to)
        elif eff.spawn_force is not None:
            f = world.f(eff.spawn_force.id)
            raise_now = mask & (state.force_status[:, f] == NOT_RAISED)
            state.force_status[raise_now, f] = DEPLOYED if eff.spawn_force.location else AT_HOME
            if news is not None and raise_now[0]:
                news.append({"text": f"{eff.spawn_force.name} is formed.", "severity": "info"})
        elif eff.request is not None:
            r = eff.request
            action = RequestAssistance(actor=r.actor, target_body=r.target, article=r.article,
                                       framing=r.framing, against=r.against, about=r.about)
            verdict = action.validate(world, state)
            ok = mask & verdict.ok
            if ok.any():
                text = action.perform(world, state, ok, rng)
                if news is not None and ok[0]:
                    news.append({"text": text, "severity": "warning"})
            elif news is not None:
                news.append({"text": f"A request could not be made: {verdict.reason}", "severity": "info"})
        elif eff.border is not None:
            b = eff.border
            state.border_open[mask, world.a(b.actor), world.a(b.neighbour)] = b.open
        elif eff.options is not None:
            _offer(world, state, eff.options, mask, rng, news, humans, event_id)
        elif eff.hostilities is not None:
            h = eff.hostilities
            a, r = world.a(h.actor), world.r(h.region)
            state.hostile[mask, a, r] = np.maximum(state.hostile[mask, a, r], world.k.mode_intensity(h.mode))
        elif eff.ceasefire is not None:
            x, y = (world.a(i) for i in eff.ceasefire.actors)
            state.hostile[np.ix_(mask, [x], world.regions_of(y))] = 0.0
            state.hostile[np.ix_(mask, [y], world.regions_of(x))] = 0.0


def _change(world: World, state: State, ch, mask: np.ndarray) -> None:
    arr = getattr(state, ch.name)
    r = world.r(ch.region)
    cur = arr[mask, r]
    if ch.add is not None:
        new = cur + ch.add
    elif ch.set is not None:
        new = np.full_like(cur, ch.set)
    else:
        new = cur * ch.multiply
    if ch.name in FRACTION_FIGURES:
        new = np.clip(new, 0.0, 1.0)
    else:
        new = np.maximum(new, 0.0)
    if ch.name == "casualties":
        new = np.maximum(new, cur)        # the dead do not come back
    if ch.name == "displaced":
        new = np.minimum(new, state.population[mask, r])
    arr[mask, r] = new


def _offer(world, state, opts, mask, rng, news, humans, event_id) -> None:
    """A human gets the choice to make; an AI picks by the options' weights."""
    if opts.actor in humans:
        # ``runs``: the runs in which the event offered the choice (a batch of runs shares one offer).
        state.pending_choices.append({"event": event_id, "actor": opts.actor, "prompt": opts.prompt,
                                      "choices": list(opts.choices), "runs": mask.copy()})
        if news is not None:
            news.append({"text": f"{world.name(opts.actor)} must decide: {opts.prompt}", "severity": "warning"})
        return
    choose_by_weights(world, state, opts.actor, opts.choices, mask, rng, news, humans, event_id)


def choose_by_weights(world, state, actor, choices, mask, rng, news, humans=frozenset(), event_id="") -> None:
    """The computer answers an event's choice: each run picks an option by the options' weights."""
    weights = np.array([c.ai_weight for c in choices], float)
    if weights.sum() <= 0:
        weights = np.ones_like(weights)
    picks = rng.choice(len(choices), size=state.runs, p=weights / weights.sum())
    for i, choice in enumerate(choices):
        sub = mask & (picks == i)
        if sub.any():
            if news is not None and sub[0]:
                news.append({"text": f"{world.name(actor)}: {choice.label}.", "severity": "info"})
            apply_effects(world, state, choice.effects, sub, rng, news if (news is not None and sub[0]) else None,
                          humans, event_id)
