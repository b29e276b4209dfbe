r"""Load conversations from JSON Lines, JSON, parquet, CSV or a DataFrame into one canonical table.

Every input ends up as one row per conversation with ``conversation_id``, ``user_id``, ``messages``
(a list of ``{"role", "content"}`` dicts, roles exactly ``system``/``user``/``assistant``/``tool``),
``source``, ``record`` and ``timestamp``. Bad records never stop a load: each is rejected with a
reason that names what is wrong, and ``n_read == len(conversations) + len(rejected)`` always holds.
Problems with a whole input (a missing file, an unreadable file, a table without the needed
columns) raise :class:`~cliokit.errors.InputError`.

Text that is not valid Unicode (a lone surrogate, e.g. an escaped ``"\ud800"`` in JSON) rejects its
record. Accepted text is cleaned: line and page breaks (CR LF, CR, VT, FF, U+0085) become ``\n``,
the other control characters (C0, DEL, C1) except tab are removed, and a message with nothing
visible left (only whitespace, controls or format characters such as U+200B) gets empty content.
A conversation with no user message with visible text is rejected. Conversations over
``max_messages`` messages or ``max_chars`` characters are cut, not rejected: the leading messages
within both limits are kept and the message that crosses ``max_chars`` is cut at it and marked
``" [truncated]"``.

Every layout may carry a time: the ``timestamp``, ``created_at``, ``create_time``, ``time`` or
``date`` field of the conversation (a column, in tables), else of its first message that has one,
as ISO 8601 (a time without a zone is UTC) or an epoch number (seconds below 1e11, milliseconds
above; see :mod:`cliokit._load_time`). It becomes the ``timestamp`` column (UTC, NaT when absent).
An unreadable time does not reject the conversation: it is kept with NaT and counted in
:attr:`LoadResult.n_bad_timestamp` (with ``strict=True`` it raises).

Supported layouts (``format=``):

* ``openai``: ``{"id", "user_id"?, "messages": [{"role", "content"}]}`` per line; ``content`` a
  string, null or a list of content parts.
* ``sharegpt``: ``{"id", "conversations": [{"from", "value"}]}``.
* ``anthropic``: Messages API style, a top-level ``system`` and content blocks (``text``,
  ``tool_use``, ``tool_result``; images and thinking ignored).
* ``rows``: one message per row (parquet, CSV, TSV or a DataFrame).
* ``dataframe``: a DataFrame in the rows layout or with one conversation per row (``messages``).
* ``auto``: chosen from the extension and, for JSON, the keys of the first parseable record.

The ``openai`` and ``anthropic`` layouts are read by one parser (Anthropic records with string
content are valid OpenAI records); the two names differ only in detection and in what
:attr:`LoadResult.format` reports. Record parsing lives in :mod:`cliokit._load_formats` (JSON
records) and :mod:`cliokit._load_tables` (tables).
"""

from __future__ import annotations

import gzip
import json
import logging
import os
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from cliokit._load_formats import TRUNCATION_MARK, Sink, load_json_bytes, plain
from cliokit._load_tables import load_frame
from cliokit.errors import ConfigError, InputError
from cliokit.rundir import write_text
from cliokit.text import estimate_tokens

logger = logging.getLogger(__name__)

__all__ = [
    "FORMATS",
    "ROLES",
    "LoadResult",
    "estimate_tokens",
    "load_conversations",
    "messages_text",
    "truncate_conversations",
    "write_rejected",
]

FORMATS: tuple[str, ...] = ("auto", "openai", "sharegpt", "anthropic", "rows", "dataframe")
ROLES: tuple[str, ...] = ("system", "user", "assistant", "tool")

_JSON_SUFFIXES = frozenset({".jsonl", ".json", ".ndjson", ".jsonlines"})
_TABLE_SUFFIXES = frozenset({".parquet", ".pq", ".csv", ".tsv"})


@dataclass(frozen=True)
class LoadResult:
    r"""What :func:`load_conversations` read.

    Attributes
    ----------
    conversations : pandas.DataFrame
        One row per accepted conversation: ``conversation_id`` (str), ``user_id`` (str),
        ``messages`` (list of ``{"role": str, "content": str}``), ``source`` (str), ``record``
        (int, 1-based line number or record index in ``source``) and ``timestamp``
        (``datetime64[ns, UTC]``, NaT when the record has none or it is unreadable).
    rejected : pandas.DataFrame
        One row per rejected record: ``source`` (str), ``record`` (int), ``conversation_id``
        (str, or None when the record carried no id) and ``reason`` (str).
    n_read : int
        Records read; always ``len(conversations) + len(rejected)``.
    format : str
        The resolved format (``"mixed"`` when a list of inputs resolved to different formats).
    n_user_id_missing : int
        Accepted conversations without a ``user_id``; their user id is the conversation id.
    n_cut : int
        Accepted conversations cut to ``max_messages`` or ``max_chars``.
    n_cleaned : int
        Accepted conversations whose text lost control characters or had an invisible-only message
        emptied (line breaks made ``\n`` do not count).
    n_bad_timestamp : int
        Accepted conversations whose timestamp could not be read; kept with a NaT ``timestamp``.
    """

    conversations: pd.DataFrame
    rejected: pd.DataFrame
    n_read: int
    format: str
    n_user_id_missing: int
    n_cut: int
    n_cleaned: int
    n_bad_timestamp: int


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


def load_conversations(
    source: str | os.PathLike[str] | pd.DataFrame | Sequence[str | os.PathLike[str]],
    format: str = "auto",
    *,
    strict: bool = False,
    max_messages: int = 2000,
    max_chars: int = 1_000_000,
) -> LoadResult:
    """Load conversations, rejecting bad records with a reason instead of failing.

    Parameters
    ----------
    source : str, path-like, DataFrame or sequence of paths
        A file (``.jsonl``, ``.jsonl.gz``, ``.ndjson``, ``.json``, ``.parquet``, ``.csv``,
        ``.tsv``), a DataFrame, or a list of files loaded in turn and concatenated.
    format : {"auto", "openai", "sharegpt", "anthropic", "rows", "dataframe"}, default="auto"
        Input layout; ``"auto"`` detects it from the extension and the first record.
    strict : bool, default=False
        Raise :class:`~cliokit.errors.InputError` at the first rejected record or unreadable
        timestamp.
    max_messages : int, default=2000
        Longer conversations keep their first ``max_messages`` messages.
    max_chars : int, default=1_000_000
        Conversations with more characters of content in total keep the leading messages that fit;
        the message that crosses the limit is cut at it (marked ``" [truncated]"``).

    Returns
    -------
    LoadResult
        Accepted conversations, rejected records and counts.

    Raises
    ------
    ConfigError
        An unknown ``format``, a bad limit, or a format that does not fit the source.
    InputError
        A file is missing or unreadable, a table lacks the needed columns, or (``strict=True``) a
        record is rejected or has an unreadable timestamp; the message starts with
        ``source:record``.
    """
    if format not in FORMATS:
        raise ConfigError(f"format must be one of {', '.join(FORMATS)}; got {format!r}")
    for name, value in (("max_messages", max_messages), ("max_chars", max_chars)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ConfigError(f"{name} must be a positive integer; got {value!r}")
    items: Sequence[str | os.PathLike[str] | pd.DataFrame]
    if isinstance(source, pd.DataFrame):
        items, label = [source], "<dataframe>"
    elif isinstance(source, str | os.PathLike):
        items, label = [source], os.fsdecode(source)
    elif isinstance(source, Sequence) and not isinstance(source, bytes):
        if len(source) == 0:
            raise ConfigError("source is an empty list; pass at least one file")
        items, label = source, f"{len(source)} inputs"
    else:
        raise ConfigError(
            f"source must be a path, a list of paths or a DataFrame; got {type(source).__name__}"
        )
    sink = Sink(strict, max_messages, max_chars)
    formats = [_load_one(item, format, sink) for item in items]
    resolved = formats[0] if len(set(formats)) == 1 else "mixed"
    conversations, rejected = sink.frames()
    result = LoadResult(
        conversations=conversations,
        rejected=rejected,
        n_read=len(conversations) + len(rejected),
        format=resolved,
        n_user_id_missing=sink.n_user_id_missing,
        n_cut=sink.n_cut,
        n_cleaned=sink.n_cleaned,
        n_bad_timestamp=sink.n_bad_timestamp,
    )
    logger.info(
        "loaded %d conversations from %s (format %s, %d rejected, %d cut to the size limits, %d cleaned)",
        len(result.conversations),
        label,
        resolved,
        len(result.rejected),
        result.n_cut,
        result.n_cleaned,
    )
    if sink.first_bad_timestamp is not None:
        logger.warning(
            "%d accepted conversations from %s have an unreadable timestamp and are kept without a "
            "time; the first: %s",
            sink.n_bad_timestamp,
            label,
            sink.first_bad_timestamp,
        )
    if len(result.rejected):
        logger.warning(
            "%d of %d records rejected from %s; see LoadResult.rejected",
            len(result.rejected),
            result.n_read,
            label,
        )
    return result


def truncate_conversations(conversations: pd.DataFrame, max_tokens: int) -> tuple[pd.DataFrame, int]:
    """Cut long conversations at message boundaries so they fit a token budget.

    System messages are kept whole and count against the budget; then the longest run of leading
    non-system messages that fits is kept. The first user message (the first with non-blank
    content) is always kept: if it does not fit in what is left of the budget (at least half of
    ``max_tokens`` is granted to it), its content is cut at a whitespace boundary where possible and
    ``" [truncated]"`` is appended. Tokens are counted with :func:`estimate_tokens`.

    Parameters
    ----------
    conversations : pandas.DataFrame
        A table with a ``messages`` column, as returned by :func:`load_conversations`.
    max_tokens : int
        Token budget per conversation.

    Returns
    -------
    tuple of (pandas.DataFrame, int)
        A new table (the input is not modified) and how many conversations were truncated.
    """
    if isinstance(max_tokens, bool) or not isinstance(max_tokens, int) or max_tokens < 1:
        raise ConfigError(f"max_tokens must be a positive integer; got {max_tokens!r}")
    if "messages" not in conversations.columns:
        raise ConfigError(
            f"conversations must have a 'messages' column; found {list(map(str, conversations.columns))}"
        )
    out_messages: list[Any] = []
    n_truncated = 0
    for messages in conversations["messages"].tolist():
        new = _truncate_messages(list(messages), max_tokens)
        if new is None:
            out_messages.append(messages)
        else:
            out_messages.append(new)
            n_truncated += 1
    result = conversations.copy()
    result["messages"] = pd.Series(out_messages, index=conversations.index, dtype=object)
    if n_truncated:
        logger.info("truncated %d of %d conversations to %d tokens", n_truncated, len(result), max_tokens)
    return result, n_truncated


def messages_text(messages: Iterable[Mapping[str, Any]], roles: str | Iterable[str] = ("user",)) -> str:
    r"""Join the contents of the messages with the given roles by blank lines.

    Parameters
    ----------
    messages : iterable of mapping
        Messages with ``role`` and ``content`` keys.
    roles : str or iterable of str, default=("user",)
        Roles to include.

    Returns
    -------
    str
        The non-empty contents, in order, joined by ``"\n\n"``.
    """
    wanted = {roles} if isinstance(roles, str) else set(roles)
    parts = []
    for message in messages:
        if message.get("role") in wanted:
            content = message.get("content")
            if isinstance(content, str) and content:
                parts.append(content)
    return "\n\n".join(parts)


def write_rejected(rejected: pd.DataFrame, path: str | os.PathLike[str]) -> None:
    r"""Write rejected records as JSON Lines in ASCII, atomically.

    Every character outside ASCII is written as its JSON escape (``\u00e9``, a lone surrogate as
    ``\ud800``), so any text can be written and no reader splits a line at U+0085 or U+2028.

    Parameters
    ----------
    rejected : pandas.DataFrame
        :attr:`LoadResult.rejected` (``source``, ``record``, ``conversation_id``, ``reason``; other
        columns are written too).
    path : str or path-like
        Destination; written to a temporary file in the same folder, then renamed over ``path``.
    """
    missing = [c for c in ("source", "record", "reason") if c not in rejected.columns]
    if missing:
        raise ConfigError(f"rejected must have columns source, record and reason; missing {missing}")
    target = Path(path)
    columns = [str(c) for c in rejected.columns]
    lines = []
    for row in rejected.itertuples(index=False, name=None):
        obj = {col: _json_safe(value) for col, value in zip(columns, row, strict=True)}
        lines.append(json.dumps(obj, ensure_ascii=True))
    write_text("".join(line + "\n" for line in lines), target)
    logger.info("wrote %d rejected records to %s", len(lines), target)


def _json_safe(value: Any) -> Any:
    """A cell of the rejected table as a JSON scalar (anything else as its string)."""
    value = plain(value)
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


# --------------------------------------------------------------------------------------------
# Sources
# --------------------------------------------------------------------------------------------


def _load_one(item: str | os.PathLike[str] | pd.DataFrame, fmt: str, sink: Sink) -> str:
    """Load one file or DataFrame into ``sink``; return its resolved format."""
    if isinstance(item, pd.DataFrame):
        resolved = load_frame(item, fmt, "<dataframe>", "dataframe", False, sink)
        return "dataframe" if fmt in ("auto", "dataframe") else resolved
    if isinstance(item, str | os.PathLike):
        return _load_path(item, fmt, sink)
    raise ConfigError(f"source list items must be paths; got {type(item).__name__}")


def _load_path(path: str | os.PathLike[str], fmt: str, sink: Sink) -> str:
    """Load one file into ``sink``; return its resolved format."""
    p = Path(os.fsdecode(path))
    source = _printable(os.fsdecode(path))
    if fmt == "dataframe":
        raise ConfigError(f"format 'dataframe' needs a pandas DataFrame, got the path {source!r}")
    if not p.exists():
        raise InputError("file not found", source)
    if p.is_dir():
        raise InputError("is a directory, not a file", source)
    stem, suffix = _split_name(p)
    stem = _printable(stem)
    if suffix in _TABLE_SUFFIXES:
        frame = _read_table(p, suffix, source)
        is_csv = suffix in (".csv", ".tsv")
        return load_frame(frame, fmt, source, stem, is_csv, sink)
    if suffix not in _JSON_SUFFIXES:
        if fmt == "auto":
            raise ConfigError(
                f"cannot detect the format of {source!r} from its extension (expected .jsonl, .json, "
                f".ndjson, .jsonl.gz, .parquet, .csv or .tsv); pass format= explicitly"
            )
        if fmt == "rows":
            frame = _read_table(p, ".csv", source)
            return load_frame(frame, fmt, source, stem, True, sink)
    elif fmt == "rows":
        raise ConfigError(f"format 'rows' needs a .parquet, .csv or .tsv file or a DataFrame; got {source!r}")
    data = _read_bytes(p, source)
    return load_json_bytes(data, fmt, source, stem, suffix == ".json", sink)


def _printable(name: str) -> str:
    r"""A file name that is valid Unicode: undecodable bytes (lone surrogates) as ``\udcXX`` escapes."""
    return name.encode("utf-8", "backslashreplace").decode("utf-8")


def _split_name(path: Path) -> tuple[str, str]:
    """Stem and lower-cased suffix of ``path``, ignoring a trailing ``.gz``."""
    name = path.name
    if name.lower().endswith(".gz"):
        name = name[:-3]
    return Path(name).stem, Path(name.lower()).suffix


def _read_bytes(path: Path, source: str) -> bytes:
    """The bytes of a file, gunzipped when gzip-compressed."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}", source) from exc
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            raise InputError(f"cannot decompress gzip file: {exc}", source) from exc
    return data


def _read_table(path: Path, suffix: str, source: str) -> pd.DataFrame:
    """Read a parquet, CSV or TSV file (CSV and TSV as strings, blanks kept)."""
    try:
        if suffix in (".parquet", ".pq"):
            return pd.read_parquet(path)
        return pd.read_csv(
            path,
            sep="\t" if suffix == ".tsv" else ",",
            dtype=str,
            keep_default_na=False,
            encoding="utf-8",
        )
    except UnicodeDecodeError as exc:
        raise InputError(
            f"file is not valid UTF-8 ({exc.reason} at byte offset {exc.start})", source
        ) from exc
    except pd.errors.EmptyDataError as exc:
        raise InputError("file is empty (no header row)", source) from exc
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read file: {exc}", source) from exc


# --------------------------------------------------------------------------------------------
# Truncation
# --------------------------------------------------------------------------------------------


def _truncate_messages(messages: list[Any], max_tokens: int) -> list[dict[str, Any]] | None:
    """Return the truncated message list, or None when the conversation already fits."""
    sizes = [estimate_tokens(_content(m)) for m in messages]
    if sum(sizes) <= max_tokens:
        return None
    keep = [m.get("role") == "system" for m in messages]
    budget = max_tokens - sum(s for s, k in zip(sizes, keep, strict=True) if k)
    for i in range(len(messages)):
        if keep[i]:
            continue
        if sizes[i] > budget:
            break
        keep[i] = True
        budget -= sizes[i]
    if all(keep):
        return None
    first_user = _first_user_index(messages)
    out: list[dict[str, Any]] = []
    for i, message in enumerate(messages):
        if keep[i]:
            out.append(message)
        elif i == first_user:
            allowance = max(budget, max_tokens // 2, 1)
            out.append({**message, "content": _cut_text(_content(message), allowance)})
    return out


def _first_user_index(messages: list[Any]) -> int | None:
    """Index of the first user message with non-blank content, else of the first user message."""
    first = None
    for i, message in enumerate(messages):
        if message.get("role") == "user":
            content = _content(message)
            if content and not content.isspace():
                return i
            if first is None:
                first = i
    return first


def _content(message: Mapping[str, Any]) -> str:
    """A message's content when it is a string, else an empty string."""
    content = message.get("content")
    return content if isinstance(content, str) else ""


def _cut_text(text: str, max_tokens: int) -> str:
    """Cut ``text`` so that it plus the truncation mark fits ``max_tokens``, at whitespace if possible."""
    if estimate_tokens(text) <= max_tokens:
        return text
    budget = max(1, max_tokens - estimate_tokens(TRUNCATION_MARK))
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if estimate_tokens(text[:mid]) <= budget:
            lo = mid
        else:
            hi = mid - 1
    cut = max(lo, 1)
    if not text[cut].isspace():
        for i in range(cut - 1, cut // 2, -1):
            if text[i].isspace():
                cut = i
                break
    head = text[:cut].rstrip() or text[: max(lo, 1)]
    return head + TRUNCATION_MARK
