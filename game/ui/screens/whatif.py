"""What if…: from the debrief, change one decision of the game just played and play on.

The dialog offers the changes this game allows (``report.what_if_suggestions``: another answer to
each plea, a member objecting in the council), each valid on the day it names. Choosing one plays
the branch (``game/engine/branch.py``: the game replayed to that day, the decision changed, the
computer playing on), writes the report with both games side by side next to the saves, and hands
the result to the debrief, which draws the comparison (``draw_comparison``) and shows the path.
"""
from __future__ import annotations

from dataclasses import dataclass

import pygame

from game.ui import widgets
from game.ui.screens.dialogs import Dialog
from game.ui.widgets import fmt_num, px


@dataclass
class WhatIf:
    """A branch played from the debrief: the question, the branch and where its report was written."""

    question: str
    spec: str
    branch: object              # game.engine.branch.Branch
    report: str                 # path of the report with both games


def play_what_if(session, question: str, spec: str, directory) -> WhatIf:
    """Play the branch ``spec`` of the session's game and write its report into ``directory``.
    Raises BranchError (an impossible change) or OSError (the report cannot be written)."""
    from game.engine.branch import play_branch
    from game.report import BranchView, export_report
    game = session.game
    br = play_branch(game, game.save_data(str(getattr(session, "ref", "") or game.scenario.id)), spec)
    view = BranchView(br.game, br.turn, br.describe, br.applied, br.notes)
    path = export_report(game, directory, branch=view)
    return WhatIf(question, spec, br, str(path))


class WhatIfDialog(Dialog):
    name = "whatif"
    width, height = 760, 470

    def __init__(self, app, on_done):
        super().__init__(app)
        from game.report import what_if_suggestions
        self.ideas = what_if_suggestions(app.session.game)[:6]
        self.on_done = on_done
        self.height = 190 + 52 * max(len(self.ideas), 1)     # the card fits its choices

    def build(self) -> None:
        r = self.card()
        c = self.panel
        self.label((px(24), px(16), r.w - px(48), px(36)), "What if…", "h2", container=c)
        self.label((px(24), px(56), r.w - px(48), px(28)),
                   "Change one decision of this game and let the computer play on from that day.", "muted", container=c)
        y = px(98)
        if not self.ideas:
            self.label((px(24), y, r.w - px(48), px(30)), "No request reached a decision in this game: nothing to change.",
                       container=c)
        for i, (question, spec) in enumerate(self.ideas):
            self.button((px(24), y, r.w - px(48), px(44)), question, lambda q=question, s=spec: self.choose(q, s),
                        oid=f"whatif_{i}", container=c,
                        tip=f"Same as: python main.py report SAVE --branch {spec}")
            y += px(52)
        self.button((r.w - px(144), r.h - px(58), px(120), px(40)), "Cancel", self.app.pop, oid="whatif_cancel",
                    container=c, tip="Back to the debrief (Esc)")

    def choose(self, question: str, spec: str) -> None:
        from game.engine.branch import BranchError
        from game.ui.saves import saves_dir
        try:
            result = play_what_if(self.app.session, question, spec, saves_dir())
        except (BranchError, OSError) as exc:
            self.app.pop()
            self.app.message("The what-if could not be played", str(exc))
            return
        self.app.pop()
        self.on_done(result)


def draw_comparison(surf, whatif: WhatIf, game, y: int, width: int, pal) -> int:
    """The debrief's WHAT IF section: the change, the decisions, the figures and the scores side by side."""
    from game.report import words
    br = whatif.branch
    other = br.game
    w = game.world
    widgets.text(surf, "WHAT IF", (0, y), 13, pal.accent, bold=True)
    pygame.draw.line(surf, pal.border, (0, y + px(22)), (surf.get_width(), y + px(22)))
    y += px(34)
    y = widgets.paragraph(surf, whatif.question, 0, y, width, 16, pal.text, bold=True) + px(2)
    y = widgets.paragraph(surf, br.describe + " " + " ".join(br.notes), 0, y, min(width, px(1100)), 13, pal.muted) + px(8)
    cols = [0, px(260), px(560)]
    for x, head in zip(cols, ("", "AS PLAYED", "WHAT IF")):
        widgets.text(surf, head, (x, y), 11, pal.muted, bold=True)
    y += px(20)
    rows = []
    bodies = []
    for g in (game, other):
        for p in g.decisions():
            if p["body"] not in bodies:
                bodies.append(p["body"])
    for b in bodies:
        name = b if b in w.org_ids else w.name(b)
        cells = []
        for g in (game, other):
            mine = [p for p in g.decisions() if p["body"] == b]
            cells.append("; ".join(f"{words(p['outcome'])} ({widgets.short_date(p['date'])})" for p in mine)
                         or "no decision")
        rows.append((name, *cells))
    fa, fb = game.final()["totals"], other.final()["totals"]
    for label, key in (("Deaths", "casualties"), ("Displaced at the peak", "peak_displaced"),
                       ("Refugees at the peak", "peak_refugees"), ("Troops deployed", "troops_deployed")):
        rows.append((label, fmt_num(fa[key]), fmt_num(fb[key])))
    sa, sb = game.assessment(), other.assessment()
    for aid in sa:
        if aid in sb and round(sa[aid]["score"]) != round(sb[aid]["score"]):
            rows.append((f"{sa[aid]['name']}'s score", f"{sa[aid]['score']:.0f}/100", f"{sb[aid]['score']:.0f}/100"))
    for row in rows:
        for i, (x, cell) in enumerate(zip(cols, row)):
            colour = pal.text if i else pal.muted
            widgets.text(surf, cell, (x, y), 14, colour, bold=(i == 2), max_width=(cols[i + 1] - x - px(12))
                         if i + 1 < len(cols) else width - x)
        y += px(24)
    y = widgets.paragraph(surf, f"Both games side by side, with the what-if council's reasons: {whatif.report}",
                          0, y + px(4), width, 13, pal.accent) + px(16)
    return y
