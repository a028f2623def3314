"""A seat's client: a synchronous facade over a WebSocket connection to the host, for a frame loop.

``SeatClient.connect`` joins a seat and returns once the host has welcomed it. The connection lives
on a background thread (asyncio + websockets); the frame loop reads ``view`` (the latest view the
host sent) and calls ``poll()`` to learn whether a new one arrived. Requests (``send_action``,
``undo``, ``ready``) wait for the host's answer up to a timeout. When the connection drops, the
client reconnects by itself with its secret and gets its seat back (``connected`` is False
meanwhile); it stops when the host refuses the seat (``error`` says why), at the end of the game
(``report``) or at ``close()``. Every message from the host is parsed strictly, and the scenario
text through the project's safe loader (``world()``).
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import itertools
import logging
import threading
import time

import websockets
from websockets.asyncio.client import connect as ws_connect

from game.net.protocol import (CLOSE_RELEASED, CLOSE_REPLACED, MAX_HOST_MESSAGE_BYTES, ProtocolError, encode,
                               parse_host_message)

log = logging.getLogger("collective_security.net.client")

RETRY_FIRST_S, RETRY_MAX_S = 0.1, 2.0


class JoinRefused(ConnectionError):
    """The host refused to seat this client; ``str(exc)`` is its reason."""


class SeatClient:
    """One seat of a networked game, as its player's program sees it."""

    def __init__(self, address: str, seat: str | None = None, code: str | None = None,
                 secret: str | None = None, name: str | None = None):
        self.address = address if "://" in address else f"ws://{address}"
        self.seat, self.code, self.secret, self.name = seat, code, secret, name
        self.scenario_text: str | None = None
        self.scenario_name: str | None = None
        self.humans: list[str] = []
        self.view: dict | None = None          # the latest view from the host
        self.view_received_at = 0.0            # time.perf_counter() when it arrived
        self.report: dict | None = None        # the game's report, once it is over
        self.error: str | None = None          # the last refusal or error from the host
        self.connected = False
        self._fresh = False
        self._changed = threading.Condition()
        self._pending: dict[int, concurrent.futures.Future] = {}
        self._ids = itertools.count(1)
        self._welcomed = threading.Event()
        self._stopped = threading.Event()      # no more reconnecting
        self._scenario = self._world = None
        self._ws = None
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._thread_main, name=f"seat-client-{seat or 'any'}", daemon=True)

    @classmethod
    def connect(cls, address: str, seat: str | None = None, code: str | None = None, secret: str | None = None,
                timeout: float = 5, name: str | None = None) -> "SeatClient":
        """Join ``seat`` (any free seat when None) with the join ``code``, or take a seat back with its
        ``secret``; returns with the seat's first view. Raises ``JoinRefused`` (the host's reason) or ``TimeoutError`` (no host answered)."""
        client = cls(address, seat, code, secret, name)
        client._thread.start()
        deadline = time.monotonic() + timeout
        while not client._welcomed.wait(0.02):
            if client._stopped.is_set() or time.monotonic() > deadline:
                client.close()
                if client.error:
                    raise JoinRefused(client.error)
                raise TimeoutError(f"no game host answered at {client.address} within {timeout:g} s")
        return client

    # --- the frame loop's calls ---------------------------------------------------------------
    def poll(self) -> bool:
        """True when a new view arrived since the last poll."""
        with self._changed:
            fresh, self._fresh = self._fresh, False
            return fresh

    def wait_for_view(self, timeout: float) -> bool:
        """Block until a new view arrives (True) or ``timeout`` passes (False); consumes it like ``poll``."""
        with self._changed:
            self._changed.wait_for(lambda: self._fresh or self._stopped.is_set(), timeout)
            fresh, self._fresh = self._fresh, False
            return fresh

    def send_action(self, action_dict: dict, timeout: float = 2) -> tuple[bool, str]:
        """Give an order (an action's ``to_dict()``); (ok, the host's text)."""
        return self._request("action", timeout, action=action_dict)

    def undo(self, timeout: float = 2) -> tuple[bool, str]:
        """Take back this seat's last order of the turn."""
        return self._request("undo", timeout)

    def ready(self, timeout: float = 2) -> tuple[bool, str]:
        """This seat has finished its orders for the turn."""
        return self._request("ready", timeout)

    def scenario(self):
        """The game's validated scenario, read safely from the text the host sent (ScenarioTextError)."""
        if self._scenario is None:
            from game.net.scenario_text import scenario_from_text
            self._scenario = scenario_from_text(self.scenario_text).scenario
        return self._scenario

    def world(self):
        """The engine's World of the game's scenario (see ``scenario``)."""
        if self._world is None:
            from game.engine.world import build_world
            self._world = build_world(self.scenario())
        return self._world

    @property
    def stopped(self) -> bool:
        """True once the client no longer talks to the host (closed, refused, or the game is over)."""
        return self._stopped.is_set()

    def close(self) -> None:
        """Leave the game (the seat stays yours: reconnect with ``secret``)."""
        self._stopped.set()
        if self._loop.is_running():
            self._loop.call_soon_threadsafe(self._wake)
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(5)

    # --- requests -----------------------------------------------------------------------------
    def _request(self, kind: str, timeout: float, **fields) -> tuple[bool, str]:
        if not self.connected:
            return False, "Not connected to the host (reconnecting)."
        rid = next(self._ids)
        answer: concurrent.futures.Future = concurrent.futures.Future()
        self._pending[rid] = answer
        self._loop.call_soon_threadsafe(self._send_now, encode(kind, id=rid, **fields), answer)
        try:
            message = answer.result(timeout)
            return message["ok"], message["text"]
        except concurrent.futures.TimeoutError:
            return False, "The host did not answer in time."
        except ConnectionError as exc:
            return False, str(exc)
        finally:
            self._pending.pop(rid, None)

    def _send_now(self, text: str, answer: concurrent.futures.Future) -> None:
        ws = self._ws
        if ws is None:
            _settle(answer, ConnectionError("Not connected to the host (reconnecting)."))
            return
        task = self._loop.create_task(ws.send(text))
        task.add_done_callback(lambda t: t.cancelled() or t.exception() is None or _settle(
            answer, ConnectionError("The connection to the host was lost.")))

    # --- the connection thread ----------------------------------------------------------------
    def _wake(self) -> None:
        if self._ws is not None:
            self._loop.create_task(self._ws.close())

    def _thread_main(self) -> None:
        try:
            self._loop.run_until_complete(self._run())
        finally:
            self._loop.close()

    async def _run(self) -> None:
        delay = RETRY_FIRST_S
        while not self._stopped.is_set():
            if await self._session():
                delay = RETRY_FIRST_S
            if not self._stopped.is_set():
                await asyncio.sleep(delay)
                delay = min(delay * 2, RETRY_MAX_S)
        with self._changed:
            self._changed.notify_all()

    async def _session(self) -> bool:
        """One connection, from the join to its end; True when the host seated this client."""
        seated, ws = False, None
        try:
            async with ws_connect(self.address, max_size=MAX_HOST_MESSAGE_BYTES, open_timeout=5,
                                  compression=None, close_timeout=1) as ws:
                self._ws = ws
                await ws.send(encode("join", seat=self.seat, code=self.code, secret=self.secret, name=self.name))
                async for raw in ws:
                    seated = self._receive(raw) or seated
                    if self._stopped.is_set():
                        break
        except (OSError, asyncio.TimeoutError, websockets.WebSocketException) as exc:
            log.debug("connection to %s: %s", self.address, exc)
        finally:
            self._ws, self.connected = None, False
            for answer in list(self._pending.values()):
                _settle(answer, ConnectionError("The connection to the host was lost."))
        if ws is not None and ws.close_code in (CLOSE_REPLACED, CLOSE_RELEASED):
            self._refused(self.error or ws.close_reason or "the host gave this seat to someone else")
        return seated

    def _receive(self, raw) -> bool:
        """Take one message from the host; True when it seated this client."""
        try:
            message = parse_host_message(raw)
        except ProtocolError as exc:
            log.warning("ignored a message from the host: %s", exc)
            return False
        kind = message["type"]
        if kind == "welcome":
            if self.seat not in (None, message["seat"]):
                self._refused(f"the host seated this client as {message['seat']}, not {self.seat}")
                return False
            self.seat, self.secret = message["seat"], message["secret"]
            self.scenario_text, self.scenario_name = message["scenario_text"], message["scenario_name"]
            self.humans, self.connected, self.error = message["humans"], True, None
            return True
        if kind == "view":
            with self._changed:
                self.view = {k: v for k, v in message.items() if k not in ("v", "type")}
                self.view_received_at = time.perf_counter()
                self._fresh = True
                self._changed.notify_all()
            self._welcomed.set()             # connect() returns with the first view in hand
        elif kind == "result":
            answer = self._pending.get(message["id"])
            if answer is not None:
                _settle(answer, message)
        elif kind == "error":
            if self.connected:
                self.error = message["text"]
            else:
                self._refused(message["text"])
        elif kind == "over":
            with self._changed:
                self.report = message["report"]
                self._changed.notify_all()
            self._stopped.set()
        return False

    def _refused(self, reason: str) -> None:
        """The host will not seat this client: stop for good."""
        self.error = reason
        self._stopped.set()
        with self._changed:
            self._changed.notify_all()


def _settle(answer: concurrent.futures.Future, outcome) -> bool:
    """Give a pending request its answer (or its error), once."""
    if not answer.done():
        if isinstance(outcome, BaseException):
            answer.set_exception(outcome)
        else:
            answer.set_result(outcome)
    return True
