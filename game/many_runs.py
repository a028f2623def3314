"""What if? in many runs, without a window: change one decision of a game and play the crisis on from
that day many times with the change and as many times without it; then a typed summary of the two
batches (``ManyRunsView``) that the debrief's dialog draws and the after-action report prints.

A change is a decision (a vote, an answer to a plea, a request, a border: actions forced in every run
from the day they name) or a factor (an actor's interest, set from the crisis's first day). Both
batches branch from the game's save at the change's turn with the same seed, so up to the change
they are the same runs: the difference between them is the change's. The computer plays every seat
from that day unless the person's recorded moves are kept.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from dataclasses import dataclass

import numpy as np

from game.engine import actions as act
from game.engine.batch import (STRENGTH, BatchResult, BatchSpec, apply_sets, force_text, parse_force, prepare,
                               run_batch)
from game.engine.reasons import TERM_LABELS
from game.report import long_date, what_if_suggestions, words

#: The figures whose distributions are shown, with their titles.
FIGURES = (("deaths", "Deaths (civilians and soldiers)"), ("displaced", "Displaced at the peak"),
           ("refugees", "Refugees abroad at the peak"))
BINS = 30

#: The interest weight that scales each term of a member's utility (``positions.member_utility``): a
#: decision's decisive term names the interest whose weight a factor what-if changes.
INTEREST_OF_TERM = {"regime": "regime_security", "spillover": "border_security", "humanitarian": "humanitarian",
                    "kin": "kin_protection", "credibility": "alliance_credibility", "duty": "alliance_credibility",
                    "influence": "regional_influence", "cost": "cost_aversion", "precedent": "non_interference",
                    "rivalry": "sovereignty", "bilateral": "bilateral_preference"}


@dataclass(frozen=True)
class Change:
    """One change to play in many runs: ``forces`` (``batch --force`` texts) from ``turn``, or ``sets``
    (``batch --set`` texts) from the crisis's first day; ``body`` is whose decision the runs are read for."""

    question: str
    body: str
    forces: tuple[str, ...] = ()
    sets: tuple[str, ...] = ()
    turn: int = 1

    @property
    def spec(self) -> str:
        """The change as the command line writes it."""
        return " ".join([f"--force {f}" for f in self.forces] + [f"--set {t}" for t in self.sets])


def change_of_force(text: str, world, question: str = "") -> Change:
    """A change that forces one action (``report --branch TEXT --runs N``); BatchError when it cannot be read."""
    forced = parse_force(text, world)
    a = forced.actions[0]
    return Change(question or text, getattr(a, "body", None) or a.actor, forces=(text,), turn=forced.turn)


def suggestions(game, limit: int = 6) -> list[Change]:
    """Changes drawn from this game for many runs: another answer or vote (as ``report.what_if_suggestions``),
    a request made earlier or framed otherwise, a border set the other way, and a decisive interest of a
    state that decided weighed the other way. Each is possible on the day it names in this game."""
    w = game.world
    decided = [change_of_force(spec, w, question) for question, spec in what_if_suggestions(game)]
    requests, borders, factors = _request_changes(game), _border_changes(game), _factor_changes(game)
    out, seen = [], set()
    for group in (decided[:2], requests[:2], borders[:1], factors[:1], decided[2:], requests[2:]):
        for c in group:
            if c.spec not in seen and len(out) < limit:
                seen.add(c.spec)
                out.append(c)
    return out


def _taken(game, kind: str):
    """(turn, Action) of each action of ``kind`` that was carried out in this game, in order."""
    for e in game.log:
        if e["action"]["kind"] == kind and e.get("ok", True):
            yield int(e["turn"]), act.action_from_dict(dict(e["action"]))


def _request_changes(game) -> list[Change]:
    """Each request to a body made on the first day instead, and made with the crisis framed otherwise."""
    w, out = game.world, []
    for turn, action in _taken(game, "request_assistance"):
        body = action.target_body
        if not body:
            continue
        who, to = w.name(action.actor), w.phrase(body) if body in w.org_ids else w.name(body)
        if turn > 1:
            out.append(Change(f"What if {who} had asked {to} for help on {_day(w, 1)}, the first day, not on "
                              f"{_day(w, turn)}?", body, forces=(force_text(action, 1),), turn=1))
        other = "outside_interference" if action.framing == "internal_unrest" else "internal_unrest"
        reframed = dataclasses.replace(action, framing=other)
        out.append(Change(f"What if {who} had called the crisis {words(other)} (not {words(action.framing)}) when "
                          f"asking {to} on {_day(w, turn)}?", body, forces=(force_text(reframed, turn),), turn=turn))
    return out


def _border_changes(game) -> list[Change]:
    """Each border as a day left it, set the other way the next day; a border closed on a state in the
    crisis first. Read for the council that decided (else the state that set the border)."""
    w = game.world
    last = {}                                      # (turn, actor, neighbour) -> how the day left it
    for turn, action in _taken(game, "set_border"):
        if turn < w.last_turn:
            last[(turn, action.actor, action.neighbour)] = action
    crisis = {d["about"] for d in game.decisions()} | {d["requested_by"] for d in game.decisions()}
    council = next((d["body"] for d in game.decisions() if d["body"] in w.org_ids), None)
    ranked = []
    for (turn, actor, neighbour), action in last.items():
        day, them = _day(w, turn + 1), w.name(neighbour)
        what = (f"reopened its border with {them} on {day}, the day after closing it" if not action.open else
                f"closed its border with {them} again on {day}, the day after opening it")
        change = Change(f"What if {w.name(actor)} had {what}?", council or actor,
                        forces=(force_text(dataclasses.replace(action, open=not action.open), turn + 1),),
                        turn=turn + 1)
        ranked.append(((action.open or neighbour not in crisis, turn), change))
    return [c for _, c in sorted(ranked, key=lambda rc: rc[0])]


def _factor_changes(game) -> list[Change]:
    """For each state that answered a plea: the interest behind its first decisive reason, weighed the other
    way (0.1 or 0.9, a judgement: the far end of the scale) from the first day."""
    w, out = game.world, []
    for d in game.decisions():
        if d["body"] not in w.actor_ids:
            continue
        interest = next((INTEREST_OF_TERM[c] for c in d.get("decisive_reasons", []) if c in INTEREST_OF_TERM), None)
        if interest is None:
            continue
        code = next(c for c in d["decisive_reasons"] if INTEREST_OF_TERM.get(c) == interest)
        old = float(getattr(w.actor(d["body"]).interests, interest))
        new = 0.1 if old >= 0.5 else 0.9
        out.append(Change(f"What if {w.name(d['body'])} had weighed {words(interest)} at {new:g}, not {old:g} "
                          f"({TERM_LABELS[code]} decided its answer), from the first day?", d["body"],
                          sets=(f"actors.{d['body']}.interests.{interest}={new:g}",), turn=1))
    return out


def _day(world, turn: int) -> str:
    return long_date(world.date_of_turn(turn))


@dataclass(frozen=True)
class ManyRunsPlan:
    """The two batches to play: ``specs`` = (without, with the change)."""

    change: Change
    turn: int                       # the turn the runs start from
    runs: int                       # runs on each side
    keep_recorded: bool
    specs: tuple[BatchSpec, BatchSpec]


@dataclass(frozen=True)
class Distribution:
    """One figure over the runs: quantiles (5, 50, 95) and histogram shares over common ``edges``."""

    key: str
    title: str
    quantiles_without: tuple[float, float, float]
    quantiles_with: tuple[float, float, float]
    this_game: float
    edges: tuple[float, ...]        # BINS + 1 edges
    without: tuple[float, ...]      # share of runs in each bin
    with_change: tuple[float, ...]


@dataclass(frozen=True)
class ManyRunsView:
    """What the two batches show about the change, in plain values (the dialog's and the report's)."""

    change: str                     # the question as a sentence, or the spec
    spec: str
    day: dt.date                    # the first day of the runs
    turn: int
    runs: int
    seed: int
    keep_recorded: bool
    seconds: float
    body: str                       # the body (or actor) whose decision was changed
    body_name: str
    shares: tuple[tuple[str, float, float], ...]        # outcome, share without, share with (weakest first)
    troops: tuple[float, float]                         # share of runs with troops, without / with
    reasons: tuple[tuple[str, float, float], ...]       # decisive reason code, share without, share with
    this_game: tuple[str, str] | None                   # the body's own last decision in this game: outcome, date
    figures: tuple[Distribution, ...]
    applied: float                                      # share of runs in which the change could be made
    refusals: tuple[tuple[str, float], ...]             # why it could not, with the share of runs


def plan(game, ref: str, change: Change | str, runs: int, seed: int = 0, keep_recorded: bool = False) -> ManyRunsPlan:
    """The two batches for ``change`` (a Change, or a ``--force`` text); BatchError with a plain reason when
    the change cannot be played."""
    if isinstance(change, str):
        change = change_of_force(change, game.world)
    save = game.save_data(ref)
    turn = change.turn                             # (prepare refuses a forced action before it)
    keep = keep_recorded and bool(save.get("humans"))
    common = dict(runs=runs, seed=seed, save=save, from_turn=turn, label=f"{game.scenario.id} (this game)",
                  keep_recorded=keep)
    edited = apply_sets(game.scenario, change.sets)
    specs = (BatchSpec(game.scenario, **common),
             BatchSpec(edited, forces=change.forces, sets=change.sets, **common))
    for s in specs:
        prepare(s)
    return ManyRunsPlan(change, turn, runs, keep, specs)


def play(p: ManyRunsPlan, progress=None) -> tuple[BatchResult, BatchResult]:
    """Play both batches; ``progress(fraction)`` is told how far along they are (0..1)."""
    out = []
    for k, spec in enumerate(p.specs):
        tick = None if progress is None else (
            lambda done, total, k=k: progress((k + done / max(total, 1)) / len(p.specs)))
        out.append(run_batch(spec, progress=tick))
    return out[0], out[1]


def this_game_figures(game) -> dict[str, float]:
    """The game's own values of FIGURES."""
    t = game.final()["totals"]
    return {"deaths": float(t["casualties"] + t.get("military_casualties", 0)),
            "displaced": float(t["peak_displaced"]), "refugees": float(t["peak_refugees"])}


def summarise(game, p: ManyRunsPlan, without: BatchResult, with_change: BatchResult) -> ManyRunsView:
    """The typed summary of the two batches beside ``game``."""
    w = game.world
    body = p.change.body
    name = w.phrase(body) if body in w.org_ids else w.name(body)
    sa = without.outcome_shares().get(body, {"no_request": 1.0})
    sb = with_change.outcome_shares().get(body, {"no_request": 1.0})
    outcomes = sorted(set(sa) | set(sb), key=lambda o: STRENGTH.index(o) if o in STRENGTH else len(STRENGTH))
    ra, rb = without.reason_shares(3).get(body, {}), with_change.reason_shares(3).get(body, {})
    reasons = sorted(set(ra) | set(rb), key=lambda c: -max(ra.get(c, 0.0), rb.get(c, 0.0)))
    own = [d for d in game.decisions() if d["body"] == body]
    applied, refusals = with_change.runs, Counter()
    for text in p.change.forces:                  # the change is made where every forced action could be
        st = with_change.scripted.get(text, {"applied": 0, "reasons": Counter()})
        applied = min(applied, st["applied"])
        refusals.update(st["reasons"])
    mine = this_game_figures(game)
    return ManyRunsView(
        change=p.change.question, spec=p.change.spec, day=w.date_of_turn(p.turn), turn=p.turn, runs=p.runs,
        seed=p.specs[0].seed, keep_recorded=p.keep_recorded, seconds=without.seconds + with_change.seconds,
        body=body, body_name=name,
        shares=tuple((o, sa.get(o, 0.0), sb.get(o, 0.0)) for o in outcomes),
        troops=(without.troops_share().get(body, 0.0), with_change.troops_share().get(body, 0.0)),
        reasons=tuple((c, ra.get(c, 0.0), rb.get(c, 0.0)) for c in reasons),
        this_game=(own[-1]["outcome"], str(own[-1]["date"])) if own else None,
        figures=tuple(_distribution(key, title, without, with_change, mine[key]) for key, title in FIGURES),
        applied=applied / with_change.runs,
        refusals=tuple((reason, n / with_change.runs) for reason, n in refusals.most_common()))


def _distribution(key, title, without: BatchResult, with_change: BatchResult, mine: float) -> Distribution:
    values = [without.figure(key), with_change.figure(key)]
    lo = min(float(min(v.min() for v in values)), mine)
    hi = max(float(max(v.max() for v in values)), mine)
    if hi <= lo:
        hi = lo + 1.0
    edges = np.linspace(lo, hi, BINS + 1)
    shares = [tuple(float(c) for c in np.histogram(v, bins=edges)[0] / len(v)) for v in values]
    return Distribution(key, title, tuple(without.quantiles(key)), tuple(with_change.quantiles(key)), mine,
                        tuple(float(e) for e in edges), shares[0], shares[1])
