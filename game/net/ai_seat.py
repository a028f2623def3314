"""The computer playing one seat from that seat's view (an ``--ai`` client, or the host for a seat the
instructor handed to the computer): the engine's AI takes its actions on a copy of what the seat
sees, and they are then given as the seat's orders like a person's."""
from __future__ import annotations

import zlib

import numpy as np

from game.engine.ai import AIPlayer


def ai_orders(world, seat_state, seat: str, rng: np.random.Generator, player: AIPlayer | None = None) -> list:
    """The actions the AI takes for ``seat`` on ``seat_state`` (which it changes: pass a copy)."""
    player = player or AIPlayer(world, [seat])
    return [action for action, mask, _ in player.decide(seat_state, rng, narrate=False) if mask[0]]


def ai_rng(seat: str, turn: int, seed: int = 0) -> np.random.Generator:
    """The AI's own dice for a seat and turn (the same seat, turn and seed give the same choices)."""
    return np.random.default_rng([int(seed) % 2 ** 63, int(turn), zlib.crc32(seat.encode("utf-8"))])
