"""What if? in many runs (game/many_runs.py): the changes a game offers (a vote, an answer to a plea, a
request, a border, a factor), each played with and without the change from the day it names."""
from __future__ import annotations

import pytest

from game import cli
from game.many_runs import INTEREST_OF_TERM, change_of_force, play, plan, suggestions, summarise
from game.saving import load_game


@pytest.fixture(scope="module")
def osh(tmp_path_factory):
    """A finished headless game of Kyrgyzstan 2010 (seed 1) and its save."""
    save = tmp_path_factory.mktemp("osh") / "osh.json"
    assert cli.main(["run", "kyrgyzstan_2010", "--seed", "1", "--save", str(save)]) == 0
    return save, load_game(save).game


def test_the_interests_named_for_terms_are_interests():
    """A factor what-if changes the interest weight that scales the decisive term (positions.member_utility)."""
    from game.engine.reasons import TERM_LABELS
    from game.engine.world import INTEREST_KEYS
    assert set(INTEREST_OF_TERM) <= set(TERM_LABELS) and set(INTEREST_OF_TERM.values()) <= set(INTEREST_KEYS)


def test_a_game_offers_every_kind_of_change(osh):
    """The debrief offers a vote or an answer to a plea, a request, a border and a factor, each from this game."""
    _, game = osh
    changes = suggestions(game)
    assert 4 <= len(changes) <= 6 and len({c.spec for c in changes}) == len(changes)
    kinds = [c.spec.split(":")[1].split("=")[0].split(",")[0] if c.forces else "set" for c in changes]
    assert {"answer_request", "request_assistance", "set_border", "set"} <= set(kinds) | {
        "answer_request" if "vote" in kinds else ""}
    factor = next(c for c in changes if c.sets)
    assert factor.turn == 1 and factor.sets[0].startswith(f"actors.{factor.body}.interests.")
    border = next(c for c in changes if "set_border" in c.spec)
    assert "Uzbekistan" in border.question and "Kyrgyzstan" in border.question and "reopened" in border.question


def test_every_offered_change_can_be_played_on_its_day(osh):
    """Each change is possible on the day it names in every run (the runs are this game up to that day), and
    the runs with it differ from the runs without it only by the change."""
    save, game = osh
    for change in suggestions(game):
        p = plan(game, str(save), change, 30, seed=game.seed)
        without, with_ = play(p)
        view = summarise(game, p, without, with_)
        assert view.applied == 1.0 and not view.refusals, (change.question, view.refusals)
        assert view.body == change.body and view.turn == change.turn and view.runs == 30
        assert {o for o, *_ in view.shares} and abs(sum(b for _, _, b in view.shares) - 1) < 1e-3
        if change.sets:                   # a factor: the runs with it play the edited scenario from the first day
            path, _, value = change.sets[0].partition("=")
            actor, interest = path.split(".")[1], path.split(".")[3]
            edited = next(a for a in p.specs[1].scenario.actors if a.id == actor)
            plain = next(a for a in p.specs[0].scenario.actors if a.id == actor)
            assert getattr(edited.interests, interest) == float(value) != getattr(plain.interests, interest)


def test_a_change_from_the_command_line_is_read_for_its_body(osh):
    """`report --branch TEXT --runs N`: the body is the one whose decision the forced action makes."""
    _, game = osh
    c = change_of_force("UZ:vote=statement,otherwise=oppose,body=CSTO@2010-06-14", game.world)
    assert c.body == "CSTO" and c.turn == 5 and c.forces and not c.sets
