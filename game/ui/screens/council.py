"""The council panel: the CSTO procedure stage, each member's position and its reasons.

Rendered with pygame onto one tall surface shown in a scrolling container; rebuilt only
when a turn ends or a request is made.
"""
from __future__ import annotations

import pygame

from game.engine.views import draft_cap, pending_sessions, seat_vote
from game.ui import widgets
from game.ui.widgets import px

STAGE_NAMES = {"request": "Request", "assessment": "Assessment by the secretariat", "session": "Extraordinary session",
               "positions": "Members' positions", "vote": "Vote", "mandate": "Mandate",
               "force_generation": "Forces sent"}


def rule_line(org) -> str:
    r = org.rules
    if r.decision == "consensus":
        return ("Consensus: one opposition or abstention blocks." if r.abstention_blocks
                else "Consensus: one opposition blocks; abstentions do not.")
    return "Simple majority of those voting."


def _name(level: str) -> str:
    """A measure of the toolbox in words ("fact_finding_mission" -> "fact finding mission")."""
    return level.replace("_", " ")


def vote_status(world, state, viewer: str | None, body: str) -> list[tuple[str, bool]]:
    """What ``viewer`` has put in for the pending session of ``body``: [(sentence, done)].

    A member's vote ("support up to logistics support, otherwise abstain"), a state's answer to
    a plea, and the draft mandate on the table (a proposal caps what the council votes on)."""
    if not viewer:
        return []
    is_org = body in world.org_ids
    out: list[tuple[str, bool]] = []
    vote = seat_vote(state, viewer, body)
    if is_org:
        if not world.membership[world.o(body), world.a(viewer)]:
            return []
        if vote is None:
            out.append(("You have not voted yet: Actions tab, Council group.", False))
        elif vote[0] == "none":
            out.append((f"Your vote: {vote[1]} at every level.", True))
        else:
            out.append((f"Your vote: support up to {_name(vote[0])}, otherwise {vote[1]}.", True))
        cap = draft_cap(world, state, body)
        if cap is not None:
            out.append((f"On the table: at most {_name(cap)} (a member's proposal).", True))
    elif body == viewer:
        if vote is None:
            out.append(("You have not answered yet: Actions tab, Council group.", False))
        else:
            out.append((f"Your answer: {'decline' if vote[0] == 'none' else _name(vote[0])}.", True))
    return out


def render_council(game, pal: widgets.Palette, width: int, viewer: str | None = None) -> pygame.Surface:
    """The council panel as one picture: measured on a one-pixel strip, then drawn at its height."""
    height = _draw_council(pygame.Surface((width, 1), pygame.SRCALPHA), game, pal, width, viewer)
    surf = pygame.Surface((width, max(1, height)), pygame.SRCALPHA)
    _draw_council(surf, game, pal, width, viewer)
    return surf


def _draw_council(surf, game, pal, width: int, viewer) -> int:
    w = game.world
    x, y, iw = px(6), px(4), width - px(12)
    orgs = [o for o in w.org_ids if w.org(o).security_role]
    for oid in orgs:
        org = w.org(oid)
        widgets.text(surf, org.name.upper() if len(org.name) < 40 else oid, (x, y), 12, pal.accent, bold=True)
        y += px(20)
        y = widgets.paragraph(surf, rule_line(org), x, y, iw, 13, pal.text)
        arts = ", ".join(f"Art. {a.number} {a.name.lower()} (up to {a.max_mandate.replace('_', ' ')})"
                         for a in org.rules.articles)
        if arts:
            y = widgets.paragraph(surf, arts, x, y, iw, 12, pal.muted)
        cx, cy = x, y + px(4)
        for m in org.members:
            name = getattr(w.actor(m), "short_name", None) or m
            img_w = widgets.font(11, True).size(str(name))[0] + px(14)
            if cx + img_w > x + iw:
                cx, cy = x, cy + px(24)
            widgets.chip(surf, str(name), (cx, cy), widgets.hex_colour(w.actor(m).colour, pal.faint), 11)
            cx += img_w + px(6)
        y = cy + px(32)
    # pending sessions
    pend = pending_sessions(w, game.state_for(viewer))
    widgets.text(surf, "PENDING", (x, y), 12, pal.accent, bold=True)
    y += px(22)
    if not pend:
        y = widgets.paragraph(surf, "No request awaits a session.", x, y, iw, 13, pal.muted) + px(8)
    for p in pend:
        body = p.body
        is_org = body in w.org_ids
        title = f"{w.name(p.requester)}'s request to {'the ' + body if is_org else w.name(body)}"
        when = f"Extraordinary session on {widgets.pretty_date(p.date)}" if is_org else \
            f"Answer due {widgets.pretty_date(p.date)}" if p.date else "Awaiting an answer"
        status = vote_status(w, game.state_for(viewer), viewer, body)
        players = [m for m in game.humans if is_org and w.membership[w.o(body), w.a(m)]]
        secret = ("Each player's vote stays secret until the session has decided; then all are shown together."
                  if len(players) > 1 else "")
        tw = iw - px(28)
        h = px(10) + widgets.paragraph_height(title, tw, 14, True) + px(4) + widgets.paragraph_height(when, tw, 13)
        h += sum(widgets.paragraph_height(t, tw, 12, True) for t, _ in status) + px(12)
        h += widgets.paragraph_height(secret, tw, 12) if secret else 0
        widgets.card(surf, (x, y, iw, h), pal, accent=pal.accent)
        yy = widgets.paragraph(surf, title, x + px(14), y + px(8), tw, 14, pal.text, bold=True) + px(2)
        yy = widgets.paragraph(surf, when, x + px(14), yy, tw, 13, pal.muted)
        for t, done in status:
            yy = widgets.paragraph(surf, t, x + px(14), yy, tw, 12, pal.support if done else pal.accent, bold=True)
        if secret:
            yy = widgets.paragraph(surf, secret, x + px(14), yy, tw, 12, pal.muted)
        y += h + px(8)
    # procedures, latest first
    # latest first; in the same turn an organisation's decision before a single state's answer
    procs = sorted(game.decisions(), key=lambda p: (-int(p["turn"]), p.get("body_kind", "organisation") != "organisation"
                                                    and p["body"] not in w.org_ids))
    widgets.text(surf, "DECISIONS", (x, y + px(6)), 12, pal.accent, bold=True)
    y += px(28)
    if not procs:
        y = widgets.paragraph(surf, "No request for assistance has been decided yet. A government can ask the "
                              "CSTO under a treaty article, or ask a state directly (Actions, Requests).",
                              x, y, iw, 13, pal.muted)
    for p in procs[:8]:
        y = _procedure(surf, game, p, pal, x, y, iw) + px(12)
    return y + px(10)


def outcome_colour(outcome: str, pal) -> tuple:
    return {"peacekeeping": pal.support, "collective_defence": pal.support, "logistics_support": pal.blue,
            "fact_finding_mission": pal.blue, "mediation": pal.blue, "consultations": pal.abstain,
            "statement": pal.abstain, "declined": pal.oppose, "refused": pal.oppose}.get(outcome, pal.faint)


def _procedure(surf, game, p, pal, x, y, iw) -> int:
    w = game.world
    top = y
    pad = px(14)
    body = p["body"]
    title = f"{w.name(p['requested_by'])} asks {'the ' + body if body in w.org_ids else w.name(body)}"
    y += px(10)
    widgets.text(surf, f"{widgets.short_date(p['date'])} · turn {p['turn']}", (x + pad, y), 12, pal.muted)
    label = p["outcome"].replace("_", " ").upper()
    cw = widgets.font(11, True).size(label)[0] + px(14)
    widgets.chip(surf, label, (x + iw - pad - cw, y - px(2)),
                 outcome_colour(p["outcome"], pal), 11)
    y += px(20)
    y = widgets.paragraph(surf, title, x + pad, y, iw - 2 * pad, 15, pal.text, bold=True)
    bits = []
    if p.get("about") and p["about"] != p.get("requested_by"):
        bits.append(f"about {w.name(p['about'])}")
    if p.get("article"):
        bits.append(f"Article {p['article']}")
    if p.get("framing"):
        bits.append(f"framed as {p['framing'].replace('_', ' ')}")
    if p.get("against"):
        bits.append(f"against {w.name(p['against'])}")
    elif p.get("adversary"):
        bits.append(f"the other side: {w.name(p['adversary'])}")
    if bits:
        y = widgets.paragraph(surf, ", ".join(bits), x + pad, y, iw - 2 * pad, 12, pal.muted)
    if p.get("summary"):
        y = widgets.paragraph(surf, p["summary"], x + pad, y + px(2), iw - 2 * pad, 12, pal.text)
    if p.get("decisive_text"):
        why = "Decided by: " + "; then ".join(p["decisive_text"]) + "."
        y = widgets.paragraph(surf, why, x + pad, y + px(2), iw - 2 * pad, 12, pal.accent, bold=True)
    y += px(6)
    for st in p["stages"]:
        name = st.get("label") or STAGE_NAMES.get(st["stage"], st["stage"])
        if not st.get("label") and st["stage"] in ("positions", "vote") and st.get("level"):
            name += f": {st['level'].replace('_', ' ')}"
        pygame.draw.circle(surf, pal.accent, (x + pad + px(4), y + px(9)), px(3))
        res = st.get("result")
        res = str(res).replace("_", " ") if res and st["stage"] not in ("positions",) else ""
        room = iw - 2 * pad - px(14) - (widgets.font(12).size(res)[0] + px(10) if res else 0)
        y_name = y
        y = widgets.paragraph(surf, name, x + pad + px(14), y, room, 13, pal.text, bold=True) + px(2)
        if res:
            widgets.text(surf, res, (x + iw - pad, y_name), 12,
                         pal.oppose if st.get("result") in ("blocked", "declined", "refused")
                         else pal.abstain if st.get("result") == "not chosen" else pal.muted,
                         anchor="topright")
        if st["stage"] == "positions":
            for aid, m in st.get("members", {}).items():
                pos = m.get("position", "")
                widgets.text(surf, w.name(aid), (x + pad + px(14), y + px(1)), 13, pal.text, max_width=px(132))
                widgets.chip(surf, pos.upper(), (x + pad + px(150), y), pal.position(pos), 11)
                if m.get("by") in ("human", "player"):
                    widgets.text(surf, "player", (x + pad + px(240), y + px(2)), 11, pal.accent)
                y += px(20)
                if m.get("why"):
                    y = widgets.paragraph(surf, m["why"], x + pad + px(14), y, iw - 2 * pad - px(14), 12, pal.muted)
                y += px(4)
        elif st["stage"] == "force_generation":
            for f in st.get("forces", []):
                arr = f.get("arrives")
                line = f"{f.get('name', f.get('force'))} ({widgets.fmt_num(f.get('strength', 0))}) to " \
                       f"{w.name(f['to']) if f.get('to') else 'the area'}" + (f", arrives {widgets.short_date(arr)}" if arr else "")
                y = widgets.paragraph(surf, "• " + line, x + pad + px(14), y, iw - 2 * pad - px(14), 12, pal.text)
        else:
            for r in st.get("reasons", [])[:3]:
                y = widgets.paragraph(surf, r, x + pad + px(14), y, iw - 2 * pad - px(14), 12, pal.muted)
        y += px(6)
    h = y - top + px(4)
    frame = pygame.Rect(x, top, iw, h)
    pygame.draw.rect(surf, pal.border, frame, 1, border_radius=px(6))
    pygame.draw.rect(surf, outcome_colour(p["outcome"], pal), (x, top + px(6), px(3), h - px(12)))
    return y + px(4)
