"""Property tests: random legal action sequences keep the world consistent and repeatable."""
from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.engine.game import Game
from game.engine.menu import menu_for
from game.engine.state import AT_HOME, DEPLOYED, IN_TRANSIT, NOT_RAISED
from game.scenario.loader import load_scenario

SCENARIOS = {sid: load_scenario(sid).scenario for sid in ("kyrgyzstan_2010", "tajik_afghan_border")}
HUMANS = {"kyrgyzstan_2010": ("KG", "UZ", "RU"), "tajik_afghan_border": ("TJ", "RU", "KZ")}


def play_random(sid: str, seed: int, picks: list[int], turns: int, after_action=None, after_turn=None) -> Game:
    """Each turn every human seat takes up to three allowed actions chosen by ``picks``."""
    g = Game(SCENARIOS[sid], seed=seed, humans=HUMANS[sid])
    it = iter(picks)
    for _ in range(turns):
        for actor in HUMANS[sid]:
            for _ in range(3):
                allowed = [m for m in menu_for(g.world, g.state, actor) if m.allowed]
                pick = next(it, None)
                if pick is None or not allowed:
                    break
                g.submit(allowed[pick % len(allowed)].action)
                if after_action:
                    after_action(g)
        g.end_turn()
        if after_turn:
            after_turn(g)
        if g.over:
            break
    return g


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sid=st.sampled_from(sorted(SCENARIOS)), seed=st.integers(0, 2**16),
       picks=st.lists(st.integers(0, 10_000), max_size=60), turns=st.integers(1, 8))
def test_random_legal_play_keeps_the_world_consistent(sid, seed, picks, turns):
    start = Game(SCENARIOS[sid], seed=seed).state
    seen = {"casualties": start.casualties.copy()}

    def budget_never_overspent(g):
        assert (g.state.budget >= -1e-9).all(), "an action overspent its budget"

    def world_consistent(g):
        s = g.state
        assert (s.population >= 0).all(), "negative population"
        assert (s.casualties >= seen["casualties"] - 1e-9).all(), "casualties decreased"
        seen["casualties"] = s.casualties.copy()
        assert (s.displaced <= s.population + 1e-6).all()
        for arr in (s.violence, s.stability, s.tension, s.control, s.border_security):
            assert ((arr >= 0) & (arr <= 1)).all()
        np.testing.assert_array_equal(s.force_strength, start.force_strength)  # forces neither appear nor vanish
        assert np.isin(s.force_status, [AT_HOME, IN_TRANSIT, DEPLOYED, NOT_RAISED]).all()
        assert (s.force_location[s.force_status == DEPLOYED] >= 0).all(), "a deployed force has no location"

    play_random(sid, seed, picks, turns, after_action=budget_never_overspent, after_turn=world_consistent)


@settings(max_examples=8, deadline=None)
@given(sid=st.sampled_from(sorted(SCENARIOS)), seed=st.integers(0, 2**16),
       picks=st.lists(st.integers(0, 10_000), max_size=30))
def test_same_seed_same_game(sid, seed, picks):
    a = play_random(sid, seed, picks, turns=4)
    b = play_random(sid, seed, picks, turns=4)
    for name in ("violence", "casualties", "displaced", "refugees_out", "force_status", "budget", "outcome"):
        np.testing.assert_array_equal(getattr(a.state, name), getattr(b.state, name))
    assert a.log == b.log


def test_replay_from_the_action_log_reproduces_the_game():
    g = play_random("kyrgyzstan_2010", 11, list(range(0, 400, 7)), turns=5)
    again = Game.replay(SCENARIOS["kyrgyzstan_2010"], g.save_data("kyrgyzstan_2010"))
    for name in ("violence", "casualties", "displaced", "force_status", "outcome"):
        np.testing.assert_array_equal(getattr(again.state, name), getattr(g.state, name))


def test_undo_restores_the_state_before_the_last_action():
    g = Game(SCENARIOS["kyrgyzstan_2010"], seed=2, humans=("KG",))
    before = g.state.copy()
    item = next(m for m in menu_for(g.world, g.state, "KG") if m.allowed and m.group == "Home")
    assert g.submit(item.action).ok
    assert not np.array_equal(before.budget, g.state.budget)
    assert g.undo()
    np.testing.assert_array_equal(before.budget, g.state.budget)
    np.testing.assert_array_equal(before.security, g.state.security)
    assert not g.undo()


def test_one_run_and_a_batch_follow_the_same_rules():
    """The run axis: a batch of runs is many games; every run stays within the same bounds."""
    g = Game(SCENARIOS["kyrgyzstan_2010"], seed=0, runs=64)
    g.run_to_end()
    assert g.state.casualties.shape[0] == 64
    assert (g.state.casualties.sum(axis=1) > 0).all()
    assert len(np.unique(g.state.casualties.sum(axis=1).round())) > 10, "runs should differ"
