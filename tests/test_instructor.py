"""The instructor's (white cell's) injects and adjustments: engine actions, logged, saved, replayed, reported."""
from __future__ import annotations

import re
import html
from pathlib import Path

import pytest

from game.engine.actions import INSTRUCTOR, InstructorAdjust, InstructorInject, action_from_dict
from game.engine.game import Game
from game.report import build_report, render_html
from game.scenario.loader import load_scenario

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(ROOT / "scenarios" / "kyrgyzstan_2010.yaml").scenario


def _text(doc: str) -> str:
    body = re.sub(r"<style>.*?</style>|<svg.*?</svg>", " ", doc, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def test_adjust_changes_the_figure_is_logged_and_replays_from_the_save(scenario):
    g = Game(scenario, seed=3, humans=("KG",))
    r = g.world.r("KG-J")
    before = float(g.state.violence[0, r])
    res = g.submit(InstructorAdjust(INSTRUCTOR, region="KG-J", figure="violence", add=0.25))
    assert res.ok and res.text.startswith("Instructor raises violence in") and "by 0.25" in res.text
    assert float(g.state.violence[0, r]) == pytest.approx(min(1.0, before + 0.25))
    entry = g.log[-1]
    assert entry["by"] == "instructor" and entry["ok"] and entry["action"]["kind"] == "instructor_adjust"
    assert any(n["text"] == res.text for n in g.news())
    g.end_turn()
    data = g.save_data("kyrgyzstan_2010")
    assert {"turn": 1, **InstructorAdjust(INSTRUCTOR, region="KG-J", figure="violence", add=0.25).to_dict()} \
        in data["actions"]
    g2 = Game.replay(scenario, data)
    assert g2.indicators() == g.indicators()
    assert [e for e in g2.log if e["by"] == "instructor"] == [e for e in g.log if e["by"] == "instructor"]
    # without the adjustment the game is a different one
    plain = Game(scenario, seed=3, humans=("KG",))
    plain.end_turn()
    assert plain.indicators() != g.indicators()


def test_inject_fires_the_scenarios_event_and_a_written_item(scenario):
    g = Game(scenario, seed=3, humans=("KG",))
    ev = next(e for e in scenario.events if e.id == "uzbek_border_pressure")
    e = [x.id for x in scenario.events].index(ev.id)
    assert not g.state.event_fired[0, e]
    res = g.submit(InstructorInject(INSTRUCTOR, event=ev.id))
    assert res.ok and ev.title in res.text and bool(g.state.event_fired[0, e])
    res2 = g.submit(InstructorInject(INSTRUCTOR, text="Uzbekistan closes the border tonight"))
    assert res2.ok
    news = [n["text"] for n in g.news()]
    assert res.text in news and "Instructor's news: Uzbekistan closes the border tonight" in news
    g.end_turn()
    page = _text(render_html(build_report(g)))
    assert "The instructor's injects and adjustments" in page
    assert "Instructor's news: Uzbekistan closes the border tonight instructor inject" in page
    assert f"Instructor's inject: {ev.title}." in page
    g2 = Game.replay(scenario, g.save_data("kyrgyzstan_2010"))
    assert g2.indicators() == g.indicators() and bool(g2.state.event_fired[0, e])


@pytest.mark.parametrize("action, reason", [
    (InstructorAdjust("KG", region="KG-J", figure="violence", add=0.1), "Only the instructor"),
    (InstructorAdjust(INSTRUCTOR, region="XX", figure="violence", add=0.1), "no region"),
    (InstructorAdjust(INSTRUCTOR, region="KG-J", figure="casualties", add=0.1), "can be adjusted"),
    (InstructorAdjust(INSTRUCTOR, region="KG-J", figure="violence", add=0.0), "between -1 and 1"),
    (InstructorAdjust(INSTRUCTOR, region="KG-J", figure="violence", add=float("nan")), "between -1 and 1"),
    (InstructorAdjust(INSTRUCTOR, region="KG-J", figure="violence", add=5), "between -1 and 1"),
    (InstructorInject(INSTRUCTOR, event="no_such_event"), "no event"),
    (InstructorInject(INSTRUCTOR), "either"),
    (InstructorInject(INSTRUCTOR, text="x" * 301), "at most"),
])
def test_bad_instructor_actions_are_refused_and_cost_nothing(scenario, action, reason):
    g = Game(scenario, seed=3, humans=("KG",))
    before = g.state.copy()
    res = g.submit(action)
    assert not res.ok and reason in res.text
    assert (g.state.violence == before.violence).all()
    assert g.save_data("x")["actions"] == []


def test_instructor_actions_round_trip_as_dicts():
    a = InstructorAdjust(INSTRUCTOR, region="KG-O", figure="stability", add=-0.2)
    assert action_from_dict(a.to_dict()) == a
    b = InstructorInject(INSTRUCTOR, text="A curfew in Osh")
    assert action_from_dict(b.to_dict()) == b
