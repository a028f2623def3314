"""The game server: one authoritative game in simultaneous turns, a seat for each connected client.

``GameHost`` owns the ``Game`` and a ``websockets`` server on asyncio. Every change to the game
happens on the host's event-loop thread; the instructor's window (another thread) calls the public
methods (``end_turn_now``, ``hand_to_ai``, ``hand_over``, ``submit_instructor``, ``status``), which
run there. A client joins a seat with the join code and gets a per-seat secret; with the secret it
can reconnect (also to a host restarted from its autosave). A client acts for its own seat only, and
every message is parsed strictly (game/net/protocol.py): garbage, oversized or forged messages are
refused with a reason and logged, never raised out of the host. The turn resolves when every seat
is ready (or the instructor ends it); every client then gets its new view, and the game is autosaved.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import hashlib
import hmac
import logging
import secrets
import socket
import threading
from dataclasses import dataclass, field
from pathlib import Path

import websockets
from websockets.asyncio.server import serve

from game.engine import actions as act
from game.engine.ai import AIPlayer
from game.net.ai_seat import ai_orders, ai_rng
from game.net.host_save import host_save_text, read_host_save, write_host_save
from game.net.protocol import (CLOSE_RELEASED, CLOSE_REPLACED, DEFAULT_PORT, MAX_CLIENT_MESSAGE_BYTES, ProtocolError,
                               encode, parse_client_message)
from game.net.scenario_text import scenario_text
from game.net.seat_view import report_for, view_fields

log = logging.getLogger("collective_security.net")

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"     # no 0/O or 1/I to misread on a projector
CODE_LENGTH = 6
MAX_FAILED_JOINS = 5                                    # per connection, then it is closed
WAITING_UPDATE_S = 0.05     # the other seats hear who is still to finish at most this late (readies come in bursts)


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def same_code(given: str | None, code: str) -> bool:
    """Whether a typed join code is the host's (case, spaces and dashes do not matter)."""
    typed = "".join(c for c in (given or "").upper() if c.isalnum())
    return hmac.compare_digest(typed.encode(), code.encode())


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def lan_address() -> str:
    """This machine's address on the local network (no packet is sent), or 127.0.0.1."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("10.255.255.255", 1))
        return probe.getsockname()[0]
    except OSError:
        return "127.0.0.1"
    finally:
        probe.close()


@dataclass
class Seat:
    """A networked seat: who holds it (a secret's hash, or the computer) and its live connection."""

    id: str
    secret_sha256: str | None = None
    name: str = ""
    ai: bool = False
    session: "Session | None" = None

    @property
    def free(self) -> bool:
        return self.secret_sha256 is None and not self.ai


@dataclass(eq=False)
class Session:
    """One client connection: what it has joined and its outgoing queue (one writer per connection,
    so a slow laptop never holds up the others)."""

    connection: object
    peer: str
    seat: str | None = None
    failed_joins: int = 0
    outbox: asyncio.Queue = field(default_factory=asyncio.Queue)

    def send(self, text: str) -> None:
        self.outbox.put_nowait(text)


class GameHost:
    """One networked game. Build it with ``new`` or ``resume``; run it with ``start`` (a background
    thread, for a window) or ``serve_until_over`` (asyncio, headless)."""

    def __init__(self, loaded, game, save_path: Path, *, port: int = DEFAULT_PORT, bind: str = "0.0.0.0",
                 network: dict | None = None):
        network = network or {}
        self.loaded, self.game, self.save_path = loaded, game, Path(save_path)
        self.scenario_ref = str(Path(loaded.path).resolve()) if getattr(loaded, "path", None) else game.scenario.id
        self.port, self.bind = int(port), bind
        self.code = network.get("code") or new_code()
        self.seats = {s: Seat(s) for s in game.world.actor_ids if s in game.humans}
        for sid, info in (network.get("seats") or {}).items():
            if sid in self.seats:
                self.seats[sid].secret_sha256, self.seats[sid].name, self.seats[sid].ai = (
                    info["secret_sha256"], info["name"], info["ai"])
        self.listeners: list = []          # called on the host's thread after every change (the window)
        self.finished = threading.Event()  # set when the game is over
        self._text = scenario_text(game.scenario)
        self._ai_players: dict[str, AIPlayer] = {}
        self._sessions: set[Session] = set()
        self._writer = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="autosave")
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread: int | None = None
        self._stop: asyncio.Event | None = None
        self._thread: threading.Thread | None = None
        self._broadcast_due = False
        self.listening = threading.Event()  # set once clients can connect
        self.paused = False                  # the instructor paused: a turn whose seats are all ready waits

    # --- building -----------------------------------------------------------------------------
    @classmethod
    def new(cls, loaded, seed: int, seats, save_path: Path, **kw) -> "GameHost":
        """A new game of ``loaded`` (a LoadedScenario) with ``seats`` played over the network."""
        from game.engine.game import Game
        game = Game(loaded.scenario, seed=seed, humans=tuple(seats), simultaneous=True)
        return cls(loaded, game, save_path, **kw)

    @classmethod
    def resume(cls, save_path: Path, **kw) -> "GameHost":
        """The game of a host's autosave (or any save of a simultaneous game), as it was; SaveError."""
        loaded_game, network = read_host_save(Path(save_path))
        return cls(loaded_game.loaded, loaded_game.game, save_path, network=network, **kw)

    # --- running ------------------------------------------------------------------------------
    @property
    def address(self) -> str:
        """The address clients join, as the instructor reads it out (``ws://192.168.1.20:8765``)."""
        host = lan_address() if self.bind in ("0.0.0.0", "", "::") else self.bind
        return f"ws://{host}:{self.port}"

    async def serve_until_over(self, linger: float = 0.5) -> None:
        """Serve until the game is over (or ``stop``), then let the last messages go out."""
        self._loop, self._loop_thread = asyncio.get_running_loop(), threading.get_ident()
        self._stop = asyncio.Event()
        async with serve(self._connection, self.bind, self.port, max_size=4 * MAX_CLIENT_MESSAGE_BYTES,
                         compression=None, logger=logging.getLogger("collective_security.net.websockets")) as server:
            self.port = server.sockets[0].getsockname()[1]
            self._begin()
            self.listening.set()
            await self._stop.wait()
            await asyncio.sleep(linger if self.game.over else 0)
            for session in list(self._sessions):
                await session.connection.close()
        self._writer.shutdown(wait=True)

    def start(self, timeout: float = 10) -> "GameHost":
        """Serve on a background thread (for the host window); returns once clients can connect."""
        failure: list[BaseException] = []

        def serve_in_thread():
            try:
                asyncio.run(self.serve_until_over(linger=0))
            except Exception as exc:       # e.g. the port is taken: start() raises it
                failure.append(exc)
                self.listening.set()
        self._thread = threading.Thread(target=serve_in_thread, name="game-host", daemon=True)
        self._thread.start()
        if not self.listening.wait(timeout) or failure:
            raise failure[0] if failure else OSError(f"the host could not listen on port {self.port}")
        return self

    def stop(self) -> None:
        """Close every connection and stop serving (the game stays as it is; its autosave is written)."""
        if self._loop is not None and self._stop is not None and not self._loop.is_closed():   # over: closed
            self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(10)

    def _begin(self) -> None:
        log.info("hosting %s: %s, join code %s, seats %s", self.game.scenario.id, self.address, self.code,
                 ", ".join(self.seats))
        self._play_ai_seats()
        if self.game.waiting_for():
            self._autosave()
        else:
            self._resolve()

    # --- the instructor's controls (any thread) -----------------------------------------------
    def end_turn_now(self) -> None:
        """End the turn for every seat (what the seats not ready left open is listed in the news)."""
        self._call(self._resolve, True)

    def hand_to_ai(self, seat: str) -> None:
        """The computer plays ``seat`` from now on (its client, if any, is disconnected)."""
        self._call(self._hand_to_ai, seat)

    def hand_over(self, seat: str) -> None:
        """Free ``seat`` for another client (the next to join it with the code gets a new secret)."""
        self._call(self._hand_over, seat)

    def submit_instructor(self, action: act.Action):
        """An instructor's action (``actor="INSTRUCTOR"``), applied at once; returns the engine's Result."""
        return self._call(self._submit_instructor, action)

    def set_paused(self, paused: bool) -> None:
        """Pause (a turn waits even when every seat is ready) or go on (and run a turn that was waiting)."""
        def apply():
            self.paused = bool(paused)
            if not self.paused:
                self._resolve()
        self._call(apply)

    def sync(self) -> bool:
        """The window's game is this host's own: nothing to apply (a ``HostProcess`` has a mirror to update)."""
        return False

    @property
    def lost(self) -> bool:
        """An in-process host cannot be lost while its window runs (a ``HostProcess``'s child can)."""
        return False

    def connected_seats(self) -> set[str]:
        """The seats whose laptop is connected now (a quick read for the window)."""
        return {s.id for s in list(self.seats.values()) if s.session is not None or s.ai}

    def status(self) -> list[dict]:
        """Each seat: id, name, joined (a secret issued), connected, computer, ready."""
        return self._call(lambda: [{"seat": s.id, "name": s.name, "joined": s.secret_sha256 is not None,
                                    "connected": s.session is not None, "computer": s.ai,
                                    "ready": s.id in self.game.ready} for s in self.seats.values()])

    def _call(self, fn, *args):
        if self._loop is None or self._loop_thread == threading.get_ident() or not self._loop.is_running():
            return fn(*args)

        async def run():
            return fn(*args)
        return asyncio.run_coroutine_threadsafe(run(), self._loop).result(30)

    # --- connections --------------------------------------------------------------------------
    async def _connection(self, connection) -> None:
        peer = "%s:%s" % tuple(connection.remote_address[:2]) if connection.remote_address else "?"
        session = Session(connection, peer)
        self._sessions.add(session)
        writer = asyncio.create_task(self._write(session))
        try:
            async for raw in connection:
                self._handle(session, raw)
        except websockets.ConnectionClosed as exc:
            if exc.sent is not None and exc.sent.code == 1009:
                log.warning("refused a message over %s bytes from %s (connection closed)",
                            4 * MAX_CLIENT_MESSAGE_BYTES, peer)
        except Exception:  # never let one connection take the host down
            log.exception("connection from %s failed", peer)
        finally:
            writer.cancel()
            self._sessions.discard(session)
            self._detach(session)

    async def _write(self, session: Session) -> None:
        try:
            while True:
                await session.connection.send(await session.outbox.get())
        except websockets.ConnectionClosed:
            pass

    def _detach(self, session: Session) -> None:
        seat = self.seats.get(session.seat) if session.seat else None
        if seat is not None and seat.session is session:
            seat.session = None
            log.info("%s (%s) disconnected", seat.id, session.peer)
            self._changed()

    # --- messages -----------------------------------------------------------------------------
    def _handle(self, session: Session, raw) -> None:
        try:
            message = parse_client_message(raw)
        except ProtocolError as exc:
            log.warning("refused a message from %s (%s): %s", session.peer, session.seat or "not joined", exc)
            session.send(encode("error", text=f"Refused: {exc}."))
            return
        try:
            kind = message["type"]
            if kind == "ping":
                session.send(encode("pong"))
            elif kind == "join":
                self._join(session, message)
            elif session.seat is None:
                session.send(encode("error", text="Join a seat first."))
            elif kind == "action":
                self._action(session, message)
            elif kind == "undo":
                self._undo(session, message["id"])
            elif kind == "ready":
                self._ready(session, message["id"])
        except Exception as exc:  # an engine error on odd input: refused, logged, the host goes on
            log.exception("message from %s (%s) failed", session.peer, session.seat)
            session.send(encode("error", text=f"The host could not carry that out ({type(exc).__name__})."))

    def _join(self, session: Session, message: dict) -> None:
        if session.seat is not None:
            session.send(encode("error", text=f"This connection already plays {session.seat}."))
            return
        seat, secret, refusal = self._seat_for(message)
        if refusal:
            session.failed_joins += 1
            log.warning("refused a join from %s: %s", session.peer, refusal)
            session.send(encode("error", text=refusal))
            if session.failed_joins >= MAX_FAILED_JOINS:
                asyncio.get_running_loop().create_task(session.connection.close(1008, "too many failed joins"))
            return
        if seat.session is not None and seat.session is not session:
            old = seat.session
            old.seat = None
            old.send(encode("error", text=f"{seat.id} was taken back with its secret by another connection."))
            asyncio.get_running_loop().create_task(self._close_after_outbox(old, CLOSE_REPLACED, "reconnected elsewhere"))
        new_secret = seat.secret_sha256 is None
        seat.secret_sha256, seat.session, session.seat = _digest(secret), session, seat.id
        if message.get("name"):
            seat.name = message["name"][:100]
        log.info("%s %s from %s%s", seat.id, "joined" if new_secret else "reconnected", session.peer,
                 f" ({seat.name})" if seat.name else "")
        session.send(encode("welcome", seat=seat.id, secret=secret, scenario_text=self._text,
                            scenario_name=self.game.scenario.title,
                            humans=[s for s in self.game.world.actor_ids if s in self.seats]))
        self._send_view(session)
        if self.game.over:
            session.send(self._over_message(seat.id))
        if new_secret:
            self._autosave()
        self._changed()

    def _seat_for(self, message: dict):
        """(seat, secret, None) for a join the host accepts, or (None, None, the reason)."""
        wanted = message["seat"]
        if message["secret"]:
            digest = _digest(message["secret"])
            seat = next((s for s in self.seats.values() if s.secret_sha256 and
                         hmac.compare_digest(s.secret_sha256, digest)), None)
            if seat is None or (wanted and wanted != seat.id):
                return None, None, "That secret does not hold a seat in this game (the instructor may have " \
                                   "handed the seat over): join with the code."
            return seat, message["secret"], None
        if not same_code(message["code"], self.code):
            return None, None, "Wrong join code."
        if wanted is None:
            seat = next((s for s in self.seats.values() if s.free), None)
            if seat is None:
                return None, None, "Every seat of this game is taken."
        elif wanted not in self.seats:
            known = wanted in self.game.world.actor_ids
            return None, None, (f"{wanted} is played by the computer in this game." if known
                                else f"There is no seat {wanted!r} in this game.") + \
                f" Seats: {', '.join(self.seats)}."
        else:
            seat = self.seats[wanted]
            if not seat.free:
                return None, None, f"{wanted} is taken; the instructor can hand it over to you."
        return seat, secrets.token_urlsafe(18), None

    def _action(self, session: Session, message: dict) -> None:
        data, rid = message["action"], message["id"]
        if data.get("actor") != session.seat:
            log.warning("FORGED: %s (%s) sent an action for %r; refused", session.seat, session.peer,
                        data.get("actor"))
            session.send(encode("result", id=rid, ok=False,
                                text=f"Refused: you play {session.seat}, not {data.get('actor')}."))
            return
        try:
            action = act.action_from_dict(data)
        except ValueError as exc:
            session.send(encode("result", id=rid, ok=False, text=f"Refused: {exc}."))
            return
        result = self.game.submit(action, remote=True)
        if result.ok:
            self._send_view(session)
        session.send(encode("result", id=rid, ok=result.ok, text=result.text))

    def _undo(self, session: Session, rid: int) -> None:
        if session.seat in self.game.ready:
            session.send(encode("result", id=rid, ok=False, text="You have ended your turn; wait for the next."))
            return
        ok = self.game.undo(session.seat)
        self._send_view(session)
        session.send(encode("result", id=rid, ok=ok,
                            text="Your last order was taken back." if ok else "There is no order to take back."))

    def _ready(self, session: Session, rid: int) -> None:
        if self.game.over:
            session.send(encode("result", id=rid, ok=False, text="The game is over."))
            return
        self.game.declare_ready(session.seat)
        if self.game.waiting_for():
            self._send_view(session)
            self._broadcast_soon()
        else:
            self._resolve()
        session.send(encode("result", id=rid, ok=True, text="Ready: your orders are in."))   # after the view

    # --- turns --------------------------------------------------------------------------------
    def _resolve(self, force: bool = False) -> None:
        """End the turn (when nobody is waited for, or ``force``), and every next turn that waits for
        nobody; then every client gets its view, and the game is autosaved."""
        if self.game.over:
            return
        if force:
            self._end_one_turn()
        self._resolve_while_nobody_waits()
        self._broadcast_views()
        self._autosave()
        if self.game.over:
            for session in list(self._sessions):
                if session.seat:
                    session.send(self._over_message(session.seat))
            log.info("the game is over")
            self.finished.set()
            if self._stop is not None:
                self._stop.set()

    def _resolve_while_nobody_waits(self) -> None:
        while not self.game.over and not self.game.waiting_for() and not self.paused:
            self._end_one_turn()

    def _end_one_turn(self) -> None:
        rec = self.game.end_turn()
        log.info("turn %s (%s) resolved", rec.turn, rec.date)
        self._play_ai_seats()

    def _play_ai_seats(self) -> None:
        for seat in self.seats.values():
            if seat.ai:
                self._play_for(seat.id)

    def _play_for(self, seat: str) -> None:
        """The computer gives ``seat``'s orders for this turn and declares it ready."""
        g = self.game
        if g.over or seat in g.ready:
            return
        player = self._ai_players.setdefault(seat, AIPlayer(g.world, [seat]))
        for action in ai_orders(g.world, g.state_for(seat).copy(), seat, ai_rng(seat, g.turn, g.seed), player):
            g.submit(action, remote=True)
        g.declare_ready(seat)

    def _hand_to_ai(self, seat_id: str) -> None:
        seat = self._seat(seat_id)
        self._release(seat, "The instructor handed your seat to the computer.")
        seat.ai = True
        log.info("%s handed to the computer", seat_id)
        self._play_for(seat_id)
        if self.game.waiting_for():
            self._broadcast_views()
            self._autosave()
        else:
            self._resolve()

    def _hand_over(self, seat_id: str) -> None:
        seat = self._seat(seat_id)
        self._release(seat, "The instructor handed your seat to another client.")
        seat.ai = False
        log.info("%s is free for another client", seat_id)
        self._autosave()
        self._changed()

    def _release(self, seat: Seat, why: str) -> None:
        seat.secret_sha256 = None
        if seat.session is not None:
            session, seat.session = seat.session, None
            session.seat = None
            session.send(encode("error", text=why))
            asyncio.get_running_loop().create_task(self._close_after_outbox(session, CLOSE_RELEASED, why))

    async def _close_after_outbox(self, session: Session, code: int, why: str) -> None:
        while not session.outbox.empty():
            await asyncio.sleep(0.01)
        await session.connection.close(code, why[:120])

    def _submit_instructor(self, action: act.Action):
        result = self.game.submit(action)
        if result.ok:
            self._broadcast_views()
            self._autosave()
        return result

    def _seat(self, seat_id: str) -> Seat:
        if seat_id not in self.seats:
            raise ValueError(f"there is no networked seat {seat_id!r} (seats: {', '.join(self.seats)})")
        return self.seats[seat_id]

    # --- sending and saving -------------------------------------------------------------------
    def _send_view(self, session: Session) -> None:
        session.send(encode("view", **view_fields(self.game, session.seat)))

    def _broadcast_soon(self) -> None:
        """Every client's view, shortly (one broadcast for a burst of changes)."""
        if not self._broadcast_due:
            self._broadcast_due = True
            self._loop.call_later(WAITING_UPDATE_S, self._broadcast_if_due)

    def _broadcast_if_due(self) -> None:
        if self._broadcast_due:
            self._broadcast_views()

    def _broadcast_views(self) -> None:
        self._broadcast_due = False
        for session in list(self._sessions):
            if session.seat:
                self._send_view(session)
        self._changed()

    def _over_message(self, seat: str) -> str:
        from game.cli import run_report
        return encode("over", report=report_for(run_report(self.game), seat))

    def network_part(self) -> dict:
        return {"code": self.code, "seats": {s.id: {"secret_sha256": s.secret_sha256, "name": s.name, "ai": s.ai}
                                             for s in self.seats.values()}}

    def _autosave(self) -> None:
        """Autosave once the views queued now have gone out (the views come first)."""
        if self._loop is not None and self._loop.is_running() and self._loop_thread == threading.get_ident():
            self._loop.call_soon(self._write_autosave)
        else:
            self._write_autosave()

    def _write_autosave(self) -> None:
        """Write the autosave off the event loop (one writer, in order); a failure is logged."""
        text = host_save_text(self.game, self.scenario_ref, self.network_part())

        def write():
            try:
                write_host_save(self.save_path, text)
            except OSError as exc:
                log.error("could not autosave to %s: %s", self.save_path, exc)
        try:
            self._writer.submit(write)
        except RuntimeError:       # the host has stopped serving: write now
            write()

    def _changed(self) -> None:
        tell_listeners(self)


def tell_listeners(host) -> None:
    """Call each of ``host.listeners`` with the host (the window); one that fails is logged, the rest still run."""
    for listener in list(host.listeners):
        try:
            listener(host)
        except Exception:
            log.exception("a host listener failed")
