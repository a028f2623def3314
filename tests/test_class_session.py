"""A 50-minute class with Kyrgyzstan 2010, as docs/classroom.md plans it, played through the window:
roles in a handful of clicks, seven classroom-pace turns with three team seats and the instructor,
the debrief with its questions and the exported report (issue 9's evidence)."""
from __future__ import annotations

from pathlib import Path

import pygame

from game.scenario.pace import classroom_pace
from tests.ui_driver import Driver

SEATS = ["KG", "RU", "UZ"]      # the plan's three team seats


def test_a_fifty_minute_class_runs_as_planned(tmp_path, monkeypatch):
    monkeypatch.setattr("game.ui.saves.saves_dir", lambda: tmp_path)
    d = Driver()
    clicks = 0

    def click(oid: str) -> None:
        nonlocal clicks
        clicks += 1
        d.click(oid)

    # 0-3 minutes: roles, the instructor and the classroom pace
    click("new_game")
    click("scenario_kyrgyzstan_2010")
    click("choose_roles")
    roles = d.screen
    for aid in sorted(roles.humans ^ set(SEATS)):
        click(f"seat_{aid}")
    click("seat_INSTRUCTOR")
    click("pace")
    click("start")
    assert clicks <= 10, f"setting up the class took {clicks} clicks"
    session = d.app.session
    game = session.game
    assert session.instructor and game.simultaneous and sorted(game.humans) == sorted(SEATS)
    pace = classroom_pace(game.scenario)
    assert pace is not None and game.scenario.turn_days == pace.turn_days == 3
    turns = game.world.last_turn
    assert turns == 7 and turns * pace.minutes_per_turn <= 21, "play fits the plan's 5-26 minutes"

    # 5-26 minutes: every turn each team takes the seat and ends its turn; the instructor pauses once
    paused_once = False
    while not game.over:
        for _ in SEATS:
            assert d.screen.name == "handover"
            d.key(pygame.K_RETURN)
            d.end_turn()
        if game.decisions() and not paused_once and not game.over:    # the council has decided: discuss it
            d.key(pygame.K_F9)                                # over the hand-over screen
            d.click("pause")
            d.key(pygame.K_F9)
            assert d.screen.name == "handover"
            d.key(pygame.K_RETURN)
            assert "PAUSED BY THE INSTRUCTOR" in d.drawn()
            now = (game.turn, set(game.ready))
            d.key(pygame.K_RETURN)
            assert d.screen.name == "game" and (game.turn, set(game.ready)) == now, "a paused game ends no turn"
            d.key(pygame.K_F9)
            d.click("pause")
            d.key(pygame.K_F9)
            d.end_turn()                                      # the seat at the screen goes on
            for _ in SEATS[1:]:
                d.key(pygame.K_RETURN)
                d.end_turn()
            paused_once = True
    assert len(game.history) == 7 and paused_once
    assert d.screen.name == "debrief"

    # 26-50 minutes: the debrief's questions, then the report
    from game.ui.screens.debrief import render_debrief
    drawn = d.drawn(lambda: render_debrief(d.app.session, d.app.palette, 1200))
    questions = [q.text for q in game.scenario.teaching.questions if q.phase == "debrief"]
    assert questions and questions[0][:40] in drawn
    d.click("export_report")
    report = Path(d.screen.exported)
    page = report.read_text(encoding="utf-8")
    assert report.parent == tmp_path and questions[0][:40] in page and "CSTO" in page
