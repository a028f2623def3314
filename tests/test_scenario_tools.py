"""`new` and `schema`: the template validates and plays; copies get a new id; no overwrite."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from game.scenario.loader import check_file
from game.scenario.tools import SCHEMA_PATH, json_schema, new_main, schema_line

ROOT = Path(__file__).resolve().parents[1]


def test_new_template_validates_and_plays(tmp_path):
    target = ROOT / "scenarios" / "_test_new_tmp.yaml"
    try:
        assert new_main(str(target), None, False) == 0
        text = target.read_text()
        assert text.startswith("# yaml-language-server: $schema=../docs/scenario.schema.json")
        assert "\nid: _test_new_tmp" not in text and "id: test_new_tmp" in text
        result = check_file(target)
        assert not result.problems, result.problems
        r = subprocess.run([sys.executable, str(ROOT / "main.py"), "run", str(target), "--json"],
                           capture_output=True, text=True, cwd=ROOT, timeout=120)
        assert r.returncode == 0, r.stderr
        assert json.loads(r.stdout)["scenario"] == "test_new_tmp"
        assert new_main(str(target), None, False) == 2  # exists
        assert new_main(str(target), None, True) == 0
    finally:
        target.unlink(missing_ok=True)


def test_new_from_shipped_keeps_comments_and_rewrites_extends(tmp_path):
    t = tmp_path / "sub" / "copy.yaml"
    assert new_main(str(t), "kyrgyzstan_2010", False) == 0
    text = t.read_text()
    assert "# Southern Kyrgyzstan" in text and "\nid: copy\n" in text
    assert text.splitlines()[0] == schema_line(t)
    assert not check_file(t).errors
    t2 = tmp_path / "tut.yaml"
    assert new_main(str(t2), "tutorial_batken_2014", False) == 0
    assert not check_file(t2).errors
    assert new_main(str(tmp_path / "x.yaml"), "no_such_scenario", False) == 2


def test_schema_is_json_schema_with_descriptions(tmp_path):
    s = json_schema()
    assert s["properties"]["regions"]["description"]
    assert "id" in s["else"]["required"]
    out = tmp_path / "s.json"
    r = subprocess.run([sys.executable, str(ROOT / "main.py"), "schema", "--out", str(out)],
                       capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert r.returncode == 0 and json.loads(out.read_text()) == s


def test_shipped_files_point_at_the_schema():
    for p in list((ROOT / "scenarios").glob("*.yaml")) + list((ROOT / "scenarios" / "common").glob("*.yaml")):
        first = p.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), p
        ref = first.split("$schema=", 1)[1]
        assert (p.parent / ref).resolve() == SCHEMA_PATH, p


def test_tutorial_plays():
    r = subprocess.run([sys.executable, str(ROOT / "main.py"), "run", "tutorial_batken_2014", "--json"],
                       capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["turns_played"] > 1
