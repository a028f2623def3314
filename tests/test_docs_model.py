"""docs/model.md explains every dynamics parameter and quotes the measured historical shares."""
from pathlib import Path

from game.scenario.schema import Parameters

MODEL = (Path(__file__).resolve().parents[1] / "docs" / "model.md").read_text(encoding="utf-8")


def test_every_parameter_is_explained():
    missing = [name for name in Parameters.model_fields if f"`{name}`" not in MODEL]
    assert not missing, f"docs/model.md does not explain: {missing}"


def test_the_historical_check_is_reported():
    assert "Historical check" in MODEL and "200 runs" in MODEL
