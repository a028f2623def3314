"""`python main.py screenshot` writes a PNG of the requested size for every screen."""
from __future__ import annotations

import argparse

import pygame
import pytest

SCREENS = ["title", "browser", "roles", "game", "council", "debrief", "help", "settings"]


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
