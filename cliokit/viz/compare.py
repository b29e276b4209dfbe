"""Comparing two runs, or two subsets of one run, cluster by cluster."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from cliokit.errors import ConfigError
from cliokit.result import ClioResult
from cliokit.tables import clustered, level_total, resolve_level
from cliokit.viz._common import chart_data, check_facet
from cliokit.viz.tables import cluster_table, suppressed_totals

logger = logging.getLogger(__name__)

#: Name of the row that sums suppressed clusters in :func:`compare_table`.
SUPPRESSED_ROW = "(suppressed clusters)"
_WIDTH = 400
_BAR_STEP = 20


def _subset_ids(
    result: ClioResult, subsets: Any, labels: Sequence[str] | None
) -> tuple[list[set[str]], list[str]]:
    """Two sets of conversation ids and their labels from the forms :func:`compare_table` accepts."""
    ids = result.facets["conversation_id"].astype(str)
    if isinstance(subsets, pd.Series) and (subsets.dtype == bool or pd.api.types.is_bool_dtype(subsets)):
        mask = subsets.dropna().astype(bool)
        mask.index = mask.index.astype(str)
        if not mask.index.isin(set(ids)).any():
            raise ConfigError("`subsets` mask must be indexed by conversation_id; no index value matched")
        groups = [set(mask.index[mask]), set(mask.index[~mask])]
        default = ["selected", "rest"]
    elif isinstance(subsets, str) or (
        isinstance(subsets, tuple) and len(subsets) == 3 and isinstance(subsets[0], str)
    ):
        column, *wanted = (subsets,) if isinstance(subsets, str) else subsets
        check_facet(result, column, "subsets")
        col = result.facets[column]
        if not wanted:
            wanted = sorted(col.dropna().unique().tolist(), key=str)
            if len(wanted) != 2:
                raise ConfigError(
                    f"`subsets` column {column!r} must have exactly 2 values to split on; "
                    f"it has {len(wanted)}: pass (column, value_a, value_b)"
                )
        groups = [set(ids[col == v]) for v in wanted]
        default = [f"{column}={v}" for v in wanted]
    elif isinstance(subsets, Sequence) and len(subsets) == 2 and not isinstance(subsets[0], str):
        groups = [{str(i) for i in _iter(s)} for s in subsets]
        default = ["A", "B"]
    else:
        raise ConfigError(
            "`subsets` must be a bool Series indexed by conversation_id, two collections of "
            "conversation ids, a facet column with two values or (column, value_a, value_b); "
            f"got {type(subsets).__name__}"
        )
    if labels is not None and len(labels) != 2:
        raise ConfigError(f"`labels` must hold 2 strings; got {labels!r}")
    return groups, list(labels) if labels is not None else default


def _iter(x: Any) -> Iterable[Any]:
    if isinstance(x, str) or not isinstance(x, Iterable):
        raise ConfigError(f"`subsets` must hold two collections of conversation ids; got {x!r}")
    return x


def compare_table(
    result: ClioResult,
    other: ClioResult | None = None,
    *,
    subsets: Any = None,
    level: int | None = None,
    labels: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Share of conversations per cluster in two runs or two subsets of one run, and the change.

    Give exactly one of ``other`` or ``subsets``.

    - **Two subsets of one run** (``subsets``): both share the run's hierarchy, so clusters are
      matched by ``cluster_id``. ``subsets`` is a bool Series indexed by ``conversation_id``
      (``True`` vs ``False``), two collections of conversation ids, a facet column with exactly
      two values, or ``(column, value_a, value_b)``.
    - **Two runs** (``other``): cluster ids of different runs mean nothing to each other, so
      unsuppressed clusters of the same level are matched by name (case and surrounding spaces
      ignored); a name found in only one run counts zero in the other. Names of differently
      configured runs rarely match: prefer subsets of one run where you can.

    Returns
    -------
    DataFrame
        ``cluster_id`` (of ``result``, or of ``other`` for clusters only found there), ``name``,
        ``count_a``, ``count_b``, ``share_a``, ``share_b`` (of the conversations clustered at that
        level in each run or subset), ``diff`` (``share_b - share_a``); largest ``|diff|`` first.
        Suppressed clusters are summed in one row named ``"(suppressed clusters)"`` with
        ``cluster_id`` ``None``, so that the shares add up to 1.
        ``attrs["labels"]`` holds the two labels, ``attrs["totals"]`` the two denominators.
    """
    if (other is None) == (subsets is None):
        raise ConfigError("give exactly one of `other` (a second run) or `subsets` (two subsets of one run)")
    if other is not None:
        level_a = resolve_level(result, level)
        level_b = resolve_level(other, level_a if level is not None else None)
        if level is not None and level_b != level_a:
            raise ConfigError(f"`level` {level} does not exist in both runs")
        a, b = cluster_table(result, level_a), cluster_table(other, level_b)
        totals = [level_total(result, level_a), level_total(other, level_b)]
        a["key"] = a["name"].astype(str).str.strip().str.lower()
        b["key"] = b["name"].astype(str).str.strip().str.lower()
        a, b = a.drop_duplicates("key"), b.drop_duplicates("key")
        df = a[["key", "cluster_id", "label", "n_conversations"]].merge(
            b[["key", "cluster_id", "label", "n_conversations"]], on="key", how="outer", suffixes=("_a", "_b")
        )
        df["cluster_id"] = df["cluster_id_a"].fillna(df["cluster_id_b"])
        df["name"] = df["label_a"].fillna(df["label_b"])
        counts = df[["n_conversations_a", "n_conversations_b"]].fillna(0).astype(int).to_numpy()
        hidden = [
            suppressed_totals(result, level_a)["n_conversations"],
            suppressed_totals(other, level_b)["n_conversations"],
        ]
        names = list(labels) if labels is not None else ["A", "B"]
    else:
        level_a = resolve_level(result, level)
        groups, names = _subset_ids(result, subsets, labels)
        f = clustered(result, level_a)
        f["conversation_id"] = f["conversation_id"].astype(str)
        table = cluster_table(result, level_a)
        df = table[["cluster_id", "label"]].rename(columns={"label": "name"})
        totals, cols, hidden = [], [], []
        shown = set(table["cluster_id"])
        for g in groups:
            sub = f[f["conversation_id"].isin(g)]
            totals.append(len(sub))
            hidden.append(int((~sub["cluster_id"].isin(shown)).sum()))
            cols.append(df["cluster_id"].map(sub.groupby("cluster_id").size()).fillna(0).astype(int))
        counts = np.column_stack(cols) if len(df) else np.zeros((0, 2), dtype=int)
        if 0 in totals:
            raise ConfigError(f"`subsets`: subset {names[totals.index(0)]!r} has no clustered conversation")
    out = df[["cluster_id", "name"]].reset_index(drop=True)
    out["count_a"], out["count_b"] = counts[:, 0], counts[:, 1]
    if any(hidden):  # suppressed clusters: one unnamed row, so the shares add up
        row = {"cluster_id": None, "name": SUPPRESSED_ROW, "count_a": hidden[0], "count_b": hidden[1]}
        out = pd.concat([out, pd.DataFrame([row])], ignore_index=True)
    out["share_a"] = out["count_a"] / totals[0] if totals[0] else 0.0
    out["share_b"] = out["count_b"] / totals[1] if totals[1] else 0.0
    out["diff"] = out["share_b"] - out["share_a"]
    out = out.loc[out["diff"].abs().sort_values(ascending=False, kind="stable").index].reset_index(drop=True)
    out.attrs["labels"] = names
    out.attrs["totals"] = totals
    return out


def compare_chart(
    result: ClioResult,
    other: ClioResult | None = None,
    *,
    subsets: Any = None,
    level: int | None = None,
    labels: Sequence[str] | None = None,
    top: int = 20,
) -> alt.LayerChart:
    """Which clusters grew or shrank between two runs or two subsets of one run.

    Bars show the change in share of conversations (B minus A, in percentage points) for the
    ``top`` clusters with the largest change; tooltips give both counts and shares. Clusters are
    matched by ``cluster_id`` for subsets of one run and by name for two runs (see
    :func:`~cliokit.viz.compare_table`, which also lists the accepted ``subsets`` forms).

    Examples
    --------
    >>> compare_chart(result, subsets=("language", "en", "fr"))  # doctest: +SKIP
    >>> multi_turn = result.facets.set_index("conversation_id")["n_turns"] > 1  # doctest: +SKIP
    >>> compare_chart(result, subsets=multi_turn, labels=("multi-turn", "single-turn"))  # doctest: +SKIP
    >>> compare_chart(january, february)  # doctest: +SKIP
    """
    df = compare_table(result, other, subsets=subsets, level=level, labels=labels)
    a, b = df.attrs["labels"]
    totals = df.attrs["totals"]
    df = df.head(top).copy()
    more, less = f"more common in {b}", f"less common in {b}"
    df["direction"] = np.where(df["diff"] >= 0, more, less)
    tooltip = [
        alt.Tooltip("name:N", title="cluster"),
        alt.Tooltip("cluster_id:N", title="id"),
        alt.Tooltip("count_a:Q", title=f"conversations in {a}", format=","),
        alt.Tooltip("count_b:Q", title=f"conversations in {b}", format=","),
        alt.Tooltip("share_a:Q", title=f"share in {a}", format=".1%"),
        alt.Tooltip("share_b:Q", title=f"share in {b}", format=".1%"),
        alt.Tooltip("diff:Q", title="change", format="+.1%"),
    ]
    bars = (
        alt.Chart(chart_data(df))
        .mark_bar()
        .encode(
            x=alt.X("diff:Q", title=f"share in {b} − share in {a}", axis=alt.Axis(format="+%")),
            y=alt.Y("name:N", title=None, sort="-x", axis=alt.Axis(labelLimit=320)),
            color=alt.Color(
                "direction:N", title=None, scale=alt.Scale(domain=[more, less], range=["#4e79a7", "#e15759"])
            ),
            tooltip=tooltip,
        )
    )
    rule = alt.Chart().mark_rule(color="#1b1b1b").encode(x=alt.datum(0))
    how = "clusters matched by name across runs" if other is not None else "same hierarchy, matched by id"
    title = alt.Title(
        f"Change in share of conversations: {b} vs {a}",
        subtitle=f"{how}; {a}: {totals[0]:,} conversations, {b}: {totals[1]:,}; top {len(df)} by |change|",
    )
    return alt.LayerChart(layer=[bars, rule], width=_WIDTH, height=alt.Step(_BAR_STEP), title=title)
