"""The generated tables of docs/model.md: coefficients, the calibration table, the sensitivity table.

`python main.py calibrate --update-docs` rewrites the parts of docs/model.md between the markers
``<!-- begin NAME -->`` and ``<!-- end NAME -->``; tests/test_docs_model.py checks they are current.
"""
from __future__ import annotations

import re
from pathlib import Path

from game.engine.params import COEFFICIENTS

DOC = Path(__file__).resolve().parents[2] / "docs" / "model.md"
RUNS, SEED = 200, 0


def _value(v) -> str:
    if isinstance(v, tuple):
        return "(" + ", ".join(f"{x:g}" for x in v) + ")"
    return f"{v:g}"


def coefficient_table() -> str:
    lines = ["| coefficient | group | value | meaning | source or judgement |", "|---|---|---|---|---|"]
    for c in COEFFICIENTS.values():
        lines.append(f"| `{c.name}` | {c.group} | {_value(c.value)} | {c.meaning} | {c.source} |")
    return "\n".join(lines)


def calibration_table(scenarios: dict | None = None) -> str:
    from game.engine.calibrate import calibrate, format_table
    scenarios = scenarios if scenarios is not None else _shipped()
    return format_table(calibrate(list(scenarios.values()), runs=RUNS, seed=SEED))


def sensitivity_table(scenarios: dict | None = None) -> str:
    from game.engine import sensitivity
    scenarios = scenarios if scenarios is not None else _shipped()
    return sensitivity.format_table(sensitivity.run(scenarios, runs=RUNS, seed=SEED))


def _shipped() -> dict:
    from game.scenario.loader import load_scenario, shipped_scenarios
    return {sid: load_scenario(p).scenario for sid, p in shipped_scenarios().items()}


def generated(scenarios: dict | None = None) -> dict[str, str]:
    scenarios = scenarios if scenarios is not None else _shipped()
    return {"coefficients": coefficient_table(), "calibration": calibration_table(scenarios),
            "sensitivity": sensitivity_table(scenarios)}


def splice(text: str, tables: dict[str, str]) -> str:
    """Replace each marked block in ``text`` by the fresh table."""
    for name, table in tables.items():
        pattern = re.compile(rf"(<!-- begin {name} -->\n).*?(<!-- end {name} -->)", re.S)
        if not pattern.search(text):
            raise ValueError(f"docs/model.md has no block '{name}'")
        text = pattern.sub(lambda m: m.group(1) + table + "\n" + m.group(2), text)
    return text


def update_docs() -> Path:
    DOC.write_text(splice(DOC.read_text(encoding="utf-8"), generated()), encoding="utf-8")
    return DOC
