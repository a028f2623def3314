"""How the decision model earns trust: scenarios state facts, never verdicts; indicators do not depend
on how much of a country an author draws; every coefficient is registered with a source or a judgement.
"""
from __future__ import annotations

import copy

import pytest

from game.engine.calibrate import calibrate_scenario
from game.engine.params import COEFFICIENTS
from game.scenario.loader import load_scenario, shipped_scenarios
from game.scenario.schema import Effect, Scenario

SHIPPED = sorted(shipped_scenarios())


@pytest.mark.parametrize("sid", SHIPPED)
def test_no_scenario_forces_a_decision(sid):
    """A scenario may script facts (a request that was made, an attack, a ceasefire) but nothing that
    decides a procedure, a vote or a deployment: no event moves or raises a force into another state
    or for an organisation, and no historical scenario overrides the model's coefficients."""
    sc = load_scenario(shipped_scenarios()[sid]).scenario
    earmarked = {f for o in sc.organisations for f in o.forces}
    regions = {r.id: r.country for r in sc.regions}
    owner = {f.id: f.owner for f in sc.forces}
    for event in sc.events:
        for eff in Effect.walk(event.effects):
            if eff.move_force is not None:
                f = eff.move_force
                assert f.force not in earmarked, (event.id, "moves a force earmarked for an organisation")
                assert f.to == "home" or regions.get(f.to) == owner.get(f.force), \
                    (event.id, "moves a force into another state: that is a deployment to decide, not a fact")
            if eff.spawn_force is not None:
                assert eff.spawn_force.id not in earmarked, (event.id, "raises an organisation's force")
    if sc.history is not None and not sc.history.fiction:
        assert not sc.coefficients, "historical scenarios keep the model's coefficients"
    effect_keys = set(Effect.model_fields)
    assert effect_keys == {"news", "change", "move_force", "spawn_force", "request", "border", "options",
                           "hostilities", "ceasefire"}, "a new effect must not write outcomes, votes or mandates"


def _variant(sid: str, mutate) -> Scenario:
    data = load_scenario(shipped_scenarios()[sid]).scenario.model_dump(by_alias=True, exclude_none=True)
    mutate(data)
    return Scenario.model_validate(copy.deepcopy(data))


def _add_far_regions(country: str, ids: list[str]):
    def mutate(data):
        for i, rid in enumerate(ids):
            data["regions"].append({"id": rid, "name": f"Far region {i}", "country": country, "population": 900000,
                                    "stability": 0.8, "tension": 0.1, "security_forces": 2000})
    return mutate


def _split_region(region: str, new_id: str):
    """Cut a region in two halves of the same people, forces and figures, bordering each other."""
    def mutate(data):
        old = next(r for r in data["regions"] if r["id"] == region)
        half = copy.deepcopy(old)
        old["population"] //= 2
        half["population"] = old["population"]
        old["security_forces"] = old.get("security_forces", 0) // 2
        half["security_forces"] = old["security_forces"]
        half["id"], half["name"] = new_id, old["name"] + " (east)"
        half["neighbours"] = [region] + [n for n in old.get("neighbours", [])]
        old["neighbours"] = list(old.get("neighbours", [])) + [new_id]
        for r in data["regions"]:
            if region in r.get("neighbours", []) and r["id"] not in (region, new_id):
                r["neighbours"].append(new_id)
        data["regions"].append(half)
    return mutate


@pytest.mark.parametrize("sid, body, mutate", [
    ("kyrgyzstan_2010", "CSTO", _add_far_regions("KG", ["KG-N", "KG-T", "KG-Y", "KG-GB"])),
    ("kazakhstan_2022", "CSTO", _add_far_regions("KZ", ["KZ-AST", "KZ-KAR", "KZ-PAV", "KZ-SEV", "KZ-VOS"])),
    ("armenia_2022", "CSTO", _add_far_regions("AM", ["AM-SH", "AM-LO", "AM-TV"])),
    ("kazakhstan_2022", "CSTO", _split_region("KZ-ALA", "KZ-AL2")),
])
def test_the_decision_does_not_depend_on_how_much_of_a_country_is_drawn(sid, body, mutate):
    """Scale-free indicators: adding calm regions far from the crisis, or splitting a region in two,
    leaves the decision where it was (the same outcome in about the same share of runs)."""
    runs = 150
    base = {r.body: r for r in calibrate_scenario(load_scenario(shipped_scenarios()[sid]).scenario, runs, 0)}[body]
    other = {r.body: r for r in calibrate_scenario(_variant(sid, mutate), runs, 0)}[body]
    top = max(base.outcome_shares, key=base.outcome_shares.get)
    assert max(other.outcome_shares, key=other.outcome_shares.get) == top
    assert abs(other.match_share - base.match_share) <= 0.06, (base.outcome_shares, other.outcome_shares)


def test_every_coefficient_has_a_source_or_is_a_judgement():
    """Every coefficient that decides an outcome is registered with its meaning and a source, or says it
    is a judgement."""
    for c in COEFFICIENTS.values():
        assert c.meaning and c.source, c.name
        assert "judgement" in c.source or any(ch.isdigit() for ch in c.source) or "csto-facts" in c.source \
            or "treaty" in c.source or "Charter" in c.source, c.name


def test_a_scenario_may_override_a_coefficient_and_nothing_else():
    """`coefficients:` overrides a named coefficient for what-if play; an unknown name is an error."""
    from pydantic import ValidationError
    from game.engine.world import build_world
    sc = load_scenario(shipped_scenarios()["kyrgyzstan_2010"]).scenario
    data = sc.model_dump(by_alias=True, exclude_none=True)
    data["coefficients"] = {"draft_support_share": 0.9}
    assert build_world(Scenario.model_validate(data)).k.draft_support_share == 0.9
    data["coefficients"] = {"draft_suport_share": 0.9}
    with pytest.raises(ValidationError, match="unknown coefficient"):
        Scenario.model_validate(data)
