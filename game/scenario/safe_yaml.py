"""Load one untrusted YAML file into plain Python data, with exact line/column locations.

Threat model: scenario and save files are written by instructors, students or strangers and
arrive by e-mail or the web, so they are treated as hostile.  A file may be huge, binary junk,
deeply nested (the recursive composers die: ``RecursionError`` in pure Python, a *segfault* in
libyaml's ``CSafeLoader``), an "alias bomb" (a few hundred bytes of nested ``&anchor``/``*alias``
that expand to billions of nodes), or carry tags such as ``!!python/object`` that ask a loader to
run code.  This module:

* reads at most ``max_bytes + 1`` bytes and requires UTF-8 (a BOM is fine);
* refuses control characters (binary files) before any parsing;
* bounds the nesting depth *before* composing: a cheap upper bound from the text, and when that
  is not enough a scan of the (non-recursive) event stream;
* composes with ``CSafeLoader`` when libyaml is present (pure ``SafeLoader`` otherwise), then
  builds a *fresh* tree itself: only the standard YAML tags are accepted (others are refused,
  never constructed), duplicate keys are errors, every alias copy counts against
  ``max_alias_expansions``;
* turns every failure, expected or not, into :class:`YamlFileError` carrying :class:`Problem` s.

Data conventions: mapping keys are always ``str``.  A scalar key that YAML would read as a number,
boolean or date (``2024:``, ``yes:``) is kept as its source text with a *warning* (in
``LoadedYaml.warnings``); a null key or a list/mapping key is an *error*.  YAML dates
(``2024-05-01``) become ``datetime.date``; full timestamps become ``datetime.datetime``.
Merge keys (``<<: *base``) are supported; their copies count as alias expansions.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

__all__ = ["Problem", "YamlFileError", "LoadedYaml", "load_yaml_file", "load_yaml_text"]

_Loader = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader

_Y = "tag:yaml.org,2002:"
_STR, _NULL, _BOOL, _INT, _FLOAT, _TS = (_Y + t for t in ("str", "null", "bool", "int", "float", "timestamp"))
_SEQ, _MAP, _MERGE, _VALUE = _Y + "seq", _Y + "map", _Y + "merge", _Y + "value"
_TEXT_TAGS = {_STR, _VALUE, _MERGE}  # '=' and '<<' outside a merge are plain text
_SCALAR_TAGS = {_NULL, _BOOL, _INT, _FLOAT, _TS} | _TEXT_TAGS
_KIND = {_NULL: "null", _BOOL: "boolean", _INT: "integer", _FLOAT: "number", _TS: "date"}

# Characters PyYAML refuses anywhere in a stream (same set as yaml.reader.Reader.NON_PRINTABLE).
_NON_PRINTABLE = re.compile("[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010FFFF]")
# A line's prefix of whitespace, BOM and block indicators ('-', '?', ':' + blank): no block
# collection starts at a column beyond it, so block nesting <= 2 * (longest prefix + 1).
_BREAKS = "\n\r\x85\u2028\u2029"
_PREFIX_CHAR = f"(?:[ \t\ufeff]|[-?:](?=[ \t{_BREAKS}]|\\Z))"


@functools.lru_cache(maxsize=8)
def _long_prefix(length: int) -> re.Pattern:
    """Matches a line whose prefix is at least ``length`` characters long."""
    return re.compile(f"(?:\\A|(?<=[{_BREAKS}])){_PREFIX_CHAR}{{{length}}}")


_HINTS = (  # (substring of PyYAML/libyaml problem text, advice)
    ("mapping values are not allowed", "is a ':' missing a space after a key, or does a value containing ': ' need quotes?"),
    ("could not find expected ':'", "is a 'key: value' line missing its ':', or a quote not closed?"),
    ("expected key", "check this line's indentation: it must line up with the other keys of its block"),
    ("expected <block end>", "check this line's indentation: it must line up with the other entries of its block"),
    ("expected '-' indicator", "check the indentation: list items ('- ...') must line up"),
    ("undefined alias", "a '*name' must refer to an '&name' anchor defined above it"),
    ("end of stream", "is a quote or bracket left open?"),
    ("',' or ']'", "is a ']' missing, or a ',' between items?"),
    ("',' or '}'", "is a '}' missing, or a ',' between entries?"),
    ("unknown escape", "inside double quotes write a backslash as '\\\\', or use single quotes"),
    ("found duplicate anchor", "each '&name' anchor must be unique"),
)


@dataclass(frozen=True)
class Problem:
    """One located diagnostic about a file."""

    file: str
    line: int  # 1-based, 0 if unknown
    col: int  # 1-based, 0 if unknown
    severity: str  # "error" | "warning"
    message: str

    def format(self) -> str:
        """gcc-style ``FILE:LINE:COL: severity: message`` (unknown parts left out)."""
        where = self.file
        if self.line > 0:
            where += f":{self.line}" + (f":{self.col}" if self.col > 0 else "")
        return f"{where}: {self.severity}: {self.message}"


class YamlFileError(Exception):
    """The file cannot be read or parsed at all; ``problems`` says why and where."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(p.format() for p in self.problems))


@dataclass
class LoadedYaml:
    """A loaded document: plain ``data``, its composed node graph ``root`` and non-fatal ``warnings``."""

    data: Any
    root: Node
    path: str
    warnings: list[Problem] = field(default_factory=list)

    def _walk(self, loc) -> tuple[Node, Node | None]:
        """(node reached, key node of the last step if it was a mapping key)."""
        node, key = self.root, None
        for part in loc:
            if isinstance(node, MappingNode):
                pair = _find_key(node, str(part), set())
                if pair is None:
                    return node, None  # missing key: point at the mapping that should hold it
                key, node = pair
            elif isinstance(node, SequenceNode) and isinstance(part, int) and -len(node.value) <= part < len(node.value):
                key, node = None, node.value[part]
            else:
                return node, None
        return node, key

    def locate(self, loc: tuple[str | int, ...]) -> tuple[int, int]:
        """1-based (line, col) of the *value* node at a pydantic-style ``loc``, walking as far as the
        path exists (a missing key gives the mapping that should contain it).  For an unknown
        (extra) key, use :meth:`locate_key` to point at the key itself."""
        node, _ = self._walk(loc)
        return _pos(node)

    def locate_key(self, loc: tuple[str | int, ...]) -> tuple[int, int]:
        """1-based (line, col) of the KEY node of the last element of ``loc`` if it is a mapping key,
        else the same as :meth:`locate`."""
        node, key = self._walk(loc)
        return _pos(key if key is not None else node)


def _pos(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _find_key(node: MappingNode, key: str, seen: set) -> tuple[Node, Node] | None:
    """The (key node, value node) pair for ``key``, looking into merged (``<<``) mappings too."""
    merges = []
    for k, v in node.value:
        if isinstance(k, ScalarNode):
            if k.tag == _MERGE:
                merges.extend(v.value if isinstance(v, SequenceNode) else [v])
            elif k.value == key:
                return k, v
    for m in merges:
        if isinstance(m, MappingNode) and id(m) not in seen:
            seen.add(id(m))
            if (found := _find_key(m, key, seen)) is not None:
                return found
    return None


def _tag_refused(tag: str) -> str:
    short = "!!" + tag[len(_Y):] if tag.startswith(_Y) else tag
    if "python" in tag:
        return f"the tag '{short}' asks to run Python code and is never allowed; remove it"
    return (f"the tag '{short}' is not allowed; scenario files may only contain plain text, numbers, "
            "booleans, dates, lists and mappings (remove the tag)")


_MAX_PROBLEMS = 50


class _Abort(Exception):
    """Stop constructing at once (alias bomb, recursion)."""


class _Builder:
    """Builds a fresh plain-Python tree from a composed node graph (no shared objects)."""

    def __init__(self, path: str, max_depth: int, max_alias_expansions: int):
        self.path, self.max_depth, self.budget = path, max_depth, max_alias_expansions
        self.problems: list[Problem] = []
        self.counts: dict[str, int] = {}
        self.seen: set[int] = set()  # nodes built at least once
        self.active: set[int] = set()  # nodes being built (recursion guard)
        self.expansions = 0
        self.site: Node | None = None  # where the alias being expanded is used
        self.scalars = yaml.constructor.SafeConstructor()

    def report(self, node: Node | None, message: str, severity: str = "error") -> None:
        """Record a problem; drop warnings and stop reading after ``_MAX_PROBLEMS`` of a kind."""
        line, col = _pos(node) if node is not None else (0, 0)
        self.counts[severity] = same = self.counts.get(severity, 0) + 1
        if same > _MAX_PROBLEMS:  # only warnings get here
            return
        self.problems.append(Problem(self.path, line, col, severity, message))
        if severity == "error" and same == _MAX_PROBLEMS:
            self.problems.append(Problem(self.path, line, col, "error", "too many errors; stopped reading here"))
            raise _Abort

    def build(self, node: Node, depth: int = 1, via: Node | None = None) -> Any:
        nid = id(node)
        if nid in self.active:
            self.report(via or node, "an alias ('*name') refers to a list or mapping that contains it; "
                        "recursive data is not allowed")
            raise _Abort
        if nid in self.seen:
            if self.site is None:  # entering an alias copy: remember where it is used
                self.site = via or node
                try:
                    return self.build(node, depth, via)
                finally:
                    self.site = None
            self.expansions += 1
            if self.expansions > self.budget:
                self.report(self.site, f"aliases ('*name') expand to more than {self.budget:,} copied "
                            "values (an 'alias bomb'?); write the data out or use fewer aliases")
                raise _Abort
        else:
            self.seen.add(nid)
        if depth > self.max_depth:
            self.report(via or node, f"data is nested more than {self.max_depth} levels deep once aliases "
                        "are expanded; flatten it")
            raise _Abort
        if isinstance(node, ScalarNode):
            return self.scalar(node)
        if node.tag not in (_SEQ, _MAP):
            self.report(node, _tag_refused(node.tag))
            return None
        if isinstance(node, SequenceNode) and node.tag == _SEQ:
            self.active.add(nid)
            out = [self.build(item, depth + 1, node) for item in node.value]
        elif isinstance(node, MappingNode) and node.tag == _MAP:
            self.active.add(nid)
            out = self.mapping(node, depth)
        else:
            self.report(node, f"the tag '!!{node.tag[len(_Y):]}' does not fit this value; remove the tag")
            return None
        self.active.discard(nid)
        return out

    def scalar(self, node: ScalarNode) -> Any:
        tag = node.tag
        if tag not in _SCALAR_TAGS:
            self.report(node, _tag_refused(tag))
            return None
        if tag in _TEXT_TAGS:
            return node.value
        try:
            value = getattr(self.scalars, "construct_yaml_" + tag[len(_Y):])(node)
        except Exception:
            self.report(node, f"the value {node.value!r} is not a valid {_KIND[tag]}; fix it or remove the tag")
            return None
        return value

    def key(self, node: Node) -> str | None:
        if not isinstance(node, ScalarNode):
            self.report(node, "a key must be plain text, not a list or mapping")
            return None
        if node.tag in _TEXT_TAGS:
            return node.value
        if node.tag == _NULL:
            self.report(node, "a key is empty or null; write a name before the ':'")
            return None
        if node.tag not in _SCALAR_TAGS:
            self.scalar(node)  # reports the tag
            return None
        self.report(node, f"the key {node.value!r} would be read as a {_KIND[node.tag]}; it is kept as text "
                    "(quote it to silence this warning)", "warning")
        return node.value

    def mapping(self, node: MappingNode, depth: int) -> dict:
        out: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        merged: list[dict] = []
        for key_node, value_node in node.value:
            if isinstance(key_node, ScalarNode) and key_node.tag == _MERGE:
                merged.extend(self.merge(value_node, depth))
                continue
            key = self.key(key_node)
            if key is None:
                continue
            if key in first_line:
                self.report(key_node, f"duplicate key {key!r} (first defined on line {first_line[key]}); "
                            "remove or rename one of them")
                continue
            first_line[key] = key_node.start_mark.line + 1
            out[key] = self.build(value_node, depth + 1, key_node)
        if merged:  # explicit keys win over merged ones; earlier merges win over later ones
            base: dict[str, Any] = {}
            for m in reversed(merged):
                base.update(m)
            base.update(out)
            out = base
        return out

    def merge(self, node: Node, depth: int) -> list[dict]:
        items = node.value if isinstance(node, SequenceNode) else [node]
        if not all(isinstance(n, MappingNode) for n in items):
            self.report(node, "a merge key ('<<') must be followed by a mapping or a list of mappings")
            return []
        return [self.build(n, depth, node) for n in items]


def _problem_from_yaml_error(path: str, err: yaml.YAMLError, text: str) -> Problem:
    problem = (getattr(err, "problem", None) or str(err)).strip()
    context = (getattr(err, "context", None) or "").strip()
    pmark, cmark = getattr(err, "problem_mark", None), getattr(err, "context_mark", None)
    mark = pmark or cmark
    if cmark is not None and ("end of stream" in problem or "expected ':'" in problem):
        mark = cmark  # point at the unclosed quote / the key that lacks its ':'
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)
    if "another document" in problem:
        return Problem(path, line, col, "error", f"a second YAML document starts on line {line}; keep exactly "
                       "one document per file (remove the '---' or '...' separator)")
    hint = next((h for s, h in _HINTS if s in problem or s in context), None)
    if "cannot start any token" in problem and pmark is not None:
        lines = text.splitlines()
        ch = lines[pmark.line][pmark.column:pmark.column + 1] if pmark.line < len(lines) else ""
        hint = ("tabs are not allowed for indentation; use spaces" if ch == "\t" else
                f"a value starting with {ch!r} must be quoted")
    ctx = ""
    if context and cmark is not None and cmark.line + 1 != line:
        ctx = f" ({context} that starts on line {cmark.line + 1})"
    msg = f"YAML syntax: {problem}{ctx}" + (f" ({hint})" if hint else "")
    return Problem(path, line, col, "error", msg)


def _line_col(text: str, index: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1


def _check_depth(text: str, path: str, max_depth: int) -> None:
    """Raise YamlFileError if collections nest deeper than ``max_depth`` (never composes)."""
    # Cheap upper bound first: flow depth <= number of '[' and '{'; block depth <= 2 * (prefix + 1).
    spare = max_depth - 2 - text.count("[") - text.count("{")
    if spare >= 0 and _long_prefix(spare // 2).search(text) is None:
        return
    loader = _Loader(text)
    try:
        depth = 0
        while (event := loader.get_event()) is not None:
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > max_depth:
                    m = event.start_mark
                    raise YamlFileError([Problem(path, m.line + 1, m.column + 1, "error",
                                                 f"lists/mappings are nested more than {max_depth} levels deep; "
                                                 "flatten the data")])
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    finally:
        loader.dispose()


def _load(data: bytes | str, path: str, max_bytes: int, max_depth: int, max_alias_expansions: int) -> LoadedYaml:
    def fail(message: str, line: int = 0, col: int = 0):
        raise YamlFileError([Problem(path, line, col, "error", message)])

    size = len(data) if isinstance(data, bytes) else len(data.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        fail(f"the file is larger than the limit of {max_bytes:,} bytes; split it or shorten it")
    if isinstance(data, bytes):
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            fail("the file is UTF-16 encoded; save it as UTF-8", 1, 1)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            line_start = data.rfind(b"\n", 0, e.start) + 1
            col = len(data[line_start:e.start].decode("utf-8", "replace")) + 1
            fail(f"the file is not valid UTF-8 (byte 0x{data[e.start]:02x} at offset {e.start}); "
                 "save it as UTF-8 text", data.count(b"\n", 0, e.start) + 1, col)
    else:
        text = data[1:] if data.startswith("\ufeff") else data
    if (bad := _NON_PRINTABLE.search(text)) is not None:
        line, col = _line_col(text, bad.start())
        fail(f"the file contains the control character U+{ord(bad.group()):04X}, which YAML does not allow "
             "(is this a binary file, not YAML text?)", line, col)

    try:
        _check_depth(text, path, max_depth)
        loader = _Loader(text)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.YAMLError as e:
        raise YamlFileError([_problem_from_yaml_error(path, e, text)]) from None
    if root is None:
        fail("the file is empty (it holds no YAML data, only blank lines or comments)")

    builder = _Builder(path, max_depth, max_alias_expansions)
    try:
        value = builder.build(root)
    except _Abort:
        value = None
    errors = [p for p in builder.problems if p.severity == "error"]
    if errors:
        raise YamlFileError(sorted(errors, key=lambda p: (p.line, p.col)))
    return LoadedYaml(value, root, path, [p for p in builder.problems if p.severity != "error"])


def load_yaml_text(text_or_bytes: str | bytes, path: str = "<string>", *, max_bytes: int = 2_000_000,
                   max_depth: int = 64, max_alias_expansions: int = 10_000) -> LoadedYaml:
    """Load one YAML document from text or bytes; raises only :class:`YamlFileError`."""
    try:
        return _load(text_or_bytes, path, max_bytes, max_depth, max_alias_expansions)
    except YamlFileError:
        raise
    except yaml.YAMLError as e:
        raise YamlFileError([_problem_from_yaml_error(path, e, '')]) from None
    except RecursionError:
        raise YamlFileError([Problem(path, 0, 0, "error", "the data is nested too deeply to read; flatten it")]) from None
    except Exception as e:  # never a traceback for a bad file
        raise YamlFileError([Problem(path, 0, 0, "error", f"the file could not be read ({type(e).__name__}: {e}); "
                                     "please report this together with the file")]) from None


def load_yaml_file(path, *, max_bytes: int = 2_000_000, max_depth: int = 64,
                   max_alias_expansions: int = 10_000) -> LoadedYaml:
    """Read and load the YAML file at ``path`` (at most ``max_bytes + 1`` bytes are read)."""
    name = str(path)
    try:
        with open(path, "rb") as f:
            data = f.read(max_bytes + 1)
    except OSError as e:
        raise YamlFileError([Problem(name, 0, 0, "error", f"cannot open the file: {e.strerror or e}")]) from None
    return load_yaml_text(data, name, max_bytes=max_bytes, max_depth=max_depth,
                          max_alias_expansions=max_alias_expansions)
