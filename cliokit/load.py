"""Load conversations from JSON Lines, JSON, parquet, CSV or a DataFrame into one canonical table.

Every input ends up as one row per conversation with ``conversation_id``, ``user_id``, ``messages``
(a list of ``{"role", "content"}`` dicts, roles exactly ``system``/``user``/``assistant``/``tool``),
``source`` and ``record``. Bad records never stop a load: each is rejected with a reason that names
what is wrong, and ``n_read == len(conversations) + len(rejected)`` always holds. Problems with a
whole input (a missing file, an unreadable file, a table without the needed columns) raise
:class:`~cliokit.errors.InputError`.

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
:attr:`LoadResult.format` reports.
"""

from __future__ import annotations

import gzip
import json
import logging
import os
import re
import tempfile
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cliokit.errors import ConfigError, InputError

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

_MESSAGE_ROLES: dict[str, str] = {
    "system": "system",
    "user": "user",
    "assistant": "assistant",
    "tool": "tool",
    "developer": "system",
    "function": "tool",
}
_SHAREGPT_ROLES: dict[str, str] = {
    "human": "user",
    "user": "user",
    "gpt": "assistant",
    "assistant": "assistant",
    "chatgpt": "assistant",
    "bard": "assistant",
    "bing": "assistant",
    "model": "assistant",
    "system": "system",
    "tool": "tool",
    "function": "tool",
    "function_call": "tool",
    "observation": "tool",
}
_ROW_ROLES: dict[str, str] = {**_SHAREGPT_ROLES, **_MESSAGE_ROLES}

_TEXT_BLOCK_TYPES = frozenset({"text", "input_text", "output_text"})
_ANTHROPIC_BLOCK_TYPES = frozenset({"tool_use", "tool_result", "image", "thinking", "redacted_thinking"})
_OPENAI_PART_TYPES = frozenset({"image_url", "input_audio", "input_image", "file", "refusal"})
_OPENAI_ONLY_ROLES = frozenset({"system", "developer", "tool", "function"})

_JSON_SUFFIXES = frozenset({".jsonl", ".json", ".ndjson", ".jsonlines"})
_TABLE_SUFFIXES = frozenset({".parquet", ".pq", ".csv", ".tsv"})

_CONVERSATION_ID_COLUMNS = ("conversation_id", "id", "conversation")
_ROLE_COLUMNS = ("role", "from", "speaker")
_CONTENT_COLUMNS = ("content", "text", "message", "value")
_ORDER_COLUMNS = ("turn", "message_index", "position", "timestamp")

_TRUNCATION_MARK = " [truncated]"

# Scripts for estimate_tokens: Latin, Greek, Cyrillic (and their punctuation) ~4 chars per token,
# CJK ideographs, Kana and Hangul ~1 token per char, everything else ~2 chars per token.
_LATIN_LIKE_RE = re.compile(
    r"[\u0000-\u052f\u1c80-\u1c8f\u1d00-\u1dbf\u1e00-\u1fff\u2000-\u20cf\u2100-\u215f"
    r"\u2190-\u23ff\u2500-\u25ff\u2de0-\u2dff\ua640-\ua69f\ua720-\ua7ff\ufb00-\ufb06]"
)
_CJK_RE = re.compile(
    r"[\u1100-\u11ff\u2e80-\u2fdf\u3000-\u30ff\u3100-\u31ff\u3200-\u33ff\u3400-\u4dbf"
    r"\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
    r"\U00020000-\U0003134f]"
)


@dataclass(frozen=True)
class LoadResult:
    """What :func:`load_conversations` read.

    Attributes
    ----------
    conversations : pandas.DataFrame
        One row per accepted conversation: ``conversation_id`` (str), ``user_id`` (str),
        ``messages`` (list of ``{"role": str, "content": str}``), ``source`` (str) and ``record``
        (int, 1-based line number or record index in ``source``).
    rejected : pandas.DataFrame
        One row per rejected record: ``source`` (str), ``record`` (int), ``conversation_id``
        (str, or None when the record carried no id) and ``reason`` (str).
    n_read : int
        Records read; always ``len(conversations) + len(rejected)``.
    format : str
        The resolved format (``"mixed"`` when a list of inputs resolved to different formats).
    n_user_id_missing : int
        Accepted conversations without a ``user_id``; their user id is the conversation id.
    """

    conversations: pd.DataFrame
    rejected: pd.DataFrame
    n_read: int
    format: str
    n_user_id_missing: int


class _Reject(Exception):
    """Internal: a record is rejected for ``reason``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _Sink:
    """Collects accepted and rejected records as plain lists; one DataFrame is built at the end."""

    def __init__(self, strict: bool, max_messages: int, max_chars: int) -> None:
        self.strict = strict
        self.max_messages = max_messages
        self.max_chars = max_chars
        self.ids: list[str] = []
        self.user_ids: list[str] = []
        self.messages: list[list[dict[str, str]]] = []
        self.sources: list[str] = []
        self.records: list[int] = []
        self.rej_sources: list[str] = []
        self.rej_records: list[int] = []
        self.rej_ids: list[str | None] = []
        self.rej_reasons: list[str] = []
        self.seen: dict[str, tuple[str, int]] = {}
        self.n_user_id_missing = 0

    def reject(self, source: str, record: int, conversation_id: str | None, reason: str) -> None:
        if self.strict:
            raise InputError(reason, source, record)
        logger.debug("%s:%d rejected: %s", source, record, reason)
        self.rej_sources.append(source)
        self.rej_records.append(record)
        self.rej_ids.append(conversation_id)
        self.rej_reasons.append(reason)

    def accept(
        self,
        source: str,
        record: int,
        conversation_id: str,
        user_id: str | None,
        messages: list[dict[str, str]],
        reported_id: str | None,
    ) -> None:
        """Run the checks shared by every format, then keep or reject the conversation."""
        n_messages = len(messages)
        if n_messages > self.max_messages:
            self.reject(source, record, reported_id, _huge_messages(n_messages, self.max_messages))
            return
        n_chars = sum(len(m["content"]) for m in messages)
        if n_chars > self.max_chars:
            reason = (
                f"huge conversation: {n_chars} characters exceeds the limit of max_chars={self.max_chars}"
            )
            self.reject(source, record, reported_id, reason)
            return
        if not any(m["role"] == "user" and m["content"] and not m["content"].isspace() for m in messages):
            reason = "empty conversation: no user message with non-whitespace content"
            self.reject(source, record, reported_id, reason)
            return
        first = self.seen.get(conversation_id)
        if first is not None:
            reason = f"duplicate conversation id {conversation_id!r}: first seen at {first[0]}:{first[1]}"
            self.reject(source, record, reported_id, reason)
            return
        self.seen[conversation_id] = (source, record)
        if user_id is None:
            user_id = conversation_id
            self.n_user_id_missing += 1
        self.ids.append(conversation_id)
        self.user_ids.append(user_id)
        self.messages.append(messages)
        self.sources.append(source)
        self.records.append(record)

    def result(self, resolved_format: str) -> LoadResult:
        conversations = pd.DataFrame(
            {
                "conversation_id": pd.Series(self.ids, dtype="str"),
                "user_id": pd.Series(self.user_ids, dtype="str"),
                "messages": pd.Series(self.messages, dtype=object),
                "source": pd.Series(self.sources, dtype="str"),
                "record": pd.Series(self.records, dtype="int64"),
            }
        )
        rejected = pd.DataFrame(
            {
                "source": pd.Series(self.rej_sources, dtype="str"),
                "record": pd.Series(self.rej_records, dtype="int64"),
                "conversation_id": pd.Series(self.rej_ids, dtype=object),
                "reason": pd.Series(self.rej_reasons, dtype="str"),
            }
        )
        return LoadResult(
            conversations=conversations,
            rejected=rejected,
            n_read=len(conversations) + len(rejected),
            format=resolved_format,
            n_user_id_missing=self.n_user_id_missing,
        )


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
        Raise :class:`~cliokit.errors.InputError` at the first rejected record.
    max_messages : int, default=2000
        Conversations with more messages are rejected as huge.
    max_chars : int, default=1_000_000
        Conversations with more characters of content in total are rejected as huge.

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
        record is rejected; the message starts with ``source:record``.
    """
    if format not in FORMATS:
        raise ConfigError(f"format must be one of {', '.join(FORMATS)}; got {format!r}")
    for name, value in (("max_messages", max_messages), ("max_chars", max_chars)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ConfigError(f"{name} must be a positive integer; got {value!r}")
    sink = _Sink(strict, max_messages, max_chars)
    if isinstance(source, pd.DataFrame):
        formats = [_load_dataframe(source, format, sink)]
        label = "<dataframe>"
    elif isinstance(source, str | os.PathLike):
        formats = [_load_path(source, format, sink)]
        label = os.fsdecode(source)
    elif isinstance(source, Sequence) and not isinstance(source, bytes):
        if len(source) == 0:
            raise ConfigError("source is an empty list; pass at least one file")
        formats = []
        for item in source:
            if isinstance(item, pd.DataFrame):
                formats.append(_load_dataframe(item, format, sink))
            elif isinstance(item, str | os.PathLike):
                formats.append(_load_path(item, format, sink))
            else:
                raise ConfigError(f"source list items must be paths; got {type(item).__name__}")
        label = f"{len(source)} inputs"
    else:
        raise ConfigError(
            f"source must be a path, a list of paths or a DataFrame; got {type(source).__name__}"
        )
    resolved = formats[0] if len(set(formats)) == 1 else "mixed"
    result = sink.result(resolved)
    logger.info(
        "loaded %d conversations from %s (format %s, %d rejected)",
        len(result.conversations),
        label,
        resolved,
        len(result.rejected),
    )
    if len(result.rejected):
        logger.warning(
            "%d of %d records rejected from %s; see LoadResult.rejected",
            len(result.rejected),
            result.n_read,
            label,
        )
    return result


def estimate_tokens(text: str) -> int:
    """Estimate the token count of ``text`` with a cheap script-based heuristic.

    This is not a tokenizer: it counts about 4 characters per token for Latin, Greek and Cyrillic
    scripts (and ASCII punctuation, digits and whitespace), 1 token per character for CJK
    ideographs, Kana and Hangul, and about 2 characters per token for other scripts (Arabic,
    Devanagari, Thai, emoji, ...).

    Parameters
    ----------
    text : str
        The text to measure.

    Returns
    -------
    int
        The estimate; 0 for empty text and at least 1 otherwise.
    """
    n = len(text)
    if n == 0:
        return 0
    if text.isascii():
        return (n + 3) // 4
    cjk = _CJK_RE.subn("", text)[1]
    latin = _LATIN_LIKE_RE.subn("", text)[1]
    other = n - cjk - latin
    return max(1, (latin + 4 * cjk + 2 * other + 3) // 4)


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
    """Write rejected records as UTF-8 JSON Lines, atomically.

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
    target.parent.mkdir(parents=True, exist_ok=True)
    columns = [str(c) for c in rejected.columns]
    lines = []
    for row in rejected.itertuples(index=False, name=None):
        obj = {col: _json_safe(value) for col, value in zip(columns, row, strict=True)}
        lines.append(json.dumps(obj, ensure_ascii=False))
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            for line in lines:
                fh.write(line)
                fh.write("\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    logger.info("wrote %d rejected records to %s", len(lines), target)


# --------------------------------------------------------------------------------------------
# Sources
# --------------------------------------------------------------------------------------------


def _load_path(path: str | os.PathLike[str], fmt: str, sink: _Sink) -> str:
    source = os.fsdecode(path)
    if fmt == "dataframe":
        raise ConfigError(f"format 'dataframe' needs a pandas DataFrame, got the path {source!r}")
    p = Path(source)
    if not p.exists():
        raise InputError("file not found", source)
    if p.is_dir():
        raise InputError("is a directory, not a file", source)
    suffix = _suffix(p)
    stem = _stem(p)
    if suffix in _TABLE_SUFFIXES:
        frame = _read_table(p, suffix, source)
        is_csv = suffix in (".csv", ".tsv")
        return _load_frame(frame, fmt, source, stem, is_csv, sink)
    if suffix not in _JSON_SUFFIXES:
        if fmt == "auto":
            raise ConfigError(
                f"cannot detect the format of {source!r} from its extension (expected .jsonl, .json, "
                f".ndjson, .jsonl.gz, .parquet, .csv or .tsv); pass format= explicitly"
            )
        if fmt == "rows":
            frame = _read_table(p, ".csv", source)
            return _load_frame(frame, fmt, source, stem, True, sink)
    elif fmt == "rows":
        raise ConfigError(f"format 'rows' needs a .parquet, .csv or .tsv file or a DataFrame; got {source!r}")
    data = _read_bytes(p, source)
    return _load_json_bytes(data, fmt, source, stem, suffix == ".json", sink)


def _load_dataframe(frame: pd.DataFrame, fmt: str, sink: _Sink) -> str:
    resolved = _load_frame(frame, fmt, "<dataframe>", "dataframe", False, sink)
    return "dataframe" if fmt in ("auto", "dataframe") else resolved


def _suffix(path: Path) -> str:
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    return Path(name).suffix


def _stem(path: Path) -> str:
    name = path.name
    if name.lower().endswith(".gz"):
        name = name[:-3]
    return Path(name).stem


def _read_bytes(path: Path, source: str) -> bytes:
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


def _load_json_bytes(data: bytes, fmt: str, source: str, stem: str, is_json_file: bool, sink: _Sink) -> str:
    detected: str | None = None if fmt == "auto" else fmt
    for record, obj, error in _json_records(data, source, is_json_file):
        if error is not None:
            sink.reject(source, record, None, error)
            continue
        if not isinstance(obj, dict):
            sink.reject(source, record, None, f"record is not a JSON object (got {_json_type(obj)})")
            continue
        if detected is None:
            detected = _detect_format(obj)
        _handle_record(obj, fmt, source, record, stem, sink)
    return detected or "openai"


def _json_records(data: bytes, source: str, is_json_file: bool) -> Iterator[tuple[int, Any, str | None]]:
    """Yield ``(record, parsed object, None)`` or ``(record, None, reason)``, skipping blank lines."""
    offset = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    if is_json_file:
        head = data[offset : offset + 4096].lstrip()
        if head.startswith((b"[", b"{")):
            whole = _parse_whole(data[offset:], offset, source, must=head.startswith(b"["))
            if isinstance(whole, list):
                for index, item in enumerate(whole, 1):
                    yield index, item, None
                return
            if isinstance(whole, dict):
                yield 1, whole, None
                return
    lines = data[offset:].split(b"\n")
    for lineno, raw in enumerate(lines, 1):
        start = offset
        offset += len(raw) + 1
        if not raw.strip():
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield lineno, None, f"line is not valid UTF-8 ({exc.reason} at byte offset {start + exc.start})"
            continue
        try:
            yield lineno, json.loads(text), None
        except json.JSONDecodeError as exc:
            yield lineno, None, f"invalid JSON: {exc}"
        except RecursionError:
            yield lineno, None, "invalid JSON: nested too deeply"


def _parse_whole(data: bytes, offset: int, source: str, must: bool) -> Any:
    """Parse a whole ``.json`` file; None when it is not one JSON value and ``must`` is false."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if not must:
            return None
        raise InputError(
            f"file is not valid UTF-8 ({exc.reason} at byte offset {offset + exc.start})", source
        ) from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        if must:
            raise InputError(f"invalid JSON array: {exc}", source) from exc
        return None


def _detect_format(record: Mapping[str, Any]) -> str | None:
    """Guess the format of one record; None when it has neither messages nor conversations."""
    if "conversations" in record:
        return "sharegpt"
    if "messages" not in record:
        return None
    if record.get("system") is not None:
        return "anthropic"
    messages = record.get("messages")
    if not isinstance(messages, list):
        return "openai"
    block_types: set[Any] = set()
    for message in messages:
        if not isinstance(message, dict):
            continue
        role = message.get("role")
        if isinstance(role, str) and role in _OPENAI_ONLY_ROLES:
            return "openai"
        content = message.get("content")
        if isinstance(content, list):
            block_types.update(b.get("type") for b in content if isinstance(b, dict))
    if block_types & _OPENAI_PART_TYPES:
        return "openai"
    if block_types & _ANTHROPIC_BLOCK_TYPES or block_types - {None}:
        return "anthropic"
    return "openai"


def _load_frame(frame: pd.DataFrame, fmt: str, source: str, stem: str, is_csv: bool, sink: _Sink) -> str:
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
    record_fmt = "auto" if fmt in ("auto", "dataframe") else fmt
    detected: str | None = None if record_fmt == "auto" else record_fmt
    keys = [str(c) for c in frame.columns]
    for index, values in enumerate(frame.itertuples(index=False, name=None), 1):
        obj = {key: _plain(value) for key, value in zip(keys, values, strict=True)}
        if detected is None:
            detected = _detect_format(obj)
        _handle_record(obj, record_fmt, source, index, stem, sink)
    return detected or "openai"


def _pick(columns: Mapping[str, Any], names: Sequence[str]) -> Any:
    for name in names:
        if name in columns:
            return columns[name]
    return None


def _load_rows(
    frame: pd.DataFrame, columns: Mapping[str, Any], source: str, offset: int, sink: _Sink
) -> None:
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
    ids = frame[id_col].tolist()
    roles = frame[role_col].tolist()
    contents = frame[content_col].tolist()
    users = frame[user_col].tolist() if user_col is not None else None
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
        if len(rows) > sink.max_messages:
            sink.reject(source, record, key, _huge_messages(len(rows), sink.max_messages))
            continue
        if order is not None:
            keys = order
            rows = sorted(rows, key=lambda j: keys[j])
        try:
            messages = [_row_message(roles[j], contents[j], j + offset) for j in rows]
        except _Reject as exc:
            sink.reject(source, record, key, exc.reason)
            continue
        user_id = None
        if users is not None:
            for j in rows:
                user_id = _row_id(users[j])
                if user_id is not None:
                    break
        sink.accept(source, record, key, user_id, messages, key)


def _row_message(role: Any, content: Any, row: int) -> dict[str, str]:
    mapped = _ROW_ROLES.get(role) if isinstance(role, str) else None
    if mapped is None:
        mapped = _map_role(role, _ROW_ROLES, f"row {row}", "role")
    if isinstance(content, str):
        text = content
    elif _is_missing(content):
        text = ""
    elif isinstance(content, list | tuple | np.ndarray):
        text = _render_blocks(_plain(content), f"row {row}")
    else:
        raise _Reject(
            f"row {row} has content of unsupported type {type(content).__name__}; expected a string"
        )
    return {"role": mapped, "content": text}


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
    return [(1, 0) if _is_missing(v) else (0, v) for v in values.tolist()]


def _row_id(value: Any) -> str | None:
    if type(value) is str:
        return value if value and not value.isspace() else None
    if _is_missing(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    return text if text.strip() else None


# --------------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------------


def _handle_record(obj: dict[str, Any], fmt: str, source: str, record: int, stem: str, sink: _Sink) -> None:
    reported: str | None = None
    try:
        conversation_id, explicit = _conversation_id(obj, f"{stem}:{record}")
        if explicit:
            reported = conversation_id
        if fmt == "sharegpt" or (fmt == "auto" and "conversations" in obj and "messages" not in obj):
            messages = _parse_sharegpt(obj, sink.max_messages)
        elif fmt == "auto" and "messages" not in obj:
            raise _Reject("record has neither 'messages' nor 'conversations'")
        else:
            messages = _parse_messages(obj, sink.max_messages)
        user_id = _user_id(obj)
    except _Reject as exc:
        sink.reject(source, record, reported, exc.reason)
        return
    sink.accept(source, record, conversation_id, user_id, messages, reported)


def _conversation_id(obj: Mapping[str, Any], fallback: str) -> tuple[str, bool]:
    value = obj.get("id")
    if _is_missing(value):
        value = obj.get("conversation_id")
    if _is_missing(value):
        return fallback, False
    if isinstance(value, str):
        return (value, True) if value.strip() else (fallback, False)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value), True
    if isinstance(value, float) and value.is_integer():
        return str(int(value)), True
    raise _Reject(f"conversation id must be a string or an integer; got {_json_type(value)}")


def _user_id(obj: Mapping[str, Any]) -> str | None:
    value = obj.get("user_id")
    if _is_missing(value):
        return None
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    raise _Reject(f"user_id must be a string or an integer; got {_json_type(value)}")


def _message_list(obj: Mapping[str, Any], key: str, max_messages: int) -> list[Any]:
    raw = obj.get(key)
    if raw is None:
        raise _Reject(f"missing '{key}'")
    if not isinstance(raw, list):
        raise _Reject(f"'{key}' must be a list; got {_json_type(raw)}")
    if not raw:
        raise _Reject(f"'{key}' is empty")
    if len(raw) > max_messages:
        raise _Reject(_huge_messages(len(raw), max_messages))
    return raw


def _system_message(obj: Mapping[str, Any]) -> list[dict[str, str]]:
    system = obj.get("system")
    if system is None:
        return []
    text = _render_content(system, "'system'")
    return [{"role": "system", "content": text}] if text.strip() else []


def _parse_messages(obj: Mapping[str, Any], max_messages: int) -> list[dict[str, str]]:
    """OpenAI chat and Anthropic Messages records (one parser: the layouts overlap)."""
    raw = _message_list(obj, "messages", max_messages)
    out = _system_message(obj)
    for i, message in enumerate(raw, 1):
        if not isinstance(message, dict):
            raise _Reject(f"message {i} is not an object (got {_json_type(message)})")
        role = message.get("role")
        mapped = _MESSAGE_ROLES.get(role) if isinstance(role, str) else None
        if mapped is None:
            mapped = _map_role(role, _MESSAGE_ROLES, f"message {i}", "role")
        content = message.get("content")
        if isinstance(content, str):
            text = content
        elif content is None:
            text = ""
        elif isinstance(content, list):
            text = _render_blocks(content, f"message {i}")
            if (
                mapped == "user"
                and content
                and all(isinstance(b, dict) and b.get("type") == "tool_result" for b in content)
            ):
                mapped = "tool"
        else:
            raise _Reject(
                f"message {i} has content of unsupported type {_json_type(content)}; "
                "expected a string, null or a list of content blocks"
            )
        out.append({"role": mapped, "content": text})
    return out


def _parse_sharegpt(obj: Mapping[str, Any], max_messages: int) -> list[dict[str, str]]:
    raw = _message_list(obj, "conversations", max_messages)
    out = _system_message(obj)
    for i, message in enumerate(raw, 1):
        if not isinstance(message, dict):
            raise _Reject(f"message {i} is not an object (got {_json_type(message)})")
        role = message.get("from", message.get("role"))
        mapped = _SHAREGPT_ROLES.get(role) if isinstance(role, str) else None
        if mapped is None:
            mapped = _map_role(role, _SHAREGPT_ROLES, f"message {i}", "from")
        value = message["value"] if "value" in message else message.get("content")
        out.append({"role": mapped, "content": _render_content(value, f"message {i}")})
    return out


def _map_role(role: Any, table: Mapping[str, str], where: str, key: str) -> str:
    if role is None:
        raise _Reject(f"{where} has no '{key}'")
    if isinstance(role, str):
        mapped = table.get(role.strip().lower())
        if mapped is not None:
            return mapped
        shown = repr(role)
    else:
        shown = f"{_json_type(role)} {json.dumps(role, default=str)}"
    if table is _MESSAGE_ROLES:
        allowed = "system, user, assistant, tool (aliases: developer for system, function for tool)"
    else:
        allowed = ", ".join(table)
    raise _Reject(f"{where} has unknown role {shown}; allowed roles: {allowed}")


def _render_content(content: Any, where: str) -> str:
    if isinstance(content, str):
        return content
    if content is None:
        return ""
    if isinstance(content, list):
        return _render_blocks(content, where)
    raise _Reject(
        f"{where} has content of unsupported type {_json_type(content)}; "
        "expected a string, null or a list of content blocks"
    )


def _render_blocks(blocks: list[Any], where: str) -> str:
    """Text of a list of content parts/blocks; images, thinking and unknown block types are dropped."""
    parts: list[str] = []
    for block in blocks:
        if isinstance(block, str):
            if block:
                parts.append(block)
            continue
        if not isinstance(block, dict):
            raise _Reject(f"{where} has a content block of unsupported type {_json_type(block)}")
        kind = block.get("type")
        if kind in _TEXT_BLOCK_TYPES or (kind is None and "text" in block):
            text = block.get("text")
            if isinstance(text, str):
                if text:
                    parts.append(text)
            elif text is not None:
                raise _Reject(f"{where} has a text block whose text is {_json_type(text)}, not a string")
        elif kind == "tool_use":
            name = block.get("name") or "tool"
            arguments = json.dumps(
                block.get("input", {}), ensure_ascii=False, separators=(",", ":"), default=str
            )
            parts.append(f"[tool_use {name}] {arguments}")
        elif kind == "tool_result":
            result = _render_content(block.get("content"), where)
            if result:
                parts.append(result)
    return "\n".join(parts)


def _huge_messages(n: int, limit: int) -> str:
    return f"huge conversation: {n} messages exceeds the limit of max_messages={limit}"


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list | tuple):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and value != value


def _plain(value: Any) -> Any:
    """Numpy arrays and scalars (parquet list columns) to plain Python; NaN to None."""
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()]
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, np.generic):
        value = value.item()
    if _is_missing(value):
        return None
    return value


def _json_safe(value: Any) -> Any:
    value = _plain(value)
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


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
    content = message.get("content")
    return content if isinstance(content, str) else ""


def _cut_text(text: str, max_tokens: int) -> str:
    """Cut ``text`` so that it plus the truncation mark fits ``max_tokens``, at whitespace if possible."""
    if estimate_tokens(text) <= max_tokens:
        return text
    budget = max(1, max_tokens - estimate_tokens(_TRUNCATION_MARK))
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
    return head + _TRUNCATION_MARK
