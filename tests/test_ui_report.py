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
        while d.screen.name != "debrief":           # a confirmation of open decisions, if the game asks
            d.key(pygame.K_RETURN)
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
