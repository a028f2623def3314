"""How fast a resolved turn reaches the clients: a host and six clients on localhost (for `bench` and
the tests). The clock runs from the last seat's ``ready`` to the moment the last client holds the
new turn's view."""
from __future__ import annotations

import socket
import statistics
import tempfile
import time
from pathlib import Path

SIX_SEATS = ("KG", "UZ", "RU", "KZ", "TJ", "CSTO_SEC")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def measure_turn_latency(turns: int = 5, scenario: str = "kyrgyzstan_2010", seats=SIX_SEATS) -> dict:
    """Median and worst milliseconds from the last ``ready`` to every client's new view."""
    from game.net.client import SeatClient
    from game.net.host import GameHost
    from game.scenario.loader import load_scenario
    with tempfile.TemporaryDirectory() as folder:
        host = GameHost.new(load_scenario(scenario), 1, seats, Path(folder) / "net.json",
                            port=free_port(), bind="127.0.0.1").start()
        clients = [SeatClient.connect(f"127.0.0.1:{host.port}", seat=s, code=host.code) for s in seats]
        try:
            samples = [_one_turn(clients) for _ in range(turns)]
        finally:
            for c in clients:
                c.close()
            host.stop()
    return {"median_ms": 1000 * statistics.median(samples), "max_ms": 1000 * max(samples), "turns": turns,
            "clients": len(seats)}


def _one_turn(clients, timeout: float = 10.0) -> float:
    """Every seat but the last declares ready (and every client hears of it); the clock runs from the
    last seat's ready to the last client's view of the next turn."""
    turn, last = clients[0].view["turn"], clients[-1].seat
    for c in clients[:-1]:
        c.ready()
    _wait_until(lambda: all(c.view["waiting_for"] == [last] for c in clients), timeout)
    start = time.perf_counter()
    clients[-1].ready()
    _wait_until(lambda: all(c.view["turn"] > turn for c in clients), timeout)
    return max(c.view_received_at for c in clients) - start


def _wait_until(condition, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the clients did not get the host's views in time")
        time.sleep(0.001)
