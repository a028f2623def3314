"""A cache of validated scenarios, so that `run` starts without parsing and validating again.

A scenario that loaded without errors is stored in the user's cache folder
(``$XDG_CACHE_HOME/collective-security/scenarios/``, by default ``~/.cache/...``) together with
what its validation depended on. A cached scenario is used only when all of this holds, and
anything else (a missing, unreadable, truncated, foreign or stale entry; any error at all) means
a full load and validation, as without a cache:

* **Nothing it depends on has changed.** The entry records, for every file the load read (the
  scenario and each file of its ``extends`` chain), the name as given, the resolved path and the
  SHA-256 of its bytes; each is read again and compared. ``fingerprint()`` covers everything
  else a result depends on: the scenario package's code, the engine files that validation reads
  or imports (action kinds, coefficient names, reason codes), the gazetteer and the map's region
  index, and the versions of Python, pydantic and PyYAML. Same inputs, same code: same result.
* **The entry is intact.** It starts with a format line and the SHA-256 of the rest, and is
  written atomically (a temporary file, then a rename), so a torn or damaged file is refused.
* **Only this user can have written it.** The folder and the file must belong to the user and be
  writable by nobody else (POSIX), and the file is opened without following a symbolic link.
  Whoever can write there can already change the user's programs; the cache adds no way in.
* **Nothing but scenario data comes out of it.** The entry is unpickled by an unpickler that
  can only make the schema's models, dates and ``Problem`` s: no other class or function can
  be named, so no code can run, whatever the bytes are.

Set ``COLLECTIVE_SECURITY_NO_CACHE=1`` to load without the cache.
"""
from __future__ import annotations

import datetime
import hashlib
import io
import os
import pickle
import stat
import sys
from functools import lru_cache
from pathlib import Path

from game.scenario import schema
from game.scenario.files import MAX_BYTES as FILE_MAX_BYTES, Problem, YamlFileError, read_regular_file

MAGIC = b"collective-security validated scenario, cache format 1\n"
MAX_ENTRIES = 64
MAX_BYTES = 16_000_000  # an entry for a 2 MB scenario is far smaller
ROOT = Path(__file__).resolve().parents[2]
#: Files outside ``game/scenario/`` whose content a validation result depends on.
DEPENDS = ("game/engine/actions.py", "game/engine/params.py", "game/engine/reasons.py", "game/gazetteer.py",
           "assets/maps/regions.json", "assets/maps/gazetteer.yaml")


def cache_dir() -> Path | None:
    """The cache folder (not created here), or None when the cache is switched off."""
    if os.environ.get("COLLECTIVE_SECURITY_NO_CACHE"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "collective-security" / "scenarios"


@lru_cache(maxsize=1)
def fingerprint() -> str | None:
    """SHA-256 of the code, data and library versions that validation depends on (None if a file
    is missing: then nothing is cached)."""
    import pydantic
    import pydantic_core
    h = hashlib.sha256(MAGIC)
    h.update(f"{sys.version}|{sys.implementation.cache_tag}|{pydantic.VERSION}|{pydantic_core.__version__}".encode())
    try:
        files = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "game" / "scenario").glob("*.py"))
        for name in files + list(DEPENDS):
            data = (ROOT / name).read_bytes()
            h.update(f"\0{name}\0{len(data)}\0".encode())
            h.update(data)
        import importlib.util
        spec = importlib.util.find_spec("yaml")  # finds the package without importing it
        folder = Path(spec.origin).parent
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):  # its version and its libyaml module
            if entry.is_file():
                h.update(f"\0yaml/{entry.name}\0{entry.stat().st_size}".encode())
        h.update((folder / "__init__.py").read_bytes())
    except (OSError, AttributeError, TypeError, ValueError):
        return None
    return h.hexdigest()


def _entry_path(folder: Path, path: Path) -> Path:
    name = hashlib.sha256(f"{path}\0{_resolved(path)}".encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return folder / f"{name}.pickle"


def _resolved(path: Path) -> str:
    """As ``loader.CheckResult.files_read`` records it."""
    return str(Path(path).resolve())


def _private(st: os.stat_result) -> bool:
    """Owned by this user and writable by no one else (always true where there are no such modes)."""
    if os.name != "posix":
        return True
    return st.st_uid == os.getuid() and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _digest(path: Path) -> str | None:
    """SHA-256 of a regular file's bytes (as ``loader.CheckResult.files_read`` records it), or None."""
    try:
        data = read_regular_file(path, FILE_MAX_BYTES)
    except YamlFileError:
        return None
    return hashlib.sha256(data).hexdigest() if len(data) <= FILE_MAX_BYTES else None


class _Unpickler(pickle.Unpickler):
    """Makes only the schema's models, dates and problems: nothing else can be named."""

    def find_class(self, module: str, name: str):
        if module == schema.__name__:
            found = getattr(schema, name, None)
            if isinstance(found, type) and issubclass(found, schema.Strict):
                return found
        elif (module, name) == ("datetime", "date"):
            return datetime.date
        elif (module, name) == (Problem.__module__, "Problem"):
            return Problem
        raise pickle.UnpicklingError(f"{module}.{name} may not be in a scenario cache")


def lookup(path: Path) -> tuple[schema.Scenario, list[Problem]] | None:
    """The cached (scenario, warnings) of the file at ``path``, or None (then load it in full)."""
    try:
        folder = cache_dir()
        fp = fingerprint()
        if folder is None or fp is None:
            return None
        if not _private(os.stat(folder)):
            return None
        fd = os.open(_entry_path(folder, path), os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode) or not _private(st) or st.st_size > MAX_BYTES:
                return None
            with os.fdopen(fd, "rb", closefd=False) as f:
                blob = f.read(MAX_BYTES + 1)
        finally:
            os.close(fd)
        head = len(MAGIC) + 32
        if len(blob) <= head or not blob.startswith(MAGIC) or hashlib.sha256(blob[head:]).digest() != blob[len(MAGIC):head]:
            return None
        entry = _Unpickler(io.BytesIO(blob[head:])).load()
        kept_fp, kept_path, files, scenario, warnings = entry
        if kept_fp != fp or kept_path != str(path) or not isinstance(scenario, schema.Scenario):
            return None
        if not isinstance(warnings, list) or not all(type(w) is Problem for w in warnings):
            return None
        if not files or files[0][0] != str(path):
            return None
        for name, resolved, digest in files:
            if _resolved(Path(name)) != resolved or _digest(Path(name)) != digest:
                return None
        return scenario, warnings
    except Exception:  # whatever went wrong, the answer is a full load
        return None


def store(path: Path, scenario: schema.Scenario, warnings: list[Problem], files: list[tuple[str, str, str]]) -> None:
    """Keep a validated scenario for ``lookup``; never fails (a cache that cannot be written is skipped)."""
    try:
        folder = cache_dir()
        fp = fingerprint()
        if folder is None or fp is None or not files:
            return
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private(os.stat(folder)):
            return
        payload = pickle.dumps((fp, str(path), list(files), scenario, list(warnings)), protocol=pickle.HIGHEST_PROTOCOL)
        import tempfile
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".pickle")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(MAGIC + hashlib.sha256(payload).digest() + payload)
            os.replace(tmp, _entry_path(folder, path))
        except BaseException:
            os.unlink(tmp)
            raise
        _prune(folder)
    except Exception:  # pragma: no cover - a full disk, a read-only home: run without the cache
        return


def _prune(folder: Path) -> None:
    """Keep at most ``MAX_ENTRIES`` entries (the most recently written)."""
    entries = sorted(folder.glob("*.pickle"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in entries[MAX_ENTRIES:]:
        old.unlink(missing_ok=True)
