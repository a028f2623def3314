"""Load a scenario file: safe YAML -> `extends` merge -> format upgrade -> schema -> cross-checks.

Every problem is reported with its file, line and column; nothing here raises
anything but ``ScenarioError`` (which carries every problem found).
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from game.scenario.safe_yaml import LoadedYaml, Problem, YamlFileError, load_yaml_file
from game.scenario.schema import FORMAT_VERSION, Scenario

SCENARIO_DIR = Path(__file__).resolve().parents[2] / "scenarios"
LIST_KEYS = ("sources", "actors", "organisations", "regions", "forces", "agreements", "events", "objectives")
MAX_EXTENDS_DEPTH = 8


class ScenarioError(Exception):
    """A scenario could not be loaded; ``problems`` lists every reason with its place."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(p.format() for p in problems))


@dataclass
class LoadedScenario:
    scenario: Scenario
    path: Path
    warnings: list[Problem] = field(default_factory=list)


def shipped_scenarios() -> dict[str, Path]:
    """Scenario id -> path of the scenarios shipped in ``scenarios/`` (file stem = id)."""
    return {p.stem: p for p in sorted(SCENARIO_DIR.glob("*.yaml"))}


def resolve(ref: str) -> Path:
    """A path, or the id of a shipped scenario. Raises FileNotFoundError with a suggestion."""
    path = Path(ref)
    if path.suffix in (".yaml", ".yml") or path.exists():
        if not path.exists():
            raise FileNotFoundError(f"no such file: {ref}")
        return path
    shipped = shipped_scenarios()
    if ref in shipped:
        return shipped[ref]
    close = difflib.get_close_matches(ref, list(shipped), n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else f" (shipped: {', '.join(shipped)})"
    raise FileNotFoundError(f"unknown scenario '{ref}'{hint}")


def load_scenario(ref: str | Path) -> LoadedScenario:
    """Load and validate a scenario; raise ``ScenarioError`` listing every problem."""
    path = resolve(str(ref)) if not isinstance(ref, Path) else ref
    if not path.exists():
        raise ScenarioError([Problem(str(path), 0, 0, "error", "the file does not exist")])
    loaded, data, origins, problems = _load_with_extends(path, depth=0, chain=())
    warnings = [p for p in problems if p.severity == "warning"]
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise ScenarioError(errors + warnings)
    data, upgrade = upgrade_format(data, loaded)
    warnings += upgrade
    if any(p.severity == "error" for p in upgrade):
        raise ScenarioError(upgrade)
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(schema_problems(exc, loaded, origins) + warnings) from None
    from game.scenario.checks import cross_check  # local: checks imports this module's types
    problems = cross_check(scenario, loaded, origins)
    errors = [p for p in problems if p.severity == "error"]
    warnings += [p for p in problems if p.severity == "warning"]
    if errors:
        raise ScenarioError(errors + warnings)
    return LoadedScenario(scenario, path, warnings)


def _load_with_extends(path: Path, depth: int, chain: tuple):
    """Load a file and the files it extends. Returns (its LoadedYaml, merged data, origins, problems).

    ``origins`` maps (list key, index in the merged list) to (LoadedYaml, index in that file),
    so a problem in an inherited item points at the file it came from.
    """
    problems: list[Problem] = []
    try:
        loaded = load_yaml_file(path)
    except YamlFileError as exc:
        raise ScenarioError(exc.problems) from None
    except OSError as exc:
        raise ScenarioError([Problem(str(path), 0, 0, "error", f"cannot read the file: {exc.strerror or exc}")]) from None
    problems += loaded.warnings
    data = loaded.data
    if not isinstance(data, dict):
        raise ScenarioError([Problem(str(path), 1, 1, "error",
                                     "a scenario file must be a mapping of keys (id:, title:, actors:, ...)")])
    origins: dict = {}
    merged: dict = {}
    parents = data.get("extends", []) or []
    if isinstance(parents, str):
        parents = [parents]
    for i, parent in enumerate(parents if isinstance(parents, list) else []):
        line, col = loaded.locate(("extends", i)) if isinstance(data.get("extends"), list) else loaded.locate(("extends",))
        ppath = (path.parent / str(parent)).resolve()
        if ppath in chain or ppath == path.resolve():
            problems.append(Problem(str(path), line, col, "error", f"'{parent}' extends itself in a loop"))
            continue
        if depth >= MAX_EXTENDS_DEPTH:
            problems.append(Problem(str(path), line, col, "error", "too many levels of `extends`"))
            continue
        if not ppath.exists():
            problems.append(Problem(str(path), line, col, "error", f"extended file '{parent}' does not exist"))
            continue
        _, pdata, porigins, pprob = _load_with_extends(ppath, depth + 1, chain + (path.resolve(),))
        problems += pprob
        for key, value in pdata.items():
            if key in LIST_KEYS:
                start = len(merged.get(key, []))
                merged.setdefault(key, []).extend(value)
                for j in range(len(value)):
                    origins[(key, start + j)] = porigins.get((key, j))
            elif key not in ("extends", "format"):
                merged[key] = value
    for key, value in data.items():
        if key in LIST_KEYS and isinstance(value, list) and key in merged:
            start = len(merged[key])
            merged[key] = _override_by_id(merged[key], value, origins, key, loaded)
        elif key in LIST_KEYS and isinstance(value, list):
            merged[key] = value
            for j in range(len(value)):
                origins[(key, j)] = (loaded, j)
        else:
            merged[key] = value
    merged.pop("extends", None)
    return loaded, merged, origins, problems


def _override_by_id(base: list, own: list, origins: dict, key: str, loaded: LoadedYaml) -> list:
    """Items of the extending file replace inherited items with the same id, others are appended."""
    out = list(base)
    index = {item.get("id"): i for i, item in enumerate(out) if isinstance(item, dict)}
    for j, item in enumerate(own):
        iid = item.get("id") if isinstance(item, dict) else None
        if iid is not None and iid in index:
            out[index[iid]] = item
            origins[(key, index[iid])] = (loaded, j)
        else:
            origins[(key, len(out))] = (loaded, j)
            out.append(item)
    return out


def upgrade_format(data: dict, loaded: LoadedYaml) -> tuple[dict, list[Problem]]:
    """Bring an older format up to date in memory, with a warning; refuse newer ones."""
    version = data.get("format", FORMAT_VERSION)
    line, col = loaded.locate(("format",)) if "format" in data else (1, 1)
    if not isinstance(version, int) or isinstance(version, bool):
        return data, [Problem(loaded.path, line, col, "error", "`format` must be a whole number, e.g. `format: 1`")]
    if version > FORMAT_VERSION:
        return data, [Problem(loaded.path, line, col, "error",
                              f"this file is format {version}, newer than this game reads ({FORMAT_VERSION}): update the game")]
    if version < 1:
        return data, [Problem(loaded.path, line, col, "error", f"unknown format {version}: the first format is 1")]
    return data, []


def schema_problems(exc: ValidationError, loaded: LoadedYaml, origins: dict) -> list[Problem]:
    """Turn pydantic's errors into located problems with plain messages and did-you-means."""
    from game.scenario.messages import describe_error
    out = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        src, loc_in_src = _origin(loc, loaded, origins)
        if err["type"] == "extra_forbidden":
            line, col = src.locate_key(loc_in_src)
        else:
            line, col = src.locate(loc_in_src)
        out.append(Problem(src.path, line, col, "error", describe_error(err, loc)))
    return out


def _origin(loc: tuple, loaded: LoadedYaml, origins: dict):
    """Map a location in the merged data to the file and location it came from."""
    if len(loc) >= 2 and loc[0] in LIST_KEYS and isinstance(loc[1], int):
        origin = origins.get((loc[0], loc[1]))
        if origin is not None:
            src, j = origin
            return src, (loc[0], j) + tuple(loc[2:])
    return loaded, loc
