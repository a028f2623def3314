"""What the host sends a seat: its view of the game and, at the end, the report, with nothing private
to another seat (another seat's pending orders, its vote or answer before the body decided, a
briefing addressed to others, the instructor's withdrawn items).

Built on the engine's own rules (game/engine/views.py): ``state_to_dict``, ``news_for``, ``may_read``
and ``open_decisions``.
"""
from __future__ import annotations

from game.engine.actions import news_marks, withdrawn_news
from game.engine.views import may_read, news_for, open_decisions, state_to_dict, undecided_votes


def view_fields(game, seat: str) -> dict:
    """The fields of a ``view`` message for ``seat`` (plain JSON data)."""
    secret, hidden = undecided_votes(game, seat), _hidden_rule(game)
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
    """Whether a decisions-phase entry is the instructor's alone (a withdrawn item, a withdrawal)."""
    withdrawn = withdrawn_news(game.state)
    return lambda entry: bool(news_marks(entry, withdrawn).get("hidden"))
