"""OpenAssistant oasst1 message trees as cliokit conversation tables."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cliokit.datasets._common import (
    DatasetLoad,
    _check_max,
    _finish,
    _json_lines,
    _Log,
    _read_text,
    _sample,
)

logger = logging.getLogger(__name__)


@dataclass
class _Message:
    line: int
    message_id: str
    parent_id: str | None
    user_id: str | None
    text: str
    role: str
    lang: str | None
    rank: float | None
    created: str
    excluded: str | None


def _oasst_message(obj: Any, line: int) -> tuple[_Message | None, str | None, str | None]:
    """The message of one oasst1 record, or ``(None, message_id or None, reason)``."""
    if not isinstance(obj, dict):
        return None, None, f"expected a JSON object, got {type(obj).__name__}"
    mid = obj.get("message_id")
    if not isinstance(mid, str) or not mid.strip():
        return None, None, f"`message_id` must be a non-empty string; got {mid!r}"

    def bad(reason: str) -> tuple[None, str, str]:
        return None, mid, reason

    parent = obj.get("parent_id")
    if parent is not None and (not isinstance(parent, str) or not parent.strip()):
        return bad(f"`parent_id` must be null or a non-empty string; got {parent!r}")
    role = obj.get("role")
    if role not in ("prompter", "assistant"):
        return bad(f"`role` must be 'prompter' or 'assistant'; got {role!r}")
    text = obj.get("text")
    if not isinstance(text, str):
        return bad(f"`text` must be a string; got {type(text).__name__}")
    if not text.strip():
        return bad("empty `text`")
    rank = obj.get("rank")
    if rank is not None and (isinstance(rank, bool) or not isinstance(rank, int | float)):
        return bad(f"`rank` must be null or a number; got {rank!r}")
    user = obj.get("user_id")
    if user is not None and not isinstance(user, str):
        return bad(f"`user_id` must be null or a string; got {user!r}")
    lang = obj.get("lang")
    created = obj.get("created_date")
    excluded = None
    if obj.get("deleted") is True:
        excluded = "deleted in oasst1"
    elif obj.get("review_result") is False:
        excluded = "failed oasst1 review"
    msg = _Message(
        line=line,
        message_id=mid,
        parent_id=parent,
        user_id=user or None,
        text=text,
        role="user" if role == "prompter" else "assistant",
        lang=lang if isinstance(lang, str) else None,
        rank=float(rank) if rank is not None else None,
        created=created if isinstance(created, str) else "",
        excluded=excluded,
    )
    return msg, mid, None


def _best_first(m: _Message) -> tuple[bool, float, str, int]:
    """Sort key of sibling replies: ranked before unranked, lowest rank, earliest, first in file."""
    return (m.rank is None, m.rank if m.rank is not None else 0.0, m.created, m.line)


def load_oasst(
    path: str | os.PathLike[str],
    *,
    max_conversations: int | None = None,
    seed: int = 0,
    only_reviewed: bool = True,
    strict: bool = False,
) -> DatasetLoad:
    """OpenAssistant oasst1 message trees as conversations, one per tree.

    Each tree (a root prompter message and its replies) becomes the conversation along the
    root-to-leaf path that follows, at every turn, the best reply: the lowest ``rank`` (0 is the
    best), unranked replies last, ties broken by ``created_date`` then file order. The ``user_id``
    is the root prompter's. Prompter messages become ``user`` turns.

    Parameters
    ----------
    path : str or path-like
        An oasst1 JSON Lines file (``.jsonl`` or ``.jsonl.gz``), one message per line with
        ``message_id``, ``parent_id``, ``user_id``, ``text``, ``role``, ``lang``, ``rank``, ...
    max_conversations : int, optional
        Keep this many conversations, drawn uniformly with ``seed`` (file order kept); the rest
        are listed in ``skipped``. None: all.
    seed : int, default=0
    only_reviewed : bool, default=True
        Leave out messages marked ``deleted`` or that failed review (``review_result`` false),
        and the replies below them (listed in ``skipped``).
    strict : bool, default=False
        Raise :class:`~cliokit.errors.InputError` at the first malformed record.

    Returns
    -------
    DatasetLoad
        ``conversations`` with ``conversation_id`` (``"oasst-<root message_id>"``), ``user_id``,
        ``messages``, ``source``, ``record`` (the root's line), ``dataset`` (``"oasst1"``) and
        ``lang`` (the root's). Records are messages: ``n_read`` counts lines, ``n_used`` the
        messages on the kept paths.

    Raises
    ------
    InputError
        The file is missing or unreadable, or (``strict``) a record is malformed; the message
        starts with ``file:line``.
    ConfigError
        A bad ``max_conversations``.

    Notes
    -----
    Malformed records (invalid JSON, a missing ``message_id``, an unknown ``role``, empty text, a
    duplicate id, a reply with its parent's role) are rejected, and so is every message below
    one, and every message whose parent is not in the file (in the English split, three trees
    whose root is in another language).
    """
    _check_max("max_conversations", max_conversations)
    source = os.fsdecode(path)
    text = _read_text(Path(path), source)
    log = _Log(strict)
    messages: dict[str, _Message] = {}
    bad_ids: dict[str, int] = {}  # message ids of rejected records -> their line
    n_read = 0
    for line, obj, error in _json_lines(text):
        n_read += 1
        if error is not None:
            log.reject(source, line, None, error)
            continue
        msg, mid, reason = _oasst_message(obj, line)
        if msg is None:
            log.reject(source, line, None, reason or "invalid record")
            if mid is not None:
                bad_ids.setdefault(mid, line)
            continue
        if msg.message_id in messages or msg.message_id in bad_ids:
            mid = msg.message_id
            first = messages[mid].line if mid in messages else bad_ids[mid]
            log.reject(source, line, None, f"duplicate message_id {mid!r}: first seen at {source}:{first}")
            continue
        messages[msg.message_id] = msg

    children: dict[str, list[_Message]] = {}
    for m in messages.values():
        if m.parent_id is not None:
            children.setdefault(m.parent_id, []).append(m)
    status: dict[str, str] = {}  # message_id -> "used" | "rejected" | "skipped"

    def mark_subtree(root: _Message, kind: str, reason: str, cid: str | None) -> None:
        stack = [root]
        while stack:
            m = stack.pop()
            if m.message_id in status:
                continue
            status[m.message_id] = kind
            (log.reject if kind == "rejected" else log.skip)(source, m.line, cid, reason)
            stack.extend(children.get(m.message_id, []))

    paths: list[tuple[_Message, list[_Message]]] = []
    for root in sorted((m for m in messages.values() if m.parent_id is None), key=lambda m: m.line):
        cid = f"oasst-{root.message_id}"
        if root.role != "user":
            mark_subtree(root, "rejected", "a conversation must start with a prompter message", cid)
            continue
        if only_reviewed and root.excluded:
            mark_subtree(root, "skipped", f"{root.excluded} (and every reply below it)", cid)
            continue
        path_msgs = [root]
        status[root.message_id] = "used"
        node = root
        while True:
            replies = []
            for child in sorted(children.get(node.message_id, []), key=lambda m: m.line):
                if child.role == node.role:
                    why = f"a {child.role} message replies to a {node.role} message at {source}:{node.line}"
                    why = why.replace("a user", "a prompter").replace("a assistant", "an assistant")
                    mark_subtree(child, "rejected", why, cid)
                elif only_reviewed and child.excluded:
                    mark_subtree(child, "skipped", f"{child.excluded} (and every reply below it)", cid)
                else:
                    replies.append(child)
            if not replies:
                break
            replies.sort(key=_best_first)
            node = replies[0]
            status[node.message_id] = "used"
            path_msgs.append(node)
            for other in replies[1:]:
                mark_subtree(other, "skipped", f"off the best-ranked path of {cid}", cid)
        paths.append((root, path_msgs))

    for m in sorted(messages.values(), key=lambda m: m.line):  # not reachable from a valid root
        if m.message_id in status:
            continue
        chain, node, reason = {m.message_id}, m, ""
        while True:
            pid = node.parent_id
            if pid is None or pid in chain:
                reason = "its parent chain loops back on itself (no root message)"
                break
            if pid in bad_ids:
                reason = f"below the rejected message at {source}:{bad_ids[pid]}"
                break
            if pid not in messages:
                reason = (
                    f"parent message {pid!r} is not in the file (its tree's root may be in another split)"
                )
                break
            chain.add(pid)
            node = messages[pid]
        mark_subtree(m, "rejected", reason, None)

    keep = set(_sample(len(paths), max_conversations, seed).tolist())
    rows, n_used = [], 0
    for i, (root, path_msgs) in enumerate(paths):
        cid = f"oasst-{root.message_id}"
        if i not in keep:
            for m in path_msgs:
                log.skip(
                    source, m.line, cid, f"not sampled (max_conversations={max_conversations}, seed={seed})"
                )
            continue
        n_used += len(path_msgs)
        rows.append(
            {
                "conversation_id": cid,
                "user_id": root.user_id or cid,
                "messages": [{"role": m.role, "content": m.text} for m in path_msgs],
                "source": source,
                "record": root.line,
                "dataset": "oasst1",
                "lang": root.lang,
            }
        )
    notes = []
    n_no_user = sum(1 for r in rows if r["user_id"] == r["conversation_id"])
    if n_no_user:
        notes.append(f"{n_no_user} conversations have no user_id; their user id is the conversation id")
    return _finish(
        rows, ["lang"], log, n_read, n_used, dataset="oasst1", pseudo_users=False, notes=tuple(notes)
    )


# --------------------------------------------------------------------------------------------
# Anthropic HH-RLHF
# --------------------------------------------------------------------------------------------
