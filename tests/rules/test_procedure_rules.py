"""The rules suite: one test per treaty or procedure case, in the style of the DATC.

Each docstring states the rule; the test builds the smallest case that exercises it
(tests/builders.py) and checks the engine's decision and its recorded reasons. Where the
positions themselves are not the point, people cast the votes so that they are exact; where
the politics are the point (ties, commitments, the host's refusal), the computer plays the
members and the test reads their recorded terms.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

from builders import make_scenario
from game.engine.actions import (AnswerRequest, Ceasefire, CrossBorderAttack, DeployForce, ProposeMandate,
                                 PublicStatement, RequestAssistance, SetBorder, Vote, WithdrawForce)
from game.engine.game import Game
from game.engine.state import AT_HOME, DEPLOYED, IN_TRANSIT
from game.engine.world import OUTCOMES

ALL = ("A", "B", "C")
POST_2010 = [
    {"number": 2, "name": "Consultations", "covers": ["threat_consultation", "internal_unrest"],
     "max_mandate": "logistics_support"},
    {"number": 4, "name": "Collective defence", "covers": ["external_aggression", "armed_threat_to_stability"],
     "max_mandate": "collective_defence"},
]


def play(scenario, *, request, votes=(), humans=ALL, turns=1, before=()):
    """Submit actions ``before``, a request and votes on turn 1, end the turn(s); (game, first decision)."""
    g = Game(scenario, seed=1, humans=humans)
    for a in before:
        r = g.submit(a)
        assert r.ok, r.text
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


def ask(article=2, framing="internal_unrest", against=None, actor="A", body="ALLIANCE", about=None):
    return RequestAssistance(actor, target_body=body, article=article, framing=framing, against=against, about=about)


def stage(decision, name, level=None):
    return [s for s in decision["stages"] if s["stage"] == name and (level is None or s.get("level") == level)]


X_ATTACKS = CrossBorderAttack("X", region="AA-1", mode="attack")
SUPPORT_ALL = (vote("B", "collective_defence"), vote("C", "collective_defence"))


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


def test_a_draft_needs_backing_beyond_the_requester():
    """Rule (practice of consensus): the chair tables a draft only when enough members other than the
    requester back it (`draft_support_share`); abstentions that do not block still leave it unbacked."""
    sc = make_scenario(rules={"abstention_blocks": False})
    _, d = play(sc, request=ask(), votes=[vote("B", "consultations", "abstain"), vote("C", "consultations", "abstain")])
    assert d["outcome"] == "consultations"
    logistics = stage(d, "vote", "logistics_support")[0]
    assert logistics["result"] == "blocked" and "too few members backed it" in logistics["reasons"][0]


# --- the legal basis and the reading ----------------------------------------------------------
def test_article_4_does_not_cover_internal_unrest_before_2010():
    """Rule: before the 2010 protocol Article 4 covers aggression from outside only; an internal
    crisis can get at most the measures of Article 2 (consultations, equipment and logistics)."""
    sc = make_scenario(group={"strength": 10})
    _, d = play(sc, request=ask(article=4, framing="internal_unrest"), votes=SUPPORT_ALL)
    assessment = stage(d, "assessment")[0]
    assert assessment["result"] == "internal_unrest"
    assert assessment["legal_cap"] == "logistics_support"
    assert any("Article 4" in r and "does not cover" in r for r in assessment["reasons"])
    assert d["outcome"] == "logistics_support"


def test_article_4_covers_external_aggression():
    """Rule: Article 4 — aggression against one member is aggression against all; the others give
    necessary assistance, including military assistance. A state's army attacking a member is the case."""
    _, d = play(make_scenario(), before=[X_ATTACKS], humans=ALL + ("X",),
                request=ask(article=4, framing="aggression", against="X"), votes=SUPPORT_ALL)
    assert stage(d, "assessment")[0]["result"] == "external_aggression"
    assert d["adversary"] == "X"
    assert d["outcome"] == "collective_defence"


def test_article_4_after_2010_covers_armed_threats_to_stability():
    """Rule: the protocol of 10 December 2010 extends Article 4 to armed attacks that threaten a
    member's security and stability, even without proof of outside direction."""
    strong_group = {"strength": 3000, "external_support": 0.05}
    _, before = play(make_scenario(group=strong_group), request=ask(article=4, framing="terrorism"), votes=SUPPORT_ALL)
    _, after = play(make_scenario(group=strong_group, rules={"articles": POST_2010, "abstention_blocks": False}),
                    request=ask(article=4, framing="terrorism"), votes=SUPPORT_ALL)
    assert stage(before, "assessment")[0]["result"] == "armed_threat_to_stability"
    assert before["outcome"] == "logistics_support"
    assert stage(after, "assessment")[0]["legal_cap"] == "collective_defence"
    assert after["outcome"] == "collective_defence"


def test_a_threat_without_an_attack_gets_no_force():
    """Rule: Article 4 answers an attack; a threat from outside with no attack yet is a matter for
    consultations and measures under Article 2."""
    sc = make_scenario(group={"external_support": 0.95, "strength": 10},
                       region_a={"violence": 0.0, "stability": 0.8})
    _, d = play(sc, request=ask(article=4, framing="terrorism"), votes=SUPPORT_ALL)
    assert stage(d, "assessment")[0]["result"] == "external_threat"
    assert d["outcome"] == "logistics_support"


def test_the_article_invoked_bounds_the_request():
    """Rule: a member that asks for consultations under Article 2 cannot be given a collective-defence
    mandate, whatever the crisis is: the article invoked bounds what the council may decide."""
    _, d = play(make_scenario(), before=[X_ATTACKS], humans=ALL + ("X",),
                request=ask(article=2, framing="aggression", against="X"), votes=SUPPORT_ALL)
    assessment = stage(d, "assessment")[0]
    assert assessment["result"] == "external_aggression"
    assert assessment["legal_cap"] == "logistics_support"
    assert any("bounds the request" in r for r in assessment["reasons"])
    assert d["outcome"] == "logistics_support"


def test_the_framing_counts_when_the_members_want_to_act():
    """Rule (politics): the council reads an allied incumbent's crisis the way it asks when the members
    want to act, and the other way when they do not: armed unrest framed as terrorism is read as an
    armed threat by friendly members and as a domestic affair by members who want no part of it."""
    group = {"strength": 60, "external_support": 0.05}
    rules = {"articles": POST_2010, "abstention_blocks": False, "position_noise": 0.0}
    friends = {"B": {"ties": {"A": 0.9}, "interests": {"regime_security": 0.9, "alliance_credibility": 0.8,
                                                         "cost_aversion": 0.2, "non_interference": 0.1}},
               "C": {"ties": {"A": 0.9}, "interests": {"regime_security": 0.9, "alliance_credibility": 0.8,
                                                         "cost_aversion": 0.2, "non_interference": 0.1}}}
    strangers = {"B": {"ties": {"A": -0.3}, "interests": {"regime_security": 0.1, "alliance_credibility": 0.1,
                                                            "cost_aversion": 0.9, "non_interference": 0.9}},
                 "C": {"ties": {"A": -0.3}, "interests": {"regime_security": 0.1, "alliance_credibility": 0.1,
                                                            "cost_aversion": 0.9, "non_interference": 0.9}}}
    readings = {}
    for name, actors in (("friends", friends), ("strangers", strangers)):
        sc = make_scenario(group=group, rules=rules, actor_changes=actors, coefficients={"reading_noise": 0.0})
        _, d = play(sc, request=ask(article=4, framing="terrorism"), humans=("A",))
        readings[name] = d["reading"]
    assert readings == {"friends": "armed_threat_to_stability", "strangers": "internal_unrest"}


def test_members_ties_to_a_non_member_adversary_count_unnamed():
    """Rule (veto players): members' ties to the state on the other side weigh against measures that
    take sides, whether or not the request names it."""
    sc = make_scenario(actor_changes={"B": {"ties": {"X": 0.9}}}, rules={"articles": POST_2010})
    _, d = play(sc, before=[X_ATTACKS], humans=("A", "X"), request=ask(article=4, framing="aggression"))
    assert d["against"] is None and d["adversary"] == "X"
    aid = stage(d, "positions", "logistics_support")[0]["members"]
    assert aid["B"]["terms"]["adversary"] < -0.3 and aid["C"]["terms"]["adversary"] == 0
    assert d["outcome"] not in ("logistics_support", "peacekeeping", "collective_defence")
    assert "adversary" in d["decisive_reasons"]


def test_commitments_elsewhere_lower_will_and_troops():
    """Rule: a member whose forces and attention are tied down elsewhere (`commitments`) is less
    willing to send troops, and sends fewer of them when it does."""
    from game.engine.positions import Context, crisis_view, member_utility
    busy = {"B": {"commitments": [{"name": "Another war", "load": 0.75}]}}
    rules = {"articles": POST_2010}
    kw = dict(before=[X_ATTACKS], humans=("A", "C", "X"), request=ask(article=4, framing="aggression", against="X"),
              votes=[vote("C", "collective_defence")])
    g_free, free = play(make_scenario(rules=rules), **kw)
    g_tied, tied = play(make_scenario(rules=rules, actor_changes=busy), **kw)
    assert free["outcome"] in ("peacekeeping", "collective_defence")
    assert tied["outcome"] not in ("peacekeeping", "collective_defence")
    utility = {}
    for name, g in (("free", g_free), ("tied", g_tied)):
        w, s = g.world, g.state
        ctx = Context(requester=w.a("A"), crisis=crisis_view(w, s, w.a("A")), reading=np.array([2]),
                      obliges=np.array([True]), adversary=np.array([w.a("X")]), collective=True, treaty=True,
                      lead=w.a("B"), contributors=np.isin(np.arange(len(w.actor_ids)), w.force_owner))
        utility[name] = {lvl: member_utility(w, s, w.a("B"), lvl, ctx) for lvl in (5, 6)}
    assert utility["tied"][6]["commitments"][0] == pytest.approx(-g_tied.world.k.commitment_weight * 0.75)
    assert utility["tied"][5]["commitments"][0] == pytest.approx(-g_tied.world.k.commitment_weight * 0.75 * 0.2)
    assert utility["free"][6]["commitments"][0] == 0
    # availability: with B's vote fixed by a player, a quarter of its brigade goes
    g, d = play(make_scenario(rules=rules, actor_changes=busy), before=[X_ATTACKS], humans=ALL + ("X",),
                request=ask(article=4, framing="aggression", against="X"), votes=SUPPORT_ALL)
    sent = {f["force"]: f["strength"] for f in stage(d, "force_generation")[0]["forces"]}
    assert sent["B_BDE"] == 500 and sent["C_BN"] == 500


def test_the_chair_puts_only_what_it_accepts_on_the_table():
    """Rule: the member chairing the council drafts the decision; under a majority rule it still will
    not table a measure it opposes."""
    sc = make_scenario(rules={"decision": "majority", "articles": POST_2010}, organisation={"chair": "C"})
    _, d = play(sc, before=[X_ATTACKS], humans=ALL + ("X",), request=ask(article=4, framing="aggression", against="X"),
                votes=[vote("B", "collective_defence"), vote("C", "logistics_support")])
    assert d["outcome"] == "logistics_support"
    assert stage(d, "vote", "collective_defence")[0]["result"] == "blocked"


def test_a_conflict_between_two_members_gets_mediation_only():
    """Rule: a request directed against another member does not lead to collective force; the
    council can offer words, consultations, a mission and mediation only."""
    _, d = play(make_scenario(), request=ask(article=4, framing="border_incident", against="B"), votes=SUPPORT_ALL)
    assert d["outcome"] == "mediation"
    assert stage(d, "assessment")[0]["legal_cap"] == "mediation"
    assert any("mediation only" in r for r in stage(d, "assessment")[0]["reasons"])


def test_no_mediation_against_an_outsider():
    """Rule: an alliance mediates among its members; against an outside state it is its member's ally,
    not a go-between."""
    _, d = play(make_scenario(), before=[X_ATTACKS], humans=ALL + ("X",),
                request=ask(article=2, framing="aggression", against="X"),
                votes=[vote("B", "mediation"), vote("C", "mediation")])
    assert not stage(d, "vote", "mediation")
    assert d["outcome"] == "fact_finding_mission"


def test_a_call_about_another_members_domestic_crisis_needs_its_consent():
    """Rule (consent): a member may call for action about another member's crisis; in a domestic
    affair, without that member's own request only words and consultations are possible, and the
    member concerned may refuse even those."""
    _, d = play(make_scenario(rules={"abstention_blocks": False}), humans=("B", "C"),
                request=ask(actor="B", about="A", framing="internal_unrest"),
                votes=[vote("C", "collective_defence")])
    assert d["about"] == "A" and d["reading"] == "internal_unrest"
    assert d["legal_cap"] == "consultations"
    assert d["outcome"] == "declined"
    assert "host_refusal" in d["decisive_reasons"]


def test_a_secretary_generals_statement_is_the_organisations():
    """Rule: statements of concern and calls for restraint by the secretary-general speak for the
    organisation (its mildest measure), with no session."""
    g = Game(make_scenario(), seed=1, humans=("SEC",))
    assert g.submit(PublicStatement("SEC", stance="call_for_restraint", about="A")).ok
    assert g.state.outcome_ever[0, g.world.b("ALLIANCE"), OUTCOMES.index("statement")]


# --- who may ask ---------------------------------------------------------------------------------
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


def test_an_article_not_in_force_is_refused():
    """Rule: a request must cite an article in force (or none)."""
    g = Game(make_scenario(), seed=1, humans=ALL)
    res = g.submit(ask(article=5))
    assert not res.ok and "Article 5" in res.text


def test_a_pending_request_cannot_be_repeated():
    """Rule: one request per body at a time; a second request before the session is refused."""
    g = Game(make_scenario(rules={"session_delay_days": 3}, region_a={"violence": 0.0, "stability": 0.8}),
             seed=1, humans=ALL)
    assert g.submit(ask()).ok
    again = g.submit(ask(article=4))
    assert not again.ok and "already pending" in again.text


def test_a_secretariat_cannot_request_assistance():
    """Rule: only a member state can ask for assistance; a secretariat assesses requests."""
    g = Game(make_scenario(), seed=1, humans=("SEC",))
    res = g.submit(RequestAssistance("SEC", target_body="ALLIANCE", article=2))
    assert not res.ok


# --- sessions -------------------------------------------------------------------------------------
def test_the_session_meets_after_the_delay():
    """Rule (as data): the extraordinary session meets `session_delay_days` after the request."""
    g = Game(make_scenario(rules={"session_delay_days": 2}, region_a={"violence": 0.0, "stability": 0.8}),
             seed=1, humans=ALL)
    assert g.submit(ask()).ok
    g.end_turn()
    assert g.decisions() == []
    g.end_turn()
    g.end_turn()
    d = g.decisions()[0]
    assert d["turn"] == 3 and d["date"] == "2011-01-03"


def test_an_urgent_crisis_is_taken_up_within_a_day():
    """Rule (practice, January and September 2022): a severe crisis is taken up by an extraordinary
    session within a day of the request, whatever the usual delay."""
    g = Game(make_scenario(rules={"session_delay_days": 5}, region_a={"violence": 0.6}), seed=1, humans=ALL)
    assert g.submit(ask()).ok
    g.end_turn()
    g.end_turn()
    assert g.decisions() and g.decisions()[0]["date"] == "2011-01-02"


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
def test_readiness_and_transit_set_the_arrival():
    """Rule: a contingent arrives after its readiness delay plus transit: airborne units are flown to
    a consenting host in `airlift_days`; others go by road (`road_days`)."""
    sc = make_scenario(end_date="2011-01-20", rules={"articles": POST_2010})
    g, d = play(sc, before=[X_ATTACKS], humans=ALL + ("X",), request=ask(article=4, framing="aggression", against="X"),
                votes=SUPPORT_ALL)
    forces = {f["force"]: f for f in stage(d, "force_generation")[0]["forces"]}
    assert set(forces) == {"B_BDE", "C_BN"}
    w, k = g.world, g.world.k
    b, c = w.f("B_BDE"), w.f("C_BN")
    assert g.state.force_arrival[0, b] == 1 + math.ceil(5 + k.airlift_days)
    assert g.state.force_arrival[0, c] == 1 + math.ceil(2 + k.road_days)
    while g.turn <= g.state.force_arrival[0, c]:
        g.end_turn()
    assert g.state.force_status[0, c] == DEPLOYED and g.state.force_status[0, b] == IN_TRANSIT
    while g.turn <= g.state.force_arrival[0, b]:
        g.end_turn()
    assert g.state.force_status[0, b] == DEPLOYED and g.state.force_location[0, b] == w.r("AA-1")


def test_airborne_units_in_constant_readiness_arrive_within_two_days():
    """Rule (as data, Kazakhstan 2022): an airborne unit whose readiness the scenario does not state is
    in constant readiness and lands within a day or two of the decision."""
    sc = make_scenario(rules={"articles": POST_2010}, force_changes={"B_BDE": {"readiness_days": None}})
    g, d = play(sc, before=[X_ATTACKS], humans=ALL + ("X",), request=ask(article=4, framing="aggression", against="X"),
                votes=SUPPORT_ALL)
    arrives = {f["force"]: f["arrives"] for f in stage(d, "force_generation")[0]["forces"]}
    assert arrives["B_BDE"] <= "2011-01-03"


def test_abstainers_send_no_contingent():
    """Rule: where an abstention does not block, the abstaining member is not bound to contribute."""
    sc = make_scenario(rules={"abstention_blocks": False, "articles": POST_2010})
    g, d = play(sc, before=[X_ATTACKS], humans=ALL + ("X",), request=ask(article=4, framing="aggression", against="X"),
                votes=[vote("B", "logistics_support", "abstain"), vote("C", "collective_defence")])
    assert d["outcome"] in ("peacekeeping", "collective_defence")
    sent = {f["force"] for f in stage(d, "force_generation")[0]["forces"]}
    assert sent == {"C_BN"}
    assert g.state.force_status[0, g.world.f("B_BDE")] == AT_HOME


def test_a_bilateral_request_is_decided_by_the_state_asked():
    """Rule: a plea to one state is answered by that state alone, with no treaty procedure."""
    g, d = play(make_scenario(), request=ask(body="B"), humans=("A", "B"), turns=2,
                votes=[AnswerRequest("B", requester="A", answer="peacekeeping")])
    assert d["body"] == "B" and d["body_kind"] == "state" and d["outcome"] == "peacekeeping"
    assert [s["label"] for s in d["stages"]][:3] == ["Request", "How it reads the crisis", "State B considers it"]
    assert g.state.force_status[0, g.world.f("B_BDE")] == IN_TRANSIT


def test_troops_abroad_need_the_hosts_consent():
    """Rule: a state may send troops abroad only with the host's consent (a request it answered with
    troops, or an agreement)."""
    sc = make_scenario(extra_forces=[{"id": "B_BN", "name": "B battalion", "owner": "B", "kind": "infantry",
                                      "strength": 400, "readiness_days": 1, "home": "BB-1"}])
    g = Game(sc, seed=1, humans=("A", "B"))
    refused = g.submit(DeployForce("B", force="B_BN", region="AA-1"))
    assert not refused.ok and "consent" in refused.text
    assert g.submit(ask(body="B")).ok
    assert g.submit(AnswerRequest("B", requester="A", answer="peacekeeping")).ok
    g.end_turn()
    g.end_turn()
    assert g.decisions()[0]["outcome"] == "peacekeeping"
    assert g.submit(WithdrawForce("B", force="B_BN")).ok          # recalled, then sent again on its own order
    allowed = g.submit(DeployForce("B", force="B_BN", region="AA-1"))
    assert allowed.ok, allowed.text


# --- interstate conflict -----------------------------------------------------------------------
def test_an_attack_across_a_border_kills_soldiers_apart_from_civilians():
    """Rule: a state's forces can fire on, assault or occupy positions across a border; soldiers'
    deaths are counted apart from civilians', on both sides."""
    sc = make_scenario(region_a={"violence": 0.0, "stability": 0.8, "tension": 0.1}, group={"bases": ["CC-1"]},
                       region_x={"security_forces": 3000})
    g = Game(sc, seed=1, humans=("X", "A"))
    assert g.submit(X_ATTACKS).ok
    g.end_turn()
    w, s = g.world, g.state
    assert s.military_casualties[0, w.a("A")] > 1 and s.military_casualties[0, w.a("X")] > 1
    assert s.violence[0, w.r("AA-1")] > 0.1
    assert g.final()["totals"]["military_casualties"] == round(float(s.military_casualties[0].sum()))


def test_a_ceasefire_ends_the_fire():
    """Rule: a ceasefire stops a state's operations against its neighbour."""
    g = Game(make_scenario(), seed=1, humans=("X", "A"))
    assert g.submit(X_ATTACKS).ok
    g.end_turn()
    assert g.submit(Ceasefire("X", with_state="A")).ok
    assert g.state.hostile[0, g.world.a("X")].max() == 0
    assert not g.submit(Ceasefire("X", with_state="A")).ok


def test_an_attack_needs_a_common_border():
    """Rule: an army attacks only regions that border its state's territory."""
    g = Game(make_scenario(), seed=1, humans=("X",))
    res = g.submit(CrossBorderAttack("X", region="CC-1", mode="shell"))
    assert not res.ok and "does not border" in res.text


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
    _, d = play(make_scenario(), before=[X_ATTACKS], humans=ALL + ("X",),
                request=ask(article=4, framing="aggression", against="X"),
                votes=[*SUPPORT_ALL, ProposeMandate("B", body="ALLIANCE", level="logistics_support")])
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


# --- the run axis ---------------------------------------------------------------------------------
def test_each_run_decides_from_its_own_state():
    """Rule (engine): no rule reads another run's state. Two runs that differ only in whom the request
    names get each their own adversary, and only the run naming the member's friend sees its veto."""
    sc = make_scenario(actor_changes={"B": {"ties": {"X": 0.95}}}, coefficients={"reading_noise": 0.0},
                       rules={"position_noise": 0.0, "articles": POST_2010})
    g = Game(sc, seed=1, runs=2, humans=("A",))
    assert g.submit(ask(article=4, framing="terrorism")).ok
    w, s = g.world, g.state
    s.req_against[1, w.a("A"), w.b("ALLIANCE")] = w.a("X")        # only run 1 names X
    g.end_turn()
    b = w.b("ALLIANCE")
    codes = s.decisive[:, b, :]
    from game.engine.positions import REASON_CODES
    named = [{REASON_CODES[int(c)] for c in row if c >= 0} for row in codes]
    assert "adversary" not in named[0] and "adversary" in named[1]
