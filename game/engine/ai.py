"""AI actors: they score the items of the same catalogue a player chooses from, by their own interests.

For each actor the AI keeps the catalogue items it has a scorer for (game/engine/catalogue.py).
Every turn each one gets a utility per run (interest weights times features of the crisis);
the actor takes its best items while they are worth more than nothing and it has action points
left. Small random perturbations (per run) make runs differ; the seed makes them repeatable.

Requests recognise articles by what they cover, claim the reading the evidence best supports,
and name the other side when there is one.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from game.engine import actions as act
from game.engine.catalogue import FRAMING_CLAIMS, catalogue, possible_adversaries
from game.engine.dynamics import presence
from game.engine.fastmath import any_over_axis1, clip, max_over_axis1, mean_over_axis1
from game.engine.positions import crisis_view
from game.engine.procedure import plausibility
from game.engine.state import AT_HOME, DrawsFor, State
from game.engine.world import LEVEL_OF, SITUATIONS, STATE_KINDS, World

MAX_ACTIONS_PER_TURN = 3
FEW_RUNS = 32    # an action chosen in at most 1/FEW_RUNS of the runs is checked and taken on a part


@dataclass
class Candidate:
    action: act.Action
    score: callable


def _w(world: World, a: int, key: str) -> float:
    return world.interest_of[a][key]


class Features:
    """Crisis features computed once per turn (all (R,) or (R, N)).

    ``memo`` holds terms that several of one actor's candidates share (its need for help, whether
    it has asked...). The state does not change while one actor's candidates are scored, so
    ``AIPlayer.decide`` clears it before each actor: a term is computed once, by the same
    operations in the same order, and the scores are exactly what each candidate alone gives."""

    def __init__(self, world: World, state: State):
        self.world, self.state = world, state
        fighters = state.group_strength.sum(axis=1)                                 # (R, N)
        self.fighters_near = fighters @ world.foreign_adjacency                    # (R, N)
        self.threat = state.violence + clip(self.fighters_near / 1500.0, 0.0, 1.0)  # (R, N)
        self._country_cache: dict[int, dict] = {}
        self.memo: dict = {}
        self._units = None

    @property
    def units(self):
        """Every region's security presence, computed once for the turn's crisis views."""
        if self._units is None:
            self._units = presence(self.world, self.state)
        return self._units

    def shared(self, key, compute):
        """A term shared by one actor's candidates, computed once per scoring phase."""
        value = self.memo.get(key)
        if value is None:
            value = self.memo[key] = compute()
        return value

    def country(self, a: int) -> dict:
        """Crisis summary for actor ``a``'s own regions."""
        if a not in self._country_cache:
            w, s = self.world, self.state
            regs = w.regions_of(a)
            if len(regs) == 0:
                z = np.zeros(s.runs)
                out = {"violence": z, "instability": z, "pressure": z, "refugees_in": z, "evidence": z, "aid": z,
                       "attack": z, "armed": z, "adversary": np.full(s.runs, -1), "view": None, "reserve_left": z}
            else:
                cv = crisis_view(w, s, a, units=self.units)
                out = {
                    "violence": cv.violence, "instability": cv.instability, "evidence": cv.evidence,
                    "pressure": cv.pressure,
                    "refugees_in": s.refugees_in[:, regs].sum(axis=1) / max(w.actor(w.actor_ids[a]).refugee_capacity, 1),
                    "aid": mean_over_axis1(s.aid[:, regs]), "attack": cv.attack, "armed": cv.armed,
                    "adversary": cv.adversary, "view": cv,
                    "reserve_left": s.reserve[:, a] / max(w.actor(w.actor_ids[a]).reserve_troops, 1.0)
                    if w.actor(w.actor_ids[a]).reserve_troops else np.zeros(s.runs),
                }
            self._country_cache[a] = out
        return self._country_cache[a]


def _plausibility(world: World, c: dict, situation: str) -> np.ndarray:
    """How well a reading fits the evidence: the same function the council uses."""
    if c["view"] is None:
        return np.zeros_like(c["violence"])
    if "_plaus" not in c:
        c["_plaus"] = plausibility(world, c["view"])
    return c["_plaus"][:, SITUATIONS.index(situation)]


def build_candidates(world: World, actor_id: str) -> list[Candidate]:
    """The catalogue items the AI of ``actor_id`` considers, each with its scoring function."""
    a = world.a(actor_id)
    actor = world.actor(actor_id)
    out: list[Candidate] = []
    homes = set()
    if actor.kind == "armed_group":
        homes = {world.r(b) for b in actor.bases} or set(world.regions_of(a))
    for item in catalogue(world, actor_id):
        scorer = SCORERS.get(item.action.kind)
        score = scorer(world, a, item.action, homes) if scorer else None
        if score is not None:
            out.append(Candidate(item.action, score))
    return out


def _need(world: World, a: int):
    """How badly a government needs outside help (per run): the threat, against what its own forces
    (and a close ally's troops on its soil) can manage."""
    def need(f):
        return f.shared(("need", a), lambda: _need_now(f))

    def _need_now(f):
        c = f.country(a)
        cope = 0.5 + (c["view"].weakness if c["view"] is not None else 0.5)
        # Foreign troops at home are a last resort: a government first commits its own reserves.
        k = world.k
        last_resort = ((k.last_resort_floor + (1.0 - k.last_resort_floor) * (1.0 - c["reserve_left"]))
                       * np.minimum(f.state.severe_days[:, a] / k.severe_days_to_ask, 1.0))
        return (c["violence"] * 1.5 + c["instability"] * 0.4) * cope * last_resort + c["pressure"] + c["attack"] * 1.5
    return need


# --- scorers: (world, actor index, action, homes) -> score(features) or None (not for the AI) ----------
def _score_attack(world, a, action, homes):
    r = world.r(action.region)
    if r in homes or not any(world.adjacency[h, r] for h in homes):
        return None
    def score(f):
        guard = f.state.border_security[:, r]
        return _w(world, a, "expansion") * (1.0 - guard) * 0.8 - 0.1 - f.state.violence[:, r] * 0.1
    return score


def _score_request(world, a, action, homes):
    if action.about is not None:
        return None                                   # calls about another member's crisis are for players
    need = _need(world, a)
    if action.target_body in world.org_ids:
        b = world.b(action.target_body)
        claim = FRAMING_CLAIMS[action.framing]
        adversary = world.a(action.against) if action.against else -1
        # What the claim can get if accepted: the strongest measure its article allows.
        art = next((x for x in world.org(action.target_body).rules.articles if x.number == action.article), None)
        reach = 0.0 if art is None else LEVEL_OF[art.max_mandate] / (len(LEVEL_OF) - 1)
        if art is not None and claim not in art.covers and "threat_consultation" not in art.covers:
            reach = 0.0

        members = [m for m in np.flatnonzero(world.membership[world.o(action.target_body)]) if m != a]
        friends = float(np.mean([max(world.ties[m, a], 0.0) for m in members])) if members else 0.0

        def value(f):
            # Everything but the adversary named: shared by the candidates that differ only in it.
            # (The order of the operations is the formula's, left to right: the same numbers.)
            c = f.country(a)
            k = world.k
            base = f.shared(("request_base", a), lambda: _w(world, a, "regime_security") * need(f) - k.request_threshold)
            asked = f.shared(("asked", a, b), lambda: (f.state.outcome[:, b] >= 0) | (f.state.req_stage[:, a, b] > 0)
                             | _asked_now(f, a))
            # Allied incumbents tend to accept an ally's framing: the hope of a claim is its fit
            # plus the goodwill of the members, times what it can get if accepted.
            hope = np.minimum(_plausibility(world, c, claim) + k.request_goodwill * friends, 1.0) * reach
            sovereignty = f.shared(("request_sovereignty", a), lambda: k.request_sovereignty
                                   * _w(world, a, "sovereignty") * (1.0 - c["attack"]))
            return (base + k.request_hope_weight * hope + 0.1 * _w(world, a, "alliance_credibility")
                    - sovereignty - 0.8 * asked)

        def score(f):
            names_right = f.shared(("names", a, adversary), lambda: f.country(a)["adversary"] == adversary)
            return np.where(names_right, f.shared(("request", a, b, claim, reach), lambda: value(f)), -1.0)
        return score
    other = world.a(action.target_body)
    tie = world.ties[a, other]
    if tie < 0.5:
        return None

    def score_state(f):
        asked = (f.state.outcome[:, world.b(action.target_body)] >= 0) | _asked_now(f, a)
        # One patron's troops weigh more on sovereignty than a collective force's.
        k = world.k
        return (_w(world, a, "regime_security") * need(f) * tie - k.request_threshold
                + k.request_hope_weight * 0.85 * tie - k.patron_sovereignty * _w(world, a, "sovereignty")
                + 0.2 * _w(world, a, "bilateral_preference") - 0.8 * asked)
    return score_state


def _asked_now(f: Features, a: int) -> np.ndarray:
    """(R,) whether actor ``a`` already made a request this turn: a government picks one channel at a time."""
    return f.shared(("asked_now", a), lambda: any_over_axis1(f.state.req_turn[:, a, :] == f.state.turn))


def _score_security_op(world, a, action, homes):
    r = world.r(action.region)
    return lambda f: _w(world, a, "stability_home") * f.state.violence[:, r] * 2.0 - 0.2


def _score_emergency(world, a, action, homes):
    r = world.r(action.region)
    return lambda f: _w(world, a, "stability_home") * f.state.violence[:, r] * 1.8 - 0.3


def _score_statement(world, a, action, homes):
    about = world.a(action.about)
    me = world.actor(world.actor_ids[a])
    if me.kind == "secretariat":
        if action.stance != "call_for_restraint":
            return None
        # The secretary-general calls for restraint when members' armies fight.
        def score_sec(f):
            c = f.country(about)
            return _w(world, a, "humanitarian") * c["attack"] * 1.5 + 0.1 - 0.3
        return score_sec
    if action.stance == "blame_outside_forces" and about == a and me.kind == "government":
        need = _need(world, a)
        return lambda f: _w(world, a, "regime_security") * need(f) * 0.3 + 0.3 * f.country(a)["evidence"] - 0.35
    if action.stance == "call_for_restraint" and about != a and world.ties[a, about] >= 0.0:
        tie = world.ties[a, about]
        return lambda f: _w(world, a, "humanitarian") * f.country(about)["violence"] * 0.5 + 0.1 * tie - 0.2
    return None


def _score_reinforce(world, a, action, homes):
    r = world.r(action.region)
    def score(f):
        s = f.state
        return (_w(world, a, "border_security") * clip(f.fighters_near[:, r] / 1000.0, 0, 1)
                * (1.0 - s.border_security[:, r]) * 2.0 - 0.15)
    return score


def _score_border(world, a, action, homes):
    b = world.a(action.neighbour)
    kin = float(world.kin_share[a, world.regions_of(b)].max()) if len(world.regions_of(b)) else 0.0
    if not action.open:
        def score_close(f):
            c, other = f.country(a), f.country(b)
            crowded = c["refugees_in"] - 0.8             # past 80% of what it can take in
            return ((_w(world, a, "border_security") * (crowded + 0.3 * other["violence"])
                     - _w(world, a, "humanitarian") * 0.3 - _w(world, a, "kin_protection") * kin * 0.5)
                    * clip(other["violence"] * 5.0, 0.0, 1.0) - 0.05)
        return score_close

    def score_open(f):
        c, other = f.country(a), f.country(b)
        return (_w(world, a, "humanitarian") * 0.3 + 0.3 * (1.0 - other["violence"] * 3)
                - _w(world, a, "border_security") * c["refugees_in"] - 0.2)
    return score_open


def _score_aid(world, a, action, homes):
    b = world.a(action.recipient)
    tie = world.ties[a, b]
    if b == a or tie < 0.0 or len(world.regions_of(b)) == 0 or action.aid in ("helicopters", "fuel"):
        return None
    if action.aid == "humanitarian":
        def score_hum(f):
            c = f.country(b)
            return _w(world, a, "humanitarian") * (c["violence"] + c["instability"] * 0.3) * (0.5 + tie) * 1.2 - 0.3 - c["aid"]
        return score_hum

    def score_eq(f):
        c = f.country(b)
        return (_w(world, a, "regime_security") * tie * c["violence"] * 1.2
                + _w(world, a, "regional_influence") * 0.2 * c["violence"]
                - 0.35 - 0.1 * _w(world, a, "cost_aversion") - f.state.equipment[:, b])
    return score_eq


def _score_deploy(world, a, action, homes):
    fi, r = world.f(action.force), world.r(action.region)
    host = int(world.region_country[r])
    near_home = host == a or (world.ties[a, host] >= 0.5 and
                              world.adjacency[np.ix_(world.regions_of(host), world.regions_of(host))].any())
    if not near_home or not (world.foreign_adjacency[r].any() or host == a):
        return None
    if host == a:
        weight = _w(world, a, "stability_home")
    else:
        weight = _w(world, a, "border_security") * 0.8 + _w(world, a, "regime_security") * world.ties[a, host] * 0.5
    risk = 0.3 * _w(world, a, "cost_aversion")

    def gain(f):
        return weight * f.threat[:, r] - 0.45 - risk * f.state.violence[:, r]

    def score(f):
        at_home = f.state.force_status[:, fi] == AT_HOME
        if not at_home.any():                       # a unit away is not sent again
            return np.full(len(at_home), -1.0)
        # The gain is the same for each of the actor's units sent there: computed once.
        return np.where(at_home, f.shared(("deploy_gain", a, r), lambda: gain(f)), -1.0)
    return score


def _score_return_fire(world, a, action, homes):
    """States answer fire with fire (shelling back) when another state attacks them; they start no war."""
    if action.mode != "shell":
        return None
    r = world.r(action.region)
    enemy = int(world.region_country[r])
    mine = world.regions_of(a)

    def score_now(f):
        attacked = max_over_axis1(f.state.hostile[:, enemy, mine])
        return np.where(attacked > 0, (0.5 * _w(world, a, "sovereignty") + 0.3 * _w(world, a, "border_security"))
                        * (0.5 + attacked) - 0.3 - 0.1 * _w(world, a, "humanitarian"), -1.0)
    # The same for every region of the enemy: shared by those candidates.
    return lambda f: f.shared(("return_fire", a, enemy), lambda: score_now(f))


def _score_ceasefire(world, a, action, homes):
    """A side ceases fire as its losses mount, as it is urged to, and the less it wants ground."""
    k = world.k
    other = world.a(action.with_state)
    theirs = world.regions_of(other)

    def score(f):
        s = f.state
        lost = s.military_casualties[:, a]
        weariness = lost / (lost + k.ceasefire_losses)
        eased = 1.0 - mean_over_axis1(s.tension[:, theirs]) if len(theirs) else 0.0
        return (weariness + 0.2 * _w(world, a, "humanitarian") + 0.2 * _w(world, a, "cost_aversion")
                + 0.2 * eased - 0.5 * _w(world, a, "expansion") - 0.45)
    return score


def _score_mediate(world, a, action, homes):
    me = world.actor(world.actor_ids[a])
    b = world.a(action.between)
    if me.kind == "secretariat":
        return lambda f: _w(world, a, "humanitarian") * f.country(b)["violence"] * 0.8 - 0.2
    return None


SCORERS = {
    "attack": _score_attack, "request_assistance": _score_request, "security_operation": _score_security_op,
    "declare_emergency": _score_emergency, "public_statement": _score_statement,
    "reinforce_border": _score_reinforce, "set_border": _score_border, "send_aid": _score_aid,
    "deploy_force": _score_deploy, "cross_border_attack": _score_return_fire, "ceasefire": _score_ceasefire,
    "mediate": _score_mediate,
}


class AIPlayer:
    """Chooses actions for every AI actor; vectorised over runs."""

    def __init__(self, world: World, actor_ids: list[str]):
        self.world = world
        self.candidates = {aid: build_candidates(world, aid) for aid in actor_ids}

    def decide(self, state: State, rng: np.random.Generator, narrate: bool) -> list[tuple[act.Action, np.ndarray, str]]:
        """Take each AI actor's actions; return (action, run mask, sentence) in the order taken."""
        taken = []
        features = Features(self.world, state)
        noise = self.world.k.ai_noise
        for aid, cands in self.candidates.items():
            if not cands:
                continue
            features.memo = {}                    # the state has changed since the last actor scored
            scores = np.empty((state.runs, len(cands)))
            for i, c in enumerate(cands):
                scores[:, i] = c.score(features)
            draws = rng.standard_normal(scores.shape)
            draws *= noise
            scores += draws                       # = rng.normal(0, noise): the same numbers
            if state.runs == 1:
                taken.extend(_take_one_run(self.world, state, cands, scores[0], rng))
                continue
            # Each round every run takes its best candidate not tried yet (a tried one is set to
            # minus infinity in place), while it is worth more than nothing and action points last.
            # A run that wants nothing in the first round never will (scores only fall): the rounds
            # go on with the runs that still want something.
            choice = np.argmax(scores, axis=1)
            runs = np.flatnonzero(_chosen_scores(scores, choice) > 0)
            scores, choice = scores.take(runs, axis=0), choice[runs]
            count = np.zeros(len(runs), dtype=int)
            for tried in range(2 * MAX_ACTIONS_PER_TURN):      # rounds already tried
                if tried:
                    choice = np.argmax(scores, axis=1)
                    want = (_chosen_scores(scores, choice) > 0) & (count < MAX_ACTIONS_PER_TURN)
                    if not want.all():
                        keep = np.flatnonzero(want)
                        runs, scores, count, choice = runs[keep], scores.take(keep, axis=0), count[keep], choice[keep]
                if not len(runs):
                    break
                scores.ravel()[_flat(scores, choice)] = -np.inf
                for c, pick in _group_by(choice):
                    done = _take(self.world, state, cands[c].action, runs[pick], rng)
                    if done is not None:
                        ok, text, took = done
                        count[pick[took]] += 1
                        taken.append((cands[c].action, ok, text))
        return taken


def _take_one_run(world: World, state: State, cands: list[Candidate], scores: np.ndarray,
                  rng: np.random.Generator) -> list[tuple[act.Action, np.ndarray, str]]:
    """The rounds of ``AIPlayer.decide`` for a single run (one game): the best candidate not tried yet,
    while it is worth more than nothing and action points last. The same choices, checks and changes
    as the rounds over many runs, without their bookkeeping (``scores`` is changed in place)."""
    taken = []
    count = 0
    for _ in range(2 * MAX_ACTIONS_PER_TURN):
        c = int(scores.argmax())
        if not (scores[c] > 0 and count < MAX_ACTIONS_PER_TURN):
            break
        scores[c] = -np.inf
        action = cands[c].action
        if action.validate(world, state).ok[0]:
            ok = np.ones(1, dtype=bool)
            taken.append((action, ok, action.perform(world, state, ok, rng)))
            count += 1
    return taken


def _flat(scores: np.ndarray, choice: np.ndarray) -> np.ndarray:
    """Where each row's ``choice`` is in ``scores.ravel()`` (a C-ordered (runs, candidates) array)."""
    return np.arange(0, scores.size, scores.shape[1]) + choice


def _chosen_scores(scores: np.ndarray, choice: np.ndarray) -> np.ndarray:
    """Each row's score at its ``choice`` (as ``scores[np.arange(len(scores)), choice]``)."""
    return scores.ravel()[_flat(scores, choice)]


def _group_by(choice: np.ndarray):
    """Each value of ``choice`` (smallest first) with the positions that hold it, in increasing order."""
    order = np.argsort(choice, kind="stable")
    ordered = choice[order]
    bounds = [0, *(np.flatnonzero(ordered[1:] != ordered[:-1]) + 1).tolist(), len(order)]
    for lo, hi in pairwise(bounds):
        yield int(ordered[lo]), order[lo:hi]


def _take(world: World, state: State, action: act.Action, chosen: np.ndarray, rng: np.random.Generator):
    """Validate ``action`` in the runs ``chosen`` (indices) and perform it in those that allow it:
    (the run mask, the sentence, which of ``chosen`` took it), or None when none could. A few runs
    are checked and changed on a part of the state: the same verdicts and changes, fewer copies."""
    few = FEW_RUNS * len(chosen) <= state.runs
    checked = state.part(chosen) if few else state
    verdict = action.validate(world, checked)
    took = verdict.ok if few else verdict.ok[chosen]
    done = chosen[took]
    if not len(done):
        return None
    ok = np.zeros(state.runs, dtype=bool)
    ok[done] = True
    if few:
        part = checked if len(done) == len(chosen) else state.part(done)    # (validating changes nothing)
        text = action.perform(world, part, np.ones(len(done), dtype=bool), DrawsFor(rng, state.runs, done))
        state.put(done, part)
    else:
        text = action.perform(world, state, ok, rng)
    return ok, text, took


__all__ = ["AIPlayer", "Features", "build_candidates", "SCORERS", "SITUATIONS", "STATE_KINDS", "possible_adversaries"]
