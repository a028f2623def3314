"""The network host in a process of its own, for the instructor's window.

A turn on the host is real work (the computer's seats, the councils, six seats' views, the autosave).
In the window's process it would hold Python's interpreter lock while the map pans, so frames would
stall. ``HostProcess`` runs the ``GameHost`` in a child process and keeps, in the window's process,
a mirror of the game: after every change the child sends a snapshot of the game (pickled, the world
only when it changed), and the window's thread applies it when it next draws (``sync``). The window
reads the mirror exactly as it read the in-process host's game; its commands (end the turn, a seat to
the computer, an instructor's action, pause) go to the child and return once the child's snapshot of
their effect has arrived. The child resumes the game from the host's autosave, so the window's
process and the child start from the same file.
"""
from __future__ import annotations

import copy
import itertools
import logging
import multiprocessing
import os
import pickle
import threading
from pathlib import Path

log = logging.getLogger("collective_security.net")

_MIRROR_SKIPS = ("world", "scenario", "ai")    # sent apart (the world) or kept in the window (the rest)
HOST_NICENESS = 5                               # judgement: the projector's frames come before a turn's work


class HostStopped(RuntimeError):
    """The host process has ended (the game is over and it was stopped, or it crashed)."""


# --- the child -------------------------------------------------------------------------------
def _serve_in_child(conn, save_path: str, port: int, bind: str, log_level: int) -> None:
    """The child process: resume the host from its autosave, serve, answer the window's calls; it logs
    to stderr at the window's level."""
    from game.net.host import GameHost
    from game.net_cli import _log_to_stderr
    _log_to_stderr()
    log.setLevel(log_level)
    lower_priority(HOST_NICENESS)
    sender = _SnapshotSender(conn)
    try:
        host = GameHost.resume(Path(save_path), port=port, bind=bind)
        host.listeners.append(sender.send_game)
        host.start()
    except Exception as exc:             # a port in use, an unreadable save: the window says it
        conn.send(("failed", f"{exc.strerror or exc}" if isinstance(exc, OSError) else str(exc)))
        return
    sender.send(("started", {"port": host.port, "code": host.code, "address": host.address}))
    host._call(sender.send_game, host)     # the first snapshot, taken on the host's thread like the others
    try:
        while True:
            try:
                message = conn.recv()
            except (EOFError, OSError):   # the window's process has gone: stop serving
                break
            if message[0] == "stop":
                break
            _, rid, name, args = message
            try:
                value = getattr(host, name)(*args)
                sender.send(("reply", rid, True, value))
            except Exception as exc:     # refused by the host (an unknown seat): the window gets the reason
                sender.send(("reply", rid, False, f"{type(exc).__name__}: {exc}"))
    finally:
        host.stop()
        try:
            sender.send(("stopped",))
        except (OSError, ValueError):
            pass


def lower_priority(by: int) -> None:
    """Run this process ``by`` steps below its parent's priority (the host: a turn's work then waits a
    moment for a frame, never the frame for the turn; a turn still reaches the laptops in well under the
    100 ms the network allows). Where the system has no ``nice`` or refuses it, nothing changes."""
    try:
        os.nice(by)
    except (AttributeError, OSError):
        pass


class _SnapshotSender:
    """Sends messages to the window from any of the child's threads, one at a time."""

    def __init__(self, conn):
        self.conn = conn
        self.lock = threading.Lock()
        self.world_key = None

    def send(self, message) -> None:
        with self.lock:
            self.conn.send(message)

    def send_game(self, host) -> None:
        """A snapshot of the host's game (on the host's thread, where the game changes)."""
        game = host.game
        world_key = (id(game.world), tuple(id(v) for v in vars(game.world).values()))
        world = None
        if world_key != self.world_key:            # the instructor changed an interest, a tie, a border
            world = pickle.dumps(game.world, protocol=pickle.HIGHEST_PROTOCOL)
            self.world_key = world_key
        bare = copy.copy(game)
        for name in _MIRROR_SKIPS:
            setattr(bare, name, None)
        meta = {"paused": host.paused, "finished": host.finished.is_set() or game.over,
                "connected": sorted(host.connected_seats()), "status": host.status()}
        self.send(("game", pickle.dumps(bare, protocol=pickle.HIGHEST_PROTOCOL), world, meta))


# --- the window's side -----------------------------------------------------------------------
class HostProcess:
    """The instructor window's handle on a host served by a child process; the same surface the window
    uses of an in-process ``GameHost`` (``game``, ``address``, ``code``, ``listeners``, the controls)."""

    def __init__(self, host):
        """``host``: a built, not started ``GameHost`` (its game becomes the window's mirror)."""
        self.loaded, self.game, self.save_path = host.loaded, host.game, host.save_path
        self.scenario_ref, self.seats = host.scenario_ref, dict(host.seats)
        self.port, self.bind, self.code = host.port, host.bind, host.code
        self._host = host
        self.listeners: list = []            # called on the reader thread after every change (the window)
        self.finished = threading.Event()
        self.paused = False
        self._connected: set[str] = set()
        self._status: list[dict] = []
        self.address = ""                    # ws://host:port, once the child listens
        self._pending = None                 # the newest snapshot not yet applied: (game, world or None)
        self._lock = threading.Lock()
        self._replies: dict[int, list] = {}
        self._ids = itertools.count(1)
        self._conn = self._process = self._reader = None
        self.stopped = threading.Event()
        self._stopping = False

    # --- starting and stopping ----------------------------------------------------------------
    def start(self, timeout: float = 30) -> "HostProcess":
        """Write the autosave, start the child on it and wait until clients can connect (OSError if the
        child cannot serve, with its reason)."""
        from game.net.host_save import host_save_text, write_host_save
        write_host_save(self.save_path, host_save_text(self.game, self.scenario_ref, self._host.network_part()))
        ctx = multiprocessing.get_context("spawn")      # never fork a process that holds a window
        self._conn, child = ctx.Pipe()
        args = (child, str(self.save_path), self.port, self.bind, log.getEffectiveLevel())
        self._process = ctx.Process(target=_serve_in_child, args=args, name="collective-security-host", daemon=True)
        self._process.start()
        child.close()
        while True:
            if not self._conn.poll(timeout):
                self._process.kill()
                raise OSError(f"the game host did not start within {timeout:g} s")
            try:
                message = self._conn.recv()
            except EOFError:
                raise OSError("the game host stopped while starting") from None
            if message[0] == "failed":
                self._process.join(5)
                raise OSError(message[1])
            if message[0] == "game":
                self._take(message)
            elif message[0] == "started":
                info = message[1]
                self.port, self.code, self.address = info["port"], info["code"], info["address"]
                break
        self._reader = threading.Thread(target=self._read, name="host-reader", daemon=True)
        self._reader.start()
        return self

    def stop(self) -> None:
        """Stop the host (its autosave is written) and wait for the child to end."""
        if self._process is None:
            return
        self._stopping = True
        try:
            self._conn.send(("stop",))
        except (OSError, ValueError):
            pass
        self._process.join(10)
        if self._process.is_alive():
            self._process.kill()
            self._process.join(5)
        self.stopped.set()

    # --- what the window reads ----------------------------------------------------------------
    def sync(self) -> bool:
        """Apply the newest snapshot to the window's game (on the window's thread); True if there was one."""
        with self._lock:
            pending, self._pending = self._pending, None
        if pending is None:
            return False
        game_bytes, world_bytes = pending
        fresh = pickle.loads(game_bytes)
        humans_before, world_changed = self.game.humans, world_bytes is not None
        if world_changed:
            vars(self.game.world).update(vars(pickle.loads(world_bytes)))
        for name, value in vars(fresh).items():
            if name not in _MIRROR_SKIPS:
                setattr(self.game, name, value)
        if world_changed or self.game.humans != humans_before:
            from game.engine.ai import AIPlayer
            w = self.game.world
            self.game.ai = AIPlayer(w, [a for a in w.actor_ids if a not in self.game.humans])
        return True

    def connected_seats(self) -> set[str]:
        return set(self._connected)

    def status(self) -> list[dict]:
        return [dict(s) for s in self._status]

    # --- the instructor's controls ------------------------------------------------------------
    @property
    def lost(self) -> bool:
        """The host process ended without being stopped, before the game was over (the window says so)."""
        return self.stopped.is_set() and not self._stopping and not self.finished.is_set()

    def end_turn_now(self) -> None:
        self._command("end_turn_now")

    def hand_to_ai(self, seat: str) -> None:
        self._command("hand_to_ai", seat)

    def hand_over(self, seat: str) -> None:
        self._command("hand_over", seat)

    def submit_instructor(self, action):
        from game.engine.game import Result
        try:
            return self._call("submit_instructor", action)
        except HostStopped as exc:
            return Result(False, f"Not applied: {exc}.")

    def set_paused(self, paused: bool) -> None:
        self.paused = bool(paused)
        self._command("set_paused", bool(paused))

    def _command(self, name: str, *args) -> None:
        """A control whose effect the window reads in its game; with the host gone it does nothing (the
        window has said why: ``lost``)."""
        try:
            self._call(name, *args)
        except HostStopped as exc:
            log.error("%s: %s", name, exc)

    def _call(self, name: str, *args):
        """Run a host method in the child; returns once its effect is in the window's game."""
        if self.stopped.is_set() or self._conn is None:
            raise HostStopped("the game host has stopped")
        rid = next(self._ids)
        waiter = self._replies[rid] = [threading.Event(), None]
        self._conn.send(("call", rid, name, args))
        if not waiter[0].wait(60) or waiter[1] is None:
            self._replies.pop(rid, None)
            raise HostStopped("the game host did not answer")
        ok, value = waiter[1]
        self.sync()
        if not ok:
            raise ValueError(value)
        return value

    # --- the reader thread --------------------------------------------------------------------
    def _read(self) -> None:
        while True:
            try:
                message = self._conn.recv()
            except (EOFError, OSError):
                break
            kind = message[0]
            if kind == "game":
                self._take(message)
                self._notify()
            elif kind == "reply":
                waiter = self._replies.pop(message[1], None)
                if waiter is not None:
                    waiter[1] = (message[2], message[3])
                    waiter[0].set()
            elif kind == "stopped":
                break
        self.stopped.set()
        for waiter in list(self._replies.values()):
            waiter[0].set()
        if not self.finished.is_set() and not self._stopping:
            log.warning("the game host process has ended")
            self._notify()

    def _take(self, message) -> None:
        _, game_bytes, world_bytes, meta = message
        with self._lock:
            if self._pending is not None and world_bytes is None:
                world_bytes = self._pending[1]              # a world change not yet applied stays
            self._pending = (game_bytes, world_bytes)
        self._connected, self._status = set(meta["connected"]), meta["status"]
        self.paused = meta["paused"]
        if meta["finished"]:
            self.finished.set()

    def _notify(self) -> None:
        from game.net.host import tell_listeners
        tell_listeners(self)
