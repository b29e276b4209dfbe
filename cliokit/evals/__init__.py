"""Evaluation suite: reconstruction of a known topic hierarchy, leakage of planted private details.

Metrics are pure functions over DataFrames (:mod:`~cliokit.evals.reconstruction`,
:mod:`~cliokit.evals.leakage`, :mod:`~cliokit.evals.audit`, :mod:`~cliokit.evals.runs`,
:mod:`~cliokit.evals.skew`, :mod:`~cliokit.evals.monitoring`); the evaluation notebooks, shipped
with the package (:func:`notebook_path`), call :mod:`~cliokit.evals.suite` step by step with one
:class:`~cliokit.config.Config` for the run, and :func:`run_grid` executes them over parameter sets
with papermill.

Public names are imported lazily, so ``import cliokit.evals`` (done by the CLI) stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cliokit._lazy import lazy_exports

_EXPORTS = {
    "map_clusters_to_categories": "cliokit.evals.mapping",
    "map_clusters_by_centroid": "cliokit.evals.mapping",
    "reconstruction_accuracy": "cliokit.evals.reconstruction",
    "partition_scores": "cliokit.evals.reconstruction",
    "level_scores": "cliokit.evals.reconstruction",
    "MAP_CATEGORY": "cliokit.evals.mapping",
    "normalise": "cliokit.evals.leakage",
    "find_leaks": "cliokit.evals.leakage",
    "stage_texts": "cliokit.evals.leakage",
    "leakage_by_stage": "cliokit.evals.leakage",
    "audit_items": "cliokit.evals.audit",
    "auditor_agreement": "cliokit.evals.audit",
    "stage_costs": "cliokit.tables",
    "collect_metrics": "cliokit.evals.runs",
    "run_grid": "cliokit.evals.runner",
    "notebook_path": "cliokit.evals.runner",
    "plant_skew": "cliokit.evals.skew",
    "skew_recovery": "cliokit.evals.skew",
    "keyword_flags": "cliokit.evals.monitoring",
    "share_by_cluster": "cliokit.evals.monitoring",
}

__all__ = list(_EXPORTS)

if TYPE_CHECKING:
    from cliokit.evals.audit import audit_items as audit_items
    from cliokit.evals.audit import auditor_agreement as auditor_agreement
    from cliokit.evals.leakage import find_leaks as find_leaks
    from cliokit.evals.leakage import leakage_by_stage as leakage_by_stage
    from cliokit.evals.leakage import normalise as normalise
    from cliokit.evals.leakage import stage_texts as stage_texts
    from cliokit.evals.mapping import MAP_CATEGORY as MAP_CATEGORY
    from cliokit.evals.mapping import map_clusters_by_centroid as map_clusters_by_centroid
    from cliokit.evals.mapping import map_clusters_to_categories as map_clusters_to_categories
    from cliokit.evals.monitoring import keyword_flags as keyword_flags
    from cliokit.evals.monitoring import share_by_cluster as share_by_cluster
    from cliokit.evals.reconstruction import level_scores as level_scores
    from cliokit.evals.reconstruction import partition_scores as partition_scores
    from cliokit.evals.reconstruction import reconstruction_accuracy as reconstruction_accuracy
    from cliokit.evals.runner import notebook_path as notebook_path
    from cliokit.evals.runner import run_grid as run_grid
    from cliokit.evals.runs import collect_metrics as collect_metrics
    from cliokit.evals.skew import plant_skew as plant_skew
    from cliokit.evals.skew import skew_recovery as skew_recovery
    from cliokit.tables import stage_costs as stage_costs


__getattr__ = lazy_exports(__name__, _EXPORTS)
