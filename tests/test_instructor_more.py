"""The instructor adjusts more than a region's figures (an interest weight, a tie, a border) and reveals or
hides information (a briefing for chosen seats, a withdrawn item): engine actions, logged, saved, replayed,
in the debrief and the report, and on the console (F9)."""
from __future__ import annotations

import html
import json
import re
from pathlib import Path

import numpy as np
import pygame
import pytest

from game.engine import actions as A
from game.engine.actions import INSTRUCTOR
from game.engine.game import Game
from game.engine.positions import K, Context, crisis_view, member_utility
from game.engine.world import SITUATIONS
from game.report import build_report, render_html
from game.scenario.loader import load_scenario
from tests.ui_driver import Driver

ROOT = Path(__file__).resolve().parents[1]
BRIEF = "Moscow privately signals it will not send troops unless the CSTO agrees"


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(ROOT / "scenarios" / "kyrgyzstan_2010.yaml").scenario


def _page(game) -> str:
    doc = render_html(build_report(game))
    body = re.sub(r"<style>.*?</style>|<svg.*?</svg>", " ", doc, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def _utility(game, member: str, level: int = 6) -> dict:
    """``member``'s utility terms for troops (level 6) in Kyrgyzstan's crisis read as domestic unrest."""
    w, s = game.world, game.state
    ctx = Context(requester=w.a("KG"), crisis=crisis_view(w, s, w.a("KG")),
                  reading=np.full(s.runs, SITUATIONS.index("internal_unrest")), obliges=np.zeros(s.runs, bool),
                  adversary=np.full(s.runs, -1), collective=True, treaty=True, lead=w.a("RU"),
                  contributors=np.ones(len(w.actor_ids), bool))
    return {k: float(v[0]) for k, v in member_utility(w, s, w.a(member), level, ctx).items()}


# --- the world: an interest weight and a tie, copy-on-write ------------------------------------------
def test_interest_weight_changes_the_members_reasoning_and_is_copy_on_write(scenario):
    g = Game(scenario, seed=3, humans=("KG",))
    w = g.world
    old, old_of = w.interests, w.interest_of
    before = _utility(g, "RU")["precedent"]
    res = g.submit(A.InstructorInterest(INSTRUCTOR, of="RU", interest="non_interference", weight=0.9))
    assert res.ok and res.text == ("Instructor sets Russia's weight on non-interference from 0.50 to 0.90 "
                                   "(0 indifferent, 1 vital).")
    ru, k = w.a("RU"), K["non_interference"]
    assert w.interests[ru, k] == 0.9 and w.interest_of[ru]["non_interference"] == 0.9
    assert old[ru, k] == 0.5 and old_of[ru]["non_interference"] == 0.5, "the old arrays are never changed in place"
    assert w.interests is not old and w.interest_of is not old_of
    after = _utility(g, "RU")["precedent"]
    assert before < 0 and after == pytest.approx(before * 0.9 / 0.5), "the precedent weighs more against troops"
    assert g.log[-1]["by"] == "instructor" and g.log[-1]["text"] == res.text


def test_tie_is_directed_changes_the_members_stake_and_is_copy_on_write(scenario):
    g = Game(scenario, seed=3, humans=("KG",))
    w = g.world
    old = w.ties
    ru, kg = w.a("RU"), w.a("KG")
    back = float(w.ties[kg, ru])
    before = _utility(g, "RU")["regime"]
    res = g.submit(A.InstructorTie(INSTRUCTOR, of="RU", towards="KG", value=0.3))
    assert res.ok and res.text == ("Instructor sets Russia's tie to Kyrgyzstan from +0.60 to +0.30 "
                                   "(-1 hostile, 1 close ally).")
    assert w.ties[ru, kg] == 0.3 and w.ties[kg, ru] == back, "only Russia's regard for Kyrgyzstan changed"
    assert old[ru, kg] == 0.6 and w.ties is not old
    after = _utility(g, "RU")["regime"]
    assert before > 0 and after == pytest.approx(before * 0.3 / 0.6)


def test_border_closes_one_side_as_set_border_does_and_keeps_refugees_out(scenario):
    """Uzbekistan is a person's seat here: the computer, playing it, would reopen the border if it saw fit."""
    def refugees_in_uzbekistan(close: bool) -> float:
        g = Game(scenario, seed=3, humans=("KG", "UZ"))
        if close:
            res = g.submit(A.InstructorBorder(INSTRUCTOR, country="UZ", neighbour="KG", open=False))
            assert res.text == "On the instructor's say, Uzbekistan closes its border with Kyrgyzstan (it was open)."
            w = g.world
            assert not g.state.border_open[0, w.a("UZ"), w.a("KG")] and g.state.border_open[0, w.a("KG"), w.a("UZ")]
        for _ in range(5):
            g.end_turn()
        return float(g.state.refugees_in[0, g.world.regions_of(g.world.a("UZ"))].sum())
    assert refugees_in_uzbekistan(True) < 0.5 * refugees_in_uzbekistan(False)


# --- information: a briefing for chosen seats, a withdrawn item ----------------------------------------
def test_briefing_goes_to_the_chosen_seats_only_and_a_withdrawn_item_is_hidden(scenario):
    g = Game(scenario, seed=3, humans=("KG", "RU", "KZ"))
    res = g.submit(A.InstructorBrief(INSTRUCTOR, text=BRIEF, to=("RU", "KZ")))
    assert res.ok and res.text == f"Instructor's briefing to Russia and Kazakhstan only: {BRIEF}"
    entry = g.current.phases["decisions"]["actions"][-1]
    assert entry["action"]["to"] == ("RU", "KZ")
    assert A.news_marks(entry, A.withdrawn_news(g.state)) == {"to": ["RU", "KZ"]}
    item = next(n for n in g.news() if n["text"] == res.text)
    assert item.get("to") == ["RU", "KZ"], "the news item names its readers"
    public = g.submit(A.InstructorInject(INSTRUCTOR, text="A curfew in Osh"))
    assert A.news_marks(g.current.phases["decisions"]["actions"][-1], frozenset()) == {}
    gone = g.submit(A.InstructorWithdraw(INSTRUCTOR, text=BRIEF))
    assert gone.ok and gone.text == f"Instructor withdraws the news item “{BRIEF}” from the seats."
    withdrawn = A.withdrawn_news(g.state)
    assert withdrawn == {BRIEF}
    marks = {e["text"]: A.news_marks(e, withdrawn) for e in g.current.phases["decisions"]["actions"]}
    assert marks == {res.text: {"to": ["RU", "KZ"], "hidden": True}, public.text: {},
                     gone.text: {"hidden": True}}, "the withdrawal itself is the instructor's record, not news"
    again = g.submit(A.InstructorWithdraw(INSTRUCTOR, text=BRIEF))
    assert not again.ok and again.text == "This news item is already withdrawn."
    republish = g.submit(A.InstructorInject(INSTRUCTOR, text=BRIEF))
    assert not republish.ok and "word it differently" in republish.text


@pytest.mark.parametrize("action, reason", [
    (A.InstructorInterest("KG", of="RU", interest="non_interference", weight=0.9), "Only the instructor"),
    (A.InstructorInterest(INSTRUCTOR, of="XX", interest="non_interference", weight=0.9), "no actor 'XX'"),
    (A.InstructorInterest(INSTRUCTOR, of="RU", interest="greed", weight=0.9), "'greed' is not an interest"),
    (A.InstructorInterest(INSTRUCTOR, of="RU", interest="humanitarian", weight=1.5), "from 0 to 1"),
    (A.InstructorInterest(INSTRUCTOR, of="RU", interest="humanitarian", weight=float("nan")), "from 0 to 1"),
    (A.InstructorInterest(INSTRUCTOR, of="RU", interest="humanitarian", weight=True), "from 0 to 1"),
    (A.InstructorTie(INSTRUCTOR, of="RU", towards="RU", value=0.5), "to itself is always 1"),
    (A.InstructorTie(INSTRUCTOR, of="RU", towards="XX", value=0.5), "no actor 'XX'"),
    (A.InstructorTie(INSTRUCTOR, of="RU", towards="KG", value=-2), "from -1 (hostile) to 1"),
    (A.InstructorBorder(INSTRUCTOR, country="BY", neighbour="KG", open=False), "Belarus has no border with Kyrgyzstan"),
    (A.InstructorBorder(INSTRUCTOR, country="UZ", neighbour="KG", open=True), "already open"),
    (A.InstructorBorder(INSTRUCTOR, country="CSTO_SEC", neighbour="KG", open=False), "is not a state"),
    (A.InstructorBorder(INSTRUCTOR, country="XX", neighbour="KG", open=False), "no actor 'XX'"),
    (A.InstructorBrief(INSTRUCTOR, text=BRIEF), "at least one seat"),
    (A.InstructorBrief(INSTRUCTOR, text=BRIEF, to=("RU", "XX")), "no actor 'XX'"),
    (A.InstructorBrief(INSTRUCTOR, text=BRIEF, to=("RU", "RU")), "named twice"),
    (A.InstructorBrief(INSTRUCTOR, text="  ", to=("RU",)), "Write the news item first"),
    (A.InstructorBrief(INSTRUCTOR, text="x" * 301, to=("RU",)), "at most 300"),
    (A.InstructorWithdraw(INSTRUCTOR, text="never published"), "no news item with this text"),
])
def test_impossible_changes_are_refused_with_a_reason_and_change_nothing(scenario, action, reason):
    g = Game(scenario, seed=3, humans=("KG",))
    world = (g.world.interests, g.world.interest_of, g.world.ties)
    borders = g.state.border_open.copy()
    res = g.submit(action)
    assert not res.ok and reason in res.text
    assert all(now is then for now, then in zip((g.world.interests, g.world.interest_of, g.world.ties), world))
    assert (g.state.border_open == borders).all() and not A.withdrawn_news(g.state)
    assert g.save_data("x")["actions"] == [] and g.log[-1]["ok"] is False


def _play_all_changes(scenario) -> Game:
    g = Game(scenario, seed=11, humans=("KG", "RU"))
    for a in (A.InstructorInterest(INSTRUCTOR, of="RU", interest="non_interference", weight=0.1),
              A.InstructorInterest(INSTRUCTOR, of="RU", interest="alliance_credibility", weight=1.0),
              A.InstructorTie(INSTRUCTOR, of="UZ", towards="KG", value=-0.4),
              A.InstructorBrief(INSTRUCTOR, text=BRIEF, to=("RU",))):
        assert g.submit(a).ok
    g.end_turn()
    for a in (A.InstructorBorder(INSTRUCTOR, country="UZ", neighbour="KG", open=False),
              A.InstructorWithdraw(INSTRUCTOR, text=BRIEF)):
        assert g.submit(a).ok
    for _ in range(3):
        g.end_turn()
    return g


def test_every_change_is_saved_and_replayed_through_a_save_file(scenario, tmp_path):
    g = _play_all_changes(scenario)
    path = tmp_path / "class.json"
    path.write_text(json.dumps(g.save_data("kyrgyzstan_2010")), encoding="utf-8")
    data = json.loads(path.read_text(encoding="utf-8"))
    kinds = [a["kind"] for a in data["actions"]]
    assert kinds == ["instructor_interest", "instructor_interest", "instructor_tie", "instructor_brief",
                     "instructor_border", "instructor_withdraw"]
    g2 = Game.replay(scenario, data)
    assert (g2.world.interests == g.world.interests).all() and g2.world.interest_of == g.world.interest_of
    assert (g2.world.ties == g.world.ties).all() and (g2.state.border_open == g.state.border_open).all()
    assert A.withdrawn_news(g2.state) == {BRIEF}
    assert g2.indicators() == g.indicators()
    assert [e for e in g2.log if e["by"] == "instructor"] == [e for e in g.log if e["by"] == "instructor"]
    fresh = Game(scenario, seed=11, humans=("KG", "RU"))
    assert fresh.world.interests[fresh.world.a("RU"), K["non_interference"]] == 0.5, "a new game starts afresh"


def test_every_change_is_in_the_report_and_the_debrief(scenario):
    g = _play_all_changes(scenario)
    texts = [e["text"] for e in g.log if e["by"] == "instructor"]
    assert len(texts) == 6
    page = _page(g)
    assert "The instructor's injects and adjustments" in page
    for t in texts:
        assert t in page
    assert "Instructor sets Uzbekistan's tie to Kyrgyzstan from -0.10 to -0.40 (-1 hostile, 1 close ally)." in texts

    import game.ui.widgets as widgets
    from game.ui.screens.debrief import render_debrief
    from game.ui.settings import Settings

    class Session:
        game, seats, seed = g, ["KG", "RU"], 11
    Driver()            # a display and fonts
    widgets.TEXT_LOG = []
    try:
        render_debrief(Session(), widgets.Palette(Settings().colourblind), 1200)
        drawn = " ".join(widgets.TEXT_LOG)
    finally:
        widgets.TEXT_LOG = None
    for t in texts:
        assert f"Instructor: {t}" in drawn


# --- the console (F9) ---------------------------------------------------------------------------------
def _console(humans: list[str]) -> Driver:
    d = Driver()
    d.start("kyrgyzstan_2010", humans, instructor=True)
    if d.screen.name == "handover":
        d.key(pygame.K_RETURN)
    d.key(pygame.K_F9)
    assert d.screen.name == "instructor"
    return d


def test_console_sets_an_interest_and_a_tie_and_shows_them(tmp_path):
    d = _console(["KG"])
    g = d.app.session.game
    d.click("pane_interest")
    d.click("of_RU")
    d.click("interest_non_interference")
    assert "Russia's weight on non-interference is 0.50" in d.drawn()
    d.click("weight_p25")
    assert g.world.interest_of[g.world.a("RU")]["non_interference"] == 0.75
    assert "Russia's weight on non-interference is 0.75" in d.drawn()
    d.click("pane_tie")
    d.click("towards_KG")
    d.click("tie_m25")
    assert g.world.ties[g.world.a("RU"), g.world.a("KG")] == pytest.approx(0.35)
    drawn = d.drawn()
    assert "Russia's tie to Kyrgyzstan is +0.35" in drawn
    assert "Instructor sets Russia's tie to Kyrgyzstan from +0.60 to +0.35" in drawn      # the changes so far
    assert [e["action"]["kind"] for e in g.log if e["by"] == "instructor"] == ["instructor_interest", "instructor_tie"]


def test_console_closes_a_border_on_the_instructors_say():
    d = _console(["KG"])
    g = d.app.session.game
    w = g.world
    d.click("pane_border")
    d.click("country_UZ")
    d.click("neighbour_KG")
    assert "Uzbekistan's side of its border with Kyrgyzstan is open" in d.drawn()
    d.click("border_toggle")
    assert not g.state.border_open[0, w.a("UZ"), w.a("KG")]
    assert "Uzbekistan's side of its border with Kyrgyzstan is closed" in d.drawn()
    assert g.log[-1]["action"] == {"kind": "instructor_border", "actor": INSTRUCTOR, "country": "UZ",
                                   "neighbour": "KG", "open": False}


def test_console_briefs_chosen_seats_and_withdraws_the_item():
    d = _console(["KG", "RU", "KZ"])
    g = d.app.session.game
    d.click("to_RU")
    d.click("to_KZ")
    assert d.element("publish").text == "Brief 2 seats"
    d.screen.news_entry.set_text(BRIEF)
    d.click("to_KZ")                         # choosing again keeps what is written
    assert d.screen.news_entry.get_text() == BRIEF
    d.click("to_KZ")
    d.click("publish")
    e = g.log[-1]
    assert e["ok"] and e["action"]["kind"] == "instructor_brief" and list(e["action"]["to"]) == ["RU", "KZ"]
    assert d.screen.news_entry.get_text() == ""
    d.click("to_all")
    assert d.element("publish").text == "Publish the news"
    d.click("withdraw_0")
    assert g.log[-1]["action"] == {"kind": "instructor_withdraw", "actor": INSTRUCTOR, "text": BRIEF}
    assert A.withdrawn_news(g.state) == {BRIEF}
    assert d.screen.find("withdraw_0") is None, "a withdrawn item has no button any more"
