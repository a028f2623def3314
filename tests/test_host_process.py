"""The network host in a process of its own (``HostProcess``, as `python main.py host` runs it): the turns
run beside the window, and the window's game is a faithful mirror of the host's."""
from __future__ import annotations

import os
import socket
import time

import pytest

from game.cli import run_report
from game.engine.actions import InstructorTie
from game.net.client import SeatClient
from game.net.host import GameHost
from game.net.host_process import HostProcess, HostStopped
from game.net.latency import free_port
from game.saving import load_game
from game.scenario.loader import load_scenario


def _new(tmp_path, port=None) -> GameHost:
    return GameHost.new(load_scenario("kyrgyzstan_2010"), 5, ("KG", "RU"), tmp_path / "net.json",
                        port=port or free_port(), bind="127.0.0.1")


def _wait(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_the_host_serves_from_another_process_and_the_window_keeps_its_game_object(tmp_path):
    """The window's process keeps one game object (the screens hold it); the child's snapshots update
    it in place when the window syncs, and a laptop's Ready reaches it."""
    built = _new(tmp_path)
    mirror = built.game
    host = HostProcess(built).start()
    kg = SeatClient.connect(f"127.0.0.1:{host.port}", seat="KG", code=host.code, timeout=5)
    try:
        assert host._process.pid != os.getpid() and host._process.is_alive()
        assert host.address == f"ws://127.0.0.1:{host.port}" and len(host.code) == 6
        _wait(lambda: host.connected_seats() == {"KG"})
        assert kg.ready()[0]
        _wait(lambda: (host.sync(), "KG" in host.game.ready)[1])
        assert host.game is mirror and host.game.waiting_for() == ["RU"]
        assert [s["seat"] for s in host.status() if s["ready"]] == ["KG"]
    finally:
        kg.close()
        host.stop()
    assert not host._process.is_alive(), "stop ends the child"


def test_the_mirror_equals_the_hosts_game_to_the_end(tmp_path):
    """Every turn ended from the window: the window's game at the end reports exactly what the host's
    autosave replays (seed, actions, outcomes)."""
    host = HostProcess(_new(tmp_path)).start()
    try:
        while not host.game.over:
            turn = host.game.turn
            host.end_turn_now()
            assert host.game.turn == turn + 1 or host.game.over, "the call returns with its effect in the window"
        assert host.finished.is_set()
    finally:
        host.stop()
    mirrored, saved = run_report(host.game), run_report(load_game(tmp_path / "net.json").game)
    assert mirrored == saved and mirrored["turns_played"] == 21 and mirrored["decisions"]


def test_an_instructors_change_to_the_world_reaches_the_window(tmp_path):
    """InstructorTie changes the world: the window's world object takes the new ties (and the
    computer players in the window's game read them)."""
    host = HostProcess(_new(tmp_path)).start()
    try:
        world = host.game.world
        w = world
        result = host.submit_instructor(InstructorTie(actor="INSTRUCTOR", of="RU", towards="KG", value=-0.5))
        assert result.ok, result.text
        assert host.game.world is world and w.ties[w.a("RU"), w.a("KG")] == pytest.approx(-0.5)
        assert host.game.ai.world is world
    finally:
        host.stop()


def test_a_refused_call_gives_its_reason_and_the_host_goes_on(tmp_path):
    host = HostProcess(_new(tmp_path)).start()
    try:
        with pytest.raises(ValueError, match="no networked seat 'XX'"):
            host.hand_to_ai("XX")
        host.end_turn_now()
        assert host.game.turn == 2
    finally:
        host.stop()
    host.end_turn_now()                 # the host has stopped: nothing happens, nothing is raised into the window
    assert host.game.turn == 2 and not host.lost
    assert not host.submit_instructor(InstructorTie(actor="INSTRUCTOR", of="RU", towards="KG", value=0.1)).ok
    with pytest.raises(HostStopped):
        host._call("end_turn_now")


def test_a_host_process_that_dies_is_reported_in_the_window_without_a_traceback(tmp_path):
    """The child killed mid-game: the window says the host stopped and how to resume from the autosave;
    the controls do nothing rather than fail."""
    from tests.ui_driver import Driver
    host = HostProcess(_new(tmp_path)).start()
    try:
        d = Driver()
        d.app.start_host(host)
        d.frames(2)
        host._process.kill()
        _wait(lambda: host.lost)
        d.frames(2)
        assert d.screen.name == "message" and "host has stopped" in d.screen.title
        assert f"host --resume {tmp_path / 'net.json'}" in d.screen.body
        host.end_turn_now()
        host.hand_to_ai("RU")
        assert host.game.turn == 1
    finally:
        host.stop()
    assert load_game(tmp_path / "net.json").game.turn == 1, "the autosave is there to resume"


def test_a_port_in_use_is_refused_with_its_reason(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(OSError, match="address already in use|in use"):
            HostProcess(_new(tmp_path, port)).start()
