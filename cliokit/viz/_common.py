"""Shared helpers of the views: which facets may be shown, levels, labels and colours."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from cliokit.errors import ConfigError
from cliokit.result import ClioResult
from cliokit.tables import (
    BREAKDOWN_FACETS,
    custom_facets,
)

#: Computed and categorical facets that are safe to show per conversation (no text).
BUILTIN_FACETS = ("language", "concerning", "n_turns", "n_messages", "user_chars", "assistant_chars")
#: Per-conversation texts and identifiers: never shown in a chart, tooltip or report.
PRIVATE_COLUMNS = ("conversation_id", "user_id", "request", "topic", "task", "facet_error", "facet_source")
#: Facets drawn with an ordered (discrete) colour scale rather than a continuous one.
ORDINAL_FACETS = ("concerning", "n_turns")
#: Colour of suppressed clusters and of conversations without a cluster.
GREY = "#c8c8c8"
SUPPRESSED = "suppressed"
UNASSIGNED = "unassigned"
#: Tableau 20, so that up to 20 clusters get distinct colours before they repeat.
PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#76b7b2",
    "#59a14f",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
    "#a0cbe8",
    "#ffbe7d",
    "#ff9d9a",
    "#86bcb6",
    "#8cd17d",
    "#f1ce63",
    "#d4a6c8",
    "#fabfd2",
    "#d7b5a6",
    "#79706e",
)


def shown_facets(result: ClioResult) -> list[str]:
    """Facet columns that may be shown per conversation: built-in ones plus custom non-text facets."""
    custom = [n for n, kind in custom_facets(result).items() if kind in {"categorical", "numeric"}]
    return [c for c in (*BUILTIN_FACETS, *custom) if c in result.facets.columns]


def breakdown_facets(result: ClioResult) -> list[str]:
    """Facets broken down per cluster: those of :func:`cliokit.export.facet_breakdowns` by default."""
    custom = [n for n, kind in custom_facets(result).items() if kind in {"categorical", "numeric"}]
    return [c for c in (*BREAKDOWN_FACETS, *custom) if c in result.facets.columns]


def check_facet(result: ClioResult, facet: str, param: str = "facet") -> str:
    """Return ``facet`` if it may be shown; raise :class:`ConfigError` naming ``param`` otherwise."""
    allowed = shown_facets(result)
    if facet in allowed:
        return facet
    kind = custom_facets(result).get(facet)
    if facet in PRIVATE_COLUMNS or kind == "text":
        why = "it holds per-conversation text or identifiers and is never shown"
    else:
        why = "it is not a facet of this run"
    raise ConfigError(f"`{param}` must be one of {allowed}; got {facet!r} ({why})")


def is_numeric_facet(result: ClioResult, facet: str) -> bool:
    """Whether ``facet`` is a number (drawn with a sequential scale) rather than a category."""
    if custom_facets(result).get(facet) == "categorical":
        return False
    return bool(pd.api.types.is_numeric_dtype(result.facets[facet]))


def level_word(result: ClioResult, level: int) -> str:
    """``"top-level"`` or ``"level-N"``, for titles."""
    return "top-level" if level == result.levels - 1 else f"level-{level}"


def visible_ids(result: ClioResult) -> set[str]:
    """Ids of the unsuppressed clusters (every level)."""
    c = result.clusters
    return set(c.loc[~c["suppressed"].astype(bool), "cluster_id"])


def parents(result: ClioResult) -> dict[str, str | None]:
    """``{cluster_id: parent_id}`` of every cluster (``None`` at the top level)."""
    c = result.clusters
    return {
        str(cid): (None if pd.isna(pid) else str(pid))
        for cid, pid in zip(c["cluster_id"], c["parent_id"], strict=True)
    }


def ancestor(parent_of: dict[str, str | None], cluster_id: str, levels_up: int) -> str | None:
    """The ancestor ``levels_up`` levels above ``cluster_id`` (``None`` if the chain breaks)."""
    cid: str | None = cluster_id
    for _ in range(levels_up):
        if cid is None:
            return None
        cid = parent_of.get(cid)
    return cid


def colour_scale(labels: Iterable[str], extra: dict[str, str] | None = None) -> dict[str, Any]:
    """``domain``/``range`` for an ``alt.Scale``: palette colours for ``labels``, fixed ones for ``extra``."""
    domain = list(labels)
    rng = [PALETTE[i % len(PALETTE)] for i in range(len(domain))]
    for label, colour in (extra or {}).items():
        domain.append(label)
        rng.append(colour)
    return {"domain": domain, "range": rng}


def chart_data(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with object columns typed, so that altair writes missing values as JSON ``null``."""
    return df.reset_index(drop=True).infer_objects()
