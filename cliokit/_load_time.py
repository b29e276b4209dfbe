"""Conversation timestamps for :mod:`cliokit.load`: where they are read from and how they are parsed.

A conversation's time is the first of :data:`TIMESTAMP_FIELDS` present on the record; when the
record has none, the first message that carries one of them (in a one-message-per-row table, the
first row, in message order, with a value in the first timestamp column). Accepted values:

* ISO 8601 strings (``2024-05-01``, ``2024-05-01T12:00:00Z``, ``2024-05-01 12:00:00+02:00``);
  a time without a zone is read as UTC;
* epoch numbers, or strings of digits: seconds below :data:`EPOCH_SECONDS_BELOW` (1e11, i.e.
  until the year 5138), each factor of 1000 above that the next finer unit: milliseconds (from
  1e11, which is 1973-03-03 in milliseconds), then microseconds (from 1e14), then nanoseconds
  (from 1e17);
* date-time objects (parquet timestamp columns), naive ones read as UTC.

Other strings (``05/01/2024``, ``yesterday``) are not guessed at: the value is unreadable.
"""

from __future__ import annotations

import re
import reprlib
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

#: Fields read, in this order, on a conversation record, then on its messages.
TIMESTAMP_FIELDS: tuple[str, ...] = ("timestamp", "created_at", "create_time", "time", "date")
#: Epoch numbers smaller than this (in absolute value) are seconds; see the module docstring.
EPOCH_SECONDS_BELOW = 1e11
_EPOCH_UNITS = ("s", "ms", "us", "ns")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)")
_MESSAGE_LISTS = ("messages", "conversations")
_HINT = "expected an ISO 8601 date-time (e.g. 2024-05-01T12:00:00Z) or epoch seconds or milliseconds"


def find_timestamp(record: Mapping[str, Any]) -> tuple[str, Any] | None:
    """``(where, value)`` of a record's timestamp: a record field, else the first message's; or None."""
    for name in TIMESTAMP_FIELDS:
        if not _missing(record.get(name)):
            return f"'{name}'", record[name]
    for key in _MESSAGE_LISTS:
        messages = record.get(key)
        if isinstance(messages, list):
            for i, message in enumerate(messages, 1):
                if isinstance(message, Mapping):
                    for name in TIMESTAMP_FIELDS:
                        if not _missing(message.get(name)):
                            return f"message {i} '{name}'", message[name]
    return None


def parse_timestamp(value: Any) -> pd.Timestamp | None:
    """``value`` as a UTC timestamp in nanoseconds (None when missing or blank).

    Raises ``ValueError`` with a one-line reason when ``value`` is not a readable time.
    """
    if _missing(value):
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float | datetime | np.generic):
        raise ValueError(f"unreadable timestamp of type {type(value).__name__}; {_HINT}")
    try:
        if isinstance(value, str):
            text = value.strip()
            if not text:
                return None
            if _NUMBER.fullmatch(text):
                return _epoch(float(text) if "." in text else int(text))
            try:
                stamp = pd.Timestamp(datetime.fromisoformat(text))
            except ValueError:
                raise ValueError(f"unreadable timestamp {reprlib.repr(value)}; {_HINT}") from None
        elif isinstance(value, datetime | np.datetime64):
            stamp = pd.Timestamp(value)
        elif isinstance(value, int | float | np.number):
            return _epoch(value)
        else:
            raise ValueError(f"unreadable timestamp of type {type(value).__name__}; {_HINT}")
        stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
        return stamp.as_unit("ns")
    except (OverflowError, pd.errors.OutOfBoundsDatetime):
        raise ValueError(
            f"timestamp {reprlib.repr(value)} is outside the supported range "
            f"{pd.Timestamp.min.date()} to {pd.Timestamp.max.date()}"
        ) from None


def _epoch(number: Any) -> pd.Timestamp:
    """An epoch number as a UTC timestamp, its unit chosen by magnitude."""
    if not np.isfinite(number):
        raise ValueError(f"unreadable timestamp {number!r}; {_HINT}")
    step = 0
    while step < len(_EPOCH_UNITS) - 1 and abs(number) >= EPOCH_SECONDS_BELOW * 1000**step:
        step += 1
    return pd.Timestamp(number, unit=_EPOCH_UNITS[step], tz="UTC").as_unit("ns")


def _missing(value: Any) -> bool:
    """True for None, NaN, NaT and NA scalars."""
    return value is None or (
        pd.api.types.is_scalar(value) and not isinstance(value, str) and bool(pd.isna(value))
    )
