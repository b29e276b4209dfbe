"""Stage 5: name clusters.

Keywords come from a class-based TF-IDF over each cluster's facet texts, restricted to terms used
by at least ``min_users`` distinct users inside the cluster, so one person's words never become a
name. A backend then names each cluster from in-cluster samples plus the nearest out-of-cluster
samples (contrast); the offline backend builds the name from the keywords and task labels.
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from cliokit.backends.base import Backend, ModelRequest
from cliokit.backends.calls import Failure, StageUsage, ask
from cliokit.config import NameConfig
from cliokit.prompts import NAME_CLUSTER, bullet_list, tag

logger = logging.getLogger(__name__)

STAGE_VERSION = 1

_HAN = "\u3400-\u4dbf\u4e00-\u9fff"
_KATAKANA = "\u30a0-\u30ff"
_HIRAGANA = "\u3040-\u309f"
_HANGUL = "\uac00-\ud7af"
_CJK = _HAN + _KATAKANA + _HIRAGANA + _HANGUL
_TOKEN = re.compile(
    rf"(?P<han>[{_HAN}]+)|(?P<kata>[{_KATAKANA}]{{2,}})|(?P<hira>[{_HIRAGANA}]+)|(?P<hangul>[{_HANGUL}]{{2,}})"
    rf"|(?P<word>[^\W\d_{_CJK}][^\W_{_CJK}]+)",
    re.UNICODE,
)
_PLACEHOLDER = re.compile(r"\[[A-Z_]+\]")
# Han characters that are mostly grammar (particles, pronouns, auxiliaries): bigrams with them are noise.
_HAN_FUNCTION = frozenset("的了是我你他她它们这那个吗呢吧啊和与在有要会能可以就也都很还一不么什怎给请帮把被")

# Function words of the languages cliokit's offline facets keep; content words survive.
STOPWORDS = ENGLISH_STOP_WORDS | frozenset(
    """
    a an and are as at be but by can could do does for from had has have how i if in into is it its me my
    no not of on or our please so some than that the their them then there these they this to was we
    what when where which who why will with would you your yours want need help like just also about get
    make know use using used one any all more most very much many should may might must let lets i'm it's
    don't can't what's user users request requests assistant overall task asks asking ask wants
    thanks thank hello okay sure great
    el la los las un una unos unas y o de del al en con por para que como es son se su sus mi mis me te
    lo le les yo tu tú este esta estos estas ese esa muy más pero si no hay ser estar tengo puedes puede
    le la les un une des et ou de du en dans avec pour par que qui comment est sont se sa son ses mon ma
    mes je tu il elle nous vous ils elles ce cette ces très plus mais si ne pas pouvez peux
    der die das ein eine einen einem einer und oder von zu mit für auf ist sind sich sein ihr mein meine
    ich du er sie wir wie was kann kannst können bitte nicht auch noch mir mich dir dich den dem des im
    o a os as um uma e ou de do da dos das em no na com por para que como é são se seu sua meu minha eu
    você não mais muito
    """.split()
)


def tokenize(text: str) -> list[str]:
    """Content terms of ``text``: lowercased words, whole katakana and Hangul words, Han bigrams.

    Function words (a multilingual stop list), hiragana (mostly grammar in Japanese) and Han
    bigrams containing a grammatical character are dropped.
    """
    out: list[str] = []
    for m in _TOKEN.finditer(_PLACEHOLDER.sub(" ", text).lower()):
        tok = m.group()
        if m.lastgroup == "han":
            out.extend(
                tok[i : i + 2] for i in range(len(tok) - 1) if not (_HAN_FUNCTION & set(tok[i : i + 2]))
            )
        elif m.lastgroup in ("kata", "hangul"):
            out.append(tok)
        elif m.lastgroup == "word" and len(tok) >= 3 and tok not in STOPWORDS:
            out.append(tok)
    return out


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


def merge_keywords(
    keyword_lists: Sequence[Sequence[str]],
    sizes: Sequence[int],
    n: int,
    idf: Mapping[str, float] | None = None,
) -> list[str]:
    """A parent's keywords: terms shared by the most children (by size), times ``idf`` if given."""
    score: dict[str, float] = {}
    for kws, size in zip(keyword_lists, sizes, strict=True):
        for rank, k in enumerate(kws):
            score[k] = score.get(k, 0.0) + size * (1 + 0.1 / (rank + 1)) * (idf or {}).get(k, 1.0)
    return [k for k, _ in sorted(score.items(), key=lambda x: (-x[1], x[0]))[:n]]


def contrast_indices(
    embeddings: np.ndarray, labels: np.ndarray, centroid: np.ndarray, cluster: int, n: int
) -> np.ndarray:
    """Indices of the ``n`` out-of-cluster rows nearest to ``centroid`` (cosine), nearest first."""
    if n <= 0:
        return np.empty(0, dtype=np.int64)
    sims = embeddings @ centroid
    sims[labels == cluster] = -np.inf
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


def naming_requests(
    texts: Sequence[str],
    tasks: Sequence[str],
    labels: np.ndarray,
    embeddings: np.ndarray,
    centres: np.ndarray,
    clusters: Sequence[int],
    keywords: dict[int, list[tuple[str, float]]],
    cfg: NameConfig,
    seed: int,
    *,
    model: str = "",
    criteria: str = "",
) -> list[ModelRequest]:
    """One naming request per cluster in ``clusters``: in-cluster samples plus nearest contrast."""
    rng = np.random.default_rng(seed)
    requests = []
    for c in clusters:
        members = np.flatnonzero(labels == c)
        samples = _unique_sample(texts, members, cfg.n_samples, rng)
        contrast = [
            texts[int(i)] for i in contrast_indices(embeddings, labels, centres[c], c, cfg.n_contrast)
        ]
        task_counts = Counter(tasks[int(i)] for i in members if tasks[int(i)])
        requests.append(
            NAME_CLUSTER.request(
                f"cluster-{c}",
                {
                    "keywords": [t for t, _ in keywords.get(c, [])],
                    "tasks": dict(task_counts.most_common(5)),
                    "size": int(members.size),
                },
                model=model,
                max_tokens=300,
                samples=bullet_list(samples),
                contrast=bullet_list(contrast),
                criteria=criteria,
            )
        )
    return requests


def parse_name(text: str) -> tuple[str, str]:
    """``(name, description)`` from a naming answer; raises ``ValueError`` if either is missing."""
    name, summary = tag(text, "name"), tag(text, "summary")
    if not name or not summary:
        raise ValueError("missing <name> or <summary>")
    name = name.strip().strip("\"'").rstrip(".")
    if len(name) > 200:
        raise ValueError("name longer than 200 characters")
    return name, summary


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
    backend: Backend,
    cfg: NameConfig,
    usage: StageUsage,
    *,
    facet: str = "request",
    min_users: int = 1,
    seed: int = 0,
    model: str = "",
    progress: bool | None = None,
) -> pd.DataFrame:
    """Names, descriptions and keywords of the base clusters.

    Clusters marked in ``suppressed`` are neither shown to a model nor given text.

    Returns
    -------
    DataFrame
        One row per cluster id ``0..len(centres)-1``: ``cluster``, ``name``, ``description``,
        ``keywords`` (list of str), ``name_error``.
    """
    texts = facets[facet].fillna("").astype(str).tolist()
    tasks = facets["task"].fillna("").astype(str).tolist()
    users = facets["user_id"].astype(str).tolist()
    keywords = cluster_keywords(texts, labels, users, min_users, cfg.n_keywords)
    visible = [c for c in range(len(centres)) if not suppressed[c]]
    requests = naming_requests(
        texts, tasks, labels, embeddings, centres, visible, keywords, cfg, seed, model=model
    )
    answers = ask(backend, requests, parse_name, usage, progress=progress, desc="name clusters")
    by_cluster: dict[int, Any] = dict(zip(visible, answers, strict=True))
    rows = []
    for c in range(len(centres)):
        kws = [t for t, _ in keywords.get(c, [])] if not suppressed[c] else []
        answer = by_cluster.get(c)
        if isinstance(answer, tuple):
            rows.append(
                {
                    "cluster": c,
                    "name": answer[0],
                    "description": answer[1],
                    "keywords": kws,
                    "name_error": None,
                }
            )
        else:
            error = answer.reason if isinstance(answer, Failure) else None
            rows.append(
                {"cluster": c, "name": None, "description": None, "keywords": kws, "name_error": error}
            )
    df = pd.DataFrame(rows, columns=["cluster", "name", "description", "keywords", "name_error"])
    df["name"] = unique_names(df["name"].tolist(), df["keywords"].tolist())
    return df
