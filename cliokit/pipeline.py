"""The runner: connects the pure stage functions to a resumable run directory.

load → scrub → facets → embed → cluster → (size filter) → name → audit → hierarchy (with the
size filter and audit at every level) → project. Each stage's output is fingerprinted; a re-run
into the same directory skips stages whose inputs and config are unchanged.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import resource
import tempfile
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from cliokit import cluster as cluster_stage
from cliokit import facets as facets_stage
from cliokit import hierarchy as hierarchy_stage
from cliokit import name as name_stage
from cliokit import privacy as privacy_stage
from cliokit import project as project_stage
from cliokit.backends import Backend, CallPolicy, get_backend
from cliokit.backends.batch import BatchPolicy
from cliokit.backends.cache import ResponseCache
from cliokit.backends.calls import StageUsage
from cliokit.backends.ratelimit import RateLimiter
from cliokit.cluster import centroids
from cliokit.config import Config, derive_seed, resolve_levels, resolve_thresholds, stable_hash
from cliokit.embedders import Embedder, get_embedder
from cliokit.errors import CliokitError, ConfigError
from cliokit.load import LoadResult, load_conversations, truncate_conversations, write_rejected
from cliokit.prompts import TEMPLATES, prompt_hashes
from cliokit.result import CLUSTER_COLUMNS, ClioResult
from cliokit.rundir import RunDir, environment, package_versions, write_npy, write_parquet

logger = logging.getLogger(__name__)

T = TypeVar("T")


def _reset_peak_rss() -> None:
    """Reset the process's peak RSS where Linux allows it, so each stage reports its own peak."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def _peak_rss_mb() -> float:
    """Peak RSS since the last reset (Linux ``VmHWM``), else since the process started."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _hash_conversations(conversations: pd.DataFrame) -> str:
    h = hashlib.sha256()
    for cid, uid, messages in zip(
        conversations["conversation_id"], conversations["user_id"], conversations["messages"], strict=True
    ):
        h.update(
            json.dumps([cid, uid, [[m["role"], m["content"]] for m in messages]], ensure_ascii=False).encode()
        )
    return h.hexdigest()


class _Runner:
    """The per-run objects (config, run directory, backend, embedder) and the fingerprinted stage runner."""

    def __init__(self, config: Config, rundir: RunDir, backend: Backend, embedder: Embedder) -> None:
        self.cfg = config
        self.rd = rundir
        self.backend = backend
        self.embedder = embedder
        self.usage: dict[str, StageUsage] = {}
        self.progress = config.progress

    def stage(
        self, name: str, fingerprint: str, files: list[str], compute: Callable[[], dict[str, Any]]
    ) -> bool:
        """Run ``compute`` unless the stage is done with this fingerprint; returns True if it ran."""
        if self.rd.is_done(name, fingerprint):
            logger.info("stage %s: unchanged, reusing %s", name, ", ".join(files))
            return False
        self.rd.forget(name)
        _reset_peak_rss()
        start = time.perf_counter()
        logger.info("stage %s: running", name)
        info = compute()
        for key, usage in self.usage.items():
            self.rd.manifest.usage[key] = usage.as_dict()
        self.rd.mark_done(name, fingerprint, files, time.perf_counter() - start, _peak_rss_mb(), info)
        return True

    def stage_usage(self, name: str) -> StageUsage:
        self.usage[name] = StageUsage(
            prices=self.cfg.backend.prices, batch_discount=self.cfg.backend.batch_discount
        )
        return self.usage[name]

    def model(self, task: str) -> str:
        """Model id the backend uses for ``task`` (per-task config wins over the backend default)."""
        return self.backend.model_id(task)

    def backend_key(self) -> str:
        return stable_hash(
            {
                "describe": self.backend.describe(),
                "models": {t: self.backend.model_id(t) for t in TEMPLATES},
            }
        )


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


def run(
    data: str | os.PathLike[str] | pd.DataFrame | list[str | os.PathLike[str]],
    config: Config | str | os.PathLike[str] | Mapping[str, Any] | None = None,
    *,
    out: str | os.PathLike[str] | None = None,
    backend: str | Backend | None = None,
    embedder: str | Embedder | None = None,
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
        Overrides ``config.backend.name``.
    embedder : str or Embedder, optional
        Overrides ``config.embed.model``.
    **overrides
        Nested config changes, e.g. ``cluster={"k": 20}``.

    Returns
    -------
    ClioResult

    Examples
    --------
    >>> import cliokit  # doctest: +SKIP
    >>> result = cliokit.run("examples/conversations.jsonl", out="runs/example")  # doctest: +SKIP
    >>> result.visible_clusters(level=1)[["name", "n_conversations"]]  # doctest: +SKIP
    """
    cfg = _resolve_config(config, overrides)
    if isinstance(backend, str):
        cfg = cfg.replace(backend={"name": backend})
    if isinstance(embedder, str):
        cfg = cfg.replace(embed={"model": embedder})
    run_path = Path(out) if out is not None else Path(tempfile.mkdtemp(prefix="cliokit-run-"))
    rd = RunDir(run_path)
    backend_obj = backend if isinstance(backend, Backend) else get_backend(cfg.backend.name, cfg.backend)
    own_policy = backend_obj.policy is None  # a policy the caller set stays theirs
    if own_policy:
        backend_obj.policy = call_policy(backend_obj, cfg, rd)
    embedder_obj = embedder if isinstance(embedder, Embedder) else get_embedder(cfg.embed.model)
    runner = _Runner(cfg, rd, backend_obj, embedder_obj)
    m = rd.manifest
    m.status = "running"
    m.error = None
    m.config = cfg.model_dump(mode="json")
    m.backend = {**backend_obj.describe(), "models": {t: backend_obj.model_id(t) for t in TEMPLATES}}
    m.prompts = prompt_hashes()
    m.versions = package_versions()
    m.environment = environment()
    m.notes = []
    if backend_obj.heuristic:
        m.notes.append(
            "Offline heuristic backend: facets are extractive, scrubbed excerpts of user turns, names are "
            "keyword-based and the hierarchy uses k-means; these approximate what a model would write."
        )
    rd.save()
    try:
        _run_stages(runner, data)
    except BaseException as exc:
        m.status = "failed"
        m.error = f"{type(exc).__name__}: {exc}"
        rd.save()
        raise
    finally:
        if own_policy and backend_obj.policy is not None:
            if backend_obj.policy.cache is not None:
                backend_obj.policy.cache.close()
            backend_obj.policy = None
    m.usage["total"] = _total_usage({k: v for k, v in m.usage.items() if k not in ("total", "this_run")})
    # stages skipped on a resume keep the usage that produced their outputs; this run's own calls:
    m.usage["this_run"] = _total_usage({k: u.as_dict() for k, u in runner.usage.items()})
    m.status = "complete"
    rd.save()
    logger.info("run complete: %s", run_path)
    return ClioResult.load(run_path)


def call_policy(backend: Backend, cfg: Config, rd: RunDir) -> CallPolicy:
    """The response cache, rate limiter and batching a run uses with ``backend``.

    Heuristic backends get none of them (their answers cost nothing and are recomputed).
    """
    if backend.heuristic:
        return CallPolicy()
    b = cfg.backend
    cache_dir = Path(b.cache_dir) if b.cache_dir else rd.file("cache")
    return CallPolicy(
        cache=ResponseCache(cache_dir / "responses.sqlite") if b.cache else None,
        limiter=(
            RateLimiter(b.requests_per_minute, b.tokens_per_minute)
            if b.requests_per_minute or b.tokens_per_minute
            else None
        ),
        batch=(
            BatchPolicy(frozenset(b.batch_tasks), rd.file("batches"), b.batch_poll_s)
            if b.batch and backend.supports_batch
            else None
        ),
    )


def _total_usage(usage: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """Sum of the numeric usage fields over stages."""
    total: dict[str, Any] = {}
    for stage in usage.values():
        for key, value in stage.items():
            if isinstance(value, int | float) and not isinstance(value, bool):
                total[key] = total.get(key, 0) + value
    if "cost_usd" in total:
        total["cost_usd"] = round(total["cost_usd"], 6)
    return total


def _run_stages(r: _Runner, data: Any) -> None:
    cfg, rd, m = r.cfg, r.rd, r.rd.manifest

    # load (always: cheap, and it fingerprints the input)
    start = time.perf_counter()
    loaded: LoadResult = load_conversations(
        data,
        cfg.load.format,
        strict=cfg.load.strict,
        max_messages=cfg.load.max_messages,
        max_chars=cfg.load.max_chars,
    )
    write_rejected(loaded.rejected, rd.file("rejected.jsonl"))
    conversations, n_truncated = truncate_conversations(loaded.conversations, cfg.load.max_tokens)
    if conversations.empty:
        raise CliokitError(
            f"no conversation was accepted ({loaded.n_read} read, {len(loaded.rejected)} rejected)"
        )
    input_fp = _hash_conversations(conversations)
    m.counts.update(
        read=loaded.n_read,
        accepted=len(loaded.conversations),
        rejected=len(loaded.rejected),
        user_id_missing=loaded.n_user_id_missing,
        truncated=n_truncated,
    )
    m.resolved["load"] = {"format": loaded.format, "seconds": round(time.perf_counter() - start, 3)}
    rd.save()

    # scrub + facets
    facets_fp = stable_hash(
        {
            "input": input_fp,
            "stage": f"facets@{facets_stage.STAGE_VERSION}",
            "config": cfg.section_hash("load", "scrub", "facets"),
            "prompt": m.prompts["facets"],
            "backend": r.backend_key(),
            "presidio": m.versions.get("presidio-analyzer"),
            "keep_text": cfg.keep_text,
        }
    )
    facet_files = ["facets.parquet"] + (["conversations.parquet"] if cfg.keep_text else [])

    def do_facets() -> dict[str, Any]:
        convs = conversations
        info: dict[str, Any] = {}
        if cfg.scrub.enabled:
            from cliokit.scrub import scrub_conversations

            convs, found = scrub_conversations(
                conversations, entities=cfg.scrub.entities, threshold=cfg.scrub.threshold, progress=r.progress
            )
            info["scrubbed"] = found
        facets = facets_stage.extract_facets(
            convs,
            r.backend,
            cfg.facets,
            r.stage_usage("facets"),
            model=r.model("facets"),
            progress=r.progress,
        )
        write_parquet(facets, rd.file("facets.parquet"))
        if cfg.keep_text:
            write_parquet(convs[["conversation_id", "user_id", "messages"]], rd.file("conversations.parquet"))
        info["failed"] = int(facets["facet_error"].notna().sum())
        return info

    r.stage("facets", facets_fp, facet_files, do_facets)
    facets = pd.read_parquet(rd.file("facets.parquet"))
    m.counts["facets_failed"] = int(facets["facet_error"].notna().sum())

    # embed
    if cfg.embed.facet not in facets.columns:
        raise ConfigError(f"`embed.facet` must name a facet column; got {cfg.embed.facet!r}")
    embed_fp = stable_hash(
        {
            "facets": facets_fp,
            "stage": "embed@1",
            "facet": cfg.embed.facet,
            "embedder": r.embedder.fingerprint,
        }
    )
    cache_dir = cfg.embed.cache_dir or str(rd.file("cache"))

    def embed_texts(texts: list[str]) -> np.ndarray:
        return r.embedder.embed(texts, batch_size=cfg.embed.batch_size, progress=False, cache_dir=cache_dir)

    def do_embed() -> dict[str, Any]:
        texts = facets[cfg.embed.facet].fillna("").astype(str).tolist()
        vectors = r.embedder.embed(
            texts, batch_size=cfg.embed.batch_size, progress=r.progress, cache_dir=cache_dir
        )
        write_npy(vectors.astype(np.float32), rd.file("embeddings.npy"))
        return {"dim": int(vectors.shape[1])}

    r.stage("embed", embed_fp, ["embeddings.npy"], do_embed)
    m.embedder = r.embedder.describe()
    embeddings = np.load(rd.file("embeddings.npy"))
    ok = facets["facet_error"].isna().to_numpy()
    ok_idx = np.flatnonzero(ok)
    if ok_idx.size == 0:
        raise CliokitError("facet extraction failed for every conversation; see facets.parquet's facet_error")
    X = embeddings[ok_idx]
    users = facets["user_id"].astype(str).to_numpy()[ok_idx]
    min_conv, min_users = resolve_thresholds(len(ok_idx), len(set(users)), cfg.privacy)
    m.resolved["privacy"] = {"min_conversations": min_conv, "min_users": min_users}

    # project, started now in a background thread: UMAP's first fit in a process spends tens of
    # seconds compiling numba code, which then overlaps with clustering, naming and the hierarchy.
    project_fp = stable_hash(
        {
            "embed": embed_fp,
            "stage": f"project@{project_stage.STAGE_VERSION}",
            "config": cfg.section_hash("project"),
            "seed": cfg.seed,
        }
    )
    background: Future[tuple[np.ndarray, float]] | None = None
    if not rd.is_done("project", project_fp):
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cliokit-project")
        background = pool.submit(
            _timed,
            project_stage.project_embeddings,
            embeddings,
            cfg.project,
            derive_seed(cfg.seed, "project"),
        )
        pool.shutdown(wait=False)

    # cluster
    cluster_fp = stable_hash(
        {
            "embed": embed_fp,
            "stage": f"cluster@{cluster_stage.STAGE_VERSION}",
            "config": cfg.section_hash("cluster"),
            "seed": cfg.seed,
        }
    )

    def do_cluster() -> dict[str, Any]:
        labels, info = cluster_stage.cluster_embeddings(X, cfg.cluster, derive_seed(cfg.seed, "cluster"))
        write_parquet(
            pd.DataFrame(
                {"conversation_id": facets["conversation_id"].to_numpy()[ok_idx], "cluster": labels}
            ),
            rd.file("stages/base_labels.parquet"),
        )
        return info

    r.stage("cluster", cluster_fp, ["stages/base_labels.parquet"], do_cluster)
    cluster_info = rd.manifest.stages["cluster"].info
    m.resolved["cluster"] = cluster_info
    labels = pd.read_parquet(rd.file("stages/base_labels.parquet"))["cluster"].to_numpy()
    n_base = int(cluster_info["n_clusters"])
    centres = centroids(X, labels, n_base)

    # name + audit the base level
    audit_key = {
        "audit": cfg.privacy.audit,
        "threshold": cfg.privacy.audit_threshold,
        "prompt": m.prompts["audit"],
    }
    name_fp = stable_hash(
        {
            "cluster": cluster_fp,
            "stage": f"name@{name_stage.STAGE_VERSION}",
            "config": cfg.section_hash("name"),
            "thresholds": [min_conv, min_users],
            "prompt": m.prompts["name_cluster"],
            "audit": audit_key,
            "backend": r.backend_key(),
            "seed": cfg.seed,
        }
    )

    def do_name() -> dict[str, Any]:
        sizes = privacy_stage.cluster_sizes(labels, users, n_base)
        too_small = privacy_stage.below_minimum(sizes, min_conv, min_users)
        reason = _reasons(too_small, "size")
        outlier = cluster_info.get("outlier_cluster")
        if outlier is not None:
            too_small[outlier] = True
            reason[outlier] = "outliers"
        named = name_stage.name_clusters(
            facets.iloc[ok_idx].reset_index(drop=True),
            labels,
            X,
            centres,
            too_small,
            r.backend,
            cfg.name,
            r.stage_usage("name"),
            facet=cfg.embed.facet,
            min_users=min_users,
            seed=derive_seed(cfg.seed, "name"),
            model=r.model("name_cluster"),
            progress=r.progress,
        )
        base = sizes.merge(named, on="cluster")
        base["suppressed"] = too_small
        base["suppressed_reason"] = reason
        base = _audit(r, base, level=0)
        write_parquet(privacy_stage.apply_suppression(base), rd.file("stages/base_clusters.parquet"))
        return {"named": int(base["name"].notna().sum()), "suppressed": int(base["suppressed"].sum())}

    r.stage("name", name_fp, ["stages/base_clusters.parquet"], do_name)
    base = pd.read_parquet(rd.file("stages/base_clusters.parquet"))

    # hierarchy (size filter and audit at every level)
    level_sizes = resolve_levels(n_base, cfg.hierarchy)
    m.resolved["hierarchy"] = {"level_targets": level_sizes}
    hierarchy_fp = stable_hash(
        {
            "name": name_fp,
            "stage": f"hierarchy@{hierarchy_stage.STAGE_VERSION}",
            "config": cfg.section_hash("hierarchy", "privacy"),
            "prompts": m.prompts,
            "backend": r.backend_key(),
            "embedder": r.embedder.fingerprint,
            "seed": cfg.seed,
        }
    )

    def do_hierarchy() -> dict[str, Any]:
        usage = r.stage_usage("hierarchy")
        levels = [base.assign(level=0)]
        conv_labels = [labels]
        notes: list[str] = []
        for depth, target in enumerate(level_sizes, start=1):
            children = levels[-1]
            child_vecs = centroids(X, conv_labels[-1], len(children))
            built = hierarchy_stage.build_level(
                children,
                child_vecs,
                target,
                r.backend,
                embed_texts,
                cfg.hierarchy,
                usage,
                level=depth,
                seed=derive_seed(cfg.seed, f"hierarchy-{depth}"),
                model=r.model("propose"),
                progress=r.progress,
            )
            if built is None:
                notes.append(
                    f"level {depth}: no child had a name to build on; the hierarchy stops at {depth - 1}"
                )
                break
            notes.extend(built.notes)
            parent_labels = built.parent_of_child[conv_labels[-1]]
            sizes = privacy_stage.cluster_sizes(parent_labels, users, len(built.clusters))
            parents = sizes.merge(built.clusters, on="cluster")
            too_small = privacy_stage.below_minimum(parents, min_conv, min_users)
            parents["suppressed"] = too_small
            parents["suppressed_reason"] = _reasons(too_small, "size")
            parents = privacy_stage.apply_suppression(_audit(r, parents, level=depth, usage=usage))
            levels[-1] = children.assign(parent=built.parent_of_child)
            levels.append(parents.assign(level=depth))
            conv_labels.append(parent_labels)
        levels[-1] = levels[-1].assign(parent=-1)
        clusters, assignments = _assemble(levels, conv_labels, facets, ok_idx)
        write_parquet(clusters, rd.file("clusters.parquet"))
        write_parquet(assignments, rd.file("assignments.parquet"))
        return {"levels": len(levels), "notes": notes}

    r.stage("hierarchy", hierarchy_fp, ["clusters.parquet", "assignments.parquet"], do_hierarchy)
    clusters = pd.read_parquet(rd.file("clusters.parquet"))
    m.counts.update(
        clusters=len(clusters),
        clusters_suppressed=int(clusters["suppressed"].sum()),
        levels=int(clusters["level"].max()) + 1,
    )

    # project: the 2-D layout was computed in the background; wait for it and write it
    def do_project() -> dict[str, Any]:
        assert background is not None
        xy, seconds = background.result()
        write_parquet(
            pd.DataFrame({"conversation_id": facets["conversation_id"], "x": xy[:, 0], "y": xy[:, 1]}),
            rd.file("projection.parquet"),
        )
        return {"method": cfg.project.method, "compute_seconds": round(seconds, 3)}

    r.stage("project", project_fp, ["projection.parquet"], do_project)


def _reasons(mask: np.ndarray, reason: str) -> np.ndarray:
    """``reason`` where ``mask`` is true, else None (an object array)."""
    out = np.full(mask.shape, None, dtype=object)
    out[mask] = reason
    return out


def _timed(fn: Callable[..., T], *args: Any) -> tuple[T, float]:
    start = time.perf_counter()
    return fn(*args), time.perf_counter() - start


def _audit(r: _Runner, clusters: pd.DataFrame, level: int, usage: StageUsage | None = None) -> pd.DataFrame:
    """Add ``audit_rating`` and suppress clusters rated below the threshold (or whose audit failed)."""
    out = clusters.copy()
    if not r.cfg.privacy.audit:
        out["audit_rating"] = pd.Series(pd.NA, index=out.index, dtype="Int64")
        return out
    visible = out[~out["suppressed"].astype(bool)]
    ratings = privacy_stage.audit_clusters(
        visible,
        r.backend,
        usage or r.stage_usage("audit"),
        level=level,
        model=r.model("audit"),
        progress=False,
    )
    out["audit_rating"] = ratings.reindex(out.index).astype("Int64")
    failed = (
        (~out["suppressed"].astype(bool))
        & out["name"].notna()
        & (out["audit_rating"].isna() | (out["audit_rating"] < r.cfg.privacy.audit_threshold)).fillna(True)
    )
    out.loc[failed, "suppressed"] = True
    out.loc[failed, "suppressed_reason"] = "audit"
    return out


def _assemble(
    levels: list[pd.DataFrame], conv_labels: list[np.ndarray], facets: pd.DataFrame, ok_idx: np.ndarray
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The contract tables: ``clusters.parquet`` and ``assignments.parquet``."""
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
    clusters = pd.concat(frames, ignore_index=True)[CLUSTER_COLUMNS]
    assignments = pd.DataFrame({"conversation_id": facets["conversation_id"]})
    for depth, lab in enumerate(conv_labels):
        col = np.full(len(facets), None, dtype=object)
        col[ok_idx] = [f"{depth}-{c}" for c in lab]
        assignments[f"level_{depth}"] = col
    return clusters, assignments
