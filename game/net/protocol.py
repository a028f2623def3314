"""The network message format, version 1 (docs/network.md): JSON objects, one per WebSocket text frame.

Every message carries ``"v": 1`` and a ``"type"``. Messages are parsed strictly: a frame that is not
UTF-8 JSON text, is larger than ``MAX_CLIENT_MESSAGE_BYTES``, is not an object, has another version,
an unknown type, a missing or unknown key, or a value of the wrong type is refused with a reason
(``ProtocolError``). Nothing here touches a socket or the game.
"""
from __future__ import annotations

import dataclasses
import json
import re

VERSION = 1
DEFAULT_PORT = 8765
#: WebSocket close codes of the host: the seat was taken back with its secret by another connection;
#: the instructor handed the seat to the computer or to another client. A client does not reconnect.
CLOSE_REPLACED, CLOSE_RELEASED = 4001, 4002
MAX_CLIENT_MESSAGE_BYTES = 64 * 1024          # what a client may send the host
MAX_HOST_MESSAGE_BYTES = 16 * 1024 * 1024     # what a client accepts from the host (views, the scenario)
MAX_TEXT = 200                                # seat ids, names, codes and secrets
MAX_REQUEST_ID = 2 ** 53


class ProtocolError(ValueError):
    """A message that is refused; ``str(exc)`` is the reason, sent back to its sender."""


def _text(limit: int = MAX_TEXT):
    return lambda v: isinstance(v, str) and len(v) <= limit


def _optional_text(v) -> bool:
    return v is None or _text()(v)


def _request_id(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= MAX_REQUEST_ID


def _is(*types):
    return lambda v: isinstance(v, types) and not (isinstance(v, bool) and bool not in types)


def _list_of_text(v) -> bool:
    return isinstance(v, list) and all(_text()(x) for x in v)


#: type -> {key: check}; every key is required (a value may be null where its check allows).
CLIENT_MESSAGES = {
    "join": {"seat": _optional_text, "code": _optional_text, "secret": _optional_text, "name": _optional_text},
    "action": {"id": _request_id, "action": _is(dict)},
    "undo": {"id": _request_id},
    "ready": {"id": _request_id},
    "ping": {},
}

HOST_MESSAGES = {
    "welcome": {"seat": _text(), "secret": _text(), "scenario_text": _text(MAX_HOST_MESSAGE_BYTES),
                "scenario_name": _text(1000), "humans": _list_of_text},
    "view": {"turn": _is(int), "date": _text(), "over": _is(bool), "state": _is(dict), "news": _is(list),
             "history": _is(list), "current": lambda v: v is None or isinstance(v, dict),
             "open_decisions": _is(list), "orders": _is(list), "waiting_for": _list_of_text, "ready": _list_of_text},
    "result": {"id": _request_id, "ok": _is(bool), "text": _text(10_000)},
    "error": {"text": _text(10_000)},
    "over": {"report": _is(dict)},
    "pong": {},
}

#: Optional keys of a ``join`` (a client may leave them out instead of sending null).
_JOIN_OPTIONAL = ("seat", "code", "secret", "name")


def encode(kind: str, **fields) -> str:
    """One message as JSON text."""
    return json.dumps({"v": VERSION, "type": kind, **fields}, ensure_ascii=False, separators=(",", ":"),
                      allow_nan=False)


def parse_client_message(raw) -> dict:
    """A message from a client, checked; raises ``ProtocolError`` with the reason."""
    if not isinstance(raw, str):
        raise ProtocolError("only text frames carry messages")
    if len(raw.encode("utf-8", "surrogatepass")) > MAX_CLIENT_MESSAGE_BYTES:
        raise ProtocolError(f"a message may hold at most {MAX_CLIENT_MESSAGE_BYTES:,} bytes")
    message = _parse(raw, CLIENT_MESSAGES)
    if message["type"] == "join":
        for key in _JOIN_OPTIONAL:
            message.setdefault(key, None)
    if message["type"] == "action":
        check_action_fields(message["action"])
    return message


def parse_host_message(raw) -> dict:
    """A message from the host, checked (a client trusts the host no more than the host trusts it)."""
    if not isinstance(raw, str):
        raise ProtocolError("only text frames carry messages")
    if len(raw) > MAX_HOST_MESSAGE_BYTES:
        raise ProtocolError("the message is too large")
    return _parse(raw, HOST_MESSAGES)


def _parse(raw: str, schema: dict) -> dict:
    try:
        message = json.loads(raw, parse_constant=_no_constant)
    except RecursionError:
        raise ProtocolError("the message is nested too deeply") from None
    except ValueError as exc:
        raise ProtocolError(f"not JSON ({exc})") from None
    if not isinstance(message, dict):
        raise ProtocolError("a message must be a JSON object")
    if message.get("v") != VERSION or isinstance(message.get("v"), bool):
        raise ProtocolError(f"unsupported protocol version {message.get('v')!r} (this program speaks {VERSION})")
    kind = message.get("type")
    if not isinstance(kind, str) or kind not in schema:
        raise ProtocolError(f"unknown message type {_short(kind)} (known: {', '.join(schema)})")
    fields = schema[kind]
    unknown = sorted(set(message) - set(fields) - {"v", "type"})
    if unknown:
        raise ProtocolError(f"unknown key(s) {', '.join(_short(k) for k in unknown)} in '{kind}'")
    optional = _JOIN_OPTIONAL if schema is CLIENT_MESSAGES and kind == "join" else ()
    for key, check in fields.items():
        if key not in message:
            if key in optional:
                continue
            raise ProtocolError(f"'{kind}' needs '{key}'")
        if not check(message[key]):
            raise ProtocolError(f"'{key}' of '{kind}' has the wrong type or is too long")
    return message


def _no_constant(name: str):
    raise ValueError(f"{name} is not a number JSON allows")


def _short(value, limit: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 1] + "…"


# --- actions --------------------------------------------------------------------------------
_OPTIONAL = re.compile(r"^(.+?)\s*\|\s*None$")
_TUPLE = re.compile(r"^tuple\[(\w+), \.\.\.\]$")
_SCALARS = {"str": lambda v: isinstance(v, str) and len(v) <= 10_000,
            "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
            "float": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
            "bool": lambda v: isinstance(v, bool)}


def _field_check(annotation: str):
    """A check for a JSON value of an action field annotated ``annotation`` (None if unknown)."""
    optional = _OPTIONAL.match(annotation)
    if optional:
        inner = _field_check(optional.group(1))
        return inner and (lambda v: v is None or inner(v))
    many = _TUPLE.match(annotation)
    if many:
        inner = _SCALARS.get(many.group(1))
        return inner and (lambda v: isinstance(v, list) and len(v) <= 100 and all(inner(x) for x in v))
    return _SCALARS.get(annotation)


def check_action_fields(data: dict) -> None:
    """The action's kind is known, its keys are its fields and each value has its field's type
    (the engine then checks the rules); raises ``ProtocolError``."""
    from game.engine.actions import ACTION_TYPES
    cls = ACTION_TYPES.get(data.get("kind")) if isinstance(data.get("kind"), str) else None
    if cls is None:
        raise ProtocolError(f"unknown action kind {_short(data.get('kind'))}")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - set(fields) - {"kind"})
    if unknown:
        raise ProtocolError(f"unknown field(s) {', '.join(_short(k) for k in unknown)} for action '{cls.kind}'")
    for name, value in data.items():
        if name == "kind":
            continue
        check = _field_check(str(fields[name].type))
        if check is None or not check(value):
            raise ProtocolError(f"field '{name}' of action '{cls.kind}' must be {fields[name].type}")
