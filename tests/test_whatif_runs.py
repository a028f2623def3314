"""What if? in many runs (game/ui/screens/whatif_runs.py): from the debrief, one decision changed,
runs played in the background while the window keeps drawing frames, the distributions shown."""
from __future__ import annotations

import time

import pytest


@pytest.fixture(autouse=True)
def _dirs(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))


def test_many_runs_play_in_the_background_and_show_the_distributions(tmp_path):
    import pygame

    from game.ui.screenshot import build_app
    from game.ui.screens.whatif_runs import ManyRunsDialog
    app = build_app("kyrgyzstan_2010", "debrief", (1280, 720), seed=0)
    app.step(1 / 30)
    app.top.find("what_if_runs")                          # the debrief offers it
    app.top.what_if_runs()
    dlg = app.top
    assert isinstance(dlg, ManyRunsDialog) and dlg.ideas
    dlg.runs = 150                                        # a small batch for the test (the dialog offers 1,000 / 10,000)
    dlg.run()
    assert dlg.job is not None and dlg.find("whatif_runs_go").is_enabled is False   # no second start while busy
    frames, t0 = 0, time.monotonic()
    while not dlg.job.done and time.monotonic() - t0 < 120:
        app.step(1 / 30)                                  # the window keeps drawing while the runs are played
        frames += 1
        time.sleep(1 / 120)
    assert dlg.job.done and dlg.job.error is None, dlg.job.error
    assert frames >= 3
    without, with_ = dlg.job.result
    assert without.runs == with_.runs == 150
    body = "RU"
    assert with_.troops_share()[body] > without.troops_share()[body]          # the change is the change asked for
    for _ in range(3):
        app.step(1 / 30)
    out = tmp_path / "whatif.png"
    pygame.image.save(app.window, str(out))
    assert out.stat().st_size > 10_000
    assert dlg.find("whatif_runs_go").is_enabled                               # ready for another question
    # "Add to the report": the after-action report of this game with these runs in it
    view = dlg.job.view
    assert view.runs == 150 and view.body == body and view.troops[1] == with_.troops_share()[body]
    button = dlg.find("whatif_runs_report")
    assert button.is_enabled
    pos = button.rect.center
    for kind in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP):          # a click on the button
        pygame.event.post(pygame.event.Event(kind, pos=pos, button=1))
    for _ in range(3):
        app.step(1 / 30)
    from game.ui.saves import saves_dir
    written = sorted(saves_dir().glob("*-whatif-*.html"))
    assert len(written) == 1 and app.top.note.full_text == f"Report written to {written[0]}"
    page = written[0].read_text(encoding="utf-8")
    assert "What if? In many runs" in page and dlg.ideas[dlg.choice].question in page.replace("&#x27;", "'")
    assert f"played {150:,} times with the change" in page
