"""Tree views of the hierarchy (icicle, treemap) and the linked tree + map view."""

from __future__ import annotations

import logging
from typing import Any, Literal

import altair as alt
import pandas as pd

from cliokit.errors import ConfigError
from cliokit.result import ClioResult
from cliokit.tables import cluster_names, resolve_level
from cliokit.viz._common import GREY, SUPPRESSED, chart_data, colour_scale
from cliokit.viz.layout import UNDER_SUPPRESSED, icicle_rects, treemap_rects
from cliokit.viz.map import map_chart

logger = logging.getLogger(__name__)

#: Name of the selection parameter shared by the tree views and the map.
SELECTION = "cluster"


def cluster_selection(name: str = SELECTION, selected: str | None = None) -> alt.Parameter:
    """A single-click point selection on ``cluster_id`` (double-click clears it).

    Pass the same object to a tree chart (``selection=``) and to :func:`~cliokit.viz.map_chart`
    to link them; :func:`linked_view` does this for you.

    Parameters
    ----------
    name : str, default="cluster"
        Name of the parameter in the Vega-Lite spec.
    selected : str, optional
        A cluster id selected when the chart is first drawn.
    """
    value = [{"cluster_id": selected}] if selected is not None else alt.Undefined
    return alt.selection_point(fields=["cluster_id"], name=name, toggle=False, clear="dblclick", value=value)


def _tree_chart(
    rects: pd.DataFrame, width: float, height: float, title: Any, selection: alt.Parameter | None
) -> alt.LayerChart:
    """Rectangles in pixel coordinates, coloured by top-level group, with fitted labels."""
    groups = [g for g in dict.fromkeys(rects["group"]) if g not in (SUPPRESSED, UNDER_SUPPRESSED)]
    scale = colour_scale(groups, {UNDER_SUPPRESSED: "#9a9a9a", SUPPRESSED: GREY})
    x = alt.X("x0:Q", scale=alt.Scale(domain=[0, width], nice=False, zero=False), axis=None)
    y = alt.Y("y0:Q", scale=alt.Scale(domain=[0, height], nice=False, zero=False, reverse=True), axis=None)
    tooltip = [
        alt.Tooltip("label:N", title="cluster"),
        alt.Tooltip("cluster_id:N", title="id"),
        alt.Tooltip("level:O"),
        alt.Tooltip("n_conversations:Q", title="conversations", format=","),
        alt.Tooltip("n_users:Q", title="unique users", format=","),
        alt.Tooltip("share:Q", title="share of level", format=".1%"),
    ]
    base = alt.Chart(chart_data(rects))
    rect = base.mark_rect(stroke="white", strokeWidth=1, cursor="pointer").encode(
        x=x,
        x2="x1:Q",
        y=y,
        y2="y1:Q",
        color=alt.Color("group:N", scale=alt.Scale(**scale), legend=None),
        tooltip=tooltip,
    )
    if selection is not None:
        rect = rect.encode(opacity=alt.condition(selection, alt.value(1.0), alt.value(0.35))).add_params(
            selection
        )
    text = base.mark_text(align="left", baseline="top", dx=4, dy=4, fontSize=11, color="#1b1b1b").encode(
        x=x, y=y, text="text:N", tooltip=tooltip
    )
    view = alt.ViewBackground(stroke=None)
    return alt.LayerChart(layer=[rect, text], width=width, height=height, title=title, view=view)


def icicle_chart(
    result: ClioResult, width: int = 720, row_height: int = 56, selection: alt.Parameter | None = None
) -> alt.LayerChart:
    """Icicle plot of the hierarchy: one band per level, top level first, widths ∝ size.

    Parameters
    ----------
    result : ClioResult
    width : int, default=720
    row_height : int, default=56
        Pixels per level.
    selection : altair Parameter, optional
        A :func:`cluster_selection` to add (clicking a cluster selects it). Default: a new one
        named ``"cluster"``.

    Returns
    -------
    altair.LayerChart
        Data: :func:`~cliokit.viz.layout.icicle_rects`. Suppressed siblings are one grey
        rectangle without a name.
    """
    rects = icicle_rects(result, width=width, row_height=row_height)
    height = result.levels * row_height
    title = alt.Title(
        "Cluster hierarchy",
        subtitle="top level first; width by conversations; click to select, double-click to clear",
    )
    return _tree_chart(rects, width, height, title, selection or cluster_selection())


def treemap_chart(
    result: ClioResult,
    level: int | None = None,
    width: int = 720,
    height: int = 420,
    selection: alt.Parameter | None = None,
) -> alt.LayerChart:
    """Squarified treemap of one level's clusters, nested in their top-level clusters.

    Parameters
    ----------
    result : ClioResult
    level : int, optional
        Level drawn (default: the top level).
    width, height : int
    selection : altair Parameter, optional
        As in :func:`icicle_chart`.

    Returns
    -------
    altair.LayerChart
        Data: :func:`~cliokit.viz.layout.treemap_rects`.
    """
    level = resolve_level(result, level)
    rects = treemap_rects(result, level, width=width, height=height)
    title = alt.Title(
        f"Clusters at level {level}", subtitle="area by conversations; click to select, double-click to clear"
    )
    return _tree_chart(rects, width, height, title, selection or cluster_selection())


def linked_view(
    result: ClioResult,
    tree: Literal["icicle", "treemap"] = "icicle",
    level: int | None = None,
    color: str = "cluster",
    max_points: int = 5000,
    seed: int = 0,
    selected: str | None = None,
) -> alt.VConcatChart:
    """A tree view above the map, linked: clicking a cluster highlights its conversations.

    Parameters
    ----------
    result : ClioResult
    tree : {"icicle", "treemap"}, default="icicle"
    level : int, optional
        Level of the treemap and of the map's colours (default: top).
    color, max_points, seed
        As in :func:`~cliokit.viz.map_chart`.
    selected : str, optional
        An unsuppressed cluster id to highlight when the chart is first drawn.

    Returns
    -------
    altair.VConcatChart
        The selection works at every level: a point is highlighted when the selected cluster is
        any of its (unsuppressed) clusters. Double-click clears it.
    """
    if selected is not None and selected not in cluster_names(result):
        raise ConfigError(f"`selected` must be an unsuppressed cluster id; got {selected!r}")
    sel = cluster_selection(selected=selected)
    if tree == "icicle":
        top: alt.LayerChart = icicle_chart(result, selection=sel)
    elif tree == "treemap":
        top = treemap_chart(result, level, selection=sel)
    else:
        raise ConfigError(f"`tree` must be 'icicle' or 'treemap'; got {tree!r}")
    bottom = map_chart(result, color=color, level=level, max_points=max_points, seed=seed, selection=sel)
    return alt.vconcat(top, bottom).resolve_scale(color="independent")
