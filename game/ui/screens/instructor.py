"""The instructor's (white cell's) console, F9 in the game when an instructor sits at it.

Pause and resume (while paused no seat can end its turn); an overview of every seat: what it has
left open this turn and whether it has voted in a pending session (never *how*: a vote stays
secret until the session decides); inject one of the scenario's own events now, write a news item
for every seat or a briefing for chosen seats only, and withdraw an item written earlier; adjust a
region's violence, stability, tension or control, an actor's interest weights and ties, and open or
close a border. Every change is an engine action by the reserved actor ``INSTRUCTOR``
(``InstructorInject``, ``InstructorBrief``, ``InstructorWithdraw``, ``InstructorAdjust``,
``InstructorInterest``, ``InstructorTie``, ``InstructorBorder``), so it is logged with
``"by": "instructor"`` and is in the save, the replay, the debrief and the report.
"""
from __future__ import annotations

import pygame
from pygame_gui.core import ObjectID
from pygame_gui.elements import UIScrollingContainer, UITextEntryLine

from game.engine.actions import (ADJUSTABLE, INSTRUCTOR, MAX_NEWS, InstructorAdjust, InstructorBorder,
                                 InstructorBrief, InstructorInject, InstructorInterest, InstructorTie,
                                 InstructorWithdraw, interest_words, withdrawn_news)
from game.engine.views import (INSTRUCTOR_VIEW, border_is_open, open_decisions, pending_sessions, region,
                               seat_vote)
from game.engine.world import INTEREST_KEYS, STATE_KINDS
from game.ui import widgets
from game.ui.screens.base import Screen
from game.ui.widgets import px

STEPS = (("m25", -0.25), ("m10", -0.1), ("p10", 0.1), ("p25", 0.25))
PANES = (("region", "Region"), ("interest", "Interest"), ("tie", "Tie"), ("border", "Border"))


def seat_overview(game, seats, current: str | None = None) -> list[tuple[str, list[str]]]:
    """For each human seat: (heading, lines): its open decisions this turn and, for every pending
    council session it sits in, whether it has voted. Never the vote itself."""
    w = game.world
    out = []
    for actor in seats:
        st = game.state_for(actor)          # in simultaneous turns a seat's vote is in its own view
        lines = []
        for d in open_decisions(game, actor):
            lines.append(f"open: {d.title}")
        a = w.a(actor)
        seen = set()
        for p in pending_sessions(w, st):
            body = p.body
            if body in seen:
                continue
            voted = seat_vote(st, actor, body) is not None
            if body in w.org_ids and w.membership[w.o(body), a]:
                seen.add(body)
                lines.append(f"{body} session: {'has voted' if voted else 'has not voted yet'}")
            elif body == actor:
                seen.add(body)
                lines.append(f"plea from {w.name(p.requester)}: {'has answered' if voted else 'has not answered yet'}")
        if game.simultaneous:
            lines.append("has ended the turn" if actor in game.ready else "still deciding")
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


def instructor_items(game) -> list[dict]:
    """The news items the instructor wrote, oldest first: text, ``to`` (None: every seat), withdrawn."""
    gone = withdrawn_news(game.state_for(INSTRUCTOR_VIEW))
    out: dict[str, dict] = {}
    for e in game.log:
        a = e.get("action") or {}
        if e.get("by") == "instructor" and e.get("ok") and a.get("kind") in (InstructorInject.kind, InstructorBrief.kind):
            text = str(a.get("text") or "").strip()
            if text and text not in out:
                out[text] = {"text": text, "to": list(a["to"]) if a.get("to") else None, "withdrawn": text in gone}
    return list(out.values())


def border_neighbours(world, country: str) -> list[str]:
    """The actors whose regions border ``country``'s."""
    regs = world.regions_of(world.a(country))
    if not len(regs):
        return []
    near = {int(world.region_country[j]) for j in world.foreign_adjacency[regs].any(axis=0).nonzero()[0]}
    return [world.actor_ids[i] for i in sorted(near)]


def border_states(world) -> list[str]:
    """The states that have a border with another."""
    return [a for a in world.actor_ids if world.actor(a).kind in STATE_KINDS and border_neighbours(world, a)]


class InstructorScreen(Screen):
    name = "instructor"

    def __init__(self, app):
        super().__init__(app)
        self.session = app.session
        self.game = self.session.game
        w = self.game.world
        self.pane = "region"
        self.region = w.region_ids[0]
        self.figure = "violence"
        self.of, self.interest = w.actor_ids[0], "non_interference"
        self.towards = w.actor_ids[1] if len(w.actor_ids) > 1 else w.actor_ids[0]
        states = border_states(w)
        self.country = states[0] if states else None
        self.neighbour = border_neighbours(w, self.country)[0] if self.country else None
        self.recipients: set[str] = set()       # empty: every seat
        self.news_entry = None
        self.news_text = ""
        self.headings: list[tuple[str, tuple[int, int], int]] = []
        self.status_rect = pygame.Rect(0, 0, 0, 0)

    # --- layout --------------------------------------------------------------------------
    def columns(self) -> list[pygame.Rect]:
        W, H = self.app.size
        m, gap = px(24), px(20)
        top = px(96)
        cw = (W - 2 * m - 2 * gap) // 3
        return [pygame.Rect(m + i * (cw + gap), top, cw, H - top - px(24)) for i in range(3)]

    def build(self) -> None:
        W, H = self.app.size
        s = self.session
        self.headings = []
        self.label((px(24), px(10), W - px(440), px(50)), "Instructor's console", "h1")
        waiting = self.game.waiting_for() if self.game.simultaneous else []
        self.button((W - px(640), px(18), px(228), px(44)), "End the turn now", self.end_turn_now, oid="end_turn_now",
                    enabled=not self.game.over and not s.paused,
                    tip=("Run this turn for every seat now: " + (f"{len(waiting)} still deciding; what they left open "
                         "is listed in the news" if waiting else "every seat has ended it")))
        self.button((W - px(400), px(18), px(200), px(44)), "Resume the game" if s.paused else "Pause the game",
                    self.toggle_pause, oid="pause", cls="danger" if s.paused else None,
                    tip="While paused no seat can end its turn; the top bar says so.")
        self.button((W - px(188), px(18), px(164), px(44)), "Back to game", self.close, oid="close_console",
                    cls="primary", tip="Back to the game (F9 or Esc)")
        _, c2, c3 = self.columns()
        self.build_inform(c2)
        self.build_adjust(c3)

    def clear(self) -> None:
        if self.news_entry is not None and self.news_entry.alive():
            self.news_text = self.news_entry.get_text()     # a rebuild keeps what is being written
        super().clear()

    def heading(self, text: str, x: int, y: int, width: int | None = None) -> int:
        self.headings.append((text, (x, y), width or self.columns()[0].w))
        return y + px(26)

    def pick_list(self, rect: pygame.Rect, items, selected, pick, oid: str, row: int = 34) -> None:
        """A scrolling list of (id, label) buttons; ``pick(id)`` on a click; ``selected`` is marked."""
        box = UIScrollingContainer(rect, manager=self.app.manager, container=self.root, allow_scroll_x=False)
        y = 0
        for key, label in items:
            b = self.button((0, y, rect.w - px(20), px(row)), label, (lambda k=key: pick(k)), cls="list_item",
                            oid=f"{oid}_{key}", container=box)
            if key == selected:
                b.select()
            y += px(row + 4)
        box.set_scrollable_area_dimensions((rect.w - px(20), max(y, rect.h - 4)))

    def row_of_buttons(self, x: int, y: int, width: int, specs, per_row: int = 4, height: int = 38,
                       cls: str | None = "tab") -> int:
        """Buttons (label, fn, oid, tip, selected) in rows of ``per_row``; returns the y below them."""
        gap = px(6)
        bw = (width - (per_row - 1) * gap) // per_row
        for i, (label, fn, oid, tip, selected) in enumerate(specs):
            r, c = divmod(i, per_row)
            b = self.button((x + c * (bw + gap), y + r * px(height + 6), bw, px(height)), label, fn, oid=oid,
                            cls=cls, tip=tip)
            if selected:
                b.select()
        rows = -(-len(specs) // per_row)
        return y + rows * px(height + 6)

    # --- column 2: inject, news and briefings, withdraw ------------------------------------
    def build_inform(self, c: pygame.Rect) -> None:
        w, seats = self.game.world, self.session.seats
        y = self.heading("INJECT ONE OF THE SCENARIO'S EVENTS", c.x, c.y)
        ev_box = pygame.Rect(c.x, y, c.w, min(px(44) * len(w.scenario.events) + px(4), max(px(132), int(c.h * 0.38))))
        sc = UIScrollingContainer(ev_box, manager=self.app.manager, container=self.root, allow_scroll_x=False)
        ey = 0
        for ev in w.scenario.events:
            self.button((0, ey, ev_box.w - px(20), px(38)), ev.title, (lambda e=ev.id: self.inject(e)),
                        cls="list_item", oid=f"inject_{ev.id}", container=sc,
                        tip=f"Fire '{ev.id}' now: its effects apply to this game at once.")
            ey += px(44)
        sc.set_scrollable_area_dimensions((ev_box.w - px(20), max(ey, ev_box.h - 4)))
        y = self.heading("OR WRITE A NEWS ITEM, FOR EVERY SEAT OR SOME", c.x, ev_box.bottom + px(14))
        self.news_entry = UITextEntryLine(pygame.Rect(c.x, y, c.w, px(40)), manager=self.app.manager,
                                          container=self.root, object_id=ObjectID("#news_text", None))
        self.news_entry.set_text_length_limit(MAX_NEWS)
        self.news_entry.set_text(self.news_text)
        everyone = not self.recipients
        specs = [("Every seat", self.to_everyone, "to_all", "A public news item: every seat (and the projector) "
                  "reads it", everyone)]
        specs += [(w.name(a), (lambda a=a: self.toggle_recipient(a)), f"to_{a}",
                   f"A briefing for {w.name(a)} (and the other seats chosen) only", a in self.recipients)
                  for a in seats]
        y = self.row_of_buttons(c.x, y + px(48), c.w, specs, height=36)
        label = "Publish the news" if everyone else f"Brief {len(self.recipients)} seat{'s' * (len(self.recipients) > 1)}"
        self.button((c.x, y + px(4), px(240), px(40)), label, self.publish, oid="publish",
                    tip="Put this item in the feed now" + ("" if everyone else " of the seats chosen only"))
        y = self.heading("YOUR NEWS ITEMS: WITHDRAW ONE TO HIDE IT", c.x, y + px(58))
        self.build_items(pygame.Rect(c.x, y, c.w, max(c.bottom - y, px(80))))

    def build_items(self, rect: pygame.Rect) -> None:
        w = self.game.world
        box = UIScrollingContainer(rect, manager=self.app.manager, container=self.root, allow_scroll_x=False)
        y, bw = 0, px(110)
        items = instructor_items(self.game)
        for i, it in enumerate(items):
            who = "Every seat" if it["to"] is None else ", ".join(w.name(a) for a in it["to"])
            room = rect.w - px(20) - bw - px(8)
            self.label((0, y, room, px(34)), widgets.fit(f"{who}: {it['text']}", widgets.font(14), room - px(12)),
                       "muted" if it["withdrawn"] else None, container=box)
            if it["withdrawn"]:
                self.label((rect.w - px(20) - bw, y, bw, px(34)), "withdrawn", "muted", container=box)
            else:
                self.button((rect.w - px(20) - bw, y, bw, px(34)), "Withdraw", (lambda t=it["text"]: self.withdraw(t)),
                            oid=f"withdraw_{i}", container=box,
                            tip=f"Hide this item from the seats (logged): “{it['text']}”")
            y += px(40)
        if not items:
            self.label((0, 0, rect.w - px(20), px(30)), "none yet", "muted", container=box)
        box.set_scrollable_area_dimensions((rect.w - px(20), max(y, rect.h - 4)))

    # --- column 3: adjust a region, an interest, a tie, a border ---------------------------
    def build_adjust(self, c: pygame.Rect) -> None:
        y = self.heading("ADJUST THE GAME", c.x, c.y)
        specs = [(label, (lambda p=key: self.select("pane", p)), f"pane_{key}", None, key == self.pane)
                 for key, label in PANES]
        y = self.row_of_buttons(c.x, y, c.w, specs) + px(6)
        foot = c.bottom - px(120)                     # the status lines, then the buttons
        self.status_rect = pygame.Rect(c.x, foot, c.w, px(64))
        getattr(self, f"build_{self.pane}")(pygame.Rect(c.x, y, c.w, foot - y - px(14)), c.bottom - px(48))

    def half_lists(self, area: pygame.Rect, left, right) -> None:
        """Two pick lists side by side under their headings: ``left`` and ``right`` are
        (heading, items, selected, attribute, oid)."""
        half = (area.w - px(10)) // 2
        for i, (title, items, selected, attr, oid) in enumerate((left, right)):
            x = area.x + i * (half + px(10))
            y = self.heading(title, x, area.y, half)
            self.pick_list(pygame.Rect(x, y, half, area.bottom - y), items, selected,
                           (lambda k, a=attr: self.select(a, k)), oid)

    def steps(self, y: int, oid: str, fn, what: str) -> None:
        c = self.status_rect
        self.row_of_buttons(c.x, y, c.w, [(f"{d:+g}", (lambda d=d: fn(d)), f"{oid}_{key}", f"Change {what} by {d:+g} now",
                                           False) for key, d in STEPS], height=40, cls=None)

    def build_region(self, area: pygame.Rect, buttons_y: int) -> None:
        w = self.game.world
        figures_y = area.bottom - px(44)
        self.pick_list(pygame.Rect(area.x, area.y, area.w, figures_y - area.y - px(8)),
                       [(r, w.name(r)) for r in w.region_ids], self.region, lambda r: self.select("region", r), "region")
        self.row_of_buttons(area.x, figures_y, area.w, [
            (f, (lambda f=f: self.select("figure", f)), f"figure_{f}", None, f == self.figure) for f in ADJUSTABLE])
        self.steps(buttons_y, "adjust", self.adjust, f"{self.figure} in {w.name(self.region)}")

    def build_interest(self, area: pygame.Rect, buttons_y: int) -> None:
        w = self.game.world
        self.half_lists(area, ("WHOSE", [(a, w.name(a)) for a in w.actor_ids], self.of, "of", "of"),
                        ("INTEREST", [(k, interest_words(k)) for k in INTEREST_KEYS], self.interest, "interest",
                         "interest"))
        self.steps(buttons_y, "weight", self.set_interest, f"{w.name(self.of)}'s weight on {interest_words(self.interest)}")

    def build_tie(self, area: pygame.Rect, buttons_y: int) -> None:
        w = self.game.world
        self.half_lists(area, ("HOW THIS ACTOR", [(a, w.name(a)) for a in w.actor_ids], self.of, "of", "of"),
                        ("REGARDS THIS ONE", [(a, w.name(a)) for a in w.actor_ids if a != self.of], self.towards,
                         "towards", "towards"))
        self.steps(buttons_y, "tie", self.set_tie, f"{w.name(self.of)}'s tie to {w.name(self.towards)}")

    def build_border(self, area: pygame.Rect, buttons_y: int) -> None:
        w = self.game.world
        if self.country is None:
            return
        self.half_lists(area, ("THIS STATE'S SIDE", [(a, w.name(a)) for a in border_states(w)], self.country, "country",
                               "country"),
                        ("OF ITS BORDER WITH", [(a, w.name(a)) for a in border_neighbours(w, self.country)],
                         self.neighbour, "neighbour", "neighbour"))
        is_open = self.border_open(self.country, self.neighbour)
        verb = "Close" if is_open else "Open"
        self.button((self.status_rect.x, buttons_y, self.status_rect.w, px(40)),
                    f"{verb} {w.name(self.country)}'s side", self.toggle_border, oid="border_toggle",
                    tip=f"{verb} {w.name(self.country)}'s border with {w.name(self.neighbour)} now, on your say. "
                        "Refugees and fighters cross only where both sides are open.")

    # --- commands ------------------------------------------------------------------------
    def _do(self, action) -> bool:
        host = self.session.host          # a network game: the host applies it and tells every laptop
        res = host.submit_instructor(action) if host is not None else self.game.submit(action)
        self.app.toast(res.text, "info" if res.ok else "warning", 6)
        return res.ok

    def end_turn_now(self) -> None:
        """End the turn for every seat (the seats still deciding are named first); back to the game."""
        gs = self.app.find_screen("game")
        self.app.pop()
        gs.end_turn_for_every_seat()

    def toggle_pause(self) -> None:
        self.session.paused = not self.session.paused
        if self.session.host is not None:
            self.session.host.set_paused(self.session.paused)
        self.app.toast("Paused: no seat can end its turn." if self.session.paused else "The game goes on.")
        self.build_root()

    def inject(self, event_id: str) -> None:
        self._do(InstructorInject(INSTRUCTOR, event=event_id))

    def publish(self) -> None:
        text = self.news_entry.get_text().strip() if self.news_entry is not None else ""
        if not text:
            self.app.toast("Write the news item first.", "warning")
            return
        to = tuple(a for a in self.session.seats if a in self.recipients)
        action = InstructorBrief(INSTRUCTOR, text=text, to=to) if to else InstructorInject(INSTRUCTOR, text=text)
        if self._do(action):
            self.news_entry.set_text("")
            self.build_root()

    def to_everyone(self) -> None:
        self.recipients.clear()
        self.build_root()

    def toggle_recipient(self, actor: str) -> None:
        self.recipients ^= {actor}
        self.build_root()

    def withdraw(self, text: str) -> None:
        if self._do(InstructorWithdraw(INSTRUCTOR, text=text)):
            self.build_root()

    def select(self, attr: str, value: str) -> None:
        setattr(self, attr, value)
        w = self.game.world
        if attr == "of" and self.towards == value:
            self.towards = next(a for a in w.actor_ids if a != value)
        if attr == "country":
            self.neighbour = border_neighbours(w, value)[0]
        self.build_root()

    def adjust(self, step: float) -> None:
        self._do(InstructorAdjust(INSTRUCTOR, region=self.region, figure=self.figure, add=step))

    def set_interest(self, step: float) -> None:
        w = self.game.world
        now = float(w.interest_of[w.a(self.of)][self.interest])
        if self._moved(now, step, 0.0, 1.0):
            self._do(InstructorInterest(INSTRUCTOR, of=self.of, interest=self.interest,
                                        weight=round(min(1.0, max(0.0, now + step)), 4)))

    def set_tie(self, step: float) -> None:
        w = self.game.world
        now = float(w.ties[w.a(self.of), w.a(self.towards)])
        if self._moved(now, step, -1.0, 1.0):
            self._do(InstructorTie(INSTRUCTOR, of=self.of, towards=self.towards,
                                   value=round(min(1.0, max(-1.0, now + step)), 4)))

    def _moved(self, now: float, step: float, low: float, high: float) -> bool:
        """Whether ``step`` moves ``now`` within [low, high]; says so when it cannot."""
        if (step > 0 and now >= high) or (step < 0 and now <= low):
            self.app.toast(f"It is already {now:+.2f}, the {'highest' if step > 0 else 'lowest'} it can be.", "warning")
            return False
        return True

    def border_open(self, country: str, neighbour: str) -> bool:
        w = self.game.world
        return border_is_open(w, self.game.state_for(INSTRUCTOR_VIEW), country, neighbour)

    def toggle_border(self) -> None:
        opened = not self.border_open(self.country, self.neighbour)
        if self._do(InstructorBorder(INSTRUCTOR, country=self.country, neighbour=self.neighbour, open=opened)):
            self.build_root()

    def close(self) -> None:
        self.app.pop()
        gs = self.app.find_screen("game")
        if gs is not None:
            gs.changed()

    def handle_event(self, event) -> None:
        if event.type == pygame.KEYDOWN and event.key in (pygame.K_ESCAPE, pygame.K_F9):
            self.close()

    # --- drawing -------------------------------------------------------------------------
    def status(self) -> str:
        """The figure the adjust pane changes, as it is now."""
        g, w = self.game, self.game.world
        if self.pane == "region":
            now = float(getattr(region(w, g.state_for(INSTRUCTOR_VIEW), self.region), self.figure))
            return f"{w.name(self.region)}: {self.figure} is {now:.2f} (0 to 1)"
        if self.pane == "interest":
            now = w.interest_of[w.a(self.of)][self.interest]
            was = getattr(w.actor(self.of).interests, self.interest)
            return (f"{w.name(self.of)}'s weight on {interest_words(self.interest)} is {now:.2f} (0 indifferent, "
                    f"1 vital; {was:.2f} in the scenario)")
        if self.pane == "tie":
            a, b = w.a(self.of), w.a(self.towards)
            return (f"{w.name(self.of)}'s tie to {w.name(self.towards)} is {w.ties[a, b]:+.2f} (-1 hostile, 1 close "
                    f"ally); the other way round {w.ties[b, a]:+.2f}")
        if self.country is None:
            return "No state in this scenario has a border with another."
        side = "open" if self.border_open(self.country, self.neighbour) else "closed"
        other = "open" if self.border_open(self.neighbour, self.country) else "closed"
        return (f"{w.name(self.country)}'s side of its border with {w.name(self.neighbour)} is {side}; "
                f"{w.name(self.neighbour)}'s side is {other}.")

    def draw(self, surface) -> None:
        pal = self.app.palette
        g, s, w = self.game, self.session, self.game.world
        W = self.app.size[0]
        state = "PAUSED: no seat can end its turn" if s.paused else "running"
        widgets.text(surface, f"{w.scenario.title}  ·  {widgets.pretty_date(g.date.isoformat())}  ·  turn {g.turn} "
                              f"of {w.last_turn}  ·  {state}", (px(24), px(62)), 14,
                     pal.warning if s.paused else pal.muted, max_width=W - px(440))
        c1, _, _ = self.columns()
        for text, pos, width in self.headings:
            widgets.text(surface, text, pos, 13, pal.muted, bold=True, max_width=width)
        r = self.status_rect
        widgets.paragraph(surface, self.status(), r.x, r.y, r.w, 14, pal.text)
        widgets.text(surface, "SEATS: OPEN DECISIONS AND VOTES", c1.topleft, 13, pal.muted, bold=True)
        y = c1.y + px(28)
        for head, lines in seat_overview(g, s.seats, s.actor):
            widgets.text(surface, head, (c1.x, y), 15, pal.text, bold=True, max_width=c1.w)
            y += px(22)
            for line in lines:
                y = widgets.paragraph(surface, line, c1.x + px(12), y, c1.w - px(12), 13,
                                      pal.muted if line == "nothing open" else pal.text)
            y += px(8)
        y += px(8)
        widgets.text(surface, "YOUR CHANGES (LOGGED: DEBRIEF AND REPORT)", (c1.x, y), 13,
                     pal.muted, bold=True, max_width=c1.w)
        y += px(24)
        changes = instructor_changes(g)
        for line in (changes[-8:] or ["none yet"]):
            if y > c1.bottom - px(20):
                break
            y = widgets.paragraph(surface, line, c1.x, y, c1.w, 13, pal.text if changes else pal.muted)
