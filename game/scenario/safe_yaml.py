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

Plain scalars are typed by the **YAML 1.2 core schema**, as editors that check files against the
JSON Schema (yaml-language-server) read them, so the game and the editor agree: only
``true``/``false`` are booleans (``yes``, ``no``, ``on``, ``off`` stay text), integers are decimal,
``0o`` octal or ``0x`` hex (``017`` is 17, ``1_000`` and ``1:20`` are text), floats include
``.inf`` and ``.nan`` (the schema refuses them).  One addition: a plain ``YYYY-MM-DD`` is a
``datetime.date``; a date with a time of day stays text.  A plain scalar that looks typed but
cannot be built (``2010-02-30``) stays text, so the schema reports it at its place together with
every other problem of the file.  Explicitly tagged scalars (``!!int x``) must fit their tag.

Data conventions: mapping keys are always ``str``.  A scalar key that YAML would read as a number,
boolean or date (``2024:``, ``true:``) is kept as its source text with a *warning* (in
``LoadedYaml.warnings``); a null key or a list/mapping key is an *error*.
Merge keys (``<<: *base``) are supported; their copies count as alias expansions.

Only regular files are read: a named pipe, a device or a socket is refused without waiting on it.
Invisible bidirectional-override characters (U+202A-U+202E, U+2066-U+2069), which can make text
display differently from what it is, are refused like control characters.
"""

from __future__ import annotations

import datetime
import re
from functools import lru_cache
from typing import Any

import yaml
from yaml.events import (AliasEvent, MappingEndEvent, MappingStartEvent, ScalarEvent, SequenceEndEvent,
                         SequenceStartEvent, StreamEndEvent)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from game.scenario.files import MAX_BYTES, Problem, YamlFileError, describe_os_error, read_regular_file

__all__ = ["Problem", "YamlFileError", "LoadedYaml", "load_yaml_file", "load_yaml_text", "core_loader",
           "describe_os_error", "read_regular_file"]

_Loader = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader

_Y = "tag:yaml.org,2002:"
_STR, _NULL, _BOOL, _INT, _FLOAT, _TS = (_Y + t for t in ("str", "null", "bool", "int", "float", "timestamp"))
_SEQ, _MAP, _MERGE, _VALUE = _Y + "seq", _Y + "map", _Y + "merge", _Y + "value"
_TEXT_TAGS = {_STR, _VALUE, _MERGE}  # '=' and '<<' outside a merge are plain text
_SCALAR_TAGS = {_NULL, _BOOL, _INT, _FLOAT, _TS} | _TEXT_TAGS
_KIND = {_NULL: "null", _BOOL: "boolean", _INT: "integer", _FLOAT: "number", _TS: "date"}


def _core_resolvers() -> dict:
    """Implicit resolvers of the YAML 1.2 core schema (plus plain ``YYYY-MM-DD`` dates and the
    ``<<`` merge key), in PyYAML's layout: first character -> [(tag, regexp)]."""
    table = [
        (_BOOL, r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
        (_INT, r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
        (_FLOAT, r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
                 r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$", "-+.0123456789"),
        (_NULL, r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
        (_TS, r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "0123456789"),
        (_MERGE, r"^(?:<<)$", "<"),
    ]
    out: dict = {}
    for tag, rx, firsts in table:
        compiled = re.compile(rx)
        for ch in firsts:  # the empty plain scalar is looked up under ''
            out.setdefault(ch, []).append((tag, compiled))
    return out


CORE_RESOLVERS = _core_resolvers()
_DATE = re.compile(r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:(?:[Tt]|[ \t]+)([0-9]{1,2}):([0-9]{2}):([0-9]{2})"
                   r"(?:\.([0-9]*))?(?:[ \t]*(Z|[-+][0-9]{1,2}(?::?[0-9]{2})?))?)?$")


class CoreConstructor(yaml.constructor.SafeConstructor):
    """SafeConstructor with YAML 1.2 core meanings for booleans, integers and floats."""

    def construct_yaml_bool(self, node):
        value = self.construct_scalar(node)
        if value in ("true", "True", "TRUE"):
            return True
        if value in ("false", "False", "FALSE"):
            return False
        raise yaml.constructor.ConstructorError(None, None, f"{value!r} is not a boolean", node.start_mark)

    def construct_yaml_int(self, node):
        value = self.construct_scalar(node)
        if value.startswith("0o"):
            return int(value[2:], 8)
        if value.startswith("0x"):
            return int(value[2:], 16)
        return int(value, 10)

    def construct_yaml_float(self, node):
        value = self.construct_scalar(node)
        low = value.lower()
        if low in (".inf", "+.inf"):
            return float("inf")
        if low == "-.inf":
            return float("-inf")
        if low == ".nan":
            return float("nan")
        return float(value)

    def construct_yaml_timestamp(self, node):
        m = _DATE.match(self.construct_scalar(node))
        if m is None:
            raise yaml.constructor.ConstructorError(None, None, "not a date", node.start_mark)
        if m.group(4) is None:
            return datetime.date(int(m[1]), int(m[2]), int(m[3]))
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(self, node)


for _t in ("bool", "int", "float", "timestamp"):
    CoreConstructor.add_constructor(_Y + _t, getattr(CoreConstructor, "construct_yaml_" + _t))


@lru_cache(maxsize=None)
def core_loader(base: type = None) -> type:
    """A PyYAML loader class (``base``: SafeLoader or CSafeLoader) that reads like this module:
    YAML 1.2 core scalars. Used to compose node graphs, and by tests as the reference."""
    base = base or _Loader
    cls = type(base.__name__ + "Core12", (base,), {"yaml_implicit_resolvers": CORE_RESOLVERS})
    cls.yaml_constructors = dict(base.yaml_constructors)
    for t in ("bool", "int", "float", "timestamp"):
        cls.yaml_constructors[_Y + t] = CoreConstructor.yaml_constructors[_Y + t]
    return cls

# Characters PyYAML refuses anywhere in a stream (same set as yaml.reader.Reader.NON_PRINTABLE).
_NON_PRINTABLE = re.compile("[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010FFFF]")
# Invisible characters that reorder or hide the text around them ("Trojan source"): never needed in a scenario.
_BIDI = re.compile("[\u202A-\u202E\u2066-\u2069]")
# Either of the two (one scan of the text finds that a file has neither, the usual case).
_REFUSED = re.compile("[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\u2029\u202F-\u2065\u206A-\uD7FF\uE000-\uFFFD"
                      "\U00010000-\U0010FFFF]")
# What a double-quoted escape may put in a text that the file itself may not hold (tab and line
# breaks are fine): C0/C1 controls, DEL, the direction overrides, and surrogates or BOMs.
_ESCAPED_BAD = re.compile("[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x84\x86-\x9F\u202A-\u202E\u2066-\u2069"
                          "\uD800-\uDFFF\uFEFF\uFFFE\uFFFF]")
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


# --- positions ---------------------------------------------------------------------------------
# A light position index built from the event marks, in the shape of the composed node graph:
#   scalar   -> its start Mark
#   sequence -> [start Mark, [item positions]]
#   mapping  -> [start Mark, {key text: (key Mark, value position)}, [merge value positions]]
# An alias shares the position of its anchored node, as in the node graph.


def _is_map(pos) -> bool:
    return type(pos) is list and len(pos) == 3


def _is_seq(pos) -> bool:
    return type(pos) is list and len(pos) == 2


def _mark(pos):
    return pos[0] if type(pos) is list else pos


def _find_key(pos: list, key: str):
    """(key mark, value position) for ``key`` in a mapping position, looking into merged (``<<``)
    mappings too (explicit keys first, then the merges in order, depth first; no recursion)."""
    todo, seen = [pos], set()
    while todo:
        m = todo.pop()
        if id(m) in seen:
            continue
        seen.add(id(m))
        if (found := m[1].get(key)) is not None:
            return found
        sources = []
        for v in m[2]:
            sources.extend(v[1] if _is_seq(v) else [v])
        todo.extend(s for s in reversed(sources) if _is_map(s))
    return None


def _positions_from_node(node: Node):
    """The position index of a composed node graph (for a LoadedYaml made from a ``root`` node)."""
    made: dict[int, Any] = {}

    def pos_of(n):
        if isinstance(n, ScalarNode):
            return n.start_mark
        if id(n) not in made:
            made[id(n)] = [n.start_mark, {}, []] if isinstance(n, MappingNode) else [n.start_mark, []]
            todo.append(n)
        return made[id(n)]

    todo: list[Node] = []
    top = pos_of(node)
    while todo:
        n = todo.pop()
        p = made[id(n)]
        if isinstance(n, SequenceNode):
            p[1].extend(pos_of(item) for item in n.value)
            continue
        for k, v in n.value:
            if isinstance(k, ScalarNode) and k.tag == _MERGE:
                p[2].append(pos_of(v))
            elif isinstance(k, ScalarNode) and k.value not in p[1]:
                p[1][k.value] = (k.start_mark, pos_of(v))
    return top


class LoadedYaml:
    """A loaded document: plain ``data``, its ``path``, non-fatal ``warnings``, and positions for
    :meth:`locate` / :meth:`locate_key`.  ``root`` (the composed node graph) is made only when
    asked for: loading builds the data straight from the parser's events."""

    def __init__(self, data: Any, root: Node | None = None, path: str = "<string>",
                 warnings: list[Problem] | None = None, *, positions: Any = None, text: str | None = None):
        self.data, self.path = data, path
        self.warnings = list(warnings or [])
        self.errors: list[Problem] = []  # errors that left the data usable (``keep_going``)
        #: The most items in one list of ``data``, when known (loading counts them), else None.
        self.longest_list: int | None = None
        self._root, self._text = root, text
        if positions is None and root is not None:
            positions = _positions_from_node(root)
        self._positions = positions

    @property
    def root(self) -> Node:
        """The composed node graph of the document (composed on first use; the text is known to
        be well-formed and within the depth limit, so composing it is safe)."""
        if self._root is None and self._text is not None:
            loader = core_loader(_Loader)(self._text)
            try:
                self._root = loader.get_single_node()
            finally:
                loader.dispose()
        return self._root

    def __repr__(self) -> str:
        return f"LoadedYaml(path={self.path!r}, data={self.data!r}, warnings={self.warnings!r})"

    def _walk(self, loc):
        """(position reached, key mark of the last step if it was a mapping key)."""
        pos, key = self._positions, None
        for part in loc:
            if _is_map(pos):
                pair = _find_key(pos, str(part))
                if pair is None:
                    return pos, None  # missing key: point at the mapping that should hold it
                key, pos = pair
            elif _is_seq(pos) and isinstance(part, int) and -len(pos[1]) <= part < len(pos[1]):
                key, pos = None, pos[1][part]
            else:
                return pos, None
        return pos, key

    def locate(self, loc: tuple[str | int, ...]) -> tuple[int, int]:
        """1-based (line, col) of the *value* node at a pydantic-style ``loc``, walking as far as the
        path exists (a missing key gives the mapping that should contain it).  For an unknown
        (extra) key, use :meth:`locate_key` to point at the key itself."""
        pos, _ = self._walk(loc)
        return _pos(_mark(pos))

    def locate_key(self, loc: tuple[str | int, ...]) -> tuple[int, int]:
        """1-based (line, col) of the KEY node of the last element of ``loc`` if it is a mapping key,
        else the same as :meth:`locate`."""
        pos, key = self._walk(loc)
        return _pos(key if key is not None else _mark(pos))


def _pos(mark) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)


def _tag_refused(tag: str) -> str:
    short = "!!" + tag[len(_Y):] if tag.startswith(_Y) else tag
    if "python" in tag:
        return f"the tag '{short}' asks to run Python code and is never allowed; remove it"
    return (f"the tag '{short}' is not allowed; scenario files may only contain plain text, numbers, "
            "booleans, dates, lists and mappings (remove the tag)")


_MAX_PROBLEMS = 50
#: At most this many values in one file (a 2 MB scenario written like the shipped ones has about
#: 90,000): reading stops there, so that time and memory stay bounded for files of tiny values
#: (`- {}` lines, `[[], [], ...]`).
MAX_NODES = 200_000


class _Abort(Exception):
    """Stop building at once (alias bomb, recursion)."""


def _depth_error(path: str, mark, max_depth: int) -> YamlFileError:
    return YamlFileError([Problem(path, mark.line + 1, mark.column + 1, "error",
                                  f"lists/mappings are nested more than {max_depth} levels deep; flatten the data")])


def _copy(value: Any) -> Any:
    """A fresh deep copy of plain data (dicts, lists, immutable scalars), without recursion."""
    if type(value) is dict:
        out: Any = {}
    elif type(value) is list:
        out = []
    else:
        return value
    todo = [(value, out)]
    while todo:
        src, dst = todo.pop()
        if type(src) is dict:
            for k, v in src.items():
                if type(v) is dict or type(v) is list:
                    dst[k] = c = type(v)()
                    todo.append((v, c))
                else:
                    dst[k] = v
        else:
            for v in src:
                if type(v) is dict or type(v) is list:
                    c = type(v)()
                    dst.append(c)
                    todo.append((v, c))
                else:
                    dst.append(v)
    return out


class _Anchor:
    """What an ``&anchor`` refers to: its data (copied on every alias), position, and the cost
    (nodes a copy makes) and height (levels) of a copy; ``done`` is False while it is being built."""

    __slots__ = ("data", "pos", "cost", "height", "key", "done", "mark")

    def __init__(self, mark):
        self.mark, self.done = mark, False
        self.data = self.pos = self.key = None
        self.cost = self.height = 1


class _Frame:
    """An open sequence or mapping on the builder's stack."""

    __slots__ = ("is_map", "data", "pos", "depth", "anchor", "state", "key", "kmark", "merged", "muted",
                 "refused", "nodes0", "exp0", "deepest", "merge_seq")


# Mapping frame states: what the next node of the mapping is.
_KEY, _VALUE, _SKIP, _MERGE_VALUE, _KEY_COLLECTION = range(5)
_BAD = object()  # a scalar whose text does not fit its tag


class _Builder:
    """Builds a fresh plain-Python tree and its position index straight from a parser's events,
    with an explicit stack (no recursion, no node graph)."""

    def __init__(self, path: str, max_depth: int, max_alias_expansions: int, resolvers: dict):
        self.path, self.max_depth, self.budget = path, max_depth, max_alias_expansions
        self.problems: list[Problem] = []
        self.recoverable: set[int] = set()  # ids of errors after which the data is still usable
        self.counts: dict[str, int] = {}
        self.mute = 0  # > 0 inside nodes the composed-graph builder would never have built
        self.resolvers = resolvers
        self.first_chars = frozenset(c for c in resolvers if c is not None)
        self.wildcard = None in resolvers
        self.plain: dict[str, tuple[str, Any]] = {}  # plain scalar text -> (tag, value)
        self.longest_list = 0  # the most items read into one list (alias copies repeat a list read)
        self.scalars = CoreConstructor()

    def report(self, mark, message: str, severity: str = "error") -> None:
        """Record a problem; drop warnings and stop reading after ``_MAX_PROBLEMS`` of a kind."""
        if self.mute:
            return
        line, col = _pos(mark)
        self.counts[severity] = same = self.counts.get(severity, 0) + 1
        if same > _MAX_PROBLEMS:  # only warnings get here
            return
        self.problems.append(Problem(self.path, line, col, severity, message))
        if severity == "error" and same == _MAX_PROBLEMS:
            self.problems.append(Problem(self.path, line, col, "error", "too many errors; stopped reading here"))
            raise _Abort

    # --- scalars ---

    def resolve_plain(self, value: str) -> tuple[str, Any]:
        """(tag, value) of a plain scalar, as the implicit resolvers say; text if it cannot be built
        (``2010-02-30``, an integer of more digits than Python converts)."""
        hit = self.plain.get(value)
        if hit is not None:
            return hit
        rs = list(self.resolvers.get(value[:1], ())) + list(self.resolvers.get(None, ()))
        tag = next((t for t, rx in rs if rx.match(value)), _STR)
        built = self.construct(tag, value)
        hit = self.plain[value] = (_STR, value) if built is _BAD and tag != _MERGE else (tag, built)
        return hit

    def construct(self, tag: str, value: str) -> Any:
        if tag in _TEXT_TAGS:
            return value
        if tag not in _SCALAR_TAGS:
            return _BAD
        try:
            return getattr(self.scalars, "construct_yaml_" + tag[len(_Y):])(ScalarNode(tag, value))
        except Exception:
            return _BAD

    def scalar(self, ev) -> tuple[str, Any]:
        """(tag, value) of a scalar event; the value is ``_BAD`` if the text does not fit the tag."""
        tag, value = ev.tag, ev.value
        if tag is None or tag == "!":
            if ev.implicit[0] and (self.wildcard or value[:1] in self.first_chars):
                return self.resolve_plain(value)
            return _STR, value
        return tag, self.construct(tag, value)

    def bad_scalar(self, tag: str, text: str, mark) -> None:
        if tag not in _SCALAR_TAGS:
            self.report(mark, _tag_refused(tag))
        else:
            self.report(mark, f"the value {text!r} is not a valid {_KIND[tag]}; fix it or remove the tag")

    def key_text(self, tag: str, text: str, mark) -> str | None:
        """The key for a scalar key node, or None (reported) if it cannot be a key."""
        if tag in _TEXT_TAGS:
            return text
        if tag == _NULL:
            self.report(mark, "a key is empty or null; write a name before the ':'")
            return None
        if tag not in _SCALAR_TAGS:
            self.report(mark, _tag_refused(tag))
            return None
        self.report(mark, f"the key {text!r} would be read as a {_KIND[tag]}; it is kept as text "
                    "(quote it to silence this warning)", "warning")
        return text

    # --- the event loop ---

    def build(self, get_event) -> tuple[Any, Any]:
        """(data, positions) of the single document of the stream; ``_EMPTY`` data if there is none.

        One pass over the events with an explicit stack; the collection being built lives in local
        variables (``data``, ``ents`` = its position entries, ``state``, ``key``, ``kmark``) and is
        saved in its ``_Frame`` while a child is open.  Depth is checked at every collection start,
        before anything else is done with it."""
        get_event()  # StreamStartEvent
        ev = get_event()
        if type(ev) is StreamEndEvent:
            return _EMPTY, None
        # ev is the DocumentStartEvent
        anchors: dict[str, _Anchor] = {}
        max_depth, first, wildcard = self.max_depth, self.first_chars, self.wildcard
        max_nodes = MAX_NODES
        plain, resolve, report = self.plain, self.resolve_plain, self.report
        nodes = exp = 0  # nodes built so far; nodes copied by aliases so far
        stack: list[_Frame | None] = []  # the enclosing collections' frames
        f: _Frame | None = None  # the collection being built (None: at the top)
        data: Any = None
        ents: Any = None
        is_map, state, key, kmark, depth = False, _KEY, None, None, 0
        while True:
            ev = get_event()
            t = type(ev)

            if t is ScalarEvent:  # the hot path: most events are plain scalars, half of them keys
                value, tag, mark = ev.value, ev.tag, ev.start_mark
                if ev.style == '"' and _ESCAPED_BAD.search(value) is not None:  # "\a", "\u202e" and the like
                    bad = _ESCAPED_BAD.search(value).group()
                    report(mark, f"this text holds the invisible character U+{ord(bad):04X} (written as an "
                           "escape); names and texts may not hold control or direction-override characters: "
                           "remove it")
                if tag is None and ev.anchor is None:
                    if ev.implicit[0] and (wildcard or value[:1] in first):
                        tag, res = plain.get(value) or resolve(value)
                    else:
                        tag, res = _STR, value
                else:
                    tag, res = self.scalar(ev)
                    if ev.anchor is not None:
                        a = self.new_anchor(anchors, ev.anchor, mark)
                        a.data, a.pos, a.key, a.done = None if res is _BAD else res, mark, (tag, value), True
                if is_map:
                    if state == _KEY:
                        if tag is _STR:
                            k = value
                        elif tag == _MERGE:
                            state, kmark = _MERGE_VALUE, mark
                            continue
                        else:
                            k = self.key_text(tag, value, mark)
                        if k is not None and k not in data:  # the usual case of take_key
                            state, key, kmark = _VALUE, k, mark
                        else:
                            state, key, kmark = self.take_key(k, data, ents, mark)
                        continue
                    if state == _SKIP:  # the value of a bad or duplicate key: never built
                        state = _KEY
                        continue
                nodes += 1
                if nodes > max_nodes:
                    self.too_many(mark)
                if res is _BAD:
                    self.bad_scalar(tag, value, mark)
                    res = None
                if depth >= max_depth and f is not None:
                    self.deep(kmark if is_map else f.pos[0])
                if is_map:
                    if state == _VALUE:
                        data[key] = res
                        ents[key] = (kmark, mark)
                        state = _KEY
                    else:
                        state = self.merge_value(f, res, mark, mark)
                elif f is not None:
                    data.append(res)
                    ents.append(mark)
                else:
                    return self.end(get_event, res, mark, mark)

            elif t is MappingStartEvent or t is SequenceStartEvent:
                mark = ev.start_mark
                if depth >= max_depth:
                    raise _depth_error(self.path, mark, max_depth)
                new = _Frame()
                new.is_map = t is MappingStartEvent
                new.merged, new.muted, new.refused, new.merge_seq = None, False, False, False
                if is_map and state != _VALUE:
                    if state == _KEY:
                        report(mark, "a key must be plain text, not a list or mapping")
                        state = _KEY_COLLECTION
                        new.refused = True
                        nodes -= 1  # keys are not counted
                    elif state == _SKIP:  # the value of a bad or duplicate key: never built
                        new.refused = True
                    elif t is SequenceStartEvent:  # '<<: [*a, *b]': the list itself is not data
                        new.merge_seq = True
                        nodes -= 1
                tag = ev.tag
                if not new.refused and tag is not None and tag != "!" and tag != (_MAP if new.is_map else _SEQ):
                    report(mark, _tag_refused(tag) if tag not in (_SEQ, _MAP) else
                           f"the tag '!!{tag[len(_Y):]}' does not fit this value; remove the tag")
                    new.refused = True
                if new.refused:
                    new.muted = True
                    self.mute += 1
                new.anchor = None if ev.anchor is None else self.new_anchor(anchors, ev.anchor, mark)
                if f is not None:
                    f.state, f.key, f.kmark = state, key, kmark
                stack.append(f)
                f = new
                depth += 1
                f.depth = f.deepest = depth
                f.nodes0, f.exp0 = nodes, exp
                nodes += 1
                if nodes > max_nodes:
                    self.too_many(mark)
                if f.is_map:
                    data, ents = {}, {}
                    f.pos = [mark, ents, []]
                else:
                    data, ents = [], []
                    f.pos = [mark, ents]
                f.data, is_map, state, key, kmark = data, f.is_map, _KEY, None, None

            elif t is MappingEndEvent or t is SequenceEndEvent:
                done, value = f, data
                if t is SequenceEndEvent and len(data) > self.longest_list:
                    self.longest_list = len(data)
                if done.merged:  # explicit keys win over merged ones; earlier merges win over later ones
                    base: dict[str, Any] = {}
                    for m in reversed(done.merged):
                        base.update(m)
                    base.update(value)
                    value = base
                if data and done.deepest <= depth:
                    done.deepest = depth + 1
                if done.muted:
                    self.mute -= 1
                if done.refused:
                    value = None
                if done.anchor is not None:
                    a = done.anchor
                    a.data, a.pos, a.done = value, done.pos, True
                    a.cost, a.height = nodes - done.nodes0 + exp - done.exp0, done.deepest - depth + 1
                f = stack.pop()
                if f is None:
                    return self.end(get_event, value, done.pos, done.pos[0])
                data, is_map, state, key, kmark, depth = f.data, f.is_map, f.state, f.key, f.kmark, f.depth
                ents = f.pos[1]
                if f.deepest < done.deepest:
                    f.deepest = done.deepest
                if is_map:
                    if state == _VALUE:
                        data[key] = value
                        ents[key] = (kmark, done.pos)
                        state = _KEY
                    elif state == _KEY_COLLECTION:
                        state = _SKIP
                    elif state == _SKIP:
                        state = _KEY
                    else:
                        state = self.merge_value(f, value, done.pos, done.pos[0])
                else:
                    data.append(value)
                    ents.append(done.pos)

            elif t is AliasEvent:
                mark = ev.start_mark
                a = anchors.get(ev.anchor)
                if a is None:
                    raise yaml.composer.ComposerError(None, None, f"found undefined alias {ev.anchor!r}", mark)
                if is_map and state == _KEY:  # an alias as a key: what it refers to is the key
                    if a.key is None:
                        report(a.mark, "a key must be plain text, not a list or mapping")
                        state = _SKIP
                    elif a.key[0] == _MERGE:
                        state, kmark = _MERGE_VALUE, a.mark
                    else:
                        state, key, kmark = self.take_key(self.key_text(a.key[0], a.key[1], a.mark), data, ents, a.mark)
                    continue
                if is_map and state == _SKIP:
                    state = _KEY
                    continue
                if self.mute:
                    value = None
                else:
                    # where the copy goes, as the composed-graph builder reported it
                    if f is None:
                        site, at = mark, 1
                    elif is_map and state == _MERGE_VALUE:  # '<<: *a': merged at the mapping's depth
                        site, at = a.mark, depth
                    elif f.merge_seq:  # '<<: [*a, *b]'
                        site, at = f.pos[0], depth - 1
                    else:
                        site, at = (kmark if is_map else f.pos[0]), depth + 1
                    if not a.done:
                        report(site, "an alias ('*name') refers to a list or mapping that contains it; "
                               "recursive data is not allowed")
                        raise _Abort
                    exp += a.cost
                    if exp > self.budget:
                        report(site, f"aliases ('*name') expand to more than {self.budget:,} copied "
                               "values (an 'alias bomb'?); write the data out or use fewer aliases")
                        raise _Abort
                    if at + a.height - 1 > max_depth:
                        report(site, f"data is nested more than {max_depth} levels deep once aliases "
                               "are expanded; flatten it")
                        raise _Abort
                    if f is not None and f.deepest < at + a.height - 1:
                        f.deepest = at + a.height - 1
                    value = _copy(a.data)
                if is_map:
                    if state == _VALUE:
                        data[key] = value
                        ents[key] = (kmark, a.pos)
                        state = _KEY
                    else:
                        state = self.merge_value(f, value, a.pos, mark)
                elif f is not None:
                    data.append(value)
                    ents.append(a.pos)
                else:
                    return self.end(get_event, value, a.pos, mark)
            else:  # pragma: no cover - the parser sends nothing else inside a document
                raise yaml.composer.ComposerError(None, None, f"unexpected {t.__name__}", ev.start_mark)

    def end(self, get_event, value: Any, positions: Any, root_mark) -> tuple[Any, Any]:
        """After the root node: the document must end, and be the only one."""
        get_event()  # DocumentEndEvent
        ev = get_event()
        if type(ev) is not StreamEndEvent:
            raise yaml.composer.ComposerError("expected a single document in the stream", root_mark,
                                              "but found another document", ev.start_mark)
        return value, positions

    def new_anchor(self, anchors: dict, name: str, mark) -> _Anchor:
        if name in anchors:
            raise yaml.composer.ComposerError(f"found duplicate anchor {name!r}; first occurrence",
                                              anchors[name].mark, "second occurrence", mark)
        a = anchors[name] = _Anchor(mark)
        return a

    def take_key(self, k: str | None, data: dict, ents: dict, mark) -> tuple:
        """(state, key, key mark) after reading a mapping key: its value is built next, or skipped
        when the key is unusable (already reported) or a duplicate (reported here)."""
        if k is None:
            return _SKIP, None, None
        if k in data:
            self.duplicate(k, ents, mark)
            return _SKIP, None, None
        return _VALUE, k, mark

    def duplicate(self, key: str, ents: dict, mark) -> None:
        before = len(self.problems)
        self.report(mark, f"duplicate key {key!r} (first defined on line {ents[key][0].line + 1}); "
                    "remove or rename one of them")
        if len(self.problems) > before:  # the first value is kept: the rest of the file can still be checked
            self.recoverable.add(id(self.problems[-1]))

    def merge_value(self, f: _Frame, value: Any, pos, mark) -> int:
        """The value of a merge key ('<<') is read; returns the mapping's next state."""
        f.pos[2].append(pos)
        if type(value) is dict:
            items = [value]
        elif type(value) is list and all(type(v) is dict for v in value):
            items = value
        else:
            self.report(mark, "a merge key ('<<') must be followed by a mapping or a list of mappings")
            items = []
        if f.merged is None:
            f.merged = []
        f.merged.extend(items)
        return _KEY

    def too_many(self, mark) -> None:
        self.report(mark, f"the file holds more than {MAX_NODES:,} values (texts, numbers, lists and "
                    "mappings); no scenario needs so many: is it generated by mistake? (stopped reading here)")
        raise _Abort

    def deep(self, site) -> None:
        """A scalar one level below the deepest allowed list/mapping."""
        if not self.mute:
            self.report(site, f"data is nested more than {self.max_depth} levels deep once aliases are "
                        "expanded; flatten it")
            raise _Abort


_EMPTY = object()


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


def _load(data: bytes | str, path: str, max_bytes: int, max_depth: int, max_alias_expansions: int,
          keep_going: bool = False) -> LoadedYaml:
    def fail(message: str, line: int = 0, col: int = 0):
        raise YamlFileError([Problem(path, line, col, "error", message)], unreadable=True)

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
    if _REFUSED.search(text) is not None:  # a control or a direction-override character: say which, where
        if (bad := _NON_PRINTABLE.search(text)) is not None:
            line, col = _line_col(text, bad.start())
            fail(f"the file contains the control character U+{ord(bad.group()):04X}, which YAML does not allow "
                 "(is this a binary file, not YAML text?)", line, col)
        bad = _BIDI.search(text)
        line, col = _line_col(text, bad.start())
        fail(f"the file contains the invisible direction-override character U+{ord(bad.group()):04X}, which can "
             "make text show differently from what it is; delete it", line, col)

    try:
        builder, value, positions = _build(text, path, max_depth, max_alias_expansions, _Loader)
    except yaml.YAMLError as e:
        if "maximum nesting depth" not in str(e) or _Loader is yaml.SafeLoader:
            raise YamlFileError([_problem_from_yaml_error(path, e, text)]) from None
        # Newer libyaml refuses deep nesting itself, reading ahead of our own depth check; the
        # pure-Python parser has no such limit, so it finds the exact place our limit is passed.
        try:
            builder, value, positions = _build(text, path, max_depth, max_alias_expansions, yaml.SafeLoader)
        except yaml.YAMLError as e2:
            raise YamlFileError([_problem_from_yaml_error(path, e2, text)]) from None
    if value is _EMPTY:
        raise YamlFileError([Problem(path, 0, 0, "error",
                                     "the file is empty (it holds no YAML data, only blank lines or comments)")])
    errors = [p for p in builder.problems if p.severity == "error"]
    if errors and (not keep_going or any(id(p) not in builder.recoverable for p in errors)):
        raise YamlFileError(sorted(errors, key=lambda p: (p.line, p.col)))
    loaded = LoadedYaml(value, None, path, [p for p in builder.problems if p.severity != "error"],
                        positions=positions, text=text)
    loaded.errors = errors
    loaded.longest_list = builder.longest_list
    return loaded


def _build(text: str, path: str, max_depth: int, max_alias_expansions: int, loader_class):
    """(builder, data, positions) from one parser; YAML errors propagate."""
    loader = loader_class(text)
    builder = _Builder(path, max_depth, max_alias_expansions, CORE_RESOLVERS)
    try:
        value, positions = builder.build(loader.get_event)
    except _Abort:
        value, positions = None, None
    finally:
        loader.dispose()
    return builder, value, positions


def load_yaml_text(text_or_bytes: str | bytes, path: str = "<string>", *, max_bytes: int = MAX_BYTES,
                   max_depth: int = 64, max_alias_expansions: int = 10_000, keep_going: bool = False) -> LoadedYaml:
    """Load one YAML document from text or bytes; raises only :class:`YamlFileError`.

    With ``keep_going``, errors that leave the data usable (a duplicate key: its first value is
    kept) are returned in ``LoadedYaml.errors`` instead of raised, so that the rest of the file
    can be checked too."""
    try:
        return _load(text_or_bytes, path, max_bytes, max_depth, max_alias_expansions, keep_going)
    except YamlFileError:
        raise
    except yaml.YAMLError as e:
        raise YamlFileError([_problem_from_yaml_error(path, e, '')]) from None
    except RecursionError:
        raise YamlFileError([Problem(path, 0, 0, "error", "the data is nested too deeply to read; flatten it")]) from None
    except Exception as e:  # never a traceback for a bad file
        raise YamlFileError([Problem(path, 0, 0, "error", f"the file could not be read ({type(e).__name__}: {e}); "
                                     "please report this together with the file")]) from None


def load_yaml_file(path, *, max_bytes: int = MAX_BYTES, max_depth: int = 64,
                   max_alias_expansions: int = 10_000, keep_going: bool = False) -> LoadedYaml:
    """Read and load the YAML file at ``path`` (regular files only; at most ``max_bytes + 1``
    bytes are read)."""
    data = read_regular_file(path, max_bytes)
    return load_yaml_text(data, str(path), max_bytes=max_bytes, max_depth=max_depth,
                          max_alias_expansions=max_alias_expansions, keep_going=keep_going)
