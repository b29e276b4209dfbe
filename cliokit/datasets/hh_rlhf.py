"""Anthropic HH-RLHF transcripts as cliokit conversation tables."""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

from cliokit.datasets._common import (
    PSEUDO_USER_NOTE,
    DatasetLoad,
    _check_max,
    _finish,
    _json_lines,
    _Log,
    _read_text,
    _sample,
)
from cliokit.errors import ConfigError

logger = logging.getLogger(__name__)

_HH_TAG = re.compile(r"(?:\A|\n[ \t]*\n)[ \t]*(Human|Assistant)[ \t]*:[ \t]*")


def _hh_messages(transcript: str) -> tuple[list[dict[str, str]] | None, int, str | None]:
    """Messages of one transcript, the number of empty turns removed, or a reason to reject it."""
    text = transcript.replace("\r\n", "\n")
    parts = _HH_TAG.split(text)
    if parts[0].strip():
        return None, 0, f"text before the first 'Human:' or 'Assistant:' turn: {parts[0].strip()[:60]!r}"
    messages, n_empty = [], 0
    for speaker, content in zip(parts[1::2], parts[2::2], strict=True):
        content = content.strip()
        if not content:
            n_empty += 1
            continue
        messages.append({"role": "user" if speaker == "Human" else "assistant", "content": content})
    if not any(m["role"] == "user" for m in messages):
        return None, n_empty, "no 'Human:' turn with text"
    return messages, n_empty, None


def load_hh_rlhf(
    path: str | os.PathLike[str],
    *,
    which: str = "chosen",
    max_conversations: int | None = None,
    seed: int = 0,
    strict: bool = False,
) -> DatasetLoad:
    r"""Anthropic HH-RLHF transcripts as conversations, one per line.

    A transcript ``"\n\nHuman: …\n\nAssistant: …"`` is split at ``Human:`` / ``Assistant:`` tags
    that start the text or follow a blank line (spaces around the tag and ``\r\n`` line ends are
    tolerated; a tag inside a turn stays text). Empty turns (a few transcripts end in an empty
    ``Assistant:``) are removed and counted in ``notes``.

    The data have no user ids: each conversation is its own pseudo-user (``user_id`` is the
    conversation id, ``pseudo_users`` is True). A cluster's user count then equals its
    conversation count, so set ``privacy.min_users`` no lower than ``privacy.min_conversations``
    and read it as a conversation threshold.

    Parameters
    ----------
    path : str or path-like
        An HH-RLHF JSON Lines file (``.jsonl`` or ``.jsonl.gz``) with ``chosen`` and ``rejected``.
    which : {"chosen", "rejected"}, default="chosen"
        Which of the two transcripts (they share all but the last assistant turn).
    max_conversations : int, optional
        Keep this many lines, drawn uniformly with ``seed`` (file order kept). None: all.
    seed : int, default=0
    strict : bool, default=False
        Raise :class:`~cliokit.errors.InputError` at the first malformed record.

    Returns
    -------
    DatasetLoad
        ``conversations`` with ``conversation_id`` (``"hh-<file stem>-<line>"``), ``user_id``
        (the same), ``messages``, ``source``, ``record``, ``dataset`` (``"hh-rlhf"``), ``lang``
        (``"en"``).

    Raises
    ------
    InputError
        The file is missing or unreadable, or (``strict``) a record is malformed.
    ConfigError
        A bad ``which`` or ``max_conversations``.
    """
    if which not in ("chosen", "rejected"):
        raise ConfigError(f"`which` must be 'chosen' or 'rejected'; got {which!r}")
    _check_max("max_conversations", max_conversations)
    source = os.fsdecode(path)
    text = _read_text(Path(path), source)
    name = Path(source).name
    stem = name.split(".")[0] or "hh"
    log = _Log(strict)
    parsed: list[tuple[int, str, list[dict[str, str]]]] = []
    n_read = n_empty = 0
    for line, obj, error in _json_lines(text):
        n_read += 1
        cid = f"hh-{stem}-{line:05d}"
        if error is not None:
            log.reject(source, line, None, error)
            continue
        if not isinstance(obj, dict):
            log.reject(source, line, None, f"expected a JSON object, got {type(obj).__name__}")
            continue
        transcript = obj.get(which)
        if not isinstance(transcript, str):
            got = "missing" if which not in obj else type(transcript).__name__
            log.reject(source, line, cid, f"`{which}` must be a transcript string; got {got}")
            continue
        messages, empty, reason = _hh_messages(transcript)
        if messages is None:
            log.reject(source, line, cid, reason or "unreadable transcript")
            continue
        n_empty += empty
        parsed.append((line, cid, messages))
    keep = set(_sample(len(parsed), max_conversations, seed).tolist())
    rows = []
    for i, (line, cid, messages) in enumerate(parsed):
        if i not in keep:
            log.skip(source, line, cid, f"not sampled (max_conversations={max_conversations}, seed={seed})")
            continue
        rows.append(
            {
                "conversation_id": cid,
                "user_id": cid,
                "messages": messages,
                "source": source,
                "record": line,
                "dataset": "hh-rlhf",
                "lang": "en",
            }
        )
    notes = [PSEUDO_USER_NOTE]
    if n_empty:
        notes.append(f"{n_empty} empty turns removed (e.g. a transcript ending in an empty 'Assistant:')")
    return _finish(
        rows, ["lang"], log, n_read, len(rows), dataset="hh-rlhf", pseudo_users=True, notes=tuple(notes)
    )


# --------------------------------------------------------------------------------------------
# xSID
# --------------------------------------------------------------------------------------------
