"""Fuzzing the whole load path: nothing but ScenarioError / FileNotFoundError ever escapes."""
from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.scenario.loader import ScenarioError, check_file, load_scenario

ROOT = Path(__file__).resolve().parents[1]
BASE = yaml.safe_load((ROOT / "scenarios" / "kyrgyzstan_2010.yaml").read_text(encoding="utf-8"))
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                          HealthCheck.too_slow])


def _load(path: Path) -> None:
    try:
        load_scenario(path)
    except (ScenarioError, FileNotFoundError):
        pass
    result = check_file(path)
    for p in result.problems:
        assert p.format() and p.severity in ("error", "warning")


@FAST
@given(st.binary(max_size=400))
def test_arbitrary_bytes(tmp_path_factory, data):
    p = tmp_path_factory.mktemp("b") / "s.yaml"
    p.write_bytes(data)
    _load(p)


scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=False),
                    st.text(max_size=12), st.dates(dt.date(1990, 1, 1), dt.date(2030, 1, 1)),
                    st.sampled_from(["KG", "KG-O", "CSTO", "violence", "2010-06-10", "home"]))
keys = st.sampled_from(["id", "name", "format", "actors", "regions", "extends", "events", "trigger", "effects",
                        "title", "kind", "country", "population", "all", "not", "figure", "library", "sources"])
trees = st.recursive(scalars, lambda ch: st.lists(ch, max_size=4) | st.dictionaries(keys, ch, max_size=5),
                     max_leaves=25)


@FAST
@given(trees)
def test_arbitrary_yaml(tmp_path_factory, tree):
    p = tmp_path_factory.mktemp("y") / "s.yaml"
    p.write_text(yaml.safe_dump(tree, allow_unicode=True))
    _load(p)


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, prefix + (i,))


ALL_PATHS = [p for p in _paths(BASE) if p]


@FAST
@given(st.lists(st.tuples(st.sampled_from(ALL_PATHS),
                          st.sampled_from(["drop", "rename", "wrong", "null", "list"]), scalars), max_size=4))
def test_mutated_valid_scenario(tmp_path_factory, mutations):
    data = copy.deepcopy(BASE)
    for path, how, value in mutations:
        parent = data
        try:
            for part in path[:-1]:
                parent = parent[part]
            last = path[-1]
            if how == "drop":
                del parent[last]
            elif how == "rename" and isinstance(parent, dict):
                parent[str(last) + "x"] = parent.pop(last)
            elif how == "wrong":
                parent[last] = value
            elif how == "null":
                parent[last] = None
            else:
                parent[last] = [parent[last]]
        except (KeyError, IndexError, TypeError):
            continue
    p = tmp_path_factory.mktemp("m") / "s.yaml"
    p.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    _load(p)
    result = check_file(p)
    if not mutations:
        assert not result.errors
