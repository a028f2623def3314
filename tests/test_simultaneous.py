"""Simultaneous turns: every seat acts in the same turn, privately; the turn resolves the orders together.

Rules quoted are the game's own (issue 9 and 11): "each seat's choices are private until the turn
resolves, votes revealed together"; "the instructor can end a turn for a seat that is out of time
(what it left open is listed, not silently decided)".
"""
from __future__ import annotations

import json

import numpy as np
import pytest

from game.engine import actions as act
from game.engine.game import Game
from game.engine.views import PUBLIC_VIEW, SeatView, news_for, state_from_dict, state_to_dict
from game.scenario.loader import load_scenario

SEATS = ("KG", "RU", "KZ")
REQUEST = act.RequestAssistance("KG", target_body="CSTO", article=4, framing="outside_interference")


@pytest.fixture(scope="module")
def kyrgyzstan():
    return load_scenario("scenarios/kyrgyzstan_2010.yaml").scenario


def _session_pending(scenario) -> Game:
    """KG asked the CSTO on turn 1; on turn 2 the members may vote."""
    g = Game(scenario, seed=3, humans=SEATS, simultaneous=True)
    assert g.submit(REQUEST).ok
    g.end_turn()
    return g


def test_an_order_is_seen_by_its_seat_alone_until_the_turn_resolves(kyrgyzstan):
    """Each seat's choices are private until the turn resolves."""
    g = Game(kyrgyzstan, seed=3, humans=SEATS, simultaneous=True)
    b, kg = g.world.b("CSTO"), g.world.a("KG")
    assert g.submit(REQUEST).ok
    assert g.state_for("KG").req_stage[0, kg, b] > 0, "the seat sees its own request"
    assert g.state_for("RU").req_stage[0, kg, b] == 0, "another seat does not"
    assert g.state.req_stage[0, kg, b] == 0, "nor does the game until the turn resolves"
    assert not any("asks the CSTO" in n["text"] for n in news_for(g, "RU") + news_for(g, PUBLIC_VIEW))
    assert any(n["kind"] == "order" and "asks the CSTO" in n["text"] for n in news_for(g, "KG"))
    rec = g.end_turn()
    assert g.state.req_stage[0, kg, b] > 0
    assert any(a["ok"] and a["actor"] == "KG" and a["kind"] == "request_assistance"
               for a in rec.phases["decisions"]["actions"])
    assert any("asks the CSTO" in n["text"] for n in news_for(g, "RU"))


def test_votes_are_private_until_the_turn_resolves_and_then_count(kyrgyzstan):
    """Votes are revealed together: a seat's vote is in its own view only until the turn resolves."""
    g = _session_pending(kyrgyzstan)
    assert g.submit(act.Vote("RU", body="CSTO", support_up_to="peacekeeping")).ok
    assert g.submit(act.Vote("KZ", body="CSTO", support_up_to="statement", otherwise="oppose")).ok
    assert set(g.state_for("RU").human_votes) == {("RU", "CSTO")}
    assert set(g.state_for("KZ").human_votes) == {("KZ", "CSTO")}
    assert g.state.human_votes == {}
    wire = json.dumps(state_to_dict(g.state_for("RU"), "RU"))
    assert '"KZ", "CSTO"' not in wire and '"RU", "CSTO"' in wire
    g.end_turn()
    assert g.state.human_votes == {("RU", "CSTO"): (6, "abstain"), ("KZ", "CSTO"): (1, "oppose")}


def test_seat_order_not_arrival_order_decides_the_resolution(kyrgyzstan):
    """Orders are carried out in seat order, so the game does not depend on who clicked first."""
    def play(first_kz: bool) -> dict:
        g = _session_pending(kyrgyzstan)
        votes = [act.Vote("RU", body="CSTO", support_up_to="peacekeeping"),
                 act.Vote("KZ", body="CSTO", support_up_to="consultations", otherwise="oppose")]
        for v in (votes[::-1] if first_kz else votes):
            assert g.submit(v).ok
        g.run_to_end()
        return {"final": g.final(), "decisions": [(d["body"], d["outcome"]) for d in g.decisions()]}
    assert play(True) == play(False)


def test_one_seat_in_simultaneous_turns_plays_the_same_game_as_in_turn(kyrgyzstan):
    """With a single human seat, orders carried out at resolution change nothing."""
    def play(simultaneous: bool):
        g = Game(kyrgyzstan, seed=11, humans=("KG",), simultaneous=simultaneous)
        g.submit(REQUEST)
        g.end_turn()
        g.submit(act.SetBorder("KG", neighbour="UZ", open=False))
        while not g.over:
            g.declare_ready("KG")             # the player ends each turn (nothing is listed as left open)
            g.end_turn()
        return g.final(), [n["text"] for n in g.news()]
    assert play(True) == play(False)


def test_undo_takes_back_the_seats_own_last_order_only(kyrgyzstan):
    g = _session_pending(kyrgyzstan)
    assert g.submit(act.Vote("RU", body="CSTO", support_up_to="peacekeeping")).ok
    assert g.submit(act.Vote("KZ", body="CSTO", support_up_to="statement")).ok
    assert g.undo("RU")
    assert g.state_for("RU").human_votes == {} and set(g.state_for("KZ").human_votes) == {("KZ", "CSTO")}
    assert not g.undo("RU"), "nothing left to take back"
    g.declare_ready("KZ")
    assert not g.undo("KZ"), "a seat that ended its turn cannot take back"


def test_a_turn_ended_for_a_seat_lists_what_it_left_open(kyrgyzstan):
    """The instructor can end a turn for a seat that is out of time: what it left open is listed."""
    g = _session_pending(kyrgyzstan)
    g.end_turn()                                  # the session sits at the end of turn 3
    g.declare_ready("KG")
    assert g.waiting_for() == ["RU", "KZ"]
    rec = g.end_turn()
    left = {s["actor"]: [d["kind"] for d in s["open"]] for s in rec.phases["decisions"]["left_open"]}
    assert left == {"RU": ["vote"], "KZ": ["vote"]}
    assert sum("turn was ended with decisions open" in n["text"] for n in rec.news()) == 2


def test_the_instructors_change_reaches_every_seat_under_its_own_orders(kyrgyzstan):
    g = Game(kyrgyzstan, seed=3, humans=SEATS, simultaneous=True)
    assert g.submit(REQUEST).ok
    before = float(g.state_for("RU").violence[0, g.world.r("KG-O")])
    assert g.submit(act.InstructorAdjust(act.INSTRUCTOR, region="KG-O", figure="violence", add=-0.1)).ok
    for seat in SEATS:
        assert g.state_for(seat).violence[0, g.world.r("KG-O")] == pytest.approx(max(before - 0.1, 0.0))
    assert g.state_for("KG").req_stage[0, g.world.a("KG"), g.world.b("CSTO")] > 0, "KG's order is kept"


def test_a_save_mid_turn_keeps_the_orders_and_who_was_ready(kyrgyzstan):
    g = _session_pending(kyrgyzstan)
    g.submit(act.Vote("RU", body="CSTO", support_up_to="peacekeeping"))
    g.declare_ready("RU")
    data = json.loads(json.dumps(g.save_data("kyrgyzstan_2010")))
    again = Game.replay(kyrgyzstan, data)
    assert again.simultaneous and again.ready == {"RU"} and again.turn == g.turn
    assert again.state_for("RU").human_votes == g.state_for("RU").human_votes
    g.run_to_end()
    again.run_to_end()
    assert again.final() == g.final()


def test_a_seats_view_round_trips_and_holds_nothing_of_other_seats(kyrgyzstan):
    g = _session_pending(kyrgyzstan)
    g.submit(act.Vote("KZ", body="CSTO", support_up_to="statement"))
    view = SeatView(g, "RU")
    data = json.loads(json.dumps(state_to_dict(view.state, "RU")))
    back = state_from_dict(data, g.state, g.world)
    assert back.human_votes == {}
    np.testing.assert_array_equal(back.violence, view.state.violence[:1])
    np.testing.assert_array_equal(back.req_stage, view.state.req_stage[:1])
    assert view.action_points() == float(g.world.budget0[g.world.a("RU")])
    assert view.waiting_for() == ["KG", "RU", "KZ"]


def test_the_public_view_shows_no_seats_order_and_ends_the_turn_for_every_seat():
    """A public view for the projector shows only what every seat may see; the instructor can end a
    turn for seats that are out of time (what they left open is listed, not silently decided)."""
    import pygame

    from tests.ui_driver import Driver
    d = Driver()
    loaded = load_scenario("scenarios/kyrgyzstan_2010.yaml")
    d.app.start_game(loaded, "kyrgyzstan_2010", ["KG", "RU"], 5, instructor=True)
    d.key(pygame.K_RETURN)                                   # KG takes the seat
    g = d.app.session.game
    assert g.submit(REQUEST).ok
    d.key(pygame.K_F8)
    gs = d.screen
    assert gs.public and d.app.session.actor is None
    d.frames(2)
    assert gs.state is g.state and gs.state.req_stage[0, g.world.a("KG"), g.world.b("CSTO")] == 0
    assert "asks the CSTO" not in gs.news.box.html_text
    assert d.element("tab_actions").text == "Seats"
    d.key(pygame.K_RETURN)
    assert d.screen.name == "confirm"
    assert "Still deciding: Kyrgyzstan, Russia" in d.screen.body
    d.click("confirm")
    assert g.turn == 2 and g.state.req_stage[0, g.world.a("KG"), g.world.b("CSTO")] > 0, "KG's order was carried out"
    d.frames(2)
    assert "asks the CSTO" in d.screen.news.box.html_text


def test_the_instructors_console_ends_the_turn_for_seats_out_of_time():
    """From the console the instructor ends the turn at once; the seats that had not finished are named
    first, what they left open is listed, and the next turn begins with the first seat's hand-over."""
    import pygame

    from game.ui.screens.instructor import seat_overview
    from tests.ui_driver import Driver
    d = Driver()
    loaded = load_scenario("scenarios/kyrgyzstan_2010.yaml")
    d.app.start_game(loaded, "kyrgyzstan_2010", ["KG", "RU"], 3, instructor=True)
    g = d.app.session.game
    assert g.submit(REQUEST).ok                              # KG asks the CSTO; its session sits on turn 3
    while True:
        for _, lines in seat_overview(g, ["KG", "RU"]):
            assert "still deciding" in lines
        if d.screen.name == "handover":
            d.key(pygame.K_RETURN)
        d.key(pygame.K_F9)
        d.click("end_turn_now")
        assert d.screen.name == "confirm" and "Still deciding: Kyrgyzstan, Russia" in d.screen.body
        d.click("confirm")
        assert d.screen.name == "handover" and d.app.session.actor == "KG"
        if g.decisions() or g.turn > 6:
            break
    assert [p["body"] for p in g.decisions()] == ["CSTO"]
    left = {s["actor"]: [o["kind"] for o in s["open"]] for s in g.history[-1].phases["decisions"]["left_open"]}
    assert set(left) == {"KG", "RU"} and all("vote" in kinds for kinds in left.values()), \
        "the votes nobody cast are listed, not silently decided"
