"""The scenario format's optional `teaching:` section: learning objectives, questions by phase, timings."""
from __future__ import annotations

from pathlib import Path

import pytest

from game import cli
from game.engine.game import Game
from game.scenario.loader import ScenarioError, load_scenario

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("sid", ["kyrgyzstan_2010", "kazakhstan_2022"])
def test_shipped_classroom_scenarios_have_teaching_material(sid):
    sc = load_scenario(sid).scenario
    t = sc.teaching
    assert t is not None and len(t.learning_objectives) >= 3
    phases = {q.phase for q in t.questions}
    assert phases == {"before", "during", "debrief"}
    for q in t.questions:
        assert q.text.rstrip().endswith("?"), "a question, not a statement"
        if q.phase == "during":
            assert sc.start_date <= q.date_from <= (q.date_to or q.date_from) <= sc.end_date
    m = t.suggested_minutes
    assert m is not None and 45 <= m.setup + m.play + m.debrief <= 90


def _with_teaching(tmp_path, block: str) -> Path:
    text = (ROOT / "scenarios" / "kyrgyzstan_2010.yaml").read_text(encoding="utf-8")
    text = text[:text.index("\nteaching:")] + "\n" + block
    path = tmp_path / "class.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("block, says", [
    ("teaching:\n  questions:\n    - {phase: during, text: \"Why?\"}\n", "a `during` question needs `date_from`"),
    ("teaching:\n  questions:\n    - {phase: before, date_from: 2010-06-12, text: \"Why?\"}\n",
     "only a `during` question has dates"),
    ("teaching:\n  questions:\n    - {phase: during, date_from: 2010-06-14, date_to: 2010-06-12, text: \"Why?\"}\n",
     "`date_to` is before `date_from`"),
    ("teaching:\n  questions:\n    - {phase: later, text: \"Why?\"}\n", "later"),
    ("teaching:\n  suggested_minutes: {setup: 5, play: 0, debrief: 10}\n", "play"),
    ("teaching:\n  lesson_plan: yes\n", "lesson_plan"),
])
def test_bad_teaching_material_is_an_error_at_its_line(tmp_path, block, says):
    path = _with_teaching(tmp_path, block)
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path)
    problems = [p for p in exc.value.problems if p.severity == "error"]
    assert problems and any(says in p.message for p in problems), [p.format() for p in problems]
    first_line = path.read_text(encoding="utf-8").splitlines().index("teaching:") + 1
    assert all(p.line >= first_line for p in problems), "the error points into the teaching section"


def test_a_question_dated_outside_the_scenario_is_a_warning(tmp_path, capsys):
    path = _with_teaching(tmp_path, "teaching:\n  questions:\n"
                                    "    - {phase: during, date_from: 2010-07-02, text: \"What now?\"}\n")
    assert cli.main(["validate", str(path)]) == 0
    out = capsys.readouterr().out
    assert "question-outside" in out and "2010-07-02 is outside the scenario" in out


def test_teaching_material_never_changes_play():
    sc = load_scenario("kyrgyzstan_2010").scenario
    bare = sc.model_copy(update={"teaching": None})
    a, b = Game(sc, seed=5), Game(bare, seed=5)
    a.run_to_end()
    b.run_to_end()
    assert cli.run_report(a) == cli.run_report(b)
