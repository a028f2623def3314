"""`python main.py screenshot` writes a PNG of the requested size for every screen."""
from __future__ import annotations

import argparse

import pygame
import pytest

SCREENS = ["title", "browser", "roles", "game", "council", "debrief", "help", "settings", "instructor", "public"]


@pytest.fixture(autouse=True)
def _dirs(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))


@pytest.mark.parametrize("screen", SCREENS)
def test_screenshot_each_screen(tmp_path, screen):
    from game.ui.screenshot import screenshot_main
    out = tmp_path / f"{screen}.png"
    args = argparse.Namespace(scenario="kyrgyzstan_2010", out=str(out), turn=3, overlay="displacement",
                              size="1280x720", screen=screen, seed=0)
    assert screenshot_main(args) == 0
    pygame.init()
    img = pygame.image.load(str(out))
    assert img.get_size() == (1280, 720)


def test_screenshot_bad_size_and_scenario(tmp_path, capsys):
    from game.ui.screenshot import screenshot_main
    args = argparse.Namespace(scenario="kyrgyzstan_2010", out=str(tmp_path / "x.png"), turn=1, overlay="violence",
                              size="big", screen="game", seed=0)
    assert screenshot_main(args) == 2
    args.size, args.scenario = "800x600", "no_such_scenario"
    assert screenshot_main(args) != 0
    assert not (tmp_path / "x.png").exists()


def _text_sizes(screen: str, scale: float, size=(1920, 1080)) -> dict[str, set[int]]:
    """Every text size (pixels) drawn on ``screen`` at ``scale``: the panels' own drawing, the map's
    labels, legend and counters, and the pygame_gui widgets (theme fonts and text-box HTML)."""
    import json
    import os
    import re

    from game.ui import map_style, widgets
    from game.ui.screenshot import build_app, settle
    cfg = os.path.join(os.environ["XDG_CONFIG_HOME"], "collective-security")
    os.makedirs(cfg, exist_ok=True)
    with open(os.path.join(cfg, "settings.json"), "w", encoding="utf-8") as f:
        json.dump({"window_size": f"{size[0]}x{size[1]}", "ui_scale": scale}, f)
    seen = {"drawn": set(), "map": set(), "widgets": set()}
    real_w, real_m = widgets._font, map_style._font

    def drawn(sz, bold):
        seen["drawn"].add(sz)
        return real_w(sz, bold)

    def mapped(sz, bold=False, path=None):
        seen["map"].add(sz)
        return real_m(sz, bold, path)

    drawn.cache_clear = real_w.cache_clear
    widgets._font, map_style._font = drawn, mapped
    try:
        app = build_app("kyrgyzstan_2010", screen, size, turn=4, user_settings=True)
        settle(app)
        view = getattr(app.top, "map", None)
        if view is not None:
            view.labels.scale = None         # place (and render) the labels again, measured
        app.draw(app.window)
        for el in app.manager.get_sprite_group().sprites():
            if not getattr(el, "visible", True):
                continue
            if type(el).__name__ == "UITextBox":
                seen["widgets"] |= {int(v) for v in re.findall(r"pixel_size=(\d+)", el.html_text)}
            elif getattr(el, "font", None) is not None and getattr(el, "text", ""):
                seen["widgets"].add(el.font.get_point_size())
    finally:
        widgets._font, map_style._font = real_w, real_m
    return seen


@pytest.mark.parametrize("screen", SCREENS)
def test_large_text_is_at_least_16_px_at_1920x1080(screen):
    """Projector mode: at 150% every text on every screen (buttons, tabs, map labels, panels, debrief,
    help, dialogs) is 16 px or more at 1920x1080."""
    seen = _text_sizes(screen, 1.5)
    every = set().union(*seen.values())
    assert every and min(every) >= 16, seen
    if screen in ("game", "council"):
        assert seen["map"] and min(seen["map"]) >= 16 and seen["widgets"]


def test_text_sizes_follow_the_scale():
    """The same screen at 100% draws smaller text: the 150% sizes come from the one scale."""
    small, large = _text_sizes("roles", 1.0), _text_sizes("roles", 1.5)
    assert min(small["widgets"]) < 16 <= min(large["widgets"])
    assert max(large["widgets"]) >= round(max(small["widgets"]) * 1.5) - 1


def test_instructor_screenshot_draws_the_console():
    import game.ui.widgets as widgets
    from game.ui.screenshot import build_app
    app = build_app("kyrgyzstan_2010", "instructor", (1600, 900), turn=4)
    assert app.top.name == "instructor" and app.session.instructor
    widgets.TEXT_LOG = []
    try:
        app.step(1 / 60)
        drawn = " ".join(widgets.TEXT_LOG)
    finally:
        widgets.TEXT_LOG = None
    assert "SEATS: OPEN DECISIONS AND VOTES" in drawn and "Kyrgyzstan  (at the screen)" in drawn
    assert "INJECT ONE OF THE SCENARIO'S EVENTS" in drawn and "violence is" in drawn
    labels = {el.full_text for el in app.top.handlers if hasattr(el, "full_text")}
    assert {"Pause the game", "Publish the news", "+0.1"} <= labels
    assert {e.title for e in app.session.game.scenario.events} <= labels
