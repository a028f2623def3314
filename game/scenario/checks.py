"""Cross-reference checks that the schema alone cannot make.

Every reference to an actor, region, force, organisation, source or event must
exist; ids must be unique; events must be able to fire; objectives must measure
something. Each finding is a located Problem with a did-you-mean where one fits.

The checks run even when the schema failed: every list item that is valid on its
own is checked, so one bad item does not hide the others' problems (and an id of
an invalid item still counts as defined, so it causes no second, false error).

Warnings end with a code in brackets (e.g. ``[uncited-source]``); a comment
``# validate: ignore uncited-source`` silences that code for the file (on a line
of its own) or for one line (at the end of it).
"""
from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
from pathlib import Path

from pydantic import BaseModel, ValidationError, create_model

from game.engine.reasons import REASON_CODES  # the council's reason codes, which history factors name
from game.scenario.messages import Suggester
from game.scenario.safe_yaml import LoadedYaml, Problem
from game.scenario.schema import (Actor, Agreement, Effect, Event, Force, History, Objective, Organisation, Region,
                                  Scenario, Source)

ITEM_MODELS: dict[str, type[BaseModel]] = {
    "sources": Source, "actors": Actor, "organisations": Organisation, "regions": Region,
    "forces": Force, "agreements": Agreement, "events": Event, "objectives": Objective,
}
FRACTION_FIGURES = {"violence", "stability", "border_security", "control", "tension"}
STATE_KINDS = ("government", "state")
#: A scenario longer than this many turns gets a warning (a typo in `end_date`?); longer than
#: ``MAX_TURNS`` is an error.
LONG_TURNS = 400
MAX_TURNS = 3660
_ACTIONS_PY = Path(__file__).resolve().parents[1] / "engine" / "actions.py"
_KIND = re.compile(r'^\s+kind: ClassVar\[str\] = "([a-z_]+)"', re.M)


@functools.lru_cache(maxsize=1)
def action_kinds() -> frozenset[str]:
    """The engine's action kinds (``game.engine.actions.ACTION_TYPES``).

    Read from the source text so that validating never imports numpy and the engine;
    a test checks that this equals ``ACTION_TYPES``.
    """
    try:
        found = frozenset(_KIND.findall(_ACTIONS_PY.read_text(encoding="utf-8")))
        if found:
            return found
    except OSError:  # pragma: no cover
        pass
    from game.engine.actions import ACTION_TYPES  # pragma: no cover
    return frozenset(ACTION_TYPES)  # pragma: no cover


@functools.lru_cache(maxsize=1)
def gazetteer_places() -> frozenset[str]:
    try:
        from game.gazetteer import places
        return frozenset(places())
    except Exception:  # a broken gazetteer must not break validation  # pragma: no cover
        return frozenset()


@functools.lru_cache(maxsize=1)
def library_model() -> type[Scenario]:
    """The model for library files: a Scenario whose top-level fields are all optional."""
    optional = {}
    for name, f in Scenario.model_fields.items():
        if f.is_required():
            ann = f.annotation
            default = [] if name in ITEM_MODELS else None
            optional[name] = (ann | None if default is None else ann, default)
    return create_model("Library", __base__=Scenario, **optional)


class _View:
    """What the checks need, from a valid scenario or from the valid parts of raw data
    (``items``: the list items the loader has already validated, None for invalid ones)."""

    def __init__(self, sc: Scenario | None, data: dict, items: dict | None = None):
        self.ids: dict[str, set] = {}
        self.invalid_raw: list = []  # raw data of invalid items (their citations still count)
        for key, model in ITEM_MODELS.items():
            raw = data.get(key)
            raw = raw if isinstance(raw, list) else []
            if sc is not None:
                items_ = list(getattr(sc, key))
            elif items is not None and key in items and len(items[key]) == len(raw):
                items_ = items[key]
                self.invalid_raw += [x for x, m in zip(raw, items_) if m is None]
            else:
                items_ = []
                for x in raw:
                    try:
                        items_.append(model.model_validate(x))
                    except (ValidationError, TypeError, ValueError):
                        items_.append(None)
                        self.invalid_raw.append(x)
            setattr(self, key, items_)
            self.ids[key] = {x["id"] for x in raw if isinstance(x, dict) and isinstance(x.get("id"), str)}
        if sc is not None:
            self.start_date, self.end_date, self.history = sc.start_date, sc.end_date, sc.history
        else:
            self.start_date, self.end_date = _as_date(data.get("start_date")), _as_date(data.get("end_date"))
            try:
                h = data.get("history")
                self.history = History.model_validate(h) if isinstance(h, dict) else None
            except ValidationError:
                self.history = None
                self.invalid_raw.append(data.get("history"))
        td = sc.turn_days if sc is not None else data.get("turn_days")
        self.turn_days = td if type(td) is int and 1 <= td <= 31 else 1
        if self.start_date is not None and self.end_date is not None and self.end_date < self.start_date:
            self.end_date = None  # already an error; checks that need the end must not add more


def _as_date(x) -> dt.date | None:
    if type(x) is dt.date:
        return x
    if type(x) is str and len(x) == 10:
        try:
            return dt.date.fromisoformat(x)
        except ValueError:
            return None
    return None


def _citations(node, out: set) -> None:
    """Every id in a `sources: [...]` list of text anywhere under ``node`` (raw data; iterative)."""
    todo = [node]
    while todo:
        n = todo.pop()
        if type(n) is dict:
            src = n.get("sources")
            if type(src) is list:
                out.update(x for x in src if type(x) is str)
            todo.extend(v for v in n.values() if type(v) in (dict, list))
        elif type(n) is list:
            todo.extend(v for v in n if type(v) in (dict, list))


class _Table(dict):
    """id -> object for valid items, plus the ids of invalid items (mapped to None)."""


class _Checker:
    def __init__(self, v: _View, loaded: LoadedYaml, origins: dict, budget: int = 100):
        self.v, self.loaded, self.origins = v, loaded, origins
        self.problems: list[Problem] = []
        self.errors = 0
        self.budget = budget  # errors after this many get no did-you-mean search (output is cut anyway)
        self._hints: dict = {}
        self.library = False
        self.actors = self._table("actors")
        self.regions = self._table("regions")
        self.orgs = self._table("organisations")
        self.sources = self._table("sources")
        self.spawned: dict = {}
        for ev in v.events:
            if ev is not None:
                for f in _spawned(ev.effects):
                    self.spawned.setdefault(f.id, f)
        self.forces = self._table("forces")
        for fid, f in self.spawned.items():
            self.forces.setdefault(fid, f)
        self.bodies = _Table({**self.actors, **self.orgs})
        self.cited: set[str] = set()

    def _table(self, key: str) -> _Table:
        t = _Table({i: None for i in self.v.ids[key]})
        for item in getattr(self.v, key):
            if item is not None:
                t.setdefault(item.id, item)
                if t[item.id] is None:
                    t[item.id] = item
        return t

    def report(self, loc: tuple, message: str, severity: str = "error", code: str = "") -> None:
        from game.scenario.loader import origin
        src, inner = origin(loc, self.loaded, self.origins)
        line, col = src.locate(inner)
        if code:
            message += f" [{code}]"
        if severity == "error":
            self.errors += 1
        self.problems.append(Problem(src.path, line, col, severity, message))

    def hint(self, value, table, what: str) -> str:
        """'; did you mean X?' when a defined id is close, else the list of defined ids.
        Cached per value and table; skipped once the error budget is spent (never shown)."""
        if self.errors >= self.budget:
            return ""
        key = (str(value), id(table), what)
        found = self._hints.get(key)
        if found is None:
            sug = self._hints.get(id(table))
            if sug is None:
                sug = self._hints[id(table)] = Suggester(table)
            names = sug.names
            close = sug.suggest(value)
            found = self._hints[key] = (
                f"; did you mean '{close}'?" if close else
                (f" (defined: {', '.join(names[:12])}{', ...' if len(names) > 12 else ''})" if names
                 else f" (no {what}s are defined)"))
        return found

    def ref(self, loc: tuple, value, table, what: str) -> bool:
        if value is None or value in table:
            return True
        if not table and what in ("actor", "region") and not self.library:
            return False  # `actors` / `regions` is empty or missing: already an error, no cascade
        self.report(loc, f"unknown {what} '{value}'{self.hint(value, table, what)}")
        return False

    def state(self, loc: tuple, value, field: str) -> bool:
        """``value`` (known to exist) must be a government or state actor."""
        a = self.actors.get(value)
        if a is None or a.kind in STATE_KINDS:
            return True
        self.report(loc, f"`{field}` must be a government or state, but '{value}' is {_a(a.kind)}")
        return False

    def unique(self, key: str, items) -> None:
        seen: dict[str, int] = {}
        for i, item in enumerate(items):
            if item is None:
                continue
            if item.id in seen:
                self.report((key, i, "id"), f"duplicate id '{item.id}' (already used by {key}[{seen[item.id]}]); "
                            "ids must be unique")
            else:
                seen[item.id] = i

    def cite(self, loc: tuple, ids) -> None:
        for j, sid in enumerate(ids):
            self.cited.add(sid)
            self.ref(loc + ("sources", j), sid, self.sources, "source")

    def sourced(self, loc: tuple, item, what: str) -> None:
        self.cite(loc, item.sources)
        if item.uncertain and not item.sources:
            self.report(loc + ("uncertain",), f"{what} is marked `uncertain: true` but cites no source: "
                        "add `sources: [...]` saying where the figure comes from", "warning", "uncertain-unsourced")


def _spawned(effects):
    return (eff.spawn_force for eff in Effect.walk(effects) if eff.spawn_force is not None)


def _each(items):
    return ((i, x) for i, x in enumerate(items) if x is not None)


def cross_check(sc: Scenario | None, data: dict, loaded: LoadedYaml, origins: dict,
                library: bool = False, items: dict | None = None, budget: int = 100) -> list[Problem]:
    """Every cross-reference problem and warning of a (possibly partly invalid) scenario.

    ``items`` are the list items the loader validated already (None for invalid ones);
    ``budget`` is how many more errors will be shown (after it, no did-you-mean is searched)."""
    v = _View(sc, data, items)
    c = _Checker(v, loaded, origins, budget)
    c.library = library
    for raw in v.invalid_raw:
        _citations(raw, c.cited)  # an invalid item's citations still count: no false "never cited"
    for key in ITEM_MODELS:
        c.unique(key, getattr(v, key))
    places = gazetteer_places()
    _check_calendar(c, v, data, library)
    for i, a in _each(v.actors):
        c.sourced(("actors", i), a, f"actor '{a.id}'")
        if a.sponsor is not None:
            if a.kind != "armed_group":
                c.report(("actors", i, "sponsor"), f"`sponsor` is for armed groups, but '{a.id}' is "
                         f"{_a(a.kind)}; remove it")
            elif c.ref(("actors", i, "sponsor"), a.sponsor, c.actors, "actor"):
                c.state(("actors", i, "sponsor"), a.sponsor, "sponsor")
        if a.commitments and a.kind not in STATE_KINDS:
            c.report(("actors", i, "commitments"), f"`commitments` are for governments and states, but '{a.id}' "
                     f"is {_a(a.kind)}; remove them")
        for k, cm in enumerate(a.commitments):
            c.sourced(("actors", i, "commitments", k), cm, f"commitment '{cm.name}'")
            if cm.since and cm.until and cm.until < cm.since:
                c.report(("actors", i, "commitments", k, "until"),
                         f"commitment '{cm.name}' ends ({cm.until}) before it starts ({cm.since})")
        for other in a.ties:
            if c.ref(("actors", i, "ties", other), other, c.actors, "actor") and other == a.id:
                c.report(("actors", i, "ties", other), f"actor '{a.id}' lists a tie to itself; remove it")
        for j, b in enumerate(a.bases):
            c.ref(("actors", i, "bases", j), b, c.regions, "region")
        if a.kind == "armed_group" and a.strength <= 0:
            c.report(("actors", i, "strength"), f"armed group '{a.id}' has no fighters: give `strength`")
    for i, o in _each(v.organisations):
        c.sourced(("organisations", i), o, f"organisation '{o.id}'")
        c.cite(("organisations", i, "rules"), o.rules.sources)
        for k, art in enumerate(o.rules.articles):
            c.cite(("organisations", i, "rules", "articles", k), art.sources)
        for key in ("members", "observers"):
            seen = set()
            for j, m in enumerate(getattr(o, key)):
                c.ref(("organisations", i, key, j), m, c.actors, "actor")
                if m in seen:
                    c.report(("organisations", i, key, j), f"'{m}' is listed twice in {o.id}'s {key}")
                seen.add(m)
        for j, m in enumerate(o.observers):
            if m in o.members:
                c.report(("organisations", i, "observers", j), f"'{m}' is both a member and an observer of {o.id}")
        if o.secretariat:
            c.ref(("organisations", i, "secretariat"), o.secretariat, c.actors, "actor")
        if o.chair and c.ref(("organisations", i, "chair"), o.chair, c.actors, "actor") and o.chair not in o.members:
            c.report(("organisations", i, "chair"), f"the chair '{o.chair}' is not a member of {o.id}; "
                     f"choose one of its members ({', '.join(o.members) or 'none listed'})")
        for j, f in enumerate(o.forces):
            c.ref(("organisations", i, "forces", j), f, c.forces, "force")
        numbers = [a.number for a in o.rules.articles]
        for k, n in enumerate(numbers):
            if n in numbers[:k]:
                c.report(("organisations", i, "rules", "articles", k, "number"),
                         f"article {n} of {o.id} appears twice")
        if o.security_role and not o.rules.articles:
            c.report(("organisations", i, "security_role"),
                     f"{o.id} takes requests (`security_role: true`) but its rules list no `articles`: "
                     "no request can succeed; add the articles in force")
    for i, r in _each(v.regions):
        c.sourced(("regions", i), r, f"region '{r.id}'")
        if c.ref(("regions", i, "country"), r.country, c.actors, "actor"):
            gov = c.actors.get(r.country)
            if gov is not None and gov.kind not in ("government", "state"):
                c.report(("regions", i, "country"),
                         f"region '{r.id}' is governed by '{r.country}', which is a {gov.kind}, not a state or government")
        for j, n in enumerate(r.neighbours):
            if c.ref(("regions", i, "neighbours", j), n, c.regions, "region") and n == r.id:
                c.report(("regions", i, "neighbours", j), f"region '{r.id}' lists itself as a neighbour")
        _check_on_map(c, i, r)
        share = sum(r.ethnic_groups.values())
        if share > 1.0001:
            c.report(("regions", i, "ethnic_groups"), f"ethnic shares of '{r.id}' add up to {share:.2f}, more than 1")
    valid_regions = [r for r in v.regions if r is not None]
    if not library:
        _check_missing_neighbours(c, v)
    if len(valid_regions) > 1 and not library:
        linked = {n for r in valid_regions for n in r.neighbours}
        for raw in data.get("regions") or []:  # an invalid region's links still count: no cascade
            if isinstance(raw, dict) and isinstance(raw.get("neighbours"), list):
                linked.update(n for n in raw["neighbours"] if isinstance(n, str))
                if raw["neighbours"] and isinstance(raw.get("id"), str):
                    linked.add(raw["id"])
        for i, r in _each(v.regions):
            if not r.neighbours and r.id not in linked:
                c.report(("regions", i, "id"), f"region '{r.id}' has no neighbours: violence, refugees and fighters "
                         "can never reach or leave it; add `neighbours: [...]`", "warning", "isolated-region")
    for i, f in _each(v.forces):
        c.sourced(("forces", i), f, f"force '{f.id}'")
        _check_force(c, ("forces", i), f, places)
    for i, ag in _each(v.agreements):
        c.sourced(("agreements", i), ag, f"agreement '{ag.id}'")
        for j, p in enumerate(ag.parties):
            c.ref(("agreements", i, "parties", j), p, c.actors, "actor")
        if ag.host:
            if c.ref(("agreements", i, "host"), ag.host, c.actors, "actor") and ag.host not in ag.parties:
                c.report(("agreements", i, "host"), f"the host '{ag.host}' is not one of the agreement's parties")
        if ag.since and ag.until and ag.until < ag.since:
            c.report(("agreements", i, "until"), f"agreement '{ag.id}' ends ({ag.until}) before it starts ({ag.since})")
    for i, ev in _each(v.events):
        c.sourced(("events", i), ev, f"event '{ev.id}'")
        _check_condition(c, ("events", i, "trigger"), ev.trigger)
        _check_effects(c, ("events", i, "effects"), ev.effects, places)
        why = _never(ev.trigger, v)
        if why:
            c.report(("events", i, "trigger"), f"event '{ev.id}' can never fire: {why}")
    for i, ob in _each(v.objectives):
        _check_objective(c, i, ob)
    if v.history:
        h = v.history
        for j, ev in enumerate(h.timeline):
            c.cite(("history", "timeline", j), ev.sources)
        for key in ("deaths", "displaced", "refugees"):
            rng = getattr(h, key)
            if rng is not None:
                c.cite(("history", key), rng.sources)
                if rng.high < rng.low:
                    c.report(("history", key, "high"), f"history.{key}: `high` ({rng.high:g}) is below `low` ({rng.low:g})")
        for body in h.outcomes:
            c.ref(("history", "outcomes", body), body, c.bodies, "organisation or state")
        for j, d in enumerate(h.decisions):
            here = ("history", "decisions", j)
            c.cite(here, d.sources)
            c.ref(here + ("body",), d.body, c.bodies, "organisation or actor")
            for k, code in enumerate(d.factors):
                if code not in REASON_CODES:
                    close = difflib.get_close_matches(code, REASON_CODES, n=1, cutoff=0.75)
                    hint = (f"did you mean '{close[0]}'?" if close else f"the codes are: {', '.join(REASON_CODES)}")
                    c.report(here + ("factors", k), f"unknown reason code '{code}'; {hint}")
            if d.date is not None and v.start_date is not None and v.end_date is not None and \
                    not v.start_date <= d.date <= v.end_date:
                c.report(here + ("date",), f"the decision's date {d.date} is outside the scenario "
                         f"({v.start_date} to {v.end_date}): no game can match its timing", "warning",
                         "decision-outside")
    teaching = sc.teaching if sc is not None else None
    if teaching is not None and v.start_date is not None and v.end_date is not None:
        for j, q in enumerate(teaching.questions):
            for key in ("date_from", "date_to"):
                day = getattr(q, key)
                if day is not None and not v.start_date <= day <= v.end_date:
                    c.report(("teaching", "questions", j, key), f"the question's {key} {day} is outside the scenario "
                             f"({v.start_date} to {v.end_date}): the game never reaches it", "warning",
                             "question-outside")
        if teaching.classroom_pace is not None:
            _check_pace(c, v, teaching.classroom_pace)
    # warnings on the whole
    for i, s in _each(v.sources):
        from_library = c.origins.get(("sources", i)) is not None and c.origins[("sources", i)][0] is not loaded
        if s.id not in c.cited and not from_library:   # a library's source is its own author's business
                c.report(("sources", i, "id"), f"source '{s.id}' is never cited: cite it in some `sources: [...]` "
                         "or remove it", "warning", "uncited-source")
    if not library and any(o is not None for o in v.objectives):
        judged = {ob.actor for ob in v.objectives if ob is not None}
        for i, a in _each(v.actors):
            if a.playable and a.kind != "armed_group" and a.id not in judged:
                c.report(("actors", i, "id"), f"actor '{a.id}' is playable but has no objectives: a player in this "
                         "role cannot be assessed; add objectives or set `playable: false`", "warning", "no-objectives")
    return c.problems


def _check_force(c: _Checker, loc: tuple, f, places) -> None:
    if c.ref(loc + ("owner",), f.owner, c.actors, "actor"):
        owner = c.actors.get(f.owner)
        if owner is not None and owner.kind == "secretariat":
            c.report(loc + ("owner",), f"force '{f.id}' is owned by a secretariat; give it to a state or government")
    if f.home not in c.regions and f.home not in places:
        sug = c._hints.get("homes")
        if sug is None:
            sug = c._hints["homes"] = Suggester(set(c.regions) | places)
        close = sug.suggest(f.home)
        hint = (f"; did you mean '{close}'?" if close else
                "; use a region id of this scenario or a place id from assets/maps/gazetteer.yaml")
        c.report(loc + ("home",), f"force '{f.id}' has an unknown home '{f.home}'{hint} "
                 "(the force will start off the map)", "warning", "unknown-home")
    if f.location:
        c.ref(loc + ("location",), f.location, c.regions, "region")


def _check_objective(c: _Checker, i: int, ob) -> None:
    loc = ("objectives", i)
    c.ref(loc + ("actor",), ob.actor, c.actors, "actor")
    if ob.region:
        c.ref(loc + ("region",), ob.region, c.regions, "region")
    if ob.country:
        c.ref(loc + ("country",), ob.country, c.actors, "actor")
    if ob.region and ob.country:
        c.report(loc + ("country",), f"objective '{ob.id}' gives both `region` and `country`: keep one")
    if ob.figure == "outcome":
        if not ob.body or not (ob.outcome_in or ob.outcome_not_in):
            c.report(loc, f"objective '{ob.id}' measures an `outcome`: give `body` (who decides) and "
                     "`outcome_in: [...]` (the outcomes that count as success) or `outcome_not_in: [...]` (the outcomes to avoid)")
        else:
            c.ref(loc + ("body",), ob.body, c.bodies, "organisation or state")
        return
    if ob.figure == "troops_deployed":
        if not ob.country:
            c.report(loc, f"objective '{ob.id}' measures `troops_deployed`: give `country` (whose troops)")
    elif not ob.region and not ob.country:
        c.report(loc, f"objective '{ob.id}' measures {ob.figure} but names no `region` or `country`")
    if ob.at_most is None and ob.at_least is None:
        c.report(loc, f"objective '{ob.id}' has no `at_most` or `at_least`: it measures nothing")
    elif ob.at_most is not None and ob.at_least is not None and ob.at_least > ob.at_most:
        c.report(loc + ("at_least",), f"objective '{ob.id}' can never be met: `at_least` ({ob.at_least:g}) "
                 f"is above `at_most` ({ob.at_most:g})")
    if ob.figure in FRACTION_FIGURES:
        for key in ("at_most", "at_least"):
            val = getattr(ob, key)
            if val is not None and not 0 <= val <= 1:
                c.report(loc + (key,), f"{ob.figure} lies between 0 and 1, so `{key}: {val:g}` is always or never met")


def _check_condition(c: _Checker, loc: tuple, cond) -> None:
    for key in ("all", "any"):
        for j, sub in enumerate(getattr(cond, key) or []):
            _check_condition(c, loc + (key, j), sub)
    if cond.not_ is not None:
        _check_condition(c, loc + ("not",), cond.not_)
    if cond.figure is not None:
        c.ref(loc + ("figure", "region"), cond.figure.region, c.regions, "region")
        c.ref(loc + ("figure", "country"), cond.figure.country, c.actors, "actor")
    if cond.action is not None:
        c.ref(loc + ("action", "actor"), cond.action.actor, c.actors, "actor")
        kinds = action_kinds()
        if cond.action.kind not in kinds:
            close = difflib.get_close_matches(cond.action.kind, sorted(kinds), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else f" (known: {', '.join(sorted(kinds))})"
            c.report(loc + ("action", "kind"), f"unknown action kind '{cond.action.kind}'{hint}")
    if cond.outcome is not None:
        c.ref(loc + ("outcome", "body"), cond.outcome.body, c.bodies, "organisation or state")


def _check_effects(c: _Checker, loc: tuple, effects, places) -> None:
    for j, e in enumerate(effects):
        here = loc + (j,)
        if e.change is not None:
            c.ref(here + ("change", "region"), e.change.region, c.regions, "region")
            ch = e.change
            if ch.set is not None and ch.name in FRACTION_FIGURES and not 0 <= ch.set <= 1:
                c.report(here + ("change", "set"), f"{ch.name} lies between 0 and 1; `set: {ch.set:g}` will be cut to that range")
        if e.move_force is not None:
            c.ref(here + ("move_force", "force"), e.move_force.force, c.forces, "force")
            if e.move_force.to != "home":
                c.ref(here + ("move_force", "to"), e.move_force.to, c.regions, "region")
        if e.spawn_force is not None:
            sf = e.spawn_force
            if sf.id in c.v.ids["forces"]:
                c.report(here + ("spawn_force", "id"), f"force '{sf.id}' already exists in `forces`; give the new "
                         "force its own id")
            _check_force(c, here + ("spawn_force",), sf, places)
        if e.request is not None:
            r = e.request
            c.ref(here + ("request", "actor"), r.actor, c.actors, "actor")
            if c.ref(here + ("request", "target"), r.target, c.bodies, "organisation or state"):
                org = c.orgs.get(r.target)
                if org is not None and r.article is not None and org.rules.articles and \
                        r.article not in [a.number for a in org.rules.articles]:
                    nums = ", ".join(str(a.number) for a in org.rules.articles)
                    c.report(here + ("request", "article"),
                             f"{r.target} has no article {r.article} in force (its articles: {nums})")
            c.ref(here + ("request", "against"), r.against, c.actors, "actor")
            if r.about is not None and c.ref(here + ("request", "about"), r.about, c.actors, "actor"):
                org = c.orgs.get(r.target)
                if org is not None and r.about not in org.members:
                    c.report(here + ("request", "about"), f"`about` names '{r.about}', which is not a member of "
                             f"{r.target}: a request is about a member's crisis (members: {', '.join(org.members)})")
        if e.hostilities is not None:
            _check_hostilities(c, here + ("hostilities",), e.hostilities)
        if e.ceasefire is not None:
            pair = e.ceasefire.actors
            for k, a in enumerate(pair):
                if c.ref(here + ("ceasefire", "actors", k), a, c.actors, "actor"):
                    c.state(here + ("ceasefire", "actors", k), a, "ceasefire.actors")
            if len(pair) == 2 and pair[0] == pair[1]:
                c.report(here + ("ceasefire", "actors", 1), f"a ceasefire needs two different states, not "
                         f"'{pair[0]}' twice")
        if e.border is not None:
            c.ref(here + ("border", "actor"), e.border.actor, c.actors, "actor")
            c.ref(here + ("border", "neighbour"), e.border.neighbour, c.actors, "actor")
        if e.options is not None:
            c.ref(here + ("options", "actor"), e.options.actor, c.actors, "actor")
            for k, ch in enumerate(e.options.choices):
                _check_effects(c, here + ("options", "choices", k, "effects"), ch.effects, places)


def _a(kind: str) -> str:
    words = kind.replace("_", " ")
    return ("an " if words[:1] in "aeiou" else "a ") + words


def _check_hostilities(c: _Checker, loc: tuple, h) -> None:
    """The attacker is a state; the region belongs to another actor and borders one of the attacker's."""
    ok_actor = c.ref(loc + ("actor",), h.actor, c.actors, "actor") and c.state(loc + ("actor",), h.actor,
                                                                               "hostilities.actor")
    if not c.ref(loc + ("region",), h.region, c.regions, "region") or not ok_actor:
        return
    target = c.regions.get(h.region)
    if target is None:
        return
    if target.country == h.actor:
        c.report(loc + ("region",), f"'{h.region}' is a region of '{h.actor}' itself; hostilities attack a "
                 "region of another state")
        return
    regions = [r for r in c.regions.values() if r is not None]
    own = {r.id for r in regions if r.country == h.actor}
    touching = {(r.id, n) for r in regions for n in r.neighbours}
    touching |= {(b, a) for a, b in touching}  # one direction is enough in `neighbours`
    if not any((o, h.region) in touching for o in own):
        near = sorted({x for o, x in touching if o in own and x not in own and x != h.region})
        hint = (f"regions of other states that border {h.actor}'s here: {', '.join(near)}" if near else
                f"{h.actor} has no regions in this scenario" if not own else
                f"no region of another state borders {h.actor}'s regions in this scenario")
        c.report(loc + ("region",), f"'{h.region}' does not border any region of '{h.actor}' (per `neighbours`); "
                 f"{hint}")


def _check_calendar(c: _Checker, v: _View, data: dict, library: bool) -> None:
    """A scenario of implausible length: a warning above ``LONG_TURNS`` turns, an error above ``MAX_TURNS``."""
    last = _last_turn(v)
    if last is None or library:
        return
    loc = ("end_date",)
    if last > MAX_TURNS:
        c.report(loc, f"the scenario would last {last:,} turns ({v.start_date} to {v.end_date}, "
                 f"{v.turn_days} day{'s' if v.turn_days != 1 else ''} a turn); at most {MAX_TURNS:,} are allowed: "
                 "is `end_date` a typo?")
    elif last > LONG_TURNS:
        c.report(loc, f"the scenario lasts {last:,} turns ({v.start_date} to {v.end_date}); is `end_date` "
                 "a typo? (for a long crisis, use weekly turns: `turn_days: 7`)", "warning", "long-scenario")


def _check_on_map(c: _Checker, i: int, r) -> None:
    """The region's code is on the map, and its neighbours share a border with it there."""
    from game.scenario.geography import map_regions
    m = map_regions()
    if not len(m):  # pragma: no cover - the map asset is missing: nothing to check against
        return
    here = ("regions", i)
    country = r.id.split("-", 1)[0]
    if r.id not in m:
        if country in m.by_country:
            codes = sorted(m.by_country[country])
            listed = codes if len(codes) <= 16 else m.nearest(r.id, r.name)
            what = "its regions" if len(codes) <= 16 else "the nearest codes"
            c.report(here + ("id",), f"region '{r.id}' is not on the map; {what}: "
                     f"{', '.join(m.label(x) for x in listed)} (docs/scenario-format.md lists every code)")
        else:
            c.report(here + ("id",), f"the map has no regions of country '{country}', so region '{r.id}' is not "
                     f"drawn and cannot be chosen on the map (the map covers {', '.join(m.countries)})",
                     "warning", "off-map-region")
        return
    real = m.regions[r.id]
    for j, n in enumerate(r.neighbours):
        if n in m and n != r.id and n not in real.neighbours:
            inside = [x for x in real.neighbours if x in c.regions]
            extra = f"; of those in this scenario: {', '.join(inside)}" if inside and len(inside) < len(real.neighbours) else ""
            c.report(here + ("neighbours", j), f"{m.label(r.id)} and {m.label(n)} do not share a border on the map; "
                     f"{r.id}'s neighbours are {', '.join(m.label(x) for x in real.neighbours)}{extra}",
                     "warning", "not-neighbours")


def _check_missing_neighbours(c: _Checker, v: _View) -> None:
    """Two regions of the scenario that share a border on the map but neither lists the other."""
    from game.scenario.geography import map_regions
    m = map_regions()
    regions = [(i, r) for i, r in _each(v.regions) if r.id in m]
    linked = {(r.id, n) for _, r in regions for n in r.neighbours}
    present = {r.id for _, r in regions}
    for i, r in regions:
        for n in m.regions[r.id].neighbours:
            if n in present and n > r.id and (r.id, n) not in linked and (n, r.id) not in linked:
                loc = ("regions", i, "neighbours") if r.neighbours else ("regions", i, "id")
                c.report(loc, f"{m.label(r.id)} borders {m.label(n)} on the map, but neither lists the other in "
                         "`neighbours`: violence, refugees and fighters will not cross there; add it",
                         "warning", "missing-neighbour")


def _check_pace(c, v: _View, pace) -> None:
    """A classroom pace has turns no shorter than the scenario's, ends within it, and gives fewer turns."""
    here = ("teaching", "classroom_pace")
    if pace.turn_days < v.turn_days:
        c.report(here + ("turn_days",), f"the classroom pace's turns ({pace.turn_days} days) are shorter than the "
                 f"scenario's ({v.turn_days} days): a classroom pace has fewer, longer turns")
        return
    end = pace.end_date or v.end_date
    if pace.end_date is not None and not v.start_date <= pace.end_date <= v.end_date:
        c.report(here + ("end_date",), f"the classroom pace's end_date {pace.end_date} is outside the scenario "
                 f"({v.start_date} to {v.end_date})")
        return
    normal, paced = _last_turn(v), (end - v.start_date).days // pace.turn_days + 1
    if paced >= normal:
        c.report(here, f"the classroom pace gives {paced} turns, the scenario's own pace {normal}: give longer "
                 "turns (`turn_days`) or an earlier `end_date`")


def _last_turn(v: _View) -> int | None:
    if v.start_date is None or v.end_date is None:
        return None
    return (v.end_date - v.start_date).days // max(1, v.turn_days or 1) + 1


def _never(cond, v: _View) -> str:
    """Why a trigger can never hold during the scenario ('' when it may)."""
    start, end = v.start_date, v.end_date
    if cond.date_from is not None and end is not None and cond.date_from > end:
        return f"`date_from: {cond.date_from}` is after the scenario ends ({end})"
    if cond.date_until is not None and start is not None and cond.date_until < start:
        return f"`date_until: {cond.date_until}` is before the scenario starts ({start})"
    if cond.turn_from is not None:
        last = _last_turn(v)
        if last is not None and cond.turn_from > last:
            return f"`turn_from: {cond.turn_from}` is after the last turn ({last})"
    if cond.figure is not None:
        f = cond.figure
        if f.above is not None and f.below is not None and f.above >= f.below:
            return f"the figure must be above {f.above:g} and below {f.below:g} at once"
        if f.name in FRACTION_FIGURES and f.region is not None:
            if f.above is not None and f.above >= 1:
                return f"{f.name} is at most 1, so it is never above {f.above:g}"
            if f.below is not None and f.below <= 0:
                return f"{f.name} is at least 0, so it is never below {f.below:g}"
        if f.below is not None and f.below <= 0 and f.name not in FRACTION_FIGURES:
            return f"{f.name} is never negative, so it is never below {f.below:g}"
    if cond.all is not None:
        for sub in cond.all:
            why = _never(sub, v)
            if why:
                return why
        froms = [s.date_from for s in cond.all if s.date_from is not None]
        untils = [s.date_until for s in cond.all if s.date_until is not None]
        if froms and untils and max(froms) > min(untils):
            return f"it needs a date from {max(froms)} and until {min(untils)} at once"
    if cond.any is not None:
        if not cond.any:
            return "`any: []` is empty, so it never holds"
        whys = [_never(sub, v) for sub in cond.any]
        if all(whys):
            return "none of its `any` alternatives can hold (" + "; ".join(whys) + ")"
    if cond.not_ is not None:
        inner = cond.not_
        if inner.turn_from == 1:
            return "`not: {turn_from: 1}` never holds"
    return ""
