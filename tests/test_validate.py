"""The validator: broken-scenario corpus, messages, exit codes, shipped scenarios, warnings."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from game.scenario.loader import ScenarioError, check_file, load_scenario, shipped_scenarios

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(__file__).parent / "broken_scenarios"
EXPECT = re.compile(r"# expect: (\d+):(\d+): (.*)")
LINE = re.compile(r"^(.+):(\d+):(\d+): (error|warning): .+$")


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.yaml")), ids=lambda p: p.stem)
def test_broken_corpus(path: Path):
    """Each file's first line is '# expect: LINE:COL: substring' of an error it must produce."""
    m = EXPECT.match(path.read_text(encoding="utf-8").split("\n", 1)[0])
    assert m, f"{path.name} lacks an '# expect:' first line"
    line, col, text = int(m[1]), int(m[2]), m[3].strip()
    result = check_file(path)
    assert result.errors and result.scenario is None
    assert any(p.line == line and p.col == col and text in p.message for p in result.errors), \
        "\n".join(p.format() for p in result.problems)
    with pytest.raises(ScenarioError):
        load_scenario(path)


def test_every_problem_reported_at_once():
    result = check_file(CORPUS / "multi_problems.yaml")
    msgs = [p.message for p in result.errors]
    assert any("nmae" in m for m in msgs) and any("KG-OO" in m for m in msgs)
    assert not any("unknown actor 'UZ'" in m for m in msgs)  # an invalid item's id still counts


def test_shipped_scenarios_valid():
    for sid, path in shipped_scenarios().items():
        result = check_file(path)
        assert not result.errors, "\n".join(p.format() for p in result.errors)
        assert load_scenario(sid).scenario.id == sid


def test_library_validates_and_is_not_playable():
    lib = ROOT / "scenarios" / "common" / "csto.yaml"
    assert not check_file(lib).problems
    assert "csto" not in shipped_scenarios()
    with pytest.raises(ScenarioError, match="library"):
        load_scenario(lib)


def _cli(*args, cwd=ROOT):
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True, text=True, cwd=cwd,
                          timeout=60)


def test_cli_output_format_and_exit_codes(tmp_path):
    bad = [str(CORPUS / "range.yaml"), str(CORPUS / "typo_key.yaml")]
    r = _cli("validate", *reversed(bad))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    lines = r.stdout.splitlines()
    assert lines and all(LINE.match(x) for x in lines)
    keys = [(LINE.match(x)[1], int(LINE.match(x)[2]), int(LINE.match(x)[3])) for x in lines]
    assert keys == sorted(keys)
    assert re.search(r"2 files: \d+ errors?, \d+ warnings? \(invalid\)", r.stderr)
    ok = _cli("validate", str(ROOT / "scenarios" / "tutorial_batken_2014.yaml"))
    assert ok.returncode == 0 and "0 errors" in ok.stderr
    assert _cli("validate", str(tmp_path / "missing.yaml")).returncode == 2
    (tmp_path / "bin.yaml").write_bytes(b"\x00\x01\x02binary")
    assert _cli("validate", str(tmp_path / "bin.yaml"), *bad).returncode == 2
    (tmp_path / "big.yaml").write_bytes(b"a: " + b"x" * 2_100_000)
    r = _cli("validate", str(tmp_path / "big.yaml"))
    assert r.returncode == 2 and "larger than the limit" in r.stdout
    (tmp_path / "syntax.yaml").write_text("a: [1, 2\n")
    assert _cli("validate", str(tmp_path / "syntax.yaml")).returncode == 1
    assert _cli("validate", str(tmp_path)).returncode == 2


def test_warnings_and_silencing(tmp_path):
    text = (ROOT / "scenarios" / "tutorial_batken_2014.yaml").read_text()
    text = text.replace("    note: Border guards exchanged", "    note: Border guards exchanged")
    extra = text.replace("sources:\n  - id: rferl2014", "sources:\n  - id: unused\n    title: U\n  - id: rferl2014", 1)
    extra = extra.replace("extends: [common/csto.yaml]", "extends: [" + str(ROOT / "scenarios/common/csto.yaml") + "]")
    p = tmp_path / "w.yaml"
    p.write_text(extra)
    result = check_file(p)
    assert not result.errors
    assert [w for w in result.warnings if "[uncited-source]" in w.message and "'unused'" in w.message]
    p.write_text("# validate: ignore uncited-source\n" + extra)
    assert not [w for w in check_file(p).warnings if "uncited-source" in w.message]


def test_unknown_force_home_is_a_warning(tmp_path):
    src = (CORPUS / "org_force.yaml").read_text().replace("RU_KANTT", "RU_KANT").replace("kant_air_base", "kant_airbase")
    p = tmp_path / "home.yaml"
    p.write_text(src)
    result = check_file(p)
    assert not result.errors
    assert any("unknown home 'kant_airbase'; did you mean 'kant_air_base'?" in w.message for w in result.warnings)


def test_action_kinds_match_engine():
    from game.engine.actions import ACTION_TYPES
    from game.scenario.checks import action_kinds
    assert action_kinds() == frozenset(ACTION_TYPES)


def test_format_upgrade_and_refusal(tmp_path, monkeypatch):
    from game.scenario import loader
    monkeypatch.setattr(loader, "FORMAT_VERSION", 2)

    def up(data):
        data = dict(data)
        data["title"] = data.pop("name")
        return data, ["`name` is now `title`"]
    monkeypatch.setitem(loader.UPGRADES, 1, up)
    text = (CORPUS / "range.yaml").read_text().replace("stability: 1.4", "stability: 0.4").replace("title: B", "name: B")
    p = tmp_path / "old.yaml"
    p.write_text(text)
    result = check_file(p)
    assert not result.errors, result.problems
    assert any("upgraded to format 2" in w.message and "`name` is now `title`" in w.message for w in result.warnings)
    monkeypatch.setitem(loader.REFUSED, 1, "the force model changed")
    assert any("can no longer be read: the force model changed" in e.message for e in check_file(p).errors)


def test_extends_override_and_inherited_problem_location(tmp_path):
    (tmp_path / "base.yaml").write_text(
        "format: 1\nlibrary: true\nactors:\n  - {id: KG, name: K, kind: government}\n"
        "  - {id: RU, name: R, kind: state, budget: -1}\n")
    (tmp_path / "s.yaml").write_text(
        "format: 1\nid: s\ntitle: T\nsummary: S\nstart_date: 2010-01-01\nend_date: 2010-01-05\n"
        "extends: base.yaml\nactors:\n  - {id: KG, name: Kyrgyzstan, kind: government}\n"
        "regions:\n  - {id: KG-O, name: Osh, country: KG, population: 5}\n")
    result = check_file(tmp_path / "s.yaml")
    assert [(Path(e.file).name, e.line) for e in result.errors] == [("base.yaml", 5)]
    (tmp_path / "base.yaml").write_text("format: 1\nlibrary: true\nextends: s.yaml\n")
    assert any("loop" in e.message for e in check_file(tmp_path / "s.yaml").errors)
