"""A sweep: the same batch at every combination of a grid of what-if edits.

``--grid PATH=v1,v2,...`` takes the paths of ``--set`` (game/engine/batch.py); every combination of
the grids is a point, each point a batch of ``runs`` runs with the same seed (common random
numbers: the differences between points come from the edits, not from luck). Every chunk of every
point is one call for the pool, so a cluster works on the whole sweep at once.
"""
from __future__ import annotations

import csv
import io
import itertools
import json
import time

from game.engine.batch import QUANTILES, BatchError, BatchSpec, Merger, apply_sets, prepare, run_chunk

#: The figures a sweep's table gives quantiles of (stability per region stays in `batch`).
TABLE_FIGURES = ("deaths", "displaced", "refugees", "troops_deployed")


def parse_grid(texts: list[str]) -> dict[str, list]:
    """``PATH=v1,v2,...`` -> {path: [values]} (values as in ``--set``: numbers, true/false, text)."""
    from game.engine.batch import parse_value
    grid: dict[str, list] = {}
    for text in texts:
        path, sep, raw = text.partition("=")
        path = path.strip()
        values = [parse_value(v.strip()) for v in raw.split(",") if v.strip()]
        if not sep or not path or not values:
            raise BatchError(f"--grid {text!r}: write PATH=v1,v2,..., e.g. actors.RU.interests.non_interference=0.2,0.5,0.8")
        if path in grid:
            raise BatchError(f"--grid {path} is given twice")
        grid[path] = values
    if not grid:
        raise BatchError("sweep needs at least one --grid PATH=v1,v2,...")
    return grid


def points(grid: dict[str, list]) -> list[dict]:
    """Every combination, the first grid varying slowest."""
    names = list(grid)
    return [dict(zip(names, combo)) for combo in itertools.product(*(grid[n] for n in names))]


def _set_text(path: str, value) -> str:
    return f"{path}={json.dumps(value)}"


def plan(scenario, grid: dict, runs: int, seed: int = 0, sets=(), forces=(), chunk: int | None = None,
         label: str = "") -> list[tuple[dict, BatchSpec]]:
    """(values, spec) of every point; every edit is checked here, before anything runs."""
    out = []
    for values in points(grid):
        edits = list(sets) + [_set_text(p, v) for p, v in values.items()]
        sc = apply_sets(scenario, edits)
        spec = BatchSpec(sc, runs=runs, seed=seed, forces=tuple(forces), sets=tuple(edits), label=label,
                         **({"chunk": chunk} if chunk else {}))
        prepare(spec)
        out.append((values, spec))
    return out


def run_sweep(scenario, grid: dict, runs: int, seed: int = 0, sets=(), forces=(), pool=None, progress=None,
              chunk: int | None = None, label: str = "") -> dict:
    """The sweep's table: one entry per point with its outcome and troop shares and quantiles."""
    t0 = time.perf_counter()
    planned = plan(scenario, grid, runs, seed, sets, forces, chunk, label)
    calls, sizes, owner = [], [], []
    for k, (_, spec) in enumerate(planned):
        for i, n in spec.chunks():
            calls.append((spec, i, n))
            sizes.append(n)
            owner.append(k)
    if pool is None:
        from game.parallel import InProcess
        pool = InProcess()
    mergers = [Merger(spec, prepare(spec)[0]) for _, spec in planned]
    pool.run(run_chunk, calls, sizes, progress, on_result=lambda i, part: mergers[owner[i]].add(part))
    table = {"scenario": scenario.id, "source": label or scenario.id, "runs": runs, "seed": seed,
             "grid": grid, "sets": list(sets), "forces": list(forces), "points": []}
    for (values, spec), m in zip(planned, mergers):
        doc = m.result().to_dict()
        table["points"].append({
            "values": values, "outcome_shares": doc["outcome_shares"], "troops_share": doc["troops_share"],
            "decisive_reasons": doc["decisive_reasons"], "scores": doc["scores"],
            "quantiles": {f: doc["quantiles"][f] for f in TABLE_FIGURES}})
    table["seconds"] = round(time.perf_counter() - t0, 3)
    return table


def csv_text(table: dict) -> str:
    """One row per point: the grid's values, each body's outcome and troop shares, the quantiles."""
    names = list(table["grid"])
    bodies: dict[str, set] = {}
    for p in table["points"]:
        for b, shares in p["outcome_shares"].items():
            bodies.setdefault(b, set()).update(shares)
    from game.engine.batch import STRENGTH
    header = list(names)
    for b, outcomes in bodies.items():
        header.append(f"{b}:troops")
        header += [f"{b}:{o}" for o in sorted(outcomes, key=lambda o: STRENGTH.index(o) if o in STRENGTH else 99)]
    header += [f"{f}:p{q}" for f in TABLE_FIGURES for q in QUANTILES]
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(header)
    for p in table["points"]:
        row = [p["values"][n] for n in names]
        for b, outcomes in bodies.items():
            row.append(p["troops_share"].get(b, 0.0))
            row += [p["outcome_shares"].get(b, {}).get(o, 0.0)
                    for o in sorted(outcomes, key=lambda o: STRENGTH.index(o) if o in STRENGTH else 99)]
        row += [p["quantiles"][f][str(q)] for f in TABLE_FIGURES for q in QUANTILES]
        w.writerow(row)
    return out.getvalue()
