"""The shipped scenarios play to the end, and the model matches the historical record."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from game.engine.game import Game
from game.engine.world import OUTCOMES
from game.scenario.loader import load_scenario, shipped_scenarios

TROOPS = [OUTCOMES.index("peacekeeping"), OUTCOMES.index("collective_defence")]


@pytest.mark.parametrize("sid", sorted(shipped_scenarios()))
def test_plays_to_the_end_for_many_seeds(sid):
    sc = load_scenario(sid).scenario
    for seed in range(50 if sid in ("kyrgyzstan_2010", "tajik_afghan_border") else 15):
        g = Game(sc, seed=seed)
        g.run_to_end()
        assert g.over and len(g.history) == g.world.last_turn
        assert g.final()["totals"]["casualties"] >= 0
        json.dumps({"d": g.decisions(), "a": g.assessment()})  # the records are plain data


def test_every_shipped_scenario_loads_and_plays_a_turn():
    for sid, path in shipped_scenarios().items():
        g = Game(load_scenario(path).scenario, seed=0)
        g.end_turn()
        assert g.history


def test_kyrgyzstan_2010_matches_the_historical_record():
    """With AI everywhere the CSTO sends no troops in at least 80% of 200 runs (it may offer
    consultations or logistics), and deaths, displacement and refugees land in the sources' ranges."""
    sc = load_scenario("kyrgyzstan_2010").scenario
    g = Game(sc, seed=2010, runs=200)
    g.run_to_end()
    s, w = g.state, g.world
    troops = s.outcome_ever[:, w.b("CSTO"), TROOPS].any(axis=1)
    assert troops.mean() <= 0.2
    h = sc.history
    deaths = s.casualties.sum(axis=1)
    displaced = s.peak_displaced.sum(axis=1)
    refugees = s.peak_refugees.sum(axis=1)
    for values, rng in ((deaths, h.deaths), (displaced, h.displaced), (refugees, h.refugees)):
        inside = (values >= rng.low) & (values <= rng.high)
        assert inside.mean() >= 0.8, (rng, np.percentile(values, [5, 50, 95]))


@pytest.mark.parametrize("sid, body", [("kyrgyzstan_2010", "CSTO"), ("armenia_2022", "CSTO"),
                                       ("kazakhstan_2022", "CSTO"), ("kyrgyz_tajik_2022", "CSTO")])
def test_separate_games_agree_with_the_batch(sid, body):
    """The run axis changes nothing: 40 separate single-run games (each narrated, as the UI plays them)
    reach the same outcomes in about the same shares as one batch of 200 runs, including where events
    make requests that name the other side (`against:`)."""
    from game.engine.calibrate import strongest_outcome
    sc = load_scenario(sid).scenario
    batch = Game(sc, seed=11, runs=200, narrate=False)
    batch.run_to_end()
    b = batch.world.b(body)
    batch_shares = {o: float(np.mean(strongest_outcome(batch.state, b) == o)) for o in OUTCOMES + ("no_request",)}
    singles = []
    for seed in range(40):
        g = Game(sc, seed=seed)
        g.run_to_end()
        singles.append(strongest_outcome(g.state, b)[0])
    for outcome, share in batch_shares.items():
        single_share = singles.count(outcome) / 40
        assert abs(single_share - share) <= 0.2, (outcome, share, single_share)


def test_run_json_is_byte_identical_for_the_same_seed():
    cmd = [sys.executable, "main.py", "run", "kyrgyzstan_2010", "--seed", "7", "--json"]
    a = subprocess.run(cmd, capture_output=True, check=True).stdout
    b = subprocess.run(cmd, capture_output=True, check=True).stdout
    assert a == b
    doc = json.loads(a)
    for key in ("scenario", "seed", "turns_played", "decisions", "final", "assessment"):
        assert key in doc
    for d in doc["decisions"]:
        assert {"turn", "date", "body", "requested_by", "article", "framing", "stages", "votes", "outcome"} <= set(d)
        assert d["outcome"] in ("no_session", "declined", "consultations", "logistics_support",
                                "peacekeeping", "collective_defence")
        assert all(st["reasons"] for st in d["stages"])


@pytest.mark.parametrize("args, needle", [
    (["run", "no_such_scenario"], "unknown scenario"),
    (["run", "missing.yaml"], "does not exist"),
    (["run", "kyrgyzstan_2010", "--turns", "0"], "--turns"),
    (["run", "kyrgyzstan_2010", "--bogus"], "unrecognized arguments"),
    (["frobnicate"], "invalid choice"),
])
def test_bad_input_gives_one_line_and_exit_2(args, needle):
    res = subprocess.run([sys.executable, "main.py", *args], capture_output=True, text=True)
    assert res.returncode == 2
    assert needle in res.stderr and "Traceback" not in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1


def test_run_list_names_the_shipped_scenarios():
    res = subprocess.run([sys.executable, "main.py", "run", "--list"], capture_output=True, text=True, check=True)
    assert "kyrgyzstan_2010" in res.stdout and "tajik_afghan_border" in res.stdout
