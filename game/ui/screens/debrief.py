"""The debrief: assessments, charts over time, the decision timeline with votes, and the history."""
from __future__ import annotations

import pygame

from game.engine.positions import REASON_LABELS
from game.ui import widgets
from game.ui.screens.council import STAGE_NAMES, outcome_colour
from game.ui.widgets import fmt_num, px

from game.ui.screens.base import Screen


class DebriefScreen(Screen):
    name = "debrief"

    def __init__(self, app):
        super().__init__(app)
        self.session = app.session
        self._img = None

    def build(self) -> None:
        W, H = self.app.size
        m = px(32)
        # the debrief is one picture, drawn straight onto the window and scrolled here (a pygame_gui
        # image in a scrolling container kept two more copies of it)
        self.box = pygame.Rect(m, px(20), W - 2 * m, H - px(20) - px(84) - (px(34) if getattr(self, "exported", None) else 0))
        if self._img is None or self._img.get_width() != self.box.w - px(20):
            self._img = render_debrief(self.session, self.app.palette, self.box.w - px(20))
        self.offset = min(getattr(self, "offset", 0), self._max_offset())
        self.button((m, H - px(66), px(200), px(46)), "Back to title", self.app.to_title, oid="to_title",
                    tip="Return to the title screen (Esc)")
        if getattr(self.session.game, "remote", False):    # a laptop at a network game: the host has the rest
            return
        self.button((W - m - px(220), H - px(66), px(220), px(46)), "Play again", self.again, oid="play_again",
                    cls="primary", tip="Restart this scenario with the same roles")
        self.button((W - m - px(460), H - px(66), px(220), px(46)), "Export report", self.export, oid="export_report",
                    tip="Write a printable after-action report (HTML) next to the saves")
        self.button((W - m - px(700), H - px(66), px(220), px(46)), "What if…", self.what_if, oid="what_if",
                    tip="Change one decision of this game, play on, and compare the two games")
        self.button((W - m - px(940), H - px(66), px(220), px(46)), "What if? Many runs", self.what_if_runs,
                    oid="what_if_runs", tip="Change one decision and play the crisis 1,000 or 10,000 times from "
                    "that day, with and without the change: the distributions beside this game")
        self._path_label()

    def _path_label(self) -> None:
        """Where the exported report was written: the whole path, on its own line above the buttons."""
        if getattr(self, "exported", None):
            W, H = self.app.size
            m = px(32)
            self._path_el = self.label((m, H - px(84) - px(32), W - 2 * m, px(30)),
                                       f"Report written to {self.exported}", oid="report_path")

    def what_if(self) -> None:
        from game.ui.screens.whatif import WhatIfDialog
        self.app.push(WhatIfDialog(self.app, self._what_if_done))

    def what_if_runs(self) -> None:
        from game.ui.screens.whatif_runs import ManyRunsDialog
        self.app.push(ManyRunsDialog(self.app))

    def _what_if_done(self, result) -> None:
        """A branch was played (game/ui/screens/whatif.py): draw the comparison and show its report's path."""
        self.session.whatif = result
        self.exported = result.report
        self._img = None
        self.build_root()

    def export(self) -> None:
        """Write the after-action report (game/report.py) into the saves folder and show where."""
        from game.report import export_report
        from game.ui.saves import saves_dir
        try:
            path = export_report(self.session.game, saves_dir(), notes=_notes(self.session.game))
        except OSError as exc:
            self.app.message("The report could not be written", str(exc))
            return
        self.exported = str(path)
        self.app.toast(f"Report written: {path.name}", "info")
        self.build_root()                  # the picture makes room for the line that shows the path

    def exit(self) -> None:
        super().exit()
        self._img = None

    def _max_offset(self) -> int:
        return max(0, self._img.get_height() - self.box.h) if self._img is not None else 0

    def scroll_by(self, dy: int) -> None:
        self.offset = max(0, min(self._max_offset(), self.offset + dy))

    def draw(self, surface) -> None:
        if self._img is None:
            return
        b = self.box
        surface.blit(self._img, b.topleft, pygame.Rect(0, self.offset, b.w - px(20), b.h))
        total = self._img.get_height()
        if total > b.h:      # a slim scroll bar on the right
            track = pygame.Rect(b.right - px(10), b.y, px(8), b.h)
            pygame.draw.rect(surface, (17, 24, 32), track, border_radius=px(4))
            th = max(px(30), int(b.h * b.h / total))
            ty = b.y + int((b.h - th) * self.offset / max(1, self._max_offset()))
            pygame.draw.rect(surface, (48, 64, 79), (track.x, ty, track.w, th), border_radius=px(4))

    def again(self) -> None:
        s = self.session
        self.app.start_game(s.loaded, s.ref, list(s.seats), s.seed)

    def handle_event(self, event) -> None:
        if event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE:
            self.app.to_title()
        elif event.type == pygame.KEYDOWN and event.key in (pygame.K_DOWN, pygame.K_UP, pygame.K_PAGEDOWN,
                                                            pygame.K_PAGEUP, pygame.K_HOME, pygame.K_END):
            page = self.box.h - px(60)
            self.scroll_by({pygame.K_DOWN: px(60), pygame.K_UP: -px(60), pygame.K_PAGEDOWN: page,
                            pygame.K_PAGEUP: -page, pygame.K_HOME: -10**7, pygame.K_END: 10**7}[event.key])
        elif event.type == pygame.MOUSEWHEEL:
            self.scroll_by(-int(event.y) * px(60))
        elif event.type == pygame.MOUSEBUTTONDOWN and getattr(event, "button", 0) in (4, 5):
            self.scroll_by(px(60) if event.button == 5 else -px(60))


def _notes(game) -> list[str]:
    changed = getattr(game, "scenario_changed", None)
    return [f"Loaded over a changed scenario: {'; '.join(changed)}."] if changed else []


def render_debrief(session, pal, width: int) -> pygame.Surface:
    """The whole debrief as one picture: measured first on a one-pixel strip, then drawn at its height."""
    probe = pygame.Surface((width, 1), pygame.SRCALPHA)
    height = _draw_debrief(probe, session, pal, width)
    surf = pygame.Surface((width, max(1, height)), pygame.SRCALPHA)
    _draw_debrief(surf, session, pal, width)
    return surf


def _draw_debrief(surf, session, pal, width: int) -> int:
    g = session.game
    w = g.world
    sc = w.scenario
    y = 0
    played = g.history[-1].date if g.history else sc.start_date.isoformat()
    widgets.text(surf, "DEBRIEF", (0, y), 13, pal.accent, bold=True)
    y += px(20)
    y = widgets.text(surf, sc.title, (0, y), 32, pal.text, bold=True).bottom + px(2)
    players = ", ".join(w.name(a) for a in w.actor_ids if a in g.humans) or "nobody"
    seed = f"  Seed {g.seed}." if g.seed is not None else ""          # a laptop at a network game has no seed
    y = widgets.paragraph(surf, f"{widgets.pretty_date(sc.start_date.isoformat())} to {widgets.pretty_date(played)}, "
                          f"{len(g.history)} turns.  Played by people: {players}.{seed}", 0, y, width, 14,
                          pal.muted) + px(14)
    # totals against history
    fin = g.final()["totals"]
    hist = sc.history
    cells = [("Deaths", fin["casualties"], getattr(hist, "deaths", None) if hist else None),
             ("Displaced at the peak", fin["peak_displaced"], getattr(hist, "displaced", None) if hist else None),
             ("Refugees at the peak", fin["peak_refugees"], getattr(hist, "refugees", None) if hist else None),
             ("Troops deployed", fin["troops_deployed"], None)]
    cw = (width - px(36)) // 4
    for i, (label, v, rng) in enumerate(cells):
        r = pygame.Rect(i * (cw + px(12)), y, cw, px(96))
        widgets.card(surf, r, pal)
        widgets.text(surf, label.upper(), (r.x + px(14), r.y + px(10)), 11, pal.muted, bold=True)
        widgets.text(surf, fmt_num(v), (r.x + px(14), r.y + px(28)), 26, pal.text, bold=True)
        if rng is not None:
            lo, hi = getattr(rng, "low", None), getattr(rng, "high", None)
            hist_txt = f"history: {fmt_num(lo)}" + (f"–{fmt_num(hi)}" if hi and hi != lo else "") if lo is not None else ""
            widgets.text(surf, hist_txt, (r.x + px(14), r.y + px(68)), 12, pal.accent)
    y += px(116)
    # assessments
    y = _section(surf, "HOW EACH ACTOR FARED", y, pal)
    ass = g.assessment()
    cols = 3 if width > px(1100) else 2
    cw = (width - (cols - 1) * px(12)) // cols
    row_h = 0
    items = sorted(ass.items(), key=lambda kv: (kv[0] not in session.seats, kv[0]))
    for i, (aid, a) in enumerate(items):
        col = i % cols
        if col == 0 and i:
            y += row_h + px(12)
            row_h = 0
        x = col * (cw + px(12))
        h = _assessment_card(surf, pygame.Rect(x, y, cw, 0), aid, a, session, w, pal, draw=False)
        _assessment_card(surf, pygame.Rect(x, y, cw, h), aid, a, session, w, pal, draw=True)
        row_h = max(row_h, h)
    y += row_h + px(24)
    # charts
    y = _section(surf, "OVER TIME", y, pal)
    labels = [widgets.short_date(r.date) for r in g.history]
    chart_w = (width - px(24)) // 3
    chart_h = px(230)
    ind = [r.indicators for r in g.history]
    band_d = _band(hist, "deaths", "history")
    band_p = _band(hist, "displaced", "history")
    widgets.line_chart(surf, (0, y, chart_w, chart_h), pal, "Deaths", [("deaths", [i["casualties"] for i in ind], pal.series[0])],
                       labels, band=band_d)
    widgets.line_chart(surf, (chart_w + px(12), y, chart_w, chart_h), pal, "Displaced and refugees",
                       [("displaced", [i["displaced"] for i in ind], pal.series[3]),
                        ("refugees", [i["refugees"] for i in ind], pal.series[1])], labels, band=band_p)
    widgets.line_chart(surf, (2 * (chart_w + px(12)), y, chart_w, chart_h), pal, "Stability (population-weighted)",
                       [("stability", [i["stability"] for i in ind], pal.series[2]),
                        ("violence (worst region)", [i["violence"] for i in ind], pal.series[0])], labels,
                       fmt=lambda v: f"{v:.2f}")
    y += chart_h + px(24)
    # decision timeline
    y = _section(surf, "DECISIONS", y, pal)
    events = []
    for e in g.log:
        if e.get("by") in ("human", "instructor") and e.get("ok"):
            events.append((e["turn"], 0, "action", e))
    for p in g.decisions():
        events.append((p["turn"], 1, "council", p))
    if not events:
        y = widgets.paragraph(surf, "No request was decided and no player action was taken.", 0, y, width, 14, pal.muted)
    texts = {}
    for rec in g.history:
        for a in rec.phases.get("decisions", {}).get("actions", []):
            if a.get("by") in ("human", "instructor") and a.get("ok"):
                texts.setdefault(rec.turn, []).append(a["text"])
    used: dict[int, int] = {}
    for turn, _, kind, e in sorted(events, key=lambda t: (t[0], t[1])):
        date = widgets.short_date(w.date_of_turn(turn).isoformat())
        widgets.text(surf, date, (0, y + px(2)), 13, pal.muted, bold=True)
        pygame.draw.circle(surf, pal.accent if kind == "council" else pal.blue, (px(74), y + px(11)), px(5))
        x = px(92)
        if kind == "action":
            k = used.get(turn, 0)
            used[turn] = k + 1
            lst = texts.get(turn, [])
            txt = lst[k] if k < len(lst) else e["action"].get("kind", "action").replace("_", " ")
            who = ("Instructor" if e.get("by") == "instructor" else w.name(e["action"].get("actor", "")))
            y = widgets.paragraph(surf, f"{who}: {txt}", x, y, width - x, 13, pal.text) + px(8)
        else:
            body = e["body"]
            title = f"{w.name(e['requested_by'])} asked {'the ' + body if body in w.org_ids else w.name(body)}"
            if e.get("article"):
                title += f" (Article {e['article']})"
            r = widgets.text(surf, title, (x, y), 14, pal.text, bold=True, max_width=width - x - px(200))
            widgets.chip(surf, e["outcome"].replace("_", " ").upper(), (r.right + px(12), y + px(1)),
                         outcome_colour(e["outcome"], pal), 11)
            y += px(24)
            if e.get("summary"):
                y = widgets.paragraph(surf, e["summary"], x, y, width - x, 13, pal.text)
            steps = []
            for st in e["stages"]:
                label = st.get("label") or STAGE_NAMES.get(st["stage"], st["stage"])
                res = st.get("result")
                steps.append(f"{label}: {str(res).replace('_', ' ')}" if res and st["stage"] != "positions" else label)
            if steps:
                y = widgets.paragraph(surf, "  ›  ".join(steps), x, y, width - x, 12, pal.muted) + px(4)
            cx = x
            for aid, pos in e.get("votes", {}).items():
                label = f"{getattr(w.actor(aid), 'short_name', None) or aid}: {pos}"
                cw_ = widgets.font(11, True).size(label)[0] + px(14)
                if cx + cw_ > width:
                    cx, y = x, y + px(22)
                widgets.chip(surf, label, (cx, y), pal.position(pos), 11)
                cx += cw_ + px(6)
            y += px(26)
            vote_reasons = [r for st in e["stages"] if st["stage"] in ("vote", "mandate") for r in st.get("reasons", [])]
            for rr in vote_reasons[-2:]:
                y = widgets.paragraph(surf, rr, x, y, width - x, 12, pal.muted)
            y += px(10)
    y += px(16)
    # history
    y = _section(surf, "WHAT ACTUALLY HAPPENED", y, pal)
    if hist is None:
        y = widgets.paragraph(surf, "This scenario has no historical record.", 0, y, width, 14, pal.muted)
    else:
        if getattr(hist, "summary", None):
            y = widgets.paragraph(surf, " ".join(str(hist.summary).split()), 0, y, min(width, px(1100)), 15, pal.text) + px(12)
        for t in getattr(hist, "timeline", None) or []:
            day = widgets.short_date(str(t.date))
            if t.date.year != sc.start_date.year:      # the record reaches back or forward in time
                day += f" {t.date.year}"
            widgets.text(surf, day, (0, y), 13, pal.accent, bold=True)
            src = f"  [{', '.join(t.sources)}]" if getattr(t, "sources", None) else ""
            y = widgets.paragraph(surf, " ".join(str(t.text).split()) + src, px(92), y, width - px(92), 13, pal.text) + px(6)
        outs = getattr(hist, "outcomes", None) or {}
        if outs:
            y += px(8)
            line = "Historical outcome: " + "; ".join(f"{k}: {str(v).replace('_', ' ')}" for k, v in outs.items())
            game_outs = {}
            for p in g.decisions():
                game_outs[p["body"]] = p["outcome"]
            line2 = "In this game: " + ("; ".join(f"{k}: {v.replace('_', ' ')}" for k, v in game_outs.items())
                                        if game_outs else "no request reached a decision")
            y = widgets.paragraph(surf, line, 0, y, width, 14, pal.accent, bold=True)
            y = widgets.paragraph(surf, line2, 0, y, width, 14, pal.text, bold=True) + px(8)
        for dec in getattr(hist, "decisions", None) or []:
            y += px(6)
            real = " or ".join(o.replace("_", " ") for o in dec.outcome) + (", with troops" if dec.troops else ", no troops")
            when = f" ({widgets.short_date(dec.date.isoformat())})" if dec.date else ""
            why = "; ".join(REASON_LABELS.get(f, f.replace("_", " ")) for f in dec.factors)
            y = widgets.paragraph(surf, f"What {w.phrase(dec.body)} really did: {real}{when}"
                                  + (f" — the sources' reasons: {why}." if why else "."), 0, y, width, 14, pal.accent,
                                  bold=True)
            mine = [p for p in g.decisions() if p["body"] == dec.body]
            if mine:
                last = mine[-1]
                because = "; then ".join(last.get("decisive_text", []))
                line = (f"In this game: {last['outcome'].replace('_', ' ')} on {widgets.short_date(last['date'])}"
                        + (f" — decided by {because}." if because else "."))
            else:
                line = f"In this game nobody asked {w.phrase(dec.body)} to decide."
            y = widgets.paragraph(surf, line, 0, y, width, 14, pal.text, bold=True)
            if dec.note:
                y = widgets.paragraph(surf, " ".join(dec.note.split()), 0, y, width, 13, pal.muted)
        for key in ("deaths", "displaced", "refugees"):
            rng = getattr(hist, key, None)
            if rng is not None and getattr(rng, "note", None):
                y = widgets.paragraph(surf, f"{key.capitalize()}: {rng.note}", 0, y, width, 13, pal.muted)
    y += px(16)
    if getattr(session, "whatif", None) is not None:   # a branch played from this debrief (What if…)
        from game.ui.screens.whatif import draw_comparison
        y = draw_comparison(surf, session.whatif, g, y, width, pal)
    y = _questions(surf, sc, y, width, pal)
    y = _section(surf, "SOURCES", y, pal)
    for s in sc.sources:
        line = f"[{s.id}] {s.title}" + (f" ({s.year})" if getattr(s, "year", None) else "")
        if getattr(s, "url", None):
            line += f" — {s.url}"
        y = widgets.paragraph(surf, line, 0, y, width, 12, pal.muted) + px(2)
    return y + px(20)


def _questions(surf, sc, y: int, width: int, pal) -> int:
    """The scenario's discussion questions (its `teaching:`), the debrief's first, then those asked before
    and during play; and its learning objectives."""
    t = getattr(sc, "teaching", None)
    if t is None or not (t.questions or t.learning_objectives):
        return y
    y = _section(surf, "DISCUSSION QUESTIONS", y, pal)
    groups = [("debrief", "For the debrief"), ("before", "Asked before play"), ("during", "Asked during play")]
    for phase, title in groups:
        qs = [q for q in t.questions if q.phase == phase]
        if not qs:
            continue
        y = widgets.paragraph(surf, title, 0, y, width, 14, pal.accent, bold=True) + px(4)
        for q in qs:
            when = ""
            if q.date_from is not None:
                when = widgets.short_date(q.date_from.isoformat())
                if q.date_to is not None and q.date_to != q.date_from:
                    when += f"–{widgets.short_date(q.date_to.isoformat())}"
                when += ": "
            pygame.draw.circle(surf, pal.accent, (px(8), y + px(11)), px(4))
            y = widgets.paragraph(surf, when + " ".join(q.text.split()), px(24), y, min(width, px(1100)) - px(24), 15,
                                  pal.text) + px(6)
        y += px(8)
    if t.learning_objectives:
        y = widgets.paragraph(surf, "What the session set out to teach", 0, y, width, 14, pal.accent, bold=True) + px(4)
        for o in t.learning_objectives:
            y = widgets.paragraph(surf, "– " + " ".join(o.split()), px(24), y, min(width, px(1100)) - px(24), 13,
                                  pal.muted) + px(4)
    return y + px(16)


def _band(hist, key, label):
    rng = getattr(hist, key, None) if hist else None
    if rng is None or getattr(rng, "low", None) is None:
        return None
    hi = rng.high if getattr(rng, "high", None) is not None else rng.low
    return (float(rng.low), float(hi), label)


def _section(surf, title, y, pal) -> int:
    widgets.text(surf, title, (0, y), 13, pal.accent, bold=True)
    pygame.draw.line(surf, pal.border, (0, y + px(22)), (surf.get_width(), y + px(22)))
    return y + px(34)


def _assessment_card(surf, rect, aid, a, session, w, pal, draw: bool) -> int:
    pad = px(14)
    x, y = rect.x + pad, rect.y + pad
    iw = rect.w - 2 * pad
    if draw:
        colour = widgets.hex_colour(w.actor(aid).colour, pal.faint)
        widgets.card(surf, rect, pal, accent=colour)
        widgets.text(surf, a["name"], (x, y), 16, pal.text, bold=True,
                     max_width=iw - (px(76) if aid in session.seats else 0))
        if aid in session.seats:
            widgets.chip(surf, "PLAYER", (rect.right - pad - px(64), y + px(2)), pal.blue, 11)
    y += px(26)
    score = float(a.get("score", 0))
    if draw:
        bar = pygame.Rect(x, y + px(6), iw - px(60), px(8))
        pygame.draw.rect(surf, pal.panel, bar, border_radius=px(4))
        col = pal.support if score >= 66 else pal.abstain if score >= 33 else pal.oppose
        pygame.draw.rect(surf, col, (bar.x, bar.y, max(3, int(bar.w * score / 100)), bar.h), border_radius=px(4))
        widgets.text(surf, f"{score:.0f}/100", (rect.right - pad, y), 13, pal.text, bold=True, anchor="topright")
    y += px(22)
    verdict = str(a.get("verdict", "")).capitalize()
    y = widgets.paragraph(surf, verdict, x, y, iw, 13, pal.muted) if draw else y + widgets.paragraph_height(verdict, iw, 13)
    y += px(4)
    for o in a.get("objectives", []):
        col = pal.support if o.get("met") else pal.oppose
        if draw:
            pygame.draw.circle(surf, col, (x + px(5), y + px(10)), px(5))
            if not o.get("met"):
                pygame.draw.circle(surf, pal.panel2, (x + px(5), y + px(10)), px(3))
            y = widgets.paragraph(surf, o["description"], x + px(20), y, iw - px(20), 13, pal.text)
        else:
            y += widgets.paragraph_height(o["description"], iw - px(20), 13)
        y += px(2)
    return y - rect.y + pad
