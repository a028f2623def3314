"""The after-action report: one self-contained, printable file (HTML or Markdown) about one game.

``python main.py report SAVE --out report.html`` (or ``--format md``) and the debrief's "Export
report" button write it. It holds, in the order of a debrief: the class's learning objectives, the
outcome at a glance (beside the historical ranges), charts over time, how each actor fared against
its own objectives, the decisions day by day (events, moves, and each council decision with its
stages, every member's position and reasons, and the decisive reasons), the instructor's injects
and adjustments when the game has any, what really happened (with sources), a branch ("what if")
beside the game when one is asked for, the discussion questions and the bibliography.

The HTML has no script and loads nothing: its charts are inline SVG (``game/report_svg.py``) and
its style sheet is in the page, with print rules (A4, headings kept with their text, table rows whole). The Markdown
has the same text, with each chart's figures as a table. Every text from the scenario or the save
is escaped. The same game gives the same bytes (the report carries no time stamp).

The report is built once as a list of sections of plain blocks (headings, paragraphs, lists,
tables, charts), then written by ``render_html`` or ``render_markdown``.
"""
from __future__ import annotations

import datetime as dt
import html
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from game.engine.reasons import REASON_LABELS
from game.report_svg import PALETTE, Series, line_chart

FORMATS = ("html", "md")


# --- the document -----------------------------------------------------------------------------------
@dataclass
class Cell:
    text: str
    cls: str = ""                       # a style hint: support, abstain, oppose, met, unmet, num


@dataclass
class Para:
    text: str
    strong: str = ""                    # a bold lead-in
    cls: str = ""


@dataclass
class Items:
    items: list                         # str, (strong, text) or (strong, text, code)
    ordered: bool = False


@dataclass
class Table:
    header: list[str]
    rows: list[list]                    # str or Cell
    caption: str = ""


@dataclass
class Chart:
    title: str
    labels: list[str]
    series: list[Series]
    band: tuple | None = None
    fraction: bool = False


@dataclass
class Charts:
    """Charts for the HTML; the Markdown shows ``table`` (the same figures) instead."""

    charts: list[Chart]
    table: Table


@dataclass
class Heading:
    text: str
    chip: str = ""                      # an outcome label beside the heading
    chip_cls: str = ""


@dataclass
class Card:
    """A boxed group (one decision); print keeps its heading with what follows and never splits a table row."""

    blocks: list
    cls: str = ""


@dataclass
class Section:
    anchor: str
    title: str
    blocks: list = field(default_factory=list)


@dataclass
class Report:
    title: str
    subtitle: str
    lead: list[str]
    sections: list[Section]


# --- words -------------------------------------------------------------------------------------------
def words(code) -> str:
    return str(code).replace("_", " ") if code is not None else ""


def long_date(day) -> str:
    d = day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day))
    return f"{d.day} {d.strftime('%B')} {d.year}"


def short_date(day) -> str:
    d = day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day))
    return f"{d.day} {d.strftime('%b')}"


def num(v) -> str:
    if v is None:
        return "—"
    v = float(v)
    return f"{v:,.0f}" if abs(v) >= 10 or v == int(v) else f"{v:.2f}"


def fig_range(rng) -> str:
    if rng is None:
        return "—"
    lo, hi = rng.low, rng.high
    return num(lo) if hi is None or hi == lo else f"{num(lo)}–{num(hi)}"


FRACTION_FIGURES = {"violence", "stability", "tension", "border_security", "control"}


def objective_value(obj, value) -> str:
    if obj is None:
        return num(value)
    if obj.figure == "outcome":
        return "reached" if value > 0.5 else "not reached"
    if obj.figure in FRACTION_FIGURES:
        return f"{value:.2f}"
    return num(value)


def objective_target(obj) -> str:
    if obj is None or obj.figure == "outcome":
        if obj is not None and obj.outcome_in:
            return "one of: " + ", ".join(words(o) for o in obj.outcome_in)
        if obj is not None and obj.outcome_not_in:
            return "none of: " + ", ".join(words(o) for o in obj.outcome_not_in)
        return ""
    fmt = (lambda v: f"{v:.2f}") if obj.figure in FRACTION_FIGURES else num
    parts = []
    if obj.at_most is not None:
        parts.append(f"at most {fmt(obj.at_most)}")
    if obj.at_least is not None:
        parts.append(f"at least {fmt(obj.at_least)}")
    return " and ".join(parts)


# --- reading the game --------------------------------------------------------------------------------
def _records(game) -> list:
    """The finished turns, and the current one if it has begun and the game is not over."""
    recs = list(game.history)
    if not game.over:
        cur = game.current
        if cur.phases.get("events", {}).get("items") or cur.phases.get("decisions", {}).get("actions"):
            recs.append(cur)
    return recs


def _events_by_turn(game) -> dict[int, list]:
    from game.cli import event_log
    out: dict[int, list] = {}
    for e in event_log(game):
        out.setdefault(e["turn"], []).append(e)
    return out


def instructor_entries(game) -> list[dict]:
    """The instructor's injects and adjustments: log entries made by the instructor seat, and the
    game's ``audit`` list if it keeps one. Each: turn, what (one sentence)."""
    out = []
    for e in list(getattr(game, "audit", None) or []) + [e for e in game.log if e.get("by") == "instructor"]:
        if not isinstance(e, dict):
            continue
        what = e.get("text") or e.get("description")
        if not what:
            a = e.get("action") if isinstance(e.get("action"), dict) else e
            fields = ", ".join(f"{k} {v}" for k, v in a.items() if k not in ("kind", "turn", "by", "ok", "action"))
            what = words(a.get("kind", "change")) + (f": {fields}" if fields else "")
        out.append({"turn": e.get("turn"), "what": str(what), "kind": words(e.get("kind", ""))})
    return out


def _name(w, aid) -> str:
    try:
        return w.name(aid)
    except Exception:                   # an id the world no longer knows: show it as it is
        return str(aid)


def _short(w, aid) -> str:
    try:
        a = w.actor(aid)
        return getattr(a, "short_name", None) or a.name
    except Exception:
        return _name(w, aid)


def decision_card(game, p: dict, tag: str = "") -> Card:
    """One council decision: who asked whom, the outcome, each stage with its reasons, the members'
    positions at every level considered, and the decisive reasons."""
    w = game.world
    body = p["body"]
    asked = f"the {body}" if body in w.org_ids else _name(w, body)
    title = f"{long_date(p['date'])}: {_name(w, p['requested_by'])} asked {asked}"
    if p.get("article"):
        title += f" (Article {p['article']})"
    blocks: list = [Heading(tag + title, chip=words(p["outcome"]).upper(), chip_cls=_outcome_cls(p["outcome"]))]
    if p.get("summary"):
        blocks.append(Para(p["summary"]))
    facts = []
    if p.get("framing"):
        facts.append(f"framed as {words(p['framing'])}")
    if p.get("reading"):
        facts.append(f"read as {words(p['reading'])}")
    if p.get("legal_cap"):
        facts.append(f"the most the rules in force allowed: {words(p['legal_cap'])}")
    if facts:
        blocks.append(Para("; ".join(facts) + ".", strong="The request: "))
    steps = []
    for st in p.get("stages", []):
        if st.get("stage") == "positions":
            continue
        label = st.get("label") or words(st.get("stage"))
        res = st.get("result")
        head = f"{label}: {words(res)}" if res and st.get("stage") not in ("mandate",) else label
        reasons = " ".join(str(r) for r in st.get("reasons", []))
        steps.append((head + (" — " if reasons else ""), reasons))
    if steps:
        blocks.append(Items(steps, ordered=True))
    positions = [st for st in p.get("stages", []) if st.get("stage") == "positions" and st.get("members")]
    if positions:
        levels = [st.get("level") for st in positions]
        decided = p["outcome"] if p["outcome"] in levels else levels[-1]
        why_stage = next(st for st in positions if st.get("level") == decided)
        members = list(why_stage["members"])
        for st in positions:
            members += [m for m in st["members"] if m not in members]
        changed = {e["action"].get("actor") for e in game.log
                   if e.get("by") == "branch" and e.get("turn", 0) <= p["turn"]} - set(game.humans)
        rows = []
        for m in members:
            info = why_stage["members"].get(m, {})
            by_player = info.get("by") == "player"
            who = " (the changed decision)" if by_player and m in changed else " (player)" if by_player else ""
            row = [_short(w, m) + who]
            for st in positions:
                pos = st["members"].get(m, {}).get("position", "")
                row.append(Cell(pos or "—", pos))
            row.append("as the changed decision set it" if by_player and m in changed else info.get("why", ""))
            rows.append(row)
        blocks.append(Table(["member"] + [words(lv) for lv in levels] + [f"why, at {words(decided)}"], rows))
    if p.get("decisive_text"):
        blocks.append(Para("; then ".join(p["decisive_text"]) + ".", strong="Decisive: "))
    return Card(blocks, cls=_outcome_cls(p["outcome"]))


def _outcome_cls(outcome: str) -> str:
    if outcome in ("peacekeeping", "collective_defence"):
        return "troops"
    if outcome in ("declined", "refused", "no_session"):
        return "no"
    return "measures"


def _timeline(game, start_turn: int = 1, tag: str = "") -> list:
    w = game.world
    events = _events_by_turn(game)
    blocks: list = []
    for rec in _records(game):
        if rec.turn < start_turn:
            continue
        day: list = []
        for e in events.get(rec.turn, []):
            chosen_lines = {f": {c['chosen']}." for c in e.get("choices", []) if c.get("chosen")}
            text = " ".join(n for n in e.get("news", []) if not any(n.endswith(x) for x in chosen_lines))
            for c in e.get("choices", []):
                who = "a person" if c.get("by") == "human" else "the computer"
                chosen = c.get("chosen") or "no answer yet"
                text += f" {_name(w, c['actor'])} ({who}) was asked “{c['prompt']}” and chose: {chosen}."
            day.append((f"Event — {e.get('title') or e['event']}. ", text.strip()))
        moves = [a for a in rec.phases.get("decisions", {}).get("actions", []) if a.get("ok")]
        for by, label in (("branch", "the changed decision"), ("human", "person"), ("default", "left open"),
                          ("ai", "computer")):
            for a in moves:
                if a.get("by", "ai" if by == "ai" else None) == by:
                    day.append((f"{_name(w, a['actor'])} ({label}): ", a.get("text", words(a.get("kind")))))
        for text in rec.phases.get("resolution", {}).get("arrivals", []):
            day.append(("Forces: ", text))
        procs = rec.phases.get("councils", {}).get("procedures", [])
        if not day and not procs:
            continue
        unfinished = "" if rec in game.history else " (this turn was not finished)"
        blocks.append(Heading(f"{long_date(rec.date)} — turn {rec.turn}{unfinished}"))
        if day:
            blocks.append(Items(day))
        for p in procs:
            blocks.append(decision_card(game, p, tag))
    return blocks


# --- building the report -----------------------------------------------------------------------------
@dataclass
class BranchView:
    """A branch beside the game: the branch game and how it was made (see game/engine/branch.py)."""

    game: object
    turn: int
    describe: str                       # the change, in a sentence
    applied: str                        # what the engine said when it was applied
    notes: list[str] = field(default_factory=list)


def _series(game) -> dict[str, list[float]]:
    ind = [r.indicators for r in game.history]
    keys = ("casualties", "military_casualties", "displaced", "refugees", "stability", "violence", "troops_deployed")
    return {k: [float(i.get(k, 0.0)) for i in ind] for k in keys}


def _band(hist, key):
    rng = getattr(hist, key, None) if hist else None
    if rng is None:
        return None
    return (float(rng.low), float(rng.high if rng.high is not None else rng.low), "history")


def _charts(game, branch: BranchView | None) -> Charts:
    hist = game.scenario.history
    labels = [short_date(r.date) for r in game.history]
    a = _series(game)
    b = _series(branch.game) if branch else None
    tag = " (as played)" if branch else ""

    def lines(specs):
        out = []
        for name, key, colour in specs:
            out.append(Series(name + tag, a[key], colour))
            if b is not None:
                out.append(Series(name + " (what if)", b[key], colour, dashed=True))
        return out

    charts = [
        Chart("Deaths (civilians)", labels, lines([("deaths", "casualties", PALETTE[0])]), band=_band(hist, "deaths")),
        Chart("Displaced and refugees", labels, lines([("displaced", "displaced", PALETTE[1]),
                                                       ("refugees", "refugees", PALETTE[4])]),
              band=_band(hist, "displaced")),
        Chart("Stability and the worst violence", labels,
              lines([("stability", "stability", PALETTE[2]), ("worst violence", "violence", PALETTE[0])]),
              fraction=True),
        Chart("Troops deployed (the scenario's units)", labels, lines([("troops", "troops_deployed", PALETTE[3])])),
    ]
    header = ["date", "deaths", "displaced", "refugees", "stability", "worst violence", "troops"]
    rows = []
    for i, lab in enumerate(labels):
        def pair(key, fraction=False):
            f = (lambda v: f"{v:.2f}") if fraction else num
            return f(a[key][i]) + (f" / {f(b[key][i])}" if b is not None and i < len(b[key]) else "")
        rows.append([lab, pair("casualties"), pair("displaced"), pair("refugees"), pair("stability", True),
                     pair("violence", True), pair("troops_deployed")])
    caption = "Figures at the end of each turn" + (" (as played / what if)" if b is not None else "")
    return Charts(charts, Table(header, rows, caption=caption))


def _lead(game, source: str) -> list[str]:
    w, sc = game.world, game.scenario
    played = game.history[-1].date if game.history else sc.start_date.isoformat()
    people = ", ".join(_name(w, a) for a in sorted(game.humans)) or "nobody (the computer played every seat)"
    state = "the game is over" if game.over else f"the game was stopped during turn {game.turn}"
    lines = [f"From {long_date(sc.start_date)} to {long_date(played)}: {len(game.history)} of {w.last_turn} turns "
             f"({'daily' if sc.turn_days == 1 else f'{sc.turn_days}-day'} turns); {state}.",
             f"Played by people: {people}. Seed {game.seed}."]
    if source:
        lines.append(f"From the save {source}.")
    return lines


def _teaching(sc) -> tuple[list, list]:
    """(blocks for the opening, blocks for the questions section) from the scenario's `teaching`."""
    t = getattr(sc, "teaching", None)
    if t is None:
        return [], [Para("This scenario has no discussion questions yet (an author adds them under `teaching:`; "
                         "see docs/scenario-format.md).", cls="muted")]
    opening: list = []
    if t.learning_objectives:
        opening.append(Para("After this session students should be able to:", strong="Learning objectives. "))
        opening.append(Items([" ".join(str(o).split()) for o in t.learning_objectives]))
    mins = t.suggested_minutes
    if mins is not None:
        opening.append(Para(f"set-up {mins.setup} min, play {mins.play} min, debrief {mins.debrief} min "
                            f"({mins.setup + mins.play + mins.debrief} min in all).", strong="Suggested timing: "))
    questions: list = []
    for phase, title in (("before", "Before play"), ("during", "During play"), ("debrief", "In the debrief")):
        qs = [q for q in t.questions if q.phase == phase]
        if not qs:
            continue
        items = []
        for q in qs:
            when = ""
            if phase == "during":
                when = short_date(q.date_from) + (f" to {short_date(q.date_to)}" if q.date_to and q.date_to != q.date_from else "")
                when += ": "
            items.append((when, " ".join(str(q.text).split())))
        questions.append(Heading(title))
        questions.append(Items(items))
    if not questions:
        questions.append(Para("This scenario has no discussion questions.", cls="muted"))
    return opening, questions


def _glance(game, branch: BranchView | None) -> list:
    hist = game.scenario.history
    fa = game.final()["totals"]
    fb = branch.game.final()["totals"] if branch else None
    rows = []
    for label, key, hkey in (("Civilian deaths", "casualties", "deaths"), ("Soldiers killed", "military_casualties", None),
                             ("Displaced at the peak", "peak_displaced", "displaced"),
                             ("Refugees at the peak", "peak_refugees", "refugees"),
                             ("Troops deployed at the end", "troops_deployed", None)):
        row = [label, Cell(num(fa[key]), "num")]
        if fb is not None:
            row.append(Cell(num(fb[key]), "num"))
        row.append(fig_range(getattr(hist, hkey, None)) if hist is not None and hkey else "—")
        rows.append(row)
    header = ["", "as played" if fb is not None else "this game"] + (["what if"] if fb is not None else []) + ["history"]
    blocks: list = [Table(header, rows)]
    decided = {}
    for p in game.decisions():
        decided[p["body"]] = p
    if decided:
        blocks.append(Items([(f"{game.world.phrase(b, capital=True) if b in game.world.org_ids else _name(game.world, b)}: ",
                              f"{words(p['outcome'])} on {long_date(p['date'])}"
                              + (f" — decisive: {'; then '.join(p['decisive_text'])}" if p.get("decisive_text") else ""))
                             for b, p in decided.items()]))
    else:
        blocks.append(Para("No request for help reached a decision in this game."))
    return blocks


def _actors(game, branch: BranchView | None) -> list:
    sc = game.scenario
    objs = {o.id: o for o in sc.objectives}
    ass = game.assessment()
    bss = branch.game.assessment() if branch else {}
    blocks: list = []
    for aid, a in sorted(ass.items(), key=lambda kv: (kv[0] not in game.humans, kv[0])):
        who = "played by a person" if aid in game.humans else "played by the computer"
        head = f"{a['name']} — {a['score']:.0f}/100, {a['verdict']}"
        if aid in bss:
            head += f"; what if: {bss[aid]['score']:.0f}/100"
        blocks.append(Para(f"({who})", strong=head + " "))
        rows = []
        bobjs = {o["id"]: o for o in bss.get(aid, {}).get("objectives", [])}
        for o in a["objectives"]:
            ob = objs.get(o["id"])
            row = [o["description"], objective_target(ob), objective_value(ob, o["value"]),
                   Cell("met" if o["met"] else "not met", "met" if o["met"] else "unmet")]
            if branch:
                bo = bobjs.get(o["id"])
                row.append(Cell("—" if bo is None else ("met" if bo["met"] else "not met"),
                                "" if bo is None else ("met" if bo["met"] else "unmet")))
            row.append(num(o["weight"]))
            rows.append(row)
        blocks.append(Table(["objective", "target", "at the end", "result"] + (["what if"] if branch else [])
                            + ["weight"], rows))
    return blocks or [Para("This scenario sets no objectives.")]


def _history(game, branch: BranchView | None) -> list:
    w, sc = game.world, game.scenario
    hist = sc.history
    if hist is None:
        return [Para("This scenario has no historical record.")]
    blocks: list = []
    if hist.fiction:
        blocks.append(Para("This scenario is a counterfactual: what follows is its premise, not history.", cls="muted"))
    blocks.append(Para(" ".join(str(hist.summary).split())))
    if hist.decisions:
        rows = []
        for d in hist.decisions:
            really = " or ".join(words(o) for o in d.outcome) + ("; troops" if d.troops else "; no troops")
            if d.date:
                really += f"; {long_date(d.date)}"
            why = "; ".join(REASON_LABELS.get(f, words(f)) for f in d.factors)
            row = [_name(w, d.body) if d.body not in w.org_ids else d.body, really,
                   why + (f" [{', '.join(d.sources)}]" if d.sources else "")]
            for g in ([game] + ([branch.game] if branch else [])):
                mine = [p for p in g.decisions() if p["body"] == d.body]
                if mine:
                    last = mine[-1]
                    row.append(f"{words(last['outcome'])}; {long_date(last['date'])}"
                               + (f"; decisive: {'; then '.join(last['decisive_text'])}" if last.get("decisive_text") else ""))
                else:
                    row.append("nobody asked it to decide")
            rows.append(row)
        blocks.append(Table(["body", "what it really decided", "the sources' reasons", "in this game"]
                            + (["what if"] if branch else []), rows))
        for d in hist.decisions:
            if d.note:
                blocks.append(Para(" ".join(d.note.split()), strong=f"{d.body}: "))
    if hist.timeline:
        items = []
        for t in hist.timeline:
            src = f" [{', '.join(t.sources)}]" if t.sources else ""
            items.append((f"{long_date(t.date)}: ", " ".join(str(t.text).split()) + src))
        blocks.append(Heading("Timeline"))
        blocks.append(Items(items))
    ranges = []
    for key, label in (("deaths", "Deaths"), ("displaced", "Displaced at the peak"), ("refugees", "Refugees at the peak")):
        rng = getattr(hist, key)
        if rng is not None:
            src = f" [{', '.join(rng.sources)}]" if rng.sources else ""
            ranges.append((f"{label}: {fig_range(rng)}. ", (" ".join(rng.note.split()) if rng.note else "") + src))
    if ranges:
        blocks.append(Heading("The figures"))
        blocks.append(Items(ranges))
    return blocks


def what_if_suggestions(game) -> list[tuple[str, str]]:
    """Ready-made changes for ``report --branch`` drawn from this game's decisions, each valid on the
    day it names (the day the decision was taken, when the plea or the session was still pending):
    (question, spec)."""
    w = game.world
    out: list[tuple[str, str]] = []
    for p in game.decisions():
        body, q, day = p["body"], p["requested_by"], p["date"]
        if body in w.org_ids:
            voters = [m for m, pos in p.get("votes", {}).items() if pos == "support" and m != q]
            if p["outcome"] in ("peacekeeping", "collective_defence", "logistics_support") and voters:
                m = voters[0]
                out.append((f"What if {_name(w, m)} had objected in the {body} to anything beyond a statement on "
                            f"{long_date(day)}?", f"{m}:vote=statement,otherwise=oppose,body={body}@{day}"))
        elif body in w.actor_ids:
            other = "consultations" if p["outcome"] in ("peacekeeping", "collective_defence") else "peacekeeping"
            out.append((f"What if {_name(w, body)} had answered {_name(w, q)}'s plea with {words(other)} on "
                        f"{long_date(day)}?", f"{body}:answer_request={other},requester={q}@{day}"))
    return out


def _branch_section(game, branch: BranchView) -> list:
    w = game.world
    blocks: list = [Para(branch.describe, strong="The change: "),
                     Para(f"Both games are the same up to the start of {long_date(w.date_of_turn(branch.turn))} "
                          f"(turn {branch.turn}). " + " ".join(branch.notes))]
    bodies = []
    for g in (game, branch.game):
        for p in g.decisions():
            if p["body"] not in bodies:
                bodies.append(p["body"])
    rows = []
    for b in bodies:
        row = [b if b in w.org_ids else _name(w, b)]
        for g in (game, branch.game):
            mine = [p for p in g.decisions() if p["body"] == b]
            row.append("; ".join(f"{words(p['outcome'])} ({short_date(p['date'])})" for p in mine) or "no decision")
        rows.append(row)
    if rows:
        blocks.append(Table(["body", "as played", "what if"], rows, caption="Every decision, side by side"))
    later = _timeline(branch.game, branch.turn, tag="What if — ")
    cards = [b for b in later if isinstance(b, Card)]
    if cards:
        blocks.append(Heading("The decisions of the what-if game"))
        blocks.extend(cards)
    return blocks


def _pct(share: float) -> Cell:
    return Cell(f"{share:.0%}" if share else "—", "num")


def _many_runs_section(view) -> list:
    """What if? in many runs (a ``game.many_runs.ManyRunsView``): the change, the body's outcome shares and
    decisive reasons without and with it, and the distributions of the figures (deaths, displacement, refugees)."""
    seats = ("the person's recorded moves kept where still possible" if view.keep_recorded
             else "the computer in every seat")
    blocks: list = [
        Para(view.change + (f" ({view.spec})" if view.change != view.spec else ""), strong="The change: "),
        Para(f"From {long_date(view.day)} (turn {view.turn}) to the end, the crisis was played {view.runs:,} times "
             f"with the change and {view.runs:,} times without it, {seats}. Both sets use the same seed "
             f"({view.seed}), so they are the same runs up to the change: the difference between them is the "
             f"change's. Each run is one possible course of the crisis, not a forecast.")]
    if view.applied < 1:
        why = "; ".join(f"{reason} ({share:.0%} of runs)" for reason, share in view.refusals) or "refused"
        blocks.append(Para(f"The change could be made in {view.applied:.0%} of the runs only. Where it could not: "
                           f"{why}.", strong="Note: "))
    rows = [[words(o), _pct(a), _pct(b)] for o, a, b in view.shares]
    rows.append([Cell("troops sent", "troops"), _pct(view.troops[0]), _pct(view.troops[1])])
    blocks.append(Table(["outcome", "without the change", "with the change"], rows,
                        caption=f"What {view.body_name} decided (its strongest outcome, share of runs)"))
    if view.this_game:
        outcome, date = view.this_game
        blocks.append(Para(f"{words(outcome)} on {long_date(date)}.",
                           strong="In this game: "))
    if view.reasons:
        blocks.append(Table(["decisive reason", "without the change", "with the change"],
                            [[REASON_LABELS.get(c, words(c)), _pct(a), _pct(b)] for c, a, b in view.reasons],
                            caption="Its most frequent decisive reasons (share of runs in which each was decisive)"))
    qrows = []
    for d in view.figures:
        for label, q in (("without the change", d.quantiles_without), ("with the change", d.quantiles_with)):
            qrows.append([d.title, label, *(Cell(num(v), "num") for v in q), Cell(num(d.this_game), "num")])
    blocks.append(Table(["figure", "runs", "5th percentile", "median", "95th percentile", "this game"], qrows,
                        caption="The figures at the end of the runs"))
    charts, hrows = [], []
    for d in view.figures:
        centres = [(a + b) / 2 for a, b in zip(d.edges[:-1], d.edges[1:])]
        charts.append(Chart(f"{d.title}: % of runs", [num(c) for c in centres],
                            [Series("without the change", [100 * v for v in d.without], PALETTE[0]),
                             Series("with the change", [100 * v for v in d.with_change], PALETTE[1], dashed=True)]))
        hrows += [[d.title, f"{num(a)} to {num(b)}", Cell(f"{100 * x:.1f}%", "num"), Cell(f"{100 * y:.1f}%", "num")]
                  for a, b, x, y in zip(d.edges[:-1], d.edges[1:], d.without, d.with_change) if x or y]
    blocks.append(Charts(charts, Table(["figure", "range", "without the change", "with the change"], hrows,
                                       caption="Share of runs in each range")))
    return blocks


def build_report(game, source: str = "", notes: list[str] | None = None, branch: BranchView | None = None,
                 many_runs=None) -> Report:
    """The report of ``game`` (a finished or stopped game), with ``branch`` beside it and ``many_runs`` (a
    ``game.many_runs.ManyRunsView``) after it if given."""
    sc = game.scenario
    lead = _lead(game, source) + list(notes or [])
    opening, questions = _teaching(sc)
    sections = []
    if opening:
        sections.append(Section("class", "For the class", opening))
    sections.append(Section("glance", "The outcome at a glance", _glance(game, branch)))
    if game.history:
        sections.append(Section("charts", "Over time", [_charts(game, branch)]))
    sections.append(Section("actors", "How each actor fared", [
        Para("Every actor is judged on its own objectives: there is no single right answer.", cls="muted")]
        + _actors(game, branch)))
    timeline = _timeline(game) or [Para("Nothing was decided yet.")]
    step = {1: "day by day", 7: "week by week"}.get(sc.turn_days, "turn by turn")
    sections.append(Section("timeline", f"What happened, {step}", [
        Para("Each turn's events and moves, and every council decision with its stages, each member's position at "
             "every level the council considered (with the member's reasons at the level it decided) and the "
             "decisive reasons.", cls="muted")] + timeline))
    inst = instructor_entries(game)
    if inst:
        sections.append(Section("instructor", "The instructor's injects and adjustments", [Table(
            ["date", "what", "kind"],
            [[long_date(game.world.date_of_turn(int(e["turn"]))) if isinstance(e["turn"], int) else "—", e["what"],
              e["kind"]] for e in inst])]))
    sections.append(Section("history", "What really happened", _history(game, branch)))
    if branch is not None:
        sections.append(Section("whatif", "What if", _branch_section(game, branch)))
    else:
        ideas = what_if_suggestions(game)
        if ideas:
            sections.append(Section("whatif", "What if", [
                Para("Change one decision and play on: python main.py report SAVE --branch CHANGE sets the "
                     "what-if game beside this one (docs/classroom.md). Changes this game allows:"),
                Items([(f"{question} ", "", f"--branch {spec}") for question, spec in ideas])]))
    if many_runs is not None:
        sections.append(Section("whatif_runs", "What if? In many runs", _many_runs_section(many_runs)))
    sections.append(Section("questions", "Discussion questions", questions))
    src = []
    for s in sc.sources:
        line = s.title + (f" ({s.year})" if s.year else "") + (f". {s.url}" if s.url else "")
        if s.note:
            line += f". {' '.join(s.note.split())}"
        src.append((f"[{s.id}] ", line))
    sections.append(Section("sources", "Sources", [Items(src)] if src else [Para("This scenario cites no sources.")]))
    return Report(f"After-action report: {sc.title}", sc.subtitle or "", lead, sections)


# --- HTML ----------------------------------------------------------------------------------------------
CSS = """
@page { size: A4; margin: 14mm 12mm; }
* { box-sizing: border-box; }
body { font: 10.5pt/1.45 "DejaVu Sans", "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: #111;
       max-width: 190mm; margin: 0 auto; padding: 10px 14px 40px; background: #fff; }
h1 { font-size: 20pt; margin: 0 0 2px; line-height: 1.2; }
.subtitle { font-size: 13pt; color: #333; margin: 0 0 8px; }
.lead { color: #333; margin: 2px 0; }
nav { margin: 10px 0 4px; font-size: 9.5pt; }
nav a { color: #0b4f8a; margin-right: 10px; white-space: nowrap; }
h2 { font-size: 14pt; border-bottom: 2px solid #0072B2; padding-bottom: 2px; margin: 22px 0 8px;
     break-after: avoid; page-break-after: avoid; }
h3 { font-size: 11pt; margin: 12px 0 4px; break-after: avoid; page-break-after: avoid; }
p { margin: 4px 0; }
ul, ol { margin: 4px 0 8px; padding-left: 22px; }
li { margin: 2px 0; }
table { border-collapse: collapse; width: 100%; font-size: 9pt; margin: 6px 0 10px; }
caption { text-align: left; font-weight: bold; padding: 2px 0; }
th, td { border: 1px solid #c6ccd2; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #eef2f6; }
tr { break-inside: avoid; page-break-inside: avoid; }
td.num { text-align: right; white-space: nowrap; }
td.support, td.met { background: #d9f0e4; }
td.abstain { background: #fbf0cf; }
td.oppose, td.unmet { background: #f9ddd2; }
.card { border: 1px solid #b9c1c9; border-left: 5px solid #0072B2; border-radius: 4px; padding: 6px 10px;
        margin: 8px 0 12px; }
.card.troops { border-left-color: #D55E00; }
.card.no { border-left-color: #777; }
.card h3 { margin-top: 2px; }
.chip { display: inline-block; margin-left: 8px; padding: 0 6px; border-radius: 3px; font-size: 8pt;
        font-weight: bold; color: #fff; background: #0072B2; vertical-align: 1px; }
.chip.troops { background: #D55E00; }
.chip.no { background: #666; }
.muted { color: #555; }
code { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: 8.5pt; white-space: nowrap;
       background: #f1f3f5; padding: 0 3px; border-radius: 2px; }
.charts { display: grid; grid-template-columns: 1fr 1fr; gap: 6px 14px; }
.charts svg { width: 100%; height: auto; break-inside: avoid; page-break-inside: avoid; }
.figtable { display: none; }
footer { margin-top: 24px; font-size: 8.5pt; color: #555; border-top: 1px solid #ccc; padding-top: 4px; }
@media print {
  body { padding: 0; max-width: none; }
  nav a { color: inherit; text-decoration: none; }
  section { break-before: auto; }
}
""".strip()


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def _html_block(b) -> str:
    if isinstance(b, Para):
        cls = f' class="{b.cls}"' if b.cls else ""
        return f"<p{cls}>" + (f"<strong>{_e(b.strong)}</strong>" if b.strong else "") + f"{_e(b.text)}</p>"
    if isinstance(b, Heading):
        chip = f' <span class="chip {b.chip_cls}">{_e(b.chip)}</span>' if b.chip else ""
        return f"<h3>{_e(b.text)}{chip}</h3>"
    if isinstance(b, Items):
        tag = "ol" if b.ordered else "ul"
        lis = []
        for it in b.items:
            if isinstance(it, tuple):
                code = f" <code>{_e(it[2])}</code>" if len(it) > 2 else ""
                lis.append(f"<li><strong>{_e(it[0])}</strong>{_e(it[1])}{code}</li>")
            else:
                lis.append(f"<li>{_e(it)}</li>")
        return f"<{tag}>" + "".join(lis) + f"</{tag}>"
    if isinstance(b, Table):
        out = ["<table>"]
        if b.caption:
            out.append(f"<caption>{_e(b.caption)}</caption>")
        out.append("<thead><tr>" + "".join(f"<th>{_e(h)}</th>" for h in b.header) + "</tr></thead><tbody>")
        for row in b.rows:
            cells = []
            for c in row:
                if isinstance(c, Cell):
                    cls = f' class="{c.cls}"' if c.cls else ""
                    cells.append(f"<td{cls}>{_e(c.text)}</td>")
                else:
                    cells.append(f"<td>{_e(c)}</td>")
            out.append("<tr>" + "".join(cells) + "</tr>")
        out.append("</tbody></table>")
        return "".join(out)
    if isinstance(b, Charts):
        svgs = "".join(line_chart(c.title, c.labels, c.series, c.band, c.fraction) for c in b.charts)
        return f'<div class="charts">{svgs}</div>'
    if isinstance(b, Card):
        return f'<div class="card {b.cls}">' + "".join(_html_block(x) for x in b.blocks) + "</div>"
    raise TypeError(f"unknown block {type(b).__name__}")


def render_html(report: Report) -> str:
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{_e(report.title)}</title>", f"<style>\n{CSS}\n</style></head><body>",
           f"<header><h1>{_e(report.title)}</h1>"]
    if report.subtitle:
        out.append(f'<p class="subtitle">{_e(report.subtitle)}</p>')
    out.extend(f'<p class="lead">{_e(line)}</p>' for line in report.lead)
    out.append("<nav>" + " ".join(f'<a href="#{s.anchor}">{_e(s.title)}</a>' for s in report.sections) + "</nav>")
    out.append("</header>")
    for s in report.sections:
        out.append(f'<section id="{s.anchor}"><h2>{_e(s.title)}</h2>')
        out.extend(_html_block(b) for b in s.blocks)
        out.append("</section>")
    out.append("<footer>Made by Collective Security. The model's reasons are the model's, not the sources': "
               "set them beside “What really happened”.</footer>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


# --- Markdown ------------------------------------------------------------------------------------------
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def _m(text) -> str:
    """Markdown-safe inline text (one line)."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def _md_table(t: Table) -> list[str]:
    out = []
    if t.caption:
        out.append(f"*{_m(t.caption)}*")
        out.append("")
    out.append("| " + " | ".join(_m(h) or " " for h in t.header) + " |")
    out.append("|" + "|".join(" --- " for _ in t.header) + "|")
    for row in t.rows:
        out.append("| " + " | ".join(_m(c.text if isinstance(c, Cell) else c) for c in row) + " |")
    out.append("")
    return out


def _md_block(b) -> list[str]:
    if isinstance(b, Para):
        return [(f"**{_m(b.strong.strip())}** " if b.strong else "") + (f"*{_m(b.text)}*" if b.cls == "muted" else _m(b.text)), ""]
    if isinstance(b, Heading):
        return [f"### {_m(b.text)}" + (f" — **{_m(b.chip)}**" if b.chip else ""), ""]
    if isinstance(b, Items):
        out = []
        for i, it in enumerate(b.items, 1):
            mark = f"{i}." if b.ordered else "-"
            if isinstance(it, tuple):
                code = f" `{it[2]}`" if len(it) > 2 else ""
                out.append(f"{mark} **{_m(it[0].strip())}** {_m(it[1])}".rstrip() + code)
            else:
                out.append(f"{mark} {_m(it)}")
        return out + [""]
    if isinstance(b, Table):
        return _md_table(b)
    if isinstance(b, Charts):
        return _md_table(b.table)
    if isinstance(b, Card):
        out = []
        for x in b.blocks:
            out.extend(_md_block(x))
        return out + ["---", ""]
    raise TypeError(f"unknown block {type(b).__name__}")


def render_markdown(report: Report) -> str:
    out = [f"# {_m(report.title)}", ""]
    if report.subtitle:
        out += [f"*{_m(report.subtitle)}*", ""]
    out += [_m(line) + "  " for line in report.lead] + [""]
    out += ["Contents: " + " · ".join(f"[{_m(s.title)}](#{s.anchor})" for s in report.sections), ""]
    for s in report.sections:
        out += [f'<a id="{s.anchor}"></a>', "", f"## {_m(s.title)}", ""]
        for b in s.blocks:
            out.extend(_md_block(b))
    return "\n".join(out).rstrip("\n") + "\n"


def render(report: Report, fmt: str) -> str:
    return render_markdown(report) if fmt == "md" else render_html(report)


# --- the command and the button ------------------------------------------------------------------------
def export_report(game, directory: Path, fmt: str = "html", notes: list[str] | None = None,
                  branch: BranchView | None = None, many_runs=None) -> Path:
    """Write the report of ``game`` (with ``branch`` beside it and ``many_runs`` after it, if given) into
    ``directory`` (the saves folder, for the debrief's buttons) under a new name; returns the path. OSError
    when it cannot be written."""
    from game.ui.saves import atomic_write
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^A-Za-z0-9_-]+", "_", game.scenario.id)[:64]
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    kind = "whatif" if branch is not None or many_runs is not None else "report"
    path = directory / f"{safe}-{kind}-{stamp}.{fmt}"
    n = 1
    while path.exists():
        n += 1
        path = directory / f"{safe}-{kind}-{stamp}-{n}.{fmt}"
    atomic_write(path, render(build_report(game, notes=notes, branch=branch, many_runs=many_runs), fmt))
    return path


def report_main(args) -> int:
    """``report SAVE [--out FILE] [--format html|md] [--branch SPEC [--runs N]]``: one line and a non-zero
    exit on bad input (1 a save that cannot be used, 2 bad usage or a file that cannot be read or written)."""
    from game.saving import load_game, write_text_file
    from game.ui.saves import SaveError

    def fail(message: str, code: int) -> int:
        print(f"collective-security: {message}", file=sys.stderr)
        return code

    runs = getattr(args, "runs", None)
    if runs is not None and not args.branch:
        return fail("--runs needs --branch: the change to play in many runs (see --help)", 2)
    if runs is not None and not 1 <= runs <= 1_000_000:
        return fail(f"--runs must be between 1 and 1,000,000, not {runs}", 2)
    fmt = args.format
    if fmt is None:
        fmt = "md" if args.out and str(args.out).lower().endswith((".md", ".markdown")) else "html"
    try:
        lg = load_game(args.save)
    except SaveError as exc:
        text = str(exc)
        unreadable = "There is no save" in text or "cannot be read" in text
        return fail(" ".join(text.split()), 2 if unreadable else 1)
    branch = None
    if args.branch:
        from game.engine.branch import BranchError, play_branch
        try:
            br = play_branch(lg.game, lg.data, args.branch)
        except BranchError as exc:
            return fail(str(exc), 2)
        branch = BranchView(br.game, br.turn, br.describe, br.applied, br.notes)
    many = None
    if runs is not None:
        from game.engine.batch import BatchError
        from game.many_runs import change_of_force, play, plan, summarise
        try:
            p = plan(lg.game, str(args.save), change_of_force(args.branch, lg.game.world, branch.describe), runs,
                     seed=lg.game.seed)
            many = summarise(lg.game, p, *play(p))
        except BatchError as exc:
            return fail(str(exc), 2)
    report = build_report(lg.game, source=Path(args.save).name, notes=lg.notes, branch=branch, many_runs=many)
    text = render(report, fmt)
    if args.out in (None, "-"):
        sys.stdout.write(text)
        sys.stdout.flush()
        return 0
    problem = write_text_file(args.out, text)
    if problem:
        return fail(problem, 2)
    print(f"wrote {args.out}", file=sys.stderr)
    return 0
