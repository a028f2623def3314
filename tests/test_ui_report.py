"""The debrief shows the scenario's discussion questions, and "Export report" writes the after-action
report next to the saves with one click and shows where (driven by posted events, headless)."""
from __future__ import annotations

import html
import re

import pygame
import pytest

from game.ui import widgets
from ui_driver import Driver


@pytest.fixture(autouse=True)
def _dirs(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))


def test_debrief_shows_questions_and_exports_the_report_with_one_click(tmp_path):
    d = Driver(size=(1600, 900))
    d.start("kyrgyzstan_2010", ["KG"])
    g = d.screen.game
    while g.turn < g.world.last_turn:
        g.end_turn()
    d.screen.changed()
    widgets.TEXT_LOG = []
    try:
        d.key(pygame.K_RETURN)                      # the last End Turn opens the debrief
        if d.screen.name != "debrief":              # decisions left open are listed first: end anyway
            d.click("end_anyway")
        drawn = " ".join(" ".join(t.split()) for t in widgets.TEXT_LOG)
    finally:
        widgets.TEXT_LOG = None
    assert g.over
    teaching = g.scenario.teaching
    assert "DISCUSSION QUESTIONS" in drawn
    for q in teaching.questions:
        assert " ".join(q.text.split()) in drawn, q.text
    assert "12 Jun–14 Jun: A plea for help is on the table." in drawn, "a `during` question shows its dates"

    saves = tmp_path / "data" / "collective-security" / "saves"
    assert not list(saves.glob("*-report-*.html"))
    d.click("export_report")
    reports = list(saves.glob("kyrgyzstan_2010-report-*.html"))
    assert len(reports) == 1
    page = reports[0].read_text(encoding="utf-8")
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"<style>.*?</style>", "", page, flags=re.S))).split())
    for q in teaching.questions:
        assert " ".join(q.text.split()) in text
    for p in g.decisions():
        assert p["summary"] in text
    assert "Played by people: Kyrgyzstan." in text
    label = d.screen._path_el
    assert label.visible and str(reports[0]) in label.full_text, "the path is shown on the debrief"
    d.click("export_report")                        # a second click writes a second file, never over the first
    assert len(list(saves.glob("kyrgyzstan_2010-report-*.html"))) == 2


def test_what_if_from_the_debrief_plays_the_branch_and_compares(tmp_path):
    from game.engine.game import Game
    from game.scenario.loader import load_scenario
    d = Driver(size=(1600, 900))
    loaded = load_scenario("kyrgyzstan_2010")
    game = Game(loaded.scenario, seed=1, humans=("KG",))
    game.run_to_end()
    d.app.start_game(loaded, str(loaded.path), ["KG"], 1, game=game)
    while len(d.app.stack) > 1:
        d.app.pop()
    d.app.end_and_debrief()
    d.frames(2)
    assert d.screen.name == "debrief"
    ru_before = [p["outcome"] for p in game.decisions() if p["body"] == "RU"]
    assert ru_before and ru_before[-1] != "peacekeeping"
    d.click("what_if")
    assert d.screen.name == "whatif"
    labels = [b.full_text for b in d.screen.handlers if getattr(b, "full_text", "").startswith("What if")]
    assert any("Russia had answered" in t and "peacekeeping" in t for t in labels), labels
    i = next(i for i, t in enumerate(labels) if "Russia had answered" in t)
    widgets.TEXT_LOG = []
    try:
        d.click(f"whatif_{i}")
        d.frames(2)
        drawn = " ".join(" ".join(t.split()) for t in widgets.TEXT_LOG)
    finally:
        widgets.TEXT_LOG = None
    assert d.screen.name == "debrief"
    wi = d.app.session.whatif
    assert [p["outcome"] for p in wi.branch.game.decisions() if p["body"] == "RU"] == ["peacekeeping"]
    # the debrief draws the comparison: the question, both answers side by side, Russia's score
    assert "WHAT IF" in drawn and "Russia had answered" in drawn
    assert "AS PLAYED" in drawn and "peacekeeping (13 Jun)" in drawn and "logistics support (13 Jun)" in drawn
    assert "Russian Federation's score" in drawn or "Russia's score" in drawn
    # and the report with both games is written next to the saves, its path shown
    saves = tmp_path / "data" / "collective-security" / "saves"
    (report,) = list(saves.glob("kyrgyzstan_2010-whatif-*.html"))
    assert str(report) == wi.report and str(report) in d.screen._path_el.full_text
    page = report.read_text(encoding="utf-8")
    assert "What if — 13 June 2010: Kyrgyzstan asked Russia" in html.unescape(page)
