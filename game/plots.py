"""Pictures of a batch and of a sweep, drawn with matplotlib (an optional extra: ``.[plot]``).

matplotlib is imported only here and only when a picture is asked for; without it the commands
say how to install it. The Agg backend draws to a PNG without a display.
"""
from __future__ import annotations

import numpy as np

PLOT_MISSING = ('matplotlib is not installed; it draws --plot pictures and is an optional extra: '
                'pip install -e ".[plot]" (or pip install matplotlib)')
COLOURS = {"no_request": "#bdbdbd", "no_session": "#969696", "declined": "#737373", "refused": "#525252",
           "statement": "#c6dbef", "consultations": "#9ecae1", "fact_finding_mission": "#6baed6",
           "mediation": "#4292c6", "logistics_support": "#fdae6b", "peacekeeping": "#e6550d",
           "collective_defence": "#a63603"}


class PlotError(RuntimeError):
    """matplotlib is missing (the message says how to install it)."""


def require_matplotlib():
    try:
        import matplotlib
        matplotlib.use("Agg", force=True)
        import matplotlib.pyplot as plt
    except ImportError:
        raise PlotError(PLOT_MISSING) from None
    return plt


def _histogram_values(result, name: str):
    """(values, weights) of a figure for a histogram: the runs themselves, or the fine histogram."""
    if result.per_run is not None:
        return result.figure(name), None
    from game.engine.batch import _edges
    i = result.figures.index(name)
    edges = _edges(name)
    counts = result.histograms[i, :len(edges) - 1]
    centres = np.where(edges[:-1] > 0, np.sqrt(edges[:-1] * edges[1:]), 0.0)
    keep = counts > 0
    return centres[keep], counts[keep]


def batch_figure(result, path: str) -> None:
    """Outcome shares of each body, troop shares, and histograms of deaths, displaced and refugees."""
    plt = require_matplotlib()
    shares = result.outcome_shares()
    bodies = [b for b in shares if set(shares[b]) != {"no_request"}][:6] or list(shares)[:6]
    fig, axes = plt.subplots(2, 2, figsize=(12, 8))
    ax = axes[0, 0]
    for y, body in enumerate(bodies):
        left = 0.0
        for outcome, share in sorted(shares[body].items(), key=lambda kv: _order(kv[0])):
            ax.barh(y, share, left=left, color=COLOURS.get(outcome, "#999999"), edgecolor="white",
                    label=outcome.replace("_", " "))
            if share >= 0.08:
                ax.text(left + share / 2, y, f"{share:.0%}", ha="center", va="center", fontsize=8)
            left += share
    ax.set_yticks(range(len(bodies)), bodies)
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of runs (the strongest outcome each body reached)")
    handles, labels = ax.get_legend_handles_labels()
    seen = dict(zip(labels, handles))
    ax.legend(seen.values(), seen.keys(), fontsize=7, loc="lower right", framealpha=0.9)
    ax.set_title("What each body decided")
    for ax, name, title in ((axes[0, 1], "deaths", "Deaths (civilians and soldiers)"),
                            (axes[1, 0], "displaced", "Displaced (peak)"),
                            (axes[1, 1], "refugees", "Refugees (peak)")):
        values, weights = _histogram_values(result, name)
        if len(values) and np.ptp(values) > 0:
            ax.hist(values, bins=40, weights=weights, color="#4c72b0")
        elif len(values):
            ax.bar([float(values[0])], [result.runs], width=max(abs(float(values[0])) * 0.05, 1.0), color="#4c72b0")
        q = result.quantiles(name)
        for v, style in zip(q, (":", "-", ":")):
            ax.axvline(v, color="black", linestyle=style, linewidth=1)
        ax.set_title(f"{title}: median {q[1]:,.0f} (5-95%: {q[0]:,.0f} to {q[2]:,.0f})", fontsize=10)
        ax.set_ylabel("runs")
    fig.suptitle(f"{result.scenario_id}: {result.runs:,} runs, seed {result.seed}", fontsize=12)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def _order(outcome: str) -> int:
    from game.engine.batch import STRENGTH
    return STRENGTH.index(outcome) if outcome in STRENGTH else len(STRENGTH)


def sweep_figure(table: dict, path: str) -> None:
    """Share of runs with each outcome (and with troops) against the grid, one panel per body."""
    plt = require_matplotlib()
    points = table["points"]
    names = list(table["grid"])
    bodies = [b for b in points[0]["outcome_shares"]
              if any(set(p["outcome_shares"].get(b, {})) - {"no_request"} for p in points)][:4]
    bodies = bodies or list(points[0]["outcome_shares"])[:1]
    if len(names) == 1:
        xs = [p["values"][names[0]] for p in points]
        numeric = all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in xs)
        labels = None if numeric else [str(x) for x in xs]
        xs = xs if numeric else list(range(len(points)))
        xlabel = names[0]
    else:
        xs = list(range(len(points)))
        labels = [" / ".join(str(p["values"][n]) for n in names) for p in points]
        xlabel = " / ".join(names)
    fig, axes = plt.subplots(len(bodies), 1, figsize=(10, 3.2 * len(bodies)), squeeze=False)
    for ax, body in zip(axes[:, 0], bodies):
        outcomes = sorted({o for p in points for o in p["outcome_shares"].get(body, {})}, key=_order)
        for o in outcomes:
            ax.plot(xs, [p["outcome_shares"].get(body, {}).get(o, 0.0) for p in points], marker="o",
                    color=COLOURS.get(o, "#999999"), label=o.replace("_", " "))
        ax.plot(xs, [p["troops_share"].get(body, 0.0) for p in points], marker="s", color="black",
                linestyle="--", label="troops sent")
        ax.set_ylim(-0.02, 1.02)
        ax.set_ylabel(f"{body}: share of runs")
        if labels is not None:
            ax.set_xticks(xs, labels, rotation=30 if len(labels) > 6 else 0, fontsize=8)
        ax.legend(fontsize=7, loc="best")
        ax.grid(alpha=0.3)
    axes[-1, 0].set_xlabel(xlabel)
    fig.suptitle(f"{table['scenario']}: {table['runs']:,} runs per point, seed {table['seed']}", fontsize=12)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
