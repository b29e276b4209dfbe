"""Stage 5: name clusters.

Keywords come from a class-based TF-IDF over each cluster's facet texts, restricted to terms used
by at least ``min_users`` distinct users inside the cluster, so one person's words never become a
name. A namer then names each cluster: :class:`ModelNamer` asks a model with in-cluster samples
plus the nearest out-of-cluster samples (contrast), as Clio does; the offline namer
(:class:`cliokit.offline.KeywordNamer`) builds the name from the keywords and task labels.
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import pandas as pd

from cliokit.backends.base import Backend
from cliokit.backends.calls import Failure, StageUsage, ask
from cliokit.config import NameConfig
from cliokit.prompts import NAME_CLUSTER, bullet_list, clean_label, tag
from cliokit.text import tokenize

logger = logging.getLogger(__name__)

STAGE_VERSION = 1


def cluster_keywords(
    texts: Sequence[str],
    labels: np.ndarray,
    user_ids: Sequence[str],
    min_users: int,
    n_keywords: int = 8,
) -> dict[int, list[tuple[str, float]]]:
    """c-TF-IDF keywords per cluster, keeping only terms used by ``min_users`` distinct users in it.

    Term frequency counts each conversation at most once per term, so one long text cannot
    dominate. Weight: ``tf(t, c) * log(1 + A / f(t))`` with ``A`` the mean number of terms per
    cluster and ``f(t)`` the term's frequency over all clusters (BERTopic's c-TF-IDF).

    Returns
    -------
    dict
        cluster id → up to ``n_keywords`` ``(term, weight)`` pairs, best first.
    """
    tf: dict[int, Counter[str]] = defaultdict(Counter)
    users: dict[tuple[int, str], set[str]] = defaultdict(set)
    for text, label, user in zip(texts, labels.tolist(), user_ids, strict=True):
        terms = set(tokenize(text or ""))
        tf[label].update(terms)
        for t in terms:
            users[(label, t)].add(user)
    total: Counter[str] = Counter()
    for counter in tf.values():
        total.update(counter)
    mean_terms = sum(sum(c.values()) for c in tf.values()) / max(1, len(tf))
    out: dict[int, list[tuple[str, float]]] = {}
    for label, counter in tf.items():
        size = sum(counter.values()) or 1
        scored = [
            (t, (n / size) * math.log(1 + mean_terms / total[t]))
            for t, n in counter.items()
            if len(users[(label, t)]) >= min_users
        ]
        scored.sort(key=lambda x: (-x[1], x[0]))
        out[label] = [(t, round(w, 6)) for t, w in scored[:n_keywords]]
    return out


def contrast_indices(
    embeddings: np.ndarray,
    labels: np.ndarray,
    centroid: np.ndarray,
    cluster: int,
    n: int,
    allowed: np.ndarray | None = None,
) -> np.ndarray:
    """Indices of the ``n`` out-of-cluster rows nearest to ``centroid`` (cosine), nearest first.

    ``allowed`` (boolean, one per row) limits the choice to its true rows.
    """
    if n <= 0:
        return np.empty(0, dtype=np.int64)
    sims = embeddings @ centroid
    sims[labels == cluster] = -np.inf
    if allowed is not None:
        sims[~allowed] = -np.inf
    n = min(n, int(np.isfinite(sims).sum()))
    if n == 0:
        return np.empty(0, dtype=np.int64)
    top = np.argpartition(-sims, n - 1)[:n]
    return top[np.argsort(-sims[top], kind="stable")]


def _unique_sample(texts: Sequence[str], idx: np.ndarray, n: int, rng: np.random.Generator) -> list[str]:
    seen: dict[str, None] = {}
    for i in rng.permutation(idx):
        t = texts[int(i)]
        if t and t not in seen:
            seen[t] = None
            if len(seen) == n:
                break
    return list(seen)


@dataclass(frozen=True)
class NamingInput:
    """What a namer sees of the base clusters (rows of the arrays are conversations).

    ``texts`` are the embedded facet texts, ``tasks`` the task facets, ``centres`` the clusters'
    L2-normalised centroids, ``keywords`` each cluster's ``(term, weight)`` pairs, ``users`` the
    user id of each conversation, ``min_users`` the privacy threshold a term must meet and
    ``suppressed`` (one per cluster) the clusters below the privacy thresholds (and the outliers),
    whose conversations no namer may show, not even as contrast.
    """

    texts: list[str]
    tasks: list[str]
    labels: np.ndarray
    embeddings: np.ndarray
    centres: np.ndarray
    keywords: dict[int, list[tuple[str, float]]]
    cfg: NameConfig
    seed: int
    users: list[str] = field(default_factory=list)
    min_users: int | None = None
    suppressed: np.ndarray | None = None


class Namer(Protocol):
    """Names clusters: ``(name, description)`` or a :class:`~cliokit.backends.calls.Failure` each."""

    def key(self) -> dict[str, Any]:
        """What the fingerprint of the names depends on."""
        ...

    def name(
        self, view: NamingInput, clusters: Sequence[int], usage: StageUsage, progress: bool | None
    ) -> list[tuple[str, str] | Failure]:
        """One answer per cluster id in ``clusters``."""
        ...


class ModelNamer:
    """Clio's namer: a model sees in-cluster samples and the nearest outside samples (contrast)."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    def key(self) -> dict[str, Any]:
        """Backend, model and prompt hash."""
        return {
            "kind": "model",
            "backend": self.backend.describe(),
            "model": self.backend.model_id("name_cluster"),
            "prompt": NAME_CLUSTER.hash,
        }

    def name(
        self, view: NamingInput, clusters: Sequence[int], usage: StageUsage, progress: bool | None
    ) -> list[tuple[str, str] | Failure]:
        rng = np.random.default_rng(view.seed)
        model = self.backend.model_id("name_cluster")
        shown = None if view.suppressed is None else ~view.suppressed[view.labels]
        requests = []
        for c in clusters:
            members = np.flatnonzero(view.labels == c)
            samples = _unique_sample(view.texts, members, view.cfg.n_samples, rng)
            # One contrast text per in-cluster text shown, as Clio's 50 + 50: a 5-conversation
            # cluster gets 5, so the contrast never outweighs what the name must describe.
            n_contrast = min(view.cfg.n_contrast, len(samples))
            nearest = contrast_indices(view.embeddings, view.labels, view.centres[c], c, n_contrast, shown)
            requests.append(
                NAME_CLUSTER.request(
                    f"cluster-{c}",
                    model=model,
                    max_tokens=300,
                    samples=bullet_list(samples),
                    contrast=bullet_list([view.texts[int(i)] for i in nearest]),
                    criteria="",
                )
            )
        return ask(self.backend, requests, parse_name, usage, progress=progress, desc="name clusters")


def task_counts(view: NamingInput, cluster: int) -> Counter[str]:
    """How often each task label occurs among a cluster's conversations."""
    return Counter(view.tasks[int(i)] for i in np.flatnonzero(view.labels == cluster) if view.tasks[int(i)])


def parse_name(text: str) -> tuple[str, str]:
    """``(name, description)`` from a naming answer; raises ``ValueError`` if either is missing.

    The name comes from ``<name>`` or, failing that, from a last ``Name: ...`` line (a line
    that is then left out of the summary); see :func:`cliokit.prompts.tag` for the tags read.
    """
    name, summary = tag(text, "name"), tag(text, "summary")
    if name is None:
        lines = _NAME_LINE.findall(text)
        name = lines[-1] if lines else None
        summary = _NAME_LINE.sub("", summary or "").strip()
    if not name or not summary:
        raise ValueError("missing <name> or <summary>")
    return clean_name(name), summary


_NAME_LINE = re.compile(
    r"^[#*_\s]*(?:(?:cluster|group|category)\s+)?name[*_\s]*[:：][*_\s]*(.+)$", re.I | re.M
)


def clean_name(name: str) -> str:
    """A name without the marks models wrap it in (:func:`cliokit.prompts.clean_label`).

    Raises ``ValueError`` if nothing is left or it is over 200 characters.
    """
    name = clean_label(name)
    if not name or len(name) > 200:
        raise ValueError(f"a name must have 1 to 200 characters; got {len(name)}")
    return name


def unique_names(names: Sequence[str | None], keywords: Sequence[Sequence[str]]) -> list[str | None]:
    """Make sibling names distinct: a repeated name gets the first keyword it does not contain."""
    seen: Counter[str] = Counter()
    out: list[str | None] = []
    for name, kws in zip(names, keywords, strict=True):
        if not isinstance(name, str):  # None, or NaN once pandas has stored it
            out.append(None)
            continue
        candidate = name
        if seen[candidate.lower()]:
            extra = next((k for k in kws if k.lower() not in candidate.lower()), None)
            candidate = f"{name} ({extra})" if extra else name
            n = 2
            while seen[candidate.lower()]:
                candidate = f"{name} ({n})"
                n += 1
        seen[candidate.lower()] += 1
        out.append(candidate)
    return out


def name_clusters(
    facets: pd.DataFrame,
    labels: np.ndarray,
    embeddings: np.ndarray,
    centres: np.ndarray,
    suppressed: np.ndarray,
    namer: Namer,
    cfg: NameConfig,
    usage: StageUsage,
    *,
    facet: str,
    min_users: int,
    seed: int,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Names, descriptions and keywords of the base clusters.

    Clusters marked in ``suppressed`` are neither named, nor given text, nor shown as contrast
    for other clusters. ``min_users`` is the resolved privacy threshold: a keyword must be used
    by that many distinct users.

    Returns
    -------
    DataFrame
        One row per cluster id ``0..len(centres)-1``: ``cluster``, ``name``, ``description``,
        ``keywords`` (list of str), ``name_error``.
    """
    texts = facets[facet].fillna("").astype(str).tolist()
    users = facets["user_id"].astype(str).tolist()
    keywords = cluster_keywords(texts, labels, users, min_users, cfg.n_keywords)
    view = NamingInput(
        texts=texts,
        tasks=facets["task"].fillna("").astype(str).tolist(),
        labels=labels,
        embeddings=embeddings,
        centres=centres,
        keywords=keywords,
        cfg=cfg,
        seed=seed,
        users=users,
        min_users=min_users,
        suppressed=np.asarray(suppressed, dtype=bool),
    )
    visible = [c for c in range(len(centres)) if not suppressed[c]]
    by_cluster: dict[int, Any] = dict(zip(visible, namer.name(view, visible, usage, progress), strict=True))
    rows = []
    for c in range(len(centres)):
        kws = [t for t, _ in keywords.get(c, [])] if not suppressed[c] else []
        answer = by_cluster.get(c)
        if isinstance(answer, tuple):
            name, description, error = answer[0], answer[1], None
        else:
            name = description = None
            error = answer.reason if isinstance(answer, Failure) else None
        rows.append(
            {"cluster": c, "name": name, "description": description, "keywords": kws, "name_error": error}
        )
    df = pd.DataFrame(rows, columns=["cluster", "name", "description", "keywords", "name_error"])
    df["name"] = unique_names(df["name"].tolist(), df["keywords"].tolist())
    return df
