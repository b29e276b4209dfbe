"""User configuration: one frozen pydantic model per stage, loaded from TOML or keyword arguments.

Config keeps what the user said (``k="auto"`` stays ``"auto"``); values resolved at run time
(the computed k, thresholds for the data size) go to the manifest's ``resolved`` section.
"""

from __future__ import annotations

import hashlib
import json
import math
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    field_validator,
)

from cliokit._config_errors import error_line
from cliokit.errors import ConfigError

Auto = Literal["auto"]
NonEmptyStr = Annotated[str, Field(min_length=1)]

#: Smallest ``privacy.min_conversations`` / ``privacy.min_users`` a run accepts unless
#: ``privacy.unsafe_allow_below_floor`` is true: below it a cluster of one conversation or one
#: user can be named, which switches the privacy filter off.
PRIVACY_FLOOR = 2
#: Most levels a hierarchy may have above the base (``hierarchy.levels``).
MAX_LEVELS = 10


#: The embedder every run uses unless told otherwise (``embed.model``): multilingual USE, bundled
#: with its pip package (see the README's embedder table).
DEFAULT_EMBEDDER = "use-multilingual"


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class LoadConfig(_Section):
    """Reading conversations."""

    format: Literal["auto", "openai", "sharegpt", "anthropic", "rows", "dataframe"] = "auto"
    """Input format; ``auto`` detects it from the file extension and the first record."""
    strict: bool = False
    """Raise on the first rejected record instead of writing it to ``rejected.jsonl``."""
    max_tokens: int = Field(8000, ge=64)
    """Token budget per conversation; longer ones are truncated at turn boundaries before any model."""
    max_messages: int = Field(2000, ge=1)
    """Longer conversations keep their first ``max_messages`` messages (cut, counted as ``cut``)."""
    max_chars: int = Field(1_000_000, ge=100)
    """Longer conversations keep the leading messages that fit; the one crossing the limit is cut at it."""


class ScrubConfig(_Section):
    """Pattern-based PII pre-scrub (Presidio, no NER) over the text before any model sees it."""

    enabled: bool = True
    """Scrub emails, phone numbers, card numbers, IBANs and other structured identifiers."""
    threshold: float = Field(0.3, ge=0.0, le=1.0)
    """Minimum recogniser score; at 0 weak patterns fire on plain words."""
    entities: tuple[str, ...] | None = None
    """Entity types to scrub (None: the measured default set in :mod:`cliokit.scrub`)."""

    @field_validator("entities")
    @classmethod
    def _not_empty(cls, v: tuple[str, ...] | None) -> tuple[str, ...] | None:
        if v == ():
            raise ValueError(
                "must be a non-empty list of entity names (`scrub.enabled = false` scrubs nothing)"
            )
        return v


class CustomFacet(_Section):
    """A facet the user declares: free text, a categorical with allowed values, or a numeric scale."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    """Column name in ``facets.parquet`` (lowercase identifier)."""
    kind: Literal["text", "categorical", "numeric"]
    """What the answer is."""
    question: NonEmptyStr
    """The question the model answers about the conversation."""
    criteria: str = ""
    """Extra instructions (text facets) or the rubric (numeric facets)."""
    values: tuple[NonEmptyStr, ...] = Field((), validate_default=True)
    """Allowed values (categorical facets)."""
    min_value: int = 1
    """Lowest score (numeric facets)."""
    max_value: int = Field(5, validate_default=True)
    """Highest score (numeric facets)."""

    @field_validator("values")
    @classmethod
    def _categorical_values(cls, v: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        if info.data.get("kind") == "categorical" and len(set(v)) < 2:
            raise ValueError("needs at least 2 distinct values for a categorical facet")
        return v

    @field_validator("max_value")
    @classmethod
    def _above_min(cls, v: int, info: ValidationInfo) -> int:
        low = info.data.get("min_value")
        if info.data.get("kind") == "numeric" and low is not None and v <= low:
            raise ValueError(f"must be an int > `min_value` ({low}) for a numeric facet")
        return v


class FacetsConfig(_Section):
    """Facet extraction: one structured model call per conversation."""

    custom: tuple[CustomFacet, ...] = ()
    """Extra facets declared by the user."""
    request_max_chars: int = Field(300, ge=20)
    """Upper bound on the length of the request and task facets."""
    topic_max_chars: int = Field(1000, ge=50)
    """Upper bound on the offline ``topic`` facet (the cleaned user turns that offline runs embed)."""
    workers: Annotated[int, Field(ge=1)] | Auto = "auto"
    """Processes that scrub and extract offline facets (``auto``: the CPUs this process may use; 1:
    in this process). Outputs are the same for any value, so it is not part of the fingerprint."""

    @field_validator("custom")
    @classmethod
    def _distinct_names(cls, v: tuple[CustomFacet, ...]) -> tuple[CustomFacet, ...]:
        names = [f.name for f in v]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"must have distinct names ({', '.join(repeated)} repeated)")
        return v


class EmbedConfig(_Section):
    """Embedding facet texts."""

    model: NonEmptyStr = DEFAULT_EMBEDDER
    """Embedder: ``use-multilingual``, ``minilm``, ``hash``, ``st:NAME_OR_PATH`` or a local folder."""
    facet: NonEmptyStr = "auto"
    """Which facet column is embedded and clustered; ``"auto"``: the facet extractor's choice
    (a model's ``request`` summary; offline, the cleaned user turns, ``topic``)."""
    batch_size: int = Field(64, ge=1)
    """Texts per batch (does not change the output)."""
    cache_dir: NonEmptyStr | None = None
    """Directory for the on-disk embedding cache (None: ``RUN_DIR/cache``)."""


class ClusterConfig(_Section):
    """Base clusters: seeded k-means."""

    method: Literal["kmeans", "hdbscan"] = "kmeans"
    """``kmeans`` (the paper's) or ``hdbscan`` (outliers become their own suppressed cluster)."""
    k: Annotated[int, Field(ge=2)] | Auto = "auto"
    """Number of base clusters, or ``auto``: data size / ``target_size``."""
    target_size: Annotated[int, Field(ge=2)] | Auto = "auto"
    """Target mean cluster size for ``k="auto"``; ``auto`` is sqrt(n) clipped to [10, 100]."""
    minibatch_above: int = Field(20_000, ge=1)
    """Use MiniBatchKMeans above this many conversations."""
    hdbscan_min_cluster_size: int = Field(10, ge=2)
    """HDBSCAN's ``min_cluster_size``."""


class NameConfig(_Section):
    """Naming clusters from in-cluster samples and nearest out-of-cluster contrast samples."""

    n_samples: int = Field(50, ge=1)
    """In-cluster facet texts shown to the namer (the paper's 50)."""
    n_contrast: int = Field(50, ge=0)
    """Most nearest out-of-cluster facet texts shown as contrast (the paper's 50); each cluster gets as
    many as it shows in-cluster samples, all from clusters that pass the privacy thresholds."""
    n_keywords: int = Field(8, ge=1)
    """c-TF-IDF keywords kept per cluster."""
    offline_namer: Literal["keywords", "phrases"] = "phrases"
    """Offline names: ``phrases`` (:class:`cliokit.offline.PhraseNamer`: 1–3-word phrases shared by
    enough users, c-TF-IDF weighted, re-ranked against the centroid, stop words of 11 languages
    removed, CJK segmented) or ``keywords`` (:class:`cliokit.offline.KeywordNamer`: dominant task
    label and top c-TF-IDF keywords). Mapped back to known labels by embedding, phrases and keywords
    score alike (mean of five public and synthetic checks 0.434 vs 0.428, see ``PhraseNamer``'s
    ``contrast``), but every keyword name holds a stop word and no phrase name does."""


class HierarchyConfig(_Section):
    """Clio's hierarchy: neighbourhoods, propose, dedupe, assign, rename, level by level."""

    top_k: Annotated[int, Field(ge=2)] | Auto = "auto"
    """Clusters wanted at the top level; ``auto`` picks, by silhouette of the base clusters'
    centroids, the best count between sqrt(base clusters)/2 and 2·sqrt(base clusters) (at most 20)."""
    levels: Annotated[int, Field(ge=1, le=MAX_LEVELS)] | Auto = "auto"
    """Levels above the base; ``auto`` keeps the ratio between levels at or below ``max_ratio``."""
    max_ratio: float = Field(10.0, gt=1.0)
    """Largest ratio between the sizes of consecutive levels for ``levels="auto"``."""
    neighbourhood_size: int = Field(40, ge=2)
    """Clusters per neighbourhood (the paper's ~40)."""
    neighbourhoods: Literal["names", "centroids"] = "names"
    """What groups children into neighbourhoods for Clio's propose step: embeddings of their names
    (the paper's), or their conversations' centroids. Measured with the heuristic steps on 4,000
    synthetic conversations in 11 languages (top level vs category NMI): names 0.284, centroids
    0.268, so the paper's choice stays the default."""
    n_outside: int = Field(5, ge=0)
    """Nearest outside clusters shown when proposing parents."""
    max_retries: int = Field(2, ge=0)
    """Retries for a child whose assignment cannot be parsed before it is placed by embedding."""


class PrivacyConfig(_Section):
    """Privacy filter: minimum sizes at every level and the audit."""

    # declared first: the threshold validators read it
    unsafe_allow_below_floor: StrictBool = False
    """Accept ``min_conversations`` / ``min_users`` of 1, below :data:`PRIVACY_FLOOR`: clusters of a
    single conversation or user can then be named. Logged as a warning and shown on the report."""
    min_conversations: int | Auto = "auto"
    """Clusters with fewer conversations are suppressed; ``auto``: 0.2% of conversations in [5, 50]."""
    min_users: int | Auto = "auto"
    """Clusters with fewer distinct users are suppressed; ``auto``: 0.2% of users in [3, 50]."""
    audit: bool = True
    """Audit every cluster's name and description and suppress those rated below ``audit_threshold``."""
    audit_threshold: int = Field(3, ge=1, le=5)
    """Lowest acceptable audit rating (1 identifies a person, 5 fully general)."""

    @field_validator("min_conversations", "min_users", mode="wrap")
    @classmethod
    def _floor(cls, v: Any, handler: ValidatorFunctionWrapHandler, info: ValidationInfo) -> int | str:
        unsafe = info.data.get("unsafe_allow_below_floor", False)
        try:
            out: int | str | None = handler(v)
        except ValidationError:  # not an int nor 'auto': the message below says what is
            out = None
        if out is None or (isinstance(out, int) and out < (1 if unsafe else PRIVACY_FLOOR)):
            raise ValueError(
                "must be an int >= 1 or 'auto'"
                if unsafe
                else f"must be an int >= {PRIVACY_FLOOR} or 'auto' (lower values switch the privacy "
                "filter off; `privacy.unsafe_allow_below_floor = true` allows 1)"
            )
        return out


class ProjectConfig(_Section):
    """2-D projection of conversation embeddings for the map."""

    method: Literal["umap", "pca", "none"] = "umap"
    """``umap`` (the paper's; seeded, cosine, min_dist 0), ``pca`` (fast, for tests) or ``none``."""
    n_neighbors: int = Field(15, ge=2)
    """UMAP ``n_neighbors``."""
    min_dist: float = Field(0.0, ge=0.0, le=1.0)
    """UMAP ``min_dist``."""


class CoordinationConfig(_Section):
    """Signals of coordinated or automated activity per cluster, and the limits that flag a cluster.

    A cluster is flagged when ``near_duplicate_share`` reaches its limit and so does at least one
    of ``conversations_per_user``, ``top_user_share``, ``user_gini`` and ``burst_ratio``
    (:mod:`cliokit.monitor.coordination` defines them; the defaults are measured in
    ``bench/bench_coordination.py``).
    """

    enabled: bool = True
    """Compute the signals after the hierarchy (``coordination.parquet``) and flag clusters."""
    jaccard: float = Field(0.6, gt=0.0, le=1.0)
    """Two conversations are near-duplicates when the MinHash estimate of the Jaccard similarity
    of their embedded facet's character 5-grams is at least this."""
    num_perm: int = Field(128, ge=16, le=1024)
    """MinHash permutations (the estimate's standard error is sqrt(J(1-J)/num_perm): 0.04 at 0.6)."""
    burst_window_hours: float = Field(24.0, gt=0)
    """Width of the sliding time window of ``burst_ratio``."""
    min_conversations: int = Field(20, ge=2)
    """Smaller clusters get signals but are never flagged (a handful of conversations is noise)."""
    near_duplicate_share: float = Field(0.6, ge=0.0, le=1.0)
    """Limit: share of the cluster's conversations with a near-duplicate in the cluster."""
    conversations_per_user: float = Field(2.0, ge=1.0)
    """Limit: the cluster's conversations per distinct user."""
    top_user_share: float = Field(0.3, gt=0.0, le=1.0)
    """Limit: share of the cluster's conversations sent by its most active user."""
    user_gini: float = Field(0.6, gt=0.0, le=1.0)
    """Limit: Gini coefficient of the cluster's conversations per user."""
    burst_ratio: float = Field(12.0, ge=1.0)
    """Limit: the cluster's largest share of conversations in one window, over the share an even
    spread over the run's time span would put there."""


#: Every task a backend can be asked to do; ``backend.models`` keys must be among them.
TASKS = (
    "facets",
    "name_cluster",
    "propose",
    "dedupe",
    "assign",
    "rename",
    "audit",
    "synthesize",
    "map_category",
)


class ModelPrice(_Section):
    """USD per million tokens for one model."""

    input: float = Field(ge=0)
    """Uncached input tokens."""
    output: float = Field(ge=0)
    """Output tokens."""
    cache_write: float | None = Field(None, ge=0)
    """Input tokens written to the prompt cache (None: 1.25 x ``input``)."""
    cache_read: float | None = Field(None, ge=0)
    """Input tokens read from the prompt cache (None: 0.1 x ``input``)."""


#: List prices (USD per million tokens) from Anthropic's model pages, read November 2026; check
#: them before relying on a cost figure and override ``backend.prices`` in your config. Keys match
#: model ids by prefix (``claude-haiku-4-5`` also prices ``claude-haiku-4-5-20251001``). Haiku 5.5's
#: price is its band for prompts up to 100k tokens (cliokit's prompts are far shorter).
DEFAULT_PRICES: dict[str, ModelPrice] = {
    "offline": ModelPrice(input=0.0, output=0.0),
    "claude-haiku-5-5": ModelPrice(input=0.10, output=0.50),
    "claude-sonnet-5-5": ModelPrice(input=2.0, output=10.0, cache_write=2.50, cache_read=0.20),
    "claude-sonnet-5": ModelPrice(input=2.0, output=10.0, cache_write=2.50, cache_read=0.20),
    "claude-opus-5-5": ModelPrice(input=4.0, output=20.0),
    "claude-haiku-4-5": ModelPrice(input=1.0, output=5.0),
    "claude-sonnet-4-5": ModelPrice(input=3.0, output=15.0),
    "claude-3-haiku": ModelPrice(input=0.25, output=1.25, cache_write=0.30, cache_read=0.03),
}


class BackendConfig(_Section):
    """The model backend: provider, models per task, limits, cache, batching and prices."""

    name: NonEmptyStr = "offline"
    """``offline`` (heuristic, no model), ``anthropic``, ``openai`` (any OpenAI-compatible server)."""
    model: str = ""
    """Model id for every task (empty: the backend's per-task defaults)."""
    models: dict[str, NonEmptyStr] = Field(default_factory=dict)
    """Per-task model ids, e.g. ``{facets = "claude-haiku-4-5"}``; wins over ``model``."""
    base_url: str | None = Field(None, pattern=r"^https?://\S+$")
    """Server URL (None: the SDK's default, or ``ANTHROPIC_BASE_URL`` / ``OPENAI_BASE_URL``)."""
    max_concurrency: int = Field(8, ge=1)
    """Requests in flight at once (does not change outputs)."""
    requests_per_minute: int | None = Field(None, ge=1)
    """Request rate limit (None: none; the provider's 429s are still honoured)."""
    tokens_per_minute: int | None = Field(None, ge=1)
    """Estimated input-token rate limit (None: none)."""
    timeout_s: float = Field(120.0, gt=0)
    """Seconds before one call times out (then it is retried)."""
    max_retries: int = Field(4, ge=0)
    """Retries of a call after 429, 5xx, overload or a timeout, with exponential backoff and jitter."""
    cache: bool = True
    """Keep every successful answer in a response cache, so a re-run makes no repeated call."""
    cache_dir: NonEmptyStr | None = None
    """Folder of the response cache (None: ``RUN_DIR/cache``); share one across runs to reuse answers."""
    prompt_caching: bool = True
    """Mark each stage's shared prompt prefix for the provider's prompt cache (Anthropic)."""
    thinking: Literal["off", "model-default"] = "off"
    """Anthropic: ``off`` sends ``thinking={"type": "disabled"}`` (short extraction answers, predictable
    tokens); ``model-default`` leaves it to the model (needed for models that always think)."""
    effort: Literal["low", "medium", "high"] | None = None
    """Anthropic ``output_config.effort`` (None: not sent; not every model accepts it)."""
    batch: bool = False
    """Send the tasks in ``batch_tasks`` through the provider's batch API (Anthropic: half price)."""
    batch_tasks: tuple[str, ...] = ("facets",)
    """Tasks sent as batches when ``batch`` is on."""
    batch_poll_s: float = Field(30.0, ge=0)
    """Seconds between batch status checks."""
    prices: dict[NonEmptyStr, ModelPrice] = Field(default_factory=lambda: dict(DEFAULT_PRICES))
    """USD per million tokens by model id prefix, merged over the defaults; unpriced calls are counted."""
    batch_discount: float = Field(0.5, gt=0, le=1)
    """Price multiplier for batch answers."""

    @field_validator("models", "batch_tasks")
    @classmethod
    def _known_tasks(cls, v: dict[str, str] | tuple[str, ...]) -> dict[str, str] | tuple[str, ...]:
        unknown = sorted(set(v) - set(TASKS))
        if unknown:
            raise ValueError(f"must name tasks among {', '.join(TASKS)} (unknown task(s): {unknown})")
        return v

    @field_validator("prices")
    @classmethod
    def _merge_default_prices(cls, v: dict[str, ModelPrice]) -> dict[str, ModelPrice]:
        return {**DEFAULT_PRICES, **v}


class Config(_Section):
    """Everything a run needs. Build from keywords or :meth:`from_toml`."""

    seed: int = Field(0, ge=0)
    """One seed per run; per-stage seeds are derived from it."""
    keep_text: bool = False
    """Also write the (scrubbed, truncated) conversations to the run directory."""
    progress: bool | None = None
    """Progress bars (None: on unless ``CLIOKIT_DISABLE_PROGRESS_BARS`` is set)."""
    load: LoadConfig = LoadConfig()
    scrub: ScrubConfig = ScrubConfig()
    facets: FacetsConfig = FacetsConfig()
    embed: EmbedConfig = EmbedConfig()
    cluster: ClusterConfig = ClusterConfig()
    name: NameConfig = NameConfig()
    hierarchy: HierarchyConfig = HierarchyConfig()
    privacy: PrivacyConfig = PrivacyConfig()
    project: ProjectConfig = ProjectConfig()
    coordination: CoordinationConfig = CoordinationConfig()
    backend: BackendConfig = BackendConfig()

    @classmethod
    def from_toml(cls, path: str | Path, **overrides: Any) -> Config:
        """Read a TOML file; ``overrides`` (nested dicts allowed) win over the file."""
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"cannot read config {path}: {exc}") from exc
        return cls.build(_deep_merge(data, overrides), source=str(path))

    @classmethod
    def build(cls, data: Mapping[str, Any] | None = None, source: str = "config") -> Config:
        """Validate a nested mapping, turning pydantic's errors into one clear :class:`ConfigError`.

        Each invalid setting gives one line naming the setting, what it allows and the value given,
        e.g. "`hierarchy.levels` must be an int in [1, 10] or 'auto'; got 0."
        """
        try:
            return cls.model_validate(dict(data or {}))
        except ValidationError as exc:
            lines = list(dict.fromkeys(error_line(err, cls) for err in exc.errors()))
            if len(lines) == 1:
                raise ConfigError(f"invalid {source}: {lines[0]}") from None
            raise ConfigError(f"invalid {source} ({len(lines)} errors):\n  " + "\n  ".join(lines)) from None

    def replace(self, **changes: Any) -> Config:
        """A copy with nested changes, e.g. ``cfg.replace(cluster={"k": 10})``."""
        return Config.build(_deep_merge(self.model_dump(), changes))

    def section_hash(self, *sections: str) -> str:
        """Hash of the canonical JSON of the named sections (used in stage fingerprints)."""
        dumped = self.model_dump(mode="json")
        return stable_hash({s: dumped[s] for s in sections})


def _deep_merge(base: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in changes.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def stable_hash(obj: Any) -> str:
    """sha256 of the canonical JSON of ``obj`` (sorted keys); fails loudly on unhashable content."""
    text = json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_no_default)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _no_default(obj: Any) -> Any:
    raise TypeError(f"cannot fingerprint object of type {type(obj).__name__}")


def derive_seed(seed: int, stage: str) -> int:
    """A per-stage seed derived from the run seed (never the global RNG)."""
    return int(hashlib.sha256(f"{seed}:{stage}".encode()).hexdigest()[:8], 16)


def resolve_k(n: int, cfg: ClusterConfig) -> int:
    """Number of base clusters for ``n`` conversations."""
    if n < 2:
        return 1
    if isinstance(cfg.k, int):
        return min(cfg.k, n)
    target = cfg.target_size if isinstance(cfg.target_size, int) else int(min(100, max(10, math.sqrt(n))))
    return max(2, min(n, round(n / target)))


def resolve_thresholds(n_conversations: int, n_users: int, cfg: PrivacyConfig) -> tuple[int, int]:
    """``(min_conversations, min_users)`` for the data size."""
    min_conv = (
        cfg.min_conversations
        if isinstance(cfg.min_conversations, int)
        else int(min(50, max(5, round(0.002 * n_conversations))))
    )
    min_users = (
        cfg.min_users if isinstance(cfg.min_users, int) else int(min(50, max(3, round(0.002 * n_users))))
    )
    return min_conv, min_users


def top_k_range(n_base: int) -> tuple[int, int]:
    """The range ``top_k="auto"`` chooses from: sqrt(n_base)/2 to 2·sqrt(n_base), within [2, 20]."""
    root = math.sqrt(n_base)
    hi = int(min(20, max(2, round(2 * root)), max(2, n_base - 1)))
    return min(hi, max(2, round(root / 2))), hi


def resolve_levels(n_base: int, cfg: HierarchyConfig, top: int | None = None) -> list[int]:
    """Cluster counts for each level above the base, geometric from ``n_base`` down to ``top``.

    ``top`` defaults to ``cfg.top_k`` when that is an int, else to sqrt(n_base) within [2, 20].
    """
    if top is None:
        top = cfg.top_k if isinstance(cfg.top_k, int) else int(min(20, max(2, round(math.sqrt(n_base)))))
    if n_base <= top:
        return []
    if isinstance(cfg.levels, int):
        n_levels = cfg.levels
    else:
        n_levels = max(1, math.ceil(math.log(n_base / top) / math.log(cfg.max_ratio)))
    ratio = (top / n_base) ** (1.0 / n_levels)
    sizes = [max(top, round(n_base * ratio ** (i + 1))) for i in range(n_levels)]
    sizes[-1] = top
    return sizes
