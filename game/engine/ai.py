"""AI actors: they score the same actions a player can take, by their own interests.

Each actor has a fixed list of candidate actions built from the scenario. Every turn
each candidate gets a utility per run (interest weights times features of the
crisis); the actor takes its best candidates while they are worth more than
nothing and it has action points left. Small random perturbations (per run) make
runs differ; the seed makes them repeatable.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from game.engine.fastmath import clip
from game.engine import actions as act
from game.engine.positions import crisis_view
from game.engine.state import AT_HOME, State
from game.engine.world import World

MAX_ACTIONS_PER_TURN = 3
NOISE = 0.05


@dataclass
class Candidate:
    action: act.Action
    score: callable


def _w(world: World, a: int, key: str) -> float:
    return world.interest_of[a][key]


class Features:
    """Crisis features computed once per turn (all (R,) or (R, N))."""

    def __init__(self, world: World, state: State):
        self.world, self.state = world, state
        fighters = state.group_strength.sum(axis=1)                                 # (R, N)
        self.fighters_near = fighters @ world.foreign_adjacency                    # (R, N)
        self.threat = state.violence + clip(self.fighters_near / 1500.0, 0.0, 1.0)  # (R, N)
        self._country_cache: dict[int, dict] = {}

    def country(self, a: int) -> dict:
        """Crisis summary for actor ``a``'s own regions."""
        if a not in self._country_cache:
            w, s = self.world, self.state
            regs = w.regions_of(a)
            if len(regs) == 0:
                z = np.zeros(s.runs)
                out = {"violence": z, "instability": z, "pressure": z, "refugees_in": z, "evidence": z, "aid": z}
            else:
                cv = crisis_view(w, s, a)
                out = {
                    "violence": cv.violence, "instability": cv.instability, "evidence": cv.evidence,
                    "pressure": clip(self.fighters_near[:, regs].max(axis=1) / 1500.0, 0, 1),
                    "refugees_in": s.refugees_in[:, regs].sum(axis=1) / max(w.actor(w.actor_ids[a]).refugee_capacity, 1),
                    "aid": s.aid[:, regs].mean(axis=1),
                }
            self._country_cache[a] = out
        return self._country_cache[a]


def _state_actors(world: World) -> list[int]:
    return [i for i, a in enumerate(world.actor_ids) if world.actor(a).kind in ("government", "state")]


def build_candidates(world: World, actor_id: str) -> list[Candidate]:
    """The actions an AI actor considers, each with its scoring function."""
    a = world.a(actor_id)
    actor = world.actor(actor_id)
    out: list[Candidate] = []
    states = _state_actors(world)
    own = world.regions_of(a)

    if actor.kind == "armed_group":
        g = world.group_ids.index(actor_id)
        homes = [world.r(b) for b in actor.bases] or list(own)
        targets = sorted({int(n) for h in homes for n in np.flatnonzero(world.adjacency[h])} - set(homes))
        for r in targets:
            def score(f, r=r, g=g):
                s = f.state
                guard = s.border_security[:, r]
                return _w(world, a, "expansion") * (1.0 - guard) * 0.8 - 0.1 - s.violence[:, r] * 0.1
            out.append(Candidate(act.Attack(actor_id, region=world.region_ids[r]), score))
        return out

    if actor.kind == "secretariat":
        for b in states:
            def score(f, b=b):
                c = f.country(b)
                return _w(world, a, "humanitarian") * c["violence"] * 0.8 - 0.2
            out.append(Candidate(act.Mediate(actor_id, between=world.actor_ids[b]), score))
        return out

    # --- governments and states -----------------------------------------------------
    def need_of(f):  # how badly the government needs outside help
        c = f.country(a)
        return c["violence"] * 1.5 + c["instability"] * 0.4 + c["pressure"]

    if actor.kind == "government":
        for body in world.org_ids:
            org = world.org(body)
            if not (org.security_role and world.membership[world.o(body), a]):
                continue
            arts = {ar.number: ar for ar in org.rules.articles}
            for framing, art in (("internal_unrest", 2), ("outside_interference", 4), ("terrorism", 4)):
                if art not in arts:
                    continue
                def score(f, framing=framing, b=world.b(body)):
                    c = f.country(a)
                    plaus = {"internal_unrest": 1.0 - c["evidence"], "outside_interference": c["evidence"] * 1.2,
                             "terrorism": c["evidence"] * c["pressure"] * 1.5}[framing]
                    asked = f.state.outcome[:, b] >= 0
                    return (_w(world, a, "regime_security") * need_of(f) - 0.6 + 0.2 * plaus
                            + 0.1 * _w(world, a, "alliance_credibility") - 0.8 * asked)
                out.append(Candidate(act.RequestAssistance(actor_id, target_body=body, article=art, framing=framing), score))
        for b in states:
            tie = world.ties[a, b]
            if b == a or tie < 0.5:
                continue
            def score(f, b=b, tie=tie):
                asked = f.state.outcome[:, world.b(world.actor_ids[b])] >= 0
                return (_w(world, a, "regime_security") * need_of(f) * tie - 0.6
                        - 0.15 * _w(world, a, "sovereignty") - 0.8 * asked)
            out.append(Candidate(act.RequestAssistance(actor_id, target_body=world.actor_ids[b], framing="internal_unrest"), score))
        for r in own:
            def score_op(f, r=r):
                return _w(world, a, "stability_home") * f.state.violence[:, r] * 2.0 - 0.2
            def score_em(f, r=r):
                return _w(world, a, "stability_home") * f.state.violence[:, r] * 1.8 - 0.3
            out.append(Candidate(act.SecurityOperation(actor_id, region=world.region_ids[r]), score_op))
            out.append(Candidate(act.DeclareEmergency(actor_id, region=world.region_ids[r]), score_em))
        out.append(Candidate(act.PublicStatement(actor_id, stance="blame_outside_forces", about=actor_id),
                             lambda f: _w(world, a, "regime_security") * need_of(f) * 0.3 + 0.3 * f.country(a)["evidence"] - 0.35))

    for r in own:
        if world.foreign_adjacency[r].any():
            def score_rb(f, r=r):
                s = f.state
                return (_w(world, a, "border_security") * clip(f.fighters_near[:, r] / 1000.0, 0, 1)
                        * (1.0 - s.border_security[:, r]) * 2.0 - 0.15)
            out.append(Candidate(act.ReinforceBorder(actor_id, region=world.region_ids[r]), score_rb))

    neighbours = {int(world.region_country[m]) for r in own for m in np.flatnonzero(world.foreign_adjacency[r])}
    for b in sorted(neighbours):
        kin = float(world.kin_share[a, world.regions_of(b)].max()) if len(world.regions_of(b)) else 0.0
        def score_close(f, b=b, kin=kin):
            c, other = f.country(a), f.country(b)
            crowded = c["refugees_in"] - 0.8             # past 80% of what it can take in
            return ((_w(world, a, "border_security") * (crowded + 0.3 * other["violence"])
                     - _w(world, a, "humanitarian") * 0.3 - _w(world, a, "kin_protection") * kin * 0.5)
                    * clip(other["violence"] * 5.0, 0.0, 1.0) - 0.05)
        def score_open(f, b=b, kin=kin):
            c = f.country(a)
            other = f.country(b)
            return (_w(world, a, "humanitarian") * 0.3 + 0.3 * (1.0 - other["violence"] * 3)
                    - _w(world, a, "border_security") * c["refugees_in"] - 0.2)
        out.append(Candidate(act.SetBorder(actor_id, neighbour=world.actor_ids[b], open=False), score_close))
        out.append(Candidate(act.SetBorder(actor_id, neighbour=world.actor_ids[b], open=True), score_open))

    for b in states:
        if b == a or world.ties[a, b] < 0.0 or len(world.regions_of(b)) == 0:
            continue
        tie = world.ties[a, b]
        def score_hum(f, b=b, tie=tie):
            c = f.country(b)
            return _w(world, a, "humanitarian") * (c["violence"] + c["instability"] * 0.3) * (0.5 + tie) * 1.2 - 0.3 - c["aid"]
        def score_eq(f, b=b, tie=tie):
            c = f.country(b)
            return (_w(world, a, "regime_security") * tie * c["violence"] * 1.2
                    + _w(world, a, "regional_influence") * 0.2 * c["violence"]
                    - 0.35 - 0.1 * _w(world, a, "cost_aversion") - f.state.equipment[:, b])
        def score_talk(f, b=b, tie=tie):
            c = f.country(b)
            return _w(world, a, "humanitarian") * c["violence"] * 0.5 + 0.1 * tie - 0.2
        out.append(Candidate(act.SendAid(actor_id, recipient=world.actor_ids[b], aid="humanitarian"), score_hum))
        out.append(Candidate(act.SendAid(actor_id, recipient=world.actor_ids[b], aid="equipment"), score_eq))
        out.append(Candidate(act.PublicStatement(actor_id, stance="call_for_restraint", about=world.actor_ids[b]), score_talk))

    # Own forces: to own regions under pressure, or abroad where consent exists (the action checks it).
    for fi in np.flatnonzero(world.force_owner == a):
        for r in range(len(world.region_ids)):
            host = int(world.region_country[r])
            near_home = host == a or (world.ties[a, host] >= 0.5 and
                                      world.adjacency[np.ix_(world.regions_of(host), world.regions_of(host))].any())
            if not near_home or not (world.foreign_adjacency[r].any() or host == a):
                continue
            if host == a:
                weight = _w(world, a, "stability_home")
            else:
                weight = _w(world, a, "border_security") * 0.8 + _w(world, a, "regime_security") * world.ties[a, host] * 0.5
            risk = 0.3 * _w(world, a, "cost_aversion")

            def score_dep(f, r=r, fi=fi, weight=weight, risk=risk):
                s = f.state
                gain = weight * f.threat[:, r] - 0.45 - risk * s.violence[:, r]
                return np.where(s.force_status[:, fi] == AT_HOME, gain, -1.0)
            out.append(Candidate(act.DeployForce(actor_id, force=world.force_ids[fi], region=world.region_ids[r]), score_dep))
    return out


class AIPlayer:
    """Chooses actions for every AI actor; vectorised over runs."""

    def __init__(self, world: World, actor_ids: list[str]):
        self.world = world
        self.candidates = {aid: build_candidates(world, aid) for aid in actor_ids}

    def decide(self, state: State, rng: np.random.Generator, narrate: bool) -> list[tuple[act.Action, np.ndarray, str]]:
        """Take each AI actor's actions; return (action, run mask, sentence) in the order taken."""
        taken = []
        features = Features(self.world, state)
        for aid, cands in self.candidates.items():
            if not cands:
                continue
            scores = np.empty((state.runs, len(cands)))
            for i, c in enumerate(cands):
                scores[:, i] = c.score(features)
            scores += rng.normal(0.0, NOISE, scores.shape)
            used = np.zeros(scores.shape, dtype=bool)
            count = np.zeros(state.runs, dtype=int)
            for _ in range(2 * MAX_ACTIONS_PER_TURN):
                best = np.where(used, -np.inf, scores)
                choice = np.argmax(best, axis=1)
                value = best[np.arange(state.runs), choice]
                want = (value > 0) & (count < MAX_ACTIONS_PER_TURN)
                if not want.any():
                    break
                for c in np.flatnonzero(np.bincount(choice[want], minlength=len(cands))):
                    runs = want & (choice == c)
                    used[runs, c] = True
                    verdict = cands[c].action.validate(self.world, state)
                    ok = runs & verdict.ok
                    if ok.any():
                        count[ok] += 1
                        text = cands[c].action.perform(self.world, state, ok, rng)
                        taken.append((cands[c].action, ok, text))
        return taken
