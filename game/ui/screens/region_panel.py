"""The card at the top of the side panel: the selected region, or the player's actor and objectives."""
from __future__ import annotations

import pygame

from game.engine.views import region
from game.ui import widgets
from game.ui.widgets import fmt_num, px

CLICK_HINT = "Click a region on the map for its details."


class RegionPanel:
    """Drawn each frame (no widgets) from the game state and the map's selection."""

    def __init__(self, screen):
        self.screen = screen
        self.rect = pygame.Rect(0, 0, 0, 0)
        self.cut = False                        # the player's objectives did not all fit in full
        self._laid = (None, [], 0)              # (key, plan, height) of the objectives' last layout

    def build(self, rect: pygame.Rect) -> None:
        self.rect = rect

    def draw(self, surface) -> None:
        rid = self.screen.map.selected
        if rid:
            self._draw_region(surface, rid)
        else:
            self._draw_player(surface)

    def _draw_public(self, surface) -> None:
        """The projector's header: whose game this is, and the rule that nothing private is shown."""
        pal, r, g = self.screen.app.palette, self.rect, self.screen.game
        widgets.text(surface, "PUBLIC VIEW", (r.x, r.y), 11, pal.accent, bold=True)
        widgets.text(surface, "What every seat may see", (r.x, r.y + px(14)), 19, pal.text, bold=True, max_width=r.w)
        y = widgets.paragraph(surface, "Orders and votes stay private until the turn resolves; then the news and "
                                       "the Council tab show them together.", r.x, r.y + px(48), r.w, 12, pal.muted)
        done = sum(1 for a in g.humans if a in g.ready)
        widgets.text(surface, f"{done} of {len(g.humans)} seats have ended this turn", (r.x, y + px(6)), 12, pal.text)
        host = self.screen.session.host
        if host is not None:
            widgets.text(surface, f"Join: {host.address}   code {host.code}", (r.x, y + px(28)), 15, pal.accent,
                         bold=True, max_width=r.w)

    def _draw_region(self, surface, rid: str) -> None:
        pal, r = self.screen.app.palette, self.rect
        w = self.screen.world
        reg = region(w, self.screen.state, rid)
        owner = reg.governed_by
        widgets.text(surface, "REGION", (r.x, r.y), 11, pal.accent, bold=True)
        widgets.text(surface, reg.name, (r.x, r.y + px(14)), 19, pal.text, bold=True, max_width=r.w)
        colour = widgets.hex_colour(w.actor(owner).colour, pal.faint)
        widgets.chip(surface, w.name(owner), (r.x, r.y + px(44)), colour, 11)
        widgets.text(surface, f"population {fmt_num(reg.population)}", (r.right, r.y + px(46)), 12,
                     pal.muted, anchor="topright")
        y = r.y + px(72)
        for label, v, good_high in [("Violence", reg.violence, False), ("Stability", reg.stability, True),
                                    ("Government control", reg.control, True)]:
            widgets.text(surface, label, (r.x, y), 12, pal.muted)
            bar = pygame.Rect(r.x + px(130), y + px(5), r.w - px(170), px(8))
            pygame.draw.rect(surface, pal.panel2, bar, border_radius=px(4))
            good = v if good_high else 1 - v
            col = pal.support if good > 0.66 else pal.abstain if good > 0.33 else pal.oppose
            pygame.draw.rect(surface, col, (bar.x, bar.y, max(2, int(bar.w * min(1, v))), bar.h), border_radius=px(4))
            widgets.text(surface, f"{v:.2f}", (r.right, y), 12, pal.text, anchor="topright")
            y += px(22)
        stats = f"Deaths {fmt_num(reg.deaths)}  ·  displaced {fmt_num(reg.displaced)}  ·  " \
                f"fled abroad {fmt_num(reg.fled_abroad)}"
        widgets.text(surface, stats, (r.x, y + px(4)), 12, pal.text)
        if reg.forces_here:
            widgets.paragraph(surface, "Forces here: " + ", ".join(w.name(f) for f in reg.forces_here), r.x,
                              y + px(24), r.w, 12, pal.muted)

    def _draw_player(self, surface) -> None:
        pal, r = self.screen.app.palette, self.rect
        w, aid = self.screen.world, self.screen.session.actor
        if aid is None:
            self._draw_public(surface)
            return
        a = w.actor(aid)
        widgets.text(surface, "YOU PLAY", (r.x, r.y), 11, pal.accent, bold=True)
        shown = widgets.text(surface, a.name, (r.x, r.y + px(14)), 19, pal.text, bold=True, max_width=r.w)
        pygame.draw.rect(surface, widgets.hex_colour(a.colour, pal.faint), (r.x, r.y + px(44), shown.w, px(3)))
        y = r.y + px(56)
        lines = self._objectives()
        widgets.text(surface, "Your objectives" if lines else CLICK_HINT, (r.x, y), 12, pal.muted, bold=bool(lines))
        y += px(20)
        if not lines:
            return
        bottom = r.bottom - px(4)
        line_h = widgets.paragraph_height("•", r.w, 12)
        plan, used = self._layout(lines, y, bottom, line_h)
        if y + used <= bottom - widgets.font(11).get_linesize() - px(2):
            widgets.text(surface, CLICK_HINT, (r.x, bottom), 11, pal.faint, anchor="bottomleft")
        for i, wrap in enumerate(plan):
            if y + line_h > bottom or (y + 2 * line_h > bottom and i < len(plan) - 1):
                widgets.text(surface, f"+ {len(plan) - i} more: point at this card to read them all", (r.x, y), 12,
                             pal.muted, max_width=r.w)
                break
            if wrap:
                y = widgets.paragraph(surface, lines[i], r.x, y, r.w, 12, pal.text)
            else:
                widgets.text(surface, lines[i], (r.x, y), 12, pal.text, max_width=r.w)
                y += line_h

    def _objectives(self) -> list[str]:
        """The player's objectives as the card lists them."""
        w, aid = self.screen.world, self.screen.session.actor
        return ["• " + o.description for o in (w.scenario.objectives or []) if getattr(o, "actor", None) == aid]

    def _layout(self, lines, y, bottom, line_h) -> tuple[list[bool], int]:
        """The objectives come first: each wrapped while the ones after it still fit on a line each, else on
        one line (cut: the whole list is in the card's tooltip). (wrapped or not, for each; the height used),
        worked out once per card size and list."""
        key = (tuple(lines), self.rect.w, y, bottom)
        if self._laid[0] != key:
            plan, used = [], 0
            for i, line in enumerate(lines):
                h = widgets.paragraph_height(line, self.rect.w, 12)
                wrap = y + used + h + line_h * (len(lines) - i - 1) <= bottom
                plan.append(wrap)
                used += h if wrap else line_h
            self._laid = (key, plan, used)
            self.cut = not all(plan)
        return self._laid[1], self._laid[2]

    def draw_over(self, surface, mouse) -> None:
        """Over the player's card, when its objectives are cut short: all of them in full."""
        if not self.cut or mouse is None or not self.rect.collidepoint(mouse) or self.screen.map.selected:
            return
        pal = self.screen.app.palette
        width = min(px(560), surface.get_width() - px(40))
        body = self._objectives()
        h = px(42) + sum(widgets.paragraph_height(line, width - px(24), 13) for line in body)
        box = pygame.Rect(self.rect.right - width, self.rect.y + px(8), width, h)
        box.clamp_ip(surface.get_rect())
        widgets.card(surface, box, pal)
        widgets.text(surface, "Your objectives", (box.x + px(12), box.y + px(8)), 14, pal.text, bold=True)
        y = box.y + px(30)
        for line in body:
            y = widgets.paragraph(surface, line, box.x + px(12), y, box.w - px(24), 13, pal.text)
