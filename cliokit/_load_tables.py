"""Table inputs for :mod:`cliokit.load`: one message per row (grouped) or one conversation per row."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from cliokit._load_formats import (
    ROW_ROLES,
    Reject,
    Sink,
    check_text,
    is_missing,
    load_records,
    map_role,
    plain,
    render_blocks,
)
from cliokit._load_time import TIMESTAMP_FIELDS
from cliokit.errors import InputError

_CONVERSATION_ID_COLUMNS = ("conversation_id", "id", "conversation")
_ROLE_COLUMNS = ("role", "from", "speaker")
_CONTENT_COLUMNS = ("content", "text", "message", "value")
_ORDER_COLUMNS = ("turn", "message_index", "position", "timestamp")


def load_frame(frame: pd.DataFrame, fmt: str, source: str, stem: str, is_csv: bool, sink: Sink) -> str:
    """Load a table into ``sink``; return the resolved format."""
    columns: dict[str, Any] = {}
    for column in frame.columns:
        columns.setdefault(str(column).strip().lower(), column)
    has_rows_layout = (
        _pick(columns, _ROLE_COLUMNS) is not None and _pick(columns, _CONTENT_COLUMNS) is not None
    )
    if fmt == "rows" or (fmt in ("auto", "dataframe") and has_rows_layout):
        _load_rows(frame, columns, source, 2 if is_csv else 1, sink)
        return "rows"
    if "messages" not in columns and "conversations" not in columns:
        raise InputError(
            "cannot find conversations: expected columns conversation_id, role and content (one "
            "message per row) or a 'messages' column (one conversation per row); found columns "
            f"{[str(c) for c in frame.columns]}",
            source,
        )
    keys = [str(c) for c in frame.columns]

    def records() -> Iterator[tuple[int, dict[str, Any]]]:
        for index, values in enumerate(frame.itertuples(index=False, name=None), 1):
            try:
                record = {key: plain(value) for key, value in zip(keys, values, strict=True)}
            except RecursionError:
                sink.reject(source, index, None, "record is nested too deeply")
                continue
            yield index, record

    return load_records(records(), "auto" if fmt in ("auto", "dataframe") else fmt, source, stem, sink)


def _pick(columns: Mapping[str, Any], names: Sequence[str]) -> Any:
    """The first of ``names`` present in ``columns`` (lower-cased name to column), or None."""
    for name in names:
        if name in columns:
            return columns[name]
    return None


def _load_rows(frame: pd.DataFrame, columns: Mapping[str, Any], source: str, offset: int, sink: Sink) -> None:
    """Group a one-message-per-row table into conversations; ``offset`` turns row 0 into a record."""
    id_col = _pick(columns, _CONVERSATION_ID_COLUMNS)
    role_col = _pick(columns, _ROLE_COLUMNS)
    content_col = _pick(columns, _CONTENT_COLUMNS)
    missing = [
        f"{names[0]} (or {'/'.join(names[1:])})"
        for names, col in (
            (_CONVERSATION_ID_COLUMNS, id_col),
            (_ROLE_COLUMNS, role_col),
            (_CONTENT_COLUMNS, content_col),
        )
        if col is None
    ]
    if missing:
        raise InputError(
            f"missing column(s) {', '.join(missing)} for one-message-per-row input; "
            f"found columns {[str(c) for c in frame.columns]}",
            source,
        )
    user_col = _pick(columns, ("user_id",))
    order_col = _pick(columns, _ORDER_COLUMNS)
    time_col = _pick(columns, TIMESTAMP_FIELDS)
    ids = frame[id_col].tolist()
    roles = frame[role_col].tolist()
    contents = frame[content_col].tolist()
    users = frame[user_col].tolist() if user_col is not None else None
    times = frame[time_col].tolist() if time_col is not None else None
    order = _order_keys(frame[order_col]) if order_col is not None else None

    groups: dict[str, list[int]] = {}
    starts: list[tuple[int, str | None]] = []
    for i, value in enumerate(ids):
        key = _row_id(value)
        if key is None:
            starts.append((i, None))
            continue
        rows = groups.get(key)
        if rows is None:
            groups[key] = [i]
            starts.append((i, key))
        else:
            rows.append(i)

    for first, key in starts:
        record = first + offset
        if key is None:
            sink.reject(source, record, None, f"row {record} has no conversation_id")
            continue
        rows = groups[key]
        if order is not None:
            keys = order
            rows = sorted(rows, key=lambda j: keys[j])
        try:
            messages = [_row_message(roles[j], contents[j], j + offset) for j in rows]
        except Reject as exc:
            sink.reject(source, record, key, exc.reason)
            continue
        except RecursionError:
            sink.reject(source, record, key, "a message's content is nested too deeply")
            continue
        user_id = None
        if users is not None:
            for j in rows:
                user_id = _row_id(users[j])
                if user_id is not None:
                    break
        stamp = None
        if times is not None:
            row = next((j for j in rows if not is_missing(times[j]) and str(times[j]).strip()), None)
            stamp = None if row is None else (f"row {row + offset} '{time_col}'", times[row])
        sink.accept(source, record, key, user_id, messages, key, stamp)


def _row_message(role: Any, content: Any, row: int) -> dict[str, str]:
    """One row's role and content as a message."""
    mapped = ROW_ROLES.get(role) if isinstance(role, str) else None
    if mapped is None:
        mapped = map_role(role, ROW_ROLES, f"row {row}", "role")
    if isinstance(content, str):
        text = content
    elif is_missing(content):
        text = ""
    elif isinstance(content, list | tuple | np.ndarray):
        text = render_blocks(plain(content), f"row {row}")
    else:
        raise Reject(f"row {row} has content of unsupported type {type(content).__name__}; expected a string")
    return {"role": mapped, "content": check_text(text, f"row {row}")}


def _order_keys(series: pd.Series) -> list[tuple[int, Any]]:
    """Sort keys for an ordering column: numbers, then timestamps, then strings; blanks sort last."""
    values: pd.Series
    if pd.api.types.is_bool_dtype(series) or not (
        pd.api.types.is_numeric_dtype(series) or pd.api.types.is_datetime64_any_dtype(series)
    ):
        present = series.notna() & (series.astype(str).str.strip() != "")
        numbers = pd.to_numeric(series.where(present), errors="coerce")
        if bool(numbers[present].notna().all()):
            values = numbers
        else:
            times = pd.to_datetime(series.where(present), errors="coerce", utc=True, format="mixed")
            if bool(times[present].notna().all()):
                values = times
            else:
                return [
                    (0, str(v)) if p else (1, "")
                    for v, p in zip(series.tolist(), present.tolist(), strict=True)
                ]
    else:
        values = series
    if pd.api.types.is_datetime64_any_dtype(values):
        return [(1, 0) if pd.isna(v) else (0, v.value) for v in values.tolist()]
    return [(1, 0) if is_missing(v) else (0, v) for v in values.tolist()]


def _row_id(value: Any) -> str | None:
    """A row's id value as a string; None when missing or blank."""
    if type(value) is str:
        return value if value and not value.isspace() else None
    if is_missing(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    return text if text.strip() else None
