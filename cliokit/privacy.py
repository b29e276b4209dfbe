"""Stage 7: privacy filter. Minimum sizes at every level, and the audit of every cluster's text.

A suppressed cluster keeps its id, sizes and place in the tree (so counts still add up), but its
name, description and keywords are removed before anything is written.
"""

from __future__ import annotations

import logging
import re

import numpy as np
import pandas as pd

from cliokit.backends.base import Backend
from cliokit.backends.calls import Failure, StageUsage, ask
from cliokit.prompts import AUDIT, tag

logger = logging.getLogger(__name__)

STAGE_VERSION = 1
TEXT_COLUMNS = ("name", "description", "keywords")


def cluster_sizes(labels: np.ndarray, user_ids: np.ndarray, n_clusters: int) -> pd.DataFrame:
    """``n_conversations`` and ``n_users`` (distinct users) of each cluster id ``0..n_clusters-1``."""
    df = pd.DataFrame({"cluster": labels, "user": user_ids})
    grouped = df.groupby("cluster")["user"].agg(n_conversations="size", n_users="nunique")
    grouped = grouped.reindex(range(n_clusters), fill_value=0)
    return grouped.reset_index().astype({"n_conversations": "int64", "n_users": "int64"})


def below_minimum(sizes: pd.DataFrame, min_conversations: int, min_users: int) -> np.ndarray:
    """Boolean mask of clusters with fewer than ``min_conversations`` or ``min_users``."""
    return ((sizes["n_conversations"] < min_conversations) | (sizes["n_users"] < min_users)).to_numpy()


def _cluster_text(name: str | None, description: str | None, keywords: list[str] | None) -> str:
    kws = ", ".join(keywords or [])
    return f"Name: {name or ''}\nSummary: {description or ''}\nKeywords: {kws}"


def parse_audit(text: str) -> int:
    """The 1–5 rating of an audit answer; raises ``ValueError`` otherwise."""
    raw = tag(text, "rating") or ""
    m = re.fullmatch(r"\s*([1-5])\s*(?:/\s*5)?\.?\s*", raw)
    if m is None:
        raise ValueError(f"<rating> must be an integer 1-5; got {raw!r}")
    return int(m.group(1))


def audit_clusters(
    clusters: pd.DataFrame,
    backend: Backend,
    usage: StageUsage,
    *,
    level: int = 0,
    model: str = "",
    progress: bool | None = None,
) -> pd.Series:
    """Audit rating (1–5, nullable) of every row of ``clusters`` that has a name.

    ``clusters`` needs ``cluster``, ``name``, ``description`` and ``keywords``. Rows without a
    name get ``<NA>``. A failed audit also gives ``<NA>``, and callers treat it as failing.
    """
    todo = clusters[clusters["name"].notna()]
    requests = []
    for cid, name, description, keywords in zip(
        todo["cluster"], todo["name"], todo["description"], todo["keywords"], strict=True
    ):
        text = _cluster_text(name, description, list(keywords) if keywords is not None else [])
        requests.append(
            AUDIT.request(f"audit-{level}-{cid}", {"text": text}, model=model, max_tokens=300, cluster=text)
        )
    answers = ask(backend, requests, parse_audit, usage, progress=progress, desc=f"audit level {level}")
    ratings = pd.Series(pd.NA, index=clusters.index, dtype="Int64")
    for idx, answer in zip(todo.index, answers, strict=True):
        if not isinstance(answer, Failure):
            ratings[idx] = answer
    return ratings


def apply_suppression(clusters: pd.DataFrame) -> pd.DataFrame:
    """Clear name, description and keywords wherever ``suppressed`` is true (returns a copy)."""
    out = clusters.copy()
    mask = out["suppressed"].to_numpy(dtype=bool)
    out.loc[mask, ["name", "description"]] = None
    out["keywords"] = [
        [] if m else list(k) if k is not None else [] for m, k in zip(mask, out["keywords"], strict=True)
    ]
    return out
