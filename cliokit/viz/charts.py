"""Altair charts of a run: usage shares, facet breakdowns, over-representation, concerning scores, trends.

Every function takes a :class:`~cliokit.result.ClioResult` and returns an altair chart; none
displays or saves anything (see :func:`cliokit.viz.save_chart`). Only unsuppressed clusters are
named; tooltips hold cluster ids, names and facet values, never conversation text, the
``request``/``task`` facets, conversation ids or user ids.
"""

from __future__ import annotations

import dataclasses
import logging
import warnings
from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from cliokit.errors import ConfigError
from cliokit.monitor.coordination import COLUMNS, FLAG_LABEL, coordination_config
from cliokit.monitor.trends import FREQS, cluster_shares_over_time, growth
from cliokit.result import ClioResult
from cliokit.tables import cluster_names, clustered, facet_breakdowns, resolve_level
from cliokit.viz._common import (
    GREY,
    breakdown_facets,
    chart_data,
    check_facet,
    colour_scale,
    level_word,
)
from cliokit.viz.tables import (
    MIN_COUNT,
    cluster_table,
    flag_rates,
    overrepresentation,
    suppressed_totals,
)

logger = logging.getLogger(__name__)

WIDTH = 520
_BAR_STEP = 20
#: Natural order of the binned facets (others are ordered by share).
_VALUE_ORDER = {
    "n_turns": ["1", "2", "3", "4-7", "8+", "unknown"],
    "concerning": ["1", "2", "3", "4", "5", "unknown"],
}


def _overall(result: ClioResult, facets: list[str]) -> pd.DataFrame:
    """Facet breakdown of all clustered conversations, binned as in :func:`facet_breakdowns`."""
    ids = result.assignments.loc[result.assignments["level_0"].notna(), "conversation_id"]
    one = dataclasses.replace(
        result,
        assignments=pd.DataFrame({"conversation_id": ids, "level_0": "all"}),
        clusters=pd.DataFrame({"cluster_id": ["all"], "suppressed": [False]}),
    )
    return facet_breakdowns(one, facets)


def facet_breakdown_chart(
    result: ClioResult, cluster_id: str, facets: Sequence[str] | None = None, max_values: int = 10
) -> alt.FacetChart:
    """Distribution of facet values inside one cluster (bars) against all conversations (ticks).

    Parameters
    ----------
    result : ClioResult
    cluster_id : str
        An unsuppressed cluster, e.g. ``"1-3"``.
    facets : sequence of str, optional
        Default: ``language``, ``concerning``, ``n_turns`` and categorical/numeric custom facets.
    max_values : int, default=10
        Most common values shown per facet.

    Returns
    -------
    altair.FacetChart
        One row per facet. Data: :func:`cliokit.export.facet_breakdowns` of the cluster plus
        ``overall_share``.

    Raises
    ------
    ConfigError
        If ``cluster_id`` is not an unsuppressed cluster or a facet may not be shown.
    """
    names = cluster_names(result)
    if cluster_id not in names:
        raise ConfigError(f"`cluster_id` must be an unsuppressed cluster of this run; got {cluster_id!r}")
    if facets is None:
        facets = breakdown_facets(result)
    facets = [check_facet(result, f, "facets") for f in facets]
    bd = facet_breakdowns(result, facets)
    bd = bd[bd["cluster_id"] == cluster_id]
    overall = _overall(result, facets).set_index(["facet", "value"])["share"]
    df = bd.assign(
        overall_share=[overall.get((f, v), 0.0) for f, v in zip(bd["facet"], bd["value"], strict=True)]
    )
    df = df.sort_values(["facet", "count"], ascending=[True, False]).groupby("facet").head(max_values)
    df["order"] = [
        _VALUE_ORDER[f].index(v) if f in _VALUE_ORDER and v in _VALUE_ORDER[f] else 100 - s
        for f, v, s in zip(df["facet"], df["value"], df["share"], strict=True)
    ]
    df = df.drop(columns=["cluster_id"]).reset_index(drop=True)
    c = result.clusters
    size = int(c.loc[c["cluster_id"] == cluster_id, "n_conversations"].sum())
    y = alt.Y("value:N", title=None, sort=alt.EncodingSortField(field="order", op="min"))
    tooltip = [
        "facet:N",
        "value:N",
        alt.Tooltip("count:Q", format=","),
        alt.Tooltip("share:Q", title="share in cluster", format=".1%"),
        alt.Tooltip("overall_share:Q", title="share overall", format=".1%"),
    ]
    bars = (
        alt.Chart()
        .mark_bar(color="#4e79a7")
        .encode(
            x=alt.X(
                "share:Q",
                title="share of the cluster's conversations (tick: overall)",
                axis=alt.Axis(format="%"),
            ),
            y=y,
            tooltip=tooltip,
        )
    )
    ticks = (
        alt.Chart().mark_tick(color="#1b1b1b", thickness=2).encode(x="overall_share:Q", y=y, tooltip=tooltip)
    )
    title = alt.Title(names[cluster_id], subtitle=f"{cluster_id}: {size:,} conversations")
    return (
        alt.layer(bars, ticks, data=chart_data(df))
        .properties(width=WIDTH - 120)
        .facet(row=alt.Row("facet:N", title=None, header=alt.Header(labelAngle=0, labelAlign="left")))
        .resolve_scale(y="independent")
        .properties(title=title)
    )


def top_level_shares_chart(
    result: ClioResult, level: int | None = None, top: int | None = None
) -> alt.LayerChart:
    """The paper's usage chart: share of conversations per cluster (default: the top level).

    Bars are labelled with the share and the count; tooltips add unique users. Suppressed
    clusters of the level are one grey bar, "N suppressed clusters", without names.

    Parameters
    ----------
    result : ClioResult
    level : int, optional
    top : int, optional
        Show the ``top`` largest clusters only.
    """
    level = resolve_level(result, level)
    t = cluster_table(result, level)
    t = t if top is None else t.head(top)
    df = t[["cluster_id", "label", "n_conversations", "n_users", "share"]].assign(suppressed=False)
    s = suppressed_totals(result, level)
    if s["n_clusters"]:
        total = float(result.clusters.loc[result.clusters["level"] == level, "n_conversations"].sum())
        k = s["n_clusters"]
        row = {
            "cluster_id": None,
            "label": f"{k} suppressed cluster{'s' if k > 1 else ''}",
            "n_conversations": s["n_conversations"],
            "n_users": None,
            "share": s["n_conversations"] / total if total else 0.0,
            "suppressed": True,
        }
        df = pd.concat([df, pd.DataFrame([row])], ignore_index=True)
    df["order"] = np.arange(len(df))
    df["text"] = [f"{sh:.1%} ({n:,})" for sh, n in zip(df["share"], df["n_conversations"], strict=True)]
    y = alt.Y(
        "label:N",
        title=None,
        sort=alt.EncodingSortField(field="order", op="min"),
        axis=alt.Axis(labelLimit=320),
    )
    tooltip = [
        alt.Tooltip("label:N", title="cluster"),
        alt.Tooltip("cluster_id:N", title="id"),
        alt.Tooltip("n_conversations:Q", title="conversations", format=","),
        alt.Tooltip("n_users:Q", title="unique users", format=","),
        alt.Tooltip("share:Q", format=".1%"),
    ]
    room = alt.Scale(domain=[0, max(float(df["share"].max()), 0.01) * 1.25]) if len(df) else alt.Undefined
    x = alt.X("share:Q", title="share of conversations", axis=alt.Axis(format="%"), scale=room)
    base = alt.Chart(chart_data(df)).encode(y=y, x=x)
    bars = base.mark_bar().encode(
        color=alt.condition("datum.suppressed", alt.value(GREY), alt.value("#4e79a7")), tooltip=tooltip
    )
    text = base.mark_text(align="left", dx=3, fontSize=11).encode(text="text:N", tooltip=tooltip)
    title = alt.Title(
        f"Share of conversations per {level_word(result, level)} cluster",
        subtitle=f"{int(df['n_conversations'].sum()):,} conversations; unique users in the tooltips",
    )
    return alt.LayerChart(layer=[bars, text], width=WIDTH - 120, height=alt.Step(_BAR_STEP), title=title)


def language_overrepresentation_chart(
    result: ClioResult,
    level: int = 0,
    min_conversations: int = 10,
    top: int = 8,
    languages: Sequence[str] | None = None,
    max_languages: int = 4,
    min_count: int = MIN_COUNT,
) -> alt.FacetChart:
    """Clusters where a language is most over-represented relative to its overall share.

    ``ratio = share of the language in the cluster / its share over all conversations``
    (:func:`~cliokit.viz.overrepresentation`); the rule marks 1, "as common as overall". Beside
    each bar: the ratio and the cluster's conversations in the language / its size.

    Parameters
    ----------
    result : ClioResult
    level : int, default=0
    min_conversations : int, default=10
        Smaller clusters are left out.
    top : int, default=8
        Clusters shown per language.
    languages : sequence of str, optional
        Languages to show (default: the ``max_languages`` most common).
    max_languages : int, default=4
    min_count : int, default=5
        A cluster is only ranked for a language when it holds at least this many conversations
        in it: a handful of conversations in a rare language gives a large ratio by chance.
    """
    level = resolve_level(result, level)
    if languages is None:
        counts = clustered(result, level, ["language"])["language"].dropna().astype(str).value_counts()
        languages = list(counts.index[:max_languages])
    df = overrepresentation(
        result, "language", level, min_conversations, values=languages, top=top, min_count=min_count
    )
    missing = [str(v) for v in languages if str(v) not in set(df["value"])]
    if df.empty:
        warnings.warn(
            f"no unsuppressed level-{level} cluster has >= {min_conversations} conversations, "
            f"of which >= {min_count} in one of {[str(v) for v in languages]}",
            stacklevel=2,
        )
    df = df.rename(columns={"value": "language"}).drop(columns=["ranked"])
    df["text"] = [
        f"{r:.1f}× ({c:,} of {n:,})"
        for r, c, n in zip(df["ratio"], df["count"], df["n_conversations"], strict=True)
    ]
    tooltip = [
        alt.Tooltip("name:N", title="cluster"),
        alt.Tooltip("cluster_id:N", title="id"),
        "language:N",
        alt.Tooltip("count:Q", title="conversations in this language", format=","),
        alt.Tooltip("n_conversations:Q", title="cluster size", format=","),
        alt.Tooltip("share_in_cluster:Q", title="share in cluster", format=".1%"),
        alt.Tooltip("overall_share:Q", title="share overall", format=".1%"),
        alt.Tooltip("ratio:Q", format=".2f"),
    ]
    # room on the right of the longest bar for its label
    room = alt.Scale(domain=[0, max(float(df["ratio"].max()), 1.0) * 1.45]) if len(df) else alt.Undefined
    x = alt.X("ratio:Q", title="share in cluster / share overall", scale=room)
    y = alt.Y("name:N", title=None, sort="-x", axis=alt.Axis(labelLimit=260))
    bars = alt.Chart().mark_bar(color="#59a14f").encode(x=x, y=y, tooltip=tooltip)
    text = (
        alt.Chart()
        .mark_text(align="left", dx=3, fontSize=10)
        .encode(x=x, y=y, text="text:N", tooltip=tooltip)
    )
    rule = alt.Chart().mark_rule(strokeDash=[4, 3], color="#1b1b1b").encode(x=alt.datum(1))
    subtitle = [
        f"level {level}; clusters with >= {min_conversations} conversations, of which >= {min_count} "
        f"in the language; top {top} per language",
        "beside each bar: ratio (conversations in the language of the cluster's conversations)",
    ]
    if missing:
        subtitle.append(f"no cluster qualifies for: {', '.join(missing)}")
    title = alt.Title("Clusters over-represented per language", subtitle=subtitle)
    return (
        alt.layer(bars, text, rule, data=chart_data(df))
        .properties(width=260, height=alt.Step(16))
        .facet(facet=alt.Facet("language:N", title=None), columns=2)
        .resolve_scale(y="independent")
        .properties(title=title)
    )


def concerning_chart(
    result: ClioResult, level: int = 0, min_conversations: int = 10, top: int = 20
) -> alt.LayerChart:
    """Clusters ranked by mean concerning score (1–5), with their size and share scoring >= 3.

    Parameters
    ----------
    result : ClioResult
    level : int, default=0
    min_conversations : int, default=10
    top : int, default=20
    """
    level = resolve_level(result, level)
    t = cluster_table(result, level)
    if "mean_concerning" not in t:
        raise ConfigError("the run has no `concerning` facet")
    t = t[t["n_conversations"] >= min_conversations].dropna(subset=["mean_concerning"])
    t = t.sort_values(["mean_concerning", "n_conversations"], ascending=[False, False]).head(top)
    df = t[
        ["cluster_id", "label", "n_conversations", "n_users", "mean_concerning", "share_concerning"]
    ].copy()
    df["text"] = [f"n={n:,}" for n in df["n_conversations"]]
    y = alt.Y("label:N", title=None, sort="-x", axis=alt.Axis(labelLimit=320))
    tooltip = [
        alt.Tooltip("label:N", title="cluster"),
        alt.Tooltip("cluster_id:N", title="id"),
        alt.Tooltip("n_conversations:Q", title="conversations", format=","),
        alt.Tooltip("n_users:Q", title="unique users", format=","),
        alt.Tooltip("mean_concerning:Q", title="mean concerning", format=".2f"),
        alt.Tooltip("share_concerning:Q", title="share scoring >= 3", format=".1%"),
    ]
    base = alt.Chart(chart_data(df)).encode(
        y=y, x=alt.X("mean_concerning:Q", title="mean concerning score", scale=alt.Scale(domain=[1, 5]))
    )
    bars = base.mark_bar().encode(
        x2=alt.datum(1),
        color=alt.Color(
            "share_concerning:Q",
            title="share >= 3",
            scale=alt.Scale(scheme="orangered", domain=[0, 1]),
            legend=alt.Legend(format="%"),
        ),
        tooltip=tooltip,
    )
    text = base.mark_text(align="left", dx=3, fontSize=11).encode(text="text:N", tooltip=tooltip)
    title = alt.Title(
        "Clusters by mean concerning score",
        subtitle=f"level {level}; clusters with >= {min_conversations} conversations; top {top}",
    )
    return alt.LayerChart(layer=[bars, text], width=WIDTH - 160, height=alt.Step(_BAR_STEP), title=title)


def classifier_monitoring_chart(
    result: ClioResult, flags: pd.Series | pd.DataFrame, level: int = 0, min_conversations: int = 5
) -> alt.LayerChart:
    """A safety classifier's flag rate per cluster against the cluster's mean concerning score.

    Clusters high on the y axis but low on the x axis are flagged often yet rarely concerning
    (likely false positives); low and to the right, concerning but rarely flagged (likely false
    negatives). The dashed rule is the overall flag rate.

    Parameters
    ----------
    result : ClioResult
    flags : Series or DataFrame
        ``conversation_id`` → bool, as in :func:`~cliokit.viz.flag_rates`.
    level : int, default=0
    min_conversations : int, default=5
        Clusters with fewer judged conversations are left out.
    """
    df = flag_rates(result, flags, level, min_conversations)
    rate = float(df.attrs["overall_flag_rate"])
    df = df.assign(mean_concerning=df["mean_concerning"].astype(float))
    tooltip = [
        alt.Tooltip("name:N", title="cluster"),
        alt.Tooltip("cluster_id:N", title="id"),
        alt.Tooltip("n_conversations:Q", title="conversations", format=","),
        alt.Tooltip("n_flagged:Q", title="flagged", format=","),
        alt.Tooltip("flag_rate:Q", title="flag rate", format=".1%"),
        alt.Tooltip("mean_concerning:Q", title="mean concerning", format=".2f"),
    ]
    points = (
        alt.Chart(chart_data(df))
        .mark_circle(opacity=0.7, stroke="#1b1b1b", strokeWidth=0.5)
        .encode(
            x=alt.X("mean_concerning:Q", title="mean concerning score", scale=alt.Scale(domain=[1, 5])),
            y=alt.Y(
                "flag_rate:Q", title="flag rate", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")
            ),
            size=alt.Size("n_conversations:Q", title="conversations"),
            tooltip=tooltip,
        )
    )
    rule = alt.Chart().mark_rule(strokeDash=[4, 3], color="#e15759").encode(y=alt.datum(rate))
    title = alt.Title(
        "Classifier flag rate vs concerning score per cluster",
        subtitle=[
            f"level {resolve_level(result, level)}; overall flag rate {rate:.1%} (dashed)",
            "top left: possible false positives; bottom right: possible false negatives",
        ],
    )
    return alt.LayerChart(layer=[points, rule], width=WIDTH - 80, height=360, title=title)


_BUCKET_WORD = {"D": "day", "W": "week", "M": "month"}


def share_over_time_chart(
    result: ClioResult,
    level: int | None = None,
    freq: str = "W",
    top: int = 4,
    *,
    min_conversations: int | None = None,
    min_users: int | None = None,
) -> alt.LayerChart:
    """Share of conversations per week (or day, month) of the fastest-growing and -shrinking clusters.

    Lines are the ``top`` clusters with the steepest rising share (solid, ▲) and the ``top`` with
    the steepest falling one (dashed, ▼), ranked by :func:`cliokit.monitor.trends.growth`. Only
    cells published by :func:`cliokit.monitor.trends.cluster_shares_over_time` are drawn: a
    suppressed or empty bucket is a gap in the line, never a value.

    Parameters
    ----------
    result : ClioResult
    level : int, optional
        Default: the top level.
    freq : {"D", "W", "M"}, default="W"
    top : int, default=4
        Clusters shown per direction.
    min_conversations, min_users : int, optional
        Smallest published cell (default: the run's privacy thresholds).

    Returns
    -------
    altair.LayerChart
        Data: one row per (cluster, bucket) from the first to the last bucket: ``bucket``,
        ``cluster_id``, ``label``, ``direction``, ``share`` (null where not published),
        ``conversations``, ``users``, ``slope``.
    """
    if isinstance(top, bool) or not isinstance(top, int) or top < 1:
        raise ConfigError(f"`top` must be an int >= 1; got {top!r}")
    shares = cluster_shares_over_time(
        result, level, freq, min_conversations=min_conversations, min_users=min_users
    )
    ranked = growth(shares)
    picked = pd.concat([ranked[ranked["slope"] > 0].head(top), ranked[ranked["slope"] < 0].tail(top)])
    picked = picked.assign(
        label=[f"{'▲' if s > 0 else '▼'} {n}" for s, n in zip(picked["slope"], picked["name"], strict=True)]
    )
    buckets = (
        pd.period_range(
            shares["bucket"].min().tz_convert(None), shares["bucket"].max().tz_convert(None), freq=FREQS[freq]
        )
        if len(shares)
        else pd.PeriodIndex([], freq=FREQS[freq])
    )
    grid = pd.MultiIndex.from_product(
        [picked["cluster_id"], buckets.start_time.tz_localize("UTC")], names=["cluster_id", "bucket"]
    ).to_frame(index=False)
    cells = shares[["cluster_id", "bucket", "conversations", "users", "share"]]
    df = grid.merge(cells, on=["cluster_id", "bucket"], how="left").merge(
        picked[["cluster_id", "label", "direction", "slope"]], on="cluster_id"
    )
    word = _BUCKET_WORD[freq]
    x = alt.X("bucket:T", title=f"{word} starting (UTC)", scale=alt.Scale(type="utc"))
    y = alt.Y("share:Q", title=f"share of the {word}'s conversations", axis=alt.Axis(format="%"))
    color = alt.Color(
        "label:N",
        title="cluster (▲ growing, ▼ shrinking)",
        sort=list(picked["label"]),
        scale=alt.Scale(**colour_scale(picked["label"])),
        legend=alt.Legend(labelLimit=320),
    )
    dash = alt.StrokeDash(
        "direction:N",
        scale=alt.Scale(domain=["growing", "shrinking"], range=[[1, 0], [5, 3]]),
        legend=None,
    )
    tooltip = [
        alt.Tooltip("label:N", title="cluster"),
        alt.Tooltip("cluster_id:N", title="id"),
        alt.Tooltip("bucket:T", title=f"{word} starting", format="%Y-%m-%d", formatType="utc"),
        alt.Tooltip("share:Q", format=".1%"),
        alt.Tooltip("conversations:Q", format=","),
        alt.Tooltip("users:Q", title="unique users", format=","),
        alt.Tooltip("slope:Q", title=f"share change per {word}", format="+.2%"),
    ]
    base = alt.Chart(chart_data(df)).encode(x=x, y=y, color=color)
    lines = base.mark_line().encode(strokeDash=dash)
    points = base.mark_point(filled=True, size=30).encode(tooltip=tooltip)
    a = shares.attrs
    title = alt.Title(
        f"Fastest-growing and -shrinking {level_word(result, a['level'])} clusters, share per {word}",
        subtitle=[
            f"slope of share per {word}, least squares; cells under {a['min_conversations']} "
            f"conversations or {a['min_users']} users are suppressed (gaps)",
            f"{a['n_with_time']:,} conversations with a time; {a['n_without_time']:,} without",
        ],
    )
    return alt.LayerChart(layer=[lines, points], width=WIDTH, height=300, title=title)


def coordination_chart(result: ClioResult, level: int = 0) -> alt.LayerChart:
    """Near-duplicate share against conversations per user of every unsuppressed cluster of a level.

    Red points are flagged "possible coordinated or automated activity"
    (:mod:`cliokit.monitor.coordination`); the dashed rule is the near-duplicate limit, which a
    flagged cluster must reach along with one other signal. Tooltips give every signal.

    Parameters
    ----------
    result : ClioResult
    level : int, default=0

    Raises
    ------
    ConfigError
        If the run has no coordination signals (made before them, or ``coordination.enabled``
        false).
    """
    level = resolve_level(result, level)
    t = cluster_table(result, level)
    if "coordination_flag" not in t:
        raise ConfigError(f"{result.run_dir} has no coordination signals (coordination.parquet)")
    limit = coordination_config(result).near_duplicate_share
    df = t.assign(flag=np.where(t["coordination_flag"], FLAG_LABEL, "not flagged"))
    tooltip = [
        alt.Tooltip("label:N", title="cluster"),
        alt.Tooltip("cluster_id:N", title="id"),
        alt.Tooltip("n_conversations:Q", title="conversations", format=","),
        alt.Tooltip("near_duplicate_share:Q", title="near-duplicate share", format=".1%"),
        alt.Tooltip("conversations_per_user:Q", title="conversations per user", format=".2f"),
        alt.Tooltip("top_user_share:Q", title="top user share", format=".1%"),
        alt.Tooltip("user_gini:Q", title="Gini of conversations per user", format=".2f"),
        alt.Tooltip("burst_ratio:Q", title="burst ratio", format=".1f"),
        alt.Tooltip("coordination_reasons:N", title="over the limits"),
    ]
    points = (
        alt.Chart(chart_data(df[["label", "n_conversations", "flag", *COLUMNS]]))
        .mark_circle(opacity=0.75, stroke="#1b1b1b", strokeWidth=0.5)
        .encode(
            x=alt.X("conversations_per_user:Q", title="conversations per user", scale=alt.Scale(zero=False)),
            y=alt.Y(
                "near_duplicate_share:Q",
                title="share with a near-duplicate in the cluster",
                scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format="%"),
            ),
            size=alt.Size("n_conversations:Q", title="conversations"),
            color=alt.Color(
                "flag:N",
                title=None,
                scale=alt.Scale(domain=[FLAG_LABEL, "not flagged"], range=["#e15759", "#4e79a7"]),
                legend=alt.Legend(labelLimit=320),
            ),
            tooltip=tooltip,
        )
    )
    rule = alt.Chart().mark_rule(strokeDash=[4, 3], color="#e15759").encode(y=alt.datum(limit))
    n = int(t["coordination_flag"].sum())
    title = alt.Title(
        "Coordinated or automated activity: signals per cluster",
        subtitle=f"level {level}; {n} of {len(t)} flagged; near-duplicate limit {limit:.0%} (dashed)",
    )
    return alt.LayerChart(layer=[points, rule], width=WIDTH - 80, height=360, title=title)
