"""Pure data helpers behind the views: cluster tables, map points, over-representation, comparisons.

Every table holds unsuppressed clusters only (names come from
:meth:`~cliokit.result.ClioResult.visible_clusters`); suppressed clusters are at most counted in
aggregate (:func:`suppressed_totals`). No table holds per-conversation text.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
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
#: Quantiles that mark the bulk of the map on each axis (see :func:`map_domain`).
DOMAIN_QUANTILES = (0.05, 0.95)
#: How far beyond the bulk, in bulk widths, a point always belongs on the map's axes.
DOMAIN_FENCE = 1.0
#: Beyond that, the widest empty gap, in bulk widths, across which the data still continues.
DOMAIN_GAP = 0.25
#: Default of :func:`overrepresentation`'s ``min_count``.
MIN_COUNT = 5


def suppressed_totals(result: ClioResult, level: int | None = None) -> dict[str, int]:
    """``{"n_clusters": …, "n_conversations": …}`` of the suppressed clusters of one level."""
    level = resolve_level(result, level)
    c = result.clusters
    s = c[(c["level"] == level) & c["suppressed"].astype(bool)]
    return {"n_clusters": len(s), "n_conversations": int(s["n_conversations"].sum())}


@dataclass(frozen=True)
class MapDomain:
    """The axes of the map: the span of the bulk of the projection, and how many points lie beyond.

    Attributes
    ----------
    x, y : tuple of float
        ``(low, high)`` of each axis.
    n_outside : int
        Projected conversations beyond the axes (on either axis).
    n_total : int
        Projected conversations.
    """

    x: tuple[float, float]
    y: tuple[float, float]
    n_outside: int
    n_total: int

    def outside(self, x: Any, y: Any) -> np.ndarray:
        """Bool array: which points ``(x, y)`` lie beyond the axes."""
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        with np.errstate(invalid="ignore"):
            return (x < self.x[0]) | (x > self.x[1]) | (y < self.y[0]) | (y > self.y[1])


def _fences(values: np.ndarray) -> tuple[float, float]:
    """``(low, high)`` beyond which a value lies far outside the bulk of one map axis.

    The bulk is the 5%-95% quantile range. A value is far off when it lies more than one bulk
    width beyond the bulk *and* is cut off from it by an empty gap of more than a quarter of the
    bulk width (between it and every value nearer the bulk). Why this rule:

    * the 5% and 95% quantiles stay inside the bulk as long as fewer than 5% of the points are
      far off on one side (0.5%/99.5% quantiles would land on 2% far-off points on one side);
    * one bulk width beyond the quantiles is ±4.9σ for a normal bulk, crossed by about one point
      in a million; a median/MAD fence would cut a bulk made of a few separate clusters;
    * the gap keeps what continues the data: a long tail, or an island UMAP draws next to the
      main body (as on the right of ``docs/map.png``) that reaches past the fence;
    * the axes are then the range of the points within the fences, so with no far-off points
      they are exactly the range of the data (nothing is cut), and with far-off points the bulk
      spans the axes instead of a corner of them.
    """
    v = np.sort(values[np.isfinite(values)])
    if not len(v):
        return (0.0, 0.0)
    low, high = (float(q) for q in np.quantile(v, DOMAIN_QUANTILES))
    width = high - low
    if width <= 0:  # over 90% of the points at one value: no scale to judge by, keep them all
        return (float(v[0]), float(v[-1]))
    gap = DOMAIN_GAP * width
    fence = high + DOMAIN_FENCE * width
    above = v[np.searchsorted(v, fence, side="right") - 1 :]  # the last value within, then beyond
    cut = np.flatnonzero(np.diff(above) > gap)
    top = float(above[cut[0]] if len(cut) else above[-1])
    fence = low - DOMAIN_FENCE * width
    below = v[: np.searchsorted(v, fence, side="left") + 1][::-1]  # the first value within, then beyond
    cut = np.flatnonzero(np.diff(below) < -gap)
    bottom = float(below[cut[0]] if len(cut) else below[-1])
    return (bottom, top)


def map_domain(result: ClioResult) -> MapDomain:
    """The map's axes, from every projected conversation (not a subsample), robust to far-off points.

    A conversation lies far outside the rest when, on either axis, it is more than one bulk
    width (the 5%-95% quantile range) beyond the bulk and cut off from it by an empty gap of
    more than a quarter of that width; the axes span the other conversations, and the far-off
    ones are counted in ``n_outside`` (the map draws them on its edge). Without far-off points
    the axes are the range of the data and ``n_outside`` is 0.
    """
    xy = result.projection[["x", "y"]].to_numpy(dtype=float)
    xy = xy[np.isfinite(xy).all(axis=1)]
    if not len(xy):
        return MapDomain((0.0, 0.0), (0.0, 0.0), 0, len(result.projection))
    (x0, x1), (y0, y1) = _fences(xy[:, 0]), _fences(xy[:, 1])
    inside = (xy[:, 0] >= x0) & (xy[:, 0] <= x1) & (xy[:, 1] >= y0) & (xy[:, 1] <= y1)
    kept = xy[inside]
    x = (float(kept[:, 0].min()), float(kept[:, 0].max()))
    y = (float(kept[:, 1].min()), float(kept[:, 1].max()))
    return MapDomain(x, y, int((~inside).sum()), len(result.projection))


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
        ``n_turns`` (and ``color``), which are missing for grey points, and ``outside`` (bool:
        beyond the axes of :func:`map_domain`). ``attrs["n_total"]`` holds the number of
        projected conversations before subsampling, ``attrs["x_domain"]`` and
        ``attrs["y_domain"]`` the axes and ``attrs["n_outside"]`` how many of all projected
        conversations lie beyond them. No conversation ids, user ids or texts.
    """
    level = resolve_level(result, level)
    if color != "cluster":
        check_facet(result, color, "color")
    if isinstance(max_points, bool) or not isinstance(max_points, int) or max_points < 1:
        raise ConfigError(f"`max_points` must be a positive int; got {max_points!r}")
    proj = result.projection[["conversation_id", "x", "y"]]
    n_total = len(proj)
    domain = map_domain(result)
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
    out["outside"] = domain.outside(out["x"], out["y"])
    out.attrs.update(
        n_total=n_total, x_domain=list(domain.x), y_domain=list(domain.y), n_outside=domain.n_outside
    )
    return out.reset_index(drop=True)


def overrepresentation(
    result: ClioResult,
    facet: str = "language",
    level: int = 0,
    min_conversations: int = 10,
    values: Sequence[Any] | None = None,
    top: int | None = None,
    min_count: int = MIN_COUNT,
) -> pd.DataFrame:
    """How much more common a facet value is in each cluster than overall (the paper's language figure).

    ``ratio = share of the value in the cluster / share of the value over all clustered
    conversations``; 1 means as common as overall. A ratio is only ranked when the cluster holds
    at least ``min_count`` conversations with the value: for a rare value a handful of
    conversations gives a huge ratio (3 of 20 conversations in a language that is 0.2% of the
    run is 75×) that says more about chance than about the cluster.

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
        Keep the ``top`` ranked clusters with the highest ratio per value (unranked rows are
        left out).
    min_count : int, default=5
        Conversations with the value a cluster needs for its ratio to be ranked (``ranked``).

    Returns
    -------
    DataFrame
        ``value`` (str), ``cluster_id``, ``name`` (unique label), ``n_conversations`` (cluster
        size), ``count`` (conversations with the value in the cluster), ``share_in_cluster``,
        ``overall_share``, ``ratio``, ``ranked`` (``count >= min_count``); every (cluster, value)
        pair, zero counts included, sorted by value, then ranked rows first, then ratio
        descending.
    """
    check_facet(result, facet)
    if isinstance(min_count, bool) or not isinstance(min_count, int) or min_count < 0:
        raise ConfigError(f"`min_count` must be a non-negative int; got {min_count!r}")
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
    cols += ["overall_share", "ratio", "ranked"]
    if df.empty:
        dtypes = {"count": int, "n_conversations": int, "ranked": bool}
        return pd.DataFrame(
            {
                c: pd.Series(dtype=dtypes.get(c, float if "share" in c or c == "ratio" else object))
                for c in cols
            }
        )
    df["count"] = df["count"].astype(int)
    df["share_in_cluster"] = df["count"] / sizes.reindex(df["cluster_id"]).to_numpy(dtype=float)
    df["overall_share"] = df["value"].map(overall).fillna(0.0)
    df["ratio"] = (df["share_in_cluster"] / df["overall_share"].where(df["overall_share"] > 0)).fillna(0.0)
    info = visible.set_index("cluster_id")
    df["name"] = df["cluster_id"].map(info["label"])
    df["n_conversations"] = df["cluster_id"].map(info["n_conversations"]).astype(int)
    df["ranked"] = df["count"] >= min_count
    df = df.sort_values(
        ["value", "ranked", "ratio", "count"], ascending=[True, False, False, False], kind="stable"
    )
    if top is not None:
        df = df[df["ranked"]].groupby("value", sort=False).head(top)
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
    "MapDomain",
    "cluster_table",
    "flag_rates",
    "map_domain",
    "map_points",
    "overrepresentation",
    "suppressed_totals",
]
