"""The screens, the report and the instructor's console read the game through engine views
(game/engine/views.py) and typed records, never the raw state arrays (issue 9: "a test keeps the UI
off the raw state")."""
from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import numpy as np

from game.engine.state import State

ROOT = Path(__file__).resolve().parents[1]
READERS = sorted((ROOT / "game" / "ui").rglob("*.py")) + [ROOT / "game" / "report.py"]
ARRAYS = [f.name for f in fields(State) if f.type in ("np.ndarray", np.ndarray)]
RAW_INDEX = re.compile(r"\.(" + "|".join(ARRAYS) + r")\s*\[")
RAW_STATE = re.compile(r"\b(game|g|self\.game|s\.game)\.state\b(?!_for)")


def _offences(pattern: re.Pattern) -> list[str]:
    out = []
    for path in READERS:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line.split("#", 1)[0]):
                out.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    return out


def test_the_state_has_arrays_to_look_for():
    assert {"violence", "req_stage", "force_status", "human_votes"} & set(ARRAYS) == \
        {"violence", "req_stage", "force_status"}


def test_no_screen_indexes_a_state_array():
    assert _offences(RAW_INDEX) == []


def test_no_screen_reads_the_games_own_state_rather_than_a_seats():
    """A seat sees its own view (``game.state_for(seat)`` or the screen's ``state``), never the game's."""
    assert _offences(RAW_STATE) == []


def test_no_screen_copies_engine_codes():
    assert _offences(re.compile(r"from game\.engine\.state import|AT_HOME|IN_TRANSIT|SESSION_SCHEDULED")) == []
