"""Views of a run: altair charts, their data tables, a static HTML report and a local viewer.

Every chart function takes a :class:`~cliokit.result.ClioResult` and returns an altair chart
without displaying or saving it; :func:`save_chart` writes PNG, SVG or self-contained HTML.
Suppressed clusters are never named: their points are grey and their sizes only appear summed.

Names are imported lazily, so ``import cliokit.viz`` (and the CLI) stays cheap.

Examples
--------
>>> from cliokit import ClioResult
>>> from cliokit import viz
>>> result = ClioResult.load("runs/example")  # doctest: +SKIP
>>> viz.linked_view(result)  # doctest: +SKIP
>>> viz.save_chart(viz.top_level_shares_chart(result), "shares.png")  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cliokit._lazy import lazy_exports

_EXPORTS = {
    "map_chart": "cliokit.viz.map",
    "facet_breakdown_chart": "cliokit.viz.charts",
    "top_level_shares_chart": "cliokit.viz.charts",
    "language_overrepresentation_chart": "cliokit.viz.charts",
    "concerning_chart": "cliokit.viz.charts",
    "classifier_monitoring_chart": "cliokit.viz.charts",
    "coordination_chart": "cliokit.viz.charts",
    "share_over_time_chart": "cliokit.viz.charts",
    "compare_chart": "cliokit.viz.compare",
    "icicle_chart": "cliokit.viz.tree",
    "treemap_chart": "cliokit.viz.tree",
    "linked_view": "cliokit.viz.tree",
    "cluster_selection": "cliokit.viz.tree",
    "cluster_table": "cliokit.viz.tables",
    "map_points": "cliokit.viz.tables",
    "overrepresentation": "cliokit.viz.tables",
    "flag_rates": "cliokit.viz.tables",
    "compare_table": "cliokit.viz.compare",
    "suppressed_totals": "cliokit.viz.tables",
    "TreeNode": "cliokit.viz.layout",
    "cluster_tree": "cliokit.viz.layout",
    "treemap_rects": "cliokit.viz.layout",
    "icicle_rects": "cliokit.viz.layout",
    "squarify": "cliokit.viz.layout",
    "save_chart": "cliokit.viz.save",
    "chart_html": "cliokit.viz.save",
    "build_report": "cliokit.viz.report",
    "write_report": "cliokit.viz.report",
    "make_server": "cliokit.viz.serve",
    "serve": "cliokit.viz.serve",
}

__all__ = [
    "TreeNode",
    "build_report",
    "chart_html",
    "classifier_monitoring_chart",
    "cluster_selection",
    "cluster_table",
    "cluster_tree",
    "compare_chart",
    "compare_table",
    "concerning_chart",
    "coordination_chart",
    "facet_breakdown_chart",
    "flag_rates",
    "icicle_chart",
    "icicle_rects",
    "language_overrepresentation_chart",
    "linked_view",
    "make_server",
    "map_chart",
    "map_points",
    "overrepresentation",
    "save_chart",
    "serve",
    "share_over_time_chart",
    "squarify",
    "suppressed_totals",
    "top_level_shares_chart",
    "treemap_chart",
    "treemap_rects",
    "write_report",
]

if TYPE_CHECKING:
    from cliokit.viz.charts import (
        classifier_monitoring_chart,
        concerning_chart,
        coordination_chart,
        facet_breakdown_chart,
        language_overrepresentation_chart,
        share_over_time_chart,
        top_level_shares_chart,
    )
    from cliokit.viz.compare import compare_chart, compare_table
    from cliokit.viz.layout import TreeNode, cluster_tree, icicle_rects, squarify, treemap_rects
    from cliokit.viz.map import map_chart
    from cliokit.viz.report import build_report, write_report
    from cliokit.viz.save import chart_html, save_chart
    from cliokit.viz.serve import make_server, serve
    from cliokit.viz.tables import (
        cluster_table,
        flag_rates,
        map_points,
        overrepresentation,
        suppressed_totals,
    )
    from cliokit.viz.tree import cluster_selection, icicle_chart, linked_view, treemap_chart


__getattr__ = lazy_exports(__name__, _EXPORTS)
