"""Export: the shareable, cluster-level view of a run.

The run directory is private working data (per-conversation facets and embeddings). What is meant
to be shared is written here: unsuppressed clusters only (names, descriptions, sizes, keywords)
and their facet breakdowns, with no per-conversation rows and no conversation text.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import pandas as pd

from cliokit.result import ClioResult
from cliokit.rundir import write_json, write_parquet

logger = logging.getLogger(__name__)

EXPORT_VERSION = 1
#: Facets broken down per cluster; custom categorical and numeric facets are added automatically.
BREAKDOWN_FACETS = ("language", "concerning", "n_turns")


def _turn_bin(n: Any) -> str:
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
        custom = [
            c["name"]
            for c in result.manifest.get("config", {}).get("facets", {}).get("custom", [])
            if c.get("kind") in {"categorical", "numeric"}
        ]
        facets = [*BREAKDOWN_FACETS, *custom]
    visible = set(result.clusters.loc[~result.clusters["suppressed"], "cluster_id"])
    level_cols = [c for c in result.assignments.columns if c.startswith("level_")]
    frames = []
    for facet in facets:
        values = (
            f[facet].map(_turn_bin) if facet == "n_turns" else f[facet].astype("string").fillna("unknown")
        )
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


def export_run(run: str | os.PathLike[str] | ClioResult, out: str | os.PathLike[str]) -> list[Path]:
    """Write the shareable tables of a run to ``out``; returns the files written.

    Files: ``clusters.parquet`` and ``clusters.csv`` (unsuppressed clusters; a parent that is
    suppressed shows as no parent), ``facet_breakdowns.parquet`` and ``summary.json`` (counts,
    thresholds, backend and embedder ids; no config secrets, no per-conversation data).
    """
    result = run if isinstance(run, ClioResult) else ClioResult.load(run)
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    clusters = result.clusters
    visible = clusters[~clusters["suppressed"]].copy()
    visible_ids = set(visible["cluster_id"])
    visible["parent_id"] = visible["parent_id"].where(visible["parent_id"].isin(visible_ids), None)
    visible = visible.drop(columns=["suppressed", "suppressed_reason"])
    visible["keywords"] = visible["keywords"].map(lambda k: list(k) if k is not None else [])
    write_parquet(visible, out_dir / "clusters.parquet")
    csv = visible.assign(keywords=visible["keywords"].map(", ".join))
    csv_path = out_dir / "clusters.csv"
    csv.to_csv(csv_path, index=False)
    write_parquet(facet_breakdowns(result), out_dir / "facet_breakdowns.parquet")
    m = result.manifest
    summary = {
        "export_version": EXPORT_VERSION,
        "counts": m.get("counts", {}),
        "thresholds": m.get("resolved", {}).get("privacy", {}),
        "backend": m.get("backend", {}),
        "embedder": {k: v for k, v in m.get("embedder", {}).items() if k in {"name", "model_id", "dim"}},
        "levels": int(clusters["level"].max()) + 1,
        "clusters_exported": len(visible),
        "clusters_suppressed": int(clusters["suppressed"].sum()),
        "notes": m.get("notes", []),
    }
    write_json(summary, out_dir / "summary.json")
    files = [
        out_dir / n for n in ("clusters.parquet", "clusters.csv", "facet_breakdowns.parquet", "summary.json")
    ]
    logger.info("exported %d clusters to %s", len(visible), out_dir)
    return files
