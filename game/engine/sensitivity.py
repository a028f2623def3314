"""Sensitivity: change one documented factor of a historical case and see which way the decision moves.

Each experiment changes one thing in a shipped scenario (the treaty rules, members' ties to the
adversary, commitments elsewhere, the requester's framing, the evidence of outside direction, the
decision rule) and compares, over the same runs, the share of runs with troops and the mean strength
of the measure decided (0 nothing ... 7 collective defence) with the unchanged case. The direction the
literature expects is stated with each experiment; `moved_as_expected` says whether the model agrees.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np

from game.engine.batch import BatchSpec, run_batch
from game.engine.world import LEVEL_OF
from game.scenario.schema import Effect, Scenario

POST_2010_ARTICLE_4 = ["external_aggression", "armed_threat_to_stability"]


@dataclass(frozen=True)
class Experiment:
    factor: str
    scenario: str
    body: str
    change: str
    expect: int              # +1: stronger measures / more troops expected; -1: weaker
    why: str
    mutate: object
    base_mutate: object = None   # a change applied to both sides first (to isolate one factor)


def _requests(data: dict):
    for event in data.get("events", []):
        stack = list(event.get("effects", []))
        while stack:
            eff = stack.pop()
            if "request" in eff:
                yield eff["request"]
            for choice in eff.get("options", {}).get("choices", []):
                stack.extend(choice.get("effects", []))


def _post_2010(data):
    org = next(o for o in data["organisations"] if o["id"] == "CSTO")
    for art in org["rules"]["articles"]:
        if art["number"] == 4:
            art["covers"] = POST_2010_ARTICLE_4


def _majority(data):
    for org in data["organisations"]:
        org.setdefault("rules", {})["decision"] = "majority"


def _russia_committed(data):
    ru = next(a for a in data["actors"] if a["id"] == "RU")
    ru["commitments"] = [{"name": "A war elsewhere (what if)", "load": 0.7}]


def _no_ties_to(adversary):
    def mutate(data):
        for actor in data["actors"]:
            if adversary in actor.get("ties", {}) and actor["id"] != adversary:
                actor["ties"][adversary] = min(actor["ties"][adversary], 0.0)
    return mutate


def _no_commitments(data):
    for actor in data["actors"]:
        actor["commitments"] = []


def _framing(framing, article):
    def mutate(data):
        for req in _requests(data):
            if req.get("target") == "CSTO":
                req["framing"], req["article"] = framing, article
                req.pop("against", None)
    return mutate


def _outside_direction(data):
    for actor in data["actors"]:
        if actor["kind"] == "armed_group":
            actor["external_support"] = 0.9


def _abstention_blocks(data):
    for org in data["organisations"]:
        org.setdefault("rules", {})["abstention_blocks"] = True


def _strong_ties_to_requester(requester):
    def mutate(data):
        for actor in data["actors"]:
            if actor["id"] != requester and actor["kind"] in ("state", "government"):
                actor.setdefault("ties", {})[requester] = -0.2
    return mutate


EXPERIMENTS: tuple[Experiment, ...] = (
    Experiment("treaty rules", "kyrgyzstan_2010", "CSTO", "Article 4 as extended in December 2010, in force in June 2010",
               +1, "the protocol was written so that the CSTO could act in such a crisis (csto-facts.md)", _post_2010),
    Experiment("decision rule", "kyrgyzstan_2010", "CSTO",
               "a majority decides instead of consensus (Belarus' 2011 proposal, rejected)",
               +1, "fewer veto players, more change (Tsebelis)", _majority),
    Experiment("decision rule", "armenia_2022", "CSTO", "an abstention blocks again, as before December 2010",
               -1, "more veto points, fewer decisions (Tsebelis)", _abstention_blocks),
    Experiment("ties to the adversary", "armenia_2022", "CSTO", "no member tied to Azerbaijan",
               +1, "veto players: ties to the adversary hold members back (csto-facts.md, item 6)", _no_ties_to("AZ")),
    Experiment("commitments elsewhere", "armenia_2022", "CSTO", "no war in Ukraine tying Russia down",
               +1, "a leading member tied down elsewhere is less willing and able (accounts of September 2022)",
               _no_commitments),
    Experiment("framing", "kazakhstan_2022", "CSTO", "Tokayev asks under Article 2, calling it internal unrest",
               -1, "a crisis called domestic gets no troops (June 2010); the framing was decisive in 2022",
               _framing("internal_unrest", 2)),
    Experiment("evidence", "kyrgyzstan_2010", "CSTO", "the armed groups directed from abroad (support 0.9)",
               +1, "Article 4 as it stood in 2010 answered aggression from outside (treaty text)", _outside_direction),
    Experiment("commitments elsewhere", "fiction_incursion", "CSTO", "Russia's forces tied down by a war elsewhere",
               -1, "a leading member tied down elsewhere is less willing and able (accounts of September 2022)",
               _russia_committed),
    Experiment("ties to the requester", "kazakhstan_2022", "CSTO", "no member close to Kazakhstan's government",
               -1, "regime security: support for friendly incumbents (csto-facts.md, item 3)",
               _strong_ties_to_requester("KZ")),
)


@dataclass
class Result:
    experiment: Experiment
    base_troops: float
    base_level: float
    variant_troops: float
    variant_level: float

    @property
    def moved(self) -> float:
        return (self.variant_level - self.base_level) + 7 * (self.variant_troops - self.base_troops)

    @property
    def moved_as_expected(self) -> bool:
        return self.moved * self.experiment.expect > 0.05


def _measure(sc: Scenario, body: str, runs: int, seed: int) -> tuple[float, float]:
    res = run_batch(BatchSpec(sc, runs=runs, seed=seed))
    level = np.array([LEVEL_OF.get(n, 0) for n in res.outcome_names(body)], dtype=float)
    troops = res.per_run["troops"][:, res.bodies.index(body)]
    return float(troops.mean()), float(level.mean())


def run(loaded: dict, runs: int = 200, seed: int = 0) -> list[Result]:
    """``loaded``: scenario id -> Scenario. Experiments whose scenario is missing are skipped."""
    out = []
    for ex in EXPERIMENTS:
        if ex.scenario not in loaded:
            continue
        base = loaded[ex.scenario]
        data = copy.deepcopy(base.model_dump(by_alias=True, exclude_none=True))
        if ex.base_mutate is not None:
            ex.base_mutate(data)
            base = Scenario.model_validate(copy.deepcopy(data))
        ex.mutate(data)
        variant = Scenario.model_validate(data)
        bt, bl = _measure(base, ex.body, runs, seed)
        vt, vl = _measure(variant, ex.body, runs, seed)
        out.append(Result(ex, bt, bl, vt, vl))
    return out


def format_table(results: list[Result]) -> str:
    lines = ["| factor | case | change | the literature expects | troops (base → changed) | mean measure "
             "(base → changed) | model agrees |", "|---|---|---|---|---|---|---|"]
    for r in results:
        ex = r.experiment
        arrow = "stronger" if ex.expect > 0 else "weaker"
        lines.append(f"| {ex.factor} | {ex.scenario} | {ex.change} | {arrow}: {ex.why} | "
                     f"{r.base_troops:.0%} → {r.variant_troops:.0%} | {r.base_level:.2f} → {r.variant_level:.2f} | "
                     f"{'yes' if r.moved_as_expected else 'NO'} |")
    return "\n".join(lines)


__all__ = ["EXPERIMENTS", "Experiment", "Result", "run", "format_table", "Effect"]
