"""Export: the shareable, cluster-level view of a run.

The run directory is private working data (per-conversation facets and embeddings). What is meant
to be shared is written here: unsuppressed clusters only (names, descriptions, sizes, keywords)
and their facet breakdowns, with no per-conversation rows and no conversation text.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from cliokit.result import ClioResult
from cliokit.rundir import write_json, write_parquet
from cliokit.tables import facet_breakdowns

logger = logging.getLogger(__name__)

EXPORT_VERSION = 1


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
        "counts": m.counts,
        "thresholds": m.resolved.get("privacy", {}),
        "backend": m.backend,
        "embedder": {k: v for k, v in m.embedder.items() if k in {"name", "model_id", "dim"}},
        "levels": int(clusters["level"].max()) + 1,
        "clusters_exported": len(visible),
        "clusters_suppressed": int(clusters["suppressed"].sum()),
        "notes": m.notes,
    }
    write_json(summary, out_dir / "summary.json")
    files = [
        out_dir / n for n in ("clusters.parquet", "clusters.csv", "facet_breakdowns.parquet", "summary.json")
    ]
    logger.info("exported %d clusters to %s", len(visible), out_dir)
    return files
