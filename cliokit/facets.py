"""Stage 1: facets. One structured model call per conversation extracts every model facet.

Built-in facets: ``request``, ``task``, ``language``, ``concerning`` (1–5), plus the user's custom
facets and computed ones (``n_turns``, ``n_messages``, ``user_chars``, ``assistant_chars``). A
facet extractor answers for each conversation: :class:`ModelFacets` asks a model, and
:class:`cliokit.offline.OfflineFacets` uses the offline heuristics.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import pandas as pd

from cliokit.backends.base import Backend, ModelRequest
from cliokit.backends.calls import Failure, StageUsage, ask
from cliokit.config import CustomFacet, FacetsConfig
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
    """Answers the facet questions for each conversation (a dict of facets or a Failure each)."""

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
        their computed facets.
    """
    answers = extractor.extract(conversations, cfg, usage, progress)
    source = extractor.source
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
    df["concerning"] = df["concerning"].astype("Int64")
    for facet in cfg.custom:
        if facet.kind == "numeric":
            df[facet.name] = df[facet.name].astype("Int64")
    return df
