"""Plain-English messages for schema errors, with did-you-mean suggestions."""
from __future__ import annotations

import difflib

from pydantic import BaseModel

from game.scenario.schema import Scenario


def _model_at(loc: tuple) -> type[BaseModel] | None:
    """The pydantic model that holds the last key of ``loc`` (None if not found)."""
    model: type[BaseModel] | None = Scenario
    for part in loc[:-1]:
        if model is None:
            return None
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part) or next(
            (f for f in model.model_fields.values() if f.alias == part), None)
        if field is None:
            return None
        model = _inner_model(field.annotation)
    return model


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


def describe_error(err: dict, loc: tuple) -> str:
    """One sentence: where, what is wrong, and how to fix it."""
    where = path_text(loc)
    kind = err["type"]
    if kind == "extra_forbidden":
        key = loc[-1]
        model = _model_at(loc)
        known = field_names(model) if model else []
        close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
        hint = f"; did you mean '{close[0]}'?" if close else (f"; allowed here: {', '.join(known)}" if known else "")
        return f"unknown key '{key}'{hint}"
    if kind == "missing":
        return f"'{loc[-1]}' is required here ({where})"
    msg = err["msg"]
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, "):]
    if kind == "literal_error":
        ctx = err.get("ctx", {}).get("expected", "")
        got = err.get("input")
        close = difflib.get_close_matches(str(got), [s.strip(" '") for s in ctx.replace(" or ", ", ").split(", ")], n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        return f"{where}: '{got}' is not allowed: expected {ctx}{hint}"
    return f"{where}: {msg[0].lower() + msg[1:] if msg else kind}"
