"""Branches: from a turn of a save, change one decision, play on, and compare (engine and report)."""
from __future__ import annotations

import html
import json
import re

import pytest

from game import cli
from game.engine import actions as act
from game.engine.branch import BranchError, play_branch
from game.engine.game import Game
from game.saving import load_game, write_run_save
from game.scenario.loader import load_scenario

SPEC = "RU:answer_request=peacekeeping@2010-06-12"


@pytest.fixture(scope="module")
def osh(tmp_path_factory):
    """Kyrgyzstan 2010, seed 1, computer everywhere: Otunbayeva's plea to Russia comes on 12 June and
    Russia answers it with logistics support (no troops) on 13 June."""
    save = tmp_path_factory.mktemp("branch") / "osh.json"
    assert cli.main(["run", "kyrgyzstan_2010", "--seed", "1", "--save", str(save)]) == 0
    return save, load_game(save)


def _ru(game):
    return [p for p in game.decisions() if p["body"] == "RU"]


def test_russia_sending_troops_on_12_june_changes_what_it_should(osh):
    _, lg = osh
    base = lg.game
    br = play_branch(base, lg.data, SPEC)
    g = br.game
    assert br.turn == 3 and g.over and len(g.history) == len(base.history) == 21
    # the decision changed: Russia's answer is troops instead of logistics support
    assert [p["outcome"] for p in _ru(base)] == ["logistics_support"]
    assert [p["outcome"] for p in _ru(g)] == ["peacekeeping"]
    forced = [e for e in g.log if e["by"] == "branch"]
    assert forced == [{"turn": 3, "by": "branch", "ok": True,
                       "action": act.AnswerRequest(actor="RU", requester="KG", answer="peacekeeping").to_dict()}]
    # ... and with it what follows from it: Russian troops deployed, Russia's "no quagmire" objective lost
    ru = g.world.a("RU")
    assert g.state.troops_deployed(g.world)[0, ru] > base.state.troops_deployed(base.world)[0, ru] + 1000
    met = {o["id"]: o["met"] for a in (base.assessment(), g.assessment()) for o in a["RU"]["objectives"]}
    assert base.assessment()["RU"]["score"] > g.assessment()["RU"]["score"]
    assert not {o["id"]: o["met"] for o in g.assessment()["RU"]["objectives"]}["ru_no_quagmire"] and met
    # up to the change the two games are the same game
    for a, b in zip(base.history[:2], g.history[:2]):
        assert a.indicators == b.indicators and a.phases == b.phases
    assert base.history[2].phases["events"] == g.history[2].phases["events"]


def test_a_branch_without_a_change_is_the_same_game(osh):
    """The branch machinery itself changes nothing: the computer plays on exactly as in the save
    (the only difference in the what-if game is the change)."""
    _, lg = osh
    data = dict(lg.data)
    replayed = Game.replay(lg.game.scenario, {**data, "actions": [], "turn": 3})
    replayed.run_to_end()
    assert cli.run_report(replayed)["final"] == cli.run_report(lg.game)["final"]


def test_branch_of_a_game_people_played_hands_their_seats_to_the_computer(tmp_path):
    loaded = load_scenario("kyrgyzstan_2010")
    game = Game(loaded.scenario, seed=1, humans=("KZ",))
    for _ in range(4):
        res = game.submit(act.PublicStatement(actor="KZ", stance="call_for_restraint", about="KG")) \
            if game.turn == 4 else None
        assert res is None or res.ok
        game.end_turn()
    save = tmp_path / "people.json"
    assert write_run_save(game, loaded, save) is None
    lg = load_game(save)
    assert len(lg.game.history) == 4 and not lg.game.over
    br = play_branch(lg.game, lg.data, SPEC)
    assert br.game.humans == frozenset() and len(br.game.history) == 4, "played on to where the save stopped"
    assert any("Kazakhstan" in n and "the 1 move the people made from that day on is not replayed" in n for n in br.notes)
    assert [p["outcome"] for p in _ru(br.game)] == ["peacekeeping"]


@pytest.mark.parametrize("spec, says", [
    ("RU:answer_request=peacekeeping@2010-06-11", "nobody has a request pending with Russia"),
    ("RU:answer_request=peacekeeping,requester=UZ@3", "Uzbekistan has no pending request to Russia"),
    ("RU:answer_request=bogus@3", "'bogus' is not an answer"),
    ("RU:answer_request=peacekeeping@2011-01-01", "outside the scenario"),
    ("ZZ:answer_request@3", "no actor 'ZZ'"),
    ("RU:teleport@3", "unknown action 'teleport'"),
    ("Russia sends troops", "write ACTOR:ACTION"),
])
def test_bad_branch_specs_say_why(osh, spec, says):
    _, lg = osh
    with pytest.raises(BranchError, match=re.escape(says)):
        play_branch(lg.game, lg.data, spec)


def test_a_branch_after_the_last_played_turn_is_refused(tmp_path, capsys):
    save = tmp_path / "short.json"
    assert cli.main(["run", "kyrgyzstan_2010", "--seed", "1", "--turns", "2", "--save", str(save)]) == 0
    lg = load_game(save)
    with pytest.raises(BranchError, match=r"turn 3 \(2010-06-12\) was not played in this save; it reaches turn 2"):
        play_branch(lg.game, lg.data, SPEC)


def test_report_sets_the_branch_beside_the_game(osh, tmp_path, capsys):
    save, lg = osh
    out = tmp_path / "whatif.html"
    assert cli.main(["report", str(save), "--branch", SPEC, "--out", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"<style>.*?</style>|<svg.*?</svg>", " ", page,
                                                                       flags=re.S))).split())
    assert "What if The change: On 12 June 2010 (turn 3) Russia decides to answer a request" in text
    assert "Russia logistics support (13 Jun) peacekeeping (13 Jun)" in text, "the decisions side by side"
    assert "What if — 13 June 2010: Kyrgyzstan asked Russia PEACEKEEPING" in text, "the branch's council, with reasons"
    assert "Russia (the changed decision)" in text
    assert "as played what if history" in text, "the figures side by side"
    assert "Russia — 100/100, achieved its aims; what if: 33/100" in text
    assert page.count("stroke-dasharray") >= 5, "each chart has the what-if lines, dashed"
    md_out = tmp_path / "whatif.md"
    assert cli.main(["report", str(save), "--branch", SPEC, "--out", str(md_out)]) == 0
    md = md_out.read_text(encoding="utf-8").replace("\\", "")
    assert "## What if" in md and "| Russia | logistics support (13 Jun) | peacekeeping (13 Jun) |" in md
    assert json.loads(save.read_text(encoding="utf-8"))["actions"] == [], "the save itself is not changed"


def test_the_reports_suggested_what_ifs_are_valid_and_change_their_decision(osh):
    from game.report import what_if_suggestions
    _, lg = osh
    ideas = what_if_suggestions(lg.game)
    assert len(ideas) == 2                     # Russia's answer to the plea, a member's vote in the CSTO
    for question, spec in ideas:
        body = spec.split("body=")[1].split("@")[0] if "body=" in spec else spec.split(":")[0]
        br = play_branch(lg.game, lg.data, spec)
        before = [p["outcome"] for p in lg.game.decisions() if p["body"] == body]
        after = [p["outcome"] for p in br.game.decisions() if p["body"] == body]
        assert before and after and before != after, (question, before, after)
