"""Plain-English messages for schema errors, with did-you-mean suggestions.

Each message names the key, says what is wrong and what is expected, e.g.
``'population' must be a whole number, got 'many'`` or
``unknown key 'popluation'; did you mean 'population'?``.
"""
from __future__ import annotations

import difflib
import re
import typing

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from game.scenario.schema import Scenario, built

# Parts of a pydantic error location that name a type tried by a union, not a key in the file.
_TAG = re.compile(r"^[a-z][a-z\-]*\[")


def clean_errors(errors: list[dict]) -> list[tuple[dict, tuple]]:
    """(error, location in the file) pairs: union tags dropped, alternatives of a union merged."""
    out: list[tuple[dict, tuple]] = []
    index: dict[tuple, int] = {}  # (location, error type) -> its place in ``out``: linear, not quadratic
    for err in errors:
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and _TAG.match(p)))
        key = (loc, err["type"])
        if key in index:
            if err["type"] == "literal_error":
                prev, _ = out[index[key]]
                merged = dict(prev)
                merged["ctx"] = {"expected": _join_expected(prev.get("ctx", {}).get("expected", ""),
                                                            err.get("ctx", {}).get("expected", ""))}
                out[index[key]] = (merged, loc)
            continue
        index[key] = len(out)
        out.append((err, loc))
    return out


def _join_expected(a: str, b: str) -> str:
    items = _expected_list(a) + [x for x in _expected_list(b) if x not in _expected_list(a)]
    return _or_list(items)


def _expected_list(ctx: str) -> list[str]:
    return [s.strip(" '") for s in re.split(r",\s*|\s+or\s+", ctx) if s.strip(" '")]


def _or_list(items: list[str]) -> str:
    quoted = [f"'{x}'" for x in items]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


def _model_at(loc: tuple) -> type[BaseModel] | None:
    """The pydantic model that holds the last key of ``loc`` (None if not found)."""
    model: type[BaseModel] | None = Scenario
    for part in loc[:-1]:
        if model is None:
            return None
        if isinstance(part, int):
            continue
        field = _field(model, part)
        if field is None:
            return None
        model = _inner_model(field.annotation)
    return model


def _field(model: type[BaseModel], name) -> FieldInfo | None:
    built(model)  # its field types resolved
    return model.model_fields.get(name) or next(
        (f for f in model.model_fields.values() if f.alias == name), None)


def _field_at(loc: tuple) -> tuple[FieldInfo | None, bool]:
    """The field for the last key of ``loc``; the flag is True when ``loc`` ends inside it
    (a list item or a mapping value) rather than at the field itself."""
    parts = list(loc)
    inside = False
    while parts:
        model = _model_at(tuple(parts))
        if model is not None and isinstance(parts[-1], str) and _field(model, parts[-1]) is not None:
            return _field(model, parts[-1]), inside
        parts.pop()
        inside = True
    return None, False


def _inner_model(annotation) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def field_names(model: type[BaseModel]) -> list[str]:
    return [f.alias or name for name, f in model.model_fields.items()]


def path_text(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _bounds(loc: tuple) -> tuple[float | None, float | None, bool, bool]:
    """(lower, upper, lower is strict, upper is strict) bounds of the value at ``loc``."""
    field, inside = _field_at(loc)
    lo = hi = None
    lo_strict = hi_strict = False
    metas = []
    if field is not None:
        if inside:
            for arg in typing.get_args(field.annotation) or ():
                metas += list(getattr(arg, "__metadata__", ()))
                for sub in typing.get_args(arg):
                    metas += list(getattr(sub, "__metadata__", ()))
        else:
            metas = list(field.metadata)
    for m in metas:
        if getattr(m, "ge", None) is not None:
            lo = m.ge
        if getattr(m, "gt", None) is not None:
            lo, lo_strict = m.gt, True
        if getattr(m, "le", None) is not None:
            hi = m.le
        if getattr(m, "lt", None) is not None:
            hi, hi_strict = m.lt, True
    return lo, hi, lo_strict, hi_strict


def _num(x) -> str:
    if isinstance(x, float):
        return f"{x:g}" if abs(x) < 1e6 or x != x else f"{x:,.0f}" if abs(x) < 1e16 else f"{x:g}"
    if isinstance(x, int) and not isinstance(x, bool) and abs(x) >= 10_000:
        return f"{x:,}" if abs(x) < 10 ** 16 else f"a number of {len(str(abs(x)))} digits"
    return str(x)


#: YAML 1.1 words for booleans that YAML 1.2 (and so editors and this game) read as text.
YAML11_BOOLS = {"yes", "no", "on", "off", "y", "n"}


def close_match(word, options, cutoff: float = 0.8) -> str | None:
    """The option that ``word`` is probably a typo of, or None (only close guesses)."""
    word = str(word)
    found = difflib.get_close_matches(word, list(options), n=1, cutoff=cutoff)
    if found:
        return found[0]
    low = {str(o).lower(): o for o in options}  # a different case only
    return low.get(word.lower())


class Suggester:
    """Did-you-mean over many names, fast: a bigram index picks a few candidates that share the
    most letter pairs with the word, and only those are compared with difflib (so a look-up costs
    well under a millisecond for thousands of names, where ``difflib.get_close_matches`` over all
    of them costs tens of milliseconds)."""

    def __init__(self, names, shortlist: int = 12):
        self.names = sorted({str(n) for n in names})
        self.shortlist = shortlist
        self.index: dict[str, list[int]] = {}
        for i, name in enumerate(self.names):
            for g in self._grams(name):
                self.index.setdefault(g, []).append(i)

    @staticmethod
    def _grams(word: str) -> set:
        w = f"^{word.lower()}$"
        return {w[i:i + 2] for i in range(len(w) - 1)}

    def suggest(self, word, cutoff: float = 0.6) -> str | None:
        word = str(word)
        if len(self.names) <= self.shortlist:
            pool = self.names
        else:
            counts: dict[int, int] = {}
            for g in self._grams(word):
                for i in self.index.get(g, ()):
                    counts[i] = counts.get(i, 0) + 1
            best = sorted(counts, key=lambda i: (-counts[i], abs(len(self.names[i]) - len(word)), i))
            pool = [self.names[i] for i in best[:self.shortlist]]
        found = difflib.get_close_matches(word, pool, n=1, cutoff=cutoff)
        return found[0] if found else None


def _got(value) -> str:
    if isinstance(value, str):
        return f"'{value}'" if len(value) <= 40 else f"'{value[:37]}...'"
    if isinstance(value, float):
        return ".nan" if value != value else (".inf" if value > 0 else "-.inf") if value in (
            float("inf"), float("-inf")) else _num(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return _num(value)
    if type(value).__name__ == "datetime":
        return f"'{value}' (a date and time)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def _name(loc: tuple) -> str:
    for part in reversed(loc):
        if isinstance(part, str):
            return part
    return path_text(loc) or "the file"


def describe_error(err: dict, loc: tuple) -> str:
    """One sentence: what is wrong, and how to fix it."""
    kind = err["type"]
    got = err.get("input")
    name = f"'{_name(loc)}'"
    if loc and isinstance(loc[-1], int):
        name = f"item {loc[-1] + 1} of '{_name(loc)}'"
    where = path_text(loc)
    if kind == "extra_forbidden":
        key = loc[-1]
        model = _model_at(loc)
        known = field_names(model) if model else []
        close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
        hint = f"; did you mean '{close[0]}'?" if close else (f"; allowed here: {', '.join(known)}" if known else "")
        return f"unknown key '{key}'{hint}"
    if kind == "missing":
        parent = path_text(loc[:-1])
        return f"'{loc[-1]}' is required" + (f" in {parent}" if parent else " at the top of the file")
    if kind in ("int_parsing", "int_type", "int_from_float", "float_parsing", "float_type", "bool_parsing",
                "bool_type") and isinstance(got, str) and got.lower() in YAML11_BOOLS | {"true", "false"}:
        want = "true or false" if kind.startswith("bool") else ("a whole number" if kind.startswith("int") else "a number")
        return (f"{name} must be {want}, got the text {_got(got)}: write true or false (YAML 1.2, which "
                "editors and this game read, takes yes/no/on/off as text)") if kind.startswith("bool") else (
                f"{name} must be {want}, got the text {_got(got)} (for a yes/no setting write true or false)")
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"{name} must be a whole number, got {_got(got)}"
    if kind in ("float_parsing", "float_type"):
        return f"{name} must be a number, got {_got(got)}"
    if kind in ("bool_parsing", "bool_type"):
        return f"{name} must be true or false, got {_got(got)}"
    if kind == "finite_number":
        return f"{name} must be a finite number, got {_got(got)} (.inf and .nan are not allowed)"
    if kind in ("string_type",):
        return f"{name} must be text, got {_got(got)} (put it in quotes if it is meant as text)"
    if kind.startswith("date") or kind.startswith("datetime"):
        extra = ""
        if isinstance(got, str) and re.match(r"^\d{4}-\d{1,2}-\d{1,2}$", got):
            extra = " (no such day)" if re.match(r"^\d{4}-\d{2}-\d{2}$", got) else " (write two digits for the month and day)"
        elif isinstance(got, str) and re.match(r"^\d{4}-\d{1,2}-\d{1,2}[ Tt]", got):
            extra = " (a date without a time of day)"
        return f"{name} must be a date written YYYY-MM-DD, e.g. 2010-06-10, got {_got(got)}{extra}"
    if kind in ("list_type", "tuple_type", "set_type"):
        return f"{name} must be a list (items on lines starting with '- ', or [a, b]), got {_got(got)}"
    if kind in ("dict_type", "model_type", "model_attributes_type", "mapping_type"):
        return f"{name} must be a mapping of keys (key: value), got {_got(got)}"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        lo, hi, lo_strict, hi_strict = _bounds(loc)
        if lo is not None and hi is not None and not lo_strict and not hi_strict:
            return f"{name} must be between {_num(lo)} and {_num(hi)}, got {_got(got)}"
        if lo is not None and hi is not None and not hi_strict:
            return f"{name} must be more than {_num(lo)} and at most {_num(hi)}, got {_got(got)}"
        ctx = err.get("ctx", {})
        if kind == "greater_than_equal":
            return f"{name} must be {_num(ctx.get('ge'))} or more, got {_got(got)}"
        if kind == "greater_than":
            return f"{name} must be more than {_num(ctx.get('gt'))}, got {_got(got)}"
        if kind == "less_than_equal":
            return f"{name} must be {_num(ctx.get('le'))} or less, got {_got(got)}"
        return f"{name} must be less than {_num(ctx.get('lt'))}, got {_got(got)}"
    if kind == "string_pattern_mismatch":
        pattern = err.get("ctx", {}).get("pattern", "")
        if pattern.startswith("^[A-Z]{2}-"):
            return f"{name} must be an ISO 3166-2 region code such as 'KG-O' (Osh), got {_got(got)}"
        if pattern.startswith("^[A-Z]{2}$"):
            return f"{name} must be a two-letter ISO 3166-1 country code such as 'KG', got {_got(got)}"
        if pattern.startswith("^#"):
            return f"{name} must be a colour written #rrggbb, e.g. '#d9534f', got {_got(got)}"
        if pattern.startswith("^[A-Za-z]"):
            return (f"{name} must be an id: a letter, then letters, digits, '_' or '-' "
                    f"(no spaces), got {_got(got)}")
        return f"{name} does not have the expected form ({pattern}), got {_got(got)}"
    if kind == "string_too_long":
        return f"{name} is too long (at most {err.get('ctx', {}).get('max_length')} characters)"
    if kind == "too_long":
        ctx = err.get("ctx", {})
        return f"{name} has too many items ({ctx.get('actual_length', '?')}; at most {ctx.get('max_length')})"
    if kind == "too_short":
        n = err.get("ctx", {}).get("min_length", 1)
        return f"{name} needs at least {n} item{'s' if n != 1 else ''}"
    if kind == "literal_error":
        ctx = err.get("ctx", {}).get("expected", "")
        options = _expected_list(ctx)
        close = close_match(got, options) if isinstance(got, str) else None
        if close:
            return f"{name} cannot be {_got(got)}; did you mean '{close}'? (allowed: {_or_list(options)})"
        return f"{name} cannot be {_got(got)}; allowed: {_or_list(options)}"
    msg = err.get("msg", "")
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, "):]
    if kind == "value_error":
        return f"{where or 'the file'}: {msg}"
    return f"{where or 'the file'}: {msg[0].lower() + msg[1:] if msg else kind}"
