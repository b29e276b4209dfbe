"""Offline hierarchy steps: k-means and keyword overlap in place of a model's propose/assign/rename.

They follow the shape of Clio's algorithm (:class:`cliokit.hierarchy.ClioHierarchy`) so a run
without a model still gets a named, multi-level tree; names are built from the keywords the
children share. The pure functions here also serve the model path as fallbacks when a model's
proposal or deduplication fails.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from cliokit.backends.calls import Failure, StageUsage
from cliokit.offline._lexicon import LEXICON_VERSION
from cliokit.text import merge_keywords, tokenize

if TYPE_CHECKING:
    from cliokit.hierarchy import LevelInput, Neighbourhood

NOTE = "keyword-based name from the offline heuristic backend"


def keyword_name(keywords: Sequence[str], fallback: str) -> str:
    """Up to three keywords joined as a name (``"Python, pandas, csv"``), else ``fallback``."""
    kws = [k for k in keywords if k][:3]
    return ", ".join(kws).capitalize() if kws else fallback


def _kmeans_groups(vectors: np.ndarray, n: int, seed: int) -> np.ndarray:
    if n <= 1 or len(vectors) <= 1:
        return np.zeros(len(vectors), dtype=np.int64)
    from sklearn.cluster import KMeans

    return np.asarray(
        KMeans(n_clusters=min(n, len(vectors)), random_state=seed, n_init=3).fit_predict(vectors)
    )


def propose_names(
    vectors: np.ndarray,
    names: Sequence[str],
    keywords: Sequence[Sequence[str]],
    sizes: Sequence[int],
    n: int,
    seed: int,
) -> list[str]:
    """Parent names for children: k-means on ``vectors``, each group named by its shared keywords."""
    groups = _kmeans_groups(np.asarray(vectors, dtype=np.float32), n, seed)
    out = []
    for g in range(int(groups.max()) + 1 if len(groups) else 0):
        members = np.flatnonzero(groups == g)
        if members.size:
            idx = [int(i) for i in members]
            merged = merge_keywords([keywords[i] for i in idx], [sizes[i] for i in idx], 3)
            out.append(keyword_name(merged, names[idx[0]]))
    return out


def dedupe_names(candidates: Sequence[str], vectors: np.ndarray, n: int, seed: int) -> list[str]:
    """At most ``n`` names: the candidate nearest each k-means centre of the candidate vectors."""
    if len(candidates) <= n:
        return list(candidates)
    groups = _kmeans_groups(vectors, n, seed)
    keep = []
    for g in range(int(groups.max()) + 1):
        members = np.flatnonzero(groups == g)
        centre = vectors[members].mean(axis=0)
        keep.append(candidates[int(members[np.argmax(vectors[members] @ centre)])])
    return keep


class OfflineSteps:
    """Clio's hierarchy steps answered by k-means and keyword overlap (no model)."""

    heuristic = True

    def key(self) -> dict[str, Any]:
        """What the fingerprint of a hierarchy built with these steps depends on."""
        return {"kind": "offline", "lexicon": LEXICON_VERSION}

    def propose(
        self, lv: LevelInput, hoods: Sequence[Neighbourhood], usage: StageUsage, progress: bool | None
    ) -> list[list[str] | Failure]:
        out: list[list[str] | Failure] = []
        for hood in hoods:
            kids = lv.named[hood.members]
            out.append(
                propose_names(
                    lv.conv_vecs[kids],
                    [lv.names[c] or "" for c in kids],
                    [lv.keywords[c] for c in kids],
                    [lv.sizes[c] for c in kids],
                    hood.want,
                    lv.seed + hood.index,  # kept: derive_seed here would change every offline tree
                )
            )
        return out

    def dedupe(
        self, lv: LevelInput, candidates: list[str], vectors: np.ndarray, n: int, usage: StageUsage
    ) -> list[str] | Failure:
        return dedupe_names(candidates, np.asarray(vectors, dtype=np.float32), n, lv.seed)

    def assign(
        self,
        lv: LevelInput,
        orders: Sequence[np.ndarray],
        candidates: Sequence[str],
        cand_vecs: np.ndarray,
        usage: StageUsage,
        progress: bool | None,
    ) -> list[str | Failure]:
        # most keywords in common with the candidate's name, ties broken by embedding similarity
        out: list[str | Failure] = []
        for i, (c, order) in enumerate(zip(lv.named, orders, strict=True)):
            kws = set(lv.keywords[c])
            sims = np.asarray(cand_vecs[list(order)], dtype=np.float32) @ lv.named_vecs[i].astype(np.float32)
            overlap = np.asarray([len(kws & set(tokenize(candidates[j]))) for j in order], dtype=np.float32)
            out.append(candidates[order[int(np.argmax(overlap + 0.5 * sims))]])
        return out

    def rename(
        self,
        lv: LevelInput,
        parents: Sequence[tuple[str, list[int]]],
        parent_keywords: Sequence[list[str]],
        usage: StageUsage,
        progress: bool | None,
    ) -> list[tuple[str, str] | Failure]:
        out: list[tuple[str, str] | Failure] = []
        for (candidate, kids), kws in zip(parents, parent_keywords, strict=True):
            merged = kws or merge_keywords([lv.keywords[c] for c in kids], [lv.sizes[c] for c in kids], 3)
            listed = "; ".join(str(lv.names[c]) for c in kids[:4])
            more = f" and {len(kids) - 4} more" if len(kids) > 4 else ""
            summary = f"Groups {len(kids)} clusters: {listed}{more}. Name from shared keywords ({NOTE})."
            out.append((keyword_name(merged, candidate), summary))
        return out
