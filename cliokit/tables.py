"""A run's results as tables: clusters, conversations, facet breakdowns and stage costs.

Each function takes a :class:`~cliokit.result.ClioResult` (also reachable as its methods, e.g.
``result.cluster_table()``). Tables of clusters hold unsuppressed clusters only; the
conversation table holds facets (model- or heuristic-written summaries), never raw text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from cliokit.errors import ConfigError
from cliokit.monitor.coordination import with_coordination
from cliokit.rundir import Manifest

if TYPE_CHECKING:
    from cliokit.result import ClioResult

#: Facets broken down per cluster; custom categorical and numeric facets are added automatically.
BREAKDOWN_FACETS = ("language", "concerning", "n_turns")
#: A concerning score at or above this counts as concerning in ``share_concerning``.
CONCERNING_AT = 3
#: Usage counters copied from ``manifest.usage[stage]`` (0 where absent).
USAGE_COLUMNS = ("calls", "input_tokens", "output_tokens", "cache_hits", "retries", "failures")


def custom_facets(result: ClioResult) -> dict[str, str]:
    """Declared custom facets of the run: ``{name: kind}`` (``text``, ``categorical``, ``numeric``)."""
    custom = result.manifest.config.get("facets", {}).get("custom", [])
    return {c["name"]: c.get("kind", "text") for c in custom if "name" in c}


def resolve_level(result: ClioResult, level: int | None, param: str = "level") -> int:
    """``level`` as a non-negative level index; ``None`` is the top level, negatives count from it."""
    n = result.levels
    if level is None:
        return n - 1
    if isinstance(level, bool) or not isinstance(level, int) or not -n <= level < n:
        raise ConfigError(f"`{param}` must be an int in [{-n}, {n - 1}] or None (top level); got {level!r}")
    return level % n


def level_column(level: int) -> str:
    """Column of :attr:`ClioResult.assignments` holding cluster ids of ``level``."""
    return f"level_{level}"


def cluster_names(result: ClioResult) -> dict[str, str]:
    """``{cluster_id: name}`` of unsuppressed clusters only; display names are unique per level."""
    c = result.visible_clusters()
    out: dict[str, str] = {}
    for _, group in c.groupby("level"):
        names = group["name"].fillna("").astype(str).str.strip()
        names = names.where(names != "", "(unnamed)")
        dup = names.duplicated(keep=False)
        for cid, name, d in zip(group["cluster_id"], names, dup, strict=True):
            out[str(cid)] = f"{name} ({cid})" if d else name
    return out


def clustered(result: ClioResult, level: int, columns: Iterable[str] = ()) -> pd.DataFrame:
    """Facet ``columns`` plus ``cluster_id`` (at ``level``) of every conversation with a cluster there."""
    col = level_column(level)
    cols = ["conversation_id", *[c for c in columns if c != "conversation_id"]]
    df = result.facets[cols].merge(result.assignments[["conversation_id", col]], on="conversation_id")
    df = df.rename(columns={col: "cluster_id"})
    return df[df["cluster_id"].notna()].reset_index(drop=True)


def level_total(result: ClioResult, level: int) -> int:
    """Conversations in clusters of ``level`` (suppressed ones included): the share denominator."""
    c = result.clusters
    return int(c.loc[c["level"] == level, "n_conversations"].sum())


def cluster_table(result: ClioResult, level: int | None = None) -> pd.DataFrame:
    """Unsuppressed clusters of one level with facet aggregates, largest first.

    Parameters
    ----------
    result : ClioResult
    level : int, optional
        Level to describe (default: the top level; negative values count down from it).

    Returns
    -------
    DataFrame
        ``cluster_id``, ``level``, ``name``, ``label`` (the name, made unique within the level),
        ``description``, ``keywords`` (list), ``parent_id`` and ``parent_name`` (``None`` when the
        parent is suppressed or at the top), ``n_conversations``, ``n_users``, ``share`` (of the
        conversations clustered at that level, suppressed clusters included), ``mean_concerning``,
        ``share_concerning`` (score >= 3), ``top_language``, ``top_language_share``, ``mean_turns``
        and ``mean_<facet>`` for each numeric custom facet; when the run has coordination
        signals (:mod:`cliokit.monitor.coordination`), the signals, ``coordination_flag`` (bool:
        possible coordinated or automated activity) and ``coordination_reasons``.
    """
    level = resolve_level(result, level)
    names = cluster_names(result)
    c = result.visible_clusters(level).copy()
    c["label"] = c["cluster_id"].map(names)
    c["keywords"] = c["keywords"].map(lambda k: list(k) if k is not None else [])
    c["parent_id"] = c["parent_id"].where(c["parent_id"].isin(list(names)), None)
    c["parent_name"] = c["parent_id"].map(names)
    total = level_total(result, level)
    c["share"] = c["n_conversations"] / total if total else 0.0
    numeric = [n for n, kind in custom_facets(result).items() if kind == "numeric" and n in result.facets]
    cols = [x for x in ("concerning", "language", "n_turns", *numeric) if x in result.facets]
    f = clustered(result, level, cols)
    f = f[f["cluster_id"].isin(set(c["cluster_id"]))]
    g = f.groupby("cluster_id")
    agg = pd.DataFrame(index=pd.Index(c["cluster_id"], name="cluster_id"))
    if "concerning" in f:
        score = pd.to_numeric(f["concerning"], errors="coerce").astype(float)
        agg["mean_concerning"] = score.groupby(f["cluster_id"]).mean()
        agg["share_concerning"] = (score >= CONCERNING_AT).groupby(f["cluster_id"]).mean()
    if "language" in f:
        pairs = f.dropna(subset=["language"]).groupby(["cluster_id", "language"]).size().rename("n")
        ranked = pairs.reset_index().sort_values(["cluster_id", "n"], ascending=[True, False])
        first = ranked.drop_duplicates("cluster_id").set_index("cluster_id")
        agg["top_language"] = first["language"]
        agg["top_language_share"] = first["n"] / g.size()
    if "n_turns" in f:
        agg["mean_turns"] = (
            pd.to_numeric(f["n_turns"], errors="coerce").astype(float).groupby(f["cluster_id"]).mean()
        )
    for name in numeric:
        agg[f"mean_{name}"] = (
            pd.to_numeric(f[name], errors="coerce").astype(float).groupby(f["cluster_id"]).mean()
        )
    c = c.merge(agg.reset_index(), on="cluster_id", how="left")
    keep = ["cluster_id", "level", "name", "label", "description", "keywords", "parent_id", "parent_name"]
    keep += ["n_conversations", "n_users", "share", *agg.columns]
    c = c[keep].sort_values("n_conversations", ascending=False, kind="stable").reset_index(drop=True)
    return with_coordination(result, c)


def conversation_table(result: ClioResult) -> pd.DataFrame:
    """One row per conversation: its facets, its cluster at every level and its map position.

    Returns
    -------
    DataFrame
        The columns of :attr:`ClioResult.facets`, then ``level_0`` … ``level_L`` (cluster ids) with
        ``name_0`` … ``name_L`` (the cluster's name; None where the cluster is suppressed or the
        conversation has none), then ``x`` and ``y``. No raw conversation text.
    """
    names = cluster_names(result)
    df = result.facets.merge(result.assignments, on="conversation_id", how="left")
    for level in range(result.levels):
        col = level_column(level)
        df[f"name_{level}"] = df[col].map(names).where(df[col].notna(), None)
    return df.merge(result.projection, on="conversation_id", how="left")


def turn_bin(n: Any) -> str:
    """The ``n_turns`` bucket of facet breakdowns: ``1``, ``2``, ``3``, ``4-7``, ``8+`` or ``unknown``."""
    if pd.isna(n):
        return "unknown"
    n = int(n)
    return str(n) if n <= 3 else "4-7" if n <= 7 else "8+"


def facet_breakdowns(result: ClioResult, facets: list[str] | None = None) -> pd.DataFrame:
    """Counts and shares of facet values inside every unsuppressed cluster.

    Returns
    -------
    DataFrame
        ``cluster_id``, ``facet``, ``value`` (str), ``count``, ``share`` (of the cluster).
    """
    f = result.facets.merge(result.assignments, on="conversation_id")
    if facets is None:
        custom = [n for n, kind in custom_facets(result).items() if kind in {"categorical", "numeric"}]
        facets = [*BREAKDOWN_FACETS, *custom]
    visible = set(result.clusters.loc[~result.clusters["suppressed"], "cluster_id"])
    level_cols = [c for c in result.assignments.columns if c.startswith("level_")]
    frames = []
    for facet in facets:
        values = f[facet].map(turn_bin) if facet == "n_turns" else f[facet].astype("string").fillna("unknown")
        for col in level_cols:
            df = pd.DataFrame({"cluster_id": f[col], "value": values}).dropna(subset=["cluster_id"])
            df = df[df["cluster_id"].isin(visible)]
            counts = df.groupby(["cluster_id", "value"]).size().rename("count").reset_index()
            counts["share"] = counts["count"] / counts.groupby("cluster_id")["count"].transform("sum")
            counts.insert(1, "facet", facet)
            frames.append(counts)
    if not frames:
        return pd.DataFrame(columns=["cluster_id", "facet", "value", "count", "share"])
    return pd.concat(frames, ignore_index=True).sort_values(
        ["cluster_id", "facet", "count"], ascending=[True, True, False]
    )


def stage_costs(manifest: Manifest | Mapping[str, Any]) -> pd.DataFrame:
    """Time, memory and model usage of each stage of a run.

    Parameters
    ----------
    manifest : Manifest or dict
        A run's manifest (``ClioResult.manifest``, or ``manifest.json`` read as a dict).

    Returns
    -------
    DataFrame
        One row per stage in run order: ``stage``, ``seconds``, ``peak_rss_mb`` and
        :data:`USAGE_COLUMNS`, plus ``cost_usd`` when the manifest records a cost. Usage keys
        with no stage of their own (``audit``, counted while naming the base level) keep their
        own row with empty timings.

    Examples
    --------
    >>> m = {"stages": {"facets": {"seconds": 2.0, "peak_rss_mb": 300.0}},
    ...      "usage": {"facets": {"calls": 10, "input_tokens": 900}}}
    >>> stage_costs(m)[["stage", "seconds", "calls", "input_tokens", "output_tokens"]].to_dict("records")
    [{'stage': 'facets', 'seconds': 2.0, 'calls': 10, 'input_tokens': 900, 'output_tokens': 0}]
    """
    if isinstance(manifest, Manifest):
        manifest = manifest.model_dump(mode="json")
    stages = manifest.get("stages") or {}
    usage = manifest.get("usage") or {}
    # ``this_run`` sums what one invocation spent (a resume may spend nothing): not a stage
    names = list(stages) + [u for u in usage if u not in stages and u != "this_run"]
    rows = []
    has_cost = any("cost_usd" in (u or {}) for u in usage.values())
    for name in names:
        record = stages.get(name) or {}
        used = usage.get(name) or {}
        row: dict[str, Any] = {
            "stage": name,
            "seconds": record.get("seconds"),
            "peak_rss_mb": record.get("peak_rss_mb"),
            **{c: int(used.get(c, 0) or 0) for c in USAGE_COLUMNS},
        }
        if has_cost:
            row["cost_usd"] = float(used.get("cost_usd", 0.0) or 0.0)
        rows.append(row)
    columns = ["stage", "seconds", "peak_rss_mb", *USAGE_COLUMNS] + (["cost_usd"] if has_cost else [])
    return pd.DataFrame(rows, columns=columns)
