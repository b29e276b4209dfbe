"""Stage 7: privacy filter. Minimum sizes at every level, and the audit of every cluster's text.

A suppressed cluster keeps its id, sizes and place in the tree (so counts still add up), but its
name, description and keywords are removed before anything is written. :class:`PrivacyFilter`
holds the resolved thresholds and the auditor; the name and hierarchy stages pass every level
through it before the level is written or built on.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import pandas as pd

from cliokit.backends.base import Backend
from cliokit.backends.calls import Failure, StageUsage, ask
from cliokit.config import PRIVACY_FLOOR
from cliokit.prompts import AUDIT, read_int, tag

logger = logging.getLogger(__name__)

STAGE_VERSION = 1


def cluster_sizes(labels: np.ndarray, user_ids: np.ndarray, n_clusters: int) -> pd.DataFrame:
    """``n_conversations`` and ``n_users`` (distinct users) of each cluster id ``0..n_clusters-1``."""
    df = pd.DataFrame({"cluster": labels, "user": user_ids})
    grouped = df.groupby("cluster")["user"].agg(n_conversations="size", n_users="nunique")
    grouped = grouped.reindex(range(n_clusters), fill_value=0)
    return grouped.reset_index().astype({"n_conversations": "int64", "n_users": "int64"})


def below_minimum(sizes: pd.DataFrame, min_conversations: int, min_users: int) -> np.ndarray:
    """Boolean mask of clusters with fewer than ``min_conversations`` or ``min_users``."""
    return ((sizes["n_conversations"] < min_conversations) | (sizes["n_users"] < min_users)).to_numpy()


def cluster_text(name: str | None, description: str | None, keywords: list[str] | None) -> str:
    """The text an auditor checks: name, summary and keywords."""
    kws = ", ".join(keywords or [])
    return f"Name: {name or ''}\nSummary: {description or ''}\nKeywords: {kws}"


def parse_audit(text: str) -> int:
    """The 1–5 rating of an audit answer (read as :func:`cliokit.prompts.read_int` reads scores).

    Raises ``ValueError`` when there is none.
    """
    raw = tag(text, "rating")
    rating = read_int(raw, 1, 5)
    if rating is None:
        raise ValueError(f"<rating> must be an integer 1-5; got {raw!r}")
    return rating


class Auditor(Protocol):
    """Rates cluster texts 1 (identifies someone) to 5 (fully general)."""

    def key(self) -> dict[str, Any]:
        """What the fingerprint of an audited level depends on."""
        ...

    def rate(
        self, ids: list[str], texts: list[str], usage: StageUsage, progress: bool | None
    ) -> list[int | Failure]:
        """One rating (or failure) per text."""
        ...


class ModelAuditor:
    """Clio's privacy auditor: a model rates each cluster's text (the ``audit`` prompt)."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    def key(self) -> dict[str, Any]:
        """Backend, model and prompt hash."""
        return {"kind": "model", "backend": self.backend.describe(), "model": self.backend.model_id("audit")}

    def rate(
        self, ids: list[str], texts: list[str], usage: StageUsage, progress: bool | None
    ) -> list[int | Failure]:
        model = self.backend.model_id("audit")
        requests = [
            AUDIT.request(f"audit-{i}", model=model, max_tokens=300, cluster=t)
            for i, t in zip(ids, texts, strict=True)
        ]
        return ask(self.backend, requests, parse_audit, usage, progress=progress, desc="audit")


@dataclass(frozen=True)
class PrivacyFilter:
    """Minimum sizes and the audit, applied to one level of clusters at a time.

    Parameters
    ----------
    min_conversations, min_users : int
        Resolved thresholds (:func:`cliokit.config.resolve_thresholds`); clusters below either
        are suppressed. Below :data:`cliokit.config.PRIVACY_FLOOR` (only with
        ``privacy.unsafe_allow_below_floor``) a warning is logged.
    auditor : Auditor or None
        Rates every visible cluster's text; None turns the audit off (``privacy.audit = false``).
    audit_threshold : int
        Clusters rated below it (or whose audit failed) are suppressed.
    """

    min_conversations: int
    min_users: int
    auditor: Auditor | None
    audit_threshold: int

    def __post_init__(self) -> None:
        if min(self.min_conversations, self.min_users) < PRIVACY_FLOOR:
            logger.warning(
                "privacy thresholds below the floor of %d (min_conversations=%d, min_users=%d; "
                "privacy.unsafe_allow_below_floor): clusters of a single conversation or user can be named",
                PRIVACY_FLOOR,
                self.min_conversations,
                self.min_users,
            )

    def key(self) -> dict[str, Any]:
        """Thresholds and the auditor, for fingerprints."""
        return {
            "thresholds": [self.min_conversations, self.min_users],
            "audit": self.auditor.key() if self.auditor is not None else None,
            "audit_threshold": self.audit_threshold,
            "prompt": AUDIT.hash,
        }

    def sizes(
        self, labels: np.ndarray, users: np.ndarray, n_clusters: int, outlier: int | None = None
    ) -> pd.DataFrame:
        """Sizes of each cluster with ``suppressed`` and ``suppressed_reason`` by size (and outliers)."""
        sizes = cluster_sizes(labels, users, n_clusters)
        too_small = below_minimum(sizes, self.min_conversations, self.min_users)
        reason = np.full(len(too_small), None, dtype=object)
        reason[too_small] = "size"
        if outlier is not None:
            too_small[outlier] = True
            reason[outlier] = "outliers"
        return sizes.assign(suppressed=too_small, suppressed_reason=reason)

    def audit(self, clusters: pd.DataFrame, level: int, usage: StageUsage) -> pd.DataFrame:
        """Add ``audit_rating``; suppress clusters rated below the threshold (or whose audit failed)."""
        out = clusters.copy()
        out["audit_rating"] = pd.Series(pd.NA, index=out.index, dtype="Int64")
        if self.auditor is None:
            return out
        todo = out[~out["suppressed"].astype(bool) & out["name"].notna()]
        texts = [
            cluster_text(n, d, list(k) if k is not None else [])
            for n, d, k in zip(todo["name"], todo["description"], todo["keywords"], strict=True)
        ]
        ids = [f"{level}-{c}" for c in todo["cluster"]]
        for idx, rating in zip(todo.index, self.auditor.rate(ids, texts, usage, False), strict=True):
            if not isinstance(rating, Failure):
                out.loc[idx, "audit_rating"] = rating
        failed = (
            (~out["suppressed"].astype(bool))
            & out["name"].notna()
            & (out["audit_rating"].isna() | (out["audit_rating"] < self.audit_threshold)).fillna(True)
        )
        out.loc[failed, "suppressed"] = True
        out.loc[failed, "suppressed_reason"] = "audit"
        return out

    def filter(
        self, clusters: pd.DataFrame, labels: np.ndarray, users: np.ndarray, *, level: int, usage: StageUsage
    ) -> pd.DataFrame:
        """Sizes, size filter, audit and suppression of one new level (``clusters`` has ``cluster``)."""
        sized = self.sizes(labels, users, len(clusters)).merge(clusters, on="cluster")
        return apply_suppression(self.audit(sized, level, usage))


def apply_suppression(clusters: pd.DataFrame) -> pd.DataFrame:
    """Clear name, description and keywords wherever ``suppressed`` is true (returns a copy)."""
    out = clusters.copy()
    mask = out["suppressed"].to_numpy(dtype=bool)
    out.loc[mask, ["name", "description"]] = None
    out["keywords"] = [
        [] if m else list(k) if k is not None else [] for m, k in zip(mask, out["keywords"], strict=True)
    ]
    return out
