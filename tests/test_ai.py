"""The AI: it draws on the player's catalogue, finds articles by what they cover, and names the other side."""
from __future__ import annotations

import copy

from builders import BASE
from game.engine.ai import AIPlayer
from game.engine.catalogue import best_article, catalogue
from game.engine.game import Game
from game.engine.menu import menu_for
from game.scenario.loader import load_scenario, shipped_scenarios
from game.scenario.schema import Scenario


def test_the_ai_and_the_menu_share_one_catalogue():
    """Every action the AI considers is an item a player of that seat can find in the menu."""
    for sid in ("kyrgyzstan_2010", "armenia_2022", "tajik_afghan_2021"):
        sc = load_scenario(shipped_scenarios()[sid]).scenario
        g = Game(sc, seed=0)
        for actor, cands in g.ai.candidates.items():
            menu = {repr(i.action) for i in menu_for(g.world, g.state, actor)}
            missing = [c.action for c in cands if repr(c.action) not in menu]
            assert not missing, (sid, actor, missing[:3])


def _renumbered() -> Scenario:
    data = copy.deepcopy(BASE)
    rules = data["organisations"][0]["rules"]
    rules["articles"] = [
        {"number": 12, "name": "Consultations", "covers": ["threat_consultation", "internal_unrest"],
         "max_mandate": "logistics_support"},
        {"number": 14, "name": "Collective defence", "covers": ["external_aggression", "armed_threat_to_stability"],
         "max_mandate": "collective_defence"},
    ]
    data["regions"][0].update({"violence": 0.7, "stability": 0.2})
    data["actors"][0].update({"reserve_troops": 0, "interests": {"regime_security": 1.0, "sovereignty": 0.1}})
    data["actors"][5].update({"strength": 3000})
    return Scenario.model_validate(data)


def test_the_ai_finds_articles_by_what_they_cover():
    """Renumber the treaty's articles and the AI still asks under the one that covers its case."""
    sc = _renumbered()
    g = Game(sc, seed=0)
    w = g.world
    assert best_article(w, "ALLIANCE", "armed_threat_to_stability") == 14
    assert best_article(w, "ALLIANCE", "internal_unrest") == 12
    for _ in range(4):
        g.end_turn()
    asked = [e["action"] for e in g.log if e["action"]["kind"] == "request_assistance" and e["action"]["actor"] == "A"]
    assert asked and all(a["article"] in (12, 14) for a in asked)


def test_the_ai_names_the_other_side():
    """When a state's army attacks, the government's request names it."""
    sc = load_scenario(shipped_scenarios()["fiction_incursion"]).scenario
    data = sc.model_dump(by_alias=True, exclude_none=True)
    data["events"] = [e for e in data["events"] if not any("request" in eff for eff in e["effects"])]
    g = Game(Scenario.model_validate(data), seed=0)
    g.run_to_end()
    asked = [e["action"] for e in g.log if e["action"]["kind"] == "request_assistance"
             and e["action"]["target_body"] == "CSTO"]
    assert asked and all(a["against"] == "HKR" for a in asked)


def test_catalogue_lists_interstate_actions_for_neighbours_only():
    w = Game(_renumbered(), seed=0).world
    items = catalogue(w, "X")
    attacks = {i.action.region for i in items if i.action.kind == "cross_border_attack"}
    assert attacks == {"AA-1"}
    assert AIPlayer(w, ["X"]).candidates["X"]
