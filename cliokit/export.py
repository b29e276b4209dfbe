"""Export: the shareable, cluster-level view of a run.

The run directory is private working data (per-conversation facets and embeddings). What is meant
to be shared is written here: unsuppressed clusters only (names, descriptions, sizes, keywords)
and their facet breakdowns, with no per-conversation rows and no conversation text. Files are
written atomically; text cells of the CSV that a spreadsheet would run as a formula (model-written
names can start with ``=``) are neutralised by :func:`spreadsheet_safe`.

With ``dp=DPParams(epsilon=...)`` the same files hold differentially private counts instead
(:mod:`cliokit.monitor.dp`): noisy sizes, user counts and facet breakdowns, published by noisy
thresholds rather than the fixed minimums, with the budget and mechanism in ``summary.json``; the
export is also recorded in the run directory's ``dp_releases.json``.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pandas as pd

from cliokit.monitor.coordination import with_coordination
from cliokit.monitor.dp import DPParams, dp_release, record_release
from cliokit.result import ClioResult
from cliokit.rundir import write_csv, write_json, write_parquet
from cliokit.tables import facet_breakdowns

logger = logging.getLogger(__name__)

EXPORT_VERSION = 1
#: First characters that make a spreadsheet read a cell as a formula (OWASP, CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def export_run(
    run: str | os.PathLike[str] | ClioResult, out: str | os.PathLike[str], *, dp: DPParams | None = None
) -> list[Path]:
    """Write the shareable tables of a run to ``out``; returns the files written.

    Files: ``clusters.parquet`` and ``clusters.csv`` (unsuppressed clusters; a parent that is
    suppressed shows as no parent), ``facet_breakdowns.parquet`` and ``summary.json`` (counts,
    thresholds, backend and embedder ids; no config secrets, no per-conversation data).

    Parameters
    ----------
    run : str, PathLike or ClioResult
    out : str or PathLike
    dp : DPParams, optional
        Release differentially private counts instead (:func:`cliokit.monitor.dp.dp_release`):
        the clusters are those whose noisy user count reaches the DP threshold (text only where
        the run did not suppress it; ``text_withheld`` says so), with noisy ``n_users``,
        ``n_conversations`` and ``share``; breakdowns hold noisy counts of the facet values that
        pass their threshold. ``summary.json`` then holds no exact count, and its
        ``differential_privacy`` record gives the mechanism, budget, contribution bound,
        thresholds and library version. The export is appended to the run's ``dp_releases.json``.

    Raises
    ------
    OutputError
        When ``out`` or a file in it cannot be written (permission, full disk); no partial file
        is left.

    Examples
    --------
    >>> export_run("runs/example", "export-dp", dp=DPParams(epsilon=1.0))  # doctest: +SKIP
    """
    result = run if isinstance(run, ClioResult) else ClioResult.load(run)
    out_dir = Path(out)  # created by the first write
    if dp is not None:
        return _export_dp(result, out_dir, dp)
    clusters = result.clusters
    visible = clusters[~clusters["suppressed"]].copy()
    visible_ids = set(visible["cluster_id"])
    visible["parent_id"] = visible["parent_id"].where(visible["parent_id"].isin(visible_ids), None)
    visible = visible.drop(columns=["suppressed", "suppressed_reason"])
    visible["keywords"] = visible["keywords"].map(lambda k: list(k) if k is not None else [])
    visible = with_coordination(result, visible)  # exact signals: never in the DP release
    m = result.manifest
    summary = {
        "export_version": EXPORT_VERSION,
        "counts": m.counts,
        "thresholds": m.resolved.get("privacy", {}),
        **_run_info(result),
        "clusters_exported": len(visible),
        "clusters_suppressed": int(clusters["suppressed"].sum()),
        "notes": m.notes,
    }
    files = _write(out_dir, visible, facet_breakdowns(result), summary)
    logger.info("exported %d clusters to %s", len(visible), out_dir)
    return files


def _export_dp(result: ClioResult, out_dir: Path, params: DPParams) -> list[Path]:
    """The DP variant of :func:`export_run`: noisy tables, no exact count in the summary."""
    release = dp_release(result, params)
    summary = {
        "export_version": EXPORT_VERSION,
        "differential_privacy": release.budget,
        **_run_info(result),
        "clusters_exported": len(release.clusters),
        "notes": result.manifest.notes,
    }
    # the ledger first: a release whose files then fail to be written still counts against the budget
    record_release(result.run_dir, out_dir, release.budget)
    files = _write(out_dir, release.clusters, release.breakdowns, summary)
    logger.info(
        "exported %d clusters to %s with differential privacy (epsilon %g, delta %g)",
        len(release.clusters),
        out_dir,
        params.epsilon,
        params.delta,
    )
    return files


def _run_info(result: ClioResult) -> dict[str, object]:
    """Backend, embedder ids and number of levels, for the summary."""
    m = result.manifest
    return {
        "backend": m.backend,
        "embedder": {k: v for k, v in m.embedder.items() if k in {"name", "model_id", "dim"}},
        "levels": result.levels,
    }


def _write(
    out_dir: Path, clusters: pd.DataFrame, breakdowns: pd.DataFrame, summary: dict[str, object]
) -> list[Path]:
    """Write the four export files; their paths."""
    write_parquet(clusters, out_dir / "clusters.parquet")
    csv = clusters.assign(keywords=clusters["keywords"].map(", ".join))
    write_csv(spreadsheet_safe(csv), out_dir / "clusters.csv")
    write_parquet(breakdowns, out_dir / "facet_breakdowns.parquet")
    write_json(summary, out_dir / "summary.json")
    return [
        out_dir / n for n in ("clusters.parquet", "clusters.csv", "facet_breakdowns.parquet", "summary.json")
    ]


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
