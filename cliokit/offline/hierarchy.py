"""Offline hierarchy steps: k-means and keyword overlap in place of a model's propose/assign/rename.

They follow the shape of Clio's algorithm (:class:`cliokit.hierarchy.ClioHierarchy`) so a run
without a model still gets a named, multi-level tree; names are built from the keywords the
children share. The pure functions here also serve the model path as fallbacks when a model's
proposal or deduplication fails.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from cliokit.backends.calls import Failure, StageUsage
from cliokit.offline._lexicon import LEXICON_VERSION
from cliokit.text import merge_keywords, parent_keywords, tokenize

if TYPE_CHECKING:
    from cliokit.hierarchy import LevelInput, LevelResult, NameGroupsFn, Neighbourhood

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


def group_centroids(vectors: np.ndarray, n: int) -> np.ndarray:
    """Ward agglomerative groups of the rows of ``vectors`` (deterministic, no seed needed)."""
    if n <= 1 or len(vectors) <= 1:
        return np.zeros(len(vectors), dtype=np.int64)
    from sklearn.cluster import AgglomerativeClustering

    return np.asarray(
        AgglomerativeClustering(n_clusters=min(n, len(vectors)), linkage="ward").fit_predict(vectors)
    )


class CentroidHierarchy:
    """Parents from clustering the children's conversation centroids (Ward), named by contrast.

    The structure comes from the embeddings the base clusters were built on, not from their
    names: every child, named or not, is grouped by its centroid of conversation embeddings.
    Each parent is named from its own conversations by ``name_groups`` when the pipeline passes
    it (the run's namer, e.g. :class:`~cliokit.offline.PhraseNamer`'s phrases); otherwise from
    the keywords its children share, weighted against the keywords of the other parents at the
    same level (c-TF-IDF across parents).
    """

    heuristic = True

    def key(self) -> dict[str, Any]:
        """What the fingerprint of a hierarchy built this way depends on."""
        return {"builder": "centroids", "linkage": "ward", "lexicon": LEXICON_VERSION, "names": 2}

    def build_level(
        self,
        children: pd.DataFrame,
        child_conv_vecs: np.ndarray,
        n_parents: int,
        embed: Callable[[list[str]], np.ndarray],
        usage: StageUsage,
        *,
        level: int,
        seed: int,
        progress: bool | None = None,
        name_groups: NameGroupsFn | None = None,
    ) -> LevelResult | None:
        """One level of ``n_parents`` parents (fewer when there are fewer children); None without names."""
        from cliokit.hierarchy import LevelResult
        from cliokit.name import unique_names

        names = children["name"].tolist()
        if not any(isinstance(n, str) for n in names):
            return None
        keywords = [list(k) if k is not None else [] for k in children["keywords"]]
        sizes = children["n_conversations"].astype(int).tolist()
        groups = group_centroids(np.asarray(child_conv_vecs, dtype=np.float64), n_parents)
        used = np.unique(groups)
        parent_of_child = np.searchsorted(used, groups).astype(np.int64)
        kws = parent_keywords(keywords, sizes, parent_of_child, len(used), 8)
        named = name_groups(parent_of_child, len(used)) if name_groups is not None else None
        rows = []
        for p in range(len(used)):
            kids = [c for c in np.flatnonzero(parent_of_child == p) if isinstance(names[c], str)]
            kids.sort(key=lambda c: -sizes[c])
            listed = "; ".join(str(names[c]) for c in kids[:4])
            more = f" and {len(kids) - 4} more" if len(kids) > 4 else ""
            fallback = str(names[kids[0]]) if kids else "Clusters without a shown name"
            listing = (
                f"Groups {len(kids)} named clusters whose conversations lie close together: {listed}{more}."
            )
            if named is not None and isinstance(named.at[p, "name"], str):
                row = named.loc[p]
                rows.append(
                    {
                        "cluster": p,
                        "name": row["name"],
                        "description": f"{row['description']} {listing}",
                        "keywords": list(row["keywords"]),
                    }
                )
                continue
            summary = f"{listing} Name from the keywords that set them apart from the other groups ({NOTE})."
            rows.append(
                {
                    "cluster": p,
                    "name": keyword_name(kws[p], fallback),
                    "description": summary,
                    "keywords": kws[p],
                }
            )
        table = pd.DataFrame(rows, columns=["cluster", "name", "description", "keywords"])
        table["name"] = unique_names(table["name"].tolist(), table["keywords"].tolist())
        return LevelResult(clusters=table, parent_of_child=parent_of_child)
