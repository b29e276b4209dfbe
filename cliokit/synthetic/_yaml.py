"""YAML reading for the synthetic data files: safe loading, duplicate keys rejected, clear errors."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import yaml

from cliokit.errors import ConfigError


class _StrictLoader(yaml.SafeLoader):
    """A safe loader that refuses duplicate mapping keys (PyYAML silently keeps the last one)."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        line = key_node.start_mark.line + 1
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (first at line {seen[key]})", key_node.start_mark
            )
        seen[key] = line
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_yaml(path: Path, what: str) -> tuple[Any, str, str]:
    """``(data, text, sha256)`` of a YAML file; :class:`ConfigError` naming file and line if unreadable."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read {what} {path}: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: {what} is not UTF-8 ({exc.reason} at byte {exc.start})") from None
    try:
        data = yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"{where}: invalid YAML in {what}: {problem}") from None
    return data, text, hashlib.sha256(raw).hexdigest()


def fail(path: Path | str, key: str, reason: str) -> ConfigError:
    """The error for an invalid entry: ``FILE: `KEY`: REASON``."""
    return ConfigError(f"{path}: `{key}`: {reason}")
