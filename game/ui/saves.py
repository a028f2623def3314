"""Saved games: JSON files in ``$XDG_DATA_HOME/collective-security/saves/``.

A save is the engine's ``save_data`` (scenario reference, seed, seats, human actions) plus
what the game needs to be sure it rebuilds the *same* game: the scenario's content hash and a
short hash of every part of it (each actor, region, event... and the calendar and parameters),
so that a scenario changed since the save is refused with a message that says what changed
(the player may still load it, knowingly; the game is then marked). A save whose scenario file
is missing is never loaded silently from another file: only a shipped scenario with the same id
*and the same content* may stand in for it.

Files are written atomically and durably: to a temporary file in the same folder, flushed and
fsynced, then renamed over the target (and the folder fsynced). A temporary file left behind by
a crash is removed at the next save. The Load screen's listing never fails: every ``*.json``
that cannot be read as a save (broken links, folders, pipes, huge or deeply nested JSON, junk)
is listed as unreadable with the reason. A corrupt or incompatible save raises ``SaveError``
with one plain message; nothing is ever deleted.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import stat
import time
from dataclasses import dataclass
from pathlib import Path

#: Saves are small (a log of human actions); anything much bigger is not one of ours.
MAX_SAVE_BYTES = 5_000_000
TMP_SUFFIX = ".json.tmp"
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


class SaveError(Exception):
    """A save that cannot be loaded; ``str(exc)`` is the message for the player."""


class ScenarioChanged(SaveError):
    """The save's scenario has changed since it was saved; ``changes`` says how.

    ``restore(path, allow_changed=True)`` loads it anyway (the game is then marked)."""

    def __init__(self, message: str, changes: list[str]):
        super().__init__(message)
        self.changes = changes


def saves_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "collective-security" / "saves"


@dataclass
class SaveInfo:
    path: Path
    title: str
    detail: str
    ok: bool


# --- the scenario's fingerprint ----------------------------------------------------------
_LISTS = ("sources", "actors", "organisations", "regions", "forces", "agreements", "events", "objectives")
_LABELS = {"sources": "source", "actors": "actor", "organisations": "organisation", "regions": "region",
           "forces": "force", "agreements": "agreement", "events": "event", "objectives": "objective"}


def _digest(value) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def scenario_fingerprint(scenario) -> tuple[str, dict[str, str]]:
    """(content hash of the whole scenario, {part: short hash}) of a validated scenario.

    Parts are each list item by id (``regions/KG-O``) and every other top-level field; the hash
    covers what the file *means* (after `extends`), not its comments or layout."""
    data = scenario.model_dump(mode="json", by_alias=True)
    parts: dict[str, str] = {}
    for key, value in data.items():
        if key in _LISTS and isinstance(value, list):
            for i, item in enumerate(value):
                ident = item.get("id") if isinstance(item, dict) else None
                parts[f"{key}/{ident if ident is not None else i}"] = _digest(item)[:16]
        else:
            parts[key] = _digest(value)[:16]
    return _digest(data), parts


def describe_changes(old: dict, new: dict, limit: int = 8) -> list[str]:
    """Plain sentences for what differs between two part-hash tables."""
    out: list[str] = []
    for key in sorted(set(old) | set(new)):
        if old.get(key) == new.get(key):
            continue
        if "/" in key:
            section, ident = key.split("/", 1)
            what = f"{_LABELS.get(section, section)} '{ident}'"
        else:
            what = f"`{key}`"
        out.append(f"{what} was added" if key not in old else f"{what} was removed" if key not in new
                   else f"{what} changed")
    if len(out) > limit:
        out = out[:limit] + [f"and {len(out) - limit} more changes"]
    return out


# --- writing -----------------------------------------------------------------------------
def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # pragma: no cover - e.g. Windows cannot open folders
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def clean_stale_temporaries(directory: Path, older_than_s: float = 60.0) -> int:
    """Remove temporary files a crash left behind (ours only: ``*.json.tmp``). Returns how many."""
    removed = 0
    now = time.time()
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return 0
    for e in entries:
        if not e.name.endswith(TMP_SUFFIX):
            continue
        try:
            st = e.stat(follow_symlinks=False)
            if stat.S_ISREG(st.st_mode) and now - st.st_mtime > older_than_s:
                os.unlink(e.path)
                removed += 1
        except OSError:
            continue
    return removed


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that a crash leaves either the old file or the new one:
    a temporary file in the same folder, flushed and fsynced, renamed over the target, and the
    folder fsynced. The temporary file is removed if anything fails."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}{TMP_SUFFIX}")
    data = text.encode("utf-8")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o644)
    try:
        try:
            view = memoryview(data)
            while view:
                n = os.write(fd, view)
                view = view[n:]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _fsync_dir(path.parent)


def save_document(game, scenario_ref: str, seat: str | None = None, instructor: bool = False) -> dict:
    """What a save file holds: ``Game.save_data`` plus the scenario's fingerprint, whether the game
    is over (its last turn ended), when it was saved, a title and date for the listing, ``pace``
    when it was played at the scenario's classroom pace (game/scenario/pace.py) and, in a
    hot-seat game, ``seat``: whose turn it was within the turn (loading resumes with that seat)."""
    from game.scenario.pace import NORMAL, pace_of
    data = game.save_data(scenario_ref)
    if pace_of(game.scenario) != NORMAL:
        data["pace"] = pace_of(game.scenario)      # the calendar it was played on (restore applies it)
    if seat is not None:
        data["seat"] = seat
    if instructor:
        data["instructor"] = True        # an instructor's seat sat at the game
    digest, parts = scenario_fingerprint(game.scenario)
    data["scenario_hash"] = digest
    data["scenario_parts"] = parts
    changed = getattr(game, "scenario_changed", None)
    if changed:  # loaded over a changed scenario: the mark stays with the game
        data["scenario_changed"] = list(changed)
    data["over"] = bool(game.over)
    data["saved_at"] = dt.datetime.now().isoformat(timespec="seconds")
    data["title"] = game.scenario.title
    data["date"] = game.date.isoformat()
    return data


def _safe_id(game) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "_", game.scenario.id)[:64]


def autosave_path(game, directory: Path | None = None) -> Path:
    """The one rolling autosave of the game's scenario (overwritten at every End Turn)."""
    return (directory or saves_dir()) / f"{_safe_id(game)}-autosave.json"


def write_autosave(game, scenario_ref: str, seat: str | None = None, instructor: bool = False,
                   directory: Path | None = None) -> Path:
    """Write (atomically, over the previous one) the scenario's rolling autosave."""
    path = autosave_path(game, directory)
    path.parent.mkdir(parents=True, exist_ok=True)
    clean_stale_temporaries(path.parent)
    data = save_document(game, scenario_ref, seat, instructor)
    data["title"] = f"{data['title']} (autosave)"
    atomic_write(path, json.dumps(data, indent=1))
    return path


def write_save(game, scenario_ref: str, directory: Path | None = None, seat: str | None = None,
               instructor: bool = False) -> Path:
    directory = directory or saves_dir()
    directory.mkdir(parents=True, exist_ok=True)
    clean_stale_temporaries(directory)
    data = save_document(game, scenario_ref, seat, instructor)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    safe = _safe_id(game)
    path = directory / f"{safe}-turn{game.turn:02d}-{stamp}.json"
    n = 1
    while path.exists():
        n += 1
        path = directory / f"{safe}-turn{game.turn:02d}-{stamp}-{n}.json"
    atomic_write(path, json.dumps(data, indent=1))
    return path


# --- reading -----------------------------------------------------------------------------
def _clean(text, limit: int = 80) -> str:
    """A string from a file, safe to show: no control or direction-override characters, short."""
    text = _CONTROL.sub("", str(text))
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _read_json(path: Path):
    """The JSON in ``path``, or SaveError with a plain reason. Never blocks, never recurses away."""
    from game.scenario.safe_yaml import YamlFileError, read_regular_file
    name = Path(path).name
    try:
        raw = read_regular_file(path, MAX_SAVE_BYTES)
    except YamlFileError as exc:
        reason = exc.problems[0].message if exc.problems else "it cannot be read"
        reason = reason.replace("not a scenario file", "not a save file")
        if os.path.islink(path) and not os.path.exists(path):
            reason = "it is a link to a file that no longer exists"
        raise SaveError(f"The save {_clean(name)} cannot be read: {reason}.") from None
    if len(raw) > MAX_SAVE_BYTES:
        raise SaveError(f"The save {_clean(name)} is larger than any save ({MAX_SAVE_BYTES:,} bytes): "
                        "it is not a Collective Security save.")
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise SaveError(f"The save {_clean(name)} is damaged (not UTF-8 text).") from None
    except RecursionError:
        raise SaveError(f"The save {_clean(name)} is damaged (its JSON is nested too deeply).") from None
    except ValueError as exc:
        raise SaveError(f"The save {_clean(name)} is damaged (not valid JSON: {exc}).") from None


def _as_int(value, what: str, name: str, low: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise SaveError(f"The save {name} is damaged: {what} is missing or not a whole number"
                        f"{'' if low <= 0 else f' of {low} or more'}.")
    return value


def read_save(path: Path) -> dict:
    """The save's data, checked for shape; SaveError with a plain message otherwise."""
    name = _clean(Path(path).name)
    data = _read_json(path)
    if not isinstance(data, dict) or "seed" not in data or "scenario" not in data:
        raise SaveError(f"The save {name} is not a Collective Security save.")
    from game.engine.game import SAVE_FORMAT
    if data.get("save_format") != SAVE_FORMAT:
        raise SaveError(f"The save {name} was written in format {_clean(data.get('save_format'), 20)}; "
                        f"this version reads format {SAVE_FORMAT}.")
    _as_int(data["seed"], "its seed", name)
    _as_int(data.get("turn", 1), "its turn", name, 1)
    if not isinstance(data["scenario"], str) or not data["scenario"]:
        raise SaveError(f"The save {name} is damaged: it does not name its scenario.")
    humans = data.get("humans", [])
    if not isinstance(humans, list) or not all(isinstance(h, str) for h in humans):
        raise SaveError(f"The save {name} is damaged: its list of human players is not a list of actor ids.")
    actions = data.get("actions", [])
    if not isinstance(actions, list):
        raise SaveError(f"The save {name} is damaged: its actions are not a list.")
    for i, a in enumerate(actions, 1):
        if not isinstance(a, dict) or not isinstance(a.get("kind"), str):
            raise SaveError(f"The save {name} is damaged: action {i} is not an action.")
        _as_int(a.get("turn"), f"the turn of action {i}", name, 1)
    from game.scenario.pace import PACES
    if data.get("pace") not in (None,) + PACES:
        raise SaveError(f"The save {name} is damaged: its pace {_clean(data.get('pace'), 20)!r} is not one of "
                        f"{', '.join(PACES)}.")
    parts = data.get("scenario_parts")
    if parts is not None and not (isinstance(parts, dict) and all(isinstance(v, str) for v in parts.values())):
        data["scenario_parts"] = None
    return data


def list_saves(directory: Path | None = None) -> list[SaveInfo]:
    """Every ``*.json`` in the saves folder: the loadable ones newest first, then the unreadable ones
    (marked, with the reason); never an exception."""
    directory = directory or saves_dir()
    try:
        entries = [e for e in os.scandir(directory) if e.name.endswith(".json")]
    except OSError:
        return []
    found = []
    for e in entries:
        try:
            mtime = e.stat().st_mtime  # follows links: a broken link has none
        except OSError:
            mtime = 0.0
        found.append((mtime, Path(e.path)))
    out = []
    for _, p in sorted(found, key=lambda t: (-t[0], t[1].name)):
        try:
            d = read_save(p)
            saved = _clean(str(d.get("saved_at", ""))[:16].replace("T", " "), 20)
            out.append(SaveInfo(p, _clean(d.get("title") or d.get("scenario_id") or p.stem),
                                f"Turn {d.get('turn', 1)} · {_clean(d.get('date', ''), 12)} · saved {saved}", True))
        except SaveError as exc:
            out.append(SaveInfo(p, _clean(p.stem), f"unreadable: {_reason(str(exc))}", False))
        except Exception as exc:  # the listing never fails  # pragma: no cover
            out.append(SaveInfo(p, _clean(p.stem), f"unreadable ({type(exc).__name__})", False))
    out.sort(key=lambda info: not info.ok)  # the saves that can be loaded first, each part newest first
    return out


def _reason(message: str) -> str:
    """The part of a SaveError message after the file's name, for a one-line listing."""
    for sep in (" cannot be read: ", " is damaged ", " is damaged: ", " is not ", " was written "):
        if sep in message:
            head, tail = message.split(sep, 1)
            return _clean(tail.rstrip(".") if sep.endswith(": ") else (sep.strip() + " " + tail).rstrip("."), 70)
    return _clean(message, 70)


def _at_pace(loaded, pace: str | None):
    """The loaded scenario at the pace the save was played at (SaveError if it no longer offers it)."""
    import dataclasses
    from game.scenario.pace import NORMAL, with_pace
    if pace in (None, NORMAL):
        return loaded
    try:
        return dataclasses.replace(loaded, scenario=with_pace(loaded.scenario, pace))
    except ValueError:
        raise SaveError(f"This game was played at the {pace} pace, which the scenario '{loaded.scenario.id}' no "
                        "longer offers.") from None


def restore(path: Path, allow_changed: bool = False):
    """Load a save: returns (LoadedScenario, Game) or raises SaveError. A save played at a classroom
    pace returns the scenario at that pace (as the game was played).

    The game gets ``scenario_changed`` (a list of sentences, empty if the scenario is the one
    saved) so that the interface can mark a game loaded over a changed scenario, and
    ``saved_seat`` (the human seat whose turn it was when saved, or None) and ``saved_instructor``
    (whether an instructor sat at the game)."""
    from game.engine.game import Game
    from game.scenario.loader import ScenarioError, load_scenario, shipped_scenarios
    data = read_save(path)
    ref = data["scenario"]
    name = _clean(Path(path).name)
    saved_hash = data.get("scenario_hash") if isinstance(data.get("scenario_hash"), str) else None
    saved_parts = data.get("scenario_parts") or None
    sid = data.get("scenario_id") if isinstance(data.get("scenario_id"), str) else None
    note = ""
    try:
        loaded = load_scenario(ref)
    except FileNotFoundError:
        shipped = shipped_scenarios().get(sid or "")
        stand_in = None
        if shipped is not None and saved_hash is not None:
            try:
                candidate = load_scenario(shipped)
                if scenario_fingerprint(_at_pace(candidate, data.get("pace")).scenario)[0] == saved_hash:
                    stand_in = candidate
            except (ScenarioError, SaveError):
                stand_in = None
        if stand_in is None:
            raise SaveError(f"The scenario file of this save is missing: {_clean(ref, 200)}. Put the file back "
                            "(or restore it from a copy) to load the save; no other file is used in its place."
                            ) from None
        loaded = stand_in
        note = f"the scenario was read from {shipped.name}, identical to the missing {Path(ref).name}"
    except ScenarioError as exc:
        first = exc.problems[0].format() if exc.problems else str(exc)
        raise SaveError(f"The scenario of this save ({_clean(ref, 200)}) has problems now: {first}") from None
    if sid is not None and loaded.scenario.id != sid:
        raise SaveError(f"The save is for scenario '{_clean(sid, 64)}', but {_clean(ref, 200)} is now "
                        f"'{loaded.scenario.id}'.")
    loaded = _at_pace(loaded, data.get("pace"))
    digest, parts = scenario_fingerprint(loaded.scenario)
    changes: list[str] = []
    if saved_hash is not None and saved_hash != digest:
        changes = describe_changes(saved_parts, parts) if isinstance(saved_parts, dict) else []
        changes = changes or ["its content changed"]
        if not allow_changed:
            raise ScenarioChanged(
                f"The scenario has changed since this game was saved ({'; '.join(changes)}). The saved moves "
                "would be replayed in a different game.", changes)
    try:
        game = Game.replay(loaded.scenario, data)
    except ValueError as exc:
        raise SaveError(f"The save does not fit the scenario as it is now: {exc}.") from None
    except Exception:  # a damaged action log: the player gets a message, not a crash
        raise SaveError(f"The save {name} is damaged: its actions cannot be replayed.") from None
    earlier = data.get("scenario_changed")
    if not changes and isinstance(earlier, list) and all(isinstance(x, str) for x in earlier):
        changes = [_clean(x, 120) for x in earlier]
    game.scenario_changed = changes
    game.load_note = note
    seat = data.get("seat")
    game.saved_seat = seat if isinstance(seat, str) and seat in game.humans else None
    game.saved_instructor = data.get("instructor") is True or any(e.get("by") == "instructor" for e in game.log)
    return loaded, game
