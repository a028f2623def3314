"""The cache of validated scenarios (game/scenario/cache.py): a hit is exactly what a full load gives,
and anything changed, damaged or foreign means a full load."""
from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from game.scenario import cache
from game.scenario.loader import ScenarioError, load_scenario, shipped_scenarios

ROOT = Path(__file__).resolve().parents[1]
LIB = "format: 1\nlibrary: true\nsources:\n  - {id: s1, title: A source}\n"
SCEN = """format: 1
extends: [lib.yaml]
id: cached
title: Cached
summary: S
start_date: 2010-06-10
end_date: 2010-06-12
actors:
  - {id: KG, name: Kyrgyzstan, kind: government, country: KG, sources: [s1]}
regions:
  - {id: KG-O, name: Osh, country: KG, population: 5}
"""


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("COLLECTIVE_SECURITY_NO_CACHE", raising=False)
    (tmp_path / "lib.yaml").write_text(LIB, encoding="utf-8")
    (tmp_path / "s.yaml").write_text(SCEN, encoding="utf-8")
    return tmp_path


def _entries(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "cache" / "collective-security" / "scenarios").glob("*.pickle"))


def test_a_hit_equals_a_full_load(folder, monkeypatch):
    path = folder / "s.yaml"
    first = load_scenario(path, cached=True)
    assert len(_entries(folder)) == 1
    full = load_scenario(path)
    calls = []
    monkeypatch.setattr("game.scenario.loader.check_file", lambda p: calls.append(p))  # a hit never validates
    second = load_scenario(path, cached=True)
    assert calls == []
    assert second.scenario == first.scenario == full.scenario and second.warnings == full.warnings
    assert second.path == path and second.scenario.model_dump() == full.scenario.model_dump()


@pytest.mark.parametrize("change", ["scenario", "extended", "entry", "truncated", "mode"])
def test_anything_changed_or_damaged_means_a_full_load(folder, change):
    path = folder / "s.yaml"
    load_scenario(path, cached=True)
    entry = _entries(folder)[0]
    if change == "scenario":
        path.write_text(SCEN.replace("title: Cached", "title: Changed"), encoding="utf-8")
    elif change == "extended":
        (folder / "lib.yaml").write_text(LIB.replace("A source", "Another"), encoding="utf-8")
    elif change == "entry":
        blob = bytearray(entry.read_bytes())
        blob[-10] ^= 1
        entry.write_bytes(bytes(blob))
    elif change == "truncated":
        entry.write_bytes(entry.read_bytes()[:100])
    elif change == "mode" and os.name == "posix":
        entry.chmod(0o666)  # writable by others: never trusted
    assert cache.lookup(path) is None
    loaded = load_scenario(path, cached=True)
    assert loaded.scenario.title == ("Changed" if change == "scenario" else "Cached")
    if change == "extended":
        assert loaded.scenario.sources[0].title == "Another"


def test_an_entry_naming_anything_but_scenario_data_is_refused(folder):
    path = folder / "s.yaml"
    load_scenario(path, cached=True)
    entry = _entries(folder)[0]
    payload = pickle.dumps((cache.fingerprint(), str(path), [], os.system, []))
    import hashlib
    entry.write_bytes(cache.MAGIC + hashlib.sha256(payload).digest() + payload)
    assert cache.lookup(path) is None  # the unpickler refuses to name os.system, and nothing runs


def test_errors_and_libraries_are_never_cached(folder):
    bad = folder / "bad.yaml"
    bad.write_text(SCEN.replace("population: 5", "population: -5"), encoding="utf-8")
    for p in (bad, folder / "lib.yaml"):
        with pytest.raises(ScenarioError):
            load_scenario(p, cached=True)
    assert _entries(folder) == []


def test_switched_off(folder, monkeypatch):
    monkeypatch.setenv("COLLECTIVE_SECURITY_NO_CACHE", "1")
    load_scenario(folder / "s.yaml", cached=True)
    assert not (folder / "cache").exists()


def test_the_fingerprint_covers_every_module_validation_imports():
    """Every game module that loading a scenario imports is part of the fingerprint."""
    code = ("import sys; from game.scenario.loader import check_file; "
            f"check_file({str(shipped_scenarios()['kyrgyzstan_2010'])!r}); "
            "print('\\n'.join(sorted(m.__file__ for n, m in list(sys.modules.items()) "
            "if n.startswith('game') and getattr(m, '__file__', None))))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    covered = {str(p) for p in (ROOT / "game" / "scenario").glob("*.py")} | {str(ROOT / d) for d in cache.DEPENDS}
    covered |= {str(ROOT / "game" / "__init__.py"), str(ROOT / "game" / "engine" / "__init__.py")}
    assert set(out.split()) <= covered
