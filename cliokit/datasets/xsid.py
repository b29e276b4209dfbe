"""xSID's multilingual requests as cliokit conversation tables."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from cliokit.datasets._common import (
    PSEUDO_USER_NOTE,
    DatasetLoad,
    _check_max,
    _finish,
    _Log,
    _read_text,
    _sample,
)
from cliokit.errors import ConfigError, InputError

logger = logging.getLogger(__name__)

_XSID_HEADER = re.compile(r"^#\s*([\w-]+)\s*[:=][ \t]*(.*)$")


def _xsid_blocks(text: str) -> Iterator[tuple[int, dict[str, str]]]:
    """``(first line, {header key: value})`` of every non-blank CoNLL block (first value per key)."""
    start, in_block = 0, False
    meta: dict[str, str] = {}
    for lineno, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            if in_block:
                yield start, meta
            start, meta, in_block = 0, {}, False
            continue
        if not in_block:
            start, in_block = lineno, True
        m = _XSID_HEADER.match(line.strip())
        if m:
            meta.setdefault(m.group(1).lower(), m.group(2).strip())
    if in_block:
        yield start, meta


def load_xsid(
    path: str | os.PathLike[str],
    *,
    languages: Sequence[str] | str | None = None,
    split: str = "test",
    max_per_language: int | None = None,
    seed: int = 0,
    strict: bool = False,
) -> DatasetLoad:
    """Multilingual assistant requests from xSID as single-turn conversations.

    Every sentence block of ``<path>/<lang>.<split>.conll`` becomes a conversation with one user
    message, its ``# text``. The sentences are parallel across languages (the same requests,
    translated), labelled with one of 16 intents. The data have no user ids: each conversation is
    its own pseudo-user.

    Parameters
    ----------
    path : str or path-like
        The xSID folder (``.../external_data/xsid``).
    languages : sequence of str or comma-separated str, optional
        Language codes, e.g. ``"en,de,ja"`` (file name prefixes, dialects included, e.g.
        ``de-ba``). None: every language with a file for ``split``.
    split : {"test", "valid"}, default="test"
    max_per_language : int, optional
        Keep this many sentences per language, drawn uniformly with ``seed``. None: all.
    seed : int, default=0
    strict : bool, default=False
        Raise :class:`~cliokit.errors.InputError` at the first malformed block.

    Returns
    -------
    DatasetLoad
        ``conversations`` with ``conversation_id`` (``"xsid-<lang>-<split>-<n>"``, ``n`` the
        block's position), ``user_id`` (the same), ``messages``, ``source``, ``record`` (the
        block's first line), ``dataset`` (``"xsid"``), ``lang`` (from the file name), ``intent``,
        ``split`` and ``xsid_id`` (the block's ``# id``, or its position in English files, which
        is the id the translations use). Records are blocks; a block without a ``# text`` or
        ``# intent``, or with an empty text, is rejected.

    Raises
    ------
    InputError
        A requested language has no file, a file is unreadable, or (``strict``) a block is bad.
    ConfigError
        A bad ``split``, ``languages`` or ``max_per_language``.
    """
    if split not in ("test", "valid"):
        raise ConfigError(f"`split` must be 'test' or 'valid'; got {split!r}")
    _check_max("max_per_language", max_per_language)
    folder = Path(path)
    if not folder.is_dir():
        raise InputError("xSID folder not found", os.fsdecode(path))
    if languages is None:
        langs = sorted(p.name.split(".")[0] for p in folder.glob(f"*.{split}.conll"))
    else:
        langs = [x.strip() for x in languages.split(",")] if isinstance(languages, str) else list(languages)
        langs = [x for x in langs if x]
    if not langs:
        raise ConfigError(f"`languages` must name at least one xSID language; got {languages!r}")
    log = _Log(strict)
    rows: list[dict[str, Any]] = []
    n_read = 0
    for lang in langs:
        file = folder / f"{lang}.{split}.conll"
        source = os.fsdecode(file)
        text = _read_text(file, source)
        found: list[dict[str, Any]] = []
        for n, (line, meta) in enumerate(_xsid_blocks(text), 1):
            n_read += 1
            cid = f"xsid-{lang}-{split}-{n:04d}"
            sentence, intent = meta.get("text"), meta.get("intent")
            if sentence is None or intent is None:
                missing = " and ".join(k for k in ("text", "intent") if meta.get(k) is None)
                log.reject(source, line, cid, f"block has no `# {missing}` header")
                continue
            if not sentence:
                log.reject(source, line, cid, "empty `# text`")
                continue
            found.append(
                {
                    "conversation_id": cid,
                    "user_id": cid,
                    "messages": [{"role": "user", "content": sentence}],
                    "source": source,
                    "record": line,
                    "dataset": "xsid",
                    "lang": lang,
                    "intent": intent,
                    "split": split,
                    "xsid_id": meta.get("id", str(n)),
                }
            )
        keep = set(_sample(len(found), max_per_language, seed).tolist())
        for i, row in enumerate(found):
            if i in keep:
                rows.append(row)
            else:
                reason = f"not sampled (max_per_language={max_per_language}, seed={seed})"
                log.skip(row["source"], row["record"], row["conversation_id"], reason)
    extra = ["lang", "intent", "split", "xsid_id"]
    return _finish(
        rows, extra, log, n_read, len(rows), dataset="xsid", pseudo_users=True, notes=(PSEUDO_USER_NOTE,)
    )
