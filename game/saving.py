"""Saves outside the window: ``run --save FILE`` writes one, ``report`` and branches read one.

The file is the same as the game's own saves (``game/ui/saves.py``: the action log, the seed, the
scenario reference and its content hash, written atomically with fsync); this module adds writing
to a path of the user's choosing and loading a save *as played*: a finished game is replayed
through its last turn, a game played at a classroom pace is replayed at that pace, and a scenario
that changed only in what does not affect play (its teaching material, its historical record, its
texts and sources) is accepted with a note.

Nothing here imports pygame (``game/ui/saves.py`` does not either).
"""
from __future__ import annotations

import errno
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from game.ui.saves import (SaveError, ScenarioChanged, atomic_write, describe_changes, read_save, restore,
                           save_document, scenario_fingerprint)

#: Top-level parts of a scenario that change what is shown, never what is played: a save made
#: before such a change replays to the same game.
NOT_PLAYED = frozenset({"title", "subtitle", "summary", "briefing", "difficulty", "teaching", "history",
                        "sources"})


def _part_root(key: str) -> str:
    return key.split("/", 1)[0]


def os_reason(exc: OSError) -> str:
    """A plain reason for a failed write or read."""
    reasons = {errno.ENOENT: "its folder does not exist", errno.EACCES: "permission denied",
               errno.EPERM: "permission denied", errno.EISDIR: "it is a folder",
               errno.ENOSPC: "the disk is full", errno.EROFS: "the disk is read-only",
               errno.ENAMETOOLONG: "the name is too long", errno.ENOTDIR: "part of the path is not a folder"}
    return reasons.get(exc.errno, exc.strerror or type(exc).__name__)


def write_text_file(path: str | Path, text: str) -> str | None:
    """Write ``text`` to ``path`` atomically (fsynced, renamed into place); None, or one plain sentence."""
    path = Path(path)
    if path.is_dir():
        return f"cannot write {path}: it is a folder"
    try:
        atomic_write(path, text)
    except OSError as exc:
        return f"cannot write {path}: {os_reason(exc)}"
    return None


def write_run_save(game, loaded, path: str | Path) -> str | None:
    """Write a save of ``game`` (played from ``loaded``) to ``path``. None, or the problem in one sentence."""
    ref = str(Path(loaded.path).resolve()) if getattr(loaded, "path", None) else game.scenario.id
    data = save_document(game, ref)
    return write_text_file(path, json.dumps(data, indent=1))


@dataclass
class LoadedGame:
    """A save loaded for reading: the game as played, its save data and notes for the reader."""

    loaded: object                      # the LoadedScenario
    game: object                        # the Game, replayed (and finished if the save was finished)
    data: dict                          # the save's data as read
    path: Path
    notes: list[str] = field(default_factory=list)


def load_game(path: str | Path) -> LoadedGame:
    """Load a save as it was played; SaveError (one plain sentence) for anything wrong.

    A scenario changed since the save was made is refused, unless only its non-played parts
    (``NOT_PLAYED``) changed: then the save is loaded and a note says what changed."""
    path = Path(path)
    if not os.path.lexists(path):
        raise SaveError(f"There is no save {path}.")
    data = read_save(path)
    notes: list[str] = []
    try:
        loaded, game = restore(path)
    except ScenarioChanged as exc:
        saved = data.get("scenario_parts")
        if not isinstance(saved, dict):
            raise SaveError(f"{exc} A report would replay the saved moves in a different game.") from None
        loaded, game = restore(path, allow_changed=True)
        _, parts = scenario_fingerprint(loaded.scenario)
        played = sorted({_part_root(k) for k in set(saved) | set(parts)
                         if saved.get(k) != parts.get(k) and _part_root(k) not in NOT_PLAYED})
        if played:
            raise SaveError(f"{exc} A report would replay the saved moves in a different game.") from None
        notes.append("The scenario's texts changed since this game was saved ("
                     + "; ".join(describe_changes(saved, parts)) + "); the game itself is the same.")
    if data.get("over") is True and not game.over:
        game.end_turn()                 # the save of a finished game: its last turn was ended too
    if getattr(game, "load_note", ""):
        notes.append(game.load_note[0].upper() + game.load_note[1:] + ".")
    return LoadedGame(loaded, game, data, path, notes)
