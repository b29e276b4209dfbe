"""The offline stand-ins for model calls: facets, cluster names and the privacy audit.

Each has the interface of its model counterpart (:class:`cliokit.facets.ModelFacets`,
:class:`cliokit.name.ModelNamer`, :class:`cliokit.privacy.ModelAuditor`), so the stages treat
both alike. Their outputs are heuristic approximations and are labelled as such.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from cliokit.backends.calls import Failure, StageUsage
from cliokit.name import clean_name, task_counts
from cliokit.offline import heuristics
from cliokit.offline._lexicon import LEXICON_VERSION
from cliokit.offline.hierarchy import NOTE
from cliokit.progress import progress_bar

if TYPE_CHECKING:
    from cliokit.config import FacetsConfig
    from cliokit.name import NamingInput


class OfflineFacets:
    """Facets from the extractive heuristics (:mod:`cliokit.offline.heuristics`)."""

    source = "heuristic:offline"
    embed_facet = "topic"
    #: Picklable and model-free: the facets stage runs it in its worker processes.
    parallel = True

    def key(self) -> dict[str, Any]:
        """The lexicon version (every heuristic rule and cue list) and the facets it adds."""
        return {"kind": "offline", "lexicon": LEXICON_VERSION, "extra": ["topic"]}

    def extract(
        self, conversations: pd.DataFrame, cfg: FacetsConfig, usage: StageUsage, progress: bool | None
    ) -> list[dict[str, Any] | Failure]:
        out: list[dict[str, Any] | Failure] = []
        with progress_bar(total=len(conversations), desc="facets", enabled=progress) as bar:
            for messages in conversations["messages"]:
                out.append(self._one(list(messages), cfg))
                bar.update(1)
        return out

    @staticmethod
    def _one(messages: list[Any], cfg: FacetsConfig) -> dict[str, Any]:
        limit = cfg.request_max_chars
        row = heuristics.offline_facets(messages, limit, cfg.topic_max_chars)
        row["request"] = (row["request"].strip() or "(no user text)")[:limit]
        row["task"] = row["task"].strip()[:limit]
        user_text = " ".join(m["content"] for m in messages if m["role"] == "user").lower()
        for facet in cfg.custom:
            value = None
            if facet.kind == "categorical":
                hits = [v for v in facet.values if v.lower() in user_text]
                value = hits[0] if len(hits) == 1 else None
            row[facet.name] = value
        return row


class KeywordNamer:
    """Names from the cluster's keywords and its most common task label (no model)."""

    def key(self) -> dict[str, Any]:
        """The lexicon version behind the task labels."""
        return {"kind": "offline", "lexicon": LEXICON_VERSION}

    def name(
        self, view: NamingInput, clusters: Sequence[int], usage: StageUsage, progress: bool | None
    ) -> list[tuple[str, str] | Failure]:
        out: list[tuple[str, str] | Failure] = []
        for c in clusters:
            keywords = [t for t, _ in view.keywords.get(c, [])]
            tasks = dict(task_counts(view, c).most_common(5))
            size = max(1, int((view.labels == c).sum()))
            top_task, top_n = max(tasks.items(), key=lambda x: (x[1], x[0])) if tasks else ("other", 0)
            terms = ", ".join(keywords[:3]) or "varied topics"
            if top_task != "other" and top_n / size >= 0.4:
                name = f"{top_task[0].upper()}{top_task[1:]}: {terms}"
                summary = f"Mostly requests to {top_task} ({round(100 * top_n / size)}% of the cluster)."
            else:
                name = f"Requests about {terms}"
                summary = "Requests with mixed task types."
            summary += f" Frequent terms: {', '.join(keywords) or 'none shared by enough users'} ({NOTE})."
            out.append((clean_name(name), summary.strip()))
        return out


class PatternAuditor:
    """Rates a text 1 when the pattern scrubber still finds an identifier in it, else 5 (offline check)."""

    def key(self) -> dict[str, Any]:
        """The scrubber is pattern-based; its package version is in the manifest."""
        return {"kind": "offline-patterns"}

    def rate(
        self, ids: list[str], texts: list[str], usage: StageUsage, progress: bool | None
    ) -> list[int | Failure]:
        from cliokit.scrub import find_pii

        return [1 if find_pii(t) else 5 for t in texts]
