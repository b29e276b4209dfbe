"""A run as one self-contained static HTML file: summary, linked map, collapsible tree, figures.

The file needs no server and loads nothing at view time: Vega, Vega-Lite and vega-embed are
inline, and a Content-Security-Policy forbids any request. Suppressed clusters never appear by
name, description or keyword; their conversations are only counted in aggregate. Every text from
the run is HTML-escaped.

What the file holds: cluster-level tables (names, descriptions, keywords, sizes, facet
breakdowns of unsuppressed clusters) and, unless ``include_map=False``, one map point per
conversation (2-D coordinates, cluster ids, language, concerning score and turn count; no
conversation text, no request/task facet, no conversation or user ids).
"""

from __future__ import annotations

import html
import logging
import os
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd

from cliokit.config import PRIVACY_FLOOR
from cliokit.monitor.coordination import FLAG_LABEL, read_coordination
from cliokit.monitor.dp import read_releases
from cliokit.result import ClioResult
from cliokit.rundir import write_text
from cliokit.tables import cluster_names, facet_breakdowns, level_total
from cliokit.viz._common import PALETTE, breakdown_facets
from cliokit.viz.charts import (
    concerning_chart,
    coordination_chart,
    language_overrepresentation_chart,
    top_level_shares_chart,
)
from cliokit.viz.layout import TreeNode, cluster_tree
from cliokit.viz.save import page, spec_script
from cliokit.viz.tables import MIN_COUNT, map_domain
from cliokit.viz.tree import icicle_chart, linked_view

logger = logging.getLogger(__name__)

#: Smallest cluster ranked in the report's language figure.
LANGUAGE_MIN_CONVERSATIONS = 10

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:1280px;
padding:0 16px;color:#1b1b1b;line-height:1.4}
h1{margin-bottom:4px}h2{margin-top:36px;border-bottom:1px solid #ddd;padding-bottom:4px}
.banner{background:#fff4e5;border:1px solid #f0b45b;padding:10px 14px;border-radius:6px;margin:12px 0}
.banner.unsafe{background:#fde8e8;border:2px solid #c62828;color:#7f1010}
table.summary{border-collapse:collapse}table.summary th{text-align:left;padding:3px 16px 3px 0;
vertical-align:top;color:#555;font-weight:600}table.summary td{padding:3px 0}
.chart{margin:12px 0;overflow-x:auto}
details.cluster,details.hidden{margin:4px 0 4px 18px;border-left:3px solid #4e79a7;padding-left:8px}
details.hidden,p.hidden{border-left-color:#c8c8c8;color:#666}
p.hidden{margin:4px 0 4px 18px;border-left:3px solid #c8c8c8;padding-left:8px}
summary{cursor:pointer}summary .name{font-weight:600}
summary .meta{color:#666;font-size:0.9em;margin-left:8px}
.desc{margin:4px 0}.kw{margin:4px 0;color:#555;font-size:0.9em}
table.facets{border-collapse:collapse;font-size:0.85em;margin:4px 0 8px}
table.facets th{text-align:left;padding:2px 10px 2px 0;color:#555;font-weight:600;white-space:nowrap}
table.facets td{padding:2px 0;min-width:420px}
.stack{display:flex;height:10px;width:240px;background:#eee;margin:2px 0;border-radius:2px;overflow:hidden}
.stack span{display:block;height:100%}.values{color:#444}
footer{margin-top:40px;color:#666;font-size:0.9em}
.flag{color:#b3261e;font-weight:600;font-size:0.9em;margin-left:8px}
"""


def _e(value: Any) -> str:
    """HTML-escaped text of ``value`` (empty for missing values)."""
    if value is None or (not isinstance(value, (list, tuple, dict)) and pd.isna(value)):
        return ""
    return html.escape(str(value), quote=True)


def _summary(result: ClioResult) -> str:
    m = result.manifest
    counts, backend, embedder, config = m.counts, m.backend, m.embedder, m.config
    privacy = m.resolved.get("privacy", {})
    models = sorted({str(v) for v in backend.get("models", {}).values()})
    heuristic = bool(backend.get("heuristic"))
    shown = int(counts.get("clusters", len(result.clusters))) - int(counts.get("clusters_suppressed", 0))
    rows = [
        ("Run", f"{result.run_dir.name} ({m.status}, {m.created})"),
        (
            "Conversations",
            f"{counts.get('read', '?')} read, {counts.get('accepted', '?')} accepted, "
            f"{counts.get('rejected', '?')} rejected, {counts.get('facets_failed', 0)} facet failures",
        ),
        (
            "Clusters",
            f"{counts.get('clusters', len(result.clusters))} in {result.levels} levels: {shown} shown, "
            f"{counts.get('clusters_suppressed', 0)} suppressed",
        ),
        (
            "Facets, names, hierarchy",
            f"backend {backend.get('name', '?')}"
            + (" (offline heuristics, not a language model)" if heuristic else "")
            + (f"; models: {', '.join(models)}" if models else ""),
        ),
        (
            "Embedder",
            f"{embedder.get('name', '?')} ({embedder.get('model_id', '?')}, dim {embedder.get('dim', '?')})",
        ),
        ("Projection", str(config.get("project", {}).get("method", "?"))),
        (
            "Privacy thresholds",
            f"clusters need >= {privacy.get('min_conversations', '?')} conversations and >= "
            f"{privacy.get('min_users', '?')} unique users; audit "
            + (
                f"on (ratings below {config.get('privacy', {}).get('audit_threshold', '?')} suppressed)"
                if config.get("privacy", {}).get("audit", True)
                else "off"
            ),
        ),
        ("Seed", str(config.get("seed", "?"))),
        ("cliokit", str(m.versions.get("cliokit") or "?")),
    ]
    rows += _dp_rows(result)
    out = ['<table class="summary">']
    out += [f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in rows]
    out.append("</table>")
    if heuristic:
        out.insert(
            0,
            '<div class="banner" id="heuristic"><strong>Offline heuristics.</strong> Facets, cluster '
            "names, descriptions and the hierarchy of this run come from cliokit's offline heuristics "
            "(keywords and lexicons), not from a language model: names are keyword lists and "
            "descriptions are templates.</div>",
        )
    if config.get("privacy", {}).get("unsafe_allow_below_floor"):
        out.insert(0, _floor_banner(privacy))
    notes = m.notes
    if notes:
        out.append('<ul class="notes">' + "".join(f"<li>{_e(n)}</li>" for n in notes) + "</ul>")
    return "\n".join(out)


def _dp_rows(result: ClioResult) -> list[tuple[str, str]]:
    """The summary row of the run's differentially private exports (none without a DP export)."""
    releases = read_releases(result.run_dir)
    if not releases:
        return []
    last = releases[-1]
    text = (
        f"{len(releases)} DP export(s) of this run; latest: {last['mechanism']}, epsilon "
        f"{last['epsilon']:g}, delta {last['delta']:g}, at most {last['max_conversations_per_user']} "
        f"conversations per user, {last['library']} {last['library_version']}. Together they spend "
        f"epsilon {sum(r['epsilon_spent'] for r in releases):.3g} and delta "
        f"{sum(r['delta_spent'] for r in releases):.3g} (each export spends its budget again). The "
        "counts in this report are exact, not differentially private."
    )
    return [("Differential privacy", text)]


def _floor_banner(thresholds: dict[str, Any]) -> str:
    """The warning shown when the run set ``privacy.unsafe_allow_below_floor``."""
    return (
        '<div class="banner unsafe" id="privacy-floor" role="alert"><strong>Privacy floor switched '
        "off.</strong> This run set <code>privacy.unsafe_allow_below_floor = true</code>, which lets "
        f"the privacy thresholds go below {PRIVACY_FLOOR}: clusters here are named with as few as "
        f"{_e(thresholds.get('min_conversations', '?'))} conversations and "
        f"{_e(thresholds.get('min_users', '?'))} unique users, so a cluster may describe a single "
        "person. Check every name and description before sharing this report.</div>"
    )


def _facet_rows(breakdown: pd.DataFrame | None, max_values: int = 5) -> str:
    if breakdown is None or breakdown.empty:
        return ""
    rows = []
    for facet, g in breakdown.groupby("facet", sort=True):
        g = g.sort_values("count", ascending=False)
        head = g.head(max_values)
        rest = float(g["share"].iloc[max_values:].sum())
        segs = "".join(
            f'<span style="width:{100 * s:.2f}%;background:{PALETTE[i % len(PALETTE)]}" '
            f'title="{_e(v)} {s:.0%}"></span>'
            for i, (v, s) in enumerate(zip(head["value"], head["share"], strict=True))
        )
        text = ", ".join(f"{_e(v)} {s:.0%}" for v, s in zip(head["value"], head["share"], strict=True))
        if rest > 0:
            text += f", other {rest:.0%}"
        rows.append(
            f'<tr><th>{_e(facet)}</th><td><div class="stack">{segs}</div>'
            f'<span class="values">{text}</span></td></tr>'
        )
    return '<table class="facets">' + "".join(rows) + "</table>"


def _tree_html(result: ClioResult) -> str:
    """Nested ``<details>``: unsuppressed clusters with text; suppressed siblings merged and unnamed."""
    names = cluster_names(result)
    info = result.clusters.set_index("cluster_id")
    totals = {lvl: level_total(result, lvl) for lvl in range(result.levels)}
    bd = facet_breakdowns(result, breakdown_facets(result))
    by_cluster = {str(k): g for k, g in bd.groupby("cluster_id")}
    signals = read_coordination(result)
    reasons = {} if signals is None else dict(signals[["cluster_id", "coordination_reasons"]].values)

    def node(n: TreeNode) -> str:
        inner = "".join(node(c) for c in n.children)
        share = n.n_conversations / totals[n.level] if totals[n.level] else 0.0
        if n.cluster_id is None:
            label = f"{n.n_clusters} suppressed cluster{'s' if n.n_clusters > 1 else ''}"
            meta = f"{n.n_conversations:,} conversations · {share:.1%} of level {n.level}"
            summary = f'<span class="name">{_e(label)}</span><span class="meta">{_e(meta)}</span>'
            if not inner:
                return f'<p class="hidden">{summary}</p>'
            return f'<details class="hidden"><summary>{summary}</summary>{inner}</details>'
        row = info.loc[n.cluster_id]
        meta = (
            f"{n.n_conversations:,} conversations · {share:.1%} of level {n.level} · "
            f"{n.n_users:,} unique users · {n.cluster_id}"
        )
        keywords = row["keywords"]
        kw = ", ".join(str(k) for k in keywords) if keywords is not None else ""
        body = f'<p class="desc">{_e(row["description"])}</p>'
        if kw:
            body += f'<p class="kw">Keywords: {_e(kw)}</p>'
        body += _facet_rows(by_cluster.get(n.cluster_id))
        why = reasons.get(n.cluster_id)
        flag = f'<span class="flag" title="{_e(why)}">⚑ {FLAG_LABEL}</span>' if why else ""
        return (
            f'<details class="cluster" data-cluster-id="{_e(n.cluster_id)}"><summary>'
            f'<span class="name">{_e(names[n.cluster_id])}</span><span class="meta">{_e(meta)}</span>'
            f"{flag}</summary>{body}{inner}</details>"
        )

    return "\n".join(node(n) for n in cluster_tree(result))


def _coordination_html(result: ClioResult) -> str:
    """The flagged clusters and the signals chart ("" for a run without coordination signals)."""
    signals = read_coordination(result)
    if signals is None:
        return ""
    names = cluster_names(result)
    flagged = signals[signals["coordination_flag"]]
    items = "".join(
        f"<li>{_e(names[row['cluster_id']])} ({_e(row['cluster_id'])}): "
        + _e(", ".join(f"{s} {row[s]:.2f}" for s in row["coordination_reasons"].split(", ")))
        + "</li>"
        for row in flagged.to_dict("records")
    )
    return (
        '<h2 id="coordination-heading">Coordinated activity</h2><p id="coordination-note">'
        f"{len(flagged)} of {len(signals)} shown clusters (all levels) are flagged &quot;{FLAG_LABEL}"
        "&quot;: many of their conversations are near-duplicates of each other, and they come from "
        "few accounts or arrive in a burst. The signals over their limits are listed; a flag asks "
        f"for a look, it is not a verdict.</p>{'<ul>' + items + '</ul>' if items else ''}"
        + _chart("coordination", coordination_chart(result, level=0))
    )


def _map_note(result: ClioResult) -> str:
    """What the map's axes span, and how many conversations lie beyond them."""
    d = map_domain(result)
    if d.n_outside:
        share = d.n_outside / d.n_total
        verb, drawn = ("lies", "is") if d.n_outside == 1 else ("lie", "are")
        text = (
            f"The axes span the bulk of the conversations: {d.n_outside:,} of {d.n_total:,} "
            f"conversations ({share:.1%}) {verb} far outside the rest (on either axis, beyond the "
            "middle 90% by more than its width and past an empty gap) and "
            f"{drawn} drawn as triangles on the map's edge, pointing their way."
        )
    else:
        text = f"The axes span all {d.n_total:,} conversations."
    return f'<p id="map-outside">{_e(text)}</p>'


def _chart(target: str, chart: Any) -> str:
    with alt.data_transformers.disable_max_rows():
        spec = chart.to_dict()
    return f'<div id="{target}" class="chart"></div>\n{spec_script(target, spec)}'


def build_report(
    result: ClioResult, *, max_points: int = 5000, include_map: bool = True, seed: int = 0
) -> str:
    """The HTML text of the report of ``result`` (see :func:`write_report`).

    Parameters
    ----------
    result : ClioResult
    max_points : int, default=5000
        Cap on map points (a uniform sample above it; the map says "showing N of M").
    include_map : bool, default=True
        Without the map the report holds no per-conversation data at all.
    seed : int, default=0
        Seed of the map's subsample.

    Returns
    -------
    str
        A complete HTML document (about 1 MB, mostly the inline Vega JavaScript).
    """
    hidden = result.clusters[result.clusters["suppressed"].astype(bool)]
    base_hidden = int(hidden.loc[hidden["level"] == 0, "n_conversations"].sum())
    parts = [f"<h1>cliokit report: {_e(result.run_dir.name)}</h1>", _summary(result)]
    parts.append('<h2 id="map-heading">Map and hierarchy</h2>')
    if include_map:
        parts.append(
            "<p>Each point is a conversation, placed by its embedding and coloured by its top-level "
            "cluster; grey points belong to suppressed clusters. Click a cluster in the hierarchy to "
            "highlight its conversations, double-click to clear.</p>"
        )
        parts.append(_map_note(result))
        parts.append(_chart("map", linked_view(result, max_points=max_points, seed=seed)))
    else:
        parts.append(_chart("map", icicle_chart(result)))
    parts.append('<h2 id="tree-heading">Clusters</h2><div id="tree">')
    parts.append(
        "<p>Top-level clusters, largest first; open one for its description, keywords, facet "
        "breakdowns and children.</p>"
    )
    parts.append(_tree_html(result) + "</div>")
    parts.append('<h2 id="figures-heading">Figures</h2>')
    parts.append(_chart("shares", top_level_shares_chart(result)))
    n_languages = result.facets["language"].nunique() if "language" in result.facets else 0
    if n_languages >= 2:
        parts.append(
            f"<p id=\"languages-note\">A cluster's ratio for a language is the language's share in "
            f"the cluster over its share in all conversations. Clusters are ranked only with at least "
            f"{LANGUAGE_MIN_CONVERSATIONS} conversations, of which at least {MIN_COUNT} in the "
            "language (a handful of conversations in a rare language gives a large ratio by chance); "
            "beside each bar are the ratio and the cluster's conversations in the language out of "
            "its size.</p>"
        )
        parts.append(
            _chart(
                "languages",
                language_overrepresentation_chart(
                    result, level=0, min_conversations=LANGUAGE_MIN_CONVERSATIONS, min_count=MIN_COUNT
                ),
            )
        )
    else:
        parts.append('<p id="languages">One language only: no language over-representation figure.</p>')
    if "concerning" in result.facets:
        parts.append(_chart("concerning", concerning_chart(result, level=0)))
    parts.append(_coordination_html(result))
    parts.append(
        f"<footer>{len(hidden)} suppressed clusters ({base_hidden:,} conversations at the base level) "
        "are counted but never named. This report holds no conversation text. Generated by cliokit "
        f"{_e(result.manifest.versions.get('cliokit') or '')}.</footer>"
    )
    return page(f"cliokit report: {result.run_dir.name}", "\n".join(parts), _CSS)


def write_report(
    run: str | os.PathLike[str] | ClioResult,
    out: str | os.PathLike[str],
    *,
    max_points: int = 5000,
    include_map: bool = True,
    seed: int = 0,
) -> Path:
    """Write the static HTML report of a run; returns its path.

    Parameters
    ----------
    run : str, PathLike or ClioResult
        A run directory or a loaded result.
    out : str or PathLike
        The HTML file to write (parents are created).
    max_points, include_map, seed
        As in :func:`build_report`.

    Returns
    -------
    Path

    Examples
    --------
    >>> write_report("runs/example", "runs/example/report.html")  # doctest: +SKIP
    """
    result = run if isinstance(run, ClioResult) else ClioResult.load(run)
    path = Path(out)
    text = build_report(result, max_points=max_points, include_map=include_map, seed=seed)
    write_text(text, path)  # atomic; an OSError becomes an OutputError naming the path
    logger.info("wrote report %s (%d kB)", path, path.stat().st_size // 1024)
    return path
