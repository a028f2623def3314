"""The scenario browser: every shipped scenario, its briefing, roles and sources.

A scenario file with problems is listed with them (file:line: message) instead of failing.
"""
from __future__ import annotations

from pathlib import Path

import pygame
from pygame_gui.core import ObjectID
from pygame_gui.elements import UIScrollingContainer, UITextBox

from game.ui import widgets
from game.ui.screens.base import Screen
from game.ui.widgets import esc, hfont, px

KIND = {"government": "Government", "state": "State", "armed_group": "Armed group (computer)",
        "secretariat": "Secretariat"}


def scan_scenarios() -> list[dict]:
    """Every shipped scenario: {id, path, loaded | None, problems: [str]}."""
    from game.scenario.loader import ScenarioError, load_scenario, shipped_scenarios
    out = []
    for sid, path in shipped_scenarios().items():
        entry = {"id": sid, "path": Path(path), "loaded": None, "problems": []}
        try:
            entry["loaded"] = load_scenario(path)
        except ScenarioError as exc:
            entry["problems"] = [p.format() for p in exc.problems] or [str(exc)]
        except (OSError, ValueError) as exc:
            entry["problems"] = [f"{path}: error: {exc}"]
        out.append(entry)
    order = {"introductory": 0, "tutorial": 0, "intermediate": 1, "advanced": 2}
    out.sort(key=lambda e: (e["loaded"] is None,
                            order.get(getattr(e["loaded"].scenario, "difficulty", "") if e["loaded"] else "", 1),
                            e["id"]))
    return out


def scenario_html(sc) -> str:
    pal = "#8B9BAB"
    parts = [hfont("SCENARIO · " + esc(str(sc.difficulty).upper()), 12, "#D4A73A", True) + "<br>",
             hfont(esc(sc.title), 26, "#FFFFFF", True) + "<br>"]
    if getattr(sc, "subtitle", None):
        parts.append(hfont(esc(sc.subtitle), 16, "#C9D3DD") + "<br>")
    days = (sc.end_date - sc.start_date).days + 1
    turns = max(1, -(-days // max(1, sc.turn_days)))
    parts.append(hfont(f"{widgets.pretty_date(sc.start_date.isoformat())} – {widgets.pretty_date(sc.end_date.isoformat())}"
                       f"  ·  {turns} turns of {sc.turn_days} day{'s' if sc.turn_days != 1 else ''}", 13, pal) + "<br><br>")
    if sc.summary:
        parts.append(hfont(esc(sc.summary), 15, "#E6ECF2") + "<br><br>")
    parts.append(hfont("BRIEFING", 12, "#D4A73A", True) + "<br>")
    for para in str(sc.briefing or "").strip().split("\n\n"):
        parts.append(hfont(esc(" ".join(para.split())), 14, "#C9D3DD") + "<br><br>")
    parts.append(hfont("ROLES", 12, "#D4A73A", True) + "<br>")
    for a in sc.actors:
        who = KIND.get(a.kind, a.kind) + ("" if a.playable else " · not playable")
        parts.append(hfont(f"<font color='{a.colour or '#FFFFFF'}'>—</font> " + esc(a.name), 14, "#FFFFFF", True)
                     + hfont(f"  {esc(who)}", 13, pal) + "<br>")
        if getattr(a, "description", None):
            parts.append(hfont(esc(" ".join(str(a.description).split())), 13, "#AEBBC8") + "<br>")
    parts.append("<br>" + hfont("SOURCES", 12, "#D4A73A", True) + "<br>")
    for s in sc.sources:
        year = f" ({s.year})" if getattr(s, "year", None) else ""
        line = esc(s.title) + year
        if getattr(s, "note", None):
            line += " — " + esc(s.note)
        parts.append(hfont("· " + line, 13, "#AEBBC8") + "<br>")
    return "".join(parts)


def problems_html(entry) -> str:
    parts = [hfont("THIS SCENARIO FILE HAS PROBLEMS", 12, "#D9534F", True) + "<br>",
             hfont(esc(entry["id"]), 24, "#FFFFFF", True) + "<br>",
             hfont(esc(str(entry["path"])), 13, "#8B9BAB") + "<br><br>",
             hfont("Fix these lines and press F5 here (or Refresh) to check again:", 14, "#C9D3DD") + "<br><br>"]
    for p in entry["problems"][:200]:
        parts.append(f"<font pixel_size={px(13)} color='#F0B4B2'>{esc(p)}</font><br>")
    return "".join(parts)


class BrowserScreen(Screen):
    name = "browser"

    def __init__(self, app):
        super().__init__(app)
        self.entries = scan_scenarios()
        self.index = next((i for i, e in enumerate(self.entries) if e["loaded"]), 0)

    def build(self) -> None:
        W, H = self.app.size
        m = px(32)
        self.label((m, px(20), W - 2 * m, px(54)), "Choose a scenario", "h1")
        lw = min(px(380), W // 3)
        top = px(88)
        bottom = H - px(84)
        sc = UIScrollingContainer(pygame.Rect(m, top, lw, bottom - top), manager=self.app.manager,
                                  container=self.root, allow_scroll_x=False)
        y = 0
        for i, e in enumerate(self.entries):
            if e["loaded"]:
                s = e["loaded"].scenario
                text = f"{s.title}"
                tip = f"{s.title}\n{s.start_date.year} · {s.difficulty} · {len(s.actors)} actors"
            else:
                text = f"Problems: {e['id']} ({len(e['problems'])} problem{'s' if len(e['problems']) != 1 else ''})"
                tip = "This file has problems; select it to see them"
            b = self.button((0, y, lw - px(16), px(56)), text, (lambda i=i: self.select(i)), tip=tip,
                            cls="list_item", oid=f"scenario_{e['id']}", container=sc)
            if i == self.index:
                b.select()
            y += px(64)
        sc.set_scrollable_area_dimensions((lw - px(16), max(y, bottom - top - 4)))
        self.list_box = sc
        self._keep_in_view(sc, self.index * px(64), px(56), bottom - top)
        dx = m + lw + px(24)
        self.details = UITextBox(self._html(), pygame.Rect(dx, top, W - dx - m, bottom - top),
                                 manager=self.app.manager, container=self.root,
                                 object_id=ObjectID("#details", "@boxed"))
        self.button((m, H - px(66), px(140), px(46)), "Back", self.back, oid="back", tip="Back to the title (Esc)")
        self.button((m + px(152), H - px(66), px(140), px(46)), "Refresh", self.refresh, oid="refresh",
                    tip="Read the scenario files again from disk (F5)")
        ok = bool(self.entries) and self.entries[self.index]["loaded"] is not None
        self.button((W - m - px(240), H - px(66), px(240), px(46)), "Choose roles", self.next, oid="choose_roles",
                    cls="primary", enabled=ok,
                    tip="Pick who plays each actor (Enter)" if ok else "This scenario cannot be played until its problems are fixed")

    def _keep_in_view(self, sc, y: int, h: int, view: int) -> None:
        """Scroll the list back to where it was before a rebuild, and further if the selected entry is hidden."""
        bar = getattr(sc, "vert_scroll_bar", None)
        total = getattr(sc, "scrolling_height", 0) or 0
        if bar is None or total <= view:
            return
        off = getattr(self, "_list_offset", 0)
        if y < off or y + h > off + view:
            off = max(0, y + h - view) if y + h > off + view else y
        off = min(off, total - view)
        self._list_offset = off
        bar.set_scroll_from_start_percentage(off / total)

    def _html(self) -> str:
        if not self.entries:
            return hfont("No scenarios were found in the scenarios folder.", 15)
        e = self.entries[self.index]
        return scenario_html(e["loaded"].scenario) if e["loaded"] else problems_html(e)

    def select(self, i: int) -> None:
        self.index = i
        inner = getattr(getattr(self, "list_box", None), "scrollable_container", None)
        if inner is not None:
            self._list_offset = max(0, -inner.relative_rect.top)       # where the player had scrolled to
        self.build_root()

    def refresh(self) -> None:
        current = self.entries[self.index]["id"] if self.entries else None
        self.entries = scan_scenarios()
        self.index = next((i for i, e in enumerate(self.entries) if e["id"] == current), 0)
        self.build_root()
        self.app.toast("Scenario files read again from disk.")

    def back(self) -> None:
        self.app.pop()

    def next(self) -> None:
        if not self.entries or self.entries[self.index]["loaded"] is None:
            return
        from game.ui.screens.roles import RolesScreen
        e = self.entries[self.index]
        self.app.push(RolesScreen(self.app, e["loaded"], str(e["path"])))

    def handle_event(self, event) -> None:
        if event.type == pygame.KEYDOWN:
            if event.key == pygame.K_ESCAPE:
                self.back()
            elif event.key == pygame.K_RETURN:
                self.next()
            elif event.key == pygame.K_F5:
                self.refresh()
            elif event.key in (pygame.K_DOWN, pygame.K_UP) and self.entries:
                self.select((self.index + (1 if event.key == pygame.K_DOWN else -1)) % len(self.entries))
