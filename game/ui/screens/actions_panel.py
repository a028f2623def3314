"""The Actions tab: what the seat can do this turn, in groups, with a framing picker for requests
and a force picker for deployments. The list is virtualised (see virtual_list)."""
from __future__ import annotations

import pygame

from game.engine.views import SeatView, forces, pending_sessions
from game.ui import widgets
from game.ui.screens.council import vote_status
from game.ui.screens.virtual_list import ListPanel
from game.ui.widgets import fmt_num, px

GROUP_ORDER = ["Decisions", "Council", "Requests", "Home", "Operations", "Forces", "Borders", "Aid", "Diplomacy"]
GROUP_HELP = {
    "Decisions": "Events waiting for your choice (otherwise the first option is taken at End Turn).",
    "Council": "Votes in a pending session, and answers to requests made to you.",
    "Requests": "Ask an organisation or a state for help. The framing shapes how members judge it.",
    "Home": "Measures in your own regions.",
    "Forces": "Pick a force, select a region on the map, then deploy.",
    "Borders": "Open or close borders and guard them.",
    "Aid": "Help a state in crisis.",
    "Diplomacy": "Mediation and public statements.",
    "Operations": "Armed action.",
}
FRAMINGS = [("internal_unrest", "Internal unrest"), ("outside_interference", "Outside interference"),
            ("terrorism", "Terrorism"), ("border_incident", "Border incident"), ("aggression", "Aggression")]
FRAMING_TIPS = {"aggression": "Accuse a named state of aggression (in requests to an organisation; a plea to a "
                              "single state names no attacker)"}


class ActionsPanel(ListPanel):
    """Builds the list on ``build(rect)`` when ``dirty``; clicks submit through ``screen.submit``."""

    # --- building --------------------------------------------------------------------------
    def build(self, rect: pygame.Rect):
        """A scrolling container in ``rect`` with the rows in view made; returns the container."""
        from game.engine.menu import menu_for
        s = self.screen
        sc = self.container(rect, "#actions")
        y = self._plan(menu_for(s.world, s.state, s.session.actor), rect.w - px(18))
        sc.set_scrollable_area_dimensions((rect.w - px(18), max(y, rect.h - 4)))
        self.materialise(force=True)
        return sc

    def _plan(self, items, iw: int) -> int:
        rows = self.list
        y = 0
        groups: dict[str, list] = {}
        for it in items:
            groups.setdefault(it.group, []).append(it)
        if self.screen.game.over:
            rows.label((0, y, iw, px(26)), "The scenario has ended.", "muted")
            y += px(30)
        order = [g for g in GROUP_ORDER if g in groups] + [g for g in groups if g not in GROUP_ORDER]
        for gname in order:
            its = groups[gname]
            rows.label((0, y, iw, px(24)), gname.upper(), "kicker")
            y += px(22)
            for line in widgets.wrap(GROUP_HELP.get(gname, ""), widgets.font(13), iw - px(8)):
                rows.label((0, y, iw, px(20)), line, "muted")
                y += px(19)
            y += px(6)
            if gname == "Council":
                y = self._vote_notes(y, iw)
            if gname == "Requests":
                y = self._framing_picker(y, iw)
                its = [it for it in its if getattr(it.action, "framing", None) in (None, self.framing)]
            if gname == "Forces":
                y = self._forces_block(y, iw, its)
            else:
                for it in its:
                    y = self._action_button(y, iw, it, _label(it, self.screen.world))
            y += px(12)
        return y

    def _vote_notes(self, y: int, iw: int) -> int:
        """Under the Council group: what this seat has voted or proposed for each pending session."""
        s = self.screen
        w, st = s.world, s.state
        seen = set()
        for p in pending_sessions(w, st):
            body = p.body
            if body in seen:
                continue
            seen.add(body)
            lines = vote_status(w, st, s.session.actor, body)
            if not lines:
                continue
            where = f"The {body}" if body in w.org_ids else f"{w.name(p.requester)}'s plea"
            self.list.label((0, y, iw, px(20)), where, "kicker")
            y += px(20)
            for text, done in lines:
                for line in widgets.wrap(text, widgets.font(13, True), iw - px(12)):
                    self.list.label((0, y, iw, px(20)), line, "done" if done else "todo")
                    y += px(19)
            y += px(6)
        return y

    def _action_button(self, y: int, iw: int, it, label: str) -> int:
        """One action: a button that submits it, its cost at the right."""
        text = widgets.fit(label, widgets.font(13), iw - px(72))       # clear of the cost at the right
        b = self.list.button((0, y, iw, px(34)), text, (lambda it=it: self.screen.submit(it)), tip=it.tooltip,
                             cls="action" if it.allowed else "refused", oid=f"act_{abs(hash(it.text)) % 10**8}")
        b.menu_item = it
        self.list.label((iw - px(52), y + px(6), px(44), px(22)), f"{it.action.cost(None):g} AP", "muted")
        return y + px(38)

    def _framing_picker(self, y: int, iw: int) -> int:
        bw = (iw - px(6)) // 2
        for i, (f, label) in enumerate(FRAMINGS):
            tip = FRAMING_TIPS.get(f, f"Present the crisis as {label.lower()} in your requests: the members, the "
                                      "treaty's articles and a state you ask judge each framing differently")
            b = self.list.button(((i % 2) * (bw + px(6)), y + (i // 2) * px(32), bw, px(28)), label,
                                 (lambda f=f: self.set_framing(f)), cls="overlay", oid=f"framing_{f}", tip=tip)
            if f == self.framing:
                b.select()
        return y + px(32) * ((len(FRAMINGS) + 1) // 2) + px(4)

    def _forces_block(self, y: int, iw: int, its) -> int:
        """The seat's forces (pick one), then Deploy to the region selected on the map, and Withdraw."""
        s = self.screen
        forces = list(dict.fromkeys(f for f in (getattr(it.action, "force", None) for it in its) if f))
        if not forces:
            return y
        if self.force not in forces:
            self.force = forces[0]
        for fid in forces:
            b = self.list.button((0, y, iw, px(30)), self._force_label(fid), (lambda f=fid: self.set_force(f)),
                                 cls="list_item", oid=f"force_{fid}",
                                 tip="Select this force; then pick a region on the map and deploy it")
            if fid == self.force:
                b.select()
            y += px(34)
        region = s.map.selected if s.map else None
        deploy = next((it for it in its if type(it.action).__name__ == "DeployForce"
                       and it.action.force == self.force and it.action.region == region), None)
        if deploy is not None:
            y = self._action_button(y, iw, deploy, f"Deploy to {s.world.name(region)}")
        else:
            self.list.button((0, y, iw, px(34)), "Deploy: select a region on the map", lambda: s.app.toast(
                "Click a region on the map first, then deploy the selected force there.", "warning"),
                cls="refused", oid="deploy_hint", tip="Click a region on the map to choose where this force goes")
            y += px(38)
        wd = next((it for it in its if type(it.action).__name__ == "WithdrawForce"
                   and it.action.force == self.force), None)
        if wd is not None:
            y = self._action_button(y, iw, wd, "Withdraw")
        return y

    def _force_label(self, fid: str) -> str:
        w = self.screen.world
        f = next(f for f in forces(w, self.screen.state) if f.id == fid)
        where = (f"in {w.name(f.at)}" if f.status == "deployed" and f.at else
                 {"in_transit": "on the move", "at_home": "at home"}.get(f.status, "not raised"))
        return f"{f.name}  ·  {fmt_num(f.strength)}  ·  {where}"

    # --- choices -----------------------------------------------------------------------------
    def set_framing(self, f: str) -> None:
        self.framing = f
        self.dirty = True

    def set_force(self, fid: str) -> None:
        self.force = fid
        self.dirty = True

    # --- drawing -----------------------------------------------------------------------------
    def draw(self, surface) -> None:
        """Over the list: whose turn it is and the action points left."""
        s = self.screen
        g, w, pal = s.game, s.world, s.app.palette
        if g.over:
            return
        side, y = s.side, s.content.y - px(6)
        ap = SeatView(g, s.session.actor).action_points()
        widgets.text(surface, getattr(w.actor(s.session.actor), "short_name", None) or w.name(s.session.actor),
                     (side.x + px(14), y), 13, pal.text, bold=True, anchor="bottomleft")
        widgets.text(surface, f"{ap:g} action point{'s' if ap != 1 else ''} left", (side.right - px(14), y), 13,
                     pal.accent if ap > 0 else pal.oppose, bold=True, anchor="bottomright")


def _label(it, world=None) -> str:
    """A menu item's button text (requests under an article are named by it and by the state they accuse)."""
    a = it.action
    if (type(a).__name__ == "RequestAssistance" and getattr(a, "article", None) is not None
            and getattr(a, "about", None) is None):
        against = getattr(a, "against", None)
        if against:
            return f"Ask the {a.target_body} (Art. {a.article}) against {world.name(against) if world else against}"
        return f"Ask the {a.target_body} under Article {a.article}"
    return it.text
