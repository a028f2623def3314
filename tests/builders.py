"""Small synthetic scenarios for rules tests: three members, a non-member, a secretariat."""
from __future__ import annotations

import copy

from game.scenario.schema import Scenario

BASE = {
    "format": 1, "id": "rules_case", "title": "Rules case", "summary": "A synthetic case for the rules suite.",
    "start_date": "2011-01-01", "end_date": "2011-01-10", "turn_days": 1,
    "actors": [
        {"id": "A", "name": "State A", "kind": "government", "country": "AA", "budget": 10, "reserve_troops": 2000},
        {"id": "B", "name": "State B", "kind": "state", "country": "BB", "budget": 10},
        {"id": "C", "name": "State C", "kind": "state", "country": "CC", "budget": 10},
        {"id": "X", "name": "Outsider X", "kind": "government", "country": "XX", "budget": 10},
        {"id": "SEC", "name": "Secretariat", "kind": "secretariat", "budget": 3},
        {"id": "G", "name": "Armed group", "kind": "armed_group", "strength": 100, "bases": ["AA-1"],
         "external_support": 0.05, "interests": {"expansion": 0.0}},
    ],
    "organisations": [{
        "id": "ALLIANCE", "name": "The Alliance", "members": ["A", "B", "C"], "secretariat": "SEC",
        "security_role": True, "forces": ["B_BDE", "C_BN"],
        "rules": {
            "decision": "consensus", "abstention_blocks": True, "convene_min_members": 2,
            "session_delay_days": 0, "member_conflict": "mediation_only", "position_noise": 0.0,
            "articles": [
                {"number": 2, "name": "Consultations", "covers": ["threat_consultation", "internal_unrest"],
                 "max_mandate": "logistics_support"},
                {"number": 4, "name": "Collective defence", "covers": ["external_aggression"],
                 "max_mandate": "collective_defence"},
            ],
        },
    }],
    "regions": [
        {"id": "AA-1", "name": "A One", "country": "A", "population": 1000000, "neighbours": ["BB-1", "XX-1"],
         "violence": 0.4, "stability": 0.4, "tension": 0.6, "security_forces": 1000},
        {"id": "BB-1", "name": "B One", "country": "B", "population": 1000000, "neighbours": ["AA-1"]},
        {"id": "CC-1", "name": "C One", "country": "C", "population": 500000},
        {"id": "XX-1", "name": "X One", "country": "X", "population": 800000, "neighbours": ["AA-1"]},
    ],
    "forces": [
        {"id": "B_BDE", "name": "B brigade", "owner": "B", "kind": "airborne", "strength": 2000,
         "readiness_days": 5, "home": "BB-1"},
        {"id": "C_BN", "name": "C battalion", "owner": "C", "kind": "infantry", "strength": 500,
         "readiness_days": 2, "home": "CC-1"},
        {"id": "A_UNIT", "name": "A unit", "owner": "A", "kind": "infantry", "strength": 800,
         "readiness_days": 0, "home": "AA-1"},
    ],
}


def make_scenario(**changes) -> Scenario:
    """BASE with changes: `rules` (the alliance's rules), `organisation` (its other fields), `group`,
    `region_a`, `region_x`, `actor_changes` ({id: fields}), `force_changes` ({id: fields}),
    `extra_forces` (a list), and any top-level field (e.g. coefficients={...})."""
    data = copy.deepcopy(BASE)
    rules = changes.pop("rules", None)
    if rules:
        data["organisations"][0]["rules"].update(rules)
    data["organisations"][0].update(changes.pop("organisation", {}))
    for aid, fields in changes.pop("actor_changes", {}).items():
        actor = next(a for a in data["actors"] if a["id"] == aid)
        for key, value in fields.items():
            if isinstance(value, dict) and isinstance(actor.get(key), dict):
                actor[key].update(value)
            else:
                actor[key] = value
    for fid, fields in changes.pop("force_changes", {}).items():
        force = next(f for f in data["forces"] if f["id"] == fid)
        force.update(fields)
        if force.get("readiness_days") is None:
            force.pop("readiness_days", None)
    data["forces"] += changes.pop("extra_forces", [])
    region_x = changes.pop("region_x", None)
    if region_x:
        data["regions"][3].update(region_x)
    group = changes.pop("group", None)
    if group:
        data["actors"][5].update(group)
    region_a = changes.pop("region_a", None)
    if region_a:
        data["regions"][0].update(region_a)
    data.update(changes)
    return Scenario.model_validate(data)
