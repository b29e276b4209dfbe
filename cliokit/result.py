"""A finished run, read back from its directory as pandas DataFrames."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from cliokit.errors import CliokitError
from cliokit.rundir import Manifest

CLUSTER_COLUMNS = [
    "cluster_id",
    "level",
    "parent_id",
    "name",
    "description",
    "n_conversations",
    "n_users",
    "suppressed",
    "suppressed_reason",
    "audit_rating",
    "keywords",
]


def assemble_clusters(levels: list[pd.DataFrame]) -> pd.DataFrame:
    """``clusters.parquet`` from one frame per level (``cluster``, ``parent``, text, sizes, privacy).

    Cluster ids become strings ``"{level}-{cluster}"``; a top-level ``parent`` is -1.
    """
    frames = []
    for depth, df in enumerate(levels):
        parent = df["parent"].to_numpy()
        frames.append(
            pd.DataFrame(
                {
                    "cluster_id": [f"{depth}-{c}" for c in df["cluster"]],
                    "level": depth,
                    "parent_id": [f"{depth + 1}-{p}" if p >= 0 else None for p in parent],
                    "name": df["name"],
                    "description": df["description"],
                    "n_conversations": df["n_conversations"].astype("int64"),
                    "n_users": df["n_users"].astype("int64"),
                    "suppressed": df["suppressed"].astype(bool),
                    "suppressed_reason": df["suppressed_reason"],
                    "audit_rating": df["audit_rating"].astype("Int64"),
                    "keywords": df["keywords"].map(lambda k: list(k) if k is not None else []),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)[CLUSTER_COLUMNS]


def assignments_table(
    conversation_ids: pd.Series, labels: Sequence[np.ndarray], rows: np.ndarray
) -> pd.DataFrame:
    """``assignments.parquet``: each conversation's cluster id per level (None where facets failed).

    ``rows`` are the positions in ``conversation_ids`` of the clustered conversations.
    """
    out = pd.DataFrame({"conversation_id": conversation_ids})
    for depth, lab in enumerate(labels):
        col = np.full(len(out), None, dtype=object)
        col[rows] = [f"{depth}-{c}" for c in lab]
        out[f"level_{depth}"] = col
    return out


@dataclass
class ClioResult:
    """A finished run, read back from its directory.

    Attributes
    ----------
    run_dir : Path
    facets : DataFrame
        ``facets.parquet``: one row per accepted conversation.
    assignments : DataFrame
        ``assignments.parquet``: ``conversation_id`` and ``level_0`` … ``level_L`` cluster ids.
    clusters : DataFrame
        ``clusters.parquet``: every cluster at every level (suppressed ones without text).
    projection : DataFrame
        ``projection.parquet``: ``conversation_id``, ``x``, ``y``.
    manifest : Manifest
        ``manifest.json`` (typed: ``result.manifest.counts``, ``.stages``, ``.usage``, ...).

    The tables researchers ask for are methods: :meth:`cluster_table`,
    :meth:`conversation_table`, :meth:`facet_breakdowns` and :meth:`stage_costs`.
    """

    run_dir: Path
    facets: pd.DataFrame
    assignments: pd.DataFrame
    clusters: pd.DataFrame
    projection: pd.DataFrame
    manifest: Manifest

    @classmethod
    def load(cls, run_dir: str | os.PathLike[str]) -> ClioResult:
        """Read a run directory written by :func:`run`."""
        path = Path(run_dir)
        missing = [
            f
            for f in (
                "facets.parquet",
                "assignments.parquet",
                "clusters.parquet",
                "projection.parquet",
                "manifest.json",
            )
            if not (path / f).exists()
        ]
        if missing:
            raise CliokitError(f"{path} is not a finished cliokit run: missing {', '.join(missing)}")
        return cls(
            run_dir=path,
            facets=pd.read_parquet(path / "facets.parquet"),
            assignments=pd.read_parquet(path / "assignments.parquet"),
            clusters=pd.read_parquet(path / "clusters.parquet"),
            projection=pd.read_parquet(path / "projection.parquet"),
            manifest=Manifest.model_validate_json((path / "manifest.json").read_text(encoding="utf-8")),
        )

    @property
    def embeddings(self) -> np.ndarray:
        """``embeddings.npy``, rows aligned with :attr:`facets` (loaded on access)."""
        return np.load(self.run_dir / "embeddings.npy")

    @property
    def rejected(self) -> pd.DataFrame:
        """``rejected.jsonl`` as a DataFrame."""
        path = self.run_dir / "rejected.jsonl"
        if path.stat().st_size == 0:
            return pd.DataFrame(columns=["source", "record", "conversation_id", "reason"])
        return pd.read_json(path, lines=True)

    @property
    def levels(self) -> int:
        """Number of levels (base included)."""
        return int(self.clusters["level"].max()) + 1

    def visible_clusters(self, level: int | None = None) -> pd.DataFrame:
        """Unsuppressed clusters, optionally of one level, largest first."""
        df = self.clusters[~self.clusters["suppressed"]]
        if level is not None:
            df = df[df["level"] == level]
        return df.sort_values(["level", "n_conversations"], ascending=[True, False]).reset_index(drop=True)

    def cluster_table(self, level: int | None = None) -> pd.DataFrame:
        """Unsuppressed clusters of one level (default: the top) with facet aggregates, largest first.

        See :func:`cliokit.tables.cluster_table` for the columns.
        """
        from cliokit.tables import cluster_table

        return cluster_table(self, level)

    def conversation_table(self) -> pd.DataFrame:
        """Facets, cluster ids and names at every level, and map position of each conversation.

        See :func:`cliokit.tables.conversation_table`.
        """
        from cliokit.tables import conversation_table

        return conversation_table(self)

    def facet_breakdowns(self, facets: list[str] | None = None) -> pd.DataFrame:
        """Counts and shares of facet values inside every unsuppressed cluster.

        See :func:`cliokit.tables.facet_breakdowns`.
        """
        from cliokit.tables import facet_breakdowns

        return facet_breakdowns(self, facets)

    def stage_costs(self) -> pd.DataFrame:
        """Seconds, peak memory, calls, tokens and cost per stage (:func:`cliokit.tables.stage_costs`)."""
        from cliokit.tables import stage_costs

        return stage_costs(self.manifest)
