"""Saved games: JSON files in ``$XDG_DATA_HOME/collective-security/saves/``.

A save is the engine's ``save_data`` (scenario reference, seed, seats, human actions).
A corrupt or incompatible save raises ``SaveError`` with one clear message; nothing
is ever deleted.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path


class SaveError(Exception):
    """A save that cannot be loaded; ``str(exc)`` is the message for the player."""


def saves_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "collective-security" / "saves"


@dataclass
class SaveInfo:
    path: Path
    title: str
    detail: str
    ok: bool


def write_save(game, scenario_ref: str, directory: Path | None = None) -> Path:
    directory = directory or saves_dir()
    directory.mkdir(parents=True, exist_ok=True)
    data = game.save_data(scenario_ref)
    data["saved_at"] = dt.datetime.now().isoformat(timespec="seconds")
    data["title"] = game.scenario.title
    data["date"] = game.date.isoformat()
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    safe = re.sub(r"[^A-Za-z0-9_-]+", "_", game.scenario.id)
    path = directory / f"{safe}-turn{game.turn:02d}-{stamp}.json"
    n = 1
    while path.exists():
        n += 1
        path = directory / f"{safe}-turn{game.turn:02d}-{stamp}-{n}.json"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1), encoding="utf-8")
    tmp.replace(path)
    return path


def list_saves(directory: Path | None = None) -> list[SaveInfo]:
    directory = directory or saves_dir()
    if not directory.is_dir():
        return []
    out = []
    for p in sorted(directory.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True):
        try:
            d = json.loads(p.read_text(encoding="utf-8"))
            out.append(SaveInfo(p, str(d.get("title") or d.get("scenario_id") or p.stem),
                                f"Turn {d.get('turn')} · {d.get('date', '')} · saved {str(d.get('saved_at', ''))[:16].replace('T', ' ')}",
                                True))
        except (OSError, ValueError, UnicodeDecodeError, AttributeError):
            out.append(SaveInfo(p, p.stem, "unreadable file", False))
    return out


def read_save(path: Path) -> dict:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise SaveError(f"The save {Path(path).name} could not be read: {exc}.") from None
    except ValueError as exc:
        raise SaveError(f"The save {Path(path).name} is damaged (not valid JSON: {exc}).") from None
    if not isinstance(data, dict) or "seed" not in data or "scenario" not in data:
        raise SaveError(f"The save {Path(path).name} is not a Collective Security save.")
    from game.engine.game import SAVE_FORMAT
    if data.get("save_format") != SAVE_FORMAT:
        raise SaveError(f"The save {Path(path).name} was written in format {data.get('save_format')!r}; "
                        f"this version reads format {SAVE_FORMAT}.")
    return data


def restore(path: Path):
    """Load a save: returns (LoadedScenario, Game) or raises SaveError."""
    from game.engine.game import Game
    from game.scenario.loader import ScenarioError, load_scenario
    data = read_save(path)
    ref = data["scenario"]
    try:
        loaded = load_scenario(ref)
    except FileNotFoundError:
        try:
            loaded = load_scenario(data.get("scenario_id", ref))
        except (FileNotFoundError, ScenarioError):
            raise SaveError(f"The scenario of this save ({ref}) is no longer available.") from None
    except ScenarioError as exc:
        raise SaveError(f"The scenario of this save has problems now: {exc.problems[0].format() if exc.problems else exc}") from None
    if loaded.scenario.id != data.get("scenario_id", loaded.scenario.id):
        raise SaveError(f"The save is for scenario '{data.get('scenario_id')}', but {ref} is now '{loaded.scenario.id}'.")
    try:
        game = Game.replay(loaded.scenario, data)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise SaveError(f"The save does not fit the scenario as it is now ({exc}).") from None
    return loaded, game
