"""Drawing helpers shared by the screens: fonts, wrapped text, chips, cards and charts.

Everything here draws with plain pygame onto a Surface; pygame_gui owns the widgets.
"""
from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

import pygame
import pygame_gui

_DATA = Path(pygame_gui.__file__).parent / "data"
FONT_REGULAR = str(_DATA / "NotoSans-Regular.ttf")
FONT_BOLD = str(_DATA / "NotoSans-Bold.ttf")

_scale = 1.0


def set_scale(scale: float) -> None:
    global _scale
    _scale = float(scale)


def scale() -> float:
    return _scale


def px(v: float) -> int:
    """A length in layout pixels at the current UI scale."""
    return int(round(v * _scale))


#: Fonts tried, in order, for characters the UI font lacks (arrows, Arabic, rarer scripts): the
#: bundled DejaVu Sans Condensed, then pygame_gui's Noto Arabic, Hebrew and Georgian.
_ASSETS = Path(__file__).resolve().parents[2] / "assets" / "fonts"
FALLBACKS = {False: [str(_ASSETS / "DejaVuSansCondensed.ttf"), str(_DATA / "NotoSansArabic-Regular.ttf"),
                     str(_DATA / "NotoSansHebrew-Regular.ttf"), str(_DATA / "NotoSansGeorgian-Regular.ttf")],
             True: [str(_ASSETS / "DejaVuSansCondensed-Bold.ttf"), str(_DATA / "NotoSansArabic-Bold.ttf"),
                    str(_DATA / "NotoSansHebrew-Bold.ttf"), str(_DATA / "NotoSansGeorgian-Bold.ttf")]}


@lru_cache(maxsize=64)
def _font(size: int, bold: bool) -> pygame.font.Font:
    return pygame.font.Font(FONT_BOLD if bold else FONT_REGULAR, size)


@lru_cache(maxsize=64)
def _fallback(path: str, size: int) -> pygame.font.Font:
    # pygame-ce's SDL_ttf shapes with HarfBuzz and finds the script and direction itself: Arabic
    # and Hebrew runs come out joined and right to left without setting either.
    return pygame.font.Font(path, size)


def _script_font(ch: str, bold: bool) -> str | None:
    """The fallback font for a character: its script's Noto font for Arabic and Hebrew (shaped right to
    left), otherwise the first fallback that has the glyph."""
    code = ord(ch)
    if 0x0600 <= code <= 0x06FF or 0x0750 <= code <= 0x077F or 0xFB50 <= code <= 0xFEFF:
        return FALLBACKS[bold][1]
    if 0x0590 <= code <= 0x05FF:
        return FALLBACKS[bold][2]
    return next((p for p in FALLBACKS[bold] if _has_glyph(p, ch)), None)


@lru_cache(maxsize=4096)
def _has_glyph(path: str, ch: str) -> bool:
    """Whether a font file draws ``ch`` (a missing glyph has the same metrics as a private-use one)."""
    if ch.isspace() or ord(ch) < 0x250:
        return True
    f = _fallback(path, 20)
    return f.metrics(ch) != f.metrics("\ue000")


def render_text(fnt: pygame.font.Font, s: str, colour, bold: bool = False) -> pygame.Surface:
    """Render a line with ``fnt``; characters it lacks come from the first fallback font that has
    them, so arrows, Arabic or Georgian names never show as empty boxes."""
    main = FONT_BOLD if bold else FONT_REGULAR
    if all(_has_glyph(main, ch) for ch in s):
        return fnt.render(s, True, colour)
    size = fnt.get_height()
    runs: list[tuple[pygame.font.Font, str]] = []
    for ch in s:
        use = fnt
        if not _has_glyph(main, ch):
            path = _script_font(ch, bold)
            if path is not None:
                use = _fallback_size(fnt, path)
        if ch == " " and runs and runs[-1][0] is not fnt:   # a space inside a right-to-left name stays in it
            use = runs[-1][0]
        if runs and runs[-1][0] is use:
            runs[-1] = (use, runs[-1][1] + ch)
        else:
            runs.append((use, ch))
    images = [f.render(t, True, colour) for f, t in runs]
    out = pygame.Surface((sum(im.get_width() for im in images), size), pygame.SRCALPHA)
    x = 0
    for (f, _), im in zip(runs, images):
        # align baselines: a fallback font's taller line box is trimmed to the line's
        out.blit(im, (x, fnt.get_ascent() - f.get_ascent()))
        x += im.get_width()
    return out


def _fallback_size(fnt: pygame.font.Font, path: str) -> pygame.font.Font:
    """The fallback font at the UI font's nominal size (its glyphs then match the line's letters)."""
    ratio = _font(20, False).get_height() / 20.0        # line height per point of the UI font
    return _fallback(path, max(6, int(round(fnt.get_height() / ratio))))


def font(size: int, bold: bool = False) -> pygame.font.Font:
    return _font(max(8, px(size)), bold)


class Palette:
    """Colours of the situation-room look; ``colourblind`` swaps to the Okabe-Ito set."""

    bg = (13, 18, 24)
    panel = (22, 30, 40)
    panel2 = (29, 40, 52)
    border = (48, 62, 78)
    text = (230, 236, 242)
    muted = (139, 155, 171)
    faint = (90, 104, 120)
    accent = (212, 167, 58)      # CSTO gold
    blue = (63, 142, 200)
    support = (58, 166, 117)
    abstain = (217, 161, 59)
    oppose = (217, 83, 79)
    info = (120, 170, 220)
    warning = (217, 161, 59)
    critical = (217, 83, 79)
    series = [(217, 83, 79), (63, 142, 200), (58, 166, 117), (212, 167, 58), (155, 89, 182)]

    def __init__(self, colourblind: bool = False):
        self.colourblind = colourblind
        if colourblind:
            self.support = (0, 114, 178)
            self.abstain = (230, 159, 0)
            self.oppose = (213, 94, 0)
            self.critical = (213, 94, 0)
            self.warning = (230, 159, 0)
            self.series = [(213, 94, 0), (0, 114, 178), (0, 158, 115), (230, 159, 0), (204, 121, 167)]

    def position(self, pos: str):
        return {"support": self.support, "abstain": self.abstain, "oppose": self.oppose}.get(pos, self.faint)

    def severity(self, sev: str):
        return {"critical": self.critical, "warning": self.warning}.get(sev, self.info)


def hex_colour(value: str | None, default=(120, 120, 120)):
    try:
        return tuple(pygame.Color(value))[:3] if value else default
    except (ValueError, TypeError):
        return default


def wrap(text: str, fnt: pygame.font.Font, width: int) -> list[str]:
    """Greedy word wrap; keeps explicit newlines."""
    out: list[str] = []
    for para in str(text).split("\n"):
        words, line = para.split(" "), ""
        for w in words:
            trial = w if not line else f"{line} {w}"
            if fnt.size(trial)[0] <= width or not line:
                line = trial
            else:
                out.append(line)
                line = w
        out.append(line)
    return out


ELLIPSIS = "…"
TEXT_LOG: list | None = None     # when a list (tests), every string drawn by text, paragraph and chip is added


def _logged(s: str) -> str:
    if TEXT_LOG is not None:
        TEXT_LOG.append(s)
    return s


def fit(s: str, fnt, width: int) -> str:
    """``s`` if it fits in ``width`` pixels in ``fnt``, else cut at a word (or letter) with an ellipsis."""
    s = str(s)
    if width <= 0 or fnt.size(s)[0] <= width:
        return s
    lo, hi = 0, len(s)
    while lo < hi:              # the longest prefix that fits with the ellipsis
        mid = (lo + hi + 1) // 2
        if fnt.size(s[:mid].rstrip() + ELLIPSIS)[0] <= width:
            lo = mid
        else:
            hi = mid - 1
    cut = s[:lo]
    space = cut.rfind(" ")
    if space >= max(1, lo * 2 // 3):  # end at a word when that loses little
        cut = cut[:space]
    return cut.rstrip(" ,;:·-–") + ELLIPSIS


def text(surface, s: str, pos, size=14, colour=(230, 236, 242), bold=False, anchor="topleft",
         max_width: int | None = None) -> pygame.Rect:
    """One line of text; with ``max_width`` a longer text is cut with an ellipsis."""
    fnt = font(size, bold)
    s = _logged(fit(s, fnt, max_width) if max_width is not None else str(s))
    img = render_text(fnt, s, colour, bold)
    r = img.get_rect(**{anchor: pos})
    surface.blit(img, r)
    return r


def paragraph(surface, s: str, x: int, y: int, width: int, size=14, colour=(230, 236, 242),
              bold=False, spacing=1.25) -> int:
    """Draw wrapped text; returns the y below it."""
    _logged(str(s))
    fnt = font(size, bold)
    lh = int(fnt.get_linesize() * spacing / 1.25)
    for line in wrap(s, fnt, width):
        if line:
            surface.blit(render_text(fnt, line, colour, bold), (x, y))
        y += lh
    return y


def paragraph_height(s: str, width: int, size=14, bold=False, spacing=1.25) -> int:
    fnt = font(size, bold)
    return len(wrap(s, fnt, width)) * int(fnt.get_linesize() * spacing / 1.25)


def chip(surface, s: str, pos, colour, size=12, fg=(255, 255, 255)) -> pygame.Rect:
    fnt = font(size, True)
    img = render_text(fnt, _logged(str(s)), fg, True)
    r = pygame.Rect(pos, (img.get_width() + px(14), img.get_height() + px(4)))
    pygame.draw.rect(surface, colour, r, border_radius=r.height // 2)
    surface.blit(img, img.get_rect(center=r.center))
    return r


def card(surface, rect, pal: Palette, accent=None, fill=None) -> None:
    pygame.draw.rect(surface, fill or pal.panel2, rect, border_radius=px(6))
    pygame.draw.rect(surface, pal.border, rect, 1, border_radius=px(6))
    if accent:
        pygame.draw.rect(surface, accent, (rect[0], rect[1] + px(6), px(3), rect[3] - px(12)))


def fmt_num(v: float) -> str:
    v = float(v)
    if abs(v) >= 1e6:
        return f"{v / 1e6:.1f}M"
    if abs(v) >= 1e4:
        return f"{v / 1e3:.0f}k"
    return f"{v:,.0f}"


def line_chart(surface, rect, pal: Palette, title: str, series: list[tuple[str, list[float], tuple]],
               labels: list[str], fmt=fmt_num, band: tuple[float, float, str] | None = None) -> None:
    """A small line chart with axes, gridlines, end labels and an optional historical band."""
    rect = pygame.Rect(rect)
    card(surface, rect, pal)
    text(surface, title, (rect.x + px(12), rect.y + px(8)), 14, pal.text, bold=True)
    plot = pygame.Rect(rect.x + px(56), rect.y + px(36), rect.w - px(72), rect.h - px(64))
    values = [v for _, vs, _ in series for v in vs]
    if band:
        values += [band[0], band[1]]
    if not values or plot.w < 10 or plot.h < 10:
        return
    vmax = max(values) or 1.0
    top = _nice(vmax)
    for i in range(5):
        y = plot.bottom - plot.h * i / 4
        pygame.draw.line(surface, pal.border, (plot.x, y), (plot.right, y), 1)
        text(surface, fmt(top * i / 4), (plot.x - px(6), y), 11, pal.muted, anchor="midright")
    n = max(len(labels), 2)
    if band:
        y0, y1 = plot.bottom - plot.h * band[0] / top, plot.bottom - plot.h * band[1] / top
        band_rect = pygame.Rect(plot.x, y1, plot.w, max(2, y0 - y1))
        s = pygame.Surface(band_rect.size, pygame.SRCALPHA)
        s.fill((*pal.accent, 40))
        surface.blit(s, band_rect)
        text(surface, band[2], (plot.x + px(6), band_rect.y + px(2)), 11, pal.accent, anchor="topleft")
    for name, vs, col in series:
        if not vs:
            continue
        pts = [(plot.x + plot.w * i / (n - 1), plot.bottom - plot.h * v / top) for i, v in enumerate(vs)]
        if len(pts) > 1:
            pygame.draw.aalines(surface, col, False, pts)
            pygame.draw.lines(surface, col, False, pts, max(2, px(2)))
        pygame.draw.circle(surface, col, pts[-1], px(3))
    # x labels: first, middle, last
    for i in sorted({0, (len(labels) - 1) // 2, len(labels) - 1}):
        if 0 <= i < len(labels):
            x = plot.x + plot.w * i / (n - 1)
            text(surface, labels[i], (x, plot.bottom + px(6)), 11, pal.muted, anchor="midtop")
    # legend
    lx = rect.right - px(12)
    for name, _, col in reversed(series):
        r = text(surface, name, (lx, rect.y + px(10)), 11, pal.muted, anchor="topright")
        pygame.draw.rect(surface, col, (r.x - px(14), r.centery - px(2), px(10), px(4)))
        lx = r.x - px(24)


def _nice(v: float) -> float:
    if v <= 0:
        return 1.0
    e = 10 ** math.floor(math.log10(v))
    for m in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if m * e >= v:
            return m * e
    return 10 * e


def pretty_date(iso: str) -> str:
    import datetime as dt
    try:
        d = dt.date.fromisoformat(str(iso))
    except ValueError:
        return str(iso)
    return f"{d.day} {d.strftime('%B')} {d.year}"


def short_date(iso: str) -> str:
    import datetime as dt
    try:
        d = dt.date.fromisoformat(str(iso))
    except ValueError:
        return str(iso)
    return f"{d.day} {d.strftime('%b')}"


def esc(s) -> str:
    return str(s).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def hfont(s: str, size: int = 14, colour: str = "#E6ECF2", bold: bool = False) -> str:
    """HTML for a pygame_gui text box: ``s`` (already escaped) at a scaled pixel size."""
    inner = f"<b>{s}</b>" if bold else s
    return f"<font pixel_size={px(size)} color='{colour}'>{inner}</font>"
