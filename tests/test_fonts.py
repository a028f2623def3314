"""The UI's drawn text covers the scripts scenario authors write and the arrows the UI draws."""
from __future__ import annotations

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")

import pygame  # noqa: E402
import pytest  # noqa: E402

from game.ui import widgets  # noqa: E402

SAMPLES = ["Request → Assessment ← back", "Кыргызстан, Тоҷикистон", "افغانستان", "ქართული", "עברית", "Ω ± °"]


@pytest.fixture(scope="module", autouse=True)
def _pygame():
    pygame.init()
    yield


@pytest.mark.parametrize("bold", [False, True])
@pytest.mark.parametrize("sample", SAMPLES)
def test_every_character_has_a_font_that_draws_it(sample, bold):
    """No empty boxes: each character is drawn by the UI font or by a fallback that has the glyph."""
    main = widgets.FONT_BOLD if bold else widgets.FONT_REGULAR
    for ch in sample:
        if widgets._has_glyph(main, ch):
            continue
        path = widgets._script_font(ch, bold)
        assert path is not None and widgets._has_glyph(path, ch), (sample, ch)


def test_a_mixed_line_renders_as_one_picture_the_height_of_the_line():
    fnt = widgets.font(16)
    plain = widgets.render_text(fnt, "Kyrgyzstan to Tajikistan", (255, 255, 255))
    mixed = widgets.render_text(fnt, "Kyrgyzstan → Тоҷикистон · افغانستان", (255, 255, 255))
    assert mixed.get_height() <= fnt.get_height() + 6
    assert mixed.get_width() > plain.get_width() * 0.8
    # the arrow is drawn (not blank): the picture has ink between the two words
    blank = widgets.render_text(fnt, "Kyrgyzstan   Тоҷикистон · افغانستان", (255, 255, 255))
    assert pygame.image.tobytes(mixed, "RGBA") != pygame.image.tobytes(blank, "RGBA")
