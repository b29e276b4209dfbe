"""Pure data helpers behind the views: cluster tables, map points, over-representation, comparisons.

Every table holds unsuppressed clusters only (names come from
:meth:`~cliokit.result.ClioResult.visible_clusters`); suppressed clusters are at most counted in
aggregate (:func:`suppressed_totals`). No table holds per-conversation text.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from cliokit.errors import ConfigError
from cliokit.result import ClioResult
from cliokit.tables import cluster_names, cluster_table, clustered, level_column, resolve_level
from cliokit.viz._common import SUPPRESSED, UNASSIGNED, check_facet, visible_ids

logger = logging.getLogger(__name__)

#: Facets copied onto every map point (for tooltips), when present.
MAP_FACETS = ("language", "concerning", "n_turns")


def suppressed_totals(result: ClioResult, level: int | None = None) -> dict[str, int]:
    """``{"n_clusters": …, "n_conversations": …}`` of the suppressed clusters of one level."""
    level = resolve_level(result, level)
    c = result.clusters
    s = c[(c["level"] == level) & c["suppressed"].astype(bool)]
    return {"n_clusters": len(s), "n_conversations": int(s["n_conversations"].sum())}


def map_points(
    result: ClioResult,
    color: str = "cluster",
    level: int | None = None,
    max_points: int = 5000,
    seed: int = 0,
) -> pd.DataFrame:
    """Projected conversations with their cluster and tooltip facets, subsampled to ``max_points``.

    Parameters
    ----------
    result : ClioResult
    color : str, default="cluster"
        ``"cluster"`` or a facet that may be shown (its column is added).
    level : int, optional
        Level whose clusters the points are labelled with (default: top).
    max_points : int, default=5000
        Cap on the points returned; a larger run is subsampled uniformly with ``seed``.
    seed : int, default=0

    Returns
    -------
    DataFrame
        ``x``, ``y``, ``cluster_id`` (missing unless the cluster is unsuppressed), ``cluster``
        (its name, ``"suppressed"`` or ``"unassigned"``), ``suppressed`` (bool: drawn grey),
        ``top`` (top-level cluster name when ``level`` is below the top), ``path``
        (``|id|id|`` of the point's unsuppressed clusters at every level, grey points included,
        for linking with the tree views) and the facets ``language``, ``concerning``,
        ``n_turns`` (and ``color``), which are missing for grey points. ``attrs["n_total"]``
        holds the number of projected conversations before subsampling. No conversation ids,
        user ids or texts.
    """
    level = resolve_level(result, level)
    if color != "cluster":
        check_facet(result, color, "color")
    if isinstance(max_points, bool) or not isinstance(max_points, int) or max_points < 1:
        raise ConfigError(f"`max_points` must be a positive int; got {max_points!r}")
    proj = result.projection[["conversation_id", "x", "y"]]
    n_total = len(proj)
    if n_total > max_points:
        idx = np.sort(np.random.default_rng(seed).choice(n_total, size=max_points, replace=False))
        proj = proj.iloc[idx]
    facet_cols = [c for c in dict.fromkeys((*MAP_FACETS, color)) if c in result.facets.columns]
    df = proj.merge(result.assignments, on="conversation_id", how="left")
    df = df.merge(result.facets[["conversation_id", *facet_cols]], on="conversation_id", how="left")
    visible = visible_ids(result)
    names = cluster_names(result)
    ids = df[level_column(level)]
    shown = ids.isin(visible)
    out = pd.DataFrame({"x": df["x"].astype(float), "y": df["y"].astype(float)})
    out["cluster_id"] = ids.where(shown)
    out["cluster"] = np.where(shown, ids.map(names), np.where(ids.isna(), UNASSIGNED, SUPPRESSED))
    out["suppressed"] = ~shown.to_numpy()
    top = result.levels - 1
    if level < top:
        out["top"] = df[level_column(top)].map(names).where(shown)
    level_cols = [level_column(i) for i in range(result.levels)]
    out["path"] = [
        "|" + "|".join(str(v) for v in row if isinstance(v, str) and v in visible) + "|"
        for row in df[level_cols].itertuples(index=False)
    ]
    for col in facet_cols:
        out[col] = df[col].where(shown)
    out.attrs["n_total"] = n_total
    return out.reset_index(drop=True)


def overrepresentation(
    result: ClioResult,
    facet: str = "language",
    level: int = 0,
    min_conversations: int = 10,
    values: Sequence[Any] | None = None,
    top: int | None = None,
) -> pd.DataFrame:
    """How much more common a facet value is in each cluster than overall (the paper's language figure).

    ``ratio = share of the value in the cluster / share of the value over all clustered
    conversations``; 1 means as common as overall.

    Parameters
    ----------
    result : ClioResult
    facet : str, default="language"
        A categorical facet (numbers are treated as categories).
    level : int, default=0
    min_conversations : int, default=10
        Clusters smaller than this are left out (small clusters give noisy ratios).
    values : sequence, optional
        Facet values to report (default: all).
    top : int, optional
        Keep the ``top`` clusters with the highest ratio per value.

    Returns
    -------
    DataFrame
        ``value`` (str), ``cluster_id``, ``name`` (unique label), ``n_conversations``, ``count``,
        ``share_in_cluster``, ``overall_share``, ``ratio``; sorted by value then ratio, descending.
    """
    check_facet(result, facet)
    level = resolve_level(result, level)
    f = clustered(result, level, [facet]).dropna(subset=[facet])
    f["value"] = f[facet].astype(str)
    overall = f["value"].value_counts(normalize=True)
    visible = cluster_table(result, level)
    visible = visible[visible["n_conversations"] >= min_conversations]
    f = f[f["cluster_id"].isin(set(visible["cluster_id"]))]
    counts = f.groupby(["cluster_id", "value"]).size().rename("count").reset_index()
    sizes = f.groupby("cluster_id").size()
    # every (cluster, value) pair, zero counts included, so under-representation shows too
    wanted = [str(v) for v in values] if values is not None else sorted(overall.index)
    grid = pd.MultiIndex.from_product([visible["cluster_id"], wanted], names=["cluster_id", "value"])
    df = counts.set_index(["cluster_id", "value"]).reindex(grid, fill_value=0).reset_index()
    cols = ["value", "cluster_id", "name", "n_conversations", "count", "share_in_cluster"]
    cols += ["overall_share", "ratio"]
    if df.empty:
        return pd.DataFrame(
            {c: pd.Series(dtype=float if "share" in c or c == "ratio" else object) for c in cols}
        )
    df["count"] = df["count"].astype(int)
    df["share_in_cluster"] = df["count"] / sizes.reindex(df["cluster_id"]).to_numpy(dtype=float)
    df["overall_share"] = df["value"].map(overall).fillna(0.0)
    df["ratio"] = (df["share_in_cluster"] / df["overall_share"].where(df["overall_share"] > 0)).fillna(0.0)
    info = visible.set_index("cluster_id")
    df["name"] = df["cluster_id"].map(info["label"])
    df["n_conversations"] = df["cluster_id"].map(info["n_conversations"]).astype(int)
    df = df.sort_values(["value", "ratio", "count"], ascending=[True, False, False], kind="stable")
    if top is not None:
        df = df.groupby("value", sort=False).head(top)
    return df[cols].reset_index(drop=True)


def _flag_series(flags: pd.Series | pd.DataFrame) -> pd.Series:
    """Flags as a bool Series indexed by conversation id (missing values dropped)."""
    if isinstance(flags, pd.DataFrame):
        if "conversation_id" not in flags.columns:
            raise ConfigError("`flags` DataFrame needs a `conversation_id` column")
        others = [c for c in flags.columns if c != "conversation_id"]
        col = "flag" if "flag" in others else others[0] if len(others) == 1 else None
        if col is None:
            raise ConfigError(
                f"`flags` DataFrame needs `conversation_id` and one flag column (or `flag`); got {others}"
            )
        flags = flags.set_index("conversation_id")[col]
    if not isinstance(flags, pd.Series):
        raise ConfigError(f"`flags` must be a Series or DataFrame; got {type(flags).__name__}")
    flags = flags.dropna()
    try:
        return flags.astype(bool).set_axis(flags.index.astype(str))
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"`flags` values must be booleans; {exc}") from exc


def flag_rates(
    result: ClioResult, flags: pd.Series | pd.DataFrame, level: int = 0, min_conversations: int = 1
) -> pd.DataFrame:
    """Share of flagged conversations per unsuppressed cluster, next to its mean concerning score.

    Parameters
    ----------
    result : ClioResult
    flags : Series or DataFrame
        A classifier's verdicts: a bool Series indexed by ``conversation_id``, or a DataFrame with
        ``conversation_id`` and one bool column (or a column named ``flag``). Conversations without
        a verdict are left out.
    level : int, default=0
    min_conversations : int, default=1
        Clusters with fewer judged conversations are left out.

    Returns
    -------
    DataFrame
        ``cluster_id``, ``name``, ``n_conversations`` (cluster size), ``n_judged``, ``n_flagged``,
        ``flag_rate``, ``mean_concerning``; ``attrs["overall_flag_rate"]`` over all judged ones.

    Raises
    ------
    ConfigError
        If no flag matches a conversation id of the run.
    """
    level = resolve_level(result, level)
    s = _flag_series(flags)
    f = clustered(result, level, ["concerning"] if "concerning" in result.facets else [])
    f["flag"] = f["conversation_id"].astype(str).map(s)
    judged = f.dropna(subset=["flag"])
    if judged.empty:
        raise ConfigError(
            f"none of the {len(s)} flags matched a conversation id of the run; "
            "index `flags` by conversation_id"
        )
    judged = judged.assign(flag=judged["flag"].astype(bool))
    table = cluster_table(result, level)
    g = judged[judged["cluster_id"].isin(set(table["cluster_id"]))].groupby("cluster_id")
    df = table[["cluster_id", "label", "n_conversations"]].rename(columns={"label": "name"})
    df["n_judged"] = df["cluster_id"].map(g.size()).fillna(0).astype(int)
    df["n_flagged"] = df["cluster_id"].map(g["flag"].sum()).fillna(0).astype(int)
    df["flag_rate"] = df["n_flagged"] / df["n_judged"].where(df["n_judged"] > 0)
    if "mean_concerning" in table:
        df["mean_concerning"] = df["cluster_id"].map(table.set_index("cluster_id")["mean_concerning"])
    else:
        df["mean_concerning"] = np.nan
    df = df[df["n_judged"] >= max(min_conversations, 1)].reset_index(drop=True)
    df.attrs["overall_flag_rate"] = float(judged["flag"].mean())
    return df


__all__ = [
    "cluster_table",
    "flag_rates",
    "map_points",
    "overrepresentation",
    "suppressed_totals",
]
