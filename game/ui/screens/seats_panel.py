"""The Seats tab of the public view (the projector, the network host's window): every team's seat and
whether it has ended its turn, never what it did, and the sessions waiting for a decision."""
from __future__ import annotations

import pygame

from game.ui import widgets
from game.engine.views import pending_sessions
from game.ui.screens.virtual_list import ListPanel
from game.ui.widgets import px


def seat_lines(game, connected=None) -> list[tuple[str, str]]:
    """(seat name, status) for every human seat: 'turn ended' or 'deciding' (and, at a network host,
    whether its laptop is connected: ``connected`` is the set of seats with a live client)."""
    out = []
    for a in sorted(game.humans, key=game.world.actor_ids.index):
        status = "turn ended" if a in game.ready else "deciding…"
        if connected is not None and a not in connected:
            status += "  ·  no laptop"
        out.append((game.world.name(a), status))
    return out


class SeatsPanel(ListPanel):
    """In the public view the side tab lists the seats; nothing in it acts for a seat (at a network host,
    the instructor can give a seat to the computer or free it)."""

    def build(self, rect: pygame.Rect):
        s = self.screen
        sc = self.container(rect, "#seats")
        iw, y = rect.w - px(18), 0
        host = getattr(s.session, "host", None)
        connected = host.connected_seats() if host is not None else None
        self.list.label((0, y, iw, px(24)), "SEATS", "kicker", oid="seats_kicker")
        y += px(28)
        for seat, (name, status) in zip(sorted(s.game.humans, key=s.world.actor_ids.index),
                                        seat_lines(s.game, connected)):
            self.list.label((0, y, iw, px(26)), f"{name}: {status}", None)
            y += px(30)
            if host is not None:                  # the instructor's say over a seat whose laptop is gone
                bw = (iw - px(8)) // 2
                self.list.button((0, y, bw, px(32)), "Computer plays it", lambda a=seat: self._to_computer(a),
                                 oid=f"seat_ai_{seat}", tip=f"The computer plays {name} from now on; its laptop "
                                 "is disconnected")
                self.list.button((bw + px(8), y, bw, px(32)), "Free the seat", lambda a=seat: self._free(a),
                                 oid=f"seat_free_{seat}", tip=f"Another laptop may join as {name} with the code")
                y += px(40)
        waiting = s.game.waiting_for()
        hint = ("Every seat has ended its turn: End turn runs it." if not waiting else
                "The turn runs when every seat has ended it, or when you end it now; what a seat left open "
                "is then listed in the news.")
        for line in widgets.wrap(hint, widgets.font(13), iw - px(8)):    # a label is one line
            self.list.label((0, y, iw, px(22)), line, "muted")
            y += px(22)
        y += px(12)
        self.list.label((0, y, iw, px(24)), "SESSIONS AND PLEAS PENDING", "kicker")
        y += px(28)
        pend = pending_sessions(s.world, s.state)
        for p in pend or [None]:
            text = ("No request awaits a session." if p is None else
                    f"{s.world.name(p.requester)}'s request to "
                    f"{'the ' + p.body if p.body in s.world.org_ids else s.world.name(p.body)}: "
                    f"{widgets.pretty_date(p.date) if p.date else 'awaiting an answer'}")
            for line in widgets.wrap(text, widgets.font(14), iw - px(8)):
                self.list.label((0, y, iw, px(24)), line, None if p else "muted")
                y += px(24)
            y += px(6)
        sc.set_scrollable_area_dimensions((iw, max(y, rect.h - 4)))
        self.materialise(force=True)
        return sc

    def _to_computer(self, seat: str) -> None:
        self.screen.session.host.hand_to_ai(seat)
        self.screen.app.toast(f"The computer now plays {self.screen.world.name(seat)}.")
        self.dirty = True

    def _free(self, seat: str) -> None:
        self.screen.session.host.hand_over(seat)
        self.screen.app.toast(f"{self.screen.world.name(seat)}'s seat is free: the next laptop to join it with the "
                              "code takes it.")
        self.dirty = True

    def draw(self, surface) -> None:
        s = self.screen
        if s.game.over:
            return
        pal, side, y = s.app.palette, s.side, s.content.y - px(6)
        widgets.text(surface, "Public view", (side.x + px(14), y), 13, pal.text, bold=True, anchor="bottomleft")
        waiting = len(s.game.waiting_for())
        widgets.text(surface, f"{waiting} seat{'s' if waiting != 1 else ''} deciding" if waiting else "all seats done",
                     (side.right - px(14), y), 13, pal.accent, bold=True, anchor="bottomright")
