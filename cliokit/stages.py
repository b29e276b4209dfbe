"""The pipeline's stages: each connects one pure stage function to the run directory.

load → facets (scrub + extraction) → embed → project (in the background) → cluster → name (with
the privacy filter and audit of the base level) → hierarchy (with the filter at every level) →
coordination (signals of coordinated activity per unsuppressed cluster).
Each stage documents what it reads from and adds to ``ctx.data``.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import numpy as np
import pandas as pd

from cliokit import cluster as cluster_stage
from cliokit import facets as facets_stage
from cliokit import hierarchy as hierarchy_stage
from cliokit import name as name_stage
from cliokit import project as project_stage
from cliokit.cluster import centroids
from cliokit.config import derive_seed, resolve_levels, resolve_thresholds, stable_hash
from cliokit.embedders import Embedder
from cliokit.errors import CliokitError, ConfigError
from cliokit.load import LoadResult, load_conversations, truncate_conversations, write_rejected
from cliokit.monitor import coordination
from cliokit.privacy import PrivacyFilter, apply_suppression
from cliokit.result import assignments_table
from cliokit.rundir import package_versions, write_npy, write_parquet
from cliokit.runner import RunContext, Stage


class Load(Stage):
    """Read, clean and truncate the input (always; it is cheap and fingerprints the input).

    Adds ``conversations`` (accepted, cleaned, cut to the size limits and truncated to the token
    budget) to ``ctx.data``.
    """

    name = "load"
    files = ("rejected.jsonl",)

    def __init__(self, source: Any) -> None:
        self.source = source
        self._loaded: LoadResult | None = None

    def prepare(self, ctx: RunContext) -> None:
        cfg = ctx.cfg.load
        loaded = self._loaded = load_conversations(
            self.source, cfg.format, strict=cfg.strict, max_messages=cfg.max_messages, max_chars=cfg.max_chars
        )
        conversations, n_truncated = truncate_conversations(loaded.conversations, cfg.max_tokens)
        ctx.rundir.manifest.counts.update(
            read=loaded.n_read,
            accepted=len(loaded.conversations),
            rejected=len(loaded.rejected),
            user_id_missing=loaded.n_user_id_missing,
            cut=loaded.n_cut,
            cleaned=loaded.n_cleaned,
            bad_timestamp=loaded.n_bad_timestamp,
            truncated=n_truncated,
        )
        if conversations.empty:
            raise CliokitError(
                f"no conversation was accepted ({loaded.n_read} read, {len(loaded.rejected)} rejected)"
            )
        ctx.data["conversations"] = conversations
        ctx.rundir.manifest.resolved["load"] = {"format": loaded.format}

    def key(self, ctx: RunContext) -> dict[str, Any]:
        return {
            "input": _hash_conversations(ctx.data["conversations"]),
            "config": ctx.cfg.section_hash("load"),
        }

    def compute(self, ctx: RunContext) -> dict[str, Any]:
        assert self._loaded is not None
        write_rejected(self._loaded.rejected, ctx.file("rejected.jsonl"))
        return {}


class Facets(Stage):
    """Scrub the conversations, then extract facets. Adds ``facets``."""

    name = "facets"
    version = facets_stage.STAGE_VERSION
    after = ("load",)

    def outputs(self, ctx: RunContext) -> list[str]:
        return ["facets.parquet"] + (["conversations.parquet"] if ctx.cfg.keep_text else [])

    def key(self, ctx: RunContext) -> dict[str, Any]:
        dumped = ctx.cfg.model_dump(mode="json")
        facets = {k: v for k, v in dumped["facets"].items() if k != "workers"}  # cannot change the output
        return {
            "config": stable_hash({"scrub": dumped["scrub"], "facets": facets}),
            "extractor": ctx.components.facets.key(),
            "presidio": package_versions(["presidio-analyzer"])["presidio-analyzer"],
            "keep_text": ctx.cfg.keep_text,
        }

    def compute(self, ctx: RunContext) -> dict[str, Any]:
        cfg = ctx.cfg
        convs = ctx.data["conversations"]
        workers = facets_stage.resolve_workers(cfg.facets.workers, len(convs))
        ctx.rundir.manifest.resolved["facets"] = {"workers": workers}
        facets, convs, counts = facets_stage.scrub_and_extract(
            convs,
            ctx.components.facets,
            cfg.facets,
            ctx.usage_for("facets"),
            scrub=cfg.scrub if cfg.scrub.enabled else None,
            workers=workers,
            progress=ctx.progress,
        )
        info: dict[str, Any] = {} if counts is None else {"scrubbed": counts}
        write_parquet(facets, ctx.file("facets.parquet"))
        if cfg.keep_text:
            write_parquet(
                convs[["conversation_id", "user_id", "messages"]], ctx.file("conversations.parquet")
            )
        info["failed"] = int(facets["facet_error"].notna().sum())
        return info

    def load(self, ctx: RunContext) -> None:
        facets = ctx.data["facets"] = pd.read_parquet(ctx.file("facets.parquet"))
        ctx.rundir.manifest.counts["facets_failed"] = int(facets["facet_error"].notna().sum())


class Embed(Stage):
    """Embed one facet of every conversation.

    Adds ``embeddings`` (all rows), ``rows`` (positions of the conversations whose facets worked),
    ``X`` (their embeddings) and ``users`` (their user ids).
    """

    name = "embed"
    after = ("facets",)
    files = ("embeddings.npy",)

    def prepare(self, ctx: RunContext) -> None:
        facet = ctx.cfg.embed.facet
        if facet == "auto":
            recorded = ctx.rundir.manifest.resolved.get("embed", {}).get("facet", "request")
            facet = ctx.components.facets.embed_facet or recorded
        if facet not in ctx.data["facets"].columns:
            raise ConfigError(f"`embed.facet` must be 'auto' or name a facet column; got {facet!r}")
        ctx.data["embed_facet"] = facet
        ctx.rundir.manifest.resolved["embed"] = {"facet": facet}

    def key(self, ctx: RunContext) -> dict[str, Any]:
        return {"facet": ctx.data["embed_facet"], "embedder": ctx.embedder.fingerprint}

    def compute(self, ctx: RunContext) -> dict[str, Any]:
        texts = ctx.data["facets"][ctx.data["embed_facet"]].fillna("").astype(str).tolist()
        vectors = ctx.embedder.embed(
            texts, batch_size=ctx.cfg.embed.batch_size, progress=ctx.progress, cache_dir=_cache_dir(ctx)
        )
        write_npy(vectors.astype(np.float32), ctx.file("embeddings.npy"))
        return {"dim": int(vectors.shape[1])}

    def load(self, ctx: RunContext) -> None:
        facets = ctx.data["facets"]
        embeddings = ctx.data["embeddings"] = np.load(ctx.file("embeddings.npy"))
        rows = ctx.data["rows"] = np.flatnonzero(facets["facet_error"].isna().to_numpy())
        if rows.size == 0:
            raise CliokitError(
                "facet extraction failed for every conversation; see facets.parquet's facet_error"
            )
        ctx.data["X"] = embeddings[rows]
        ctx.data["users"] = facets["user_id"].astype(str).to_numpy()[rows]


class Project(Stage):
    """The 2-D map of every conversation, computed in the background.

    UMAP's first fit in a process spends tens of seconds compiling numba code, which overlaps
    with clustering, naming and the hierarchy.
    """

    name = "project"
    version = project_stage.STAGE_VERSION
    after = ("embed",)
    files = ("projection.parquet",)
    background = True

    def key(self, ctx: RunContext) -> dict[str, Any]:
        return {"config": ctx.cfg.section_hash("project"), "seed": ctx.cfg.seed}

    def compute(self, ctx: RunContext) -> dict[str, Any]:
        xy = project_stage.project_embeddings(
            ctx.data["embeddings"], ctx.cfg.project, derive_seed(ctx.cfg.seed, "project")
        )
        ids = ctx.data["facets"]["conversation_id"]
        write_parquet(
            pd.DataFrame({"conversation_id": ids, "x": xy[:, 0], "y": xy[:, 1]}),
            ctx.file("projection.parquet"),
        )
        return {"method": ctx.cfg.project.method}


class Cluster(Stage):
    """Base clusters of the conversations whose facets worked. Adds ``labels`` and ``n_base``."""

    name = "cluster"
    version = cluster_stage.STAGE_VERSION
    after = ("embed",)
    files = ("stages/base_labels.parquet",)

    def key(self, ctx: RunContext) -> dict[str, Any]:
        return {"config": ctx.cfg.section_hash("cluster"), "seed": ctx.cfg.seed}

    def compute(self, ctx: RunContext) -> dict[str, Any]:
        labels, info = cluster_stage.cluster_embeddings(
            ctx.data["X"], ctx.cfg.cluster, derive_seed(ctx.cfg.seed, "cluster")
        )
        ids = ctx.data["facets"]["conversation_id"].to_numpy()[ctx.data["rows"]]
        write_parquet(
            pd.DataFrame({"conversation_id": ids, "cluster": labels}), ctx.file("stages/base_labels.parquet")
        )
        return info

    def load(self, ctx: RunContext) -> None:
        info = ctx.rundir.manifest.stages["cluster"].info
        ctx.rundir.manifest.resolved["cluster"] = info
        ctx.data["cluster_info"] = info
        ctx.data["labels"] = pd.read_parquet(ctx.file("stages/base_labels.parquet"))["cluster"].to_numpy()
        ctx.data["n_base"] = int(info["n_clusters"])


class Name(Stage):
    """Name the base clusters, then filter them by size and audit. Adds ``privacy`` and ``base``."""

    name = "name"
    version = name_stage.STAGE_VERSION
    after = ("cluster",)
    files = ("stages/base_clusters.parquet",)

    def prepare(self, ctx: RunContext) -> None:
        users = ctx.data["users"]
        min_conv, min_users = resolve_thresholds(len(users), len(set(users)), ctx.cfg.privacy)
        ctx.rundir.manifest.resolved["privacy"] = {
            "min_conversations": min_conv,
            "min_users": min_users,
            "unsafe_allow_below_floor": ctx.cfg.privacy.unsafe_allow_below_floor,
        }
        ctx.data["privacy"] = PrivacyFilter(
            min_conv, min_users, ctx.components.auditor, ctx.cfg.privacy.audit_threshold
        )

    def key(self, ctx: RunContext) -> dict[str, Any]:
        return {
            "config": ctx.cfg.section_hash("name"),
            "privacy": ctx.data["privacy"].key(),
            "namer": ctx.components.namer.key(),
            "seed": ctx.cfg.seed,
        }

    def compute(self, ctx: RunContext) -> dict[str, Any]:
        privacy: PrivacyFilter = ctx.data["privacy"]
        labels, n_base = ctx.data["labels"], ctx.data["n_base"]
        sizes = privacy.sizes(
            labels, ctx.data["users"], n_base, ctx.data["cluster_info"].get("outlier_cluster")
        )
        named = name_stage.name_clusters(
            ctx.data["facets"].iloc[ctx.data["rows"]].reset_index(drop=True),
            labels,
            ctx.data["X"],
            centroids(ctx.data["X"], labels, n_base),
            sizes["suppressed"].to_numpy(),
            ctx.components.namer,
            ctx.cfg.name,
            ctx.usage_for("name"),
            facet=ctx.data["embed_facet"],
            min_users=privacy.min_users,
            seed=derive_seed(ctx.cfg.seed, "name"),
            progress=ctx.progress,
        )
        base = privacy.audit(sizes.merge(named, on="cluster"), level=0, usage=ctx.usage_for("audit"))
        write_parquet(apply_suppression(base), ctx.file("stages/base_clusters.parquet"))
        return {"named": int(base["name"].notna().sum()), "suppressed": int(base["suppressed"].sum())}

    def load(self, ctx: RunContext) -> None:
        ctx.data["base"] = pd.read_parquet(ctx.file("stages/base_clusters.parquet"))


class Hierarchy(Stage):
    """Levels above the base, each filtered by size and audit before it is built on."""

    name = "hierarchy"
    version = hierarchy_stage.STAGE_VERSION
    after = ("name",)
    files = ("clusters.parquet", "assignments.parquet")

    def __init__(self, name_embedder: Embedder) -> None:
        self.name_embedder = name_embedder

    def prepare(self, ctx: RunContext) -> None:
        cfg = ctx.cfg.hierarchy
        n_base = ctx.data["n_base"]
        if n_base > 2:
            top, choice = cluster_stage.choose_top_k(
                centroids(ctx.data["X"], ctx.data["labels"], n_base), cfg
            )
        else:
            top, choice = n_base, {"top_k": n_base, "criterion": "too few base clusters"}
        levels = ctx.data["level_sizes"] = resolve_levels(n_base, cfg, top)
        ctx.rundir.manifest.resolved["hierarchy"] = {"level_targets": levels, "top": choice}

    def key(self, ctx: RunContext) -> dict[str, Any]:
        return {
            "config": ctx.cfg.section_hash("hierarchy"),
            "privacy": ctx.data["privacy"].key(),
            "builder": ctx.components.hierarchy.key(),
            "namer": ctx.components.namer.key(),
            "embedder": self.name_embedder.fingerprint,
            "seed": ctx.cfg.seed,
            "levels": ctx.data["level_sizes"],
        }

    def compute(self, ctx: RunContext) -> dict[str, Any]:
        def embed(texts: list[str]) -> np.ndarray:
            return self.name_embedder.embed(
                texts, batch_size=ctx.cfg.embed.batch_size, progress=False, cache_dir=_cache_dir(ctx)
            )

        facets = ctx.data["facets"].iloc[ctx.data["rows"]].reset_index(drop=True)
        privacy: PrivacyFilter = ctx.data["privacy"]

        def name_conversations(labels: np.ndarray, n: int) -> pd.DataFrame:
            return name_stage.name_clusters(
                facets,
                labels,
                ctx.data["X"],
                centroids(ctx.data["X"], labels, n),
                np.zeros(n, dtype=bool),
                ctx.components.namer,
                ctx.cfg.name,
                ctx.usage_for("hierarchy"),
                facet=ctx.data["embed_facet"],
                min_users=privacy.min_users,
                seed=derive_seed(ctx.cfg.seed, "name"),
                progress=False,
            )

        tree = hierarchy_stage.build_hierarchy(
            ctx.data["base"],
            ctx.data["labels"],
            ctx.data["X"],
            ctx.data["users"],
            ctx.data["level_sizes"],
            ctx.components.hierarchy,
            ctx.data["privacy"],
            embed,
            ctx.usage_for("hierarchy"),
            seed=ctx.cfg.seed,
            progress=ctx.progress,
            name_conversations=name_conversations,
        )
        assignments = assignments_table(ctx.data["facets"]["conversation_id"], tree.labels, ctx.data["rows"])
        write_parquet(tree.clusters, ctx.file("clusters.parquet"))
        write_parquet(assignments, ctx.file("assignments.parquet"))
        return {"levels": len(tree.labels), "notes": tree.notes}

    def load(self, ctx: RunContext) -> None:
        clusters = pd.read_parquet(ctx.file("clusters.parquet"))
        ctx.rundir.manifest.counts.update(
            clusters=len(clusters),
            clusters_suppressed=int(clusters["suppressed"].sum()),
            levels=int(clusters["level"].max()) + 1,
        )


class Coordination(Stage):
    """Signals of coordinated or automated activity per unsuppressed cluster, and their flags.

    Reads the embedded facet and the finished tree (:mod:`cliokit.monitor.coordination`); writes
    ``coordination.parquet`` unless ``coordination.enabled`` is false.
    """

    name = "coordination"
    after = ("hierarchy",)

    def outputs(self, ctx: RunContext) -> list[str]:
        return [coordination.FILE] if ctx.cfg.coordination.enabled else []

    def key(self, ctx: RunContext) -> dict[str, Any]:
        return {
            "config": ctx.cfg.section_hash("coordination"),
            "facet": ctx.data["embed_facet"],
            "datasketch": package_versions(["datasketch"])["datasketch"],
        }

    def compute(self, ctx: RunContext) -> dict[str, Any]:
        if not ctx.cfg.coordination.enabled:
            ctx.file(coordination.FILE).unlink(missing_ok=True)  # no stale signals from an earlier run
            return {}
        facets = ctx.data["facets"]
        columns = [c for c in ("conversation_id", "user_id", "timestamp") if c in facets.columns]
        signals = coordination.coordination_signals(
            facets[columns].assign(text=facets[ctx.data["embed_facet"]]),
            pd.read_parquet(ctx.file("assignments.parquet")),
            pd.read_parquet(ctx.file("clusters.parquet")),
            ctx.cfg.coordination,
        )
        write_parquet(signals, ctx.file(coordination.FILE))
        return {"flagged": int(signals["coordination_flag"].sum())}

    def load(self, ctx: RunContext) -> None:
        counts = ctx.rundir.manifest.counts
        counts.pop("coordination_flagged", None)
        if ctx.cfg.coordination.enabled:
            flags = pd.read_parquet(ctx.file(coordination.FILE), columns=["coordination_flag"])
            counts["coordination_flagged"] = int(flags["coordination_flag"].sum())


def _cache_dir(ctx: RunContext) -> str:
    return ctx.cfg.embed.cache_dir or str(ctx.file("cache"))


def _hash_conversations(conversations: pd.DataFrame) -> str:
    """SHA-256 of ids, messages and timestamps (NaT adds nothing; a lone surrogate hashes as its bytes)."""
    h = hashlib.sha256()
    stamps = conversations.get("timestamp", pd.Series(pd.NaT, index=conversations.index))
    for cid, uid, messages, ts in zip(
        conversations["conversation_id"],
        conversations["user_id"],
        conversations["messages"],
        stamps,
        strict=True,
    ):
        row = [cid, uid, [[m["role"], m["content"]] for m in messages]]
        h.update(
            json.dumps(row if pd.isna(ts) else [*row, ts.isoformat()], ensure_ascii=False).encode(
                "utf-8", "surrogatepass"
            )
        )
    return h.hexdigest()
