"""What the host sends a seat: its view of the game and, at the end, the report, with nothing private
to another seat (another seat's pending orders, its vote or answer before the body decided, a
briefing addressed to others, the instructor's withdrawn items).

Built on the engine's own rules (game/engine/views.py): ``state_to_dict``, ``news_for``, ``may_read``
and ``open_decisions``.
"""
from __future__ import annotations

from game.engine.views import SECRET_KINDS, may_read, news_for, open_decisions, state_to_dict


def view_fields(game, seat: str) -> dict:
    """The fields of a ``view`` message for ``seat`` (plain JSON data)."""
    secret, hidden = _undecided_secrets(game, seat), _hidden_rule(game)
    return {
        "turn": int(game.turn),
        "date": game.current.date if not game.over else game.history[-1].date,
        "over": bool(game.over),
        "state": state_to_dict(game.state_for(seat), seat),
        "news": news_for(game, seat),
        "history": [_record_for(rec.to_dict(), seat, secret, hidden) for rec in game.history],
        "current": None if game.over else _record_for(game.current.to_dict(), seat, secret, hidden),
        "open_decisions": [d.to_dict() for d in open_decisions(game, seat)],
        "orders": orders_of(game, seat),
        "waiting_for": list(game.waiting_for()),
        "ready": [a for a in game.world.actor_ids if a in game.ready],
    }


def orders_of(game, seat: str) -> list[dict]:
    """The seat's orders this turn, in the order given: the action and what it said."""
    if game.over:
        return []
    return [{"action": e["action"], "text": e.get("text", "")} for e in game.log
            if e["turn"] == game.turn and e.get("order") and e["action"]["actor"] == seat]


def report_for(report: dict, seat: str) -> dict:
    """The end-of-game report (``run --json``'s document) without actions addressed to other seats."""
    return {**report, "actions": [e for e in report.get("actions", []) if _readable(e.get("action") or {}, seat)]}


def _record_for(record: dict, seat: str, secret: set[tuple[int, int]], hidden) -> dict:
    phases = dict(record["phases"])
    events = phases.get("events") or {}
    if events.get("items"):
        phases["events"] = {**events, "items": [{**item, "news": [n for n in item.get("news", []) if may_read(n, seat)]}
                                                for item in events["items"]]}
    decisions = phases.get("decisions") or {}
    if decisions.get("actions"):
        kept = [a for i, a in enumerate(decisions["actions"])
                if (record["turn"], i) not in secret and _readable(a.get("action") or {}, seat)
                and not hidden(a)]
        phases["decisions"] = {**decisions, "actions": kept}
    return {**record, "phases": phases}


def _readable(action: dict, seat: str) -> bool:
    to = action.get("to")
    return not to or seat in to


def _hidden_rule(game):
    """Whether a decisions-phase entry is the instructor's alone (a withdrawn item, a withdrawal), by the
    engine's ``news_marks`` where the engine has it."""
    try:
        from game.engine.actions import news_marks, withdrawn_news
    except ImportError:
        return lambda entry: False
    withdrawn = withdrawn_news(game.state)
    return lambda entry: bool(news_marks(entry, withdrawn).get("hidden"))


def _undecided_secrets(game, seat: str) -> set[tuple[int, int]]:
    """(turn, index) of the decisions-phase entries that are another seat's vote or answer whose body
    has not decided yet (the rule of ``news_for``; the current turn's record holds no seat's orders)."""
    decided: dict[str, list[int]] = {}
    for p in game.decisions():
        decided.setdefault(p["body"], []).append(int(p["turn"]))
    out = set()
    for rec in game.history:
        for i, a in enumerate(rec.phases.get("decisions", {}).get("actions", [])):
            if a.get("kind") not in SECRET_KINDS or not a.get("ok") or a.get("actor") == seat:
                continue
            body = (a.get("action") or {}).get("body") or a.get("actor")
            if not any(t >= rec.turn for t in decided.get(body, [])):
                out.add((rec.turn, i))
    return out
