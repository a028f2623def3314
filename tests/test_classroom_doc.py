"""docs/classroom.md describes what exists: its commands parse, its what-if examples are valid changes,
its `teaching:` example is valid, and the README links it."""
from __future__ import annotations

import re
import shlex
from pathlib import Path

import yaml

from game.cli import build_parser
from game.engine.batch import parse_force
from game.engine.world import build_world
from game.scenario.loader import load_scenario
from game.scenario.schema import Teaching

ROOT = Path(__file__).resolve().parents[1]
GUIDE = (ROOT / "docs" / "classroom.md").read_text(encoding="utf-8")


def test_readme_links_the_guide():
    assert "(docs/classroom.md)" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_command_in_the_guide_parses():
    commands = re.findall(r"^\s*python main\.py (.+?)(?:\s+#.*)?$", GUIDE, flags=re.M)
    commands += re.findall(r"`python main\.py ([^`]+)`", GUIDE)
    assert len(commands) >= 6
    parser = build_parser()
    for c in commands:
        argv = shlex.split(c.replace("SAVE", "x.json").replace("FILE", "s.yaml")
                           .replace('"ACTOR:ACTION[=VALUE][,FIELD=VALUE...]@DATE"', "RU:vote@1"))
        args = parser.parse_args(argv)          # a bad option exits (SystemExit fails the test)
        assert args.command in ("run", "report", "validate"), c


def test_every_what_if_in_the_guide_is_a_valid_change():
    specs = re.findall(r"`([A-Z_]+:[a-z_]+[^`]*@(\d{4})-\d\d-\d\d)`", GUIDE)
    assert len(specs) >= 3
    worlds = {"2010": build_world(load_scenario("kyrgyzstan_2010").scenario),
              "2022": build_world(load_scenario("kazakhstan_2022").scenario)}
    for spec, year in specs:
        forced = parse_force(spec, worlds[year])
        assert forced.actions and forced.turn >= 1, spec


def test_the_teaching_example_is_valid():
    block = re.search(r"```yaml\n(teaching:.*?)```", GUIDE, flags=re.S).group(1)
    t = Teaching.model_validate(yaml.safe_load(block)["teaching"])
    assert {q.phase for q in t.questions} == {"before", "during", "debrief"}
