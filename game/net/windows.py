"""The two windows of a networked game, on the host's and the client's APIs.

``open_host_window(host)``: the instructor's window on the projector: the public view (what every seat
may see, who has ended the turn), the join address and code, End turn for every seat, and the
instructor's console (F9). ``open_client_window(client)``: one seat's game screen, driven by a
``SeatClient``: the same screens as a local game, drawn from the host's view of that seat.
"""
from __future__ import annotations

import sys


class WindowNotBuilt(RuntimeError):
    """No window can be opened here (no display); ``str(exc)`` says what to use instead."""


def window_problem() -> str | None:
    """Why no window can be opened here (no display), or None."""
    from game.ui.app import _no_display
    return _no_display()


def _app():
    from game.ui.app import App
    problem = window_problem()
    if problem:
        raise WindowNotBuilt(problem)
    return App()


def open_host_window(host) -> int:
    """Show the instructor's host window for a started ``GameHost``; returns the exit status."""
    try:
        app = _app()
        app.start_host(host)
        return app.run()
    finally:
        host.stop()


def open_client_window(client) -> int:
    """Show the game window for a joined ``SeatClient``; returns the exit status."""
    try:
        app = _app()
        app.start_remote(client, client.scenario())
        code = app.run()
    finally:
        client.close()
    if client.error:
        print(f"collective-security: {client.error}", file=sys.stderr)
    return code
