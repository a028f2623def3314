"""Play every scenario that carries a historical record, AI in every seat, on the run axis, and
set what the model did beside what really happened.

For each recorded decision (``history.decisions``): the share of runs in which the body reached
one of the outcomes the sources describe, with troops or without as it really did; the share
that did so within the tolerance of the real date; the most common decisive reasons and whether
they include a factor the sources name; and whether casualties and displacement fall within the
sources' ranges.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from game.engine.batch import OUTCOME_NAMES, TROOP_OUTCOMES, BatchSpec, run_batch, strongest  # noqa: F401 (TROOP_OUTCOMES: re-exported)
from game.engine.positions import REASON_CODES, REASON_LABELS
from game.engine.world import OUTCOMES, build_world


@dataclass
class Row:
    scenario: str
    title: str
    fiction: bool
    body: str
    history: dict
    runs: int
    match_share: float
    asked_share: float
    outcome_shares: dict
    troops_share: float
    timing_share: float | None
    median_date: str | None
    top_reasons: list
    factor_share: float | None
    ranges: dict = field(default_factory=dict)
    seconds: float = 0.0

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def strongest_outcome(state, b: int) -> np.ndarray:
    """(R,) the strongest outcome each run's body reached, as a name ('no_request' if never asked)."""
    return np.array(OUTCOME_NAMES, dtype=object)[strongest(state)[:, b]]


def _first_turn(outcome_turn: np.ndarray, outcomes: list[str]) -> np.ndarray:
    """(R,) first turn any of ``outcomes`` was reached (-1 if never), from one body's (R, O) turns."""
    codes = [OUTCOMES.index(o) for o in outcomes if o in OUTCOMES]
    turns = outcome_turn[:, codes].astype(float)
    turns[turns < 0] = np.inf
    first = turns.min(axis=1) if codes else np.full(len(outcome_turn), np.inf)
    return np.where(np.isfinite(first), first, -1).astype(int)


def calibrate_scenario(loaded, runs: int, seed: int) -> list[Row]:
    """The rows of one scenario: a batch of ``runs`` runs (one chunk up to batch.CHUNK: exactly
    ``Game(scenario, seed, runs)``) read through its per-run summaries."""
    sc = loaded.scenario if hasattr(loaded, "scenario") else loaded
    res = run_batch(BatchSpec(sc, runs=runs, seed=seed))
    seconds = res.seconds
    w, h, per = build_world(sc), sc.history, res.per_run
    ranges = {}
    for name, values, rng_ in (("deaths", res.figure("deaths"), h.deaths), ("displaced", res.figure("displaced"), h.displaced),
                               ("refugees", res.figure("refugees"), h.refugees)):
        if rng_ is not None:
            q = np.percentile(values, [5, 50, 95])
            ranges[name] = {"low": rng_.low, "high": rng_.high, "median": round(float(q[1])),
                            "p5": round(float(q[0])), "p95": round(float(q[2])),
                            "within_share": round(float(((values >= rng_.low) & (values <= rng_.high)).mean()), 3)}
    rows = []
    for dec in recorded_decisions(h):
        if dec.body not in w.body_ids:
            continue
        b = w.b(dec.body)
        got = res.outcome_names(dec.body)
        accepted = set(dec.outcome) | ({"no_request"} if "no_session" in dec.outcome else set())
        troops = per["troops"][:, b]
        asked = per["request_turn"][:, b] >= 0                    # somebody asked this body
        # A decision that answered a request is judged on the runs where the request was made
        # (whether it is made is the requester's choice, shown as asked_share); a record that
        # includes "no request" is judged on every run.
        judged = np.ones(runs, dtype=bool) if "no_request" in accepted or not asked.any() else asked
        match_runs = np.isin(got, list(accepted)) & (troops == dec.troops)
        match = match_runs[judged]
        timing_share, median_date = None, None
        real = [o for o in dec.outcome if o in OUTCOMES]
        first = _first_turn(per["outcome_turn"][:, b, :], real)
        if (first > 0).any():
            median_date = w.date_of_turn(int(np.median(first[first > 0]))).isoformat()
        if dec.date is not None:
            tol = max(dec.tolerance_days, sc.turn_days)
            days = np.array([(w.date_of_turn(int(t)) - dec.date).days if t > 0 else 10 ** 6 for t in first])
            timing_share = round(float((match_runs & (np.abs(days) <= tol))[judged].mean()), 3)
        codes = per["reasons"][:, b, :].astype(np.int64)
        counter = Counter(int(c) for c in codes.ravel() if c >= 0)
        top = [{"reason": REASON_CODES[c], "label": REASON_LABELS[REASON_CODES[c]], "share": round(n / runs, 3)}
               for c, n in counter.most_common(3)]
        factor_share = None
        if dec.factors:
            wanted = {REASON_CODES.index(f) for f in dec.factors if f in REASON_CODES}
            if "no_request" in dec.factors:
                hit = ~asked
            else:
                hit = np.zeros(runs, dtype=bool)
            hit |= np.isin(codes, list(wanted)).any(axis=1)
            factor_share = round(float(hit[judged].mean()), 3)
        shares = Counter(got.tolist())
        rows.append(Row(
            scenario=sc.id, title=sc.title, fiction=h.fiction, body=dec.body,
            history={"outcome": list(dec.outcome), "troops": dec.troops,
                     "date": dec.date.isoformat() if dec.date else None, "factors": list(dec.factors)},
            runs=runs, match_share=round(float(match.mean()), 3), asked_share=round(float(asked.mean()), 3),
            outcome_shares={k: round(v / runs, 3) for k, v in shares.most_common()},
            troops_share=round(float(troops.mean()), 3), timing_share=timing_share, median_date=median_date,
            top_reasons=top, factor_share=factor_share, ranges=ranges, seconds=round(seconds, 2)))
    return rows


def recorded_decisions(history) -> list:
    """The decisions a history records: ``history.decisions``, or else one per entry of the older
    ``history.outcomes`` (outcome only: troops if it was a troop mandate, no date, no factors)."""
    if history is None:
        return []
    if history.decisions:
        return list(history.decisions)
    from game.scenario.schema import HistoricalDecision
    return [HistoricalDecision(body=body, outcome=[outcome], troops=outcome in TROOP_OUTCOMES)
            for body, outcome in history.outcomes.items()]


def calibrate(scenarios: list, runs: int = 200, seed: int = 0) -> list[Row]:
    """Rows for every scenario (loaded) whose history records a decision (``decisions`` or ``outcomes``)."""
    rows = []
    for loaded in scenarios:
        sc = loaded.scenario if hasattr(loaded, "scenario") else loaded
        if not recorded_decisions(sc.history):
            continue
        rows.extend(calibrate_scenario(sc, runs, seed))
    return rows


def format_table(rows: list[Row]) -> str:
    """A plain-text table for the terminal and docs/model.md."""
    lines = ["| scenario | body | what happened | asked in | model matches | right timing | troops in "
             "| decisive reasons (share of runs) | sources' factors among them | deaths in range | displaced in range |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in sorted(rows, key=lambda r: (r.fiction, r.scenario)):
        hist = "/".join(r.history["outcome"]) + (" + troops" if r.history["troops"] else ", no troops")
        if r.history["date"]:
            hist += f", {r.history['date']}"
        reasons = "; ".join(f"{t['reason']} {t['share']:.0%}" for t in r.top_reasons) or "-"
        timing = "-" if r.timing_share is None else f"{r.timing_share:.0%}"
        fs = "-" if r.factor_share is None else f"{r.factor_share:.0%}"
        rng = {k: f"{v['within_share']:.0%} (median {v['median']:,})" for k, v in r.ranges.items()}
        name = r.scenario + (" (fiction)" if r.fiction else "")
        lines.append(f"| {name} | {r.body} | {hist} | {r.asked_share:.0%} | {r.match_share:.0%} | {timing} | {r.troops_share:.0%} | "
                     f"{reasons} | {fs} | {rng.get('deaths', '-')} | {rng.get('displaced', '-')} |")
    return "\n".join(lines)
