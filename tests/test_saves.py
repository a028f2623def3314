"""Saves: durable atomic writes, the scenario's content hash (changed / missing scenario), and a
Load screen that lists junk in the saves folder as unreadable instead of crashing."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from game.engine.game import Game
from game.scenario.loader import load_scenario
from game.scenario.tools import new_main
from game.ui import saves as S
from game.ui.saves import SaveError, ScenarioChanged, list_saves, read_save, restore, saves_dir, write_save


@pytest.fixture(autouse=True)
def _own_dirs(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


def _saved_game(tmp_path) -> tuple[Path, Path, Game]:
    """A copy of the tutorial scenario in tmp_path, a game of it two turns in, and its save."""
    scenario = tmp_path / "mine.yaml"
    assert new_main(str(scenario), "tutorial_batken_2014", False) == 0
    game = Game(load_scenario(scenario).scenario, seed=3, humans=("KG",))
    game.end_turn()
    game.end_turn()
    return scenario, write_save(game, str(scenario)), game


def test_save_is_fsynced_and_leaves_no_temporary_file(tmp_path, monkeypatch):
    synced = []
    real = os.fsync
    monkeypatch.setattr(S.os, "fsync", lambda fd: (synced.append(fd), real(fd))[1])
    _, path, game = _saved_game(tmp_path)
    assert synced, "the save was not fsynced before the rename"
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]
    data = read_save(path)
    assert data["scenario_hash"] and data["scenario_parts"]["regions/KG-B"]
    _, again = restore(path)
    assert again.turn == game.turn and again.scenario_changed == []


def test_failed_write_removes_its_temporary_file(tmp_path, monkeypatch):
    target = tmp_path / "x.json"
    monkeypatch.setattr(S.os, "replace", lambda a, b: (_ for _ in ()).throw(OSError(28, "No space left on device")))
    with pytest.raises(OSError):
        S.atomic_write(target, "{}")
    assert list(tmp_path.iterdir()) == []


def test_stale_temporary_files_are_cleaned_at_the_next_save(tmp_path):
    folder = saves_dir()
    folder.mkdir(parents=True)
    stale = folder / ".old.json.1234.json.tmp"
    stale.write_text("{")
    os.utime(stale, (1, 1))  # long ago: a crash left it
    fresh = folder / ".now.json.99.json.tmp"
    fresh.write_text("{")  # may belong to a save being written right now
    _saved_game(tmp_path)
    assert not stale.exists() and fresh.exists()


def test_changed_scenario_is_refused_with_what_changed_then_loads_marked(tmp_path):
    scenario, path, _ = _saved_game(tmp_path)
    text = scenario.read_text(encoding="utf-8")
    changed = text.replace("population: 480000", "population: 480001", 1)
    assert changed != text
    scenario.write_text(changed, encoding="utf-8")
    with pytest.raises(ScenarioChanged) as info:
        restore(path)
    assert "region 'KG-B' changed" in str(info.value) and info.value.changes == ["region 'KG-B' changed"]
    _, game = restore(path, allow_changed=True)
    assert game.scenario_changed == ["region 'KG-B' changed"]
    # the mark stays with the game when it is saved again and reloaded
    again = write_save(game, str(scenario))
    assert restore(again)[1].scenario_changed == ["region 'KG-B' changed"]
    # comments and layout are not content
    scenario.write_text("# a new comment\n" + text, encoding="utf-8")
    assert restore(path)[1].scenario_changed == []


def test_missing_scenario_is_named_and_never_replaced_silently(tmp_path, monkeypatch):
    scenario, path, _ = _saved_game(tmp_path)
    copy = tmp_path / "keep.yaml"
    copy.write_text(scenario.read_text(encoding="utf-8"), encoding="utf-8")
    scenario.unlink()
    with pytest.raises(SaveError, match="missing: .*mine.yaml") as info:
        restore(path)
    assert "no other file is used" in str(info.value)
    # a shipped scenario with the same id stands in only when its content is identical
    import game.scenario.loader as loader
    monkeypatch.setattr(loader, "shipped_scenarios", lambda: {"mine": copy})
    loaded, game = restore(path)
    assert loaded.path == copy and "identical" in game.load_note
    copy.write_text(copy.read_text(encoding="utf-8").replace("population: 480000", "population: 1", 1),
                    encoding="utf-8")
    with pytest.raises(SaveError, match="missing"):
        restore(path)


def test_damaged_saves_give_plain_messages(tmp_path):
    folder = tmp_path / "f"
    folder.mkdir()
    cases = {
        "no_turn.json": {"save_format": 1, "seed": 0, "scenario": "x", "actions": [{"kind": "end_turn"}]},
        "seed.json": {"save_format": 1, "seed": "zero", "scenario": "x"},
        "humans.json": {"save_format": 1, "seed": 0, "scenario": "x", "humans": "KG"},
    }
    for name, data in cases.items():
        (folder / name).write_text(json.dumps(data))
        with pytest.raises(SaveError) as info:
            read_save(folder / name)
        msg = str(info.value)
        assert "('" not in msg and "KeyError" not in msg and "Traceback" not in msg, msg
    with pytest.raises(SaveError, match="the turn of action 1 is missing"):
        read_save(folder / "no_turn.json")


def test_load_listing_survives_junk(tmp_path):
    _, good, _ = _saved_game(tmp_path)
    folder = saves_dir()
    (folder / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    (folder / "link.json").symlink_to(tmp_path / "nowhere.json")
    (folder / "folder.json").mkdir()
    os.mkfifo(folder / "pipe.json")  # reading it the usual way would wait forever
    (folder / "list.json").write_text("[1, 2]")
    (folder / "binary.json").write_bytes(b"\xff\xfe\x00\x01")
    (folder / "huge.json").write_bytes(b" " * (S.MAX_SAVE_BYTES + 10))
    (folder / "future.json").write_text(json.dumps({"save_format": 99, "seed": 0, "scenario": "x"}))
    (folder / "evil.json").write_text(json.dumps({"save_format": 1, "seed": 0, "scenario": "x",
                                                  "title": "x\u202egnp.exe\x07"}))
    (folder / "notes.txt").write_text("not a save")
    found = {p.path.name: p for p in list_saves()}
    assert set(found) == {good.name, "deep.json", "link.json", "folder.json", "pipe.json", "list.json",
                          "binary.json", "huge.json", "future.json", "evil.json"}
    assert found[good.name].ok and found["evil.json"].ok
    assert found["evil.json"].title == "xgnp.exe"  # no direction override, no control character
    for name in ("deep.json", "link.json", "folder.json", "pipe.json", "list.json", "binary.json", "huge.json",
                 "future.json"):
        assert not found[name].ok and found[name].detail.startswith("unreadable"), name
    assert "no longer exists" in found["link.json"].detail and "format 99" in found["future.json"].detail
    assert "nested too deeply" in found["deep.json"].detail and "named pipe" in found["pipe.json"].detail


def _junk(folder: Path) -> None:
    (folder / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    (folder / "link.json").symlink_to(folder / "nowhere.json")
    os.mkfifo(folder / "pipe.json")
    (folder / "list.json").write_text("[1, 2]")


def test_load_screen_lists_junk_and_loads_a_changed_scenario_only_when_confirmed(tmp_path):
    from ui_driver import Driver
    scenario, good, game = _saved_game(tmp_path)
    _junk(saves_dir())
    scenario.write_text(scenario.read_text(encoding="utf-8").replace("population: 480000", "population: 9", 1),
                        encoding="utf-8")
    order = [i.path for i in list_saves()]
    d = Driver()
    d.click("load_game")
    assert d.screen.name == "load"
    for i, path in enumerate(order):
        assert d.element(f"save_{i}").is_enabled == (path == good), path.name
    d.click(f"save_{order.index(good)}")
    assert d.screen.name == "confirm"  # refused until the player confirms
    d.click("cancel")
    assert d.screen.name == "load"
    d.click(f"save_{order.index(good)}")
    d.click("confirm")
    assert d.screen.name == "game" and d.screen.game.turn == game.turn
    assert d.screen.game.scenario_changed == ["region 'KG-B' changed"]
    assert any("changed scenario" in t[0] and t[1] == "warning" for t in d.app.toasts)
