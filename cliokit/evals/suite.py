"""The steps the evaluation notebooks call: data, run, metrics, figures, ``metrics.json``.

Each notebook is a parameters cell plus one call per step, so that everything it does is in
tested code here. The run settings among the parameters become one :class:`~cliokit.config.Config`
(:func:`eval_config`), which the run, the cluster mapping and the audit check all read.

Output layout under ``output_dir``: ``data/`` (the generated data set, unless ``synth_dir`` names
one), ``run/`` (the cliokit run, resumable), ``export/`` (privacy only), ``metrics.json`` and the
figures as PNG and SVG.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cliokit.config import Config
from cliokit.errors import ConfigError
from cliokit.result import ClioResult
from cliokit.synthetic import generate, load_taxonomy, write_synthetic

logger = logging.getLogger(__name__)

METRICS_VERSION = 1
_DATA_MARKER = "eval_params.json"


@contextmanager
def stopwatch(timings: dict[str, float], name: str) -> Iterator[None]:
    """Add the wall time of the ``with`` block to ``timings[name]`` (seconds, rounded to ms)."""
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[name] = round(timings.get(name, 0.0) + time.perf_counter() - start, 3)


def parse_languages(languages: str | Sequence[str]) -> list[str]:
    """``"en, es"`` or ``["en", "es"]`` → ``["en", "es"]``."""
    items = languages.split(",") if isinstance(languages, str) else list(languages)
    out = [str(s).strip() for s in items if str(s).strip()]
    if not out:
        raise ConfigError(f"`languages` must name at least one language; got {languages!r}")
    return out


def prepare_data(
    output_dir: str | os.PathLike[str],
    *,
    synth_dir: str | os.PathLike[str] = "",
    n_conversations: int = 2000,
    languages: str | Sequence[str] = "en",
    seed: int = 0,
    pii_rate: float = 0.1,
    concern_rate: float = 0.05,
) -> Path:
    """The synthetic data set directory: ``synth_dir`` if given, else generated into ``output_dir/data``.

    A data set generated earlier with the same parameters is reused.
    """
    if synth_dir:
        path = Path(synth_dir)
        if not (path / "conversations.jsonl").exists():
            raise ConfigError(f"`synth_dir` must be a synthetic data set directory; got {str(synth_dir)!r}")
        return path
    path = Path(output_dir) / "data"
    wanted: dict[str, Any] = {
        "n": int(n_conversations),
        "languages": parse_languages(languages),
        "seed": int(seed),
        "pii_rate": float(pii_rate),
        "concern_rate": float(concern_rate),
    }
    marker = path / _DATA_MARKER
    if marker.exists() and json.loads(marker.read_text(encoding="utf-8")) == wanted:
        logger.info("reusing the data set in %s", path)
        return path
    data = generate(
        wanted["n"],
        wanted["languages"],
        seed=wanted["seed"],
        pii_rate=wanted["pii_rate"],
        concern_rate=wanted["concern_rate"],
    )
    write_synthetic(data, path)
    marker.write_text(json.dumps(wanted), encoding="utf-8")
    return path


#: Evaluation-notebook parameters that are run settings, and the :class:`Config` field each sets.
CONFIG_PARAMETERS: dict[str, str] = {
    "seed": "seed",
    "backend": "backend.name",
    "model": "backend.model",
    "embedder": "embed.model",
    "k": "cluster.k",
    "projection": "project.method",
}


def eval_config(parameters: Mapping[str, Any], base: Config | None = None) -> Config:
    """The :class:`~cliokit.config.Config` of an evaluation run, from the notebook's parameters.

    Each key of :data:`CONFIG_PARAMETERS` present in ``parameters`` sets its field; a value of
    ``None`` or ``""`` leaves the field at its value in ``base`` (by default cliokit's default, e.g.
    ``embedder=""`` runs :data:`~cliokit.embedders.DEFAULT_EMBEDDER`), and ``k=0`` means
    ``"auto"``. Progress bars are off. Other keys (data settings such as ``n_conversations``) are
    ignored. The run, the cluster mapping and the audit check then all read this one config, so
    they cannot disagree on a default.

    Parameters
    ----------
    parameters : mapping
        The notebook's parameters, e.g. ``{"backend": "offline", "embedder": "hash", "k": 0}``.
    base : Config, optional
        The settings the parameters change (default: ``Config()``).

    Returns
    -------
    Config

    Raises
    ------
    ConfigError
        An invalid value; the message names the config field.

    Examples
    --------
    >>> from cliokit.evals.suite import eval_config
    >>> cfg = eval_config({"embedder": "hash", "k": 0, "seed": 3, "n_conversations": 500})
    >>> cfg.embed.model, cfg.cluster.k, cfg.seed
    ('hash', 'auto', 3)
    """
    changes: dict[str, Any] = {"progress": False}
    for key, field in CONFIG_PARAMETERS.items():
        value = parameters.get(key)
        if value is None or value == "":
            continue
        if key == "k" and value in (0, "0"):
            value = "auto"
        node = changes
        *sections, name = field.split(".")
        for section in sections:
            node = node.setdefault(section, {})
        node[name] = value
    return (base if base is not None else Config()).replace(**changes)


def run_config(result: ClioResult) -> Config:
    """The :class:`~cliokit.config.Config` a finished run was made with (from its manifest)."""
    return Config.build(result.manifest.config, source=f"config of {result.run_dir}")


def run_pipeline(
    data_dir: str | os.PathLike[str], run_dir: str | os.PathLike[str], config: Config
) -> ClioResult:
    """Run cliokit with ``config`` on the data set's ``conversations.jsonl`` into ``run_dir`` (resumes).

    Parameters
    ----------
    data_dir : path
        A synthetic data set directory (:func:`prepare_data`).
    run_dir : path
        The run directory.
    config : Config
        The run's settings, e.g. from :func:`eval_config`.

    Returns
    -------
    ClioResult
    """
    from cliokit.pipeline import run

    return run(Path(data_dir) / "conversations.jsonl", config, out=run_dir)


def read_labels(data_dir: str | os.PathLike[str]) -> pd.DataFrame:
    """The data set's ``labels.csv`` (ids and labels as strings)."""
    return pd.read_csv(Path(data_dir) / "labels.csv", dtype={"conversation_id": str, "user_id": str})


def read_categories(data_dir: str | os.PathLike[str], *, describe: bool = True) -> pd.DataFrame:
    """The data set's categories (``category``, ``category_name``, ``concern``).

    ``describe=True`` adds ``description``: the category's subtopic names joined by ``"; "``.
    """
    path = Path(data_dir) / "taxonomy.yaml"
    taxonomy = load_taxonomy(path if path.exists() else None)
    categories: pd.DataFrame = taxonomy.categories.copy()
    if describe:
        subs = taxonomy.subtopics.groupby("category")["subtopic_name"].agg(lambda s: "; ".join(map(str, s)))
        categories["description"] = categories["category"].map(subs).fillna("")
    return categories


def evaluate_reconstruction(
    data_dir: str | os.PathLike[str],
    result: ClioResult,
    config: Config | None = None,
    *,
    describe_categories: bool = True,
) -> tuple[dict[str, Any], pd.DataFrame]:
    """Reconstruction metrics of a run, and the base clusters with their mapped categories.

    Base clusters are mapped to categories by embedding with the offline (heuristic) backend,
    otherwise by asking the config's backend (see :func:`map_clusters_to_categories`).

    Parameters
    ----------
    data_dir : path
        The synthetic data set the run was made on.
    result : ClioResult
        The run.
    config : Config, optional
        Backend (``backend.name``, ``backend.model``), embedder (``embed.model``, also for the
        mapping by centroid, so it must be the run's) and ``seed`` of the mapping; default: the
        run's own config (:func:`run_config`).
    describe_categories : bool, default=True
        Match clusters against ``"category: its subtopic names"`` rather than the bare name.

    Returns
    -------
    metrics : dict
        ``headline`` (scalars for grid tables: accuracy, baselines, ARI/NMI of the base level
        vs subtopics and of the top level vs categories, accuracy per language),
        ``accuracy`` (:func:`reconstruction_accuracy`), ``mapping`` (method, fallbacks,
        unmapped and mapped cluster counts), ``centroid_mapping`` (accuracy overall and per
        language when clusters are mapped by their conversations' mean embedding instead of
        their names, :func:`map_clusters_by_centroid`), ``levels`` (:func:`level_scores` records) and
        ``stage_costs`` (:func:`stage_costs` records).
    clusters : DataFrame
        Base clusters: ``cluster_id``, ``name``, ``n_conversations``, ``suppressed``,
        ``category`` (mapped), ``majority_category`` (most common true category) and
        ``majority_share``.
    """
    from cliokit.backends import get_backend
    from cliokit.backends.calls import StageUsage
    from cliokit.embedders import get_embedder
    from cliokit.evals.mapping import map_clusters_by_centroid, map_clusters_to_categories
    from cliokit.evals.reconstruction import level_scores, reconstruction_accuracy
    from cliokit.tables import stage_costs

    cfg = config if config is not None else run_config(result)
    model, embedder, seed = cfg.backend.model, cfg.embed.model, cfg.seed
    labels = read_labels(data_dir)
    categories = read_categories(data_dir, describe=describe_categories)
    base = result.clusters[result.clusters["level"] == 0].reset_index(drop=True)
    backend_obj = get_backend(cfg.backend.name)
    usage = StageUsage()
    mapping = map_clusters_to_categories(
        base,
        categories,
        embedder=get_embedder(embedder),
        backend=None if backend_obj.heuristic else backend_obj,
        model=model,
        usage=usage,
        seed=seed,
    )
    level0 = result.assignments.set_index("conversation_id")["level_0"]
    accuracy = reconstruction_accuracy(labels, level0, mapping, n_categories=len(categories))
    by_centroid = map_clusters_by_centroid(
        result.embeddings,
        result.assignments["level_0"].tolist(),
        categories,
        get_embedder(embedder),
        exclude=set(base.loc[base["suppressed"], "cluster_id"]),
    )
    centroid = reconstruction_accuracy(labels, level0, by_centroid, n_categories=len(categories))
    merged = labels.merge(result.assignments[["conversation_id", "level_0"]], on="conversation_id")
    majority = merged.groupby("level_0")["category"].agg(
        majority_category=lambda s: s.value_counts().index[0],
        majority_share=lambda s: float(s.value_counts(normalize=True).iloc[0]),
    )
    table = base[["cluster_id", "name", "n_conversations", "suppressed"]].assign(
        category=mapping.reindex(base["cluster_id"]).to_numpy()
    )
    table = table.merge(majority, left_on="cluster_id", right_index=True, how="left")
    levels = level_scores(labels, result.assignments)
    top = levels[(levels["level"] == levels["level"].max()) & (levels["target"] == "category")].iloc[0]
    sub = levels[(levels["level"] == 0) & (levels["target"] == "subtopic")].iloc[0]
    headline = {
        "accuracy": accuracy["accuracy"],
        "accuracy_centroid": centroid["accuracy"],
        "oracle_accuracy": accuracy["oracle_accuracy"],
        "random_baseline": accuracy["random_baseline"],
        "majority_baseline": accuracy["majority_baseline"],
        "n_unassigned": accuracy["n_unassigned"],
        "base_clusters": len(base),
        "levels": int(levels["level"].max()) + 1,
        "ari_base_subtopic": float(sub["ari"]),
        "nmi_base_subtopic": float(sub["nmi"]),
        "ari_top_category": float(top["ari"]),
        "nmi_top_category": float(top["nmi"]),
        **{f"accuracy_{k}": v for k, v in accuracy["per_language"].items()},
    }
    metrics = {
        "headline": headline,
        "accuracy": accuracy,
        "mapping": {
            **mapping.attrs,
            "n_clusters": len(base),
            "n_mapped": int(mapping.notna().sum()),
            "usage": usage.as_dict(),
        },
        "centroid_mapping": {"accuracy": centroid["accuracy"], "per_language": centroid["per_language"]},
        "levels": levels.to_dict("records"),
        "stage_costs": stage_costs(result.manifest).to_dict("records"),
    }
    return metrics, table


def evaluate_privacy(
    data_dir: str | os.PathLike[str],
    result: ClioResult,
    export_dir: str | os.PathLike[str],
    config: Config | None = None,
    *,
    n_audit_items: int = 200,
    audit_threshold: int | None = None,
) -> dict[str, Any]:
    """Export the run, then measure leakage by stage and the auditor's agreement with labels.

    Parameters
    ----------
    data_dir : path
        The synthetic data set the run was made on.
    result : ClioResult
        The run.
    export_dir : path
        Where the run is exported.
    config : Config, optional
        Backend (``backend.name``, ``backend.model``) and ``seed`` of the audit check; default:
        the run's own config (:func:`run_config`).
    n_audit_items : int, default=200
        Labelled summaries for the auditor check; 0 skips it.
    audit_threshold : int, optional
        Ratings below this count as flagged; default: the config's ``privacy.audit_threshold``.

    Returns
    -------
    dict
        ``headline`` (scalars: leak share per stage, canary tokens exported, clusters
        suppressed by size and audit, auditor agreement and recall), ``leakage``
        (:func:`leakage_by_stage`), ``auditor`` (:func:`auditor_agreement` on
        :func:`audit_items`, with the backend's name and whether it is heuristic) and
        ``stage_costs``.
    """
    from cliokit.backends import get_backend
    from cliokit.evals.audit import audit_items, auditor_agreement
    from cliokit.evals.leakage import leakage_by_stage
    from cliokit.export import export_run
    from cliokit.tables import stage_costs

    cfg = config if config is not None else run_config(result)
    seed = cfg.seed
    threshold = cfg.privacy.audit_threshold if audit_threshold is None else audit_threshold
    export_run(result, export_dir)
    leakage = leakage_by_stage(data_dir, result.run_dir, export_dir)
    path = Path(data_dir) / "taxonomy.yaml"
    subtopics = load_taxonomy(path if path.exists() else None).subtopics
    if "concern" in subtopics.columns:  # summaries of ordinary topics: the audit judges privacy, not harm
        subtopics = subtopics[pd.to_numeric(subtopics["concern"], errors="coerce").fillna(0) <= 1]
    backend_obj = get_backend(cfg.backend.name)
    auditor: dict[str, Any] = {"backend": backend_obj.name, "heuristic": backend_obj.heuristic}
    if n_audit_items > 0:
        items = audit_items(data_dir, n_audit_items, seed=seed, subtopics=subtopics)
        auditor.update(auditor_agreement(backend_obj, items, threshold))
    headline: dict[str, Any] = {f"leak_{s['stage']}": s["share"] for s in leakage["stages"]}
    headline.update(
        canary_tokens=leakage["canary"]["n_tokens"],
        canary_exported=leakage["canary"]["found_exported"],
        suppressed_size=leakage["suppressed"]["size"],
        suppressed_audit=leakage["suppressed"]["audit"],
        auditor_agreement=auditor.get("agreement"),
        auditor_recall=auditor.get("recall"),
    )
    return {
        "headline": headline,
        "leakage": leakage,
        "auditor": auditor,
        "stage_costs": stage_costs(result.manifest).to_dict("records"),
    }


def _plain(value: Any) -> Any:
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return None if np.isnan(value) else float(value)
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if value is pd.NA:
        return None
    return str(value)


def _finite(obj: Any) -> Any:
    """NaN and infinities → None, recursively (plain JSON has no NaN)."""
    if isinstance(obj, float) and not np.isfinite(obj):
        return None
    if isinstance(obj, Mapping):
        return {str(k): _finite(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_finite(v) for v in obj]
    return obj


def write_metrics(
    output_dir: str | os.PathLike[str],
    *,
    notebook: str,
    parameters: Mapping[str, Any],
    metrics: Mapping[str, Any],
    timings: Mapping[str, float] | None = None,
    run_dir: str | os.PathLike[str] | None = None,
) -> Path:
    """Write ``output_dir/metrics.json``: plain JSON with the parameters, metrics and timings.

    Layout: ``{"metrics_version", "notebook", "parameters", "timings", "run_dir", <metrics>}``,
    the metrics' top-level keys (``accuracy``, ``levels``, ``leakage``, ...) at the top level.
    """
    from cliokit.rundir import write_json

    doc = {
        "metrics_version": METRICS_VERSION,
        "notebook": notebook,
        "parameters": dict(parameters),
        "timings": dict(timings or {}),
        "run_dir": os.fspath(run_dir) if run_dir is not None else None,
        **metrics,
    }
    plain = _finite(json.loads(json.dumps(doc, default=_plain)))
    path = Path(output_dir) / "metrics.json"
    write_json(plain, path)
    return path


def reconstruction_figures(metrics: Mapping[str, Any], output_dir: str | os.PathLike[str]) -> dict[str, Any]:
    """Build and save (PNG + SVG) the reconstruction charts; returns name → chart."""
    from cliokit.evals import figures

    charts = {
        "accuracy_by_language": figures.accuracy_by_language_chart(metrics["accuracy"]),
        "accuracy_by_category": figures.category_accuracy_chart(metrics["accuracy"]),
        "level_scores": figures.level_scores_chart(pd.DataFrame(metrics["levels"])),
    }
    for name, chart in charts.items():
        figures.save_chart(chart, Path(output_dir) / name)
    return charts


def privacy_figures(metrics: Mapping[str, Any], output_dir: str | os.PathLike[str]) -> dict[str, Any]:
    """Build and save (PNG + SVG) the privacy charts; returns name → chart."""
    from cliokit.evals import figures

    charts = {
        "leakage_by_stage": figures.leakage_chart(metrics["leakage"]),
        "leakage_by_kind": figures.leakage_by_kind_chart(metrics["leakage"]),
    }
    for name, chart in charts.items():
        figures.save_chart(chart, Path(output_dir) / name)
    return charts
