"""``join --ai``: the computer plays one seat from a client, turn after turn, until the game is over.

Each turn it rebuilds the seat's view state (``state_from_dict``), lets the engine's AI choose on it,
sends those actions as the seat's orders and declares the seat ready. After a reconnection it takes
up the turn where the host has it: orders the host still holds are not given twice.
"""
from __future__ import annotations

import logging

from game.engine.ai import AIPlayer
from game.engine.state import initial_state
from game.engine.views import state_from_dict
from game.net.ai_seat import ai_orders, ai_rng

log = logging.getLogger("collective_security.net.ai")


def play_seat_with_ai(client, poll_s: float = 0.5) -> dict | None:
    """Play ``client``'s seat until the game ends; the game's report, or None if the client stopped
    first (``client.error`` says why)."""
    world = client.world()
    template = initial_state(world, 1)
    player = AIPlayer(world, [client.seat])
    while client.report is None and not client.stopped:
        view = client.view
        if view is not None and not view["over"] and client.seat not in view["ready"] and client.connected:
            _play_turn(client, world, template, player, view)
        client.wait_for_view(poll_s)
    return client.report


def _play_turn(client, world, template, player, view: dict) -> None:
    if not view["orders"]:          # orders the host already holds (before a reconnection) stand
        state = state_from_dict(view["state"], template, world)
        for action in ai_orders(world, state, client.seat, ai_rng(client.seat, view["turn"]), player):
            if not _same_turn(client, view):
                return
            ok, text = client.send_action(action.to_dict())
            if not ok:
                log.info("%s: order refused: %s", client.seat, text)
    if _same_turn(client, view):
        client.ready()


def _same_turn(client, view: dict) -> bool:
    """Whether the host is still on the turn the AI is playing (the instructor may have ended it)."""
    return client.view is not None and client.view["turn"] == view["turn"]
