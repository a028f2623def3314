"""What if? in many runs: from the debrief, change one decision of the game just played, play the
crisis 1,000 (or 10,000) times from that day with the change and as many times without it, and
show the distributions beside the game's own outcome.

The runs are a batch (game/engine/batch.py) branched from the game's save at the change's turn,
with the computer in every seat; both sides have the same seed, so up to the change they are the
same runs. They are played in a background thread: the window stays responsive, a progress bar
moves, and Close stops waiting (the thread finishes on its own and is forgotten).
"""
from __future__ import annotations

import threading

import pygame

from game.ui import widgets
from game.ui.screens.council import outcome_colour
from game.ui.screens.dialogs import Dialog
from game.ui.widgets import fmt_num, px

RUN_CHOICES = (1_000, 10_000)


class ManyRuns:
    """The two batches of a ``many_runs.plan`` played in a thread; ``progress`` 0..1, then ``result`` =
    (without, with) BatchResults and ``view`` their ManyRunsView, or ``error`` a sentence."""

    def __init__(self, game, ref: str, change, runs: int, seed: int = 0, keep_recorded: bool = False):
        from game.many_runs import plan
        self.game, self.runs = game, runs
        self.plan = plan(game, ref, change, runs, seed, keep_recorded)   # BatchError for an impossible change
        self.progress, self.result, self.view, self.error = 0.0, None, None, None
        self.thread = threading.Thread(target=self._work, name="what-if runs", daemon=True)

    def start(self) -> "ManyRuns":
        self.thread.start()
        return self

    def _work(self) -> None:
        from game.many_runs import play, summarise
        try:
            result = play(self.plan, progress=self._tick)
            self.view = summarise(self.game, self.plan, *result)
            self.result = result
        except Exception as exc:  # shown in the dialog, never a crash of the window
            self.error = f"{type(exc).__name__}: {exc}"
        self.progress = 1.0

    def _tick(self, fraction: float) -> None:
        self.progress = min(fraction, 0.999)

    @property
    def done(self) -> bool:
        return self.result is not None or self.error is not None

    def wait(self) -> None:
        self.thread.join()


class ManyRunsDialog(Dialog):
    name = "whatif_runs"
    width, height = 1180, 820

    def __init__(self, app):
        super().__init__(app)
        from game.many_runs import suggestions
        self.ideas = suggestions(app.session.game, limit=5)
        self.choice = 0
        self.runs = RUN_CHOICES[0]
        self.keep_recorded = False
        self.job: ManyRuns | None = None
        self.exported: str | None = None        # where "Add to the report" wrote the report

    # --- widgets --------------------------------------------------------------------------
    def build(self) -> None:
        r = self.card()
        c = self.panel
        self.label((px(24), px(14), r.w - px(300), px(34)), "What if? — many runs", "h2", container=c)
        ready = self.job is not None and self.job.view is not None
        self.button((r.w - px(24) - px(240), px(14), px(240), px(40)), "Add to the report", self.export,
                    oid="whatif_runs_report", container=c, enabled=ready,
                    tip="Write the after-action report of this game with these runs in it (HTML, next to the saves)")
        note = (f"Report written to {self.exported}" if self.exported else
                "Change one decision, then play the crisis on from that day with the change and without it.")
        self.note = self.label((px(24), px(50), r.w - px(48), px(26)), note, "muted", container=c,
                               oid="whatif_runs_note")
        y = px(84)
        if not self.ideas:
            self.label((px(24), y, r.w - px(48), px(30)), "No request reached a decision in this game: nothing to change.",
                       container=c)
        busy = self.job is not None and not self.job.done
        for i, change in enumerate(self.ideas):
            self.button((px(24), y, r.w - px(48), px(34)), change.question, lambda i=i: self.pick(i),
                        oid=f"whatif_runs_{i}", cls="primary" if i == self.choice else None, container=c,
                        enabled=not busy,
                        tip=f"Same as: python main.py batch SAVE --from-turn {change.turn} {change.spec}")
            y += px(38)
        self.top = y + px(6)
        bx = r.w - px(24)
        self.button((bx - px(120), r.h - px(56), px(120), px(40)), "Close", self.app.pop, oid="whatif_runs_close",
                    container=c, tip="Back to the debrief (Esc)")
        self.button((bx - px(300), r.h - px(56), px(170), px(40)), "Play the runs", self.run, oid="whatif_runs_go",
                    cls="primary", container=c, enabled=bool(self.ideas) and not busy,
                    tip="Play both sets of runs in the background (the window stays usable)")
        x = px(24)
        for n in RUN_CHOICES:
            self.button((x, r.h - px(56), px(150), px(40)), f"{n:,} runs each", lambda n=n: self.set_runs(n),
                        oid=f"whatif_runs_n{n}", cls="primary" if n == self.runs else None, container=c,
                        enabled=not busy, tip=f"{n:,} runs with the change and {n:,} without it")
            x += px(160)
        if self.app.session.game.humans:
            x += px(20)
            for keep, text, tip in ((False, "Your seats: the computer", "From that day the computer plays every seat"),
                                    (True, "Your seats: your moves", "Your recorded moves from that day are kept "
                                     "(where they are still possible); the computer plays on after your last turn")):
                self.button((x, r.h - px(56), px(232), px(40)), text, lambda k=keep: self.set_keep(k),
                            oid=f"whatif_runs_keep_{int(keep)}", cls="primary" if keep == self.keep_recorded else None,
                            container=c, enabled=not busy, tip=tip)
                x += px(240)

    def set_keep(self, keep: bool) -> None:
        self.keep_recorded = keep
        self.build_root()

    def pick(self, i: int) -> None:
        self.choice = i
        self.build_root()

    def set_runs(self, n: int) -> None:
        self.runs = n
        self.build_root()

    def run(self) -> None:
        from game.engine.batch import BatchError
        if not self.ideas or (self.job is not None and not self.job.done):
            return
        s = self.app.session
        try:
            self.job = ManyRuns(s.game, str(getattr(s, "ref", "") or s.game.scenario.id), self.ideas[self.choice],
                                self.runs, seed=s.game.seed, keep_recorded=self.keep_recorded).start()
        except BatchError as exc:
            self.app.message("The what-if cannot be played", str(exc))
            return
        self.build_root()

    def export(self) -> None:
        """The after-action report with these runs in it, into the saves folder; where it went is shown."""
        from game.report import export_report
        from game.ui.saves import saves_dir
        from game.ui.screens.debrief import _notes
        if self.job is None or self.job.view is None:
            return
        game = self.app.session.game
        try:
            path = export_report(game, saves_dir(), notes=_notes(game), many_runs=self.job.view)
        except OSError as exc:
            self.app.message("The report could not be written", str(exc))
            return
        self.exported = str(path)
        self.app.toast(f"Report written: {path.name}", "info")
        self.build_root()

    def update(self, dt: float) -> None:
        if self.job is not None and self.job.done and getattr(self, "_shown", None) is not self.job:
            self._shown = self.job
            self.build_root()                  # buttons usable again

    # --- drawing --------------------------------------------------------------------------
    def draw_over(self, surface) -> None:
        if self.root is None or not hasattr(self, "panel"):
            return
        card = self.panel.rect
        area = pygame.Rect(card.x + px(24), card.y + self.top, card.w - px(48), card.h - self.top - px(72))
        pal = self.app.palette
        job = self.job
        if job is None:
            widgets.paragraph(surface, "Pick a change and the number of runs, then Play the runs. Each run is a whole "
                              "game from that day with the computer in every seat; the runs without the change start "
                              "from the same day with the same luck, so the difference is the change's.", area.x,
                              area.y + px(8), min(area.w, px(900)), 14, pal.muted)
            return
        if not job.done:
            self._draw_progress(surface, area, pal, job)
            return
        if job.error:
            widgets.paragraph(surface, f"The runs could not be played: {job.error}", area.x, area.y, area.w, 14, pal.oppose)
            return
        draw_results(surface, area, pal, job.view)

    def _draw_progress(self, surface, area, pal, job) -> None:
        bar = pygame.Rect(area.x, area.y + px(20), area.w, px(22))
        pygame.draw.rect(surface, pal.panel2, bar, border_radius=px(6))
        fill = bar.copy()
        fill.w = max(px(6), int(bar.w * job.progress))
        pygame.draw.rect(surface, pal.accent, fill, border_radius=px(6))
        pygame.draw.rect(surface, pal.border, bar, 1, border_radius=px(6))
        widgets.text(surface, f"Playing {2 * job.runs:,} runs… {job.progress:.0%}", (bar.x, bar.bottom + px(8)), 14,
                     pal.text)


def draw_results(surface, area: pygame.Rect, pal, view) -> None:
    """A ManyRunsView: the outcome shares of the body whose decision changed (without and with the change,
    and this game's own decision), troops, the reasons, and the distributions of deaths and displacement."""
    x, y = area.x, area.y
    day = view.day
    seats = "YOUR RECORDED MOVES KEPT" if view.keep_recorded else "THE COMPUTER IN EVERY SEAT"
    widgets.text(surface, f"FROM {day.day} {day.strftime('%B').upper()} {day.year}: {view.runs:,} RUNS EACH, {seats}, "
                 f"{view.seconds:.1f} S", (x, y), 12, pal.muted, bold=True)
    y += px(24)
    if view.applied < 1:
        why = "; ".join(f"{reason} ({share:.0%})" for reason, share in view.refusals) or "refused"
        y = widgets.paragraph(surface, f"The change could be made in {view.applied:.0%} of the runs only: {why}.",
                              x, y, area.w, 13, pal.oppose) + px(6)
    # outcome shares of the body: two stacked bars
    label_w = px(150)
    bar_w = area.w - label_w - px(150)
    widgets.text(surface, f"What {view.body_name} decided (share of runs)", (x, y), 15, pal.text, bold=True)
    y += px(26)
    for k, label in enumerate(("without the change", "with the change")):
        widgets.text(surface, label, (x, y + px(4)), 13, pal.muted)
        left = x + label_w
        for outcome, *share in view.shares:
            if not share[k]:
                continue
            seg = pygame.Rect(left, y, max(1, int(round(share[k] * bar_w))), px(26))
            pygame.draw.rect(surface, outcome_colour(outcome, pal), seg)
            if seg.w > px(70):
                widgets.text(surface, f"{outcome.replace('_', ' ')} {share[k]:.0%}", (seg.x + px(6), seg.y + px(5)),
                             12, (255, 255, 255), bold=True, max_width=seg.w - px(10))
            left += seg.w
        widgets.text(surface, f"troops in {view.troops[k]:.0%}", (x + label_w + bar_w + px(12), y + px(4)), 13,
                     pal.text)
        y += px(32)
    if view.this_game:
        outcome, date = view.this_game
        widgets.text(surface, f"This game: {outcome.replace('_', ' ')} on {widgets.short_date(date)}",
                     (x + label_w, y), 13, pal.accent, bold=True)
    y += px(26)

    def reasons(k):
        return ", ".join(f"{widgets_label(c)} {r[k]:.0%}" for c, *r in view.reasons if r[k]) or "none"
    y = widgets.paragraph(surface, f"Decisive reasons without the change: {reasons(0)}.  With it: {reasons(1)}.",
                          x, y, area.w, 13, pal.muted) + px(10)
    n = len(view.figures)
    chart_w = (area.w - (n - 1) * px(24)) // n
    chart_h = max(px(140), area.bottom - y - px(8))
    for i, dist in enumerate(view.figures):
        _histograms(surface, pygame.Rect(x + i * (chart_w + px(24)), y, chart_w, chart_h), pal, dist)


def widgets_label(code: str) -> str:
    from game.engine.positions import REASON_LABELS
    return REASON_LABELS.get(code, code.replace("_", " "))


def _histograms(surface, rect, pal, dist) -> None:
    """Two outlined histograms of a figure's Distribution (without / with the change) and this game's value."""
    widgets.card(surface, rect, pal)
    widgets.text(surface, dist.title, (rect.x + px(12), rect.y + px(8)), 14, pal.text, bold=True)
    widgets.text(surface, f"median {fmt_num(dist.quantiles_without[1])} without, "
                 f"{fmt_num(dist.quantiles_with[1])} with the change", (rect.x + px(12), rect.y + px(28)), 12, pal.muted)
    plot = pygame.Rect(rect.x + px(12), rect.y + px(52), rect.w - px(24), rect.h - px(80))
    lo, hi, mine = dist.edges[0], dist.edges[-1], dist.this_game
    counts = [dist.without, dist.with_change]
    top = max(max(c) for c in counts) or 1.0
    colours = (pal.blue, pal.series[0])
    for c, colour in zip(counts, colours):
        pts = []
        for k, share in enumerate(c):
            x0 = plot.x + int(plot.w * k / len(c))
            x1 = plot.x + int(plot.w * (k + 1) / len(c))
            yy = plot.bottom - int(plot.h * share / top)
            pts += [(x0, yy), (x1, yy)]
        pygame.draw.lines(surface, colour, False, [(plot.x, plot.bottom)] + pts + [(plot.right, plot.bottom)], px(2))
    mx = plot.x + int(plot.w * (mine - lo) / (hi - lo))
    pygame.draw.line(surface, pal.accent, (mx, plot.y), (mx, plot.bottom), px(2))
    widgets.text(surface, f"this game {fmt_num(mine)}", (min(mx + px(4), plot.right - px(110)), plot.y), 12, pal.accent,
                 bold=True)
    pygame.draw.line(surface, pal.border, (plot.x, plot.bottom), (plot.right, plot.bottom))
    widgets.text(surface, fmt_num(lo), (plot.x, plot.bottom + px(4)), 11, pal.muted)
    widgets.text(surface, fmt_num(hi), (plot.right, plot.bottom + px(4)), 11, pal.muted, anchor="topright")
    lx = plot.x + plot.w // 2 - px(110)
    for label, colour in (("without", colours[0]), ("with the change", colours[1])):
        pygame.draw.line(surface, colour, (lx, plot.bottom + px(12)), (lx + px(18), plot.bottom + px(12)), px(3))
        r = widgets.text(surface, label, (lx + px(22), plot.bottom + px(4)), 11, pal.muted)
        lx = r.right + px(14)
