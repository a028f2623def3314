"""Line charts as inline SVG for the printable report: no library, no external file, no script.

``line_chart`` returns one ``<svg>`` element (a string) that scales to the width of its box and
prints sharply. Series are drawn in a colour-blind-safe palette (Okabe and Ito); a second game
(a branch) is drawn dashed. A historical range is a shaded band with its label.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

#: Okabe–Ito: distinguishable with every common colour-vision deficiency, and in grey print.
PALETTE = ("#D55E00", "#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")


@dataclass
class Series:
    name: str
    values: list[float]
    colour: str
    dashed: bool = False


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high] (1, 2, 2.5 or 5 times a power of ten apart)."""
    if not math.isfinite(low) or not math.isfinite(high):
        return [0.0, 1.0]
    if high <= low:
        high = low + (abs(low) or 1.0)
    raw = (high - low) / max(1, count - 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    start = math.floor(low / step) * step
    ticks, v = [], start
    while v < high + step * 0.999:
        ticks.append(round(v, 10))
        v += step
    return ticks


def fmt_tick(v: float, fraction: bool) -> str:
    if fraction:
        return f"{v:.2f}"
    a = abs(v)
    if a >= 1e6:
        return f"{v / 1e6:.1f}".rstrip("0").rstrip(".") + "M"
    if a >= 1e4:
        return f"{v / 1e3:.0f}k"
    if a >= 1e3:
        return f"{v / 1e3:.1f}".rstrip("0").rstrip(".") + "k"
    return f"{v:.0f}" if v == int(v) else f"{v:.1f}"


def line_chart(title: str, labels: list[str], series: list[Series], band: tuple | None = None,
               fraction: bool = False, width: int = 560, height: int = 250) -> str:
    """One chart: ``labels`` along the bottom (one per point), ``series`` as lines, ``band`` =
    (low, high, label) shaded across the whole width. ``fraction`` fixes the axis to 0..1."""
    left, right, top, bottom = 52, 12, 30, 46
    legend, lx, row = [], left, 0              # the legend under the axis, wrapped to the width
    for s in series:
        w = 40 + 6.2 * len(s.name)
        if lx + w > width - right and lx > left:
            lx, row = left, row + 1
        legend.append((s, lx, row))
        lx += w
    height += 16 * row
    pw, ph = width - left - right, height - top - bottom - 16 * row
    values = [v for s in series for v in s.values if v is not None and math.isfinite(v)]
    if fraction:
        lo, hi = 0.0, 1.0
    else:
        lo = 0.0
        hi = max(values + ([band[1]] if band else []) + [1.0])
    ticks = nice_ticks(lo, hi)
    lo, hi = ticks[0], ticks[-1]
    n = max(len(labels), 1)

    def x(i: int) -> float:
        return left + (pw * i / (n - 1) if n > 1 else pw / 2)

    def y(v: float) -> float:
        return top + ph - (ph * (v - lo) / (hi - lo) if hi > lo else 0)

    out = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
           f'xmlns="http://www.w3.org/2000/svg" font-family="sans-serif">',
           f'<title>{escape(title)}</title>',
           f'<text x="{left}" y="18" font-size="14" font-weight="bold" fill="#111">{escape(title)}</text>']
    if band is not None:
        b_lo, b_hi, b_label = band
        y1, y2 = y(min(max(b_hi, lo), hi)), y(min(max(b_lo, lo), hi))
        out.append(f'<rect x="{left}" y="{y1:.1f}" width="{pw}" height="{max(y2 - y1, 1.5):.1f}" '
                   f'fill="#999" fill-opacity="0.22"/>')
        out.append(f'<text x="{left + pw - 4}" y="{y1 + 12:.1f}" font-size="10" text-anchor="end" '
                   f'fill="#444">{escape(b_label)}</text>')
    for t in ticks:
        ty = y(t)
        out.append(f'<line x1="{left}" y1="{ty:.1f}" x2="{left + pw}" y2="{ty:.1f}" stroke="#ddd" stroke-width="1"/>')
        out.append(f'<text x="{left - 6}" y="{ty + 4:.1f}" font-size="10" text-anchor="end" fill="#333">'
                   f'{escape(fmt_tick(t, fraction))}</text>')
    out.append(f'<line x1="{left}" y1="{top + ph}" x2="{left + pw}" y2="{top + ph}" stroke="#555" stroke-width="1"/>')
    step = max(1, math.ceil(n / 8))
    for i, lab in enumerate(labels):
        if i % step == 0 or i == n - 1:
            if i == n - 1 and i % step and (n - 1) % step < step / 2 and n > 1:
                continue                       # too close to the last regular label
            anchor = "end" if i == n - 1 and n > 1 else "middle"      # the last label stays inside the box
            out.append(f'<text x="{x(i) + (4 if anchor == "end" else 0):.1f}" y="{top + ph + 14}" font-size="10" '
                       f'text-anchor="{anchor}" fill="#333">{escape(lab)}</text>')
    for s in series:
        pts = [(x(i), y(v)) for i, v in enumerate(s.values) if v is not None and math.isfinite(v)]
        if not pts:
            continue
        dash = ' stroke-dasharray="6 4"' if s.dashed else ""
        if len(pts) == 1:
            out.append(f'<circle cx="{pts[0][0]:.1f}" cy="{pts[0][1]:.1f}" r="3" fill="{s.colour}"/>')
        else:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py in pts)
            out.append(f'<polyline points="{path}" fill="none" stroke="{s.colour}" stroke-width="2.2"'
                       f' stroke-linejoin="round"{dash}/>')
    for s, lx, row in legend:
        dash = ' stroke-dasharray="6 4"' if s.dashed else ""
        ly = top + ph + 32 + 16 * row
        out.append(f'<line x1="{lx:.1f}" y1="{ly - 4}" x2="{lx + 22:.1f}" y2="{ly - 4}" stroke="{s.colour}" '
                   f'stroke-width="2.5"{dash}/>')
        out.append(f'<text x="{lx + 27:.1f}" y="{ly}" font-size="11" fill="#111">{escape(s.name)}</text>')
    out.append("</svg>")
    return "".join(out)
