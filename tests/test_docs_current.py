"""docs/scenario-format.md and docs/scenario.schema.json are generated and must be current."""
from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from game.scenario import docs
from game.scenario import schema as S
from game.scenario.tools import SCHEMA_PATH, schema_text

ROOT = Path(__file__).resolve().parents[1]


def test_reference_doc_is_current():
    assert docs.DOC_PATH.read_text(encoding="utf-8") == docs.generate(), \
        "docs/scenario-format.md is out of date: run python -m game.scenario.docs"


def test_json_schema_is_current():
    assert SCHEMA_PATH.read_text(encoding="utf-8") == schema_text(), \
        "docs/scenario.schema.json is out of date: run python -m game.scenario.docs"


def test_every_field_documented_with_an_example():
    missing: list = []
    text = docs.reference(missing)
    assert not missing, f"fields without an example: {missing}"
    for m in docs.models():
        assert f"### {m.__name__}" in text
        for name, f in m.model_fields.items():
            assert f.description, f"{m.__name__}.{name} has no description"
            assert f"| `{f.alias or name}` |" in text


def test_all_models_reachable():
    defined = {v for v in vars(S).values() if isinstance(v, type) and issubclass(v, BaseModel)
               and v.__module__ == S.__name__ and v not in (S.Strict, S.Sourced)}
    assert defined <= set(docs.models())


def test_tutorial_in_doc_is_the_shipped_file():
    text = docs.TUTORIAL.read_text(encoding="utf-8")
    doc = docs.DOC_PATH.read_text(encoding="utf-8")
    assert "```yaml\n" + text.rstrip("\n") + "\n```" in doc
    steps = docs.tutorial_steps(text)
    assert [n for n, _, _ in steps] == list(range(1, len(steps) + 1)) and len(steps) >= 6
    assert all(docs.STEPS.get(n) for n, _, _ in steps)
