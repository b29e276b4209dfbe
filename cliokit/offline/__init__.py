"""Offline heuristics: what cliokit does in place of model calls when no model is configured.

Facets (:class:`OfflineFacets`, built on :mod:`cliokit.offline.heuristics`), cluster names
(:class:`KeywordNamer`), hierarchy steps (:class:`OfflineSteps`) and the privacy audit
(:class:`PatternAuditor`). Stages call them directly, through the same interfaces as their model
counterparts; no backend is involved.
"""

from typing import Any

from cliokit.offline._lexicon import (
    CONCERN_LEXICON,
    LANGUAGES,
    LEXICON_VERSION,
    MIN_LETTERS,
    LexiconTerm,
    strip_noise,
)
from cliokit.offline.components import KeywordNamer, OfflineFacets, PatternAuditor
from cliokit.offline.heuristics import (
    TASK_LABELS,
    concern_score,
    detect_language,
    extract_request,
    extract_task,
    topic_text,
)
from cliokit.offline.hierarchy import CentroidHierarchy, OfflineSteps
from cliokit.offline.naming import PhraseNamer

__all__ = [
    "CONCERN_LEXICON",
    "CentroidHierarchy",
    "LANGUAGES",
    "LEXICON_VERSION",
    "MIN_LETTERS",
    "TASK_LABELS",
    "KeywordNamer",
    "LexiconTerm",
    "OfflineFacets",
    "OfflineSteps",
    "PatternAuditor",
    "PhraseNamer",
    "concern_score",
    "detect_language",
    "extract_request",
    "extract_task",
    "topic_text",
    "strip_noise",
]


def __getattr__(name: str) -> Any:
    if name == "CONCERN_LEXICON":  # read from the lexicon file on first access, not at import
        from cliokit.offline import _lexicon

        return _lexicon.CONCERN_LEXICON
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
