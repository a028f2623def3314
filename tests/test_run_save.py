"""`run SCENARIO --seed N [--turns N] --save FILE`: a save of a headless game that replays to the same game."""
from __future__ import annotations

import json

import pytest

from game import cli
from game.saving import load_game
from game.ui.saves import SaveError


def _run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_run_save_replays_to_the_same_finished_game(tmp_path, capsys):
    save = tmp_path / "osh.json"
    code, out, err = _run(capsys, "run", "kyrgyzstan_2010", "--seed", "3", "--json", "--save", str(save))
    assert code == 0, err
    played = json.loads(out)
    data = json.loads(save.read_text(encoding="utf-8"))
    assert data["seed"] == 3 and data["scenario_id"] == "kyrgyzstan_2010" and data["over"] is True
    assert len(data["scenario_hash"]) == 64 and data["scenario_parts"]
    assert not list(tmp_path.glob("*.tmp")), "the atomic write left a temporary file"
    lg = load_game(save)
    replayed = cli.run_report(lg.game)
    assert lg.game.over and replayed["turns_played"] == played["turns_played"] == 21
    assert replayed["decisions"] == played["decisions"] and played["decisions"], "the same councils, reasons and votes"
    assert replayed["final"] == played["final"] and replayed["assessment"] == played["assessment"]


def test_run_save_of_part_of_a_game_stops_where_the_run_stopped(tmp_path, capsys):
    save = tmp_path / "part.json"
    code, out, err = _run(capsys, "run", "kazakhstan_2022", "--seed", "0", "--turns", "4", "--json", "--save", str(save))
    assert code == 0, err
    played = json.loads(out)
    lg = load_game(save)
    assert not lg.game.over and len(lg.game.history) == 4 == played["turns_played"]
    assert cli.run_report(lg.game)["final"] == played["final"]


@pytest.mark.parametrize("where, says", [("missing/dir/x.json", "its folder does not exist"), (".", "it is a folder")])
def test_run_save_to_a_bad_place_is_one_line_and_exit_2(tmp_path, capsys, where, says):
    code, out, err = _run(capsys, "run", "kyrgyzstan_2010", "--turns", "1", "--save", str(tmp_path / where))
    assert code == 2 and says in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_loading_a_missing_or_corrupt_save_is_a_plain_save_error(tmp_path):
    with pytest.raises(SaveError, match="There is no save"):
        load_game(tmp_path / "nothing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(SaveError, match="damaged"):
        load_game(bad)


def test_a_scenario_changed_only_in_its_texts_still_loads_with_a_note_but_a_played_change_is_refused(tmp_path, capsys):
    save = tmp_path / "osh.json"
    assert cli.main(["run", "kyrgyzstan_2010", "--seed", "2", "--turns", "3", "--save", str(save)]) == 0
    capsys.readouterr()
    data = json.loads(save.read_text(encoding="utf-8"))

    def saved_with(**parts):
        changed = dict(data, scenario_hash="0" * 64, scenario_parts={**data["scenario_parts"], **parts})
        path = tmp_path / "changed.json"
        path.write_text(json.dumps(changed), encoding="utf-8")
        return path

    lg = load_game(saved_with(teaching="0" * 16, **{"sources/kic2011": "1" * 16}))
    assert len(lg.game.history) == 3
    assert lg.notes and "`teaching` changed" in lg.notes[0] and "the game itself is the same" in lg.notes[0]
    with pytest.raises(SaveError, match="region 'KG-O' changed.*different game"):
        load_game(saved_with(**{"regions/KG-O": "2" * 16}))
    code = cli.main(["report", str(saved_with(parameters="3" * 16)), "--format", "md"])
    err = capsys.readouterr().err
    assert code == 1 and "`parameters` changed" in err and len(err.strip().splitlines()) == 1
