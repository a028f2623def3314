"""The pygame_gui theme at the UI scale: assets/theme.json with every size multiplied by one factor.

pygame_gui reads font sizes, paddings and widths from the theme in pixels and knows nothing of a
UI scale, and it ignores the ``font`` of the theme's ``defaults`` block (an element without a
font of its own gets the library's fixed 14 px). So the theme is rewritten before the
``UIManager`` reads it: the default font is given to every element type that has none, and
font sizes, text paddings, corner radii and tooltip widths are scaled by the same factor as
``widgets.px`` (see ``settings.effective_scale``).
"""
from __future__ import annotations

import copy
import json
from functools import lru_cache
from pathlib import Path

THEME = Path(__file__).resolve().parents[2] / "assets" / "theme.json"

#: The element types the screens make; each gets the default font unless the theme gives one.
ELEMENT_TYPES = ("button", "label", "text_box", "text_entry_line", "tool_tip", "tool_tip.text_box",
                 "drop_down_menu", "selection_list")
#: Lengths in ``misc`` that follow the scale (border widths stay one pixel).
SCALED_MISC = ("text_horiz_alignment_padding", "text_vert_alignment_padding", "shape_corner_radius",
               "padding", "rect_width")
#: Nominal font sizes the screens use (preloaded at the scale, regular and bold).
FONT_SIZES = (11, 12, 13, 14, 15, 16, 18, 20, 22, 24, 26, 34)


@lru_cache(maxsize=2)
def _raw() -> str:
    return THEME.read_text(encoding="utf-8")


def _scaled(value: str, scale: float, least: int) -> str:
    parts = [p.strip() for p in str(value).split(",")]
    try:
        return ",".join(str(max(least, round(float(p) * scale))) for p in parts)
    except ValueError:
        return value


#: The widgets' font family and its files (bundled, see assets/fonts/README.md).
FONT_NAME = "dejavu_sans_condensed"
_FONTS = Path(__file__).resolve().parents[2] / "assets" / "fonts"
FONT_FILES = {False: _FONTS / "DejaVuSansCondensed.ttf", True: _FONTS / "DejaVuSansCondensed-Bold.ttf"}


def load_theme(scale: float) -> dict:
    """The theme as a dict for ``UIManager``, every size at ``scale``."""
    theme = json.loads(_raw())
    default_font = theme.get("defaults", {}).get("font")
    if default_font:
        for kind in ELEMENT_TYPES:
            block = theme.setdefault(kind, {})
            block.setdefault("font", copy.deepcopy(default_font))
    for name, block in theme.items():
        if not isinstance(block, dict):
            continue
        font = block.get("font")
        if isinstance(font, dict) and font.get("name") == "noto_sans":
            # The bundled DejaVu Sans Condensed (the map's font) instead of pygame_gui's Noto Sans:
            # it has Arabic, Hebrew and the arrows as well as Cyrillic, so every name shows.
            font.update(name=FONT_NAME, regular_path=str(FONT_FILES[False]), bold_path=str(FONT_FILES[True]),
                        italic_path=str(FONT_FILES[False]), bold_italic_path=str(FONT_FILES[True]))
        if isinstance(font, dict) and "size" in font:
            font["size"] = _scaled(font["size"], scale, 8)
        misc = block.get("misc")
        if isinstance(misc, dict):
            for key in SCALED_MISC:
                if key in misc:
                    misc[key] = _scaled(misc[key], scale, 0)
    return theme


def font_sizes(scale: float) -> list[int]:
    """The pixel sizes of the theme's fonts at ``scale`` (for preloading)."""
    return sorted({max(8, round(v * scale)) for v in FONT_SIZES})
