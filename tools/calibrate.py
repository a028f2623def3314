"""Run a scenario over many seeds at once (the run axis) and print outcome shares and ranges.

    python tools/calibrate.py kyrgyzstan_2010 --runs 200
"""
from __future__ import annotations

import argparse
import time

import numpy as np

from game.engine.game import Game
from game.engine.world import OUTCOMES
from game.scenario.loader import load_scenario


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("scenario")
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    sc = load_scenario(args.scenario).scenario
    t = time.perf_counter()
    g = Game(sc, seed=args.seed, runs=args.runs)
    g.run_to_end()
    dt = time.perf_counter() - t
    s, w = g.state, g.world
    print(f"{args.runs} runs in {dt:.2f} s")
    for b, body in enumerate(w.body_ids):
        ever = s.outcome_ever[:, b, :]
        if ever.any():
            shares = {OUTCOMES[k]: f"{ever[:, k].mean():.0%}" for k in range(len(OUTCOMES)) if ever[:, k].any()}
            print(f"  {body}: ever {shares}")
    troops = s.outcome_ever[:, w.b("CSTO"), [OUTCOMES.index("peacekeeping"), OUTCOMES.index("collective_defence")]].any(axis=1) \
        if "CSTO" in w.org_ids else np.zeros(args.runs, bool)
    print(f"  CSTO troops in {troops.mean():.1%} of runs")
    for name, arr in (("deaths", s.casualties.sum(1)), ("peak displaced", s.peak_displaced.sum(1)),
                      ("peak refugees", s.peak_refugees.sum(1)), ("final displaced", s.displaced.sum(1))):
        q = np.percentile(arr, [5, 50, 95])
        print(f"  {name}: median {q[1]:,.0f} (5-95%: {q[0]:,.0f} - {q[2]:,.0f})")


if __name__ == "__main__":
    main()
