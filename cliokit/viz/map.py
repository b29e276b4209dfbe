"""The map: one point per conversation on the 2-D projection, coloured by cluster or facet.

Tooltips hold cluster ids, names and facet values, never conversation text, the ``request`` or
``task`` facets, conversation ids or user ids.
"""

from __future__ import annotations

import logging
import warnings
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from cliokit.result import ClioResult
from cliokit.tables import resolve_level
from cliokit.viz._common import (
    GREY,
    ORDINAL_FACETS,
    SUPPRESSED,
    UNASSIGNED,
    chart_data,
    colour_scale,
    is_numeric_facet,
    level_word,
)
from cliokit.viz.tables import MAP_FACETS, cluster_table, map_points

logger = logging.getLogger(__name__)

WIDTH = 520


def map_chart(
    result: ClioResult,
    color: str = "cluster",
    level: int | None = None,
    max_points: int = 5000,
    seed: int = 0,
    selection: alt.Parameter | None = None,
    width: int = WIDTH,
    height: int = 440,
) -> alt.LayerChart:
    """Scatter of the 2-D projection, one point per conversation, coloured by cluster or a facet.

    Parameters
    ----------
    result : ClioResult
    color : str, default="cluster"
        ``"cluster"`` (the clusters of ``level``) or a facet: ``language``, ``concerning``,
        ``n_turns``, ``n_messages``, ``user_chars``, ``assistant_chars`` or a categorical or
        numeric custom facet. Text facets (``request``, ``task``, custom text facets) are refused.
    level : int, optional
        Cluster level for colours and tooltips (default: top).
    max_points : int, default=5000
        At most this many points, sampled uniformly with ``seed`` (altair refuses data over
        5,000 rows unless ``alt.data_transformers.disable_max_rows()`` or
        ``alt.data_transformers.enable("vegafusion")``; the subtitle says "showing N of M").
    seed : int, default=0
    selection : altair Parameter, optional
        A :func:`~cliokit.viz.cluster_selection` defined on a tree chart: points outside the
        selected cluster are dimmed. :func:`~cliokit.viz.linked_view` wires this.
    width, height : int

    Returns
    -------
    altair.LayerChart
        Points of suppressed clusters (and of conversations without a cluster) are drawn grey,
        labelled "suppressed" (or "unassigned") and carry no cluster id, name or facet value;
        their ``path`` keeps only the ids of unsuppressed clusters they belong to at other
        levels, for the linked views. Tooltips: cluster name and id, top-level name, language,
        concerning, turns. No conversation ids, user ids or texts are in the data.

        The axes span the bulk of the projection (:func:`~cliokit.viz.tables.map_domain`), so a
        few far-off conversations cannot squeeze the rest into a corner: points beyond the axes
        are drawn as triangles on the edge, pointing their way, and the subtitle says how many
        of all projected conversations lie there. Without far-off points the axes span them all.

    Examples
    --------
    >>> map_chart(result, color="language")  # doctest: +SKIP
    """
    level = resolve_level(result, level)
    pts = map_points(result, color, level, max_points, seed)
    n, m = len(pts), int(pts.attrs["n_total"])
    pts = _onto_edge(pts)
    x = alt.X("x:Q", axis=None, scale=_scale(pts.attrs["x_domain"]))
    y = alt.Y("y:Q", axis=None, scale=_scale(pts.attrs["y_domain"]))
    shape = alt.Shape("marker:N", scale=None, legend=None)

    def size(normal: int) -> Any:
        return alt.condition("datum.outside", alt.value(48), alt.value(normal))

    cols = [c for c in dict.fromkeys((*MAP_FACETS, color)) if c in pts.columns and c != "cluster"]
    tooltip: list[Any] = [alt.Tooltip("cluster:N", title="cluster"), alt.Tooltip("cluster_id:N", title="id")]
    if "top" in pts.columns:
        tooltip.append(alt.Tooltip("top:N", title="top-level cluster"))
    tooltip += [alt.Tooltip(f"{c}:N") for c in cols]
    if color == "cluster":
        t = cluster_table(result, level).sort_values(
            ["n_conversations", "cluster_id"], ascending=[False, True]
        )
        labels = list(t["label"])
        legend = alt.Legend(title=None, labelLimit=240, symbolLimit=20) if len(labels) <= 20 else None
        colour = alt.Color("cluster:N", scale=alt.Scale(**colour_scale(labels)), legend=legend)
        what = f"{level_word(result, level)} cluster"
    elif is_numeric_facet(result, color):
        kind = "O" if color in ORDINAL_FACETS else "Q"
        colour = alt.Color(
            f"{color}:{kind}", scale=alt.Scale(scheme="orangered" if kind == "O" else "viridis")
        )
        what = color
    else:
        colour = alt.Color(
            f"{color}:N", scale=alt.Scale(scheme="tableau20"), legend=alt.Legend(symbolLimit=20)
        )
        what = color
    opacity: Any = alt.value(0.8)
    if selection is not None:
        name = selection.name
        test = f"!isDefined({name}.cluster_id) || indexof(datum.path, '|' + {name}.cluster_id[0] + '|') >= 0"
        opacity = alt.condition(test, alt.value(0.85), alt.value(0.08))
    subtitle = [f"showing {n:,} of {m:,} conversations"]
    k = int(pts.attrs["n_outside"])
    if k:
        subtitle.append(outside_caption(k, m))
    grey = pts[pts["suppressed"]]
    if len(grey):
        subtitle.append(f"grey: {SUPPRESSED} clusters or {UNASSIGNED} conversations (no names shown)")
    method = result.manifest.config.get("project", {}).get("method")
    if method == "none" or (m and np.allclose(result.projection[["x", "y"]].to_numpy(dtype=float), 0)):
        warnings.warn("the run has no 2-D projection (`project.method = 'none'`)", stacklevel=2)
        subtitle.append("no projection: every point is at (0, 0)")
    layers = []
    if len(grey):
        layers.append(
            alt.Chart(chart_data(grey[["x", "y", "cluster", "path", "outside", "marker"]]))
            .mark_point(color=GREY, filled=True)
            .encode(
                x=x,
                y=y,
                shape=shape,
                size=size(14),
                opacity=opacity,
                tooltip=[alt.Tooltip("cluster:N", title="cluster")],
            )
        )
    shown = pts[~pts["suppressed"]].drop(columns=["suppressed"])
    layers.append(
        alt.Chart(chart_data(shown))
        .mark_point(filled=True)
        .encode(x=x, y=y, shape=shape, size=size(18), color=colour, opacity=opacity, tooltip=tooltip)
    )
    title = alt.Title(f"Conversations by {what}", subtitle=subtitle)
    return alt.LayerChart(layer=[*layers], width=width, height=height, title=title)


def outside_caption(n_outside: int, n_total: int) -> str:
    """The map's note on the conversations beyond its axes (see :func:`~cliokit.viz.tables.map_domain`)."""
    share = n_outside / n_total if n_total else 0.0
    verb = "lies" if n_outside == 1 else "lie"
    return (
        f"{n_outside:,} of {n_total:,} conversations ({share:.1%}) {verb} far outside the rest: "
        "drawn as triangles on the edge, pointing their way"
    )


def _scale(domain: list[float]) -> alt.Scale:
    """A map axis over ``domain``; points beyond it are clamped onto the edge."""
    low, high = domain
    if not low < high:  # one value (no projection): let Vega pad around it
        return alt.Scale(zero=False, nice=False, padding=8)
    return alt.Scale(domain=[low, high], clamp=True, zero=False, nice=False, padding=8)


def _onto_edge(pts: pd.DataFrame) -> pd.DataFrame:
    """``pts`` with each point beyond the axes moved onto the edge and a ``marker`` shape column.

    A point beyond the axes goes where the line from the centre of the axes to it crosses the
    edge, so its place on the edge says which way it lies; its marker is a triangle pointing
    across that edge. Other points are circles.
    """
    (x0, x1), (y0, y1) = pts.attrs["x_domain"], pts.attrs["y_domain"]
    out = pts.copy()
    out["marker"] = "circle"
    far = out["outside"].to_numpy(dtype=bool)
    if not far.any() or not (x0 < x1 and y0 < y1):
        return out
    cx, cy, hx, hy = (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) / 2, (y1 - y0) / 2
    ux = (out.loc[far, "x"].to_numpy(dtype=float) - cx) / hx
    uy = (out.loc[far, "y"].to_numpy(dtype=float) - cy) / hy
    reach = np.maximum(np.abs(ux), np.abs(uy))  # > 1 beyond the axes
    out.loc[far, "x"] = cx + hx * ux / reach
    out.loc[far, "y"] = cy + hy * uy / reach
    across = np.abs(ux) >= np.abs(uy)
    out.loc[far, "marker"] = np.where(
        across,
        np.where(ux > 0, "triangle-right", "triangle-left"),
        np.where(uy > 0, "triangle-up", "triangle-down"),
    )
    return out
