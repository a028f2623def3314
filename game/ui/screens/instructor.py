"""The instructor's (white cell's) console, F9 in the game when an instructor sits at it.

Pause and resume (while paused no seat can end its turn); an overview of every seat: what it has
left open this turn and whether it has voted in a pending session (never *how*: a vote stays
secret until the session decides); inject one of the scenario's own events now or write a news
item; adjust a region's violence, stability, tension or control. Every change is an engine action
(``InstructorInject``, ``InstructorAdjust`` by the reserved actor ``INSTRUCTOR``), so it is logged
with ``"by": "instructor"`` and is in the save, the replay, the debrief and the report.
"""
from __future__ import annotations

import pygame
from pygame_gui.core import ObjectID
from pygame_gui.elements import UIScrollingContainer, UITextEntryLine

from game.engine.actions import ADJUSTABLE, INSTRUCTOR, MAX_NEWS, InstructorAdjust, InstructorInject
from game.ui import widgets
from game.ui.screens.base import Screen
from game.ui.screens.turn_controls import open_decisions
from game.ui.widgets import px

STEPS = (("m25", -0.25), ("m10", -0.1), ("p10", 0.1), ("p25", 0.25))


def seat_overview(game, seats, current: str | None = None) -> list[tuple[str, list[str]]]:
    """For each human seat: (heading, lines): its open decisions this turn and, for every pending
    council session it sits in, whether it has voted. Never the vote itself."""
    from game.engine.state import SESSION_SCHEDULED
    w, st = game.world, game.state
    votes = getattr(st, "human_votes", {})
    out = []
    for actor in seats:
        lines = []
        for d in open_decisions(game, actor):
            lines.append(f"open: {d.title}")
        a = w.a(actor)
        pending = (st.req_stage[0] == SESSION_SCHEDULED)
        seen = set()
        for q, b in zip(*pending.nonzero()):
            body = w.body_ids[b]
            if body in seen:
                continue
            if body in w.org_ids and w.membership[w.o(body), a]:
                seen.add(body)
                lines.append(f"{body} session: {'has voted' if (actor, body) in votes else 'has not voted yet'}")
            elif body == actor:
                seen.add(body)
                lines.append(f"plea from {w.name(w.actor_ids[q])}: "
                             f"{'has answered' if (actor, actor) in votes else 'has not answered yet'}")
        if not lines:
            lines.append("nothing open")
        head = w.name(actor) + ("  (at the screen)" if actor == current else "")
        out.append((head, lines))
    return out


def instructor_changes(game) -> list[str]:
    """The instructor's changes so far, oldest first: 'date: sentence'."""
    out = []
    for e in game.log:
        if e.get("by") == "instructor" and e.get("ok"):
            out.append(f"{widgets.short_date(game.world.date_of_turn(e['turn']).isoformat())}: {e.get('text', '')}")
    return out


class InstructorScreen(Screen):
    name = "instructor"

    def __init__(self, app):
        super().__init__(app)
        self.session = app.session
        self.game = self.session.game
        w = self.game.world
        self.region = w.region_ids[0]
        self.figure = "violence"
        self.news_entry = None

    # --- layout --------------------------------------------------------------------------
    def columns(self) -> list[pygame.Rect]:
        W, H = self.app.size
        m, gap = px(24), px(20)
        top = px(96)
        cw = (W - 2 * m - 2 * gap) // 3
        return [pygame.Rect(m + i * (cw + gap), top, cw, H - top - px(24)) for i in range(3)]

    def build(self) -> None:
        W, H = self.app.size
        s, w = self.session, self.game.world
        self.label((px(24), px(10), W - px(440), px(50)), "Instructor's console", "h1")
        self.button((W - px(400), px(18), px(200), px(44)), "Resume the game" if s.paused else "Pause the game",
                    self.toggle_pause, oid="pause", cls="danger" if s.paused else None,
                    tip="While paused no seat can end its turn; the top bar says so.")
        self.button((W - px(188), px(18), px(164), px(44)), "Back to game", self.close, oid="close_console",
                    cls="primary", tip="Back to the game (F9 or Esc)")
        c1, c2, c3 = self.columns()
        # inject: the scenario's events, then a written news item
        head = px(30)
        ev_box = pygame.Rect(c2.x, c2.y + head, c2.w, c2.h - head - px(150))
        sc = UIScrollingContainer(ev_box, manager=self.app.manager, container=self.root, allow_scroll_x=False)
        y = 0
        for ev in w.scenario.events:
            self.button((0, y, ev_box.w - px(20), px(38)), ev.title, (lambda e=ev.id: self.inject(e)),
                        cls="list_item", oid=f"inject_{ev.id}", container=sc,
                        tip=f"Fire '{ev.id}' now: its effects apply to this game at once.")
            y += px(44)
        sc.set_scrollable_area_dimensions((ev_box.w - px(20), max(y, ev_box.h - 4)))
        ny = ev_box.bottom + px(44)
        self.news_entry = UITextEntryLine(pygame.Rect(c2.x, ny, c2.w, px(40)), manager=self.app.manager,
                                          container=self.root, object_id=ObjectID("#news_text", None))
        self.news_entry.set_text_length_limit(MAX_NEWS)
        self.button((c2.x, ny + px(50), px(200), px(40)), "Publish the news", self.publish, oid="publish",
                    tip="Put this news item in the feed now (every seat sees it)")
        # adjust: region, figure, amount
        rg_box = pygame.Rect(c3.x, c3.y + head, c3.w, c3.h - head - px(170))
        rc = UIScrollingContainer(rg_box, manager=self.app.manager, container=self.root, allow_scroll_x=False)
        y = 0
        for rid in w.region_ids:
            b = self.button((0, y, rg_box.w - px(20), px(34)), w.name(rid), (lambda r=rid: self.select_region(r)),
                            cls="list_item", oid=f"region_{rid}", container=rc)
            if rid == self.region:
                b.select()
            y += px(38)
        rc.set_scrollable_area_dimensions((rg_box.w - px(20), max(y, rg_box.h - 4)))
        fy = rg_box.bottom + px(12)
        fw = (c3.w - 3 * px(6)) // 4
        for i, f in enumerate(ADJUSTABLE):
            b = self.button((c3.x + i * (fw + px(6)), fy, fw, px(38)), f, (lambda f=f: self.select_figure(f)),
                            cls="tab", oid=f"figure_{f}")
            if f == self.figure:
                b.select()
        ay = fy + px(84)
        for i, (oid, step) in enumerate(STEPS):
            self.button((c3.x + i * (fw + px(6)), ay, fw, px(40)), f"{step:+g}", (lambda d=step: self.adjust(d)),
                        oid=f"adjust_{oid}", tip=f"Change {self.figure} in {w.name(self.region)} by {step:+g} now")

    # --- commands ------------------------------------------------------------------------
    def _do(self, action) -> bool:
        res = self.game.submit(action)
        self.app.toast(res.text, "info" if res.ok else "warning", 6)
        return res.ok

    def toggle_pause(self) -> None:
        self.session.paused = not self.session.paused
        self.app.toast("Paused: no seat can end its turn." if self.session.paused else "The game goes on.")
        self.build_root()

    def inject(self, event_id: str) -> None:
        self._do(InstructorInject(INSTRUCTOR, event=event_id))

    def publish(self) -> None:
        text = self.news_entry.get_text().strip() if self.news_entry is not None else ""
        if not text:
            self.app.toast("Write the news item first.", "warning")
            return
        if self._do(InstructorInject(INSTRUCTOR, text=text)):
            self.news_entry.set_text("")

    def select_region(self, rid: str) -> None:
        self.region = rid
        self.build_root()

    def select_figure(self, f: str) -> None:
        self.figure = f
        self.build_root()

    def adjust(self, step: float) -> None:
        self._do(InstructorAdjust(INSTRUCTOR, region=self.region, figure=self.figure, add=step))

    def close(self) -> None:
        self.app.pop()
        gs = self.app.find_screen("game")
        if gs is not None:
            gs.changed()

    def handle_event(self, event) -> None:
        if event.type == pygame.KEYDOWN and event.key in (pygame.K_ESCAPE, pygame.K_F9):
            self.close()

    # --- drawing -------------------------------------------------------------------------
    def draw(self, surface) -> None:
        pal = self.app.palette
        g, s, w = self.game, self.session, self.game.world
        W = self.app.size[0]
        state = "PAUSED: no seat can end its turn" if s.paused else "running"
        widgets.text(surface, f"{w.scenario.title}  ·  {widgets.pretty_date(g.date.isoformat())}  ·  turn {g.turn} "
                              f"of {w.last_turn}  ·  {state}", (px(24), px(62)), 14,
                     pal.warning if s.paused else pal.muted, max_width=W - px(440))
        c1, c2, c3 = self.columns()
        widgets.text(surface, "SEATS: OPEN DECISIONS AND VOTES", c1.topleft, 13, pal.muted, bold=True)
        widgets.text(surface, "INJECT ONE OF THE SCENARIO'S EVENTS", c2.topleft, 13, pal.muted, bold=True)
        widgets.text(surface, "OR WRITE A NEWS ITEM", (c2.x, c2.bottom - px(150) + px(12)), 13, pal.muted, bold=True)
        widgets.text(surface, "ADJUST A REGION'S FIGURE", c3.topleft, 13, pal.muted, bold=True)
        r = w.r(self.region)
        now = float(getattr(g.state, self.figure)[0, r])
        widgets.text(surface, f"{w.name(self.region)}: {self.figure} is {now:.2f} (0 to 1)",
                     (c3.x, c3.bottom - px(170) + px(58)), 14, pal.text, max_width=c3.w)
        y = c1.y + px(28)
        for head, lines in seat_overview(g, s.seats, s.actor):
            widgets.text(surface, head, (c1.x, y), 15, pal.text, bold=True, max_width=c1.w)
            y += px(22)
            for line in lines:
                y = widgets.paragraph(surface, line, c1.x + px(12), y, c1.w - px(12), 13,
                                      pal.muted if line == "nothing open" else pal.text)
            y += px(8)
        y += px(8)
        widgets.text(surface, "YOUR CHANGES SO FAR (LOGGED, IN THE DEBRIEF AND THE REPORT)", (c1.x, y), 13,
                     pal.muted, bold=True, max_width=c1.w)
        y += px(24)
        changes = instructor_changes(g)
        for line in (changes[-8:] or ["none yet"]):
            if y > c1.bottom - px(20):
                break
            y = widgets.paragraph(surface, line, c1.x, y, c1.w, 13, pal.text if changes else pal.muted)
