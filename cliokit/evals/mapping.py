"""Map each base cluster of a run to one ground-truth category (the paper's reconstruction protocol).

By embedding (nearest category by cosine), or by asking a model with :data:`MAP_CATEGORY`,
snapping paraphrased answers to the nearest candidate and falling back to the embedding choice.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from typing import Any

import numpy as np
import pandas as pd

from cliokit.backends.base import Backend
from cliokit.backends.calls import Failure, StageUsage, ask
from cliokit.embedders.base import Embedder
from cliokit.errors import ConfigError
from cliokit.prompts import PRIVACY_RULE, Template, bullet_list, tag

logger = logging.getLogger(__name__)

#: The model prompt that files one cluster under one ground-truth category.
MAP_CATEGORY = Template(
    name="map_category",
    version=1,
    system="You file a group of AI-assistant conversations under the best-fitting category. " + PRIVACY_RULE,
    user=(
        "Categories (in random order):\n<categories>\n{candidates}\n</categories>\n\n"
        "A group of conversations, described by its name and summary:\n<group>\n{cluster}\n</group>\n\n"
        "Which single category describes what the conversations in this group are about? Copy the "
        "category's name exactly. Think briefly in <scratchpad>...</scratchpad>, then answer as "
        "<answer>CATEGORY NAME</answer>."
    ),
    prefill="<scratchpad>",
)


def _keywords(value: Any) -> list[str]:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return []
    return [str(k) for k in value if str(k)]


def cluster_text(name: Any, description: Any, keywords: Any = None) -> str:
    """The text that stands for a cluster: ``"name. description"``, else its keywords, else ``""``.

    Examples
    --------
    >>> cluster_text("Plan meals", "Users asked for weekly menus.")
    'Plan meals. Users asked for weekly menus.'
    >>> cluster_text(None, None, ["meal", "menu"])
    'meal, menu'
    """
    if not pd.isna(name) and str(name).strip():
        desc = "" if pd.isna(description) else str(description).strip()
        return f"{str(name).strip()}. {desc}".strip() if desc else str(name).strip()
    return ", ".join(_keywords(keywords))


def _category_texts(categories: pd.DataFrame) -> list[str]:
    names = categories["category_name"].astype(str).tolist()
    if "description" not in categories.columns:
        return names
    return [
        f"{n}: {d}" if not pd.isna(d) and str(d) else n
        for n, d in zip(names, categories["description"], strict=True)
    ]


def _norm_name(text: str) -> str:
    return " ".join("".join(ch for ch in text.casefold() if ch.isalnum() or ch.isspace()).split())


def parse_category(text: str) -> str:
    """The category name inside ``<answer>..</answer>``; ``ValueError`` when missing or empty."""
    answer = tag(text, "answer")
    if not answer:
        raise ValueError("missing <answer>")
    return answer


def map_clusters_to_categories(
    clusters: pd.DataFrame,
    categories: pd.DataFrame,
    *,
    embedder: Embedder | None = None,
    backend: Backend | None = None,
    model: str = "",
    usage: StageUsage | None = None,
    seed: int = 0,
    progress: bool | None = False,
) -> pd.Series:
    """Assign every cluster to one ground-truth category.

    Offline (``backend=None``): the cluster text (``"name. description"``) and every category text
    are embedded with ``embedder`` and the nearest category by cosine wins. With a backend, each
    cluster is asked with :data:`MAP_CATEGORY` (candidates shuffled per request with ``seed``);
    the answer is matched to a category exactly, then after normalising case and punctuation,
    then snapped to the nearest candidate by embedding (:func:`cliokit.hierarchy.snap`). Requests
    that fail or stay unreadable fall back to the embedding choice and are counted in
    ``result.attrs["fallbacks"]`` (and in ``usage.failures``).

    Clusters without a name (suppressed ones) are mapped from their keywords when they have any.
    Clusters with neither (what :func:`cliokit.privacy.apply_suppression` leaves) get ``NaN``:
    nothing is published about them, so :func:`reconstruction_accuracy` counts their
    conversations as wrong.

    Parameters
    ----------
    clusters : DataFrame
        ``cluster_id``, ``name``, ``description`` and optionally ``keywords`` (list of str).
    categories : DataFrame
        ``category`` (id) and ``category_name``; an optional ``description`` column (e.g. the
        category's subtopic names) is appended to the name as ``"name: description"`` for the
        embedding match and the prompt.
    embedder : Embedder, optional
        Required without a backend. With a backend it snaps paraphrased answers and provides
        the fallback; default :class:`~cliokit.embedders.HashEmbedder` (string similarity).
    backend : Backend, optional
        A model backend; None maps by embedding only.
    model : str, default=""
        Model id for the backend.
    usage : StageUsage, optional
        Counts calls, tokens and failures.
    seed : int, default=0
        Seeds the per-request candidate shuffle.
    progress : bool or None, default=False
        Progress bar for the model calls.

    Returns
    -------
    Series
        Index ``cluster_id``, values category ids (``NaN`` for clusters with no text), named
        ``category``. ``attrs``: ``method`` ("embedding" or "backend"), ``fallbacks``, ``unmapped``.

    Raises
    ------
    ConfigError
        When neither an embedder nor a backend is given, or a required column is missing.
    """
    for col in ("cluster_id", "name", "description"):
        if col not in clusters.columns:
            raise ConfigError(f"`clusters` must have a {col!r} column; got {list(clusters.columns)}")
    for col in ("category", "category_name"):
        if col not in categories.columns:
            raise ConfigError(f"`categories` must have a {col!r} column; got {list(categories.columns)}")
    if len(categories) == 0:
        raise ConfigError("`categories` must not be empty")
    if embedder is None and backend is None:
        raise ConfigError("map_clusters_to_categories needs an `embedder`, a `backend`, or both")
    if embedder is None:
        from cliokit.embedders.hashing import HashEmbedder

        embedder = HashEmbedder()
    keywords = clusters["keywords"] if "keywords" in clusters.columns else pd.Series([None] * len(clusters))
    texts = [
        cluster_text(n, d, k)
        for n, d, k in zip(clusters["name"], clusters["description"], keywords, strict=True)
    ]
    has_text = np.array([bool(t) for t in texts])
    cat_ids = categories["category"].astype(str).tolist()
    cat_texts = _category_texts(categories)
    cat_vecs = embedder.embed(cat_texts, progress=False)
    choice = np.full(len(clusters), -1, dtype=np.int64)
    todo = np.flatnonzero(has_text)
    if todo.size:
        vecs = embedder.embed([texts[i] for i in todo], progress=False)
        choice[todo] = np.argmax(vecs @ cat_vecs.T, axis=1)
    fallbacks = 0
    if backend is not None and todo.size:
        answers = _ask_backend(
            backend,
            [texts[i] for i in todo],
            [str(c) for c in clusters["cluster_id"].to_numpy()[todo]],
            cat_texts,
            model,
            usage if usage is not None else StageUsage(),
            seed,
            progress,
        )
        snapped = _snap_answers(
            answers, cat_texts, categories["category_name"].astype(str).tolist(), embedder
        )
        for i, pick in zip(todo, snapped, strict=True):
            if pick is None:
                fallbacks += 1
            else:
                choice[i] = pick
        if fallbacks:
            logger.warning(
                "%d of %d category mappings failed; used the embedding choice", fallbacks, todo.size
            )
    out = pd.Series(
        [cat_ids[c] if c >= 0 else np.nan for c in choice],
        index=pd.Index(clusters["cluster_id"].to_numpy(), name="cluster_id"),
        name="category",
        dtype=object,
    )
    out.attrs.update(
        method="embedding" if backend is None else "backend",
        fallbacks=fallbacks,
        unmapped=int((~has_text).sum()),
    )
    return out


def _ask_backend(
    backend: Backend,
    texts: Sequence[str],
    ids: Sequence[str],
    candidates: Sequence[str],
    model: str,
    usage: StageUsage,
    seed: int,
    progress: bool | None,
) -> list[str | Failure]:
    rng = np.random.default_rng(seed)
    requests = []
    for cid, text in zip(ids, texts, strict=True):
        order = rng.permutation(len(candidates))
        shuffled = [candidates[j] for j in order]
        requests.append(
            MAP_CATEGORY.request(
                f"map-{cid}",
                model=model,
                max_tokens=400,
                candidates=bullet_list(shuffled),
                cluster=text,
            )
        )
    return ask(backend, requests, parse_category, usage, progress=progress, desc="map clusters")


def _snap_answers(
    answers: Sequence[str | Failure], cat_texts: Sequence[str], cat_names: Sequence[str], embedder: Embedder
) -> list[int | None]:
    """Candidate index of each answer (exact, normalised, then :func:`snap`); None for failures."""
    from cliokit.hierarchy import snap

    lookup: dict[str, int] = {}
    for i, (t, n) in enumerate(zip(cat_texts, cat_names, strict=True)):
        lookup.setdefault(t, i)
        lookup.setdefault(n, i)
        lookup.setdefault(_norm_name(t), i)
        lookup.setdefault(_norm_name(n), i)
    out: list[int | None] = [None] * len(answers)
    fuzzy = []
    for k, a in enumerate(answers):
        if isinstance(a, Failure):
            continue
        hit = lookup.get(a.strip(), lookup.get(_norm_name(a)))
        if hit is not None:
            out[k] = hit
        else:
            fuzzy.append(k)
    if fuzzy:
        fuzzy_answers = [str(answers[k]) for k in fuzzy]
        answer_vecs = embedder.embed(fuzzy_answers, progress=False)
        name_vecs = embedder.embed(list(cat_names), progress=False)
        for k, text, vec in zip(fuzzy, fuzzy_answers, answer_vecs, strict=True):
            out[k] = snap(text, cat_names, vec, name_vecs)
    return out


def map_clusters_by_centroid(
    embeddings: np.ndarray,
    cluster_ids: Sequence[Any],
    categories: pd.DataFrame,
    embedder: Embedder,
    *,
    exclude: Collection[Any] = (),
) -> pd.Series:
    """Assign every cluster to the category nearest to the mean embedding of its conversations.

    An embedding-only reading of the clusters that leaves their names out: set beside
    :func:`map_clusters_to_categories` it separates what the cluster names lose from what the
    clustering loses. ``embeddings`` must come from ``embedder`` (the run's embedder), one row
    per entry of ``cluster_ids``. Clusters in ``exclude`` (suppressed ones, which publish
    nothing) get ``NaN``, so their conversations count as wrong, as in the name-based mapping.

    Parameters
    ----------
    embeddings : ndarray of shape (n_conversations, dim)
        L2-normalised conversation embeddings (``embeddings.npy``).
    cluster_ids : sequence, length n_conversations
        Each conversation's base cluster id (None for conversations without one).
    categories : DataFrame
        ``category`` and ``category_name`` (optional ``description``, as in
        :func:`map_clusters_to_categories`).
    embedder : Embedder
        The run's embedder, for the category texts.
    exclude : collection, default=()
        Cluster ids to leave unmapped.

    Returns
    -------
    Series
        Index ``cluster_id``, values category ids, named ``category``; ``attrs["method"] =
        "centroid"``.
    """
    ids = pd.Series(list(cluster_ids), dtype=object)
    if len(ids) != len(embeddings):
        raise ConfigError(f"{len(ids)} cluster ids for {len(embeddings)} embeddings")
    cat_vecs = np.asarray(embedder.embed(_category_texts(categories), progress=False), dtype=np.float64)
    out: dict[Any, Any] = {}
    for cluster_id, rows in ids.groupby(ids, dropna=True).groups.items():
        if cluster_id in exclude:
            out[cluster_id] = np.nan
            continue
        centre = np.asarray(embeddings[np.asarray(rows)], dtype=np.float64).mean(axis=0)
        out[cluster_id] = categories["category"].iloc[int(np.argmax(cat_vecs @ centre))]
    mapping = pd.Series(out, name="category", dtype=object)
    mapping.index.name = "cluster_id"
    mapping.attrs = {"method": "centroid"}
    return mapping
