"""A single game (one run) takes shortcuts the many-run code does not: they give the same numbers, bit for
bit, and the world's caches follow an instructor's change of a tie."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from game.engine import actions as A
from game.engine.actions import INSTRUCTOR
from game.engine.dynamics import _move_groups, _TurnTerms, presence
from game.engine.game import Game
from game.engine.positions import crisis_view, own_presence
from game.scenario.loader import load_scenario

ROOT = Path(__file__).resolve().parents[1]


def _same(a, b) -> bool:
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()


@pytest.mark.parametrize("name", ["tajik_afghan_2021", "kyrgyzstan_2010", "armenia_2022"])
def test_single_run_paths_give_the_many_run_numbers(name):
    game = Game(load_scenario(ROOT / "scenarios" / f"{name}.yaml").scenario, seed=2)
    for turn in range(6):
        one = game.state
        three = one.take(np.zeros(3, dtype=np.int64))          # three copies of the one run
        w = game.world
        assert _same(presence(w, one)[0], presence(w, three)[2])
        assert _same(one.troops_deployed(w)[0], three.troops_deployed(w)[1])
        for a in range(len(w.actor_ids)):
            if len(w.regions_of(a)):
                assert _same(own_presence(w, one, a, friends=True, regions=w.regions_of(a))[0],
                             own_presence(w, three, a, friends=True, regions=w.regions_of(a))[2])
                view_one, view_three = crisis_view(w, one, a), crisis_view(w, three, a)
                # (not the pressure: a matrix product may round one row apart from three)
                for field in ("violence", "armed", "evidence", "weakness", "adversary"):
                    assert _same(getattr(view_one, field)[0], getattr(view_three, field)[1]), field
        if w.group_ids:
            one_moved, three_moved = one.copy(), three.copy()
            _move_groups(one_moved, _TurnTerms(w, one_moved))
            _move_groups(three_moved, _TurnTerms(w, three_moved))
            assert _same(one_moved.group_strength[0], three_moved.group_strength[2])
        game.end_turn()


def test_allied_forces_follow_a_tie_the_instructor_sets_and_an_undo():
    g = Game(load_scenario(ROOT / "scenarios" / "kyrgyzstan_2010.yaml").scenario, seed=3, humans=("KG",))
    w = g.world
    kg, ru = w.a("KG"), w.a("RU")

    def allies_forces():
        return set(g.world.forces_of(kg, friends=True).tolist())

    russian = set(np.flatnonzero(w.force_owner == ru).tolist())
    assert russian and russian <= allies_forces(), "Russia is Kyrgyzstan's close ally in the scenario"
    assert g.submit(A.InstructorTie(INSTRUCTOR, of="KG", towards="RU", value=0.1)).ok
    assert not russian & allies_forces()
    assert set(g.world.forces_of(kg).tolist()) == set(np.flatnonzero(w.force_owner == kg).tolist())
    assert g.undo()
    assert russian <= allies_forces()
