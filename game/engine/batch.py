"""Many playouts at once: N runs of a scenario, or of a save from one of its turns.

``run_batch(BatchSpec(...))`` plays the runs on the run axis (``Game(runs=n)``) in chunks of
``CHUNK`` runs, so that a million runs need no more memory than one chunk and its summary, and
returns a ``BatchResult``: per-run summaries (each body's strongest outcome and its two decisive
reasons as codes, whether it sent troops, the turn of its decision and of the first request, each
actor's objective score and the figures) and the distributions (outcome and troop shares, reason
shares, quantiles 5/50/95 of deaths including soldiers, displaced, refugees and stability per
region).

Reproducibility: chunk ``i`` of a batch with seed ``S`` has its own generator, seeded ``S`` for
chunk 0 (so a batch of up to ``CHUNK`` runs is exactly ``Game(scenario, seed=S, runs=n)``) and from
``SeedSequence([S, i])`` after it. Chunks are independent and merged in their order, so the same
scenario, seed, runs and chunk size give the same result in one process, in local processes or on
a Dask cluster (game/parallel.py).

What-if edits (docs/batch.md):

- ``--set PATH=VALUE`` (``apply_sets``): ``actors.RU.interests.non_interference=0.9``,
  ``coefficients.draft_support_share=0.6``, ``parameters.flight=0.3``,
  ``organisations.CSTO.rules.position_noise=0``. The scenario is dumped, edited and validated
  again; list items are picked by id (or by index), a bad path is one clear error.
- ``--force ACTOR:KIND[=VALUE][,FIELD=VALUE...]@WHEN`` (``parse_force``): an action submitted in
  every run at the start of the decisions of the turn that holds WHEN (a date ``2010-06-12`` or a
  turn number), as a person would submit it, before the computer's moves. VALUE fills the action's
  main field (``MAIN_FIELD``); ``answer_request`` without a ``requester`` answers whoever has a
  plea pending. The action is validated in each run; the runs where it is refused are counted and
  reported with the reason, never dropped silently.

From a save: the save is replayed to the start of turn T (its recorded actions before T); the runs
branch from there. By default the computer takes the seats the person played; with
``keep_recorded`` the person's recorded actions from T on are submitted on their turns (in each
run where they are still possible) and the computer plays those seats after the last recorded turn.
"""
from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import json
import math
import time
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from game.engine import actions as act
from game.engine.assessment import objective_met
from game.engine.game import Game
from game.engine.positions import REASON_CODES, REASON_LABELS
from game.engine.world import LEVEL_OF, OUTCOMES, STATE_KINDS, World, build_world

#: Runs per chunk. Results depend on it (each chunk has its own generator), so it is fixed.
CHUNK = 5_000
#: Per-run summaries are kept for at most this many runs; beyond it only the distributions are
#: kept (constant memory), and quantiles come from fine histograms instead of the exact values.
KEEP_RUNS = 100_000
NO_REQUEST = len(OUTCOMES)
OUTCOME_NAMES: tuple[str, ...] = OUTCOMES + ("no_request",)
TROOP_OUTCOMES = ("peacekeeping", "collective_defence")
#: Weakest to strongest: what "the strongest outcome a body reached" means (as ``calibrate``).
STRENGTH: tuple[str, ...] = ("no_request", "no_session", "declined", "refused") + tuple(
    o for o in OUTCOMES if o in LEVEL_OF and o != "none")
QUANTILES = (5, 50, 95)
#: The main field each action kind's ``=VALUE`` fills in ``--force``.
MAIN_FIELD = {
    "answer_request": "answer", "vote": "support_up_to", "propose_mandate": "level",
    "request_assistance": "target_body", "deploy_force": "force", "withdraw_force": "force",
    "send_aid": "recipient", "set_border": "neighbour", "reinforce_border": "region",
    "security_operation": "region", "declare_emergency": "region", "mediate": "between",
    "public_statement": "stance", "attack": "region", "cross_border_attack": "region",
    "ceasefire": "with_state", "choose_option": "event",
}


class BatchError(ValueError):
    """Bad input for a batch (a --set path, a --force action, a turn): one plain sentence."""


# --- what-if edits: --set ------------------------------------------------------------------------
def parse_value(text: str):
    """A --set value: JSON (numbers, true/false, null, lists, quoted text), else plain text."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def _step(node, key: str, where: str):
    """The child of ``node`` named ``key`` (a list item by id or index); BatchError when none."""
    if isinstance(node, list):
        ids = [item.get("id") for item in node if isinstance(item, dict)]
        if key in ids:
            return node[ids.index(key)], ids.index(key)
        if key.lstrip("-").isdigit() and -len(node) <= int(key) < len(node):
            return node[int(key)], int(key)
        shown = ", ".join(str(i) for i in ids[:20] if i is not None) or f"0..{len(node) - 1}"
        raise BatchError(f"{where or 'the scenario'} has no item '{key}' (ids: {shown})")
    if isinstance(node, dict):
        if key not in node:
            raise KeyError(key)
        return node[key], key
    raise BatchError(f"{where} is a value, not a mapping or a list: it has no '{key}'")


def apply_sets(scenario, sets: list[str] | tuple[str, ...]):
    """The scenario with each ``PATH=VALUE`` edit applied (dumped, edited, validated again)."""
    if not sets:
        return scenario
    from pydantic import ValidationError

    from game.scenario.schema import Scenario
    data = scenario.model_dump(by_alias=True, exclude_none=True)
    full = scenario.model_dump(by_alias=True)          # every field, to tell a typo from an unset field
    for text in sets:
        path, sep, raw = text.partition("=")
        path = path.strip()
        if not sep or not path or any(not part for part in path.split(".")):
            raise BatchError(f"--set {text!r}: write PATH=VALUE, e.g. coefficients.draft_support_share=0.6")
        parts = path.split(".")
        node, known, where = data, full, ""
        for i, key in enumerate(parts):
            last = i == len(parts) - 1
            try:
                child, k = _step(node, key, where)
            except KeyError:
                known_here = known if isinstance(known, dict) else {}
                if key not in known_here and not _is_mapping_field(where):
                    names = ", ".join(sorted(known_here)) or "none"
                    raise BatchError(f"--set {path}: {where or 'the scenario'} has no field '{key}' "
                                     f"(fields: {names})") from None
                if not last:
                    node[key] = {} if known_here.get(key) is None else copy.deepcopy(known_here[key])
                    child, k = node[key], key
                else:
                    child, k = None, key
            if last:
                node[k] = parse_value(raw.strip())
            else:
                kchild = None
                if isinstance(known, list) and isinstance(k, int) and k < len(known):
                    kchild = known[k]
                elif isinstance(known, dict):
                    kchild = known.get(k)
                node, known, where = child, kchild, f"{where}.{key}" if where else key
    try:
        edited = Scenario.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(x) for x in err.get("loc", ()))
        raise BatchError(f"--set: the edited scenario is not valid at {loc or 'the top'}: {err.get('msg')}") from None
    try:
        build_world(edited)
    except (KeyError, ValueError, IndexError) as exc:
        raise BatchError(f"--set: the edited scenario cannot be played: {exc}") from None
    return edited


def _is_mapping_field(where: str) -> bool:
    """Fields that are mappings of data (new keys allowed): ties, coefficients, kin shares, outcomes."""
    last = where.rsplit(".", 1)[-1]
    return last in ("ties", "coefficients", "kin", "outcomes")


# --- forced actions: --force -----------------------------------------------------------------------
@dataclass(frozen=True)
class Forced:
    """An action submitted in every run at the start of a turn's decisions."""

    text: str                       # as the user wrote it
    turn: int
    actions: tuple                  # the Action(s): several when a field is left to the situation
    source: str = "forced"          # "forced" or "recorded" (a save's action kept)


def turn_of(world: World, when: str, what: str = "--force") -> int:
    """The turn that holds a date (YYYY-MM-DD) or a turn number."""
    when = when.strip()
    if when.isdigit():
        turn = int(when)
    else:
        try:
            day = dt.date.fromisoformat(when)
        except ValueError:
            raise BatchError(f"{what}: '{when}' is neither a date (YYYY-MM-DD) nor a turn number") from None
        sc = world.scenario
        if not sc.start_date <= day <= sc.end_date:
            raise BatchError(f"{what}: {day} is outside the scenario ({sc.start_date} to {sc.end_date})")
        turn = (day - sc.start_date).days // sc.turn_days + 1
    if not 1 <= turn <= world.last_turn:
        raise BatchError(f"{what}: turn {turn} is outside the scenario (turns 1 to {world.last_turn})")
    return turn


def _coerce(cls, name: str, raw: str, what: str):
    """A text value for an action field, typed as the field's default."""
    fld = {f.name: f for f in dataclasses.fields(cls)}[name]
    default, text = fld.default, raw.strip()
    if default is None and text.lower() in ("none", "null", "-"):      # an optional field left empty
        return None
    if isinstance(default, bool):
        words = {"true": True, "yes": True, "open": True, "false": False, "no": False, "closed": False}
        if text.lower() not in words:
            raise BatchError(f"{what}: {name} must be true or false, not '{text}'")
        return words[text.lower()]
    if isinstance(default, int) or name in ("article", "choice"):
        try:
            return int(text)
        except ValueError:
            raise BatchError(f"{what}: {name} must be a whole number, not '{text}'") from None
    return text


def parse_force(text: str, world: World) -> Forced:
    """``ACTOR:KIND[=VALUE][,FIELD=VALUE...]@WHEN`` -> a ``Forced`` (BatchError with a plain reason)."""
    what = f"--force {text!r}"
    head, at, when = text.rpartition("@")
    if not at or not head or ":" not in head:
        raise BatchError(f"{what}: write ACTOR:ACTION[=VALUE][,FIELD=VALUE...]@DATE, "
                         "e.g. RU:answer_request=peacekeeping@2010-06-12")
    actor, _, rest = head.partition(":")
    actor = actor.strip()
    if actor not in world.actor_ids:
        raise BatchError(f"{what}: no actor '{actor}' in this scenario (actors: {', '.join(world.actor_ids)})")
    parts = [p.strip() for p in rest.split(",")]
    kind, _, main = parts[0].partition("=")
    kind = kind.strip()
    cls = act.ACTION_TYPES.get(kind)
    if cls is None:
        raise BatchError(f"{what}: unknown action '{kind}' (actions: {', '.join(sorted(act.ACTION_TYPES))})")
    names = [f.name for f in dataclasses.fields(cls) if f.name != "actor"]
    values: dict = {}
    if main:
        values[MAIN_FIELD.get(kind, names[0] if names else "")] = main
    for p in parts[1:]:
        key, eq, val = p.partition("=")
        key = key.strip()
        if not eq or key not in names:
            raise BatchError(f"{what}: '{p}' is not FIELD=VALUE with a field of {kind} ({', '.join(names)})")
        values[key] = val
    values = {k: _coerce(cls, k, v, what) for k, v in values.items()}
    turn = turn_of(world, when, what)
    if kind == "answer_request" and "requester" not in values:
        # Answer whoever has a plea pending: one action per possible requester, each valid only
        # in the runs where that plea is pending.
        others = [a for a in world.actor_ids if a != actor and world.actor(a).kind in STATE_KINDS]
        actions = tuple(cls(actor=actor, requester=q, **values) for q in others)
    else:
        if kind in ("vote", "propose_mandate") and "body" not in values:
            orgs = [o for o in world.org_ids if world.membership[world.o(o), world.a(actor)]]
            if len(orgs) != 1:
                raise BatchError(f"{what}: say which body, e.g. ,body={orgs[0] if orgs else 'CSTO'}")
            values["body"] = orgs[0]
        try:
            actions = (cls(actor=actor, **values),)
        except TypeError as exc:
            raise BatchError(f"{what}: {exc}") from None
    return Forced(text=text, turn=turn, actions=actions)


def force_text(action, turn: int) -> str:
    """An action in the --force syntax (``parse_force`` reads it back)."""
    values = {k: v for k, v in dataclasses.asdict(action).items() if k != "actor"}
    main = MAIN_FIELD.get(action.kind)
    head = f"{action.actor}:{action.kind}" + (f"={values.pop(main)}" if main in values else "")
    rest = [f"{k}={'none' if v is None else str(v).lower() if isinstance(v, bool) else v}" for k, v in values.items()
            if v is not None]
    return ",".join([head] + rest) + f"@{turn}"


# --- the specification and the chunks --------------------------------------------------------------
@dataclass
class BatchSpec:
    """What to play. ``scenario`` is a validated Scenario (edits already applied)."""

    scenario: object
    runs: int
    seed: int = 0
    save: dict | None = None             # a save's data (Game.save_data), to branch from one of its turns
    from_turn: int | None = None         # the turn to branch from (default: the save's turn)
    keep_recorded: bool = False          # keep the person's recorded actions instead of the computer
    forces: tuple[str, ...] = ()         # --force texts (parsed in each chunk against its world)
    sets: tuple[str, ...] = ()           # the --set texts, for the report (already in ``scenario``)
    chunk: int = CHUNK
    keep_runs: int = KEEP_RUNS
    label: str = ""                      # scenario reference or save path, for the report

    def chunks(self) -> list[tuple[int, int]]:
        """(index, runs) of every chunk."""
        n = max(1, math.ceil(self.runs / self.chunk))
        return [(i, min(self.chunk, self.runs - i * self.chunk)) for i in range(n)]

    def branch_turn(self) -> int:
        if self.save is None:
            return 1
        return int(self.from_turn if self.from_turn is not None else self.save.get("turn", 1))


def chunk_seed(seed: int, index: int) -> int:
    """The seed of chunk ``index``: the batch's own seed for chunk 0, then independent streams."""
    if index == 0:
        return int(seed)
    return int(np.random.SeedSequence([int(seed), int(index)]).generate_state(1, np.uint64)[0] >> np.uint64(1))


def prepare(spec: BatchSpec) -> tuple[World, list[Forced]]:
    """Check the spec once (in the caller): the world, the forced and recorded actions in turn order."""
    world = build_world(spec.scenario)
    start = spec.branch_turn()
    if spec.runs < 1:
        raise BatchError("--runs must be 1 or more")
    if spec.save is not None:
        last = int(spec.save.get("turn", 1))
        if not 1 <= start <= min(last, world.last_turn):
            raise BatchError(f"--from-turn {start}: the save reaches turn {last}; choose a turn from 1 to "
                             f"{min(last, world.last_turn)}")
    elif spec.from_turn not in (None, 1):
        raise BatchError("--from-turn needs a save to branch from (a scenario always starts at turn 1)")
    scripted = [parse_force(t, world) for t in spec.forces]
    for f in scripted:
        if f.turn < start:
            raise BatchError(f"--force {f.text!r}: turn {f.turn} is before the branch turn {start}")
    if spec.save is not None and spec.keep_recorded:
        for entry in spec.save.get("actions", []):
            entry = dict(entry)
            turn = int(entry.pop("turn"))
            entry.pop("by", None)               # an action sent over the network is a person's action
            if turn >= start:
                a = act.action_from_dict(entry)
                scripted.append(Forced(text=force_text(a, turn), turn=turn, actions=(a,), source="recorded"))
    scripted.sort(key=lambda f: (f.turn, f.source != "recorded"))  # stable: recorded first, then forced
    return world, scripted


def _branch_point(spec: BatchSpec) -> Game:
    """The save replayed to the start of the branch turn (its actions before it), one run."""
    data = dict(spec.save)
    start = spec.branch_turn()
    data["actions"] = [a for a in data.get("actions", []) if int(a["turn"]) < start]
    data["turn"] = start
    return Game.replay(spec.scenario, data)


@dataclass
class ChunkSummary:
    """Per-run summaries of one chunk (plain arrays: they travel between processes)."""

    index: int
    runs: int
    outcome: np.ndarray          # (n, B) int8: code into OUTCOME_NAMES of the strongest outcome
    reasons: np.ndarray          # (n, B, 2) int8: the decisive reasons (codes into REASON_CODES), -1 none
    troops: np.ndarray           # (n, B) bool: the body decided to send troops
    decided_turn: np.ndarray     # (n, B) int16: turn the strongest outcome was first reached, -1 never
    request_turn: np.ndarray     # (n, B) int16: turn of the first request to the body, -1 never
    outcome_turn: np.ndarray     # (n, B, len(OUTCOMES)) int16: turn each outcome was first reached, -1 never
    scores: np.ndarray           # (n, S) float32: objective score 0..100 of each scored actor
    figures: np.ndarray          # (n, F) float64: see ``figure_names``
    reached: np.ndarray          # (B, len(OUTCOMES)) runs of the chunk that reached each outcome at any time
    scripted: dict               # text -> {"applied": runs, "refused": runs, "reasons": Counter}
    seconds: float = 0.0
    figure_names: list = field(default_factory=list)
    agg: dict | None = None      # the chunk's share of the distributions (``aggregate``)

    def drop_runs(self) -> "ChunkSummary":
        """Keep only the distributions (a batch past KEEP_RUNS): less to send, nothing kept per run."""
        for k in PER_RUN:
            setattr(self, k, None)
        return self


def figure_names(world: World) -> list[str]:
    return ["deaths", "civilian_deaths", "soldiers_killed", "displaced", "refugees", "troops_deployed"] + [
        f"stability:{r}" for r in world.region_ids]


def scored_actors(world: World) -> list[str]:
    out: list[str] = []
    for obj in world.scenario.objectives:
        if obj.actor not in out:
            out.append(obj.actor)
    return out


def strongest(state) -> np.ndarray:
    """(R, B) code into OUTCOME_NAMES of the strongest outcome each body reached (NO_REQUEST if none)."""
    rank = np.zeros(len(OUTCOMES), dtype=np.int64)
    for i, name in enumerate(STRENGTH[1:], start=1):
        rank[OUTCOMES.index(name)] = i
    reached = np.where(state.outcome_ever, rank[None, None, :], 0)            # (R, B, O)
    best = reached.max(axis=2)
    code_of_rank = np.full(len(STRENGTH), NO_REQUEST)
    for i, name in enumerate(STRENGTH[1:], start=1):
        code_of_rank[i] = OUTCOMES.index(name)
    return code_of_rank[best]


def summarise(game: Game, index: int, scripted: dict, seconds: float = 0.0) -> ChunkSummary:
    """The per-run summary of a finished chunk."""
    w, s = game.world, game.state
    R = s.runs
    code = strongest(s)
    reached = np.take_along_axis(s.outcome_turn, np.minimum(code, NO_REQUEST - 1)[:, :, None], axis=2)[:, :, 0]
    decided_turn = np.where(code == NO_REQUEST, -1, reached)
    req = np.where(s.req_turn >= 0, s.req_turn, np.iinfo(np.int64).max).min(axis=1)   # (R, B)
    request_turn = np.where(req == np.iinfo(np.int64).max, -1, req)
    troop_codes = [OUTCOMES.index(o) for o in TROOP_OUTCOMES]
    troops = s.outcome_ever[:, :, troop_codes].any(axis=2)
    actors = scored_actors(w)
    scores = np.zeros((R, len(actors)), dtype=np.float32)
    weights = np.zeros(len(actors))
    for obj in w.scenario.objectives:
        i = actors.index(obj.actor)
        scores[:, i] += obj.weight * objective_met(w, s, obj)
        weights[i] += obj.weight
    scores = (100.0 * scores / np.maximum(weights, 1e-12)).astype(np.float32)
    civ = s.casualties.sum(axis=1)
    mil = s.military_casualties.sum(axis=1)
    figures = np.column_stack([civ + mil, civ, mil, s.peak_displaced.sum(axis=1), s.peak_refugees.sum(axis=1),
                               s.troops_deployed(w).sum(axis=1), s.stability])
    return ChunkSummary(index=index, runs=R, outcome=code.astype(np.int8), reasons=s.decisive.astype(np.int8),
                        troops=troops, decided_turn=decided_turn.astype(np.int16),
                        request_turn=request_turn.astype(np.int16), outcome_turn=s.outcome_turn.astype(np.int16),
                        scores=scores, figures=figures,
                        reached=s.outcome_ever.sum(axis=0).astype(np.int64), scripted=scripted, seconds=seconds,
                        figure_names=figure_names(w))


def _apply_scripted(game: Game, f: Forced, stats: dict) -> None:
    """Submit a forced or recorded action in every run; count where it was refused, and why."""
    w, s = game.world, game.state
    done = np.zeros(s.runs, dtype=bool)
    reason = ""
    for a in f.actions:
        verdict = a.validate(w, s)
        ok = verdict.ok & ~done
        if ok.any():
            a.perform(w, s, ok, game.rng)
            done |= ok
        elif verdict.reason and not reason:
            reason = verdict.reason
    entry = stats.setdefault(f.text, {"turn": f.turn, "source": f.source, "applied": 0, "refused": 0,
                                      "reasons": Counter()})
    entry["applied"] += int(done.sum())
    refused = ~done
    if refused.any():
        entry["refused"] += int(refused.sum())
        if done.any() or not reason:   # refused in some runs only: ask those runs why
            sub = s.take(refused)
            why = [a.validate(w, sub).reason for a in f.actions]
            reason = next((r for r in why if r), "") or "not possible in those runs"
        entry["reasons"][reason] += int(refused.sum())


def run_chunk(spec: BatchSpec, index: int, runs: int, on_turn=None) -> ChunkSummary:
    """Play one chunk to the end and summarise it. ``on_turn(fraction)`` reports progress."""
    t0 = time.perf_counter()
    world, scripted = prepare(spec)
    seed = chunk_seed(spec.seed, index)
    if spec.save is None:
        game = Game(spec.scenario, seed=seed, runs=runs, narrate=False)
    else:
        base = _branch_point(spec)
        humans = tuple(spec.save.get("humans", ())) if spec.keep_recorded else ()
        game = base.branch(runs, seed, humans)
    by_turn: dict[int, list[Forced]] = {}
    for f in scripted:
        by_turn.setdefault(f.turn, []).append(f)
    last_recorded = int(spec.save.get("turn", 1)) if spec.save is not None and spec.keep_recorded else 0
    stats: dict = {}
    first = game.turn
    total = max(game.world.last_turn - first + 1, 1)
    while not game.over:
        if game.humans and game.turn > last_recorded:
            game.hand_to_computer(list(game.humans))
        for f in by_turn.get(game.turn, []):
            _apply_scripted(game, f, stats)
        game.end_turn()
        if on_turn is not None:
            on_turn(min((game.turn - first + (1 if game.over else 0)) / total, 1.0))
    out = summarise(game, index, stats, time.perf_counter() - t0)
    out.agg = aggregate(out)
    return out if spec.runs <= spec.keep_runs else out.drop_runs()


# --- merging and the distributions -----------------------------------------------------------------
_COUNT_EDGES = np.concatenate([[0.0], np.geomspace(1.0, 1e11, 5066)])      # 0.5% wide above 1
_FRACTION_EDGES = np.linspace(0.0, 1.0, 1001)


def _edges(name: str) -> np.ndarray:
    return _FRACTION_EDGES if name.startswith("stability:") else _COUNT_EDGES


@dataclass
class BatchResult:
    """The merged chunks: distributions always, per-run summaries while ``kept`` (see KEEP_RUNS)."""

    scenario_id: str
    label: str
    runs: int
    seed: int
    chunk: int
    bodies: list
    actors: list
    figures: list
    dates: list                          # ISO date of each turn (index 0 = turn 1)
    outcome_counts: np.ndarray           # (B, len(OUTCOME_NAMES))
    reached_counts: np.ndarray           # (B, len(OUTCOMES))  runs that reached each outcome at any time
    troop_counts: np.ndarray             # (B,)
    reason_counts: np.ndarray            # (B, len(REASON_CODES)) runs with the reason among the two decisive
    score_sums: np.ndarray               # (S,)
    histograms: np.ndarray               # (F, bins) for quantiles beyond KEEP_RUNS
    per_run: dict | None                 # the concatenated ChunkSummary arrays, or None past KEEP_RUNS
    scripted: dict
    spec_info: dict = field(default_factory=dict)
    seconds: float = 0.0
    chunk_seconds: float = 0.0

    # per-run views ---------------------------------------------------------------------------------
    def outcome_names(self, body: str) -> np.ndarray:
        """(R,) the strongest outcome of ``body`` in each run, as names (per-run summaries needed)."""
        self._need_runs()
        return np.array(OUTCOME_NAMES, dtype=object)[self.per_run["outcome"][:, self.bodies.index(body)]]

    def figure(self, name: str) -> np.ndarray:
        self._need_runs()
        return self.per_run["figures"][:, self.figures.index(name)]

    def _need_runs(self) -> None:
        if self.per_run is None:
            raise BatchError(f"per-run summaries are kept for at most {KEEP_RUNS:,} runs")

    # distributions ---------------------------------------------------------------------------------
    def quantiles(self, name: str, qs=QUANTILES) -> list[float]:
        """Quantiles of a figure: exact from the per-run values, else from its histogram."""
        i = self.figures.index(name)
        if self.per_run is not None:
            return [float(x) for x in np.percentile(self.per_run["figures"][:, i], list(qs))]
        hist, edges = self.histograms[i], _edges(name)
        cum = np.cumsum(hist)
        stability = name.startswith("stability:")

        def value_at(rank: int) -> float:        # the rank-th smallest value, as its bin's middle
            k = min(int(np.searchsorted(cum, rank, side="right")), len(hist) - 1)
            lo, hi = edges[k], edges[k + 1]
            return float((lo + hi) / 2 if stability else (0.0 if lo == 0.0 else math.sqrt(lo * hi)))
        out = []
        for q in qs:                              # interpolated between order statistics, as np.percentile
            h = q / 100.0 * (cum[-1] - 1)
            lo_rank = int(math.floor(h))
            a, b = value_at(lo_rank), value_at(min(lo_rank + 1, int(cum[-1]) - 1))
            out.append(a + (h - lo_rank) * (b - a))
        return out

    def outcome_shares(self) -> dict:
        """body -> outcome -> share of runs in which it was the strongest outcome the body reached."""
        return {b: {OUTCOME_NAMES[o]: round(float(self.outcome_counts[i, o]) / self.runs, 4)
                    for o in np.argsort(-self.outcome_counts[i], kind="stable") if self.outcome_counts[i, o]}
                for i, b in enumerate(self.bodies) if self._shown(i)}

    def reached_shares(self) -> dict:
        return {b: {OUTCOMES[o]: round(float(self.reached_counts[i, o]) / self.runs, 4)
                    for o in range(len(OUTCOMES)) if self.reached_counts[i, o]}
                for i, b in enumerate(self.bodies) if self._shown(i)}

    def troops_share(self) -> dict:
        return {b: round(float(self.troop_counts[i]) / self.runs, 4) for i, b in enumerate(self.bodies)
                if self._shown(i)}

    def reason_shares(self, top: int = 5) -> dict:
        out = {}
        for i, b in enumerate(self.bodies):
            if not self._shown(i):
                continue
            order = [c for c in np.argsort(-self.reason_counts[i], kind="stable") if self.reason_counts[i, c]][:top]
            out[b] = {REASON_CODES[c]: round(float(self.reason_counts[i, c]) / self.runs, 4) for c in order}
        return out

    def _shown(self, i: int) -> bool:
        """Organisations always; a state only if somebody asked it in some run."""
        return self.spec_info.get("org", [True] * len(self.bodies))[i] or \
            self.outcome_counts[i, NO_REQUEST] < self.runs

    def decision_dates(self) -> dict:
        """body -> strongest outcome -> dates (5/50/95%) on which it was first reached (per-run kept)."""
        if self.per_run is None:
            return {}
        out = {}
        for i, b in enumerate(self.bodies):
            if not self._shown(i):
                continue
            codes, turns = self.per_run["outcome"][:, i], self.per_run["decided_turn"][:, i]
            per = {}
            for o in np.unique(codes):
                if o == NO_REQUEST:
                    continue
                t = turns[(codes == o) & (turns > 0)]
                if len(t):
                    per[OUTCOME_NAMES[o]] = {str(q): self.dates[int(np.percentile(t, q, method="nearest")) - 1]
                                             for q in QUANTILES}
            out[b] = per
        return out

    def to_dict(self) -> dict:
        """The --json document."""
        quant = {}
        for name in self.figures:
            q = self.quantiles(name)
            nd = 3 if name.startswith("stability:") else 0
            quant[name] = {str(p): (round(v, nd) if nd else int(round(v))) for p, v in zip(QUANTILES, q)}
        forced = []
        for text, e in self.scripted.items():
            forced.append({"action": text, "source": e["source"], "turn": e["turn"], "date": self.dates[e["turn"] - 1],
                           "applied_share": round(e["applied"] / self.runs, 4),
                           "refused_share": round(e["refused"] / self.runs, 4),
                           "refusals": {r: round(n / self.runs, 4) for r, n in e["reasons"].most_common()}})
        return {
            "scenario": self.scenario_id, "source": self.label, "runs": self.runs, "seed": self.seed,
            "chunk": self.chunk, **self.spec_info.get("public", {}),
            "outcome_shares": self.outcome_shares(), "reached_shares": self.reached_shares(),
            "troops_share": self.troops_share(), "decisive_reasons": self.reason_shares(),
            "decision_dates": self.decision_dates(),
            "scores": {a: round(float(self.score_sums[i]) / self.runs, 2) for i, a in enumerate(self.actors)},
            "quantiles": quant,
            "quantile_method": "exact" if self.per_run is not None else "histogram (0.5% bins)",
            "forced": forced,
            "seconds": round(self.seconds, 3),
            "playouts_per_second": round(self.runs / self.seconds) if self.seconds > 0 else None,
        }


PER_RUN = ("outcome", "reasons", "troops", "decided_turn", "request_turn", "outcome_turn", "scores", "figures")


def aggregate(p: ChunkSummary) -> dict:
    """A chunk's contribution to the distributions (summed over chunks in any order)."""
    B = p.outcome.shape[1]
    outcome_counts = np.zeros((B, len(OUTCOME_NAMES)), dtype=np.int64)
    reason_counts = np.zeros((B, len(REASON_CODES)), dtype=np.int64)
    for b in range(B):
        outcome_counts[b] = np.bincount(p.outcome[:, b].astype(np.int64), minlength=len(OUTCOME_NAMES))
        r = p.reasons[:, b, :].astype(np.int64)
        hit = np.zeros((p.runs, len(REASON_CODES)), dtype=bool)
        for j in range(2):
            ok = r[:, j] >= 0
            hit[np.flatnonzero(ok), r[ok, j]] = True
        reason_counts[b] = hit.sum(axis=0)
    hist = np.zeros((p.figures.shape[1], len(_COUNT_EDGES) - 1), dtype=np.int64)
    for i, name in enumerate(p.figure_names):
        edges = _edges(name)
        h = np.histogram(np.clip(p.figures[:, i], edges[0], edges[-1]), bins=edges)[0]
        hist[i, :len(h)] = h
    return {"outcome_counts": outcome_counts, "reason_counts": reason_counts, "reached_counts": p.reached,
            "troop_counts": p.troops.sum(axis=0).astype(np.int64),
            "score_sums": p.scores.astype(np.float64).sum(axis=0), "histograms": hist}


class Merger:
    """Chunk summaries merged as they arrive, in constant memory past ``keep_runs``: the distributions
    are summed at once; the per-run arrays are kept (and put in chunk order) only if the whole batch
    is within ``keep_runs``."""

    def __init__(self, spec: BatchSpec, world: World):
        self.spec, self.world = spec, world
        B, F = len(world.body_ids), len(figure_names(world))
        self.res = BatchResult(
            scenario_id=world.scenario.id, label=spec.label or world.scenario.id, runs=0,
            seed=spec.seed, chunk=spec.chunk, bodies=list(world.body_ids), actors=scored_actors(world),
            figures=figure_names(world), dates=[world.date_of_turn(t).isoformat() for t in range(1, world.last_turn + 1)],
            outcome_counts=np.zeros((B, len(OUTCOME_NAMES)), dtype=np.int64),
            reached_counts=np.zeros((B, len(OUTCOMES)), dtype=np.int64), troop_counts=np.zeros(B, dtype=np.int64),
            reason_counts=np.zeros((B, len(REASON_CODES)), dtype=np.int64),
            score_sums=np.zeros(len(scored_actors(world))),
            histograms=np.zeros((F, len(_COUNT_EDGES) - 1), dtype=np.int64),
            per_run=None, scripted={})
        self.res.spec_info = {"org": [b in world.org_ids and world.org(b).security_role for b in world.body_ids],
                              "public": _public(spec, world)}
        self.parts: dict[int, dict] = {}

    def add(self, p: ChunkSummary) -> None:
        res = self.res
        agg = p.agg if p.agg is not None else aggregate(p)
        for key, value in agg.items():
            setattr(res, key, getattr(res, key) + value)
        res.runs += p.runs
        res.chunk_seconds += p.seconds
        for text, e in p.scripted.items():
            tgt = res.scripted.setdefault(text, {"turn": e["turn"], "source": e["source"], "applied": 0, "refused": 0,
                                                 "reasons": Counter()})
            tgt["applied"] += e["applied"]
            tgt["refused"] += e["refused"]
            tgt["reasons"].update(e["reasons"])
        if self.spec.runs <= self.spec.keep_runs and p.outcome is not None:
            self.parts[p.index] = {k: getattr(p, k) for k in PER_RUN}

    def result(self, seconds: float = 0.0) -> BatchResult:
        res = self.res
        res.seconds = seconds
        res.scripted = dict(sorted(res.scripted.items(), key=lambda kv: (kv[1]["turn"], kv[0])))
        if self.parts and res.runs <= self.spec.keep_runs:
            order = sorted(self.parts)
            res.per_run = {k: np.concatenate([self.parts[i][k] for i in order]) for k in PER_RUN}
        return res


def merge(spec: BatchSpec, world: World, parts: list[ChunkSummary], seconds: float = 0.0) -> BatchResult:
    """Merge chunk summaries (the result does not depend on the order they finished in)."""
    m = Merger(spec, world)
    for p in parts:
        m.add(p)
    return m.result(seconds)


def _public(spec: BatchSpec, world: World) -> dict:
    out = {"sets": list(spec.sets), "forces": list(spec.forces)}
    if spec.save is not None:
        t = spec.branch_turn()
        out["from"] = {"turn": t, "date": world.date_of_turn(t).isoformat(),
                       "seats": "recorded actions" if spec.keep_recorded else "computer"}
    return out


def run_batch(spec: BatchSpec, progress=None, pool=None) -> BatchResult:
    """Play every chunk and merge them as they finish: in this process, or through ``pool``
    (game/parallel.py: local processes or a Dask cluster), with the same result.

    ``progress(done_runs, total_runs)`` is called as runs finish (after every turn in this process)."""
    t0 = time.perf_counter()
    world, _ = prepare(spec)                     # bad input fails here, once, before any work
    merger = Merger(spec, world)
    tasks = spec.chunks()
    calls, sizes = [(spec, i, n) for i, n in tasks], [n for _, n in tasks]
    if pool is None:
        from game.parallel import InProcess
        pool = InProcess()
    pool.run(run_chunk, calls, sizes, progress, on_result=lambda i, part: merger.add(part))
    return merger.result(time.perf_counter() - t0)


__all__ = ["BatchSpec", "BatchResult", "BatchError", "ChunkSummary", "Forced", "apply_sets", "parse_force",
           "run_batch", "run_chunk", "merge", "prepare", "strongest", "chunk_seed", "CHUNK", "KEEP_RUNS",
           "OUTCOME_NAMES", "REASON_LABELS"]
