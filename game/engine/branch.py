"""Branches: a saved game replayed to one of its turns, one decision changed, and played on.

``play_branch(game, save_data, "RU:answer_request=peacekeeping@2010-06-12")`` rebuilds the save's
game to the start of the turn that holds the date (its events have happened, its decisions not),
hands every seat to the computer, submits the changed decision before anyone else moves that turn,
and plays on to where the saved game stopped (to the end if it was finished). The result is one
narrated game with its own records, so the report and the debrief can set it beside the original:
the councils' stages and reasons, the assessments and the figures of both.

The change is written as ``batch --force`` writes one (``parse_force`` in game/engine/batch.py):
``ACTOR:ACTION[=VALUE][,FIELD=VALUE...]@DATE`` where DATE is ``YYYY-MM-DD`` or a turn number and
VALUE fills the action's main field (``answer_request=peacekeeping``; an ``answer_request`` with
no ``requester`` answers whoever has a plea pending). The change must be possible on that day in
that game (a plea must be pending to be answered); if it is not, ``BranchError`` says why.

Both games share the generator's state up to the change, so up to that day they are the same
game; after it they differ because of the change and because chance then takes another course.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from game.engine import actions as act
from game.engine.game import Game
from game.engine.world import LEVELS


class BranchError(ValueError):
    """A branch that cannot be made: a bad spec, a day the save did not reach, an impossible change."""


@dataclass
class Branch:
    game: Game                  # the what-if game, played on
    turn: int                   # the turn the change was made on
    action: dict                # the changed decision as applied (Action.to_dict)
    describe: str               # the change in a sentence
    applied: str                # what the game said when it was applied
    notes: list[str] = field(default_factory=list)


def _fields_text(world, a: act.Action) -> str:
    parts = []
    for f in dataclasses.fields(a):
        if f.name == "actor":
            continue
        v = getattr(a, f.name)
        if v is None or v == "":
            continue
        if isinstance(v, str) and (v in world.actor_ids or v in world.region_ids or v in world.force_ids):
            v = world.name(v)
        parts.append(f"{f.name.replace('_', ' ')} {str(v).replace('_', ' ')}")
    return ", ".join(parts)


def describe_change(world, a: act.Action, turn: int) -> str:
    day = world.date_of_turn(turn)
    what = type(a).label[0].lower() + type(a).label[1:] if getattr(type(a), "label", "") else a.kind.replace("_", " ")
    fields = _fields_text(world, a)
    return (f"On {day.day} {day.strftime('%B')} {day.year} (turn {turn}) {world.name(a.actor)} decides to "
            f"{what.lower()}" + (f" ({fields})" if fields else "") + ".")


def play_branch(original: Game, save_data: dict, spec: str) -> Branch:
    """The what-if game of ``original`` (rebuilt from ``save_data``) with the change ``spec``."""
    from game.engine.batch import BatchError, parse_force
    world = original.world
    spec = str(spec).strip()
    try:
        forced = parse_force(spec, world)
    except BatchError as exc:
        raise BranchError(str(exc).replace("--force", "--branch")) from None
    turn = forced.turn
    played = len(original.history)
    if turn > played:
        reach = (f"it reaches turn {played} ({world.date_of_turn(played).isoformat()})" if played
                 else "no turn of it was finished")
        raise BranchError(f"--branch {spec!r}: turn {turn} ({world.date_of_turn(turn).isoformat()}) was not played in "
                          f"this save; {reach}")
    data = dict(save_data)
    data["actions"] = [a for a in save_data.get("actions", []) if int(a["turn"]) < turn]
    data["turn"] = turn
    try:
        game = Game.replay(original.scenario, data)
    except ValueError as exc:
        raise BranchError(f"--branch: the save cannot be replayed to turn {turn} ({exc})") from None
    people = sorted(game.humans)
    if people:
        game.hand_to_computer(people)
    w, s = game.world, game.state
    reasons = []
    for a in forced.actions:
        verdict = a.validate(w, s)
        if verdict.allowed and bool(verdict.ok[0]):
            text = a.perform(w, s, verdict.ok, game.rng)
            game.log.append({"turn": game.turn, "by": "branch", "action": a.to_dict(), "ok": True})
            game.current.phases["decisions"]["actions"].append(
                {"actor": a.actor, "kind": a.kind, "by": "branch", "ok": True, "text": text, "action": a.to_dict()})
            break
        reasons.append(verdict.reason)
    else:
        day = world.date_of_turn(turn).isoformat()
        first = forced.actions[0]
        if first.kind == "answer_request" and first.answer not in LEVELS[1:]:
            raise BranchError(f"--branch {spec!r}: '{first.answer}' is not an answer; answer with one of: "
                              f"{', '.join(LEVELS[1:])}")
        if len(forced.actions) > 1 and first.kind == "answer_request":
            why = f"nobody has a request pending with {world.name(first.actor)}."
        else:
            why = next((r for r in reasons if r), "it is not possible then.")
        raise BranchError(f"--branch {spec!r}: it cannot be done on {day} (turn {turn}) in this game: {why}")
    if original.over:
        game.run_to_end()
    else:
        while len(game.history) < played and not game.over:
            game.end_turn()
    notes = []
    later = [e for e in save_data.get("actions", []) if int(e["turn"]) >= turn]
    if people:
        notes.append(f"From that day the computer plays every seat of the what-if game, also those the people played "
                     f"({', '.join(world.name(p) for p in people)})"
                     + (f"; the {len(later)} move{'s' if len(later) != 1 else ''} the people made from that day on "
                        f"{'are' if len(later) != 1 else 'is'} not replayed." if later else "."))
    else:
        notes.append("The computer plays every seat in both games.")
    notes.append("After the change the games differ because of it, and because chance then takes another course.")
    return Branch(game, turn, a.to_dict(), describe_change(world, a, turn), text, notes)
