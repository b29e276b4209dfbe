"""The pipeline: pick the components, then run the stages into a resumable run directory.

load → scrub → facets → embed → cluster → name → hierarchy, with the privacy filter and audit at
every level, and the 2-D projection in the background (:mod:`cliokit.stages`). Each stage's output
is fingerprinted; a re-run into the same directory skips stages whose inputs and settings are
unchanged, so :func:`rename` re-runs only naming and the hierarchy of an existing run.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cliokit import stages
from cliokit.backends import Backend, call_policy, get_backend
from cliokit.backends.calls import total_usage
from cliokit.config import Config
from cliokit.embedders import Embedder, get_embedder
from cliokit.errors import CliokitError
from cliokit.facets import FacetExtractor, ModelFacets
from cliokit.hierarchy import ClioHierarchy, HierarchyBuilder, ModelSteps
from cliokit.name import ModelNamer, Namer
from cliokit.offline import CentroidHierarchy, KeywordNamer, OfflineFacets, PatternAuditor, PhraseNamer
from cliokit.privacy import ModelAuditor
from cliokit.prompts import TEMPLATES, prompt_hashes
from cliokit.result import ClioResult
from cliokit.rundir import RunDir, environment, package_versions
from cliokit.runner import Components, RunContext, run_stages

logger = logging.getLogger(__name__)

OFFLINE_NOTE = (
    "Offline heuristics: facets are extractive, scrubbed excerpts of user turns, names are built from "
    "shared keywords or phrases and parents group the clusters' centroids; they approximate a model."
)


def default_components(backend: Backend, cfg: Config, name_embedder: Embedder | None = None) -> Components:
    """The model components for ``backend``, or the offline heuristics (``name_embedder`` embeds phrases)."""
    if backend.heuristic:
        namer: Namer = KeywordNamer()
        if cfg.name.offline_namer == "phrases":
            embedder = name_embedder or get_embedder(cfg.embed.model)
            namer = PhraseNamer(
                lambda texts: embedder.embed(texts, batch_size=cfg.embed.batch_size, progress=False),
                embedder.fingerprint,
            )
        return Components(
            facets=OfflineFacets(),
            namer=namer,
            hierarchy=CentroidHierarchy(),
            auditor=PatternAuditor() if cfg.privacy.audit else None,
        )
    return Components(
        facets=ModelFacets(backend),
        namer=ModelNamer(backend),
        hierarchy=ClioHierarchy(ModelSteps(backend, cfg.hierarchy), cfg.hierarchy),
        auditor=ModelAuditor(backend) if cfg.privacy.audit else None,
    )


def run(
    data: str | os.PathLike[str] | Any,
    config: Config | str | os.PathLike[str] | Mapping[str, Any] | None = None,
    *,
    out: str | os.PathLike[str] | None = None,
    backend: str | Backend | None = None,
    embedder: str | Embedder | None = None,
    facets: FacetExtractor | None = None,
    namer: Namer | None = None,
    hierarchy: HierarchyBuilder | None = None,
    **overrides: Any,
) -> ClioResult:
    """Run the whole pipeline and return the finished run.

    Parameters
    ----------
    data : path, list of paths or DataFrame
        Conversations in any format :func:`cliokit.load_conversations` reads.
    config : Config, TOML path, mapping or None
        Settings (None: defaults, i.e. offline).
    out : path, optional
        Run directory (created; re-running into it resumes). None: a new temporary directory.
    backend : str or Backend, optional
        Overrides ``config.backend.name``; the manifest records the one used.
    embedder : str or Embedder, optional
        Overrides ``config.embed.model``; the manifest records the one used. An embedder that
        cannot embed new texts (:class:`~cliokit.embedders.PrecomputedEmbeddings`) embeds the
        conversations; cluster names are then embedded with ``config.embed.model``.
    facets, namer, hierarchy : component, optional
        Replace the default facet extractor, namer or hierarchy builder for ``backend``
        (e.g. ``namer=ModelNamer(get_backend("anthropic"))`` on an offline run).
    **overrides
        Nested config changes, e.g. ``cluster={"k": 20}``.

    Returns
    -------
    ClioResult

    Raises
    ------
    RunLockedError
        When another run is writing into ``out``.

    Examples
    --------
    >>> import cliokit  # doctest: +SKIP
    >>> result = cliokit.run("examples/conversations.jsonl", out="runs/example")  # doctest: +SKIP
    >>> result.visible_clusters(level=1)[["name", "n_conversations"]]  # doctest: +SKIP
    """
    cfg = _resolve_config(config, overrides)
    if isinstance(backend, Backend):
        cfg = cfg.replace(backend={"name": backend.name})
    elif backend is not None:
        cfg = cfg.replace(backend={"name": backend})
    if isinstance(embedder, str):
        cfg = cfg.replace(embed={"model": embedder})
    rd = RunDir(Path(out) if out is not None else Path(tempfile.mkdtemp(prefix="cliokit-run-")))
    with rd.running() as m:  # the directory's lock; status complete, failed or interrupted on exit
        backend_obj = backend if isinstance(backend, Backend) else get_backend(cfg.backend.name, cfg.backend)
        embedder_obj = embedder if isinstance(embedder, Embedder) else get_embedder(cfg.embed.model)
        name_embedder = embedder_obj if embedder_obj.embeds_new_texts else get_embedder(cfg.embed.model)
        parts = default_components(backend_obj, cfg, name_embedder)
        parts = Components(
            facets or parts.facets, namer or parts.namer, hierarchy or parts.hierarchy, parts.auditor
        )
        m.notes = []
        m.config = cfg.model_dump(mode="json")
        m.backend = {**backend_obj.describe(), "models": {t: backend_obj.model_id(t) for t in TEMPLATES}}
        m.embedder = embedder_obj.describe()
        m.components = {
            "facets": parts.facets.key(),
            "namer": parts.namer.key(),
            "hierarchy": parts.hierarchy.key(),
            "auditor": parts.auditor.key() if parts.auditor is not None else None,
            "name_embedder": name_embedder.describe(),
        }
        m.prompts = prompt_hashes()
        m.versions = package_versions()
        m.environment = environment()
        if backend_obj.heuristic:
            m.notes.append(OFFLINE_NOTE)
        rd.save()
        ctx = RunContext(cfg, rd, parts, embedder_obj, progress=cfg.progress)
        pipeline = [
            stages.Load(data),
            stages.Facets(),
            stages.Embed(),
            stages.Project(),
            stages.Cluster(),
            stages.Name(),
            stages.Hierarchy(name_embedder),
            stages.Coordination(),
        ]
        own_policy = backend_obj.policy is None  # a policy the caller set stays theirs
        if own_policy:
            backend_obj.policy = call_policy(backend_obj, cfg.backend, rd.path)
        try:
            run_stages(pipeline, ctx)
        finally:
            if own_policy and backend_obj.policy is not None:
                if backend_obj.policy.cache is not None:
                    backend_obj.policy.cache.close()
                backend_obj.policy = None
        usage = {k: v for k, v in m.usage.items() if k not in ("total", "this_run")}
        m.usage["total"] = total_usage(usage)
        # stages skipped on a resume keep the usage that produced their outputs; this run's own calls:
        m.usage["this_run"] = total_usage({k: u.as_dict() for k, u in ctx.usage.items()})
    logger.info("run complete: %s", rd.path)
    return ClioResult.load(rd.path)


def rename(
    run_dir: str | os.PathLike[str],
    backend: str | Backend,
    *,
    data: str | os.PathLike[str] | Any = None,
    **overrides: Any,
) -> ClioResult:
    """Rename an existing run's clusters (and rebuild its hierarchy) with ``backend``'s model.

    Facets, embeddings and base clusters are reused as they are; only naming, the audit and the
    hierarchy run again, with the model components of ``backend``.

    Parameters
    ----------
    run_dir : path
        A finished run (its manifest holds the config and the input's fingerprint).
    backend : str or Backend
        The model that writes the new names, e.g. ``"anthropic"``.
    data : path or DataFrame, optional
        The run's input; needed only when ``conversations.parquet`` was not kept.
    **overrides
        Config changes, e.g. ``backend={"models": {"name_cluster": "claude-..."}}``.
    """
    rd = RunDir(run_dir)
    if rd.manifest.status != "complete":
        raise CliokitError(f"{run_dir} is not a finished cliokit run (status {rd.manifest.status!r})")
    cfg = Config.build(rd.manifest.config).replace(**overrides)
    backend_obj = (
        backend
        if isinstance(backend, Backend)
        else get_backend(backend, cfg.replace(backend={"name": backend}).backend)
    )
    model = default_components(backend_obj, cfg)
    source = data if data is not None else rd.file("conversations.parquet")
    if data is None and not Path(source).exists():
        raise CliokitError(f"{run_dir} did not keep its conversations (keep_text=false): pass data=")
    recorded = _RecordedFacets(rd.manifest.components["facets"], str(run_dir))
    return run(
        source,
        cfg,
        out=run_dir,
        backend=backend_obj,
        facets=recorded,
        namer=model.namer,
        hierarchy=model.hierarchy,
    )


class _RecordedFacets:
    """The facets a run already has: same fingerprint, so the facets stage is skipped, never recomputed."""

    source, embed_facet = "recorded", ""

    def __init__(self, key: dict[str, Any], run_dir: str) -> None:
        self._key, self._run_dir = key, run_dir

    def key(self) -> dict[str, Any]:
        return self._key

    def extract(self, *_: Any) -> list[Any]:
        raise CliokitError(f"the facets of {self._run_dir} would have to be recomputed (its input changed)")


def _resolve_config(
    config: Config | str | os.PathLike[str] | Mapping[str, Any] | None, overrides: dict[str, Any]
) -> Config:
    if config is None:
        return Config.build(overrides)
    if isinstance(config, Config):
        return config.replace(**overrides) if overrides else config
    if isinstance(config, Mapping):
        return Config.build({**config, **overrides})
    return Config.from_toml(Path(config), **overrides)
