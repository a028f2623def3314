"""The rules suite: one test per treaty or procedure case, in the style of the DATC.

Each docstring states the rule; the test builds the smallest case that exercises it
(tests/builders.py) and checks the engine's decision and its recorded reasons.
Human seats cast the votes so that positions are exact.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

from builders import make_scenario
from game.engine.actions import AnswerRequest, DeployForce, RequestAssistance, SetBorder, Vote
from game.engine.game import Game
from game.engine.state import AT_HOME, DEPLOYED, IN_TRANSIT

ALL = ("A", "B", "C")


def play(scenario, *, request, votes=(), humans=ALL, turns=1):
    """Submit a request and votes on turn 1, end the turn(s), return (game, first decision)."""
    g = Game(scenario, seed=1, humans=humans)
    res = g.submit(request)
    assert res.ok, res.text
    for v in votes:
        r = g.submit(v)
        assert r.ok, r.text
    for _ in range(turns):
        g.end_turn()
    return g, g.decisions()[0]


def vote(actor, up_to, otherwise="oppose"):
    return Vote(actor, body="ALLIANCE", support_up_to=up_to, otherwise=otherwise)


def ask(article=2, framing="internal_unrest", against=None, actor="A", body="ALLIANCE"):
    return RequestAssistance(actor, target_body=body, article=article, framing=framing, against=against)


def stage(decision, name, level=None):
    return [s for s in decision["stages"] if s["stage"] == name and (level is None or s.get("level") == level)]


# --- consensus and abstention --------------------------------------------------------------
def test_consensus_blocked_by_one_opponent():
    """Rule: the Collective Security Council decides by consensus; one member opposing blocks."""
    _, d = play(make_scenario(), request=ask(), votes=[vote("B", "logistics_support"), vote("C", "none")])
    assert d["outcome"] == "declined"
    blocked = [s for s in stage(d, "vote") if s["result"] == "blocked"]
    assert blocked and all("State C" in s["reasons"][0] for s in blocked)


def test_abstention_blocks_before_december_2010():
    """Rule: before the 10 December 2010 amendments an abstention also blocks a decision."""
    _, d = play(make_scenario(rules={"abstention_blocks": True}), request=ask(),
                votes=[vote("B", "logistics_support"), vote("C", "consultations", "abstain")])
    assert d["outcome"] == "consultations"
    logistics = stage(d, "vote", "logistics_support")[0]
    assert logistics["result"] == "blocked" and "abstention also blocks" in logistics["reasons"][0]


def test_abstention_does_not_block_after_december_2010():
    """Rule: since December 2010 a member may abstain without blocking a decision."""
    _, d = play(make_scenario(rules={"abstention_blocks": False}), request=ask(),
                votes=[vote("B", "logistics_support"), vote("C", "consultations", "abstain")])
    assert d["outcome"] == "logistics_support"
    assert d["votes"]["C"] == "abstain"


def test_majority_rule_when_the_scenario_sets_it():
    """Rule (as data): under `decision: majority` more supporters than opponents carry a decision."""
    _, d = play(make_scenario(rules={"decision": "majority"}), request=ask(),
                votes=[vote("B", "logistics_support"), vote("C", "none")])
    assert d["outcome"] == "logistics_support"


# --- the legal basis ----------------------------------------------------------------------------
def test_article_4_does_not_cover_internal_unrest_before_2010():
    """Rule: before the 2010 protocol Article 4 covers aggression from outside only; an internal
    crisis can get at most the measures of Article 2 (consultations, equipment and logistics)."""
    _, d = play(make_scenario(), request=ask(article=4, framing="outside_interference"),
                votes=[vote("B", "collective_defence"), vote("C", "collective_defence")])
    assessment = stage(d, "assessment")[0]
    assert assessment["result"] == "internal_unrest"
    assert assessment["legal_cap"] == "logistics_support"
    assert any("Article 4" in r and "does not cover" in r for r in assessment["reasons"])
    assert d["outcome"] == "logistics_support"


def test_article_4_covers_external_aggression():
    """Rule: Article 4 — aggression against one member is aggression against all; the others give
    necessary assistance, including military assistance."""
    sc = make_scenario(group={"external_support": 0.95, "strength": 300})
    _, d = play(sc, request=ask(article=4, framing="outside_interference"),
                votes=[vote("B", "collective_defence"), vote("C", "collective_defence")])
    assert stage(d, "assessment")[0]["result"] == "external_aggression"
    assert d["outcome"] == "collective_defence"


def test_article_4_after_2010_covers_armed_threats_to_stability():
    """Rule: the protocol of 10 December 2010 extends Article 4 to armed attacks that threaten a
    member's security and stability, even without proof of outside direction."""
    post_2010 = [
        {"number": 2, "name": "Consultations", "covers": ["threat_consultation", "internal_unrest"],
         "max_mandate": "logistics_support"},
        {"number": 4, "name": "Collective defence", "covers": ["external_aggression", "armed_threat_to_stability"],
         "max_mandate": "collective_defence"},
    ]
    strong_group = {"strength": 3000, "external_support": 0.05}
    votes = [vote("B", "collective_defence"), vote("C", "collective_defence")]
    _, before = play(make_scenario(group=strong_group), request=ask(article=4), votes=votes)
    _, after = play(make_scenario(group=strong_group, rules={"articles": post_2010, "abstention_blocks": False}),
                    request=ask(article=4), votes=votes)
    assert stage(before, "assessment")[0]["result"] == "armed_threat_to_stability"
    assert before["outcome"] == "logistics_support"
    assert after["outcome"] == "collective_defence"


def test_a_threat_without_an_attack_gets_consultations_not_force():
    """Rule: Article 4 answers an attack; a threat from outside with no attack yet is a matter for
    consultations under Article 2."""
    sc = make_scenario(group={"external_support": 0.95, "strength": 10},
                       region_a={"violence": 0.0, "stability": 0.8})
    _, d = play(sc, request=ask(article=4, framing="terrorism"),
                votes=[vote("B", "collective_defence"), vote("C", "collective_defence")])
    assert stage(d, "assessment")[0]["result"] == "external_threat"
    assert d["outcome"] == "logistics_support"


# --- who may ask, and against whom ----------------------------------------------------------------
def test_a_non_member_cannot_invoke_the_treaty():
    """Rule: only members may invoke the treaty; a non-member's request is refused with a reason and
    costs nothing."""
    g = Game(make_scenario(), seed=1, humans=("X",))
    before = g.state.budget[0, g.world.a("X")]
    res = g.submit(ask(actor="X"))
    assert not res.ok and "not a member" in res.text
    assert g.state.budget[0, g.world.a("X")] == before
    g.end_turn()
    assert all(d["requested_by"] != "X" for d in g.decisions())


def test_a_conflict_between_two_members_gets_mediation_only():
    """Rule: a request directed against another member does not lead to collective force; the
    council can offer consultations and mediation only."""
    _, d = play(make_scenario(), request=ask(article=4, framing="border_incident", against="B"),
                votes=[vote("B", "collective_defence"), vote("C", "collective_defence")])
    assert d["outcome"] == "consultations"
    assert any("mediation only" in r for s in stage(d, "mandate") for r in s["reasons"])


def test_an_article_not_in_force_is_refused():
    """Rule: a request must cite an article in force (or none)."""
    g = Game(make_scenario(), seed=1, humans=ALL)
    res = g.submit(ask(article=5))
    assert not res.ok and "Article 5" in res.text


def test_a_pending_request_cannot_be_repeated():
    """Rule: one request per body at a time; a second request before the session is refused."""
    g = Game(make_scenario(rules={"session_delay_days": 3}), seed=1, humans=ALL)
    assert g.submit(ask()).ok
    again = g.submit(ask(article=4))
    assert not again.ok and "already pending" in again.text


def test_a_secretariat_cannot_request_assistance():
    """Rule: only a member government can ask for assistance; a secretariat assesses requests."""
    g = Game(make_scenario(), seed=1, humans=("SEC",))
    res = g.submit(RequestAssistance("SEC", target_body="ALLIANCE", article=2))
    assert not res.ok


# --- sessions -------------------------------------------------------------------------------------
def test_the_session_meets_after_the_delay():
    """Rule (as data): the extraordinary session meets `session_delay_days` after the request."""
    g = Game(make_scenario(rules={"session_delay_days": 2}), seed=1, humans=ALL)
    assert g.submit(ask()).ok
    g.end_turn()
    assert g.decisions() == []
    g.end_turn()
    g.end_turn()
    d = g.decisions()[0]
    assert d["turn"] == 3 and d["date"] == "2011-01-03"


def test_no_session_without_enough_members_and_no_severity():
    """Rule: an extraordinary session needs enough members to call it (`convene_min_members`);
    without them and without a severe crisis, no session is held."""
    sc = make_scenario(rules={"convene_min_members": 4}, group={"bases": ["XX-1"]},
                       region_a={"violence": 0.0, "stability": 0.8})
    g = Game(sc, seed=1, humans=("A",))
    assert g.submit(ask()).ok
    g.end_turn()
    d = g.decisions()[0]
    assert d["outcome"] == "no_session"
    assert stage(d, "session")[0]["result"] == "not convened"


def test_a_players_vote_replaces_the_ai_position():
    """Rule: a member played by a person takes the position the person set."""
    _, d = play(make_scenario(), request=ask(), votes=[vote("B", "none"), vote("C", "collective_defence")])
    members = stage(d, "positions")[0]["members"]
    assert members["B"]["by"] == "player" and members["B"]["position"] == "oppose"


# --- force generation ----------------------------------------------------------------------------
def test_a_force_with_a_readiness_delay_arrives_late():
    """Rule: contingents move only after their readiness delay plus transit; a slow brigade arrives
    after a fast battalion."""
    sc = make_scenario(group={"external_support": 0.95, "strength": 300}, end_date="2011-01-20")
    g, d = play(sc, request=ask(article=4, framing="outside_interference"),
                votes=[vote("B", "collective_defence"), vote("C", "collective_defence")])
    forces = {f["force"]: f for f in stage(d, "force_generation")[0]["forces"]}
    assert set(forces) == {"B_BDE", "C_BN"}
    w = g.world
    b, c = w.f("B_BDE"), w.f("C_BN")
    arrival_b = 1 + math.ceil((5 + 1) / 1)
    arrival_c = 1 + math.ceil((2 + 1) / 1)
    assert g.state.force_arrival[0, b] == arrival_b and g.state.force_arrival[0, c] == arrival_c
    while g.turn < arrival_c:
        g.end_turn()
    g.end_turn()
    assert g.state.force_status[0, c] == DEPLOYED and g.state.force_status[0, b] == IN_TRANSIT
    while g.turn <= arrival_b:
        g.end_turn()
    assert g.state.force_status[0, b] == DEPLOYED
    assert g.state.force_location[0, b] == w.r("AA-1")


def test_abstainers_send_no_contingent():
    """Rule: where an abstention does not block, the abstaining member is not bound to contribute."""
    sc = make_scenario(group={"external_support": 0.95, "strength": 300}, rules={"abstention_blocks": False})
    g, d = play(sc, request=ask(article=4, framing="outside_interference"),
                votes=[vote("B", "logistics_support", "abstain"), vote("C", "collective_defence")])
    assert d["outcome"] == "collective_defence"
    sent = {f["force"] for f in stage(d, "force_generation")[0]["forces"]}
    assert sent == {"C_BN"}
    assert g.state.force_status[0, g.world.f("B_BDE")] == AT_HOME


def test_a_bilateral_request_is_decided_by_the_state_asked():
    """Rule: a plea to one state is answered by that state alone, with no treaty procedure."""
    g, d = play(make_scenario(), request=ask(body="B"), humans=("A", "B"), turns=2,
                votes=[AnswerRequest("B", requester="A", answer="peacekeeping")])
    assert d["body"] == "B" and d["outcome"] == "peacekeeping"
    assert any("bilateral" in r for r in stage(d, "assessment")[0]["reasons"])
    assert g.state.force_status[0, g.world.f("B_BDE")] == IN_TRANSIT


def test_troops_abroad_need_the_hosts_consent():
    """Rule: a state may send troops abroad only with the host's consent (a request answered with
    troops, or an agreement)."""
    g = Game(make_scenario(), seed=1, humans=("A", "B"))
    res = g.submit(DeployForce("B", force="B_BDE", region="AA-1"))
    assert not res.ok and "consent" in res.text
    assert g.submit(ask(body="B")).ok
    assert g.submit(AnswerRequest("B", requester="A", answer="peacekeeping")).ok
    g.end_turn()
    g.end_turn()
    g.submit(DeployForce("B", force="B_BDE", region="BB-1"))  # recall is fine; consent now exists
    assert g.check(DeployForce("B", force="B_BDE", region="AA-1")).allowed or \
        g.state.force_status[0, g.world.f("B_BDE")] == IN_TRANSIT


# --- actions and borders --------------------------------------------------------------------------
def test_refused_actions_cost_nothing():
    """Rule: an impossible action is refused with a reason and costs nothing."""
    g = Game(make_scenario(), seed=1, humans=("B",))
    budget = g.state.budget.copy()
    res = g.submit(DeployForce("B", force="C_BN", region="BB-1"))
    assert not res.ok and "command" in res.text
    np.testing.assert_array_equal(g.state.budget, budget)


def test_a_closed_border_stops_refugees():
    """Rule: people cannot flee across a border that either side has closed."""
    sc = make_scenario(region_a={"violence": 0.8, "tension": 0.9}, end_date="2011-01-06")
    open_game = Game(sc, seed=3, humans=("X",))
    closed = Game(sc, seed=3, humans=("X",))
    assert closed.submit(SetBorder("X", neighbour="A", open=False)).ok
    open_game.run_to_end()
    closed.run_to_end()
    x = open_game.world.r("XX-1")
    assert open_game.state.refugees_in[0, x] > 1000
    assert closed.state.refugees_in[0, x] == 0


@pytest.mark.parametrize("rules, expected", [({"abstention_blocks": True}, "consultations"),
                                             ({"abstention_blocks": False}, "logistics_support")])
def test_the_rule_is_data_not_code(rules, expected):
    """Rule: scenario authors change the decision rules in the file; the engine follows them."""
    _, d = play(make_scenario(rules=rules), request=ask(),
                votes=[vote("B", "logistics_support"), vote("C", "consultations", "abstain")])
    assert d["outcome"] == expected


def test_a_proposal_caps_what_the_council_votes_on():
    """Rule: the council votes on the draft on the table; a member's proposal of at most logistics
    keeps troops off the agenda even when everyone would support them."""
    from game.engine.actions import ProposeMandate
    sc = make_scenario(group={"external_support": 0.95, "strength": 100})
    _, d = play(sc, request=ask(article=4, framing="outside_interference"),
                votes=[vote("B", "collective_defence"), vote("C", "collective_defence"),
                       ProposeMandate("B", body="ALLIANCE", level="logistics_support")])
    assert d["outcome"] == "logistics_support"
    assert not stage(d, "vote", "collective_defence")


def test_military_aid_agreements_equip_the_recipient():
    """Rule (as data): a military-aid agreement in force makes the recipient's own forces more
    effective, in proportion to its value."""
    from game.engine.dynamics import presence
    from game.engine.state import initial_state
    from game.engine.world import build_world
    plain = build_world(make_scenario())
    aided = build_world(make_scenario(agreements=[{"id": "aid", "name": "Aid", "kind": "military_aid",
                                                    "parties": ["B", "A"], "value": 300}]))
    a1 = plain.r("AA-1")
    assert aided.equipment_floor[aided.a("A")] == pytest.approx(0.3)
    assert presence(aided, initial_state(aided))[0, a1] > presence(plain, initial_state(plain))[0, a1]


def test_an_objective_to_avoid_an_outcome_is_met_when_nothing_was_decided():
    """Rule (assessment): `outcome_not_in` is met while the body has reached none of those outcomes,
    including when it never decided at all; `outcome_in` needs one of them to have happened."""
    from game.engine.assessment import objective_met
    from game.scenario.schema import Objective
    g = Game(make_scenario(), seed=1, humans=ALL)
    avoid = Objective(id="o1", actor="B", description="no troops", figure="outcome", body="ALLIANCE",
                      outcome_not_in=["peacekeeping", "collective_defence"])
    reach = Objective(id="o2", actor="B", description="help", figure="outcome", body="ALLIANCE",
                      outcome_in=["logistics_support"])
    assert objective_met(g.world, g.state, avoid)[0] and not objective_met(g.world, g.state, reach)[0]
    g.submit(ask())
    g.submit(vote("B", "logistics_support"))
    g.submit(vote("C", "logistics_support"))
    g.end_turn()
    assert objective_met(g.world, g.state, avoid)[0] and objective_met(g.world, g.state, reach)[0]
