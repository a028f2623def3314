"""Differential tests: safe_yaml's event-built data == ``yaml.safe_load`` data, with libyaml and
with the pure-Python parser (keys that YAML would read as non-text stay their source text)."""

from __future__ import annotations

import contextlib
import datetime
import math

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import game.scenario.safe_yaml as sy
from game.scenario.safe_yaml import YamlFileError, load_yaml_text

LOADERS = [pytest.param(yaml.SafeLoader, id="python")]
if getattr(yaml, "CSafeLoader", None) is not None:
    LOADERS.insert(0, pytest.param(yaml.CSafeLoader, id="libyaml"))


@contextlib.contextmanager
def using(loader):
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(sy, "_Loader", loader)
        yield


def norm(x):
    """Comparable form: NaN equals NaN, and the type matters (1 != 1.0 != True)."""
    if isinstance(x, dict):
        return {k: norm(v) for k, v in x.items()}
    if isinstance(x, list):
        return [norm(v) for v in x]
    if isinstance(x, float) and math.isnan(x):
        return ("nan",)
    return (type(x).__name__, x)


# Plain scalars whose YAML 1.1 type is easy to get wrong, plus quoted and tagged ones.
TRICKY = [
    "0", "-0", "+12", "012", "0o17", "0x1F", "0x_1F", "0b1010", "1_000", "-1_000_000", "190:20:30", "1:20",
    "1.5", "-.5", "+1.", "1e3", "1.0e+3", "6.8523015e+5", "685_230.15", "190:20:30.15", "1_0.5",
    ".inf", "-.Inf", "+.INF", ".nan", ".NaN", ".NAN", "inf", "nan",
    "yes", "Yes", "YES", "no", "No", "on", "On", "OFF", "off", "true", "True", "FALSE", "y", "n", "Y", "N",
    "~", "null", "Null", "NULL", "nULL", "", "0.", "._", "1__2", "0x", "0b", "0o", "08", "09.5",
    "2001-12-14", "2001-1-4", "2002-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5",
    "2001-12-15T02:59:43.1Z", "2001-12-14 21:59:43.10", "2001-12-14T21:59:43", "2001-13-14x",
    "<<x", "a b", "é", "-", "--", "+", ".", "'yes'", "\"0x1F\"", "'~'", "\"\"", "''",
    "!!str 123", "!!str yes", "!!int '42'", "!!float '1'", "!!bool 'on'", "!!null ''", "!!timestamp 2001-12-14",
    "! 12", "! yes", "'it''s'", "\"tab\\there\"", "a#b", "a #comment",
]


def _doc(scalars, shape):
    if shape == "map":
        return "".join(f"k{i}: {s}\n" for i, s in enumerate(scalars))
    if shape == "seq":
        return "".join(f"- {s}\n" for s in scalars)
    if shape == "nested":
        return "top:\n" + "".join(f"  - k{i}: {s}\n    x: [{i}]\n" for i, s in enumerate(scalars))
    return "[" + ", ".join(scalars) + "]\n"


def check_same(text, loader):
    """Same data as the safe loader (which cannot construct a plain "=" — safe_yaml keeps it as text)."""
    try:
        want = yaml.load(text, Loader=loader)
    except yaml.YAMLError:
        with using(loader), pytest.raises(YamlFileError):
            load_yaml_text(text)
        return
    with using(loader):
        got = load_yaml_text(text).data
    assert norm(got) == norm(want), text


@pytest.mark.parametrize("loader", LOADERS)
@pytest.mark.parametrize("shape", ["map", "seq", "nested", "flow"])
def test_every_tricky_scalar(loader, shape):
    for s in TRICKY:
        if shape == "flow" and s.startswith(("-", "a #", "! ")) or s.startswith("!!null") and shape == "flow":
            continue
        check_same(_doc([s], shape), loader)


@pytest.mark.parametrize("loader", LOADERS)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(TRICKY), min_size=1, max_size=12), st.sampled_from(["map", "seq", "nested"]))
def test_tricky_documents(loader, scalars, shape):
    check_same(_doc(scalars, shape), loader)


@pytest.mark.parametrize("loader", LOADERS)
def test_tricky_keys_stay_text(loader):
    for s in TRICKY:
        if s.startswith(("!", "\"", "'", "-")) or s in ("", "~", "a #comment") or s.lower() == "null" or \
                s.startswith("<<"):
            continue
        with using(loader):
            doc = load_yaml_text(f"{s}: v\n")
        ref = yaml.load(f"{s}: v\n", Loader=loader)
        [k] = ref
        assert doc.data == {s.split(" #")[0]: "v"}, s
        assert len(doc.warnings) == (0 if isinstance(k, str) else 1), s


SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20),
                    st.dates(), st.datetimes(), st.sampled_from([s for s in TRICKY if s]))
DATA = st.recursive(SCALARS, lambda kids: st.one_of(st.lists(kids, max_size=5),
                                                    st.dictionaries(st.text(max_size=10), kids, max_size=5)),
                    max_leaves=40)


@pytest.mark.parametrize("loader", LOADERS)
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(DATA, st.booleans())
def test_dumped_documents(loader, data, flow):
    text = yaml.safe_dump(data, default_flow_style=flow, width=50)
    if yaml.safe_load(text) is None and not text.strip("\n.").strip() or text.startswith("..."):
        return
    check_same(text, loader)


ALIASES = [
    "a: &x [1, {b: 2010-06-10}]\nc: *x\n",
    "base: &b {cost: 1, tags: [x]}\nkz:\n  <<: *b\n  cost: 2\nkg: *b\n",
    "a: &a {x: 1, y: 1}\nb: &b {y: 2, z: 2}\nc:\n  <<: [*a, *b]\n  w: 0\nd:\n  <<: [*b, *a]\n",
    "a: &a {x: 1}\nb: &b\n  <<: *a\n  y: 2\nc:\n  <<: *b\n  z: 3\n",
    "- &s yes\n- *s\n- &n 12\n- [*n, *s]\n",
    "m: &m {a: [1, 2]}\nl: [*m, *m, {<<: *m, b: 3}]\n",
    "x: {<<: {a: 1}, b: 2}\n",
    "&r {a: 1, b: *r2}\n" if False else "a: &v 1\nb: {k: *v}\n",
]


@pytest.mark.parametrize("loader", LOADERS)
@pytest.mark.parametrize("text", ALIASES)
def test_aliases_and_merges(loader, text):
    check_same(text, loader)
    with using(loader):
        doc = load_yaml_text(text)
    ref = yaml.compose(text, Loader=loader)
    assert doc.root is not None and doc.root.start_mark.line == ref.start_mark.line


def test_dates_and_timestamps():
    d = load_yaml_text("a: 2001-12-14\nb: 2001-12-14 21:59:43.10\nc: 2001-12-14t21:59:43.10-05:00\n").data
    assert d["a"] == datetime.date(2001, 12, 14) and type(d["b"]) is datetime.datetime
    assert d["c"].utcoffset() == datetime.timedelta(hours=-5)
