"""Tables over runs: per-stage costs of one run, and the metrics of many evaluation runs."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from cliokit.errors import CliokitError

logger = logging.getLogger(__name__)


def flatten(obj: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested dicts as one level with dotted keys; lists become JSON strings.

    Examples
    --------
    >>> flatten({"a": {"b": 1, "c": [1, 2]}, "d": "x"})
    {'a.b': 1, 'a.c': '[1, 2]', 'd': 'x'}
    """
    out: dict[str, Any] = {}
    for key, value in obj.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(flatten(value, f"{name}."))
        elif isinstance(value, list | tuple):
            out[name] = json.dumps(value, ensure_ascii=False, default=str)
        else:
            out[name] = value
    return out


def collect_metrics(paths: Iterable[str | os.PathLike[str]]) -> pd.DataFrame:
    """One row per evaluation run, from its ``metrics.json``.

    Parameters
    ----------
    paths : iterable of path
        ``metrics.json`` files, or folders holding one.

    Returns
    -------
    DataFrame
        ``path`` then the flattened keys of each file (``parameters.seed``,
        ``reconstruction.accuracy``, ``reconstruction.per_language.en``, ...); keys missing in
        a run are NaN.

    Raises
    ------
    CliokitError
        When a file is missing or is not a JSON object.
    """
    rows = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            path = path / "metrics.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise CliokitError(f"cannot read metrics file {path}: {exc}") from exc
        if not isinstance(data, dict):
            raise CliokitError(f"{path} must hold a JSON object; got {type(data).__name__}")
        rows.append({"path": str(path), **flatten(data)})
    return pd.DataFrame(rows)


def markdown_table(df: pd.DataFrame, floatfmt: str = ".3f") -> str:
    """``df`` as a GitHub-flavoured Markdown table (floats formatted with ``floatfmt``)."""

    def cell(value: Any) -> str:
        if isinstance(value, float):
            return "" if pd.isna(value) else format(value, floatfmt)
        if value is None or (not isinstance(value, list | tuple | dict) and pd.isna(value)):
            return ""
        return str(value).replace("|", "\\|").replace("\n", " ")

    head = "| " + " | ".join(str(c) for c in df.columns) + " |"
    rule = "|" + "|".join("---" for _ in df.columns) + "|"
    body = ["| " + " | ".join(cell(v) for v in row) + " |" for row in df.itertuples(index=False)]
    return "\n".join([head, rule, *body]) + "\n"
