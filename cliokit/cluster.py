"""Stage 4: base clusters. Seeded k-means over the facet embeddings (HDBSCAN as an option)."""

from __future__ import annotations

import logging
import warnings
from typing import Any

import numpy as np

from cliokit.config import ClusterConfig, HierarchyConfig, resolve_k

logger = logging.getLogger(__name__)

STAGE_VERSION = 1


def cluster_embeddings(
    embeddings: np.ndarray, cfg: ClusterConfig, seed: int
) -> tuple[np.ndarray, dict[str, Any]]:
    """Base cluster labels for each row of ``embeddings``.

    Parameters
    ----------
    embeddings : ndarray of shape (n, dim)
        L2-normalised embeddings.
    cfg : ClusterConfig
        Method, k or target size.
    seed : int
        Random state for k-means.

    Returns
    -------
    labels : ndarray of shape (n,), int
        Cluster ids ``0..n_clusters-1``. With HDBSCAN, outliers form one extra cluster whose id is
        ``info["outlier_cluster"]`` (never named; always suppressed downstream).
    info : dict
        Resolved values for the manifest: ``k``, ``method``, ``n_clusters`` and, for HDBSCAN,
        ``n_outliers`` and ``outlier_cluster``.
    """
    n = embeddings.shape[0]
    if embeddings.ndim != 2 or n == 0:
        raise ValueError(f"embeddings must be a non-empty 2-D array; got shape {embeddings.shape}")
    if n < 2:
        return np.zeros(n, dtype=np.int64), {"method": "trivial", "k": 1, "n_clusters": 1}
    if cfg.method == "hdbscan":
        return _hdbscan(embeddings, cfg)
    k = resolve_k(n, cfg)
    if n > cfg.minibatch_above:
        from sklearn.cluster import MiniBatchKMeans

        model: Any = MiniBatchKMeans(n_clusters=k, random_state=seed, n_init=3, batch_size=4096)
        method = "minibatch_kmeans"
    else:
        from sklearn.cluster import KMeans

        model = KMeans(n_clusters=k, random_state=seed, n_init=3)
        method = "kmeans"
    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings():
        # duplicate points make scikit-learn warn; ours below says the same in cliokit's terms
        warnings.simplefilter("ignore", category=RuntimeWarning)
        warnings.simplefilter("ignore", category=ConvergenceWarning)
        labels = model.fit_predict(embeddings.astype(np.float32, copy=False))
    labels = _compact(labels)
    n_clusters = int(labels.max()) + 1
    if n_clusters < k:
        warnings.warn(f"k-means found {n_clusters} non-empty clusters, fewer than k={k}", stacklevel=2)
    return labels, {"method": method, "k": k, "n_clusters": n_clusters}


def _compact(labels: np.ndarray) -> np.ndarray:
    """Relabel so that ids are ``0..m-1`` in order of first appearance of each id's value."""
    _, inverse = np.unique(labels, return_inverse=True)
    return inverse.astype(np.int64)


def _hdbscan(embeddings: np.ndarray, cfg: ClusterConfig) -> tuple[np.ndarray, dict[str, Any]]:
    from sklearn.cluster import HDBSCAN

    raw = HDBSCAN(min_cluster_size=cfg.hdbscan_min_cluster_size, metric="euclidean", copy=True).fit_predict(
        embeddings
    )
    outliers = raw < 0
    labels = np.empty_like(raw)
    n_found = 0
    if (~outliers).any():
        labels[~outliers] = _compact(raw[~outliers])
        n_found = int(labels[~outliers].max()) + 1
    labels[outliers] = n_found
    info: dict[str, Any] = {
        "method": "hdbscan",
        "k": None,
        "n_clusters": n_found + int(outliers.any()),
        "n_outliers": int(outliers.sum()),
        "outlier_cluster": n_found if outliers.any() else None,
    }
    return labels.astype(np.int64), info


def centroids(embeddings: np.ndarray, labels: np.ndarray, n_clusters: int) -> np.ndarray:
    """L2-normalised mean embedding of each cluster, shape ``(n_clusters, dim)``."""
    sums = np.zeros((n_clusters, embeddings.shape[1]), dtype=np.float64)
    np.add.at(sums, labels, embeddings)
    norms = np.linalg.norm(sums, axis=1, keepdims=True)
    return (sums / np.where(norms == 0, 1, norms)).astype(np.float32)


def choose_top_k(centres: np.ndarray, cfg: HierarchyConfig) -> tuple[int, dict[str, Any]]:
    """The number of top-level clusters: ``cfg.top_k``, or chosen from the data when ``"auto"``.

    Auto: the count in :func:`cliokit.config.top_k_range` whose Ward grouping of the base
    clusters' centroids has the highest silhouette (cosine). Returns the count and what the
    manifest records about the choice.
    """
    from sklearn.metrics import silhouette_score

    from cliokit.config import top_k_range
    from cliokit.offline.hierarchy import group_centroids

    if isinstance(cfg.top_k, int):
        return cfg.top_k, {"top_k": cfg.top_k, "criterion": "configured"}
    lo, hi = top_k_range(len(centres))
    vectors = np.asarray(centres, dtype=np.float64)
    scores = {}
    for m in range(lo, hi + 1):
        groups = group_centroids(vectors, m)
        if 1 < len(np.unique(groups)) < len(vectors):
            scores[m] = float(silhouette_score(vectors, groups, metric="cosine"))
    if not scores:
        return lo, {"top_k": lo, "criterion": "smallest of range", "range": [lo, hi]}
    best = max(scores, key=lambda m: (scores[m], -m))
    return best, {
        "top_k": best,
        "criterion": "silhouette",
        "range": [lo, hi],
        "silhouette": {str(m): round(s, 4) for m, s in scores.items()},
    }
