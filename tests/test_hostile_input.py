"""Bad input never hangs, crashes or silently changes the game (issue 8).

The broken-file corpus (tests/broken_scenarios) holds one file per kind of mistake; this module
covers what a single expected error cannot: no cascades, bounded output and time, strict YAML 1.2
types, bounds in the JSON Schema, the map checks, and the command line (special files, long
names, closed pipes, non-UTF-8 terminals, option errors, exit codes, no display).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from game.scenario.loader import MAX_ERRORS, check_file

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(__file__).parent / "broken_scenarios"

BASE = """format: 1
id: hostile
title: Hostile input
summary: A small valid scenario that the tests break in one place at a time.
start_date: 2010-06-10
end_date: 2010-06-30
actors:
  - {id: KG, name: Kyrgyzstan, kind: government, country: KG}
  - {id: TJ, name: Tajikistan, kind: state, country: TJ}
regions:
  - {id: KG-B, name: Batken, country: KG, population: 500000, neighbours: [TJ-SU, KG-O]}
  - {id: KG-O, name: Osh, country: KG, population: 1000000}
  - {id: TJ-SU, name: Sughd, country: TJ, population: 2000000}
objectives:
  - {id: kg_calm, actor: KG, description: Few deaths, figure: casualties, country: KG, at_most: 100}
  - {id: tj_calm, actor: TJ, description: Few deaths, figure: casualties, country: TJ, at_most: 100}
"""


def check(tmp_path, text: str, name: str = "s.yaml"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return check_file(p)


def messages(result, severity=None) -> list[str]:
    return [p.message for p in result.problems if severity is None or p.severity == severity]


def test_base_is_valid(tmp_path):
    result = check(tmp_path, BASE)
    assert not result.problems, result.problems


# --- one mistake, one error --------------------------------------------------------------
ONE_ERROR = ["yaml11_bool", "yaml11_number", "datetime_date", "infinity", "nan_threshold", "huge_integer",
             "huge_troops", "whole_number", "date_in_all", "region_not_on_map", "implausible_length",
             "chair_not_member", "sponsor_not_state", "commitments_on_group", "hostilities_not_bordering",
             "hostilities_by_group", "ceasefire_same", "request_about", "decision_factor", "decision_body",
             "literal_far", "bidi_override"]


@pytest.mark.parametrize("name", ONE_ERROR)
def test_one_mistake_gives_exactly_one_problem(name):
    result = check_file(CORPUS / f"{name}.yaml")
    assert len(result.problems) == 1, "\n".join(p.format() for p in result.problems)


def test_end_before_start_has_no_follow_on_errors(tmp_path):
    text = BASE.replace("end_date: 2010-06-30", "end_date: 2010-06-01") + (
        "events:\n  - {id: e, title: E, trigger: {turn_from: 3}, effects: [{news: {text: x}}]}\n"
        "history:\n  summary: S\n  decisions:\n    - {body: KG, outcome: [declined], date: 2010-06-15}\n")
    result = check(tmp_path, text)
    assert [(p.line, p.message) for p in result.problems] == [(6, "end_date: end_date is before start_date")]


def test_a_bad_date_does_not_hide_a_key_typo(tmp_path):
    result = check(tmp_path, BASE.replace("start_date: 2010-06-10", "start_date: 2010-02-30")
                   .replace("summary:", "sumary:"))
    msgs = messages(result, "error")
    assert any("'start_date'" in m and "no such day" in m for m in msgs)
    assert any("unknown key 'sumary'; did you mean 'summary'?" in m for m in msgs)


def test_empty_actors_is_one_error(tmp_path):
    text = BASE.split("actors:")[0] + "actors: []\n" + "regions:" + BASE.split("regions:")[1]
    assert messages(check(tmp_path, text)) == ["'actors' needs at least 1 item"]


def test_invalid_history_does_not_make_sources_uncited(tmp_path):
    text = BASE + ("sources:\n  - {id: s1, title: S}\nhistory:\n  summary: x\n  outcomes: {KG: nonsense}\n"
                   "  timeline:\n    - {date: 2010-06-11, text: t, sources: [s1]}\n")
    msgs = messages(check(tmp_path, text))
    assert len(msgs) == 1 and "'KG' cannot be 'nonsense'; allowed: 'no_session'" in msgs[0]


def test_did_you_mean_only_when_close(tmp_path):
    far = messages(check_file(CORPUS / "literal_far.yaml"))[0]
    assert "did you mean" not in far and "'aggression'" in far and "'terrorism'" in far
    near = messages(check(tmp_path, BASE.replace("kind: state", "kind: stat")))[0]
    assert "did you mean 'state'?" in near and "allowed:" in near


def test_quoted_dates_are_dates(tmp_path):
    result = check(tmp_path, BASE.replace("start_date: 2010-06-10", "start_date: '2010-06-10'"))
    assert not result.problems and result.scenario.start_date.isoformat() == "2010-06-10"


@pytest.mark.parametrize("where, old, new, text", [
    ("playable", "kind: state,", "kind: state, playable: off,", "write true or false"),
    ("budget", "kind: state,", "kind: state, budget: yes,", "for a yes/no setting write true or false"),
    ("border open", None, None, "write true or false"),
])
def test_yaml11_booleans_are_errors(tmp_path, where, old, new, text):
    if old is None:
        body = BASE + ("events:\n  - {id: e, title: E, trigger: {turn_from: 2}, "
                       "effects: [{border: {actor: KG, neighbour: TJ, open: no}}]}\n")
    else:
        body = BASE.replace(old, new)
    msgs = messages(check(tmp_path, body), "error")
    assert len(msgs) == 1 and text in msgs[0], msgs


def test_long_scenario_warns(tmp_path):
    result = check(tmp_path, BASE.replace("end_date: 2010-06-30", "end_date: 2012-01-30"))
    assert not result.errors and any("[long-scenario]" in m for m in messages(result, "warning"))


# --- bounds -------------------------------------------------------------------------------
def test_every_number_has_bounds_in_the_json_schema():
    """Every number in the scenario format has a maximum (and a minimum) the editor also sees."""
    from game.scenario.tools import json_schema
    schema = json_schema()
    missing = []

    def visit(node, path):
        if isinstance(node, dict):
            if node.get("type") in ("number", "integer"):
                has_max = "maximum" in node or "exclusiveMaximum" in node
                has_min = "minimum" in node or "exclusiveMinimum" in node
                if not (has_max and has_min):
                    missing.append(path)
            for k, v in node.items():
                visit(v, f"{path}.{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                visit(v, f"{path}[{i}]")
    visit(schema, "$")
    assert not missing, missing


def test_numbers_are_finite_and_strict():
    from game.scenario.schema import Strict
    assert Strict.model_config["allow_inf_nan"] is False and Strict.model_config["strict"] is True


# --- bounded time and output ---------------------------------------------------------------
def test_many_bad_items_are_bounded_and_counted(tmp_path):
    text = BASE.replace("actors:\n", "actors:\n" + "  - {}\n" * 8000)
    start = time.perf_counter()
    result = check(tmp_path, text)
    elapsed = time.perf_counter() - start
    assert len(result.errors) == MAX_ERRORS + 1
    last = result.problems[-1]
    assert last.message.startswith("… ") and "list items not checked" in last.message and last.line == 0
    assert elapsed < 5, elapsed  # was 12 s (quadratic); the goal (<= 2 s for any file) is in `bench`


def test_many_unknown_references_are_fast(tmp_path):
    refs = ", ".join(f"KG-{i:05d}" for i in range(4000))
    text = BASE.replace("neighbours: [TJ-SU, KG-O]", f"neighbours: [TJ-SU, KG-O, {refs}]")
    start = time.perf_counter()
    result = check(tmp_path, text)
    assert time.perf_counter() - start < 5  # was 7.5 s: a did-you-mean search per reference
    assert "3,900 more errors" in result.problems[-1].message


def test_over_long_lists_are_refused(tmp_path):
    from game.scenario import loader
    text = BASE.replace("neighbours: [TJ-SU, KG-O]", "neighbours: [" + ", ".join(["KG-O"] * 10_001) + "]")
    msgs = messages(check(tmp_path, text), "error")
    assert any(f"at most {loader.MAX_LIST_ITEMS:,} are allowed" in m for m in msgs)


# --- the map -------------------------------------------------------------------------------
def test_unknown_region_lists_the_real_ones(tmp_path):
    msg = messages(check_file(CORPUS / "region_not_on_map.yaml"))[0]
    assert "KG-O (Osh)" in msg and "KG-GB (Bishkek)" in msg


def test_wrong_and_missing_neighbours_warn_with_the_real_ones(tmp_path):
    body = BASE.replace("objectives:", "  - {id: KZ-MAN, name: Mangystau, country: KG, population: 5, "
                        "neighbours: [KG-GB]}\n  - {id: KG-GB, name: Bishkek, country: KG, population: 5}\n"
                        "objectives:")
    result = check(tmp_path, body)
    warn = messages(result, "warning")
    assert not result.errors
    assert any("KZ-MAN (Mangystau) and KG-GB (Bishkek) do not share a border on the map" in m
               and "KZ-ATY (Atyrau)" in m and "[not-neighbours]" in m for m in warn), warn
    missing = BASE.replace("neighbours: [TJ-SU, KG-O]", "neighbours: [TJ-SU]")
    warn = messages(check(tmp_path, missing), "warning")
    assert any("KG-B (Batken) borders KG-O (Osh) on the map" in m and "[missing-neighbour]" in m for m in warn)


def test_region_of_a_country_off_the_map_is_a_warning(tmp_path):
    body = BASE.replace("objectives:", "  - {id: RU-MOW, name: Moscow, country: TJ, population: 5, "
                        "neighbours: [TJ-SU]}\nobjectives:")
    result = check(tmp_path, body)
    assert not result.errors and any("[off-map-region]" in m for m in messages(result, "warning"))


def test_region_index_matches_the_map():
    from game.scenario import geography
    assert geography.INDEX.read_text(encoding="utf-8") == geography.index_text(), \
        "assets/maps/regions.json is out of date: run python -m game.scenario.geography"
    m = geography.map_regions()
    assert "KG-O" in m.regions["KG-B"].neighbours and "KG-GB" not in m.regions["KZ-MAN"].neighbours
    assert all(r.id in m.regions[n].neighbours for r in m.regions.values() for n in r.neighbours)  # symmetric


def test_shipped_scenarios_agree_with_the_map():
    from game.scenario.loader import shipped_scenarios
    for path in shipped_scenarios().values():
        result = check_file(path)
        bad = [p.format() for p in result.problems if "on the map" in p.message or "[off-map-region]" in p.message]
        assert not bad, bad


# --- the command line ----------------------------------------------------------------------
def cli(*args, env=None, timeout=120, **kw):
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=timeout, env={**os.environ, **(env or {})}, **kw)


def assert_one_clean_line(r):
    assert "Traceback" not in r.stderr and "Error:" not in r.stderr.replace("error:", ""), r.stderr
    lines = [x for x in r.stderr.splitlines() if x.strip() and not x.startswith(("ALSA", "pygame"))]
    assert 1 <= len(lines) <= 2, r.stderr


def test_fifo_never_hangs(tmp_path):
    fifo = tmp_path / "f.yaml"
    os.mkfifo(fifo)
    for args in (("validate", str(fifo)), ("run", str(fifo)), ("new", str(tmp_path / "x.yaml"), "--from", str(fifo))):
        r = cli(*args, timeout=30)  # a hang fails here
        assert r.returncode == 2 and "named pipe" in (r.stdout + r.stderr), (args, r.stdout, r.stderr)
        assert "Traceback" not in r.stderr


def test_over_long_file_names(tmp_path):
    long = str(tmp_path / ("x" * 300 + ".yaml"))
    for args in (("validate", long), ("run", long), ("new", long),
                 ("screenshot", long, "--out", str(tmp_path / "o.png"))):
        r = cli(*args, env={"SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"})
        assert r.returncode == 2, (args, r.returncode, r.stderr)
        assert "too long" in r.stdout + r.stderr and "Traceback" not in r.stderr, r.stderr


def test_same_exit_code_for_unreadable_and_invalid_files_in_every_command(tmp_path):
    binary = tmp_path / "bin.yaml"
    binary.write_bytes(b"format: 1\x00\x01")
    invalid = CORPUS / "range.yaml"
    env = {"SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    for path, code in ((binary, 2), (tmp_path / "missing.yaml", 2), (tmp_path, 2), (invalid, 1)):
        for args in (("validate", str(path)), ("run", str(path)),
                     ("screenshot", str(path), "--out", str(tmp_path / "o.png"))):
            r = cli(*args, env=env)
            assert r.returncode == code, (args, r.returncode, r.stdout, r.stderr)
            assert "Traceback" not in r.stderr


def test_closed_pipe_is_quiet():
    for args in (("run", "tutorial_batken_2014", "--json"), ("schema",), ("run", "--list"),
                 ("validate", str(CORPUS / "range.yaml"))):
        p = subprocess.Popen([sys.executable, str(ROOT / "main.py"), *args], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, cwd=ROOT)
        p.stdout.close()  # the reader is gone before anything is written, like `| head -c 0`
        err = p.stderr.read().decode()
        p.wait(timeout=120)
        assert "Traceback" not in err and "BrokenPipe" not in err, (args, err)


def _cyrillic_scenario(tmp_path) -> Path:
    p = tmp_path / "cyr.yaml"
    p.write_text(BASE.replace("name: Kyrgyzstan", "name: Кыргызстан").replace("name: Tajikistan", "name: Тоҷикистон"),
                 encoding="utf-8")
    return p


def test_non_utf8_terminal(tmp_path):
    p = _cyrillic_scenario(tmp_path)
    r = cli("run", str(p), "--turns", "3", env={"PYTHONIOENCODING": "cp1252"})
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    r = cli("run", str(p), "--turns", "3", "--json", env={"PYTHONIOENCODING": "cp1252"})
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)  # lossless: escaped, not replaced
    assert doc["assessment"]["KG"]["name"] == "Кыргызстан"


def test_option_errors_name_the_option():
    r = cli("run", "tutorial_batken_2014", "--seed", "-1")
    assert r.returncode == 2 and "--seed" in r.stderr and "Traceback" not in r.stderr
    r = cli("run", "tutorial_batken_2014", "--turns", "0")
    assert r.returncode == 2 and "--turns" in r.stderr


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs a system without a display")
def test_play_without_a_display_says_so():
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER")}
    r = subprocess.run([sys.executable, str(ROOT / "main.py")], capture_output=True, text=True, cwd=ROOT,
                       timeout=60, env=env)
    assert r.returncode == 1 and "no display" in r.stderr and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1, r.stderr


def test_screenshot_uses_default_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    (tmp_path / "collective-security").mkdir()
    (tmp_path / "collective-security" / "settings.json").write_text(
        json.dumps({"window_size": "1280x720", "ui_scale": 1.3, "colourblind": True}))
    from game.ui.screenshot import build_app
    app = build_app("tutorial_batken_2014", "title", (800, 600))
    assert app.settings.ui_scale == 1.0 and app.settings.colourblind is False
    app = build_app("tutorial_batken_2014", "title", (800, 600), user_settings=True)
    assert app.settings.ui_scale == 1.3 and app.settings.colourblind is True


def test_run_json_lists_the_events_with_dates_and_choices():
    r = cli("run", "tutorial_batken_2014", "--json", "--seed", "1")
    doc = json.loads(r.stdout)
    assert doc["events"] and all({"turn", "date", "event", "title", "news"} <= set(e) for e in doc["events"])
    appeal = [e for e in doc["events"] if e["event"] == "kyrgyz_appeal"]
    assert appeal and appeal[0]["choices"][0]["chosen"] and appeal[0]["choices"][0]["actor"] == "KG"


# --- what the validator accepts, the game plays -------------------------------------------------
def _numeric_paths(data, schema):
    """(location, JSON Schema node) of every number in ``data`` (the first two items of each list)."""
    defs = schema["$defs"]
    out = []

    def walk(value, sch, path):
        if "$ref" in sch:
            sch = defs[sch["$ref"].split("/")[-1]]
        if "anyOf" in sch:
            for x in sch["anyOf"]:
                if x.get("type") != "null":
                    return walk(value, x, path)
            return None
        if isinstance(value, dict) and "properties" in sch:
            for k, v in sch["properties"].items():
                if k in value:
                    walk(value[k], v, path + (k,))
        elif isinstance(value, dict) and isinstance(sch.get("additionalProperties"), dict):
            for k in value:
                walk(value[k], sch["additionalProperties"], path + (k,))
        elif isinstance(value, list) and "items" in sch:
            for i, v in enumerate(value[:2]):
                walk(v, sch["items"], path + (i,))
        elif sch.get("type") in ("number", "integer") and isinstance(value, (int, float)) \
                and not isinstance(value, bool):
            out.append((path, sch))
    walk(data, schema, ())
    return out


@pytest.mark.parametrize("end", ["maximum", "minimum"])
def test_the_game_plays_every_number_at_its_bound(end):
    """Every number at the end of its range at once: the game runs to the end, JSON stays JSON
    (the bounds are what keeps 10**400 and .inf from crashing or silently changing the game)."""
    import copy
    import warnings

    from game.cli import run_report
    from game.engine.game import Game
    from game.scenario.loader import load_scenario
    from game.scenario.schema import Scenario
    from game.scenario.tools import json_schema
    data = load_scenario("kyrgyzstan_2010").scenario.model_dump(mode="python", by_alias=True, exclude_none=True)
    paths = _numeric_paths(data, json_schema())
    assert len(paths) > 80
    d = copy.deepcopy(data)
    for path, sch in paths:
        lim = sch.get(end)
        if lim is None:
            lim = sch.get("exclusive" + end.capitalize())
            lim = lim - 1 if end == "maximum" else lim + (1 if sch["type"] == "integer" else 1e-3)
        node = d
        for p in path[:-1]:
            node = node[p]
        node[path[-1]] = int(lim) if sch["type"] == "integer" else float(lim)
    d.pop("history", None)  # its ranges must keep low <= high
    sc = Scenario.model_validate(d)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # no overflow, no NaN on the way
        g = Game(sc, seed=0)
        g.run_to_end()
        json.dumps(run_report(g), allow_nan=False)


def test_a_duplicate_key_does_not_hide_other_problems(tmp_path):
    text = BASE.replace("title: Hostile input\n", "title: Hostile input\ntitle: Again\n").replace("summary:", "sumary:")
    msgs = messages(check(tmp_path, text), "error")
    assert any(m.startswith("duplicate key 'title'") for m in msgs)
    assert any("unknown key 'sumary'; did you mean 'summary'?" in m for m in msgs)
