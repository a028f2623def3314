"""The two windows of a network game, over real sockets on localhost: the host's window is the public
view (who has ended the turn, never what they did; the join address and code; End turn for every seat;
the instructor's console acting through the host), and a laptop's window is one seat's game screen.
Each test runs with the host in the window's process (a thread) and, as `python main.py host` runs it,
in a process of its own beside the window (``HostProcess``: the window holds a mirror of the game)."""
from __future__ import annotations

import time

import pygame
import pytest

from game.engine.menu import menu_for
from game.net.client import SeatClient
from game.net.host import GameHost
from game.net.host_process import HostProcess
from game.net.latency import free_port
from game.scenario.loader import load_scenario
from tests.ui_driver import Driver

REQUEST = {"kind": "request_assistance", "actor": "KG", "target_body": "CSTO", "article": 4,
           "framing": "outside_interference"}


def _wait(condition, d: Driver | None = None, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        if d is not None:
            d.frames(1)
        time.sleep(0.01)


@pytest.fixture(params=["thread", "process"])
def host(tmp_path, request):
    h = GameHost.new(load_scenario("kyrgyzstan_2010"), 3, ("KG", "RU"), tmp_path / "net.json",
                     port=free_port(), bind="127.0.0.1")
    h = h.start() if request.param == "thread" else HostProcess(h).start()
    yield h
    h.stop()


def _game(h):
    """The host's game as the window sees it (a host in its own process: the mirror, brought up to date)."""
    h.sync()
    return h.game


def _computer_plays(h, seat: str) -> bool:
    return any(s["seat"] == seat and s["computer"] for s in h.status())


def _join(h, seat: str) -> SeatClient:
    return SeatClient.connect(f"127.0.0.1:{h.port}", seat=seat, code=h.code, timeout=5)


def test_the_host_window_is_the_public_view_and_ends_the_turn_for_every_seat(host):
    kg = _join(host, "KG")
    try:
        d = Driver()
        d.app.start_host(host)
        d.frames(2)
        gs = d.screen
        assert gs.public and d.app.session.actor is None
        assert kg.send_action(REQUEST)[0] and kg.ready()[0]
        _wait(lambda: "KG" in _game(host).ready, d)
        d.frames(3)
        assert "Kyrgyzstan: turn ended" in [r.args[1] for r in gs.actions.rows]
        assert "asks the CSTO" not in gs.news.box.html_text, "the order stays private until the turn resolves"
        widgets_log = []
        import game.ui.widgets as widgets
        widgets.TEXT_LOG = widgets_log
        try:
            d.frames(1)
        finally:
            widgets.TEXT_LOG = None
        assert any(f"code {host.code}" in t for t in widgets_log), "the join address and code are on the screen"
        d.key(pygame.K_RETURN)
        assert d.screen.name == "confirm" and "Still deciding: Russia" in d.screen.body
        d.click("confirm")
        _wait(lambda: _game(host).turn == 2)
        d.frames(3)
        assert "asks the CSTO" in d.screen.news.box.html_text
        _wait(lambda: kg.view and kg.view["turn"] == 2)
    finally:
        kg.close()


def test_the_instructors_console_in_the_host_window_acts_through_the_host(host):
    kg = _join(host, "KG")
    try:
        d = Driver()
        d.app.start_host(host)
        d.key(pygame.K_F9)
        assert d.screen.name == "instructor"
        d.screen.news_entry.set_text("Uzbekistan closes the border tonight")
        d.click("publish")
        _wait(lambda: any("closes the border tonight" in n["text"] for n in (kg.view or {}).get("news", [])))
        d.click("pause")
        _wait(lambda: host.paused)
        kg.ready()
        rus = _join(host, "RU")
        rus.ready()
        time.sleep(0.3)
        assert _game(host).turn == 1, "a paused host runs no turn, even with every seat ready"
        d.click("pause")
        _wait(lambda: _game(host).turn == 2)
        rus.close()
    finally:
        kg.close()


def test_a_laptop_window_plays_its_seat_on_the_host(host):
    client = _join(host, "RU")
    try:
        d = Driver()
        d.app.start_remote(client, client.scenario())
        d.frames(2)
        gs = d.screen
        item = next(i for i in menu_for(gs.world, gs.state, "RU") if i.allowed and i.action.kind == "public_statement")
        gs.submit(item)
        d.end_turn(None)
        _wait(lambda: "RU" in _game(host).ready)
        host.end_turn_now()
        _wait(lambda: gs.game.turn == 2, d)
        assert any(e["action"]["actor"] == "RU" and e["action"]["kind"] == "public_statement" and e["by"] == "remote"
                   for e in _game(host).log), "the laptop's order reached the host and was carried out"
        assert d.screen.name == "game" and d.element("end_turn").is_enabled
    finally:
        client.close()


def test_the_host_window_gives_a_seat_to_the_computer_or_frees_it(host):
    kg = _join(host, "KG")
    try:
        d = Driver()
        d.app.start_host(host)
        d.frames(2)
        d.click("seat_ai_RU")
        _wait(lambda: _computer_plays(host, "RU"))
        d.click("seat_free_KG")
        _wait(lambda: kg.stopped)
        again = _join(host, "KG")
        assert again.seat == "KG"
        again.close()
    finally:
        kg.close()


def test_a_laptop_whose_seat_is_given_away_says_so(host):
    kg = _join(host, "KG")
    try:
        laptop = Driver()
        laptop.app.start_remote(kg, kg.scenario())
        laptop.frames(2)
        host.hand_over("KG")
        _wait(lambda: kg.stopped)
        laptop.frames(2)
        assert laptop.screen.name == "message" and "left the game" in laptop.screen.title
    finally:
        kg.close()
