"""The game screen: the map, the selected region or actor, the actions, the council and the news.

The screen never changes the world itself: it submits engine actions, ends turns and undoes.
Widgets are rebuilt only when what they show changed (dirty flags).
"""
from __future__ import annotations

import numpy as np
import pygame
from pygame_gui.core import ObjectID
from pygame_gui.elements import UIImage, UIScrollingContainer, UITextBox

from game.ui import widgets
from game.ui.screens.base import Screen
from game.ui.screens.council import pending_requests, render_council, vote_status
from game.ui.widgets import esc, fmt_num, hfont, px

OVERLAYS = [("control", "Control"), ("violence", "Violence"), ("displacement", "Displacement"),
            ("stability", "Stability"), ("none", "Plain")]
OVERLAY_HELP = {
    "control": "Who holds each region: the government's share of control",
    "violence": "Intensity of armed violence in each region",
    "displacement": "People driven from their homes, as a share of the population",
    "stability": "Order and trust in the state (red: collapse, green: stable)",
    "none": "The plain political map",
}
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
            ("terrorism", "Terrorism"), ("border_incident", "Border incident")]


def make_map(size, palette):
    """The map component (game.ui.map_view.MapView), bound later to the world."""
    try:
        from game.ui.map_data import load_map_data
        from game.ui.map_view import MapView
    except ImportError:
        return FallbackMap(size)
    mv = MapView(size, load_map_data())
    if palette.colourblind and hasattr(mv, "set_palette"):
        try:
            mv.set_palette("colorblind")
        except (TypeError, ValueError, KeyError):
            pass
    return mv


class FallbackMap:
    """A plain panel used only while the map component is unavailable."""

    def __init__(self, size):
        self.rect = pygame.Rect((0, 0), size)
        self.hovered = self.selected = None
        self.overlay = "violence"
        self.world = self.state = None
        self.zoom = 1.0
        self.offset = [0.0, 0.0]
        self._boxes = {}

    def bind(self, world):
        self.world = world

    def set_state(self, state):
        self.state = state

    def set_overlay(self, name):
        self.overlay = name

    def fit(self, ids=None):
        self.zoom, self.offset = 1.0, [0.0, 0.0]

    def zoom_at(self, pos, f):
        self.zoom = max(0.5, min(8.0, self.zoom * f))

    def pan(self, dx, dy):
        self.offset[0] += dx
        self.offset[1] += dy

    def tooltip_text(self):
        return self.world.name(self.hovered) if self.hovered and self.world else None

    def handle_event(self, e):
        if e.type in (pygame.MOUSEMOTION, pygame.MOUSEBUTTONUP) and hasattr(e, "pos"):
            self.hovered = next((r for r, b in self._boxes.items() if b.collidepoint(e.pos)), None)
            if e.type == pygame.MOUSEBUTTONUP and e.button == 1 and self.rect.collidepoint(e.pos):
                self.selected = self.hovered
                return self.selected
        if e.type == pygame.MOUSEWHEEL:
            self.zoom_at(None, 1.2 if e.y > 0 else 1 / 1.2)
        return None

    def draw(self, surface):
        pygame.draw.rect(surface, (20, 28, 38), self.rect)
        if not self.world:
            return
        self._boxes = {}
        n = len(self.world.region_ids)
        cols = 4
        bw, bh = self.rect.w // (cols + 1), px(60)
        for i, rid in enumerate(self.world.region_ids):
            b = pygame.Rect(self.rect.x + px(30) + (i % cols) * (bw + 8) + self.offset[0],
                            self.rect.y + px(80) + (i // cols) * (bh + 8) + self.offset[1], bw, bh)
            self._boxes[rid] = b
            v = float(self.state.violence[0, i]) if self.state is not None else 0
            pygame.draw.rect(surface, (60 + int(150 * v), 50, 50), b, border_radius=4)
            if rid in (self.hovered, self.selected):
                pygame.draw.rect(surface, (230, 200, 90), b, 2, border_radius=4)
            widgets.text(surface, self.world.name(rid), b.center, 12, (230, 230, 230), anchor="center")

    def legend(self):
        return []

    def draw_legend(self, surface, rect):
        pass


class _Planned:
    """A widget of the actions list that is built only while its row is in view (a virtualised list:
    a full list made ~120 pygame_gui elements, a dozen surfaces each)."""

    def __init__(self, kind, args, kwargs):
        self.kind, self.args, self.kwargs = kind, args, kwargs
        self.rect = pygame.Rect(args[0])
        self.selected = False
        self.menu_item = None

    def select(self) -> None:
        self.selected = True


class GameScreen(Screen):
    name = "game"

    def __init__(self, app):
        super().__init__(app)
        self.session = app.session
        self.game = self.session.game
        self.world = self.game.world
        self.tab = "actions"
        self.framing = "internal_unrest"
        self.force = None
        self.overlay = "violence"
        self.mouse = (0, 0)
        self.map = None
        self._council_cache = None
        self._news_count = -1
        self._news_box = None
        self._tab_box = None
        self._plan = None          # while planning the actions list: the widgets to be
        self.rows: list[_Planned] = []
        self._live: dict[int, object] = {}
        self._mat_range = (0, -1)
        self.dirty = {"tab": True, "news": True}

    # --- the virtualised actions list --------------------------------------------------
    def button(self, rect, label, fn, **kw):
        if self._plan is not None and kw.get("container") is self._plan:
            p = _Planned("button", (rect, label, fn), kw)
            self.rows.append(p)
            return p
        return super().button(rect, label, fn, **kw)

    def label(self, rect, s, cls=None, container=None, oid=None):
        if self._plan is not None and container is self._plan:
            p = _Planned("label", (rect, s), {"cls": cls, "container": container, "oid": oid})
            self.rows.append(p)
            return p
        return super().label(rect, s, cls, container, oid)

    def scroll_offset(self) -> int:
        sc = self._tab_box
        inner = getattr(sc, "scrollable_container", None)
        return max(0, -inner.relative_rect.top) if inner is not None else 0

    def scroll_to(self, y: int) -> None:
        """Scroll the actions list so that content row ``y`` is near the top."""
        sc = self._tab_box
        bar = getattr(sc, "vert_scroll_bar", None)
        if bar is None or not getattr(sc, "scrolling_height", 0):
            return
        bar.set_scroll_from_start_percentage(max(0.0, min(1.0, y / sc.scrolling_height)))

    def _materialise(self, force: bool = False) -> None:
        """Build the rows in view (and half a view either side); destroy those far out of it."""
        if self.tab != "actions" or self._tab_box is None or not self._tab_box.alive():
            return
        off, view = self.scroll_offset(), self.content.h
        lo, hi = self._mat_range
        if not force and lo <= off and off + view <= hi:
            return
        lo, hi = off - view // 2, off + view + view // 2
        self._mat_range = (lo, hi)
        for i, p in enumerate(self.rows):
            inside = p.rect.bottom >= lo and p.rect.top <= hi
            el = self._live.get(i)
            if inside and el is None:
                if p.kind == "button":
                    el = Screen.button(self, *p.args, **p.kwargs)
                    if p.selected:
                        el.select()
                    if p.menu_item is not None:
                        el.menu_item = p.menu_item
                else:
                    el = Screen.label(self, *p.args, **p.kwargs)
                self._live[i] = el
            elif not inside and el is not None:
                el.kill()
                self.handlers.pop(el, None)
                del self._live[i]

    # --- layout ----------------------------------------------------------------------
    def layout(self):
        W, H = self.app.size
        self.TB = px(56)
        self.SW = max(px(360), min(px(430), int(W * 0.32)))
        self.NEWS = max(px(120), int(H * 0.17))
        self.map_rect = pygame.Rect(0, self.TB, W - self.SW, H - self.TB - self.NEWS)
        self.news_rect = pygame.Rect(0, H - self.NEWS, W - self.SW, self.NEWS)
        self.side = pygame.Rect(W - self.SW, self.TB, self.SW, H - self.TB)
        self.SEL = px(196)
        self.tabs_y = self.side.y + self.SEL
        self.content = pygame.Rect(self.side.x + px(12), self.tabs_y + px(70), self.SW - px(24),
                                   H - self.tabs_y - px(70) - px(72))

    def relayout(self):
        self.map = None

    def build(self) -> None:
        self.layout()
        if self.map is None or self.map.rect.size != self.map_rect.size:
            old = self.map
            self.map = make_map(self.map_rect.size, self.app.palette)
            self.map.rect.topleft = self.map_rect.topleft
            self.map.bind(self.world)
            self.map.set_state(self.game.state)
            self.map.set_overlay(self.overlay)
            crisis = [r for r in self.world.region_ids]
            self.map.fit(crisis)
            if old is not None and old.selected:
                self.map.selected = old.selected
        else:
            self.map.rect.topleft = self.map_rect.topleft
        W, H = self.app.size
        # top bar buttons
        self.button((W - px(112), px(10), px(100), px(36)), "Menu", self.menu, oid="menu",
                    tip="Resume, save, load, settings, end and debrief, quit (Esc)")
        self.button((W - px(220), px(10), px(100), px(36)), "Help", self.help, oid="help",
                    tip="Glossary of terms and keyboard shortcuts (F1)")
        # overlay buttons
        x = self.map_rect.x + px(12)
        for i, (name, label) in enumerate(OVERLAYS):
            w = widgets.font(12, True).size(label)[0] + px(42)
            b = self.button((x, self.map_rect.y + px(12), w, px(30)), f"{i + 1}  {label}",
                            (lambda n=name: self.set_overlay(n)), cls="overlay", oid=f"overlay_{name}",
                            tip=f"{OVERLAY_HELP[name]} (key {i + 1})")
            if name == self.overlay:
                b.select()
            x += w + px(6)
        # zoom buttons
        zx = self.map_rect.right - px(48)
        zy = self.map_rect.bottom - px(124)
        self.button((zx, zy, px(36), px(36)), "+", lambda: self.zoom(1.25), cls="overlay", oid="zoom_in",
                    tip="Zoom in (+ or mouse wheel)")
        self.button((zx, zy + px(40), px(36), px(36)), "−", lambda: self.zoom(0.8), cls="overlay", oid="zoom_out",
                    tip="Zoom out (− or mouse wheel)")
        self.button((zx, zy + px(80), px(36), px(36)), "Fit", self.fit, cls="overlay", oid="zoom_fit",
                    tip="Show the whole crisis area (Home). Drag or use the arrow keys to pan.")
        # tabs
        tw = (self.SW - px(24)) // 2
        for i, (tab, label, tip) in enumerate([("actions", "Actions", "What you can do this turn (A)"),
                                               ("council", "Council", "The CSTO procedure and each member's position (C)")]):
            b = self.button((self.side.x + px(12) + i * tw, self.tabs_y, tw - px(4), px(36)), label,
                            (lambda t=tab: self.set_tab(t)), cls="tab", oid=f"tab_{tab}", tip=tip)
            if tab == self.tab:
                b.select()
        # bottom: undo + end turn
        by = H - px(62)
        blocker = self.undo_blocker()
        self.undo_button = self.button((self.side.x + px(12), by, px(100), px(48)), "Undo", self.undo, oid="undo",
                                       tip=blocker or "Take back your last action this turn (Ctrl+Z)",
                                       enabled=blocker is None)
        self.end_button = self.button((self.side.x + px(120), by, self.SW - px(132), px(48)), "End turn",
                                      self.end_turn, cls="primary", oid="end_turn", tip=self._end_tip())
        self._tab_box = None
        self._news_box = None
        self._news_count = -1
        self.dirty = {"tab": True, "news": True}
        self.update(0)

    def _end_tip(self) -> str:
        s = self.session
        if len(s.seats) > 1 and s.seat < len(s.seats) - 1:
            return f"Finish {self.world.name(s.actor)}'s moves and hand over to {self.world.name(s.seats[s.seat + 1])} (Enter or Space)"
        days = self.world.scenario.turn_days
        return f"Let the other actors move, hold the councils and advance {days} day{'s' if days != 1 else ''} (Enter or Space)"

    # --- rebuilding widgets ------------------------------------------------------------
    def _prune(self) -> None:
        self.handlers = {el: fn for el, fn in self.handlers.items() if el.alive()}

    def update(self, dt: float) -> None:
        if self.root is None or not self.root.visible:
            return      # hidden (hand-over, dialogs): rebuild when shown again
        rebuilt = False
        if not self.dirty.get("tab"):
            self._materialise()
        if self.dirty.get("tab"):
            self.dirty["tab"] = False
            if self._tab_box is not None:
                self._tab_box.kill()
            self._live = {}
            self._prune()
            self._tab_box = self._build_actions() if self.tab == "actions" else self._build_council()
            rebuilt = True
        if self.dirty.get("news") or len(self.game.news()) != self._news_count:
            self.dirty["news"] = False
            self._build_news()
            rebuilt = True
        if rebuilt and dt > 0:
            self.app._release()      # the killed widgets hold megabytes of surfaces

    def _build_news(self) -> None:
        news = self.game.news()
        self._news_count = len(news)
        if self._news_box is not None:
            self._news_box.kill()
        pal = self.app.palette
        parts = []
        for n in reversed(news[-80:]):
            col = "#%02X%02X%02X" % pal.severity(n["severity"])
            parts.append(hfont(esc(widgets.short_date(n["date"])), 12, "#8B9BAB", True) + "  "
                         + f"<font pixel_size={px(12)} color='{col}'>•</font> "
                         + hfont(esc(n["text"]), 13, "#E6ECF2" if n["severity"] != "info" else "#C9D3DD"))
        html = "<br>".join(parts) or hfont("No news yet.", 13, "#8B9BAB")
        r = self.news_rect
        self._news_box = UITextBox(html, pygame.Rect(r.x + px(12), r.y + px(30), r.w - px(24), r.h - px(36)),
                                   manager=self.app.manager, container=self.root,
                                   object_id=ObjectID("#news", None))

    def _build_actions(self):
        g, w = self.game, self.world
        actor = self.session.actor
        from game.engine.menu import menu_for
        items = menu_for(w, g.state, actor)
        box = self.content
        sc = UIScrollingContainer(pygame.Rect(box), manager=self.app.manager, container=self.root,
                                  allow_scroll_x=False, object_id=ObjectID("#actions", None))
        self._plan, self.rows, self._live = sc, [], {}
        try:
            y = self._plan_actions(sc, items, box)
        finally:
            self._plan = None
        sc.set_scrollable_area_dimensions((box.w - px(18), max(y, box.h - 4)))
        self._tab_box = sc
        self._materialise(force=True)
        return sc

    def _plan_actions(self, sc, items, box) -> int:
        g = self.game
        iw = box.w - px(18)
        y = 0
        groups: dict[str, list] = {}
        for it in items:
            groups.setdefault(it.group, []).append(it)
        if g.over:
            self.label((0, y, iw, px(26)), "The scenario has ended.", "muted", container=sc)
            y += px(30)
        order = [gname for gname in GROUP_ORDER if gname in groups] + [k for k in groups if k not in GROUP_ORDER]
        for gname in order:
            its = groups[gname]
            self.label((0, y, iw, px(24)), gname.upper(), "kicker", container=sc)
            y += px(22)
            for line in widgets.wrap(GROUP_HELP.get(gname, ""), widgets.font(13), iw - px(8)):
                self.label((0, y, iw, px(20)), line, "muted", container=sc)
                y += px(19)
            y += px(6)
            if gname == "Council":
                y = self._vote_notes(sc, y, iw)
            if gname == "Requests":
                y = self._framing_picker(sc, y, iw)
                its = [it for it in its if getattr(it.action, "framing", None) == self.framing
                       or getattr(it.action, "article", None) is None]
            if gname == "Forces":
                y = self._forces_block(sc, y, iw, its)
            else:
                for it in its:
                    y = self._action_button(sc, y, iw, it, self._label(it))
            y += px(12)
        return y

    def _vote_notes(self, sc, y, iw) -> int:
        """Under the Council group: what this seat has voted or proposed for each pending session."""
        w, st = self.world, self.game.state
        seen = set()
        for p in pending_requests(w, st):
            body = p["body"]
            if body in seen:
                continue
            seen.add(body)
            lines = vote_status(w, st, self.session.actor, body)
            if not lines:
                continue
            where = f"The {body}" if body in w.org_ids else f"{w.name(p['requester'])}'s plea"
            self.label((0, y, iw, px(20)), where, "kicker", container=sc)
            y += px(20)
            for text, done in lines:
                for line in widgets.wrap(text, widgets.font(13, True), iw - px(12)):
                    self.label((0, y, iw, px(20)), line, "done" if done else "todo", container=sc)
                    y += px(19)
            y += px(6)
        return y

    def _label(self, it) -> str:
        a = it.action
        if type(a).__name__ == "RequestAssistance" and getattr(a, "article", None) is not None:
            return f"Ask the {a.target_body} under Article {a.article}"
        return it.text

    def _action_button(self, sc, y, iw, it, label) -> int:
        cls = "action" if it.allowed else "refused"
        cost = it.action.cost(None)
        text = f"{label}"
        fnt = widgets.font(13)
        maxw = iw - px(60)
        while fnt.size(text)[0] > maxw and len(text) > 8:
            text = text[:-2].rstrip() + "…" if not text.endswith("…") else text[:-3].rstrip() + "…"
        b = self.button((0, y, iw, px(34)), text, (lambda it=it: self.submit(it)), tip=it.tooltip,
                        cls=cls, container=sc, oid=f"act_{abs(hash(it.text)) % 10**8}")
        b.menu_item = it
        self.label((iw - px(52), y + px(6), px(44), px(22)), f"{cost:g} AP", "muted", container=sc)
        return y + px(38)

    def _framing_picker(self, sc, y, iw) -> int:
        bw = (iw - px(6)) // 2
        for i, (f, label) in enumerate(FRAMINGS):
            b = self.button(((i % 2) * (bw + px(6)), y + (i // 2) * px(32), bw, px(28)), label,
                            (lambda f=f: self.set_framing(f)), cls="overlay", container=sc, oid=f"framing_{f}",
                            tip=f"Present the crisis as {label.lower()} in requests to organisations: members "
                                "and the treaty articles judge each framing differently")
            if f == self.framing:
                b.select()
        return y + px(68)

    def _forces_block(self, sc, y, iw, its) -> int:
        w = self.world
        forces = []
        for it in its:
            fid = getattr(it.action, "force", None)
            if fid and fid not in forces:
                forces.append(fid)
        if not forces:
            return y
        if self.force not in forces:
            self.force = forces[0]
        for fid in forces:
            b = self.button((0, y, iw, px(30)), self._force_label(fid), (lambda f=fid: self.set_force(f)),
                            cls="list_item", container=sc, oid=f"force_{fid}",
                            tip="Select this force; then pick a region on the map and deploy it")
            if fid == self.force:
                b.select()
            y += px(34)
        region = self.map.selected if self.map else None
        deploy = next((it for it in its if type(it.action).__name__ == "DeployForce"
                       and it.action.force == self.force and it.action.region == region), None)
        if deploy is not None:
            y = self._action_button(sc, y, iw, deploy, f"Deploy to {w.name(region)}")
        else:
            self.button((0, y, iw, px(34)), "Deploy: select a region on the map", lambda: self.app.toast(
                "Click a region on the map first, then deploy the selected force there.", "warning"),
                cls="refused", container=sc, oid="deploy_hint",
                tip="Click a region on the map to choose where this force goes")
            y += px(38)
        wd = next((it for it in its if type(it.action).__name__ == "WithdrawForce" and it.action.force == self.force), None)
        if wd is not None:
            y = self._action_button(sc, y, iw, wd, "Withdraw")
        return y

    def _force_label(self, fid) -> str:
        from game.engine.state import AT_HOME, DEPLOYED, IN_TRANSIT
        w, s = self.world, self.game.state
        f = w.f(fid)
        st = int(s.force_status[0, f])
        where = ""
        if st == DEPLOYED and s.force_location[0, f] >= 0:
            where = f"in {w.name(w.region_ids[int(s.force_location[0, f])])}"
        elif st == IN_TRANSIT:
            where = "on the move"
        elif st == AT_HOME:
            where = "at home"
        else:
            where = "not raised"
        return f"{w.name(fid)}  ·  {fmt_num(s.force_strength[0, f])}  ·  {where}"

    def _build_council(self):
        box = self.content
        sc = UIScrollingContainer(pygame.Rect(box), manager=self.app.manager, container=self.root,
                                  allow_scroll_x=False, object_id=ObjectID("#council", None))
        st = self.game.state
        key = (self.game.turn, len(self.game.decisions()), int((st.req_stage[0] > 0).sum()),
               tuple(sorted((k, tuple(v)) for k, v in getattr(st, "human_votes", {}).items())),
               st.proposal[0].tobytes() if hasattr(st, "proposal") else b"",
               self.session.actor, box.w)
        if self._council_cache is None or self._council_cache[0] != key:
            self._council_cache = (key, render_council(self.game, self.app.palette, box.w - px(20), self.session.actor))
        img = self._council_cache[1]
        UIImage(pygame.Rect(0, 0, img.get_width(), img.get_height()), img, manager=self.app.manager, container=sc,
                object_id=ObjectID("#council_image", None))
        sc.set_scrollable_area_dimensions((box.w - px(20), max(img.get_height(), box.h - 4)))
        return sc

    # --- actions -------------------------------------------------------------------------
    def submit(self, it) -> None:
        if not it.allowed:
            self.app.toast(f"Not possible: {it.verdict.reason}", "warning")
            return
        res = self.game.submit(it.action)
        self.app.toast(res.text, "info" if res.ok else "warning")
        self.changed()

    def changed(self) -> None:
        if self.map is not None:
            self.map.set_state(self.game.state)
        self._council_cache = None
        self.dirty["tab"] = True
        self.dirty["news"] = True
        self._refresh_undo()
        if getattr(self, "end_button", None) is not None and self.end_button.alive():
            self.end_button.set_tooltip(self._end_tip()) if hasattr(self.end_button, "set_tooltip") else None

    def undo_blocker(self) -> str | None:
        """Why Undo is off for this seat, or None. The engine takes back the last human action of
        the turn whoever made it; in hot-seat a player may take back only their own."""
        g, s = self.game, self.session
        last = next((e for e in reversed(g.log) if e.get("by") == "human" and e.get("ok")
                     and e.get("turn") == g.turn), None)
        if last is None:
            return "Nothing to take back: you have not acted this turn."
        who = (last.get("action") or {}).get("actor")
        if who is not None and who != s.actor:
            return (f"Undo is off: the last action this turn was {self.world.name(who)}'s, and each player "
                    "can take back only their own.")
        return None

    def _refresh_undo(self) -> None:
        b = getattr(self, "undo_button", None)
        if b is None or not b.alive():
            return
        blocker = self.undo_blocker()
        (b.disable if blocker else b.enable)()
        b.set_tooltip(blocker or "Take back your last action this turn (Ctrl+Z)")

    def undo(self) -> None:
        blocker = self.undo_blocker()
        if blocker is not None:
            self.app.toast(blocker, "warning")
            return
        if self.game.undo():
            self.app.toast("Your last action was taken back.")
            self.changed()
        else:
            self.app.toast("There is nothing to take back this turn.", "warning")

    def end_turn(self) -> None:
        s, g = self.session, self.game
        if g.over:
            self.app.end_and_debrief()
            return
        from game.ui.screens.handover import HandoverScreen
        if len(s.seats) > 1 and s.seat < len(s.seats) - 1:
            s.seat += 1
            self.changed()
            self.app.push(HandoverScreen(self.app))
            return
        before = len(g.decisions())
        rec = g.end_turn()
        s.seat = 0
        self.changed()
        new = rec.phases.get("resolution", {}).get("new_casualties", 0)
        msg = f"{widgets.pretty_date(rec.date)}: {fmt_num(new)} killed this turn."
        for p in g.decisions()[before:]:
            msg += f" {p['body']}: {p['outcome'].replace('_', ' ')}."
        if g.over:
            self.app.end_and_debrief()
            return
        self.app.toast(msg, "warning" if new >= 10 else "info")
        if len(s.seats) > 1:
            self.app.push(HandoverScreen(self.app))

    def resumed(self) -> None:
        self.changed()

    def set_overlay(self, name: str) -> None:
        self.overlay = name
        self.map.set_overlay(name)
        for n, _ in OVERLAYS:
            b = self.find(f"overlay_{n}")
            if b is not None:
                (b.select if n == name else b.unselect)()

    def set_tab(self, tab: str) -> None:
        self.tab = tab
        for t in ("actions", "council"):
            b = self.find(f"tab_{t}")
            if b is not None:
                (b.select if t == tab else b.unselect)()
        self.dirty["tab"] = True

    def set_framing(self, f: str) -> None:
        self.framing = f
        self.dirty["tab"] = True

    def set_force(self, fid: str) -> None:
        self.force = fid
        self.dirty["tab"] = True

    def zoom(self, f: float) -> None:
        self.map.zoom_at(self.map_rect.center, f)

    def fit(self) -> None:
        self.map.fit(list(self.world.region_ids))

    def menu(self) -> None:
        from game.ui.screens.dialogs import EscMenu
        self.app.push(EscMenu(self.app))

    def help(self) -> None:
        from game.ui.screens.help import HelpScreen
        self.app.push(HelpScreen(self.app))

    # --- input -----------------------------------------------------------------------------
    def handle_event(self, event) -> None:
        if event.type == pygame.KEYDOWN:
            k, mods = event.key, getattr(event, "mod", 0)
            if k in (pygame.K_RETURN, pygame.K_SPACE, pygame.K_KP_ENTER):
                self.end_turn()
            elif k == pygame.K_z and mods & (pygame.KMOD_CTRL | pygame.KMOD_META):
                self.undo()
            elif k == pygame.K_ESCAPE:
                self.menu()
            elif k == pygame.K_F1:
                self.help()
            elif k == pygame.K_F5:
                self.app.reload_scenario()
            elif pygame.K_1 <= k <= pygame.K_5:
                self.set_overlay(OVERLAYS[k - pygame.K_1][0])
            elif k in (pygame.K_PLUS, pygame.K_EQUALS, pygame.K_KP_PLUS):
                self.zoom(1.25)
            elif k in (pygame.K_MINUS, pygame.K_KP_MINUS):
                self.zoom(0.8)
            elif k == pygame.K_HOME:
                self.fit()
            elif k in (pygame.K_LEFT, pygame.K_RIGHT, pygame.K_UP, pygame.K_DOWN):
                step = px(60)
                dx = {pygame.K_LEFT: step, pygame.K_RIGHT: -step}.get(k, 0)
                dy = {pygame.K_UP: step, pygame.K_DOWN: -step}.get(k, 0)
                self.map.pan(dx, dy)
            elif k == pygame.K_a:
                self.set_tab("actions")
            elif k == pygame.K_c:
                self.set_tab("council")
            return
        if hasattr(event, "pos"):
            self.mouse = event.pos
            inside = self.map_rect.collidepoint(event.pos)
            if not inside and event.type != pygame.MOUSEBUTTONUP and event.type != pygame.MOUSEMOTION:
                return
        if event.type == pygame.MOUSEWHEEL and not self.map_rect.collidepoint(self.mouse):
            return
        before = self.map.selected
        self.map.handle_event(event)
        if self.map.selected != before:
            self.dirty["tab"] = True   # the deploy button follows the selected region

    # --- drawing -----------------------------------------------------------------------------
    def draw(self, surface) -> None:
        pal = self.app.palette
        W, H = self.app.size
        g, w, s = self.game, self.world, self.session
        self.map.draw(surface)
        try:
            lg = self.map.legend() if hasattr(self.map, "legend") else {}
            n = len(lg.get("items", [])) if isinstance(lg, dict) else 0
            legend_h = 10 + 22 + 6 + (38 if isinstance(lg, dict) and lg.get("stops") else 0) + 18 * n + 8
        except (AttributeError, TypeError, KeyError):
            legend_h = 92
        lr = pygame.Rect(self.map_rect.x + px(12), self.map_rect.bottom - legend_h - px(12), 260, legend_h)
        try:
            self.map.draw_legend(surface, lr)
        except (AttributeError, TypeError):
            pass
        # top bar
        pygame.draw.rect(surface, (14, 20, 27), (0, 0, W, self.TB))
        pygame.draw.line(surface, pal.border, (0, self.TB - 1), (W, self.TB - 1))
        sc = w.scenario
        widgets.text(surface, sc.title, (px(16), px(8)), 15, pal.text, bold=True)
        last = w.last_turn
        widgets.text(surface, f"{widgets.pretty_date(g.date.isoformat())}  ·  turn {g.turn} of {last}",
                     (px(16), px(30)), 13, pal.muted)
        ind = g.indicators()
        cells = [("DEATHS", fmt_num(ind["casualties"]), pal.critical),
                 ("DISPLACED", fmt_num(ind["displaced"]), pal.warning),
                 ("REFUGEES", fmt_num(ind["refugees"]), pal.info),
                 ("DAY", f"{(g.date - sc.start_date).days + 1} / {(sc.end_date - sc.start_date).days + 1}", pal.text)]
        cw = px(112)
        x = W - px(236) - cw * len(cells)
        tx = max(x, px(16) + widgets.font(15, True).size(sc.title)[0] + px(24))
        for label, value, col in cells:
            widgets.text(surface, label, (tx, px(8)), 11, pal.muted, bold=True)
            widgets.text(surface, value, (tx, px(24)), 19, col, bold=True)
            tx += cw
        # news strip
        r = self.news_rect
        pygame.draw.rect(surface, (14, 20, 27), r)
        pygame.draw.line(surface, pal.border, r.topleft, r.topright)
        widgets.text(surface, "NEWS AND EVENTS", (r.x + px(16), r.y + px(8)), 12, pal.accent, bold=True)
        # sidebar
        side = self.side
        pygame.draw.rect(surface, (17, 24, 32), side)
        pygame.draw.line(surface, pal.border, side.topleft, side.bottomleft)
        self._draw_selection(surface, pygame.Rect(side.x + px(16), side.y + px(12), side.w - px(32), self.SEL - px(20)))
        if self.tab == "actions" and not g.over:
            ap = float(g.state.budget[0, w.a(s.actor)])
            widgets.text(surface, getattr(w.actor(s.actor), "short_name", None) or w.name(s.actor), (side.x + px(14), self.content.y - px(6)), 13, pal.text,
                         bold=True, anchor="bottomleft")
            col = pal.accent if ap > 0 else pal.oppose
            widgets.text(surface, f"{ap:g} action point{'s' if ap != 1 else ''} left",
                         (side.right - px(14), self.content.y - px(6)), 13, col, bold=True, anchor="bottomright")

    def _draw_selection(self, surface, r) -> None:
        pal = self.app.palette
        g, w = self.game, self.world
        rid = self.map.selected
        st = g.state
        if rid:
            i = w.r(rid)
            reg = w.region(rid)
            owner = w.actor_ids[int(w.region_country[i])]
            widgets.text(surface, "REGION", (r.x, r.y), 11, pal.accent, bold=True)
            widgets.text(surface, reg.name, (r.x, r.y + px(14)), 19, pal.text, bold=True)
            colour = widgets.hex_colour(w.actor(owner).colour, pal.faint)
            widgets.chip(surface, w.name(owner), (r.x, r.y + px(44)), colour, 11)
            pop = float(st.population[0, i])
            widgets.text(surface, f"population {fmt_num(pop)}", (r.right, r.y + px(46)), 12, pal.muted, anchor="topright")
            y = r.y + px(72)
            for label, v, good_high in [("Violence", float(st.violence[0, i]), False),
                                        ("Stability", float(st.stability[0, i]), True),
                                        ("Government control", float(st.control[0, i]), True)]:
                widgets.text(surface, label, (r.x, y), 12, pal.muted)
                bar = pygame.Rect(r.x + px(130), y + px(5), r.w - px(170), px(8))
                pygame.draw.rect(surface, pal.panel2, bar, border_radius=px(4))
                good = v if good_high else 1 - v
                col = pal.support if good > 0.66 else pal.abstain if good > 0.33 else pal.oppose
                pygame.draw.rect(surface, col, (bar.x, bar.y, max(2, int(bar.w * min(1, v))), bar.h), border_radius=px(4))
                widgets.text(surface, f"{v:.2f}", (r.right, y), 12, pal.text, anchor="topright")
                y += px(22)
            stats = f"Deaths {fmt_num(st.casualties[0, i])}  ·  displaced {fmt_num(st.displaced[0, i])}  ·  " \
                    f"fled abroad {fmt_num(st.refugees_out[0, i])}"
            widgets.text(surface, stats, (r.x, y + px(4)), 12, pal.text)
            forces = [w.name(f) for k, f in enumerate(w.force_ids)
                      if int(st.force_location[0, k]) == i and int(st.force_status[0, k]) == 2]
            if forces:
                line = "Forces here: " + ", ".join(forces)
                widgets.paragraph(surface, line, r.x, y + px(24), r.w, 12, pal.muted)
        else:
            aid = self.session.actor
            a = w.actor(aid)
            widgets.text(surface, "YOU PLAY", (r.x, r.y), 11, pal.accent, bold=True)
            widgets.text(surface, a.name, (r.x, r.y + px(14)), 19, pal.text, bold=True)
            pygame.draw.rect(surface, widgets.hex_colour(a.colour, pal.faint),
                             (r.x, r.y + px(44), widgets.font(19, True).size(a.name)[0], px(3)))
            y = r.y + px(56)
            objs = [o for o in (w.scenario.objectives or []) if getattr(o, "actor", None) == aid]
            widgets.text(surface, "Your objectives" if objs else "Click a region on the map for its details.",
                         (r.x, y), 12, pal.muted, bold=bool(objs))
            y += px(20)
            for o in objs[:4]:
                y = widgets.paragraph(surface, "• " + o.description, r.x, y, r.w, 12, pal.text)
            if objs:
                widgets.text(surface, "Click a region on the map for its details.", (r.x, r.bottom - px(4)), 11,
                             pal.faint, anchor="bottomleft")

    def draw_over(self, surface) -> None:
        if self.app.top is not self:
            return
        if not self.map.hovered:
            return
        if hasattr(self.map, "draw_tooltip"):
            self.map.draw_tooltip(surface, self.mouse)
            return
        tip = self.map.tooltip_text()
        if not tip:
            return
        pal = self.app.palette
        lines = str(tip).split("\n")
        fnt = widgets.font(13)
        w = max(fnt.size(l)[0] for l in lines) + px(20)
        h = len(lines) * fnt.get_linesize() + px(12)
        x, y = self.mouse[0] + px(16), self.mouse[1] + px(16)
        x = min(x, self.map_rect.right - w - 4)
        y = min(y, self.map_rect.bottom - h - 4)
        r = pygame.Rect(x, y, w, h)
        pygame.draw.rect(surface, (11, 16, 22), r, border_radius=px(5))
        pygame.draw.rect(surface, (79, 106, 132), r, 1, border_radius=px(5))
        for i, l in enumerate(lines):
            surface.blit(fnt.render(l, True, pal.text if i else (255, 255, 255)),
                         (x + px(10), y + px(6) + i * fnt.get_linesize()))
