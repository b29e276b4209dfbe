"""One line per invalid setting, from pydantic's errors and the settings' declared types and bounds.

The allowed values are read from the model (type, ``ge``/``gt``/``le``/``lt``, ``Literal``, string
pattern), so every field gets the same message shape without a hand-written text:
"`hierarchy.levels` must be an int in [1, 10] or 'auto'; got 0."
"""

from __future__ import annotations

import types
from collections.abc import Mapping
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

_KINDS = {bool: "true or false", int: "an int", float: "a number", str: "a string"}
_PLURALS = {bool: "booleans", int: "ints", float: "numbers", str: "strings"}
_LIMITS = ("ge", "gt", "le", "lt")
_MAX_SHOWN = 80


def error_line(err: Mapping[str, Any], root: type[BaseModel]) -> str:
    """The setting ``err`` is about (a dotted path in ``root``), what it allows and the value given."""
    path, ann, meta = _setting_at(err["loc"], root)
    if err["type"] == "extra_forbidden":
        key = ".".join([path, str(err["loc"][-1])]) if path else str(err["loc"][-1])
        where = f"`{path}`" if path else "the top level"
        return f"`{key}` is not a setting; {where} has {', '.join(_unwrap(ann).model_fields)}."
    if err["type"] == "missing":
        return f"`{path}` is missing; it must be {describe(ann, meta)}."
    if err["type"] == "value_error":  # a validator's own text, "must ..."
        allowed = err["msg"].removeprefix("Value error, ")
    else:
        allowed = "must be " + describe(ann, meta)
    shown = repr(err["input"])
    if len(shown) > _MAX_SHOWN:
        shown = shown[: _MAX_SHOWN - 3] + "..."
    return f"`{path}` {allowed}; got {shown}."


def _setting_at(loc: tuple[int | str, ...], root: type[BaseModel]) -> tuple[str, Any, list[Any]]:
    """Dotted path, declared type and constraints of the setting an error ``loc`` points at.

    Walks the models from ``root``; stops at the first step that is no field, list index or table
    key (pydantic's union branch tags, or an unknown key). An invalid table key (pydantic's
    ``(..., key, "[key]")``) points at the key's type.
    """
    ann: Any = root
    meta: list[Any] = []
    parts: list[str] = []
    for i, step in enumerate(loc):
        base = _unwrap(ann)
        origin = get_origin(base)
        if isinstance(base, type) and issubclass(base, BaseModel) and step in base.model_fields:
            field = base.model_fields[str(step)]
            ann, meta = field.annotation, list(field.metadata)
        elif origin is tuple and isinstance(step, int):
            ann, meta = get_args(base)[0], []
        elif origin is dict and isinstance(step, str):
            is_key = loc[i + 1 :] == ("[key]",)
            ann, meta = get_args(base)[0 if is_key else 1], []
        else:
            break
        parts.append(str(step))
    return ".".join(parts), ann, meta


def _unwrap(ann: Any) -> Any:
    """``ann`` without ``Annotated`` and ``| None``."""
    if get_origin(ann) is Annotated:
        return _unwrap(get_args(ann)[0])
    if get_origin(ann) in (Union, types.UnionType):
        args = [a for a in get_args(ann) if a is not type(None)]
        return _unwrap(args[0]) if len(args) == 1 else ann
    return ann


def describe(ann: Any, meta: list[Any]) -> str:
    """What a setting of type ``ann`` with constraints ``meta`` allows, e.g. "an int in [1, 10]".

    ``None`` is left out (a TOML file leaves such a setting out instead).
    """
    origin, args = get_origin(ann), get_args(ann)
    if origin is Annotated:
        extra = [m for a in args[1:] for m in (a.metadata if isinstance(a, FieldInfo) else [a])]
        return describe(args[0], meta + extra)
    if origin in (Union, types.UnionType):
        return " or ".join(describe(a, meta) for a in args if a is not type(None))
    if origin is Literal:
        return ("one of " if len(args) > 1 else "") + ", ".join(repr(a) for a in args)
    if origin in (tuple, dict):
        item = _unwrap(args[0] if origin is tuple else args[1])
        return f"a {'list' if origin is tuple else 'table'} of {_PLURALS.get(item, 'tables')}"
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return "a table"
    text = _KINDS.get(ann, getattr(ann, "__name__", str(ann))) + _bounds(meta)
    pattern = next((m.pattern for m in meta if getattr(m, "pattern", None)), None)
    if pattern:
        return f"{text} matching {pattern}"
    if ann is str and any(getattr(m, "min_length", None) for m in meta):
        return "a non-empty string"
    return text


def _bounds(meta: list[Any]) -> str:
    """The bounds part of a description, e.g. ``" in [1, 10]"`` or ``" >= 0"``."""
    b = {a: next((getattr(m, a) for m in meta if getattr(m, a, None) is not None), None) for a in _LIMITS}
    low = f"[{b['ge']}" if b["ge"] is not None else f"({b['gt']}" if b["gt"] is not None else ""
    high = f"{b['le']}]" if b["le"] is not None else f"{b['lt']})" if b["lt"] is not None else ""
    if low and high:
        return f" in {low}, {high}"
    if low:
        return f" {'>=' if low[0] == '[' else '>'} {low[1:]}"
    if high:
        return f" {'<=' if high[-1] == ']' else '<'} {high[:-1]}"
    return ""
