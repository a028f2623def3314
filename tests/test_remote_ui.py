"""A seat's laptop at a networked game: the same screens, drawn from the host's view of that seat only."""
from __future__ import annotations

import json

import pygame
import pytest

from game.engine import actions as act
from game.engine.game import Game
from game.engine.menu import menu_for
from game.engine.views import news_for
from game.net.seat_view import view_fields
from game.scenario.loader import load_scenario
from tests.ui_driver import Driver

SEATS = ("KG", "RU", "KZ")


def seat_view(game: Game, seat: str) -> dict:
    """What the host sends a seat, through JSON (as on the wire)."""
    return json.loads(json.dumps(view_fields(game, seat)))


class InProcessClient:
    """A client whose host is a game in this process: what it sends and receives is plain JSON."""

    def __init__(self, game: Game, seat: str):
        self.game, self.seat, self.humans = game, seat, sorted(game.humans)
        self.view = seat_view(game, seat)
        self.sent: list[dict] = []

    def send_action(self, data: dict):
        self.sent.append(data)
        res = self.game.submit(act.action_from_dict(json.loads(json.dumps(data))), remote=True)
        return res.ok, res.text

    def undo(self):
        return self.game.undo(self.seat), ""

    def ready(self):
        self.game.declare_ready(self.seat)

    def poll(self) -> bool:
        view = seat_view(self.game, self.seat)
        changed, self.view = view != self.view, view
        return changed


@pytest.fixture
def hosted():
    sc = load_scenario("scenarios/kyrgyzstan_2010.yaml").scenario
    game = Game(sc, seed=5, humans=SEATS, simultaneous=True)
    d = Driver()
    client = InProcessClient(game, "RU")
    d.app.start_remote(client, sc)
    d.frames(2)
    return d, game, client


def test_the_laptop_shows_its_seat_and_sends_its_actions_to_the_host(hosted):
    d, game, client = hosted
    gs = d.screen
    assert gs.name == "game" and d.app.session.actor == "RU" and gs.game.remote
    item = next(i for i in menu_for(gs.world, gs.state, "RU") if i.allowed and i.action.kind == "public_statement")
    gs.submit(item)
    assert client.sent and client.sent[-1]["kind"] == "public_statement"
    assert game.orders["RU"] and not game.orders.get("KG"), "the host keeps it as RU's order"
    d.frames(2)
    assert any(n["kind"] == "order" for n in news_for(gs.game, "RU")), "the laptop shows its own order"
    assert "Russia" in gs.news.box.html_text


def test_the_laptop_waits_for_the_other_seats_then_follows_the_turn(hosted):
    d, game, client = hosted
    d.end_turn(None)
    assert game.ready == {"RU"} and game.turn == 1, "a laptop never runs the turn itself"
    assert any("Waiting for Kyrgyzstan, Kazakhstan" in t for t, _, _ in d.app.toasts)
    d.frames(2)
    end = d.element("end_turn")
    assert not end.is_enabled and "Waiting" in end.text
    game.declare_ready("KG"), game.declare_ready("KZ")
    game.end_turn()                       # the host resolves the turn
    d.frames(2)
    assert d.screen.game.turn == 2 and d.screen.name == "game"
    assert d.element("end_turn").is_enabled and d.element("end_turn").text == "End turn"


def test_the_laptop_never_draws_another_seats_order(hosted):
    d, game, client = hosted
    kg = act.RequestAssistance("KG", target_body="CSTO", article=4, framing="outside_interference")
    assert game.submit(kg, remote=True).ok
    d.frames(2)
    wire = json.dumps(client.view)
    assert "outside_interference" not in wire and "asks the CSTO" not in wire
    b = game.world.b("CSTO")
    assert d.screen.state.req_stage[0, game.world.a("KG"), b] == 0


def test_the_laptop_has_no_save_load_or_end_in_its_menu(hosted):
    d, game, client = hosted
    d.key(pygame.K_ESCAPE)
    assert d.screen.name == "esc_menu"
    for oid in ("save", "load", "debrief"):
        with pytest.raises(Exception):
            d.element(oid)


def test_the_laptop_shows_the_debrief_when_the_host_ends_the_game(hosted):
    from game.ui.screens.debrief import render_debrief
    d, game, client = hosted
    game.run_to_end()
    d.frames(3)
    assert d.screen.name == "debrief"
    drawn = d.drawn(lambda: render_debrief(d.app.session, d.app.palette, 1200))
    for section in ("HOW EACH ACTOR FARED", "DECISIONS", "WHAT ACTUALLY HAPPENED", "DISCUSSION QUESTIONS"):
        assert section in drawn
    assert "Played by people: Kyrgyzstan, Russia, Kazakhstan." in drawn and "Seed None" not in drawn
    for oid in ("play_again", "what_if", "export_report"):       # the host has the game, its what-ifs and report
        with pytest.raises(AssertionError):
            d.element(oid)
