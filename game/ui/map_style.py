"""Palettes, colour ramps, fonts and small drawing helpers (legend, tooltip, haloed text) for the map."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pygame

FONT_DIR = Path(__file__).resolve().parents[2] / "assets" / "fonts"
FONT_FILES = {False: "DejaVuSansCondensed.ttf", True: "DejaVuSansCondensed-Bold.ttf"}

Colour = tuple[int, int, int]


def hex_rgb(h: str | None, default: Colour = (128, 128, 128)) -> Colour:
    if not h:
        return default
    h = h.lstrip("#")
    return tuple(int(h[i:i + 2], 16) for i in (0, 2, 4))


def mix(a, b, t: float) -> Colour:
    """Linear blend of two colours, t=0 -> a, t=1 -> b."""
    return tuple(int(round(a[i] + (b[i] - a[i]) * t)) for i in range(3))


def strength_text(n: float) -> str:
    """A count for a counter or tooltip: 950, 1.2k, 12k."""
    n = float(n)
    if n >= 1000:
        return f"{n / 1000:.1f}k".replace(".0k", "k")
    return f"{int(round(n))}"


def ramp(stops: list[Colour], t: float) -> Colour:
    """Colour at t in [0, 1] on evenly spaced colour stops."""
    t = min(max(float(t), 0.0), 1.0) * (len(stops) - 1)
    i = min(int(t), len(stops) - 2)
    return mix(stops[i], stops[i + 1], t - i)


_BASE = {
    "water": (163, 190, 204), "water_line": (120, 152, 170), "void": (150, 176, 190),
    "land_focus": (226, 218, 198), "land_other": (212, 205, 188),
    "region_line": (178, 166, 146), "region_line_scn": (92, 86, 78),
    "country_line": (98, 84, 78), "country_line_scn": (52, 44, 42),
    "text": (40, 36, 32), "text_muted": (112, 102, 90), "halo": (250, 247, 240),
    "water_text": (60, 96, 122), "hover": (255, 255, 255), "selected": (255, 196, 40),
    # faint per-country hues mixed into the land colour of non-scenario regions
    "country_tints": {"KZ": (200, 170, 90), "UZ": (120, 170, 190), "KG": (200, 110, 100), "TJ": (110, 170, 100),
                      "TM": (190, 160, 120), "AF": (160, 130, 110), "AM": (200, 140, 80), "AZ": (100, 150, 170),
                      "GE": (170, 120, 160)},
    "panel": (30, 32, 36), "panel_text": (236, 234, 228), "hatch": (40, 34, 34),
}

PALETTES: dict[str, dict] = {
    "default": {
        **_BASE,
        "violence": [(255, 247, 214), (253, 204, 120), (240, 120, 60), (200, 40, 40), (110, 10, 30)],
        "displacement": [(244, 240, 248), (200, 190, 226), (150, 120, 196), (104, 60, 160), (60, 10, 110)],
        "stability": [(190, 40, 40), (236, 130, 70), (246, 226, 140), (150, 200, 110), (40, 140, 80)],
        "none_tint": 0.18,
        "actors": {},
    },
    "colorblind": {
        **_BASE,
        # magma-, viridis- and cividis-like ramps (perceptually ordered, colour-blind safe)
        "violence": [(252, 253, 191), (254, 176, 120), (241, 96, 93), (183, 55, 121), (80, 18, 123)],
        "displacement": [(253, 231, 37), (94, 201, 98), (33, 145, 140), (59, 82, 139), (68, 1, 84)],
        "stability": [(0, 34, 78), (72, 78, 108), (124, 123, 120), (186, 174, 114), (253, 234, 69)],
        "none_tint": 0.18,
        # Okabe-Ito, given to actors in order
        "actors": [(230, 159, 0), (86, 180, 233), (0, 114, 178), (0, 158, 115), (240, 228, 66),
                   (213, 94, 0), (204, 121, 167), (110, 110, 110), (60, 60, 60)],
        "selected": (0, 0, 0),
    },
}


def ui_scale() -> float:
    """The UI's one scale (game.ui.widgets): map text, markers and counters follow it."""
    from game.ui import widgets
    return widgets.scale()


def spx(v: float) -> int:
    """A length in map-overlay pixels at the UI scale."""
    return int(round(v * ui_scale()))


def font(size: int, bold: bool = False, path: str | None = None) -> pygame.font.Font:
    """The map's font at nominal ``size``, at the UI scale."""
    return _font(max(6, round(size * ui_scale())), bold, path)


@lru_cache(maxsize=48)
def _font(size: int, bold: bool = False, path: str | None = None) -> pygame.font.Font:
    """Bundled DejaVu Sans Condensed, else the given path, else pygame's default font."""
    if not pygame.font.get_init():
        pygame.font.init()
    for p in (path, FONT_DIR / FONT_FILES[bold]):
        if p and Path(p).is_file():
            return pygame.font.Font(str(p), size)
    f = pygame.font.Font(None, int(size * 1.35))
    f.set_bold(bold)
    return f


def halo_text(text: str, fnt: pygame.font.Font, colour: Colour, halo: Colour | None, spacing: int = 0) -> pygame.Surface:
    """Text with a soft 1-px halo (an alpha surface)."""
    if spacing:
        glyphs = [fnt.render(ch, True, colour) for ch in text]
        w = sum(g.get_width() for g in glyphs) + spacing * (len(glyphs) - 1)
        base = pygame.Surface((max(w, 1), fnt.get_height()), pygame.SRCALPHA)
        x = 0
        for g in glyphs:
            base.blit(g, (x, 0))
            x += g.get_width() + spacing
    else:
        base = fnt.render(text, True, colour)
    if halo is None:
        return base
    out = pygame.Surface((base.get_width() + 2, base.get_height() + 2), pygame.SRCALPHA)
    shadow = base.copy()
    shadow.fill((*halo, 0), special_flags=pygame.BLEND_RGBA_MAX)
    shadow.fill((*halo, 255), special_flags=pygame.BLEND_RGB_MIN)
    shadow.fill((255, 255, 255, 170), special_flags=pygame.BLEND_RGBA_MULT)
    for dx, dy in ((0, 1), (2, 1), (1, 0), (1, 2), (0, 0), (2, 2), (0, 2), (2, 0)):
        out.blit(shadow, (dx, dy))
    out.blit(base, (1, 1))
    return out


def panel(surface: pygame.Surface, rect: pygame.Rect, pal: dict, alpha: int = 225) -> None:
    """A rounded translucent dark panel."""
    s = pygame.Surface(rect.size, pygame.SRCALPHA)
    pygame.draw.rect(s, (*pal["panel"], alpha), s.get_rect(), border_radius=6)
    pygame.draw.rect(s, (255, 255, 255, 40), s.get_rect(), 1, border_radius=6)
    surface.blit(s, rect.topleft)


def draw_tooltip(surface: pygame.Surface, pos, lines: list[str], pal: dict, fnt_path=None) -> pygame.Rect | None:
    """Draw tooltip lines (first one bold) near pos, kept inside the surface."""
    if not lines:
        return None
    fonts = [font(14, True, fnt_path)] + [font(13, False, fnt_path)] * (len(lines) - 1)
    glyphs = [f.render(t, True, pal["panel_text"]) for f, t in zip(fonts, lines)]
    w = max(g.get_width() for g in glyphs) + spx(16)
    h = sum(g.get_height() for g in glyphs) + spx(12)
    r = pygame.Rect(pos[0] + spx(16), pos[1] + spx(18), w, h)
    r.clamp_ip(surface.get_rect())
    if r.collidepoint(pos):
        r.bottom = pos[1] - spx(8)
        r.clamp_ip(surface.get_rect())
    panel(surface, r, pal)
    y = r.y + spx(6)
    for g in glyphs:
        surface.blit(g, (r.x + spx(8), y))
        y += g.get_height()
    return r


def legend_height(legend: dict, fnt_path=None) -> int:
    """The height ``draw_legend`` needs for ``legend`` at the UI scale."""
    if not legend or not legend.get("title"):
        return 0
    ramp_h = spx(18) + font(12, False, fnt_path).get_height() if legend.get("stops") else 0
    return (spx(16) + font(14, True, fnt_path).get_height() + ramp_h
            + len(legend.get("items", [])) * _item_h(fnt_path) + spx(6))


def legend_width(legend: dict, fnt_path=None) -> int:
    """A width that holds the legend's title and item labels (at least 260 scaled pixels)."""
    lf = font(12, False, fnt_path)
    widest = max([font(14, True, fnt_path).size(str(legend.get("title", "")))[0]]
                 + [spx(30) + lf.size(str(i.get("label", "")))[0] for i in legend.get("items", [])])
    return max(spx(260), widest + spx(20))


def _item_h(fnt_path=None) -> int:
    return max(spx(18), font(12, False, fnt_path).get_linesize() + spx(2))


def draw_legend(surface: pygame.Surface, rect: pygame.Rect, legend: dict, pal: dict, fnt_path=None) -> None:
    """Draw a legend description from MapView.legend() inside rect (height is a maximum)."""
    if not legend or not legend.get("title"):
        return
    tf, lf = font(14, True, fnt_path), font(12, False, fnt_path)
    items = legend.get("items", [])
    ih = _item_h(fnt_path)
    r = pygame.Rect(rect.x, rect.y, rect.w, min(legend_height(legend, fnt_path), rect.h))
    panel(surface, r, pal)
    clip = surface.get_clip()
    surface.set_clip(r)
    x, y = r.x + spx(10), r.y + spx(8)
    surface.blit(tf.render(legend["title"], True, pal["panel_text"]), (x, y))
    y += tf.get_height() + spx(6)
    bw = r.w - spx(20)
    if legend.get("stops"):
        stops = legend["stops"]
        bar_h = spx(12)
        for i in range(bw):
            pygame.draw.line(surface, ramp(stops, i / max(bw - 1, 1)), (x + i, y), (x + i, y + bar_h))
        pygame.draw.rect(surface, (0, 0, 0), (x, y, bw, bar_h + 1), 1)
        for t, label in legend.get("labels", []):
            g = lf.render(label, True, pal["panel_text"])
            lx = int(x + t * (bw - 1))
            pygame.draw.line(surface, pal["panel_text"], (lx, y + bar_h + 1), (lx, y + bar_h + spx(4)))
            surface.blit(g, (min(max(lx - g.get_width() // 2, x), x + bw - g.get_width()), y + bar_h + spx(6)))
        y += spx(18) + lf.get_height()
    for item in items:
        sw = pygame.Rect(x, y + (ih - spx(13)) // 2, spx(22), spx(13))
        pygame.draw.rect(surface, item["colour"], sw)
        if item.get("hatch"):
            hatch(surface, sw, pal["hatch"])
        pygame.draw.rect(surface, (0, 0, 0), sw, 1)
        surface.blit(lf.render(item["label"], True, pal["panel_text"]), (x + spx(30), y + (ih - lf.get_height()) // 2))
        y += ih
    surface.set_clip(clip)


def hatch(surface: pygame.Surface, rect: pygame.Rect, colour: Colour, step: int = 6) -> None:
    """Diagonal hatching inside rect."""
    clip = surface.get_clip()
    surface.set_clip(rect.clip(clip) if clip else rect)
    for k in range(-rect.h, rect.w, step):
        pygame.draw.line(surface, colour, (rect.x + k, rect.bottom), (rect.x + k + rect.h, rect.y))
    surface.set_clip(clip)


@lru_cache(maxsize=8)
def hatch_tile(size: int, colour: Colour, step: int = 8, alpha: int = 120) -> pygame.Surface:
    """A size x size alpha surface of diagonal stripes (step divides size, so tiles join seamlessly)."""
    s = pygame.Surface((size, size), pygame.SRCALPHA)
    for k in range(-size, 2 * size, step):
        pygame.draw.line(s, (*colour, alpha), (k, size), (k + size, 0), 2)
    return s


def ramp_array(stops: list[Colour], t: np.ndarray) -> list[Colour]:
    return [ramp(stops, float(v)) for v in np.asarray(t, float)]
