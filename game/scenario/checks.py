"""Cross-reference checks that the schema alone cannot make.

Every reference to an actor, region, force, organisation, source or event must
exist; ids must be unique; events must be able to fire; objectives must measure
something. Each finding is a located Problem with a did-you-mean where one fits.
"""
from __future__ import annotations

import difflib

from game.scenario.safe_yaml import LoadedYaml, Problem
from game.scenario.schema import Scenario


class _Checker:
    def __init__(self, sc: Scenario, loaded: LoadedYaml, origins: dict):
        self.sc, self.loaded, self.origins = sc, loaded, origins
        self.problems: list[Problem] = []
        self.actors = {a.id: a for a in sc.actors}
        self.regions = {r.id: r for r in sc.regions}
        self.forces = {f.id: f for f in sc.forces}
        self.orgs = {o.id: o for o in sc.organisations}
        self.sources = {s.id for s in sc.sources}

    def report(self, loc: tuple, message: str, severity: str = "error") -> None:
        src, inner = self.loaded, loc
        if len(loc) >= 2 and isinstance(loc[1], int) and (loc[0], loc[1]) in self.origins and self.origins[(loc[0], loc[1])]:
            src, j = self.origins[(loc[0], loc[1])]
            inner = (loc[0], j) + tuple(loc[2:])
        line, col = src.locate(inner)
        self.problems.append(Problem(src.path, line, col, severity, message))

    def ref(self, loc: tuple, value, table, what: str) -> bool:
        if value is None or value in table:
            return True
        close = difflib.get_close_matches(str(value), list(table), n=1, cutoff=0.6)
        hint = f"; did you mean '{close[0]}'?" if close else (f" (defined: {', '.join(list(table)[:12])})" if table else f" (no {what}s are defined)")
        self.report(loc, f"unknown {what} '{value}'{hint}")
        return False

    def unique(self, key: str, items) -> None:
        seen: dict[str, int] = {}
        for i, item in enumerate(items):
            if item.id in seen:
                self.report((key, i, "id"), f"duplicate id '{item.id}' (first used by {key}[{seen[item.id]}])")
            else:
                seen[item.id] = i

    def cited(self, loc: tuple, ids) -> None:
        for j, sid in enumerate(ids):
            self.ref(loc + ("sources", j), sid, self.sources, "source")


def cross_check(sc: Scenario, loaded: LoadedYaml, origins: dict) -> list[Problem]:
    c = _Checker(sc, loaded, origins)
    for key in ("sources", "actors", "organisations", "regions", "forces", "agreements", "events", "objectives"):
        c.unique(key, getattr(sc, key))
    bodies = {**c.actors, **c.orgs}
    places = dict(c.regions)
    for i, a in enumerate(sc.actors):
        c.cited(("actors", i), a.sources)
        for other in a.ties:
            c.ref(("actors", i, "ties", other), other, c.actors, "actor")
        for j, b in enumerate(a.bases):
            c.ref(("actors", i, "bases", j), b, c.regions, "region")
        if a.kind == "armed_group" and a.strength <= 0:
            c.report(("actors", i, "strength"), f"armed group '{a.id}' has no fighters: give `strength`", "warning")
    for i, o in enumerate(sc.organisations):
        c.cited(("organisations", i), o.sources)
        for j, m in enumerate(o.members):
            c.ref(("organisations", i, "members", j), m, c.actors, "actor")
        for j, m in enumerate(o.observers):
            c.ref(("organisations", i, "observers", j), m, c.actors, "actor")
        if o.secretariat:
            c.ref(("organisations", i, "secretariat"), o.secretariat, c.actors, "actor")
        for j, f in enumerate(o.forces):
            c.ref(("organisations", i, "forces", j), f, c.forces, "force")
        numbers = [a.number for a in o.rules.articles]
        if len(set(numbers)) != len(numbers):
            c.report(("organisations", i, "rules", "articles"), "an article number appears twice")
        if o.security_role and not o.rules.articles:
            c.report(("organisations", i, "rules"), f"{o.id} takes requests but has no `articles`: no request can succeed", "warning")
    for i, r in enumerate(sc.regions):
        c.cited(("regions", i), r.sources)
        if c.ref(("regions", i, "country"), r.country, c.actors, "actor"):
            if c.actors[r.country].kind not in ("government", "state"):
                c.report(("regions", i, "country"), f"region '{r.id}' is governed by '{r.country}', which is not a state or government")
        for j, n in enumerate(r.neighbours):
            if c.ref(("regions", i, "neighbours", j), n, c.regions, "region") and n == r.id:
                c.report(("regions", i, "neighbours", j), f"region '{r.id}' lists itself as a neighbour")
        share = sum(r.ethnic_groups.values())
        if share > 1.0001:
            c.report(("regions", i, "ethnic_groups"), f"ethnic shares add up to {share:.2f}, more than 1")
    all_forces = list(sc.forces)
    for i, f in enumerate(sc.forces):
        c.cited(("forces", i), f.sources)
        c.ref(("forces", i, "owner"), f.owner, c.actors, "actor")
        if f.location:
            c.ref(("forces", i, "location"), f.location, c.regions, "region")
    for i, ag in enumerate(sc.agreements):
        c.cited(("agreements", i), ag.sources)
        for j, p in enumerate(ag.parties):
            c.ref(("agreements", i, "parties", j), p, c.actors, "actor")
        if ag.host:
            c.ref(("agreements", i, "host"), ag.host, c.actors, "actor")
    for i, ev in enumerate(sc.events):
        c.cited(("events", i), ev.sources)
        _check_condition(c, ("events", i, "trigger"), ev.trigger, bodies)
        _check_effects(c, ("events", i, "effects"), ev.effects, bodies, all_forces)
        if _never(ev.trigger, sc):
            c.report(("events", i, "trigger"), f"event '{ev.id}' can never fire: its dates lie outside "
                     f"{sc.start_date} to {sc.end_date}", "error")
    for i, ob in enumerate(sc.objectives):
        c.ref(("objectives", i, "actor"), ob.actor, c.actors, "actor")
        if ob.region:
            c.ref(("objectives", i, "region"), ob.region, c.regions, "region")
        if ob.country:
            c.ref(("objectives", i, "country"), ob.country, c.actors, "actor")
        if ob.figure == "outcome":
            if not ob.body or not ob.outcome_in:
                c.report(("objectives", i), "an `outcome` objective needs `body` and `outcome_in`")
            else:
                c.ref(("objectives", i, "body"), ob.body, bodies, "organisation or state")
        elif ob.figure == "troops_deployed":
            pass
        elif not ob.region and not ob.country:
            c.report(("objectives", i), f"objective '{ob.id}' measures {ob.figure} but names no `region` or `country`")
        if ob.figure != "outcome" and ob.at_most is None and ob.at_least is None:
            c.report(("objectives", i), f"objective '{ob.id}' has no `at_most` or `at_least`: it measures nothing")
    if sc.history:
        for j, ev in enumerate(sc.history.timeline):
            c.cited(("history", "timeline", j), ev.sources)
        for body in sc.history.outcomes:
            c.ref(("history", "outcomes", body), body, bodies, "organisation or state")
    for i, a in enumerate(sc.actors):
        if a.kind in ("government", "state") and a.country is None:
            pass
    return c.problems


def _check_condition(c: _Checker, loc: tuple, cond, bodies) -> None:
    for key in ("all", "any"):
        for j, sub in enumerate(getattr(cond, key) or []):
            _check_condition(c, loc + (key, j), sub, bodies)
    if cond.not_ is not None:
        _check_condition(c, loc + ("not",), cond.not_, bodies)
    if cond.figure is not None:
        c.ref(loc + ("figure", "region"), cond.figure.region, c.regions, "region")
        c.ref(loc + ("figure", "country"), cond.figure.country, c.actors, "actor")
    if cond.action is not None:
        c.ref(loc + ("action", "actor"), cond.action.actor, c.actors, "actor")
        from game.engine.actions import ACTION_TYPES
        if cond.action.kind not in ACTION_TYPES:
            close = difflib.get_close_matches(cond.action.kind, list(ACTION_TYPES), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else f" (known: {', '.join(sorted(ACTION_TYPES))})"
            c.report(loc + ("action", "kind"), f"unknown action kind '{cond.action.kind}'{hint}")
    if cond.outcome is not None:
        c.ref(loc + ("outcome", "body"), cond.outcome.body, bodies, "organisation or state")


def _check_effects(c: _Checker, loc: tuple, effects, bodies, forces) -> None:
    force_ids = {f.id for f in forces} | {e.spawn_force.id for e in effects if e.spawn_force}
    for j, e in enumerate(effects):
        here = loc + (j,)
        if e.change is not None:
            c.ref(here + ("change", "region"), e.change.region, c.regions, "region")
        if e.move_force is not None:
            c.ref(here + ("move_force", "force"), e.move_force.force, {**c.forces, **{f: 1 for f in force_ids}}, "force")
            if e.move_force.to != "home":
                c.ref(here + ("move_force", "to"), e.move_force.to, c.regions, "region")
        if e.spawn_force is not None:
            c.ref(here + ("spawn_force", "owner"), e.spawn_force.owner, c.actors, "actor")
            if e.spawn_force.id in c.forces:
                c.report(here + ("spawn_force", "id"), f"force '{e.spawn_force.id}' already exists")
        if e.request is not None:
            c.ref(here + ("request", "actor"), e.request.actor, c.actors, "actor")
            c.ref(here + ("request", "target"), e.request.target, bodies, "organisation or state")
            c.ref(here + ("request", "against"), e.request.against, c.actors, "actor")
        if e.border is not None:
            c.ref(here + ("border", "actor"), e.border.actor, c.actors, "actor")
            c.ref(here + ("border", "neighbour"), e.border.neighbour, c.actors, "actor")
        if e.options is not None:
            c.ref(here + ("options", "actor"), e.options.actor, c.actors, "actor")
            for k, ch in enumerate(e.options.choices):
                _check_effects(c, here + ("options", "choices", k, "effects"), ch.effects, bodies, forces)


def _never(cond, sc: Scenario) -> bool:
    """True when date conditions alone rule the trigger out for the whole scenario."""
    if cond.date_from is not None:
        return cond.date_from > sc.end_date
    if cond.date_until is not None:
        return cond.date_until < sc.start_date
    if cond.all is not None:
        return any(_never(x, sc) for x in cond.all)
    if cond.any is not None:
        return bool(cond.any) and all(_never(x, sc) for x in cond.any)
    return False
