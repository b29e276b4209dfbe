"""Stage 1: facets. One structured model call per conversation extracts every model facet.

Built-in facets: ``request``, ``task``, ``language``, ``concerning`` (1–5), plus the user's custom
facets and computed ones (``n_turns``, ``n_messages``, ``user_chars``, ``assistant_chars``). A
facet extractor answers for each conversation: :class:`ModelFacets` asks a model, and
:class:`cliokit.offline.OfflineFacets` uses the offline heuristics.
"""

from __future__ import annotations

import functools
import logging
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any, Protocol

import pandas as pd

from cliokit.backends.base import Backend, ModelRequest
from cliokit.backends.calls import Failure, StageUsage, ask
from cliokit.config import CustomFacet, FacetsConfig, ScrubConfig
from cliokit.progress import progress_bar
from cliokit.prompts import FACETS, clean_label, facet_tag, read_int, render_custom_facets, tag
from cliokit.text import role_texts

logger = logging.getLogger(__name__)

STAGE_VERSION = 2
BUILTIN_FACETS = ("request", "task", "language", "concerning")
COMPUTED_FACETS = ("n_turns", "n_messages", "user_chars", "assistant_chars")
_ROLE_LABEL = {"user": "User", "assistant": "Assistant", "system": "System", "tool": "Tool"}
_UNKNOWN = {"", "unknown", "n/a", "none", "null"}


def render_conversation(messages: Sequence[dict[str, Any]]) -> str:
    """The conversation as ``User: ...`` / ``Assistant: ...`` paragraphs for a prompt."""
    return "\n\n".join(f"{_ROLE_LABEL.get(m['role'], m['role'])}: {m['content']}" for m in messages)


def computed_facets(messages: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    """``n_turns`` (user messages), ``n_messages``, ``user_chars`` and ``assistant_chars``."""
    user = role_texts(messages, "user")
    assistant = role_texts(messages, "assistant")
    return {
        "n_turns": len(user),
        "n_messages": len(messages),
        "user_chars": sum(map(len, user)),
        "assistant_chars": sum(map(len, assistant)),
    }


def facet_requests(conversations: pd.DataFrame, cfg: FacetsConfig, model: str = "") -> list[ModelRequest]:
    """One facets request per conversation (``conversation_id`` and ``messages`` columns)."""
    custom_text = render_custom_facets(cfg.custom)
    return [
        FACETS.request(
            str(cid),
            model=model,
            max_tokens=400 + 80 * len(cfg.custom),
            conversation=render_conversation(list(messages)),
            custom=custom_text,
        )
        for cid, messages in zip(conversations["conversation_id"], conversations["messages"], strict=True)
    ]


class FacetExtractor(Protocol):
    """Answers the facet questions for each conversation (a dict of facets or a Failure each).

    An extractor with a true ``parallel`` attribute is picklable, makes no model calls and answers
    each conversation from its messages alone: :func:`scrub_and_extract` runs it in the worker
    processes. Any other runs in the calling process.
    """

    #: ``facet_source`` of every row it produces.
    source: str
    #: The facet column that ``embed.facet = "auto"`` embeds ("": the one the run recorded).
    embed_facet: str

    def key(self) -> dict[str, Any]:
        """What the fingerprint of the facets depends on."""
        ...

    def extract(
        self, conversations: pd.DataFrame, cfg: FacetsConfig, usage: StageUsage, progress: bool | None
    ) -> list[dict[str, Any] | Failure]:
        """One answer per row of ``conversations``."""
        ...


class ModelFacets:
    """Clio's facet extraction: one model call per conversation (the ``facets`` prompt)."""

    embed_facet = "request"

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.source = backend.model_id("facets")

    def key(self) -> dict[str, Any]:
        """Backend, model and prompt hash."""
        return {
            "kind": "model",
            "backend": self.backend.describe(),
            "model": self.source,
            "prompt": FACETS.hash,
        }

    def extract(
        self, conversations: pd.DataFrame, cfg: FacetsConfig, usage: StageUsage, progress: bool | None
    ) -> list[dict[str, Any] | Failure]:
        return ask(
            self.backend,
            facet_requests(conversations, cfg, model=self.source),
            lambda text: parse_facets(text, cfg.custom, cfg.request_max_chars),
            usage,
            progress=progress,
            desc="facets",
        )


def _custom_value(facet: CustomFacet, raw: str | None) -> Any:
    if raw is None:
        raise ValueError(f"missing <facet name={facet.name!r}>")
    value = raw.strip()
    if clean_label(value).lower() in _UNKNOWN:
        return None
    if facet.kind == "categorical":
        for allowed in facet.values:
            if clean_label(value).lower() == allowed.lower():
                return allowed
        raise ValueError(f"facet {facet.name!r} answered {value!r}, not one of {list(facet.values)}")
    if facet.kind == "numeric":
        number = read_int(value, facet.min_value, facet.max_value)
        if number is None:
            raise ValueError(
                f"facet {facet.name!r} must be {facet.min_value}..{facet.max_value}; got {value!r}"
            )
        return number
    return value


def language_code(answer: str | None) -> str:
    """The ISO 639-1 code of a language answer, or ``"und"`` when it names no language.

    The answer may be a code or locale tag (``en``, ``eng``, ``en-US``, ``pt_BR``, ``zh-Hans``)
    or a language's name in English or in the language itself (``English``, ``Español``,
    ``日本語``, ``Chinese (Simplified)``), read with ``langcodes`` and normalised as CLDR does
    (``iw`` → ``he``, Mandarin → ``zh``; a language without a 639-1 code keeps its 639-3 code).

    Examples
    --------
    >>> [language_code(a) for a in ["en-US", "pt_BR", "Español", "日本語", "Chinese (Simplified)", "?"]]
    ['en', 'pt', 'es', 'ja', 'zh', 'und']
    """
    text = clean_label(answer or "")
    for part in [text, *re.split(r"[()/,;]|\band\b", text)]:
        part = part.strip()
        if part and part.lower() not in _UNKNOWN:
            code = _language(part)
            if code:
                return code
    return "und"


def _language(text: str) -> str | None:
    """The language a tag or a language name denotes (CLDR-normalised, macrolanguage), or None."""
    import langcodes

    try:
        lang: langcodes.Language | None = langcodes.Language.get(text.replace("_", "-"))
    except ValueError:  # LanguageTagError: not a tag
        lang = None
    if lang is None or not lang.is_valid() or lang.language is None:
        try:
            lang = langcodes.find(text)
        except LookupError:
            return None
    code = langcodes.Language.get(lang.language or "und").prefer_macrolanguage().language
    return code if code and re.fullmatch("[a-z]{2,3}", code) else None


def parse_facets(text: str, custom: Sequence[CustomFacet] = (), max_chars: int = 300) -> dict[str, Any]:
    """Read a facets answer; raises ``ValueError`` for missing tags or a concerning score outside 1–5.

    Tags are read as :func:`cliokit.prompts.tag` reads them, the score as
    :func:`cliokit.prompts.read_int` does and the language with :func:`language_code`.
    """
    request = tag(text, "request")
    task = tag(text, "task")
    if not request:
        raise ValueError("missing <request>")
    concerning_raw = tag(text, "concerning")
    concerning = read_int(concerning_raw, 1, 5)
    if concerning is None:
        raise ValueError(f"<concerning> must be an integer 1-5; got {concerning_raw!r}")
    out: dict[str, Any] = {
        "request": request[:max_chars],
        "task": (task or "")[:max_chars],
        "language": language_code(tag(text, "language")),
        "concerning": concerning,
    }
    for facet in custom:
        out[facet.name] = _custom_value(facet, facet_tag(text, facet.name))
    return out


def extract_facets(
    conversations: pd.DataFrame,
    extractor: FacetExtractor,
    cfg: FacetsConfig,
    usage: StageUsage,
    *,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Facets of every conversation.

    Parameters
    ----------
    conversations : DataFrame
        Columns ``conversation_id``, ``user_id``, ``messages`` (already scrubbed and truncated).
    extractor : FacetExtractor
        Answers the facet questions (:class:`ModelFacets` or :class:`cliokit.offline.OfflineFacets`).
    cfg : FacetsConfig
        Custom facets and length limits.
    usage : StageUsage
        Updated with calls, tokens and failures.

    Returns
    -------
    DataFrame
        ``conversation_id``, ``user_id``, ``request``, ``task``, ``language``, ``concerning``,
        one column per custom facet, any facet the extractor adds, the computed facets,
        ``facet_source`` and ``facet_error`` (None where extraction worked). Failed rows keep
        their computed facets. ``timestamp`` comes last when ``conversations`` has it.
    """
    answers = extractor.extract(conversations, cfg, usage, progress)
    return _facet_table(conversations, answers, extractor.source, cfg)


def _facet_table(
    conversations: pd.DataFrame, answers: Sequence[dict[str, Any] | Failure], source: str, cfg: FacetsConfig
) -> pd.DataFrame:
    rows = []
    for cid, uid, messages, answer in zip(
        conversations["conversation_id"],
        conversations["user_id"],
        conversations["messages"],
        answers,
        strict=True,
    ):
        row: dict[str, Any] = {"conversation_id": cid, "user_id": uid}
        if isinstance(answer, Failure):
            row.update({k: None for k in BUILTIN_FACETS} | {f.name: None for f in cfg.custom})
            row["facet_error"] = answer.reason
        else:
            row.update(answer)
            row["facet_error"] = None
        row.update(computed_facets(list(messages)))
        row["facet_source"] = source
        rows.append(row)
    known = ["conversation_id", "user_id", *BUILTIN_FACETS, *(f.name for f in cfg.custom)]
    extra = dict.fromkeys(k for a in answers if isinstance(a, dict) for k in a if k not in known)
    columns = [
        *known,
        *extra,  # what an extractor adds, e.g. the offline ``topic``
        *COMPUTED_FACETS,
        "facet_source",
        "facet_error",
    ]
    df = pd.DataFrame(rows, columns=columns)
    if "timestamp" in conversations.columns:  # the loader's, carried for trends over time
        df["timestamp"] = conversations["timestamp"].array
    df["concerning"] = df["concerning"].astype("Int64")
    for facet in cfg.custom:
        if facet.kind == "numeric":
            df[facet.name] = df[facet.name].astype("Int64")
    return df


# --------------------------------------------------------------------------- scrub + facets


#: Fewest conversations per worker: below it, starting a worker costs more than it saves.
_MIN_CHUNK = 64
_MAX_CHUNK = 512
#: Chunks per worker, of about equal characters: enough for the workers to finish together.
_CHUNKS_PER_WORKER = 16


def resolve_workers(setting: int | str, n_conversations: int) -> int:
    """Processes for ``facets.workers`` (``"auto"``: the usable CPUs), at most one per 64 conversations."""
    from cliokit.embedders.use import _default_threads

    wanted = _default_threads() if setting == "auto" else int(setting)
    return max(1, min(wanted, math.ceil(n_conversations / _MIN_CHUNK)))


@dataclass(frozen=True)
class _Job:
    """What every chunk gets done: the scrub (``entities`` None: none) and a parallel extractor, if any."""

    entities: tuple[str, ...] | None
    threshold: float
    extractor: FacetExtractor | None
    cfg: FacetsConfig


def _warm(job: _Job) -> None:
    """Build the scrubber's engine and the extractor's lazy state (once per process)."""
    sample = [[{"role": "user", "content": "Warm-up: mail a@example.com or call +44 20 7946 0958."}]]
    _work(job, pd.DataFrame({"conversation_id": ["warm-up"], "messages": sample}))


def _work(job: _Job, chunk: pd.DataFrame) -> tuple[list[Any], dict[str, int], int, list[Any] | None]:
    """One chunk's scrubbed messages, spans per entity, rows with PII, and facets (parallel extractors)."""
    from cliokit.scrub import _scrub_messages

    cells: list[Any] = chunk["messages"].tolist()
    counts: dict[str, int] = {}
    with_pii = 0
    if job.entities is not None:
        cells, counts, with_pii = _scrub_messages(cells, job.entities, job.threshold)
        chunk = chunk.assign(messages=pd.Series(cells, index=chunk.index, dtype=object))
    answers = None if job.extractor is None else job.extractor.extract(chunk, job.cfg, StageUsage(), False)
    return cells, counts, with_pii, answers


def _chunks(frame: pd.DataFrame, workers: int) -> Iterator[pd.DataFrame]:
    """Consecutive slices of about equal characters, ``_CHUNKS_PER_WORKER`` per worker (time goes with text).

    A slice holds at most ``_MAX_CHUNK`` conversations.
    """
    sizes = [sum(len(m.get("content") or "") for m in messages) + 1 for messages in frame["messages"]]
    target = sum(sizes) / (_CHUNKS_PER_WORKER * workers)
    start, filled = 0, 0
    for i, size in enumerate(sizes):
        filled += size
        if filled >= target or i + 1 - start >= _MAX_CHUNK:
            yield frame.iloc[start : i + 1]
            start, filled = i + 1, 0
    if start < len(frame):
        yield frame.iloc[start:]


def scrub_and_extract(
    conversations: pd.DataFrame,
    extractor: FacetExtractor,
    cfg: FacetsConfig,
    usage: StageUsage,
    *,
    scrub: ScrubConfig | None = None,
    workers: int = 1,
    progress: bool | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, int] | None]:
    """Scrub the conversations, then extract their facets, in ``workers`` processes.

    The conversations are cut into consecutive chunks; each process builds the scrubber and the
    extractor once, then scrubs its chunks and, for a ``parallel`` extractor
    (:class:`cliokit.offline.OfflineFacets`), extracts their facets. Other extractors (model
    calls) answer in this process, after the scrub. The results are those of one process, in
    the input order, for any ``workers``.

    Parameters
    ----------
    conversations : DataFrame
        Columns ``conversation_id``, ``user_id``, ``messages``.
    extractor : FacetExtractor
        Answers the facet questions.
    cfg : FacetsConfig
        Custom facets and length limits.
    usage : StageUsage
        Updated with the extractor's calls, tokens and failures.
    scrub : ScrubConfig, optional
        Scrub settings (None: no scrub).
    workers : int, default=1
        Processes (1: everything runs in this process); see :func:`resolve_workers`.
    progress : bool, optional
        Draw progress bars; default follows ``CLIOKIT_DISABLE_PROGRESS_BARS``.

    Returns
    -------
    facets : DataFrame
        As :func:`extract_facets` returns.
    scrubbed : DataFrame
        ``conversations`` with scrubbed messages (unchanged without ``scrub``).
    counts : dict of str to int or None
        Spans found per entity type and ``conversations_with_pii`` (None without ``scrub``).

    Raises
    ------
    InputError
        A row's messages are not a list of dicts with str (or None) ``content``.
    """
    from cliokit.scrub import _check_settings, _checked_messages

    job = _Job(
        entities=None if scrub is None else _check_settings(scrub.entities, scrub.threshold),
        threshold=scrub.threshold if scrub is not None else 0.0,
        extractor=extractor if getattr(extractor, "parallel", False) else None,
        cfg=cfg,
    )
    if job.entities is not None:
        checked = _checked_messages(conversations)  # a bad row fails here, before any work
        conversations = conversations.assign(
            messages=pd.Series(checked, index=conversations.index, dtype=object)
        )
    elif job.extractor is None:
        workers = 1  # nothing for a pool to do
    _warm(job)  # before the pool starts, so that forked workers inherit what it builds
    chunks = list(_chunks(conversations, workers))
    work = functools.partial(_work, job)
    done: list[tuple[list[Any], dict[str, int], int, list[Any] | None]] = []
    pool = ProcessPoolExecutor(workers, initializer=_warm, initargs=(job,)) if workers > 1 else None
    desc = "scrub + facets" if job.extractor is not None else "Scrubbing PII"
    with progress_bar(total=len(conversations), desc=desc, enabled=progress) as bar, pool or nullcontext():
        for part in pool.map(work, chunks) if pool is not None else map(work, chunks):
            done.append(part)
            bar.update(len(part[0]))
    cells = [cell for part in done for cell in part[0]]
    scrubbed = conversations.assign(messages=pd.Series(cells, index=conversations.index, dtype=object))
    counts = None
    if job.entities is not None:
        counts = dict.fromkeys(job.entities, 0)
        for part in done:
            for key, n in part[1].items():
                counts[key] = counts.get(key, 0) + n
        counts["conversations_with_pii"] = sum(part[2] for part in done)
        logger.info("scrubbed %d conversations, %d with PII", len(scrubbed), counts["conversations_with_pii"])
    if job.extractor is None:
        facets = extract_facets(scrubbed, extractor, cfg, usage, progress=progress)
    else:
        answers = [answer for part in done for answer in part[3] or ()]
        facets = _facet_table(scrubbed, answers, extractor.source, cfg)
    return facets, scrubbed, counts
