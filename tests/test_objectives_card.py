"""The player's card at the top of the side panel shows every objective: wrapped when they fit, else one
line each with the whole list in a tooltip over the card (never drawn over the hint or cut silently)."""
from __future__ import annotations

import pygame
import pytest

from game.ui.screenshot import build_app


@pytest.fixture(autouse=True)
def _dirs(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))


def _texts(monkeypatch):
    """Every text the widgets draw, in order."""
    from game.ui import widgets
    drawn = []
    real_text, real_para = widgets.text, widgets.paragraph

    def text(surface, s, *a, **k):
        drawn.append(str(s))
        return real_text(surface, s, *a, **k)

    def paragraph(surface, s, *a, **k):
        drawn.append(str(s))
        return real_para(surface, s, *a, **k)
    monkeypatch.setattr(widgets, "text", text)
    monkeypatch.setattr(widgets, "paragraph", paragraph)
    return drawn


def test_five_long_objectives_are_all_listed_and_in_full_on_hover(monkeypatch):
    app = build_app("tajik_afghan_2021", "game", (1600, 900), turn=2)
    gs = app.top
    objectives = [o.description for o in gs.world.scenario.objectives if o.actor == gs.session.actor]
    assert len(objectives) == 5
    drawn = _texts(monkeypatch)
    gs.region_panel.draw(app.window)
    assert gs.region_panel.cut                                  # they do not all fit wrapped
    assert all(any(t == "• " + o for t in drawn) for o in objectives)   # every one, one line each
    assert not any("Click a region" in t for t in drawn)        # the hint gives way to them
    drawn.clear()
    gs.region_panel.draw_over(app.window, gs.region_panel.rect.center)
    assert drawn[0] == "Your objectives" and drawn[1:] == ["• " + o for o in objectives]
    drawn.clear()
    gs.region_panel.draw_over(app.window, (5, 5))               # not over the card: nothing
    assert drawn == []


def test_objectives_that_fit_are_wrapped_with_the_hint_below(monkeypatch):
    app = build_app("kyrgyzstan_2010", "game", (1600, 900))
    gs = app.top
    drawn = _texts(monkeypatch)
    gs.region_panel.draw(app.window)
    assert not gs.region_panel.cut and any("Click a region" in t for t in drawn)
    drawn.clear()
    gs.region_panel.draw_over(app.window, gs.region_panel.rect.center)
    assert drawn == []
