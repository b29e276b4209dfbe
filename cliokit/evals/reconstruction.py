"""Reconstruction: how well a run's clusters recover a known topic hierarchy.

The Clio paper's protocol: generate conversations from a known hierarchy, run the pipeline, assign
every base-level cluster to one ground-truth category (:mod:`cliokit.evals.mapping`), and count
the conversations whose cluster maps to their true category. This module holds that accuracy with
its baselines, and label-free partition scores (ARI, NMI, purity) for every hierarchy level.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from cliokit.errors import ConfigError
from cliokit.evals.mapping import MAP_CATEGORY as MAP_CATEGORY
from cliokit.evals.mapping import cluster_text as cluster_text
from cliokit.evals.mapping import map_clusters_to_categories as map_clusters_to_categories

logger = logging.getLogger(__name__)

UNASSIGNED = "(no cluster)"


def reconstruction_accuracy(
    labels: pd.DataFrame,
    assignments: pd.Series,
    mapping: pd.Series,
    *,
    n_categories: int | None = None,
) -> dict[str, Any]:
    """Share of conversations whose cluster maps to their true category.

    Parameters
    ----------
    labels : DataFrame
        Ground truth: ``conversation_id``, ``language``, ``category``.
    assignments : Series
        ``conversation_id`` → cluster id (usually ``level_0``); missing or null for conversations
        whose facets failed or that were rejected.
    mapping : Series
        ``cluster_id`` → category id, from :func:`map_clusters_to_categories`.
    n_categories : int, optional
        Number of categories the mapping chose from (default: distinct categories in ``labels``).

    Returns
    -------
    dict
        ``accuracy``, ``n``, ``n_correct``, ``n_unassigned`` (no cluster: counted as wrong),
        ``n_unmapped`` (in a cluster with no category: counted as wrong), ``per_language`` and
        ``per_category`` (language/category → accuracy), ``oracle_accuracy`` (the best any
        mapping could do with these clusters, :func:`oracle_accuracy`), ``random_baseline`` (1 / n_categories:
        the expected accuracy of mapping each cluster to a category uniformly at random) and
        ``majority_baseline`` (share of the most frequent true category).

    Examples
    --------
    >>> labels = pd.DataFrame({"conversation_id": ["a", "b", "c"], "language": ["en", "en", "fr"],
    ...                        "category": ["x", "y", "x"]})
    >>> acc = reconstruction_accuracy(labels, pd.Series({"a": "0-0", "b": "0-0"}), pd.Series({"0-0": "x"}))
    >>> acc["accuracy"], acc["n_unassigned"]
    (0.3333333333333333, 1)
    """
    for col in ("conversation_id", "language", "category"):
        if col not in labels.columns:
            raise ConfigError(f"`labels` must have a {col!r} column; got {list(labels.columns)}")
    if len(labels) == 0:
        raise ConfigError("`labels` must not be empty")
    cluster = labels["conversation_id"].map(assignments)
    predicted = cluster.map(mapping)
    truth = labels["category"].astype(str)
    correct = (predicted.astype(object) == truth.astype(object)) & predicted.notna()
    n_cat = n_categories if n_categories is not None else truth.nunique()
    df = pd.DataFrame({"language": labels["language"].astype(str), "category": truth, "correct": correct})
    return {
        "accuracy": float(correct.mean()),
        "n": len(labels),
        "n_correct": int(correct.sum()),
        "n_unassigned": int(cluster.isna().sum()),
        "n_unmapped": int((cluster.notna() & predicted.isna()).sum()),
        "per_language": {str(k): float(v) for k, v in df.groupby("language")["correct"].mean().items()},
        "per_category": {str(k): float(v) for k, v in df.groupby("category")["correct"].mean().items()},
        "oracle_accuracy": oracle_accuracy(labels, assignments),
        "random_baseline": 1.0 / n_cat,
        "majority_baseline": float(truth.value_counts(normalize=True).iloc[0]),
    }


def oracle_accuracy(labels: pd.DataFrame, assignments: pd.Series) -> float:
    """Accuracy of the best possible mapping: every cluster mapped to its majority true category.

    An upper bound for :func:`reconstruction_accuracy` with these clusters, whatever does the
    mapping; the gap between the two is what the mapping loses, the gap to 1 what the clustering
    loses. Conversations without a cluster count as wrong.

    Examples
    --------
    >>> labels = pd.DataFrame({"conversation_id": ["a", "b", "c"], "category": ["x", "y", "y"]})
    >>> oracle_accuracy(labels, pd.Series({"a": "0-0", "b": "0-0", "c": "0-1"}))
    0.6666666666666666
    """
    cluster = labels["conversation_id"].map(assignments)
    df = pd.DataFrame({"cluster": cluster, "category": labels["category"].astype(str)}).dropna()
    if len(labels) == 0:
        raise ConfigError("`labels` must not be empty")
    best = df.groupby(["cluster", "category"]).size().groupby(level=0).max().sum() if len(df) else 0
    return float(best / len(labels))


def _contingency(true_labels: np.ndarray, pred_labels: np.ndarray) -> np.ndarray:
    table = pd.crosstab(
        pd.Series(true_labels, name="true"),
        pd.Series(pred_labels, name="pred"),
    )
    return table.to_numpy()


def partition_scores(true_labels: Sequence[Any], pred_labels: Sequence[Any]) -> dict[str, float]:
    """Agreement of a clustering with true classes.

    Purity is the share of items in their cluster's majority class; inverse purity the share of
    items in their class's majority cluster; harmonic purity their harmonic mean. ARI, NMI
    (arithmetic normalisation), V-measure, homogeneity and completeness come from scikit-learn.

    Returns
    -------
    dict
        ``ari``, ``nmi``, ``v_measure``, ``homogeneity``, ``completeness``, ``purity``,
        ``inverse_purity``, ``harmonic_purity``.

    Examples
    --------
    >>> s = partition_scores(["a", "a", "b", "b"], [0, 0, 0, 1])
    >>> s["purity"], s["inverse_purity"]
    (0.75, 0.75)
    """
    from sklearn import metrics

    if len(true_labels) != len(pred_labels):
        raise ConfigError(f"label lists differ in length: {len(true_labels)} vs {len(pred_labels)}")
    if len(true_labels) == 0:
        raise ConfigError("partition_scores needs at least one item")
    t = np.asarray(true_labels, dtype=object).astype(str)
    p = np.asarray(pred_labels, dtype=object).astype(str)
    table = _contingency(t, p)
    n = table.sum()
    purity = float(table.max(axis=0).sum() / n)
    inverse = float(table.max(axis=1).sum() / n)
    h, c, v = metrics.homogeneity_completeness_v_measure(t, p)
    return {
        "ari": float(metrics.adjusted_rand_score(t, p)),
        "nmi": float(metrics.normalized_mutual_info_score(t, p)),
        "v_measure": float(v),
        "homogeneity": float(h),
        "completeness": float(c),
        "purity": purity,
        "inverse_purity": inverse,
        "harmonic_purity": 2 * purity * inverse / (purity + inverse) if purity + inverse else 0.0,
    }


def level_scores(labels: pd.DataFrame, assignments: pd.DataFrame) -> pd.DataFrame:
    """Partition scores of every hierarchy level against the ground truth.

    Level 0 is scored against ``subtopic`` and against ``category``; every higher level (the top
    one included) against ``category``. Conversations without a cluster at a level share one
    extra cluster, :data:`UNASSIGNED`, so failures lower the scores instead of vanishing.

    Parameters
    ----------
    labels : DataFrame
        ``conversation_id``, ``category``, ``subtopic``.
    assignments : DataFrame
        ``conversation_id``, ``level_0`` … ``level_L`` (``assignments.parquet``).

    Returns
    -------
    DataFrame
        One row per (level, target): ``level``, ``target``, ``n``, ``n_clusters``, ``n_classes``,
        ``n_unassigned`` and the :func:`partition_scores` columns; ``L + 2`` rows.
    """
    for col in ("conversation_id", "category", "subtopic"):
        if col not in labels.columns:
            raise ConfigError(f"`labels` must have a {col!r} column; got {list(labels.columns)}")
    level_cols = sorted(
        (c for c in assignments.columns if c.startswith("level_")), key=lambda c: int(c.split("_")[1])
    )
    if not level_cols:
        raise ConfigError("`assignments` has no level_* columns")
    merged = labels.merge(assignments, on="conversation_id", how="left")
    rows = []
    for col in level_cols:
        level = int(col.split("_")[1])
        pred = merged[col].astype(object).where(merged[col].notna(), UNASSIGNED)
        for target in ("subtopic", "category") if level == 0 else ("category",):
            rows.append(
                {
                    "level": level,
                    "target": target,
                    "n": len(merged),
                    "n_clusters": int(merged[col].dropna().nunique()),
                    "n_classes": int(merged[target].nunique()),
                    "n_unassigned": int(merged[col].isna().sum()),
                    **partition_scores(merged[target].tolist(), pred.tolist()),
                }
            )
    return pd.DataFrame(rows)
