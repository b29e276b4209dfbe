"""Per-record parsing for :mod:`cliokit.load`: JSON records, format detection, role maps and messages.

Records reach a :class:`Sink`, which runs the checks shared by every format (ids, size limits, text
cleaning, user text, duplicates) and keeps accepted and rejected records as plain lists.
"""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import numpy as np
import pandas as pd

from cliokit._load_time import find_timestamp, parse_timestamp
from cliokit.errors import InputError

logger = logging.getLogger("cliokit.load")

MESSAGE_ROLES: dict[str, str] = {
    "system": "system",
    "user": "user",
    "assistant": "assistant",
    "tool": "tool",
    "developer": "system",
    "function": "tool",
}
SHAREGPT_ROLES: dict[str, str] = {
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
ROW_ROLES: dict[str, str] = {**SHAREGPT_ROLES, **MESSAGE_ROLES}

_TEXT_BLOCK_TYPES = frozenset({"text", "input_text", "output_text"})
_ANTHROPIC_BLOCK_TYPES = frozenset({"tool_use", "tool_result", "image", "thinking", "redacted_thinking"})
_OPENAI_PART_TYPES = frozenset({"image_url", "input_audio", "input_image", "file", "refusal"})
_OPENAI_ONLY_ROLES = frozenset({"system", "developer", "tool", "function"})

#: Appended to a message cut at a size limit (here at ``max_chars``, in :mod:`cliokit.load` at the
#: token budget).
TRUNCATION_MARK = " [truncated]"
#: Line and page breaks (CR LF, CR, VT, FF, NEL) become a newline.
_LINE_BREAKS = re.compile("\r\n?|[\x0b\x0c\x85]")
#: The other C0 controls, DEL and the other C1 controls are removed (tab and newline are kept).
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")
#: Unicode categories that show nothing: controls, format characters (zero-width space, joiners,
#: BOM, bidi marks) and separators (spaces, line and paragraph separators).
_INVISIBLE = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})


class Reject(Exception):
    """A record is rejected for ``reason``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Sink:
    """Collects accepted and rejected records as plain lists; one DataFrame is built at the end."""

    def __init__(self, strict: bool, max_messages: int, max_chars: int) -> None:
        self.strict = strict
        self.max_messages = max_messages
        self.max_chars = max_chars
        self.n_cut = 0
        self.n_cleaned = 0
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
        self.timestamps: list[pd.Timestamp | None] = []
        self.n_bad_timestamp = 0
        self.first_bad_timestamp: str | None = None

    def reject(self, source: str, record: int, conversation_id: str | None, reason: str) -> None:
        """Record a rejection, or raise it when strict."""
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
        stamp: tuple[str, Any] | None = None,
    ) -> None:
        """Cut the conversation to the limits and clean its text, then keep or reject it.

        ``stamp`` is ``(where, raw value)`` of its timestamp; an unreadable one is counted and kept
        as NaT (raised when strict).
        """
        try:
            check_text(conversation_id, "conversation id")
            if user_id is not None:
                check_text(user_id, "user_id")
        except Reject as exc:
            self.reject(source, record, reported_id, exc.reason)
            return
        kept = _cut(messages, self.max_messages, self.max_chars)
        was_cut = kept is not messages
        cleaned = [_clean(m["content"]) for m in kept]
        final = [{"role": m["role"], "content": text} for m, (text, _) in zip(kept, cleaned, strict=True)]
        if not any(m["role"] == "user" and m["content"] for m in final):
            if not was_cut:
                reason = "empty conversation: no user message with visible text"
            else:
                reason = (
                    "huge conversation: no user message with visible text is left after cutting it to "
                    f"max_messages={self.max_messages} and max_chars={self.max_chars}"
                )
            self.reject(source, record, reported_id, reason)
            return
        first = self.seen.get(conversation_id)
        if first is not None:
            shown = _shorten(repr(conversation_id))
            reason = f"duplicate conversation id {shown}: first seen at {first[0]}:{first[1]}"
            self.reject(source, record, reported_id, reason)
            return
        timestamp = self._timestamp(source, record, stamp)
        self.seen[conversation_id] = (source, record)
        self.n_cut += was_cut
        self.n_cleaned += any(changed for _, changed in cleaned)
        if user_id is None:
            user_id = conversation_id
            self.n_user_id_missing += 1
        self.ids.append(conversation_id)
        self.user_ids.append(user_id)
        self.messages.append(final)
        self.sources.append(source)
        self.records.append(record)
        self.timestamps.append(timestamp)

    def _timestamp(self, source: str, record: int, stamp: tuple[str, Any] | None) -> pd.Timestamp | None:
        """The parsed timestamp; None when absent or (counted, or raised when strict) unreadable."""
        if stamp is None:
            return None
        where, value = stamp
        try:
            return parse_timestamp(value)
        except ValueError as exc:
            reason = f"timestamp {where}: {exc}"
            if self.strict:
                raise InputError(reason, source, record) from None
            logger.debug("%s:%d kept without a timestamp: %s", source, record, reason)
            self.n_bad_timestamp += 1
            if self.first_bad_timestamp is None:
                self.first_bad_timestamp = f"{source}:{record}: {reason}"
            return None

    def frames(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Accepted conversations and rejected records as DataFrames."""
        conversations = pd.DataFrame(
            {
                "conversation_id": pd.Series(self.ids, dtype="str"),
                "user_id": pd.Series(self.user_ids, dtype="str"),
                "messages": pd.Series(self.messages, dtype=object),
                "source": pd.Series(self.sources, dtype="str"),
                "record": pd.Series(self.records, dtype="int64"),
                "timestamp": pd.Series(self.timestamps, dtype="datetime64[ns, UTC]"),
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
        return conversations, rejected


# --------------------------------------------------------------------------------------------
# JSON and JSON Lines
# --------------------------------------------------------------------------------------------


def load_json_bytes(data: bytes, fmt: str, source: str, stem: str, is_json_file: bool, sink: Sink) -> str:
    """Load the records of a JSON or JSON Lines file into ``sink``; return the detected format."""

    def objects() -> Iterator[tuple[int, dict[str, Any]]]:
        for record, obj, error in _json_records(data, source, is_json_file):
            if error is not None:
                sink.reject(source, record, None, error)
            elif not isinstance(obj, dict):
                sink.reject(source, record, None, f"record is not a JSON object (got {json_type(obj)})")
            else:
                yield record, obj

    return load_records(objects(), fmt, source, stem, sink)


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
        except ValueError as exc:  # JSONDecodeError, or an integer with too many digits
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
    except (ValueError, RecursionError) as exc:
        if must:
            reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
            raise InputError(f"invalid JSON array: {reason}", source) from exc
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
            block_types.update(
                b.get("type") for b in content if isinstance(b, dict) and isinstance(b.get("type"), str)
            )
    if block_types & _OPENAI_PART_TYPES:
        return "openai"
    if block_types & _ANTHROPIC_BLOCK_TYPES or block_types - {None}:
        return "anthropic"
    return "openai"


# --------------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------------


def load_records(
    records: Iterable[tuple[int, dict[str, Any]]], fmt: str, source: str, stem: str, sink: Sink
) -> str:
    """Parse ``(record, object)`` pairs into ``sink``; return the format detected from the first."""
    detected: str | None = None if fmt == "auto" else fmt
    for record, obj in records:
        if detected is None:
            detected = _detect_format(obj)
        _handle_record(obj, fmt, source, record, stem, sink)
    return detected or "openai"


def _handle_record(obj: dict[str, Any], fmt: str, source: str, record: int, stem: str, sink: Sink) -> None:
    """Parse one conversation record and hand it to ``sink``."""
    reported: str | None = None
    try:
        value = obj.get("id")
        if is_missing(value):
            value = obj.get("conversation_id")
        reported = _id_value(value, "conversation id")
        conversation_id = f"{stem}:{record}" if reported is None else reported
        if fmt == "sharegpt" or (fmt == "auto" and "conversations" in obj and "messages" not in obj):
            messages = _parse_sharegpt(obj)
        elif fmt == "auto" and "messages" not in obj:
            raise Reject("record has neither 'messages' nor 'conversations'")
        else:
            messages = _parse_messages(obj)
        user_id = _id_value(obj.get("user_id"), "user_id")
    except Reject as exc:
        sink.reject(source, record, reported, exc.reason)
        return
    except RecursionError:
        sink.reject(source, record, reported, "record is nested too deeply")
        return
    sink.accept(source, record, conversation_id, user_id, messages, reported, find_timestamp(obj))


def _id_value(value: Any, what: str) -> str | None:
    """A string or integer id as a string; None when missing or blank."""
    if is_missing(value):
        return None
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    raise Reject(f"{what} must be a string or an integer; got {json_type(value)}")


def _message_list(obj: Mapping[str, Any], key: str) -> list[Any]:
    """The non-empty message list under ``key``."""
    raw = obj.get(key)
    if raw is None:
        raise Reject(f"missing '{key}'")
    if not isinstance(raw, list):
        raise Reject(f"'{key}' must be a list; got {json_type(raw)}")
    if not raw:
        raise Reject(f"'{key}' is empty")
    return raw


def _system_message(obj: Mapping[str, Any]) -> list[dict[str, str]]:
    """The top-level ``system`` field as a leading system message, if it has text."""
    system = obj.get("system")
    if system is None:
        return []
    text = check_text(_render_content(system, "'system'"), "'system'")
    return [{"role": "system", "content": text}] if text.strip() else []


def _parse_messages(obj: Mapping[str, Any]) -> list[dict[str, str]]:
    """OpenAI chat and Anthropic Messages records (one parser: the layouts overlap)."""
    raw = _message_list(obj, "messages")
    out = _system_message(obj)
    for i, message in enumerate(raw, 1):
        if not isinstance(message, dict):
            raise Reject(f"message {i} is not an object (got {json_type(message)})")
        role = message.get("role")
        mapped = MESSAGE_ROLES.get(role) if isinstance(role, str) else None
        if mapped is None:
            mapped = map_role(role, MESSAGE_ROLES, f"message {i}", "role")
        content = message.get("content")
        if isinstance(content, str):
            text = content
        else:
            text = _render_content(content, f"message {i}")
            if (
                mapped == "user"
                and isinstance(content, list)
                and content
                and all(isinstance(b, dict) and b.get("type") == "tool_result" for b in content)
            ):
                mapped = "tool"
        out.append({"role": mapped, "content": check_text(text, f"message {i}")})
    return out


def _parse_sharegpt(obj: Mapping[str, Any]) -> list[dict[str, str]]:
    """ShareGPT records: ``conversations`` of ``{"from", "value"}``."""
    raw = _message_list(obj, "conversations")
    out = _system_message(obj)
    for i, message in enumerate(raw, 1):
        if not isinstance(message, dict):
            raise Reject(f"message {i} is not an object (got {json_type(message)})")
        role = message.get("from", message.get("role"))
        mapped = SHAREGPT_ROLES.get(role) if isinstance(role, str) else None
        if mapped is None:
            mapped = map_role(role, SHAREGPT_ROLES, f"message {i}", "from")
        value = message["value"] if "value" in message else message.get("content")
        text = _render_content(value, f"message {i}")
        out.append({"role": mapped, "content": check_text(text, f"message {i}")})
    return out


def map_role(role: Any, table: Mapping[str, str], where: str, key: str) -> str:
    """Map ``role`` through ``table`` case- and space-insensitively, or reject it."""
    if role is None:
        raise Reject(f"{where} has no '{key}'")
    if isinstance(role, str):
        mapped = table.get(role.strip().lower())
        if mapped is not None:
            return mapped
        shown = _shorten(repr(role))
    else:
        shown = f"{json_type(role)} {_shorten(json.dumps(role, default=str))}"
    if table is MESSAGE_ROLES:
        allowed = "system, user, assistant, tool (aliases: developer for system, function for tool)"
    else:
        allowed = ", ".join(table)
    raise Reject(f"{where} has unknown role {shown}; allowed roles: {allowed}")


def _render_content(content: Any, where: str) -> str:
    """Text of a message content: a string, null or a list of blocks."""
    if isinstance(content, str):
        return content
    if content is None:
        return ""
    if isinstance(content, list):
        return render_blocks(content, where)
    raise Reject(
        f"{where} has content of unsupported type {json_type(content)}; "
        "expected a string, null or a list of content blocks"
    )


def render_blocks(blocks: list[Any], where: str) -> str:
    """Text of a list of content parts/blocks; images, thinking and unknown block types are dropped."""
    parts: list[str] = []
    for block in blocks:
        if isinstance(block, str):
            if block:
                parts.append(block)
            continue
        if not isinstance(block, dict):
            raise Reject(f"{where} has a content block of unsupported type {json_type(block)}")
        kind = block.get("type")
        if kind is not None and not isinstance(kind, str):
            raise Reject(f"{where} has a content block whose type is {json_type(kind)}, not a string")
        if kind in _TEXT_BLOCK_TYPES or (kind is None and "text" in block):
            text = block.get("text")
            if isinstance(text, str):
                if text:
                    parts.append(text)
            elif text is not None:
                raise Reject(f"{where} has a text block whose text is {json_type(text)}, not a string")
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


# --------------------------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------------------------


def check_text(text: str, where: str) -> str:
    """``text`` itself, or a rejection when it holds a lone surrogate (text that is not valid Unicode)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise Reject(
            f"{where} has a lone surrogate U+{ord(text[exc.start]):04X} at character {exc.start}; "
            "text must be valid Unicode"
        ) from None
    return text


def _cut(messages: list[dict[str, str]], max_messages: int, max_chars: int) -> list[dict[str, str]]:
    """The leading messages within both limits (the one crossing ``max_chars`` cut), or ``messages``."""
    if len(messages) <= max_messages and sum(len(m["content"]) for m in messages) <= max_chars:
        return messages
    out: list[dict[str, str]] = []
    room = max_chars
    for message in messages[:max_messages]:
        text = message["content"]
        if len(text) > room:
            if room > len(TRUNCATION_MARK):
                out.append({**message, "content": text[: room - len(TRUNCATION_MARK)] + TRUNCATION_MARK})
            break
        out.append(message)
        room -= len(text)
    return out


def _clean(text: str) -> tuple[str, bool]:
    """Cleaned text ('' when nothing visible is left) and whether more than its line breaks changed."""
    broken = _LINE_BREAKS.sub("\n", text)
    cleaned = _CONTROLS.sub("", broken)
    if not any(unicodedata.category(c) not in _INVISIBLE for c in cleaned):
        cleaned = ""
    return cleaned, cleaned != broken


def _shorten(shown: str, limit: int = 80) -> str:
    """``shown`` (a value as written in a reason), its middle elided when longer than ``limit``."""
    if len(shown) <= limit:
        return shown
    return f"{shown[: limit // 2]}...{shown[-limit // 4 :]} ({len(shown)} characters)"


def json_type(value: Any) -> str:
    """The JSON type name of ``value``, for rejection reasons."""
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


def is_missing(value: Any) -> bool:
    """True for None, NA, NaT and NaN."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and value != value


def plain(value: Any) -> Any:
    """Numpy arrays and scalars (parquet list columns) to plain Python; NaN to None."""
    if isinstance(value, np.ndarray):
        return [plain(v) for v in value.tolist()]
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, np.generic):
        value = value.item()
    if is_missing(value):
        return None
    return value
