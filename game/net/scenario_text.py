"""The scenario as it travels over the network: one self-contained YAML text.

The host sends the validated scenario written out in full (``extends`` already merged), so a client
needs no file. A client reads the text it received as hostile input: the project's safe YAML loader
and the whole validator (``load_scenario``) read it from a private temporary folder, and a text that
names other files (``extends``) is refused, so a host cannot make a client read its disk.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

import yaml


class ScenarioTextError(ValueError):
    """The scenario text from the host cannot be played; ``str(exc)`` says why."""


def scenario_text(scenario) -> str:
    """The validated ``scenario`` as one YAML document that loads to the same scenario."""
    data = scenario.model_dump(mode="json", by_alias=True, exclude_none=True)
    for key in ("extends", "library"):
        data.pop(key, None)
    data = {"format": data.pop("format", 1), **data}
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def scenario_from_text(text: str, name: str = "network-scenario.yaml"):
    """The ``LoadedScenario`` of a text received from a host; ``ScenarioTextError`` with the first problem."""
    from game.scenario.loader import ScenarioError, load_scenario
    from game.scenario.safe_yaml import YamlFileError, load_yaml_text
    try:
        data = load_yaml_text(text).data
    except YamlFileError as exc:
        raise ScenarioTextError(_first(exc.problems)) from None
    if not isinstance(data, dict):
        raise ScenarioTextError("the scenario is not a mapping of keys")
    if "extends" in data:
        raise ScenarioTextError("a scenario sent over the network must not name other files (`extends`)")
    with tempfile.TemporaryDirectory(prefix="collective-security-net-") as folder:
        path = Path(folder) / name
        path.write_text(text, encoding="utf-8")
        try:
            return load_scenario(path)
        except ScenarioError as exc:
            raise ScenarioTextError(_first(exc.problems)) from None


def world_from_text(text: str):
    """The engine's ``World`` of a scenario text received from a host (see ``scenario_from_text``)."""
    from game.engine.world import build_world
    return build_world(scenario_from_text(text).scenario)


def _first(problems) -> str:
    return problems[0].format() if problems else "the scenario cannot be read"
