"""docs/model.md explains every parameter and coefficient, and its generated tables are current."""
from pathlib import Path

import pytest

from game.engine import model_doc
from game.engine.params import COEFFICIENTS
from game.scenario.schema import Parameters

MODEL = (Path(__file__).resolve().parents[1] / "docs" / "model.md").read_text(encoding="utf-8")


def test_every_dynamics_parameter_is_explained():
    missing = [name for name in Parameters.model_fields if f"`{name}`" not in MODEL]
    assert not missing, f"docs/model.md does not explain: {missing}"


def test_every_coefficient_is_in_the_table_with_its_value_and_source():
    table = model_doc.coefficient_table()
    assert table in MODEL, "run `python main.py calibrate --update-docs`"
    for c in COEFFICIENTS.values():
        assert f"| `{c.name}` |" in MODEL


@pytest.fixture(scope="module")
def tables():
    return model_doc.generated()


@pytest.mark.parametrize("name", ["calibration", "sensitivity"])
def test_the_generated_tables_are_current(tables, name):
    """The historical check and the sensitivity table in docs/model.md are what the model gives now
    (200 runs, seed 0): `python main.py calibrate --update-docs` rewrites them."""
    assert tables[name] in MODEL, f"docs/model.md's {name} table is stale: run `python main.py calibrate --update-docs`"


def test_every_factor_moves_the_outcome_as_the_literature_expects_somewhere(tables):
    """Sensitivity: each documented factor moves the decision in the expected direction in at least one case."""
    from game.engine import sensitivity
    results = sensitivity.run(model_doc._shipped(), runs=model_doc.RUNS, seed=model_doc.SEED)
    by_factor: dict[str, list[bool]] = {}
    for r in results:
        by_factor.setdefault(r.experiment.factor, []).append(r.moved_as_expected)
    assert {"treaty rules", "ties to the adversary", "commitments elsewhere", "framing", "evidence",
            "decision rule", "ties to the requester"} <= set(by_factor)
    dead = [f for f, ok in by_factor.items() if not any(ok)]
    assert not dead, f"factors that move nothing in the expected direction: {dead}"
    against = [(r.experiment.factor, r.experiment.scenario) for r in results if r.moved * r.experiment.expect < -0.05]
    assert not against, f"factors that move the outcome the wrong way: {against}"
