"""Export: the shareable, cluster-level view of a run.

The run directory is private working data (per-conversation facets and embeddings). What is meant
to be shared is written here: unsuppressed clusters only (names, descriptions, sizes, keywords)
and their facet breakdowns, with no per-conversation rows and no conversation text. Files are
written atomically; text cells of the CSV that a spreadsheet would run as a formula (model-written
names can start with ``=``) are neutralised by :func:`spreadsheet_safe`.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pandas as pd

from cliokit.result import ClioResult
from cliokit.rundir import write_csv, write_json, write_parquet
from cliokit.tables import facet_breakdowns

logger = logging.getLogger(__name__)

EXPORT_VERSION = 1
#: First characters that make a spreadsheet read a cell as a formula (OWASP, CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def export_run(run: str | os.PathLike[str] | ClioResult, out: str | os.PathLike[str]) -> list[Path]:
    """Write the shareable tables of a run to ``out``; returns the files written.

    Files: ``clusters.parquet`` and ``clusters.csv`` (unsuppressed clusters; a parent that is
    suppressed shows as no parent), ``facet_breakdowns.parquet`` and ``summary.json`` (counts,
    thresholds, backend and embedder ids; no config secrets, no per-conversation data).

    Raises
    ------
    OutputError
        When ``out`` or a file in it cannot be written (permission, full disk); no partial file
        is left.
    """
    result = run if isinstance(run, ClioResult) else ClioResult.load(run)
    out_dir = Path(out)  # created by the first write
    clusters = result.clusters
    visible = clusters[~clusters["suppressed"]].copy()
    visible_ids = set(visible["cluster_id"])
    visible["parent_id"] = visible["parent_id"].where(visible["parent_id"].isin(visible_ids), None)
    visible = visible.drop(columns=["suppressed", "suppressed_reason"])
    visible["keywords"] = visible["keywords"].map(lambda k: list(k) if k is not None else [])
    write_parquet(visible, out_dir / "clusters.parquet")
    csv = visible.assign(keywords=visible["keywords"].map(", ".join))
    write_csv(spreadsheet_safe(csv), out_dir / "clusters.csv")
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


def spreadsheet_safe(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with text cells a spreadsheet would run as a formula prefixed by ``'``.

    OWASP's rule against CSV injection: a string cell starting with ``=``, ``+``, ``-``, ``@``,
    tab or carriage return (:data:`FORMULA_START`) gets a leading single quote, so a spreadsheet
    shows it as text. Numeric columns are left as they are.

    Parameters
    ----------
    df : pandas.DataFrame

    Returns
    -------
    pandas.DataFrame
        A copy.

    Examples
    --------
    >>> spreadsheet_safe(pd.DataFrame({"name": ["=1+2", "Recipes"], "n": [-1, 2]})).to_dict("list")
    {'name': ["'=1+2", 'Recipes'], 'n': [-1, 2]}
    """
    out = df.copy()
    for col in out.columns:
        if not pd.api.types.is_numeric_dtype(out[col]):
            cells = [f"'{v}" if isinstance(v, str) and v.startswith(FORMULA_START) else v for v in out[col]]
            out[col] = pd.Series(cells, index=out.index, dtype=object)
    return out
