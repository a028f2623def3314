"""Batches (game/engine/batch.py): many runs give what many single games give.

- Distribution: on every shipped scenario, N separate single games (narrated, as the interface plays
  them) and one batch reach each outcome in the same shares of runs, within sampling error. The RNG
  streams differ, so run-by-run equality is impossible; the shares are compared.
- Exact: with every random spread set to 0 (the reading's, the members' judgements, the daily
  shocks, the AI's) and events made certain, every run of a batch is exactly the single game.
- Chunks, seeds, the what-if edits (--set, --force) and branches from a save.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

from game.engine.batch import (NO_REQUEST, OUTCOME_NAMES, BatchError, BatchSpec, apply_sets, parse_force,
                               run_batch, strongest)
from game.engine.game import Game
from game.engine.menu import menu_for
from game.engine.world import build_world
from game.scenario.loader import load_scenario, shipped_scenarios
from game.scenario.schema import Scenario

SHIPPED = sorted(shipped_scenarios())
SINGLES, BATCH = 32, 1000


def _scenario(sid: str) -> Scenario:
    return load_scenario(shipped_scenarios()[sid]).scenario


def test_a_batch_of_one_chunk_is_the_game_on_the_run_axis():
    """Chunk 0 has the batch's own seed: up to CHUNK runs are exactly Game(seed, runs=n)."""
    sc = _scenario("kyrgyzstan_2010")
    res = run_batch(BatchSpec(sc, runs=120, seed=5))
    g = Game(sc, seed=5, runs=120, narrate=False)
    g.run_to_end()
    np.testing.assert_array_equal(res.per_run["outcome"], strongest(g.state))
    np.testing.assert_array_equal(res.per_run["reasons"], g.state.decisive)
    np.testing.assert_array_equal(res.figure("deaths"), g.state.casualties.sum(axis=1) + g.state.military_casualties.sum(axis=1))


@pytest.mark.parametrize("sid", SHIPPED)
def test_single_games_and_a_batch_reach_outcomes_in_the_same_shares(sid):
    """Every body's strongest outcome (and whether it sent troops): the share of SINGLES single games
    that reach it lies within sampling error (3.5 standard errors, plus one game) of the batch's share.
    The scenarios include events that make requests naming the other side (`against:`, armenia_2022)."""
    sc = _scenario(sid)
    res = run_batch(BatchSpec(sc, runs=BATCH, seed=2024))
    world = build_world(sc)
    singles = np.zeros((SINGLES, len(world.body_ids)), dtype=int)
    troops = np.zeros((SINGLES, len(world.body_ids)), dtype=bool)
    for seed in range(SINGLES):
        g = Game(sc, seed=seed)
        g.run_to_end()
        singles[seed] = strongest(g.state)[0]
        troops[seed] = res_troops(g)[0]
    for b, body in enumerate(world.body_ids):
        for code in range(len(OUTCOME_NAMES)):
            p = float(np.mean(res.per_run["outcome"][:, b] == code))
            q = float(np.mean(singles[:, b] == code))
            assert abs(p - q) <= _tolerance(p), (body, OUTCOME_NAMES[code], p, q)
        p, q = float(res.per_run["troops"][:, b].mean()), float(troops[:, b].mean())
        assert abs(p - q) <= _tolerance(p), (body, "troops", p, q)
    if sid == "armenia_2022":   # the event's request names Azerbaijan: the council answered it in every run
        cs = world.body_ids.index("CSTO")
        assert (res.per_run["outcome"][:, cs] != NO_REQUEST).all() and (singles[:, cs] != NO_REQUEST).all()


def res_troops(g: Game) -> np.ndarray:
    from game.engine.world import OUTCOMES
    return g.state.outcome_ever[:, :, [OUTCOMES.index("peacekeeping"), OUTCOMES.index("collective_defence")]].any(axis=2)


def _tolerance(p: float) -> float:
    return 3.5 * math.sqrt(max(p * (1 - p), 1e-9) / SINGLES) + 1.0 / SINGLES


def deterministic(sc: Scenario) -> Scenario:
    """Every random spread 0, every event certain and every event choice the first option."""
    data = sc.model_dump(by_alias=True, exclude_none=True)

    def options(effects):
        for e in effects:
            if "options" in e:
                for i, c in enumerate(e["options"]["choices"]):
                    c["ai_weight"] = 1.0 if i == 0 else 0.0
                    options(c.get("effects", []))
    for ev in data["events"]:
        ev.pop("mtth_days", None)
        ev["probability"] = 1.0
        options(ev["effects"])
    sc = Scenario.model_validate(data)
    spreads = ["coefficients.reading_noise=0", "coefficients.ai_noise=0", "coefficients.plea_noise=0",
               "parameters.noise=0"] + [
        f"organisations.{o.id}.rules.position_noise=0" for o in sc.organisations]
    return apply_sets(sc, spreads)


@pytest.mark.parametrize("sid", SHIPPED)
def test_with_every_spread_zero_every_run_is_the_single_game(sid):
    sc = deterministic(_scenario(sid))
    n = 6
    res = run_batch(BatchSpec(sc, runs=n, seed=1))
    for i in range(n):
        one = run_batch(BatchSpec(sc, runs=1, seed=100 + i))
        for key in ("outcome", "reasons", "troops", "decided_turn", "request_turn", "scores"):
            np.testing.assert_array_equal(res.per_run[key][i], one.per_run[key][0], err_msg=key)
        np.testing.assert_allclose(res.per_run["figures"][i], one.per_run["figures"][0], rtol=1e-9, atol=1e-9)


def test_chunks_have_their_own_seeds_and_the_same_batch_is_the_same():
    sc = _scenario("kazakhstan_2022")
    a = run_batch(BatchSpec(sc, runs=50, seed=3, chunk=20))
    b = run_batch(BatchSpec(sc, runs=50, seed=3, chunk=20))
    assert a.runs == 50 and len(a.per_run["outcome"]) == 50
    for k in a.per_run:
        np.testing.assert_array_equal(a.per_run[k], b.per_run[k])
    first = run_batch(BatchSpec(sc, runs=20, seed=3))
    np.testing.assert_array_equal(a.per_run["figures"][:20], first.per_run["figures"])   # chunk 0: the seed itself
    assert not np.array_equal(a.per_run["figures"][20:40], first.per_run["figures"])     # chunk 1: its own stream


def test_past_keep_runs_only_distributions_are_kept_and_quantiles_stay_close():
    sc = _scenario("kazakhstan_2022")
    exact = run_batch(BatchSpec(sc, runs=300, seed=1, chunk=100))
    summary = run_batch(BatchSpec(sc, runs=300, seed=1, chunk=100, keep_runs=100))
    assert summary.per_run is None and exact.per_run is not None
    assert summary.outcome_shares() == exact.outcome_shares()
    assert summary.troops_share() == exact.troops_share()
    for name in exact.figures:
        for x, y in zip(exact.quantiles(name), summary.quantiles(name)):
            assert abs(x - y) <= 0.006 * max(abs(x), 1.0) + (0.001 if name.startswith("stability") else 1.0), (name, x, y)
    doc = summary.to_dict()
    assert doc["quantile_method"].startswith("histogram") and set(doc["quantiles"]["deaths"]) == {"5", "50", "95"}


def test_set_edits_the_validated_scenario_and_names_a_bad_path():
    sc = _scenario("kyrgyzstan_2010")
    out = apply_sets(sc, ["actors.RU.interests.non_interference=0.9", "coefficients.draft_support_share=0.6",
                          "parameters.flight=0.3", "organisations.CSTO.rules.position_noise=0"])
    assert next(a for a in out.actors if a.id == "RU").interests.non_interference == 0.9
    assert out.coefficients["draft_support_share"] == 0.6 and out.parameters.flight == 0.3
    assert next(o for o in out.organisations if o.id == "CSTO").rules.position_noise == 0
    assert sc.parameters.flight != 0.3                     # the original is untouched
    for bad, needle in (("actors.RU.interests.non_interferance=0.9", "no field 'non_interferance'"),
                        ("actors.XX.interests.humanitarian=1", "no item 'XX'"),
                        ("coefficients.no_such=1", "unknown coefficient"),
                        ("parameters.flight=fast", "parameters.flight"),
                        ("parameters.flight=-1", "parameters.flight"),
                        ("parameters.flight", "PATH=VALUE")):
        with pytest.raises(BatchError, match=needle):
            apply_sets(sc, [bad])


def test_force_submits_an_action_in_every_run_and_reports_refusals():
    sc = _scenario("kyrgyzstan_2010")
    world = build_world(sc)
    f = parse_force("RU:answer_request=peacekeeping@2010-06-13", world)
    assert f.turn == 4 and {a.requester for a in f.actions} >= {"KG"}
    res = run_batch(BatchSpec(sc, runs=200, seed=0, forces=("RU:answer_request=peacekeeping@2010-06-13",)))
    base = run_batch(BatchSpec(sc, runs=200, seed=0))
    forced = res.to_dict()["forced"][0]
    assert 0 < forced["applied_share"] < 1 and forced["applied_share"] + forced["refused_share"] == pytest.approx(1)
    assert "no pending request" in next(iter(forced["refusals"]))  # refused runs are counted, with the reason
    assert res.troops_share()["RU"] > base.troops_share()["RU"] + 0.2
    from game.engine import actions as act
    from game.engine.batch import force_text
    for a in (act.RequestAssistance("KG", target_body="CSTO", article=4, framing="terrorism", against="UZ"),
              act.SetBorder("UZ", neighbour="KG", open=False), act.AnswerRequest("RU", requester="KG", answer="none")):
        assert parse_force(force_text(a, 3), world).actions == (a,)       # the report writes what --force reads
    for bad, needle in (("RU:answer_request=peacekeeping", "ACTOR:ACTION"), ("XX:vote@3", "no actor 'XX'"),
                        ("RU:fly@3", "unknown action 'fly'"), ("RU:answer_request=peacekeeping@2011-01-01", "outside"),
                        ("RU:deploy_force=X,speed=3@3", "'speed=3' is not FIELD=VALUE"), ("RU:vote@99", "turn 99"),
                        ("KG:set_border=UZ,open=maybe@3", "true or false")):
        with pytest.raises(BatchError, match=needle):
            parse_force(bad, world)


def _saved_game():
    sc = _scenario("kyrgyzstan_2010")
    g = Game(sc, seed=4, humans=("KG",))
    for _ in range(5):
        items = [m for m in menu_for(g.world, g.state, "KG") if m.allowed and m.group == "Home"]
        assert g.submit(items[0].action).ok
        g.end_turn()
    return sc, g.save_data("kyrgyzstan_2010")


def test_a_batch_branches_from_a_turn_of_a_save():
    """The runs start from the save replayed to turn T: what happened before T is the same in every run;
    from T the computer plays the person's seat, or the person's recorded actions are kept."""
    sc, data = _saved_game()
    ai = run_batch(BatchSpec(sc, runs=40, seed=0, save=data, from_turn=3))
    kept = run_batch(BatchSpec(sc, runs=40, seed=0, save=data, from_turn=3, keep_recorded=True))
    assert ai.to_dict()["from"] == {"turn": 3, "date": "2010-06-12", "seats": "computer"}
    recorded = [f for f in kept.to_dict()["forced"] if f["source"] == "recorded"]
    assert [f["turn"] for f in recorded] == [3, 4, 5]          # the save's turn 6 has no action yet
    assert all(f["applied_share"] + f["refused_share"] == pytest.approx(1) for f in recorded)
    with pytest.raises(BatchError, match="--from-turn"):
        run_batch(BatchSpec(sc, runs=4, seed=0, save=data, from_turn=99))
    with pytest.raises(BatchError, match="needs a save"):
        run_batch(BatchSpec(sc, runs=4, seed=0, from_turn=3))


def test_a_branch_starts_every_run_from_the_same_state():
    sc, data = _saved_game()
    from game.engine.batch import _branch_point
    base = _branch_point(BatchSpec(sc, runs=1, save=data, from_turn=4))
    g = base.branch(16, seed=9)
    assert g.turn == 4 and g.state.runs == 16
    for name in ("casualties", "violence", "displaced", "req_stage", "outcome"):
        arr = getattr(g.state, name)
        assert (arr == arr[:1]).all(), name
        np.testing.assert_array_equal(arr[0], getattr(base.state, name)[0])
    g.run_to_end()
    assert len(np.unique(g.state.casualties.sum(axis=1).round())) > 1   # the runs go their own ways from there


@pytest.mark.parametrize("sid", ["kyrgyzstan_2010", "armenia_2022", "tajik_afghan_border"])
def test_the_ai_shares_terms_between_candidates_without_changing_a_score(sid):
    """ai.Features.memo computes the terms several candidates share once per actor (the AI's scoring,
    vectorised): every candidate's score is exactly what it gives when scored alone."""
    from game.engine.ai import Features
    g = Game(_scenario(sid), seed=3, runs=64, narrate=False)
    for turn in range(6):
        for aid, cands in g.ai.candidates.items():
            shared = Features(g.world, g.state)
            together = [c.score(shared) for c in cands]
            for c, score in zip(cands, together):
                alone = c.score(Features(g.world, g.state))
                np.testing.assert_array_equal(np.broadcast_to(score, (64,)), np.broadcast_to(alone, (64,)),
                                              err_msg=f"{aid} {c.action}")
        g.end_turn()
