r"""Pattern-only PII scrubbing, run before any model sees conversation text.

Structured identifiers (emails, phone numbers, payment cards, IBANs, US SSNs, IP addresses,
crypto wallet addresses) are found with Presidio's pattern recognisers plus a few of our own,
and replaced by ``[ENTITY_TYPE]`` placeholders. No NLP model is loaded and nothing is
downloaded: the Presidio engine runs with a no-op NLP engine, and the email recogniser
validates domains against ``tldextract``'s bundled public-suffix snapshot.

Names and street addresses need named-entity recognition, for which no trustworthy offline
model ships on PyPI; this module does not guess them. Pass ``ner_hook`` (a callable returning
extra :class:`PiiSpan` objects) to plug in a model of your own; it is opt-in::

    def names(text: str) -> list[PiiSpan]:
        return [PiiSpan(e.start_char, e.end_char, "PERSON", 0.85, e.text)
                for e in my_nlp(text).ents if e.label_ == "PERSON"]

    scrub_text("Mail Alice at alice@example.com", ner_hook=names)
    # -> "Mail [PERSON] at [EMAIL_ADDRESS]"

Three details matter for correctness:

* Presidio's regexes rely on ``\b``, which never fires between a CJK character and a Latin
  letter or digit (both are word characters). Text is padded with a space at every
  CJK/Kana/Hangul/Thai ↔ Latin/digit join before analysis, and offsets are mapped back.
* Overlapping spans are merged (keeping the type of the highest-scoring one) so replacement
  never cuts a placeholder into another.
* Presidio compiles patterns with the third-party ``regex`` module, whose flag values differ
  from the stdlib's (``re.ASCII`` is ``regex.VERSION1``); our patterns use ``regex`` flags only.

The recognisers, the phone and card heuristics and the engine are in
:mod:`cliokit._scrub_recognizers`.
"""

from __future__ import annotations

import bisect
import logging
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

# The engine and its recognisers live in a private module; the names are re-exported for tests.
from cliokit._scrub_recognizers import _engine as _engine
from cliokit._scrub_recognizers import _offline_tld_extractor as _offline_tld_extractor
from cliokit.errors import ConfigError, InputError
from cliokit.progress import progress_bar

logger = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_ENTITIES",
    "DEFAULT_THRESHOLD",
    "SUPPORTED_ENTITIES",
    "PiiSpan",
    "find_pii",
    "scrub_conversations",
    "scrub_text",
]


@dataclass(frozen=True)
class PiiSpan:
    """One piece of PII found in a text.

    Parameters
    ----------
    start, end : int
        Character offsets into the analysed text (``text[start:end]``).
    entity_type : str
        Entity name, e.g. ``"EMAIL_ADDRESS"``.
    score : float
        Recogniser confidence in ``[0, 1]``.
    text : str
        The matched text.
    """

    start: int
    end: int
    entity_type: str
    score: float
    text: str


#: Entities scrubbed by default: structured identifiers whose recognisers are validated
#: (checksum, domain list, number metadata) or specific enough not to fire on code and prose.
DEFAULT_ENTITIES: tuple[str, ...] = (
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "CREDIT_CARD",
    "IBAN_CODE",
    "US_SSN",
    "IP_ADDRESS",
    "CRYPTO",
)

#: Entities that may be requested through ``entities=``; the ones beyond
#: :data:`DEFAULT_ENTITIES` misfire on code or on ordinary numbers and are opt-in.
SUPPORTED_ENTITIES: tuple[str, ...] = DEFAULT_ENTITIES + (
    "MAC_ADDRESS",
    "UK_NHS",
    "URL",
    "US_BANK_NUMBER",
    "US_DRIVER_LICENSE",
)

#: Default minimum score; at 0 the very weak patterns (any 9-digit number as an SSN) fire.
DEFAULT_THRESHOLD = 0.3

NerHook = Callable[[str], list[PiiSpan]]

# Scripts written without spaces between words. A join between one of these and an ASCII
# letter/digit/"+" is padded with a space so that ``\b`` fires there.
_SPACELESS = (
    "\u0e00-\u0e7f"  # Thai
    "\u1100-\u11ff"  # Hangul Jamo
    "\u2e80-\u2fdf"  # CJK radicals
    "\u3005-\u3007"  # 々 〆 〇
    "\u3021-\u3029"  # Hangzhou numerals
    "\u3040-\u30ff"  # Hiragana, Katakana
    "\u3130-\u318f"  # Hangul compatibility Jamo
    "\u31f0-\u31ff"  # Katakana phonetic extensions
    "\u3400-\u4dbf"  # CJK extension A
    "\u4e00-\u9fff"  # CJK unified ideographs
    "\ua960-\ua97f"  # Hangul Jamo extended-A
    "\uac00-\ud7ff"  # Hangul syllables, Jamo extended-B
    "\uf900-\ufaff"  # CJK compatibility ideographs
    "\uff66-\uff9f"  # half-width Katakana
    "\U00020000-\U0003134f"  # CJK extensions B-H
)
_JOIN_RE = re.compile(rf"(?<=[{_SPACELESS}])(?=[0-9A-Za-z+])|(?<=[0-9A-Za-z])(?=[{_SPACELESS}])")
# Every entity but these needs a digit or an "@"; texts with neither skip analysis.
_MAYBE_PII_RE = re.compile(r"[\d@]")
_NO_FAST_PATH = frozenset({"URL", "MAC_ADDRESS"})
_CACHE_LIMIT = 100_000
_PROGRESS_STEP = 256  # conversations scrubbed between progress bar updates


# --------------------------------------------------------------------------- settings


def _check_settings(entities: Sequence[str] | None, threshold: float) -> tuple[str, ...]:
    if entities is None:
        chosen = DEFAULT_ENTITIES
    elif isinstance(entities, str):
        raise ConfigError(f"entities must be a sequence of entity names, not the string {entities!r}")
    else:
        chosen = tuple(dict.fromkeys(entities))
        unknown = [e for e in chosen if e not in SUPPORTED_ENTITIES]
        if unknown:
            raise ConfigError(
                f"entities: unknown entity {unknown[0]!r}; allowed: {', '.join(SUPPORTED_ENTITIES)}"
            )
    if isinstance(threshold, bool) or not isinstance(threshold, int | float) or not 0.0 <= threshold <= 1.0:
        raise ConfigError(f"threshold must be a number in [0, 1], got {threshold!r}")
    return tuple(sorted(chosen))


# --------------------------------------------------------------------------- spans


def _pad_spaceless(text: str) -> tuple[str, list[int]]:
    """Insert a space at every spaceless-script ↔ ASCII join; return the text and the pad offsets."""
    joins = [m.start() for m in _JOIN_RE.finditer(text)]
    if not joins:
        return text, []
    parts: list[str] = []
    pads: list[int] = []
    prev = 0
    for k, pos in enumerate(joins):
        parts.append(text[prev:pos])
        pads.append(pos + k)  # offset of the inserted space in the padded text
        parts.append(" ")
        prev = pos
    parts.append(text[prev:])
    return "".join(parts), pads


def _unpad(offset: int, pads: list[int]) -> int:
    """Map an offset in the padded text back to the original text."""
    return offset - bisect.bisect_left(pads, offset)


def _merge(spans: Iterable[PiiSpan], text: str) -> list[PiiSpan]:
    """Merge overlapping spans into their union, typed after the highest-scoring member."""
    merged: list[PiiSpan] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end, -s.score)):
        if merged and span.start < merged[-1].end:
            last = merged[-1]
            best = last if last.score >= span.score else span
            end = max(last.end, span.end)
            merged[-1] = PiiSpan(last.start, end, best.entity_type, best.score, text[last.start : end])
        else:
            merged.append(span)
    return merged


def _check_hook_spans(spans: object, text: str) -> list[PiiSpan]:
    if not isinstance(spans, list | tuple):
        raise ConfigError(f"ner_hook must return a list of PiiSpan, got {type(spans).__name__}")
    checked = []
    for span in spans:
        if not isinstance(span, PiiSpan):
            raise ConfigError(f"ner_hook must return PiiSpan objects, got {type(span).__name__}")
        if not 0 <= span.start < span.end <= len(text):
            raise ConfigError(
                f"ner_hook returned span [{span.start}, {span.end}) outside a text of length {len(text)}"
            )
        checked.append(
            PiiSpan(span.start, span.end, span.entity_type, span.score, text[span.start : span.end])
        )
    return checked


def find_pii(
    text: str,
    *,
    entities: Sequence[str] | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    ner_hook: NerHook | None = None,
) -> list[PiiSpan]:
    """Find structured PII in one text.

    Parameters
    ----------
    text : str
        Text to analyse.
    entities : sequence of str, optional
        Entity names to look for (see :data:`SUPPORTED_ENTITIES`); default
        :data:`DEFAULT_ENTITIES`.
    threshold : float, default=0.3
        Minimum score for a span to be kept (applies to ``ner_hook`` spans too).
    ner_hook : callable, optional
        Opt-in ``f(text) -> list[PiiSpan]`` for entities that need NER (names, addresses).

    Returns
    -------
    list of PiiSpan
        Non-overlapping spans sorted by start offset; overlapping findings are merged into
        their union, typed after the highest-scoring one.

    Notes
    -----
    Names and street addresses are not detected without ``ner_hook``. The hook gets the
    original text and must return :class:`PiiSpan` objects with offsets into it; their
    ``text`` is recomputed from the offsets, and bad offsets raise :class:`ConfigError`.
    The hook runs on every text, including those the no-digit fast path skips.
    """
    if not isinstance(text, str):
        raise InputError(f"text must be a str, got {type(text).__name__}")
    chosen = _check_settings(entities, threshold)
    spans: list[PiiSpan] = []
    if chosen and (_MAYBE_PII_RE.search(text) or not _NO_FAST_PATH.isdisjoint(chosen)):
        padded, pads = _pad_spaceless(text)
        results = _engine(chosen).analyze(
            padded, language="en", entities=list(chosen), score_threshold=threshold
        )
        for res in results:
            start, end = _unpad(res.start, pads), _unpad(res.end, pads)
            # Trim whitespace a recogniser (or our padding) left at the edges.
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if start < end:
                spans.append(PiiSpan(start, end, res.entity_type, float(res.score), text[start:end]))
    if ner_hook is not None:
        spans.extend(s for s in _check_hook_spans(ner_hook(text), text) if s.score >= threshold)
    return _merge(spans, text)


def _replace(text: str, spans: Sequence[PiiSpan]) -> str:
    parts: list[str] = []
    prev = 0
    for span in spans:
        parts.append(text[prev : span.start])
        parts.append(f"[{span.entity_type}]")
        prev = span.end
    parts.append(text[prev:])
    return "".join(parts)


def scrub_text(
    text: str,
    *,
    entities: Sequence[str] | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    ner_hook: NerHook | None = None,
) -> str:
    """Replace every PII span in ``text`` with ``[ENTITY_TYPE]``.

    Parameters
    ----------
    text : str
        Text to scrub.
    entities, threshold, ner_hook
        As in :func:`find_pii`.

    Returns
    -------
    str
        The scrubbed text.
    """
    return _replace(text, find_pii(text, entities=entities, threshold=threshold, ner_hook=ner_hook))


def _as_messages(cell: object, record: int) -> list[Mapping[str, Any]]:
    if isinstance(cell, list | tuple):
        items = list(cell)
    elif hasattr(cell, "tolist") and not isinstance(cell, str | bytes):
        items = list(cell.tolist())  # numpy object arrays, as read back from parquet
    else:
        raise InputError(
            f"'messages' must be a list of dicts, got {type(cell).__name__}", "<dataframe>", record
        )
    for msg in items:
        if not isinstance(msg, Mapping) or "content" not in msg:
            raise InputError("each message must be a dict with a 'content' key", "<dataframe>", record)
        content = msg["content"]
        if content is not None and not isinstance(content, str):
            raise InputError(
                f"message content must be a str, got {type(content).__name__}", "<dataframe>", record
            )
    return items


def _checked_messages(conversations: pd.DataFrame) -> list[list[Mapping[str, Any]]]:
    """Every row's messages, checked (InputError names the first bad 1-based row) before any scrubbing."""
    if not isinstance(conversations, pd.DataFrame):
        raise InputError(f"expected a pandas DataFrame, got {type(conversations).__name__}", "<dataframe>")
    if "messages" not in conversations.columns:
        raise InputError("no 'messages' column", "<dataframe>")
    return [_as_messages(cell, i) for i, cell in enumerate(conversations["messages"], start=1)]


def _scrub_messages(
    cells: Sequence[Sequence[Mapping[str, Any]]],
    entities: tuple[str, ...],
    threshold: float,
    ner_hook: NerHook | None = None,
    cache: dict[str, tuple[str, list[PiiSpan]]] | None = None,
) -> tuple[list[list[dict[str, Any]]], dict[str, int], int]:
    """Scrubbed copies of checked message lists, spans per entity type, and how many lists had any."""
    cache = {} if cache is None else cache  # repeated texts (system prompts) are analysed once
    counts: dict[str, int] = dict.fromkeys(entities, 0)
    with_pii = 0
    new_cells: list[list[dict[str, Any]]] = []
    for cell in cells:
        new_msgs: list[dict[str, Any]] = []
        found = False
        for msg in cell:
            content = msg["content"]
            new_msg = dict(msg)
            if isinstance(content, str):
                if content not in cache:
                    if len(cache) >= _CACHE_LIMIT:
                        cache.clear()
                    spans = find_pii(content, entities=entities, threshold=threshold, ner_hook=ner_hook)
                    cache[content] = (_replace(content, spans), spans)
                new_msg["content"], spans = cache[content]
                for span in spans:
                    counts[span.entity_type] = counts.get(span.entity_type, 0) + 1
                found = found or bool(spans)
            new_msgs.append(new_msg)
        with_pii += found
        new_cells.append(new_msgs)
    return new_cells, counts, with_pii


def scrub_conversations(
    conversations: pd.DataFrame,
    *,
    entities: Sequence[str] | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    ner_hook: NerHook | None = None,
    progress: bool | None = None,
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Scrub the content of every message of every conversation.

    Parameters
    ----------
    conversations : pandas.DataFrame
        One row per conversation, with a ``messages`` column holding lists of
        ``{"role": ..., "content": ...}`` dicts.
    entities, threshold, ner_hook
        As in :func:`find_pii`.
    progress : bool, optional
        Draw a progress bar; default follows ``CLIOKIT_DISABLE_PROGRESS_BARS``.

    Returns
    -------
    scrubbed : pandas.DataFrame
        A copy of ``conversations`` with new message dicts; the input is left unchanged.
    counts : dict of str to int
        Spans found per entity type (every requested type is present, possibly 0), plus
        ``"conversations_with_pii"``.
    """
    cells = _checked_messages(conversations)
    chosen = _check_settings(entities, threshold)
    counts: dict[str, int] = dict.fromkeys(chosen, 0)
    with_pii = 0
    new_cells: list[list[dict[str, Any]]] = []
    cache: dict[str, tuple[str, list[PiiSpan]]] = {}
    with progress_bar(total=len(cells), desc="Scrubbing PII", enabled=progress) as bar:
        for start in range(0, len(cells), _PROGRESS_STEP):
            part, part_counts, part_pii = _scrub_messages(
                cells[start : start + _PROGRESS_STEP], chosen, threshold, ner_hook, cache
            )
            new_cells += part
            for key, n in part_counts.items():
                counts[key] = counts.get(key, 0) + n
            with_pii += part_pii
            bar.update(len(part))
    out = conversations.copy()
    out["messages"] = pd.Series(new_cells, index=conversations.index, dtype=object)
    counts["conversations_with_pii"] = with_pii
    logger.info("scrubbed %d conversations, %d with PII", len(conversations), with_pii)
    return out, counts
