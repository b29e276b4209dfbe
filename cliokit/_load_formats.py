"""Per-record parsing for :mod:`cliokit.load`: JSON records, format detection, role maps and messages.

Records reach a :class:`_Sink`, which runs the checks shared by every format and keeps accepted and
rejected records as plain lists.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import numpy as np
import pandas as pd

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
    ) -> None:
        """Run the checks shared by every format, then keep or reject the conversation."""
        n_messages = len(messages)
        if n_messages > self.max_messages:
            self.reject(source, record, reported_id, huge_messages(n_messages, self.max_messages))
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

    def frames(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Accepted conversations and rejected records as DataFrames."""
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
            messages = _parse_sharegpt(obj, sink.max_messages)
        elif fmt == "auto" and "messages" not in obj:
            raise Reject("record has neither 'messages' nor 'conversations'")
        else:
            messages = _parse_messages(obj, sink.max_messages)
        user_id = _id_value(obj.get("user_id"), "user_id")
    except Reject as exc:
        sink.reject(source, record, reported, exc.reason)
        return
    sink.accept(source, record, conversation_id, user_id, messages, reported)


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


def _message_list(obj: Mapping[str, Any], key: str, max_messages: int) -> list[Any]:
    """The non-empty message list under ``key``, within ``max_messages``."""
    raw = obj.get(key)
    if raw is None:
        raise Reject(f"missing '{key}'")
    if not isinstance(raw, list):
        raise Reject(f"'{key}' must be a list; got {json_type(raw)}")
    if not raw:
        raise Reject(f"'{key}' is empty")
    if len(raw) > max_messages:
        raise Reject(huge_messages(len(raw), max_messages))
    return raw


def _system_message(obj: Mapping[str, Any]) -> list[dict[str, str]]:
    """The top-level ``system`` field as a leading system message, if it has text."""
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
        out.append({"role": mapped, "content": text})
    return out


def _parse_sharegpt(obj: Mapping[str, Any], max_messages: int) -> list[dict[str, str]]:
    """ShareGPT records: ``conversations`` of ``{"from", "value"}``."""
    raw = _message_list(obj, "conversations", max_messages)
    out = _system_message(obj)
    for i, message in enumerate(raw, 1):
        if not isinstance(message, dict):
            raise Reject(f"message {i} is not an object (got {json_type(message)})")
        role = message.get("from", message.get("role"))
        mapped = SHAREGPT_ROLES.get(role) if isinstance(role, str) else None
        if mapped is None:
            mapped = map_role(role, SHAREGPT_ROLES, f"message {i}", "from")
        value = message["value"] if "value" in message else message.get("content")
        out.append({"role": mapped, "content": _render_content(value, f"message {i}")})
    return out


def map_role(role: Any, table: Mapping[str, str], where: str, key: str) -> str:
    """Map ``role`` through ``table`` case- and space-insensitively, or reject it."""
    if role is None:
        raise Reject(f"{where} has no '{key}'")
    if isinstance(role, str):
        mapped = table.get(role.strip().lower())
        if mapped is not None:
            return mapped
        shown = repr(role)
    else:
        shown = f"{json_type(role)} {json.dumps(role, default=str)}"
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


def huge_messages(n: int, limit: int) -> str:
    """The rejection reason for a conversation with too many messages."""
    return f"huge conversation: {n} messages exceeds the limit of max_messages={limit}"


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
