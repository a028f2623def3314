"""A game: a scenario, a seed, the human seats and the action log.

Each turn is a pipeline of named phases (events, decisions, councils, resolution,
outcome); each phase returns a record, and the list of turn records is the game's
history, from which the news feed, the charts and the debrief are drawn. The
action log plus the seed and the scenario reproduce a game exactly: that is the
save, the replay and the audit trail.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field

import numpy as np

from game.engine import actions as act
from game.engine.ai import AIPlayer
from game.engine.assessment import assess, summary
from game.engine.dynamics import advance
from game.engine.events import run_events
from game.engine.procedure import due_procedures, run_procedure
from game.engine.state import DEPLOYED, IN_TRANSIT, State, initial_state
from game.engine.world import World, build_world

PHASES = ("events", "decisions", "councils", "resolution", "outcome")
SAVE_FORMAT = 1


@dataclass
class Result:
    """What became of a submitted action."""

    ok: bool
    text: str


@dataclass
class TurnRecord:
    """Everything that happened in one turn, phase by phase (run 0's view)."""

    turn: int
    date: str
    phases: dict = field(default_factory=dict)
    indicators: dict = field(default_factory=dict)

    def news(self, withdrawn: frozenset[str] = frozenset()) -> list[dict]:
        """Dated news items for the feed, in the order they happened; an item may carry ``to`` (a
        briefing for some seats) or ``hidden`` (withdrawn by the instructor: ``withdrawn`` texts)."""
        out = []
        for item in self.phases.get("events", {}).get("items", []):
            for n in item["news"]:
                out.append({"date": self.date, "text": n["text"], "severity": n["severity"], "kind": "event"})
        decisions = self.phases.get("decisions", {})
        for a in decisions.get("actions", []):
            if a["ok"] or a.get("by") in ("human", "remote"):     # a seat's order that could not be carried out is news
                out.append({"date": self.date, "text": a["text"], "severity": "info" if a["ok"] else "warning",
                            "kind": "action", **act.news_marks(a, withdrawn)})
        for seat in decisions.get("left_open", []):
            out.append({"date": self.date, "severity": "warning", "kind": "left_open",
                        "text": left_open_sentence(seat)})
        for p in self.phases.get("councils", {}).get("procedures", []):
            out.append({"date": self.date, "severity": "critical" if p["outcome"] in ("peacekeeping", "collective_defence") else "warning",
                        "kind": "council", "text": p["summary"]})
        for arr in self.phases.get("resolution", {}).get("arrivals", []):
            out.append({"date": self.date, "text": arr, "severity": "info", "kind": "forces"})
        return out

    def to_dict(self) -> dict:
        return {"turn": self.turn, "date": self.date, "phases": self.phases, "indicators": self.indicators}


class Game:
    """One game (a batch of ``runs`` runs; the UI and the log show run 0)."""

    def __init__(self, scenario, seed: int = 0, humans: tuple[str, ...] = (), runs: int = 1,
                 narrate: bool | None = None, simultaneous: bool = False):
        self.scenario = scenario
        self.world: World = build_world(scenario)
        unknown = [h for h in humans if h not in self.world.actor_ids]
        if unknown:
            raise ValueError(f"unknown actor(s) for a human seat: {', '.join(unknown)}")
        self.seed = int(seed)
        self.humans = frozenset(humans)
        self.simultaneous = bool(simultaneous) and bool(self.humans)
        self.orders: dict[str, list[act.Action]] = {}     # simultaneous turns: each seat's orders this turn
        self.ready: set[str] = set()                       # simultaneous turns: seats that have ended their turn
        self.seat_by: dict[str, str] = {}                  # who gives a seat's orders: "human" or "remote"
        self._seat_states: dict[str, tuple[State, np.random.Generator]] = {}
        self.narrate = runs == 1 if narrate is None else narrate
        self.rng = np.random.Generator(np.random.PCG64(self.seed))
        self.state: State = initial_state(self.world, runs)
        self.ai = AIPlayer(self.world, [a for a in self.world.actor_ids if a not in self.humans])
        self.history: list[TurnRecord] = []
        self.log: list[dict] = []
        self.over = False
        self.keep_undo = True           # a batch that replays recorded actions needs no undo
        self._begin_turn()

    # --- play ---------------------------------------------------------------------
    @property
    def turn(self) -> int:
        return self.state.turn

    @property
    def date(self):
        return self.world.date_of_turn(self.state.turn)

    @property
    def current(self) -> TurnRecord:
        return self._current

    def check(self, action: act.Action) -> act.Verdict:
        """Validate without acting (for greying out buttons), against the state its actor sees."""
        return action.validate(self.world, self.state_for(action.actor))

    def state_for(self, actor: str | None) -> State:
        """The state as ``actor`` sees it. In simultaneous turns a human seat sees the turn as it began
        (with the instructor's changes) plus its own orders, and nothing of the other seats' orders;
        otherwise (and for everyone else) the game's state."""
        if not self.simultaneous or actor not in self.humans:
            return self.state
        if actor not in self._seat_states:
            self._seat_states[actor] = self._seat_preview(actor)
        return self._seat_states[actor][0]

    def declare_ready(self, actor: str) -> None:
        """Simultaneous turns: ``actor`` has finished its orders for this turn."""
        if actor in self.humans:
            self.ready.add(actor)

    def waiting_for(self) -> list[str]:
        """Simultaneous turns: the human seats that have not ended their turn yet, in seat order."""
        return [a for a in self.world.actor_ids if a in self.humans and a not in self.ready]

    def submit(self, action: act.Action, remote: bool = False) -> Result:
        """A person's action: validated now, applied now (an order, in simultaneous turns), logged with
        ``by`` "human" ("remote" when it came over the network, ``remote``) or "instructor". Refusals
        cost nothing."""
        if self.over:
            return Result(False, "The scenario has ended.")
        by = "instructor" if action.actor == act.INSTRUCTOR else "remote" if remote else "human"
        if by != "instructor" and action.actor not in self.humans:
            return Result(False, f"{self.world.name(action.actor)} is played by the computer.")
        if by != "instructor" and self.simultaneous:
            return self._give_order(action, by)
        verdict = action.validate(self.world, self.state)
        entry = {"turn": self.turn, "by": by, "action": action.to_dict()}
        if not verdict.allowed:
            self.log.append({**entry, "ok": False, "reason": verdict.reason})
            self._current.phases["decisions"]["actions"].append(
                {"actor": action.actor, "kind": action.kind, "ok": False, "text": verdict.reason})
            return Result(False, verdict.reason)
        self._turn_snapshot_actions.append(action)
        text = (action.perform(self.world, self.state, verdict.ok, self.rng, self.humans) if by == "instructor"
                else action.perform(self.world, self.state, verdict.ok, self.rng))
        self.log.append({**entry, "ok": True, **({"text": text, "kind": action.kind} if by == "instructor" else {})})
        self._current.phases["decisions"]["actions"].append(
            {"actor": action.actor, "kind": action.kind, "by": by, "ok": True, "text": text,
             "action": action.to_dict()})
        self._seat_states.clear()          # every seat sees the instructor's change under its own orders
        if getattr(action, "changes_world", False):       # the computer players read interests and ties
            self.ai = AIPlayer(self.world, [a for a in self.world.actor_ids if a not in self.humans])
        return Result(True, text)

    def _give_order(self, action: act.Action, by: str) -> Result:
        """Simultaneous turns: validate a seat's action against what the seat sees, show its effect to
        that seat alone and keep it as an order, carried out when the turn resolves."""
        if action.actor in self.ready:
            return Result(False, f"{self.world.name(action.actor)} has ended its turn: the others are still "
                                 "deciding.")
        state, rng = self.state_for(action.actor), self._seat_states[action.actor][1]
        verdict = action.validate(self.world, state)
        entry = {"turn": self.turn, "by": by, "action": action.to_dict()}
        if not verdict.allowed:
            self.log.append({**entry, "ok": False, "reason": verdict.reason})
            return Result(False, verdict.reason)
        text = action.perform(self.world, state, verdict.ok, rng)
        self.seat_by[action.actor] = by
        self.orders.setdefault(action.actor, []).append(action)
        self.log.append({**entry, "ok": True, "order": True, "text": text})
        return Result(True, text)

    def _seat_preview(self, actor: str) -> tuple[State, np.random.Generator]:
        """The seat's view: the game's state with the seat's orders applied to a copy (its own dice)."""
        state, rng = self.state.copy(), self._clone_rng(self.rng)
        for order in self.orders.get(actor, []):
            verdict = order.validate(self.world, state)
            if verdict.allowed:
                order.perform(self.world, state, verdict.ok, rng)
        return state, rng

    def undo(self, actor: str | None = None) -> bool:
        """Take back the last accepted human action of this turn (before End Turn); in simultaneous
        turns, the last order of ``actor`` (of whoever gave the last order when None)."""
        if self.simultaneous:
            return self._take_back_order(actor)
        if not self._turn_snapshot_actions:
            return False
        keep = self._turn_snapshot_actions[:-1]
        state, rng, record, log_length, world = self._turn_snapshot
        self.state, self.rng = state.copy(), self._clone_rng(rng)
        if any(getattr(self.world, k) is not v for k, v in vars(world).items()):   # the instructor changed the world
            self.world = copy.copy(world)
            self.ai = AIPlayer(self.world, [a for a in self.world.actor_ids if a not in self.humans])
        self._current = TurnRecord(record.turn, record.date, _deep(record.phases), dict(record.indicators))
        # drop this turn's log entries after the snapshot and replay the kept actions
        self.log = self.log[:log_length]
        self._turn_snapshot_actions = []
        for a in keep:
            self.submit(a)
        return True

    def _take_back_order(self, actor: str | None) -> bool:
        for i in range(len(self.log) - 1, -1, -1):
            e = self.log[i]
            if e["turn"] != self.turn or not e.get("order") or (actor and e["action"]["actor"] != actor):
                continue
            who = e["action"]["actor"]
            if who in self.ready:
                return False
            del self.log[i]
            self.orders[who].pop()
            self._seat_states.pop(who, None)
            return True
        return False

    def end_turn(self) -> TurnRecord:
        """Run the rest of the pipeline and start the next turn."""
        if self.over:
            return self.history[-1]
        w, s, rec = self.world, self.state, self._current
        if self.simultaneous:
            self._resolve_orders(rec)
        # decisions: pending event choices of humans default to the first option
        for offer in [c for c in s.pending_choices if c["actor"] in self.humans]:
            self._apply_default_choice(offer)
        for action, mask, text in self.ai.decide(s, self.rng, self.narrate):
            if self.narrate and mask[0]:
                self.log.append({"turn": s.turn, "by": "ai", "action": action.to_dict(), "ok": True})
                rec.phases["decisions"]["actions"].append(
                    {"actor": action.actor, "kind": action.kind, "by": "ai", "ok": True, "text": text,
                     "action": action.to_dict()})
        # councils
        procs = []
        for q, b, mask in due_procedures(w, s):
            record = run_procedure(w, s, self.rng, q, b, mask, self.narrate)
            if record is not None and mask[0]:
                procs.append(record)
        rec.phases["councils"] = {"procedures": procs}
        # resolution
        arrivals = self._move_forces()
        before = s.casualties.sum(axis=1)
        advance(w, s, self.rng, w.scenario.turn_days)
        rec.phases["resolution"] = {"arrivals": arrivals, "days": w.scenario.turn_days,
                                    "new_casualties": float((s.casualties.sum(axis=1) - before)[0])}
        # outcome
        rec.indicators = self.indicators()
        self.over = s.turn >= w.last_turn
        rec.phases["outcome"] = {"over": self.over}
        self.history.append(rec)
        if not self.over:
            s.turn += 1
            self._begin_turn()
        return rec

    def run_to_end(self) -> None:
        while not self.over:
            self.end_turn()

    # --- views --------------------------------------------------------------------
    def indicators(self, run: int = 0) -> dict:
        return indicators_of(self.world, self.state, run)

    def news(self) -> list[dict]:
        """Every news item of the game so far, with its ``to`` and ``hidden`` marks (views.news_for
        filters them for a seat)."""
        withdrawn = act.withdrawn_news(self.state)
        out = []
        for rec in self.history + ([self._current] if not self.over else []):
            out.extend(rec.news(withdrawn))
        return out

    def decisions(self) -> list[dict]:
        return [p for rec in self.history for p in rec.phases.get("councils", {}).get("procedures", [])]

    def final(self) -> dict:
        return summary(self.world, self.state)

    def assessment(self) -> dict:
        return assess(self.world, self.state, self.decisions())

    # --- save / replay ------------------------------------------------------------
    def save_data(self, scenario_ref: str) -> dict:
        """The save: scenario reference, seed, seats and the human actions by turn."""
        human = [{"turn": e["turn"], **e["action"], **({"by": "remote"} if e["by"] == "remote" else {})}
                 for e in self.log if e["by"] in ("human", "remote", "instructor") and e["ok"]]
        return {"save_format": SAVE_FORMAT, "scenario": scenario_ref, "scenario_id": self.scenario.id,
                "seed": self.seed, "humans": sorted(self.humans), "turn": self.turn, "actions": human,
                **({"turns": "simultaneous", "ready": sorted(self.ready)} if self.simultaneous else {})}

    @classmethod
    def replay(cls, scenario, data: dict) -> "Game":
        """Rebuild a game from a save's action log (raises ValueError on a bad log)."""
        game = cls(scenario, seed=data["seed"], humans=tuple(data.get("humans", ())),
                   simultaneous=data.get("turns") == "simultaneous")
        by_turn: dict[int, list] = {}
        for entry in data.get("actions", []):
            entry = dict(entry)
            turn, remote = entry.pop("turn"), entry.pop("by", None) == "remote"
            by_turn.setdefault(int(turn), []).append((act.action_from_dict(entry), remote))
        target = int(data.get("turn", 1))
        while game.turn <= target and not game.over:
            for a, remote in by_turn.get(game.turn, []):
                res = game.submit(a, remote=remote)
                if not res.ok:
                    raise ValueError(f"turn {game.turn}: the logged action '{a.kind}' of {a.actor} was refused "
                                     f"on replay ({res.text})")
            if game.turn == target:
                for seat in data.get("ready", ()):
                    game.declare_ready(seat)
                break
            game.end_turn()
        return game

    def branch(self, runs: int, seed: int, humans: tuple[str, ...] = ()) -> "Game":
        """``runs`` what-if runs that all start from this game's run 0 as it stands now: this turn's
        events have happened, its decisions are still to come. The branch has its own generator
        (``seed``), narrates nothing and keeps no undo; the seats not in ``humans`` are played by the
        computer (a choice an event put to a seat that the computer now plays is answered as the
        computer answers it: by the options' weights, per run)."""
        g = Game.__new__(Game)
        g.scenario, g.world = self.scenario, copy.copy(self.world)   # an instructor's later change stays in one game
        g.seed, g.humans, g.narrate, g.keep_undo = int(seed), frozenset(humans), False, False
        g.rng = np.random.Generator(np.random.PCG64(g.seed))
        g.state = self.state.take(np.zeros(int(runs), dtype=np.int64))
        g.ai = AIPlayer(g.world, [a for a in g.world.actor_ids if a not in g.humans])
        g.history, g.log, g.over = [], [], self.over
        g.simultaneous, g.orders, g.ready, g.seat_by, g._seat_states = False, {}, set(), {}, {}
        g._current = TurnRecord(self._current.turn, self._current.date, {p: {} for p in PHASES})
        g._current.phases["decisions"] = {"actions": []}
        g._turn_snapshot_actions = []
        g._computer_answers_offers()
        return g

    def hand_to_computer(self, actors) -> None:
        """From now on the computer plays these seats (a batch that has run out of recorded moves)."""
        actors = [a for a in actors if a in self.humans]
        if actors:
            self.humans = self.humans - set(actors)
            self.ai = AIPlayer(self.world, [a for a in self.world.actor_ids if a not in self.humans])
            self._computer_answers_offers()

    def _computer_answers_offers(self) -> None:
        """Choices that events put to seats the computer now plays are answered as the computer answers."""
        from game.engine.events import choose_by_weights
        for offer in [c for c in self.state.pending_choices if c["actor"] not in self.humans]:
            self.state.pending_choices.remove(offer)
            runs_mask = offer.get("runs", np.ones(self.state.runs, dtype=bool))
            choose_by_weights(self.world, self.state, offer["actor"], offer["choices"], runs_mask, self.rng, None,
                              self.humans, offer["event"])

    # --- internals ----------------------------------------------------------------
    def _resolve_orders(self, rec: TurnRecord) -> None:
        """Simultaneous turns: list what the seats that had not finished left open, then carry out every
        seat's orders in seat order (each seat's in the order given). An order that another seat's order
        has made impossible is refused with its reason, in the record."""
        from game.engine.views import open_decisions
        rec.phases["decisions"]["left_open"] = [
            {"actor": a, "name": self.world.name(a), "open": [d.to_dict() for d in open_decisions(self, a)]}
            for a in self.waiting_for() if open_decisions(self, a)]
        for actor in [a for a in self.world.actor_ids if a in self.humans]:
            by = self.seat_by.get(actor, "human")
            for order in self.orders.get(actor, []):
                verdict = order.validate(self.world, self.state)
                if not verdict.allowed:
                    rec.phases["decisions"]["actions"].append(
                        {"actor": actor, "kind": order.kind, "by": by, "ok": False, "action": order.to_dict(),
                         "text": f"{self.world.name(actor)}'s order could not be carried out: {verdict.reason}"})
                    continue
                text = order.perform(self.world, self.state, verdict.ok, self.rng)
                rec.phases["decisions"]["actions"].append(
                    {"actor": actor, "kind": order.kind, "by": by, "ok": True, "text": text,
                     "action": order.to_dict()})

    def _begin_turn(self) -> None:
        s = self.state
        self.orders, self.ready = {}, set()
        self._seat_states.clear()
        s.budget[:] = self.world.budget0
        s.group_target[:] = -1
        self._current = TurnRecord(s.turn, self.date.isoformat(), {p: {} for p in PHASES})
        self._current.phases["decisions"] = {"actions": []}
        items = run_events(self.world, s, self.rng, self.humans, self.narrate)
        self._current.phases["events"] = {"items": items}
        self._turn_snapshot_actions: list[act.Action] = []
        if self.humans and self.keep_undo and not self.simultaneous:  # undo needs the state as the turn began; AI-only games skip the copy
            self._turn_snapshot = (s.copy(), self._clone_rng(self.rng), self._current, len(self.log),
                                   copy.copy(self.world))
            self._current = TurnRecord(self._current.turn, self._current.date,
                                       {k: _deep(v) for k, v in self._current.phases.items()})

    def _apply_default_choice(self, offer) -> None:
        action = act.ChooseOption(offer["actor"], event=offer["event"], choice=0)
        self.log.append({"turn": self.turn, "by": "default", "action": action.to_dict(), "ok": True})
        text = action.perform(self.world, self.state, np.ones(self.state.runs, dtype=bool), self.rng)
        self._current.phases["decisions"]["actions"].append(
            {"actor": action.actor, "kind": action.kind, "by": "default", "ok": True, "text": text})

    def _move_forces(self) -> list[str]:
        s, w = self.state, self.world
        due = (s.force_status == IN_TRANSIT) & (s.force_arrival <= s.turn)
        texts = []
        if due.any():
            s.force_status[due] = DEPLOYED
            s.force_location[due] = s.force_destination[due]
            s.force_arrival[due] = -1
            if self.narrate:
                for f in np.flatnonzero(due[0]):
                    texts.append(f"{w.name(w.force_ids[f])} arrives in {w.name(w.region_ids[int(s.force_location[0, f])])}.")
        return texts

    @staticmethod
    def _clone_rng(rng: np.random.Generator) -> np.random.Generator:
        clone = np.random.Generator(np.random.PCG64())
        clone.bit_generator.state = rng.bit_generator.state
        return clone


def indicators_of(world: World, s: State, run: int = 0) -> dict:
    """The headline figures of one run: deaths, displaced, refugees, stability, worst violence, troops."""
    return {"casualties": float(s.casualties[run].sum()), "displaced": float(s.displaced[run].sum()),
            "refugees": float(s.refugees_out[run].sum()),
            "stability": float(np.average(s.stability[run], weights=np.maximum(world.population0, 1))),
            "violence": float(s.violence[run].max()),
            "troops_deployed": float(s.troops_deployed(world)[run].sum()),
            "military_casualties": float(s.military_casualties[run].sum())}


def left_open_sentence(seat: dict) -> str:
    """One line for a seat whose turn was ended before it had decided everything."""
    items = "; ".join(f"{d['title']} ({d['default']})" for d in seat["open"])
    return f"{seat['name']}'s turn was ended with decisions open: {items}."


def _deep(value):
    if isinstance(value, dict):
        return {k: _deep(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_deep(v) for v in value]
    return value
