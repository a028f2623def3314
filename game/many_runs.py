"""What if? in many runs, without a window: change one decision of a game and play the crisis on from
that day many times with the change and as many times without it; then a typed summary of the two
batches (``ManyRunsView``) that the debrief's dialog draws and the after-action report prints.

Both batches branch from the game's save at the change's turn with the same seed, so up to the change
they are the same runs: the difference between them is the change's. The computer plays every seat
from that day unless the person's recorded moves are kept.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

import numpy as np

from game.engine.batch import STRENGTH, BatchResult, BatchSpec, parse_force, prepare, run_batch

#: The figures whose distributions are shown, with their titles.
FIGURES = (("deaths", "Deaths (civilians and soldiers)"), ("displaced", "Displaced at the peak"))
BINS = 30


@dataclass(frozen=True)
class ManyRunsPlan:
    """The two batches to play: ``specs`` = (without, with the change)."""

    spec: str                       # the change, as ``batch --force`` writes it
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


def plan(game, ref: str, spec: str, runs: int, seed: int = 0, keep_recorded: bool = False) -> ManyRunsPlan:
    """The two batches for ``spec`` (BatchError with a plain reason when the change is impossible)."""
    save = game.save_data(ref)
    turn = parse_force(spec, game.world).turn
    keep = keep_recorded and bool(save.get("humans"))
    common = dict(runs=runs, seed=seed, save=save, from_turn=turn, label=f"{game.scenario.id} (this game)",
                  keep_recorded=keep)
    specs = (BatchSpec(game.scenario, **common), BatchSpec(game.scenario, forces=(spec,), **common))
    for s in specs:
        prepare(s)
    return ManyRunsPlan(spec, turn, runs, keep, specs)


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
            "displaced": float(t["peak_displaced"])}


def summarise(game, p: ManyRunsPlan, without: BatchResult, with_change: BatchResult,
              change: str = "") -> ManyRunsView:
    """The typed summary of the two batches beside ``game``."""
    w = game.world
    forced = parse_force(p.spec, w).actions[0]
    body = getattr(forced, "body", None) or forced.actor
    name = w.phrase(body) if body in w.org_ids else w.name(body)
    sa = without.outcome_shares().get(body, {"no_request": 1.0})
    sb = with_change.outcome_shares().get(body, {"no_request": 1.0})
    outcomes = sorted(set(sa) | set(sb), key=lambda o: STRENGTH.index(o) if o in STRENGTH else len(STRENGTH))
    ra, rb = without.reason_shares(3).get(body, {}), with_change.reason_shares(3).get(body, {})
    reasons = sorted(set(ra) | set(rb), key=lambda c: -max(ra.get(c, 0.0), rb.get(c, 0.0)))
    own = [d for d in game.decisions() if d["body"] == body]
    forced_stats = with_change.scripted.get(p.spec, {"applied": 0, "reasons": Counter()})
    mine = this_game_figures(game)
    return ManyRunsView(
        change=change or p.spec, spec=p.spec, day=w.date_of_turn(p.turn), turn=p.turn, runs=p.runs,
        seed=p.specs[0].seed, keep_recorded=p.keep_recorded, seconds=without.seconds + with_change.seconds,
        body=body, body_name=name,
        shares=tuple((o, sa.get(o, 0.0), sb.get(o, 0.0)) for o in outcomes),
        troops=(without.troops_share().get(body, 0.0), with_change.troops_share().get(body, 0.0)),
        reasons=tuple((c, ra.get(c, 0.0), rb.get(c, 0.0)) for c in reasons),
        this_game=(own[-1]["outcome"], str(own[-1]["date"])) if own else None,
        figures=tuple(_distribution(key, title, without, with_change, mine[key]) for key, title in FIGURES),
        applied=forced_stats["applied"] / with_change.runs,
        refusals=tuple((reason, n / with_change.runs) for reason, n in forced_stats["reasons"].most_common()))


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
