"""The host's autosave: the engine's save document (the same file the game writes, so `report` and
the game's Load screen read it) plus a ``network`` part: the join code and, for each seat, a hash of
its secret (never the secret), its player's name and whether the computer plays it. A host restarted
on the file resumes the game and its seats: clients reconnect with the secrets they hold."""
from __future__ import annotations

import json
import re
from pathlib import Path

from game.ui.saves import SaveError, atomic_write, clean_stale_temporaries, save_document, saves_dir

_HASH = re.compile(r"^[0-9a-f]{64}$")


def default_save_path(scenario_id: str) -> Path:
    """The host's rolling autosave in the game's saves folder."""
    return saves_dir() / f"{re.sub(r'[^A-Za-z0-9_-]+', '_', scenario_id)[:64]}-network-autosave.json"


def host_save_text(game, scenario_ref: str, network: dict) -> str:
    """The autosave's JSON text (built on the host's thread; writing it may happen elsewhere)."""
    data = save_document(game, scenario_ref)
    data["title"] = f"{data['title']} (network autosave)"
    data["network"] = network
    return json.dumps(data, indent=1)


def write_host_save(path: Path, text: str) -> None:
    """Write the autosave atomically (fsynced, renamed into place)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    clean_stale_temporaries(path.parent)
    atomic_write(path, text)


def read_host_save(path: Path):
    """(LoadedGame, network part) of a host's autosave; SaveError with a plain sentence."""
    from game.saving import load_game
    loaded = load_game(path)
    return loaded, network_part(loaded.data.get("network"), loaded.game, Path(path).name)


def network_part(raw, game, name: str) -> dict:
    """The checked ``network`` part of a save (an ordinary save has none: a new code, free seats)."""
    if raw is None:
        return {"code": None, "seats": {}}
    seats = raw.get("seats") if isinstance(raw, dict) else None
    code = raw.get("code") if isinstance(raw, dict) else None
    if not isinstance(seats, dict) or not (code is None or isinstance(code, str) and len(code) <= 32):
        raise SaveError(f"The save {name} is damaged: its network part is not one.")
    out = {}
    for seat, info in seats.items():
        if seat not in game.humans or not isinstance(info, dict):
            raise SaveError(f"The save {name} is damaged: its network part names a seat '{seat}' the game lacks.")
        digest = info.get("secret_sha256")
        out[seat] = {"secret_sha256": digest if isinstance(digest, str) and _HASH.match(digest) else None,
                     "name": str(info.get("name") or "")[:100], "ai": info.get("ai") is True}
    return {"code": code, "seats": out}
