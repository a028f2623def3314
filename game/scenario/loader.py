"""Load a scenario file: safe YAML -> format upgrade -> `extends` merge -> schema -> cross-checks.

Every problem is reported with its file, line and column; nothing here raises
anything but ``ScenarioError`` (which carries every problem found) and, from
``resolve``, ``FileNotFoundError``.

Validation does not stop at the first problem: pydantic reports every schema
error at once, and the cross-reference checks then run on every list item that
passed the schema on its own, so an unknown key in one actor does not hide a bad
reference in a region.

Library files (``library: true``, e.g. ``scenarios/common/csto.yaml``) hold shared
definitions to be ``extends``-ed; they are validated with the top-level fields of
a playable scenario (id, title, dates...) optional, and cannot be played.
"""
from __future__ import annotations

import gc
import hashlib
import itertools
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from pydantic import ValidationError

from game.scenario.files import MAX_BYTES, Problem, YamlFileError, describe_os_error, read_regular_file
from game.scenario.schema import FORMAT_VERSION, Scenario

if TYPE_CHECKING:
    from game.scenario.safe_yaml import LoadedYaml

SCENARIO_DIR = Path(__file__).resolve().parents[2] / "scenarios"
LIST_KEYS = ("sources", "actors", "organisations", "regions", "forces", "agreements", "events", "objectives")
#: Keys of a file that are never inherited through ``extends``.
NOT_INHERITED = ("extends", "format", "library")
MAX_EXTENDS_DEPTH = 8
MAX_EXTENDS_FILES = 32

#: Upgrades of older formats, applied in memory: ``UPGRADES[v]`` turns format ``v`` data into
#: format ``v + 1`` data and returns ``(data, notes)``. Format 1 is the first; when format 2
#: comes, its upgrade from 1 goes here. A version with no upgrade and below the current one
#: is refused with the reason in ``REFUSED``.
UPGRADES: dict[int, Callable[[dict], tuple[dict, list[str]]]] = {}
REFUSED: dict[int, str] = {}

#: At most this many errors are reported per file (then one line says how many more were found and
#: how many list items were not checked): output and time stay bounded whatever the file holds.
MAX_ERRORS = 100
MAX_WARNINGS = 100
#: No list in a scenario may hold more items than this (checked before the schema, which would
#: otherwise build one error object per bad item).
MAX_LIST_ITEMS = 10_000
MORE = "… "  # the start of the message that counts what was not reported


class ScenarioError(Exception):
    """A scenario could not be loaded; ``problems`` lists every reason with its place.

    ``unreadable`` is True when a file could not be read at all (missing, not a file,
    too big, not UTF-8 text): ``validate`` exits 2 for those and 1 for other errors.
    """

    def __init__(self, problems: list[Problem], unreadable: bool = False):
        self.problems = problems
        self.unreadable = unreadable
        super().__init__("\n".join(p.format() for p in problems))


@dataclass
class LoadedScenario:
    scenario: Scenario
    path: Path
    warnings: list[Problem] = field(default_factory=list)


@dataclass
class CheckResult:
    """Everything ``check_file`` found: the scenario (None when there are errors) and every problem."""

    path: Path
    scenario: Scenario | None
    problems: list[Problem]
    unreadable: bool = False
    library: bool = False
    #: Every file read, in order: (name as given, resolved path, SHA-256 of its bytes).
    files_read: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


def shipped_scenarios() -> dict[str, Path]:
    """Scenario id -> path of the scenarios shipped in ``scenarios/`` (file stem = id).

    Libraries of shared definitions live in ``scenarios/common/`` and are not listed.
    """
    return {p.stem: p for p in sorted(SCENARIO_DIR.glob("*.yaml"))}


def path_problem(path: Path | str) -> str | None:
    """Why ``path`` cannot be a scenario file to read (one plain sentence), or None if it may be.
    Never raises: over-long names, loops and permission problems are answers too."""
    import stat
    try:
        st = os.stat(path)
    except OSError as exc:
        return describe_os_error(exc, path)
    except ValueError:
        return "the file name contains a NUL character"
    if stat.S_ISDIR(st.st_mode):
        return "this is a directory, not a scenario file"
    if not stat.S_ISREG(st.st_mode):
        return "this is not a regular file (a named pipe, a device or a socket); only regular files are read"
    return None


def _exists(path: Path) -> bool:
    try:
        os.stat(path)
        return True
    except (OSError, ValueError):
        return False


def resolve(ref: str) -> Path:
    """A path, or the id of a shipped scenario. Raises FileNotFoundError with a suggestion
    (also for a path that cannot be a scenario file: too long a name, a directory, a pipe)."""
    path = Path(ref)
    if path.suffix in (".yaml", ".yml") or _exists(path) or "/" in ref or os.sep in ref:
        why = path_problem(path)
        if why is not None:
            raise FileNotFoundError(f"{ref}: {why}")
        return path
    shipped = shipped_scenarios()
    if ref in shipped:
        return shipped[ref]
    import difflib
    close = difflib.get_close_matches(ref, list(shipped), n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else f" (shipped: {', '.join(shipped)})"
    raise FileNotFoundError(f"unknown scenario '{ref}'{hint}")


def load_scenario(ref: str | Path, *, cached: bool = False) -> LoadedScenario:
    """Load and validate a scenario; raise ``ScenarioError`` listing every problem.

    With ``cached``, a scenario validated before from the very same files by the very same code
    comes from the user's cache, and a newly validated one is kept there (game/scenario/cache.py
    says when an entry is trusted)."""
    path = resolve(str(ref)) if not isinstance(ref, Path) else ref
    if cached:
        from game.scenario import cache
        hit = cache.lookup(path)
        if hit is not None:
            return LoadedScenario(hit[0], path, hit[1])
    result = check_file(path)
    if result.errors:
        raise ScenarioError(sort_problems(result.problems), result.unreadable)
    if result.library or result.scenario is None:
        raise ScenarioError([Problem(str(path), 1, 1, "error",
                                     "this file is a library of shared definitions (`library: true`): "
                                     "it cannot be played; write a scenario that `extends:` it")])
    if cached:
        cache.store(path, result.scenario, result.warnings, result.files_read)
    return LoadedScenario(result.scenario, path, result.warnings)


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """Deterministic order: by file, line, column, then errors before warnings, then message."""
    seen, out = set(), []
    last = 1 << 62  # the count of what was not reported comes after the rest of its file
    for p in sorted(problems, key=lambda p: (p.file, last if p.message.startswith(MORE) else p.line, p.col,
                                             p.severity != "error", p.message)):
        if p not in seen:
            seen.add(p)
            out.append(p)
    return out


def check_file(path: Path | str) -> CheckResult:
    """Validate a scenario or library file and everything it extends; never raises."""
    path = Path(path)
    collecting = gc.isenabled()
    gc.disable()  # the trees are acyclic and bounded by the size limit; collection doubled the time
    try:
        return _check_file(path)
    except ScenarioError as exc:
        return CheckResult(path, None, sort_problems(exc.problems), exc.unreadable)
    except RecursionError:
        return CheckResult(path, None, [Problem(str(path), 0, 0, "error",
                                                "the data is nested too deeply to check; flatten it")])
    except Exception as exc:  # never a traceback for a bad file  # pragma: no cover
        return CheckResult(path, None, [Problem(str(path), 0, 0, "error",
                                                f"internal error while checking ({type(exc).__name__}: {exc}); "
                                                "please report this together with the file")])
    finally:
        if collecting:
            gc.enable()


@dataclass
class _Reads:
    """What loading read: each file (as ``CheckResult.files_read`` lists them), and the most items
    in one list of any file's data (None when unknown, e.g. after a format upgrade)."""

    files: list[tuple[str, str, str]] = field(default_factory=list)
    longest_list: int | None = 0


def _check_file(path: Path) -> CheckResult:
    reads = _Reads()
    loaded, data, origins, problems = _load_with_extends(path, depth=0, chain=(), reads=reads)
    library = data.pop("library", False) is True
    fatal = [p for p in problems if p.severity == "error" and not p.message.startswith("duplicate key ")]
    if fatal:  # a duplicate key keeps its first value: the rest of the file is still checked
        return CheckResult(path, None, _bounded(path, _filtered(problems)), library=library, files_read=reads.files)
    from game.scenario.checks import cross_check, library_model  # local: checks imports this module
    model = library_model() if library else Scenario
    if not _short_lists(data, reads.longest_list):
        problems += _long_lists(data, loaded, origins)
    scenario, items, schema, unchecked = _validate(model, data, loaded, origins)
    problems += schema
    problems += cross_check(scenario, data, loaded, origins, library=library, items=items,
                            budget=MAX_ERRORS - len(schema))
    if any(p.severity == "error" for p in problems):
        scenario = None
    return CheckResult(path, scenario if not library else None, _bounded(path, _filtered(problems), unchecked),
                       library=library, files_read=reads.files)


def _short_lists(data: dict, longest_list: int | None) -> bool:
    """True when no list in ``data`` can be longer than ``MAX_LIST_ITEMS``: no file read holds one,
    and the top-level lists, the only ones `extends` joins, are short too."""
    return (longest_list is not None and longest_list <= MAX_LIST_ITEMS
            and all(len(data[k]) <= MAX_LIST_ITEMS for k in LIST_KEYS if type(data.get(k)) is list))


def _long_lists(data, loaded: LoadedYaml, origins: dict) -> list[Problem]:
    """Lists longer than ``MAX_LIST_ITEMS`` anywhere in the data: reported, then cut to the limit
    (so that the schema never builds one error per item of a huge list). Iterative."""
    out: list[Problem] = []
    todo = [((), data)]
    while todo:
        loc, node = todo.pop()
        if type(node) is dict:
            todo.extend((loc + (k,), v) for k, v in node.items() if type(v) in (dict, list))
        elif type(node) is list:
            if len(node) > MAX_LIST_ITEMS:
                src, inner = origin(loc + (0,), loaded, origins)
                line, col = src.locate(inner[:-1])
                out.append(Problem(src.path, line, col, "error",
                                   f"this list has {len(node):,} items; at most {MAX_LIST_ITEMS:,} are allowed "
                                   "(the items after that were not checked)"))
                del node[MAX_LIST_ITEMS:]
            todo.extend((loc + (i,), v) for i, v in enumerate(node) if type(v) in (dict, list))
    return out


def _validate(model, data: dict, loaded: LoadedYaml, origins: dict):
    """Validate the scenario item by item with a budget of errors.

    Returns (scenario or None, {list key: [item model or None]}, problems, items not checked).
    Each list item is validated on its own (so one bad item never hides another's problems and
    the cross-checks reuse the valid ones); once ``MAX_ERRORS`` errors are found the remaining
    items are only counted. The scenario itself is then validated with the valid items in place
    (pydantic takes them as they are), so a valid file is validated once."""
    from game.scenario.checks import ITEM_MODELS
    problems: list[Problem] = []
    items: dict[str, list] = {}
    top = dict(data)
    unchecked = 0
    emptied = set()
    for key, item_model in ITEM_MODELS.items():
        raw = data.get(key)
        if not isinstance(raw, list):
            continue
        out: list = []
        for j, x in enumerate(raw):
            if len(problems) >= MAX_ERRORS:
                out.append(None)
                unchecked += 1
                continue
            try:
                out.append(item_model.model_validate(x))
            except ValidationError as exc:
                out.append(None)
                problems += schema_problems(exc.errors(), loaded, origins, prefix=(key, j))
        items[key] = out
        top[key] = [x for x in out if x is not None]
        if raw and not top[key]:
            emptied.add(key)
    try:
        scenario = model.model_validate(top)
    except ValidationError as exc:
        scenario = None
        errs = [e for e in exc.errors() if not (e["type"] == "too_short" and tuple(e["loc"])[:1] in
                                                 {(k,) for k in emptied} and len(e["loc"]) == 1)]
        problems += schema_problems(errs, loaded, origins)
    return scenario, items, problems, unchecked


def _bounded(path: Path, problems: list[Problem], unchecked: int = 0) -> list[Problem]:
    """At most ``MAX_ERRORS`` errors and ``MAX_WARNINGS`` warnings, then one line with the count of the rest."""
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity != "error"]
    if len(errors) <= MAX_ERRORS and len(warnings) <= MAX_WARNINGS and not unchecked:
        return problems
    more_e, more_w = max(0, len(errors) - MAX_ERRORS), max(0, len(warnings) - MAX_WARNINGS)
    out = sort_problems(errors[:MAX_ERRORS] + warnings[:MAX_WARNINGS])
    parts = []
    if more_e:
        parts.append(f"{more_e:,} more error{'s' if more_e != 1 else ''}")
    if more_w:
        parts.append(f"{more_w:,} more warning{'s' if more_w != 1 else ''}")
    if unchecked:
        parts.append(f"{unchecked:,} list item{'s' if unchecked != 1 else ''} not checked")
    out.append(Problem(str(path), 0, 0, "error" if (more_e or unchecked) else "warning",
                       f"{MORE}{' and '.join(parts)} (at most {MAX_ERRORS} errors and {MAX_WARNINGS} warnings "
                       "are reported per file: fix these and validate again)"))
    return out


def _read_file(path: Path, reads: _Reads) -> LoadedYaml:
    """Read and parse one file (as ``load_yaml_file`` does), noting it in ``reads``."""
    from game.scenario.safe_yaml import load_yaml_text  # the parser is imported only when a file is parsed
    try:
        data = read_regular_file(path, MAX_BYTES)
        loaded = load_yaml_text(data, str(path), max_bytes=MAX_BYTES, keep_going=True)
    except YamlFileError as exc:
        raise ScenarioError(exc.problems, exc.unreadable) from None
    reads.files.append((str(path), str(Path(path).resolve()), hashlib.sha256(data).hexdigest()))
    if reads.longest_list is not None:
        reads.longest_list = None if loaded.longest_list is None else max(reads.longest_list, loaded.longest_list)
    return loaded


def _load_with_extends(path: Path, depth: int, chain: tuple, reads: _Reads):
    """Load a file and the files it extends. Returns (its LoadedYaml, merged data, origins, problems).

    ``origins`` maps (list key, index in the merged list) to (LoadedYaml, index in that file),
    and (top-level key,) to (LoadedYaml, ()), so a problem in an inherited item points at the
    file it came from.
    """
    problems: list[Problem] = []
    loaded = _read_file(path, reads)
    problems += loaded.warnings + loaded.errors
    data = loaded.data
    if not isinstance(data, dict):
        raise ScenarioError([Problem(str(path), 1, 1, "error",
                                     "a scenario file must be a mapping of keys (format:, id:, title:, actors:, ...), "
                                     f"not a {_kind(data)}")])
    data, upgrade = upgrade_format(data, loaded)
    if data is not loaded.data:  # upgraded: its lists are not those the parser counted
        reads.longest_list = None
    problems += upgrade
    if any(p.severity == "error" for p in upgrade):
        return loaded, {}, {}, problems
    origins: dict = {}
    merged: dict = {}
    parents = data.get("extends", []) or []
    if isinstance(parents, str):
        parents = [parents]
    if not isinstance(parents, list):
        line, col = loaded.locate(("extends",))
        problems.append(Problem(str(path), line, col, "error",
                                "`extends` must be a file name or a list of file names, e.g. `extends: [common/csto.yaml]`"))
        parents = []
    if len(parents) > MAX_EXTENDS_FILES:
        line, col = loaded.locate(("extends",))
        problems.append(Problem(str(path), line, col, "error",
                                f"`extends` lists {len(parents)} files; at most {MAX_EXTENDS_FILES} are allowed"))
        parents = parents[:MAX_EXTENDS_FILES]
    for i, parent in enumerate(parents):
        line, col = loaded.locate(("extends", i)) if isinstance(data.get("extends"), list) else loaded.locate(("extends",))
        if not isinstance(parent, str) or not parent.strip():
            problems.append(Problem(str(path), line, col, "error", "each `extends` entry must be a file name"))
            continue
        ppath = Path(os.path.normpath(path.parent / parent))  # shown in messages as written
        why = path_problem(ppath)
        if why is not None:
            near = _near_files(path.parent, parent) if not _exists(ppath) else ""
            what = ("does not exist (paths are relative to this file)" if why == "the file does not exist"
                    else f"cannot be read: {why}")
            problems.append(Problem(str(path), line, col, "error", f"extended file '{parent}' {what}{near}"))
            continue
        if ppath.resolve() in chain or ppath.resolve() == path.resolve():
            problems.append(Problem(str(path), line, col, "error", f"'{parent}' extends itself in a loop"))
            continue
        if depth >= MAX_EXTENDS_DEPTH:
            problems.append(Problem(str(path), line, col, "error",
                                    f"more than {MAX_EXTENDS_DEPTH} levels of `extends`"))
            continue
        try:
            ploaded, pdata, porigins, pprob = _load_with_extends(ppath, depth + 1, chain + (path.resolve(),), reads)
        except ScenarioError as exc:
            problems += exc.problems
            problems.append(Problem(str(path), line, col, "error", f"the extended file '{parent}' cannot be read"))
            continue
        problems += pprob
        for key, value in pdata.items():
            if key in LIST_KEYS and isinstance(value, list):
                start = len(merged.get(key, []))
                merged.setdefault(key, []).extend(value)
                for j in range(len(value)):
                    origins[(key, start + j)] = porigins.get((key, j))
            elif key not in NOT_INHERITED:
                merged[key] = value
                origins[(key,)] = porigins.get((key,), (ploaded, ()))
    for key, value in data.items():
        if key in LIST_KEYS and isinstance(value, list) and isinstance(merged.get(key), list):
            merged[key] = _override_by_id(merged[key], value, origins, key, loaded)
        elif key in LIST_KEYS and isinstance(value, list):
            merged[key] = value
            for j in range(len(value)):
                origins[(key, j)] = (loaded, j)
        else:
            merged[key] = value
            origins.pop((key,), None)
    merged.pop("extends", None)
    merged.pop("format", None)
    if data.get("library") is True and depth == 0:
        merged["library"] = True
    else:
        merged.pop("library", None)
    return loaded, merged, origins, problems


def _near_files(folder: Path, name: str) -> str:
    try:
        names = [str(p.relative_to(folder)) for p in itertools.islice(folder.rglob("*.yaml"), 500)]
    except OSError:  # pragma: no cover
        return ""
    import difflib
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.8)
    return f"; did you mean '{close[0]}'?" if close else ""


def _kind(value) -> str:
    return {list: "list", str: "single text value", int: "number", float: "number", bool: "boolean"}.get(
        type(value), type(value).__name__)


def _override_by_id(base: list, own: list, origins: dict, key: str, loaded: LoadedYaml) -> list:
    """Items of the extending file replace inherited items with the same id, others are appended."""
    out = list(base)
    index = {item.get("id"): i for i, item in enumerate(out) if isinstance(item, dict) and isinstance(item.get("id"), str)}
    for j, item in enumerate(own):
        iid = item.get("id") if isinstance(item, dict) else None
        if isinstance(iid, str) and iid in index:
            out[index[iid]] = item
            origins[(key, index[iid])] = (loaded, j)
        else:
            origins[(key, len(out))] = (loaded, j)
            out.append(item)
    return out


def upgrade_format(data: dict, loaded: LoadedYaml) -> tuple[dict, list[Problem]]:
    """Bring an older format up to date in memory, with a warning; refuse newer or unknown ones."""
    if "format" not in data:
        return data, [Problem(loaded.path, 1, 1, "warning",
                              f"no `format:` given; read as format {FORMAT_VERSION} (add `format: {FORMAT_VERSION}` "
                              "at the top so a later version of the game never misreads this file) [missing-format]")]
    version = data["format"]
    line, col = loaded.locate(("format",))
    if not isinstance(version, int) or isinstance(version, bool):
        return data, [Problem(loaded.path, line, col, "error",
                              f"`format` must be a whole number, e.g. `format: {FORMAT_VERSION}`, got {version!r}")]
    if version > FORMAT_VERSION:
        return data, [Problem(loaded.path, line, col, "error",
                              f"this file is format {version}, newer than this game reads ({FORMAT_VERSION}): "
                              "update the game")]
    if version < 1:
        return data, [Problem(loaded.path, line, col, "error",
                              f"unknown format {version}: the first format is 1")]
    if version == FORMAT_VERSION:
        return data, []
    notes: list[str] = []
    v = version
    while v < FORMAT_VERSION:
        if v in REFUSED or v not in UPGRADES:
            reason = REFUSED.get(v, "no automatic upgrade exists")
            return data, [Problem(loaded.path, line, col, "error",
                                  f"format {version} can no longer be read: {reason}")]
        data, more = UPGRADES[v](dict(data))
        notes += more
        v += 1
    detail = f": {'; '.join(notes)}" if notes else ""
    return data, [Problem(loaded.path, line, col, "warning",
                          f"this file is format {version}; it was upgraded to format {FORMAT_VERSION} in memory"
                          f"{detail} (update the file and set `format: {FORMAT_VERSION}`) [old-format]")]


def schema_problems(errors: list[dict], loaded: LoadedYaml, origins: dict, prefix: tuple = ()) -> list[Problem]:
    """Turn pydantic's errors into located problems with plain messages and did-you-means.
    ``prefix`` is the location of the validated value in the file (for one list item)."""
    from game.scenario.messages import clean_errors, describe_error
    out = []
    if prefix:
        errors = [{**e, "loc": prefix + tuple(e["loc"])} for e in errors]
    for err, loc in clean_errors(errors):
        src, loc_in_src = origin(loc, loaded, origins)
        if err["type"] == "extra_forbidden":
            line, col = src.locate_key(loc_in_src)
        else:
            line, col = src.locate(loc_in_src)
        out.append(Problem(src.path, line, col, "error", describe_error(err, loc)))
    return out


def origin(loc: tuple, loaded: LoadedYaml, origins: dict):
    """Map a location in the merged data to the file and location it came from."""
    if len(loc) >= 2 and loc[0] in LIST_KEYS and isinstance(loc[1], int):
        found = origins.get((loc[0], loc[1]))
        if found is not None:
            src, j = found
            return src, (loc[0], j) + tuple(loc[2:])
    if loc and (loc[0],) in origins and origins[(loc[0],)] is not None:
        src, _ = origins[(loc[0],)]
        return src, loc
    return loaded, loc


# --- silencing warnings ---------------------------------------------------------------
_IGNORE = re.compile(r"#\s*validate:\s*ignore\s+([a-z0-9_\-, ]+)")
_CODE = re.compile(r"\[([a-z0-9\-]+)\]$")


def _filtered(problems: list[Problem]) -> list[Problem]:
    """Drop warnings silenced with a `# validate: ignore CODE[, CODE]` comment in their file.

    The comment on its own line silences the code for the whole file; at the end of a line it
    silences it for that line only.
    """
    cache: dict[str, tuple[set, dict]] = {}
    out = []
    for p in problems:
        m = _CODE.search(p.message) if p.severity == "warning" else None
        if m is None:
            out.append(p)
            continue
        if p.file not in cache:
            cache[p.file] = _ignores(p.file)
        whole, by_line = cache[p.file]
        code = m.group(1)
        if code in whole or code in by_line.get(p.line, ()):
            continue
        out.append(p)
    return sort_problems(out)


def _ignores(path: str) -> tuple[set, dict]:
    whole: set = set()
    by_line: dict = {}
    try:
        text = Path(path).read_text(encoding="utf-8-sig", errors="replace")
    except OSError:
        return whole, by_line
    if "validate:" not in text:
        return whole, by_line
    for n, line in enumerate(text.splitlines(), 1):
        m = _IGNORE.search(line)
        if m:
            codes = {c.strip() for c in m.group(1).replace(",", " ").split() if c.strip()}
            if line.lstrip().startswith("#"):
                whole |= codes
            else:
                by_line.setdefault(n, set()).update(codes)
    return whole, by_line
