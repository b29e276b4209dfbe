"""Offline cluster names from phrases (no model).

Each conversation's facet text is cut into runs of content words (:func:`cliokit.text.content_runs`:
stop words of every suite language removed, Chinese, Japanese and Korean segmented by dictionary
analysers). Every 1–3-word n-gram of a run is a candidate phrase. A phrase is kept for a cluster
only if at least ``min_users`` distinct users of that cluster wrote it, then weighted by BERTopic's
class-based TF-IDF across all clusters, so what is common to every cluster drops out. The best
candidates are embedded and re-ranked against the cluster's centroid, KeyBERT-style, with
BERTopic's maximal marginal relevance (near-synonyms are not picked twice). The name is the top
phrases (a task label goes in front only when it is dominant in the cluster and the offline label
is reliable); sibling names are made distinct from the clusters' own next phrases, never with
numbers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from importlib import metadata
from typing import TYPE_CHECKING, Any

import numpy as np

from cliokit.backends.calls import Failure, StageUsage
from cliokit.errors import ConfigError
from cliokit.name import clean_name, task_counts
from cliokit.offline._courtesy import is_pleasantry
from cliokit.progress import progress_bar
from cliokit.text import content_runs, join_words, segment_words, stopwords, text_script

if TYPE_CHECKING:
    from cliokit.name import NamingInput

logger = logging.getLogger(__name__)

#: Version of the naming rules; part of :meth:`PhraseNamer.key`.
NAMER_VERSION = 1

#: Offline task labels that may lead a name (when they cover ``task_share`` of a cluster), with the
#: words the name uses for them (free of stop words: "text" and "or" are English stop words). They
#: are the labels that agreed with the task the synthetic suite's subtopic implies for at least 80%
#: of the checkable conversations they were given to, in two samples of 10,000 conversations in
#: 11 languages (bench/bench_names.py, seeds 0 and 1): role-play 0.94/0.96 (50 checkable),
#: translate text 0.91/0.93 (~100), write creative text 0.86/0.83 (~270). Just below: plan or
#: organise 0.78/0.80, analyse data 0.79/0.77, write code 0.67/0.73, debug code 0.56/0.54. The
#: others go only in the description.
RELIABLE_TASKS: dict[str, str] = {
    "translate text": "Translation",
    "role-play": "Role-play",
    "write creative text": "Creative writing",
}

_SEGMENTERS = ("stopwordsiso", "jieba", "fugashi", "unidic-lite", "kiwipiepy", "kiwipiepy-model")


def phrase_sets(texts: Sequence[str], max_words: int = 3, progress: bool | None = None) -> list[set[str]]:
    """The candidate phrases of each text: every 1..``max_words``-gram of its content-word runs.

    Examples
    --------
    >>> sorted(phrase_sets(["Debug pandas merge errors"], max_words=2, progress=False)[0])
    ['debug', 'debug pandas', 'errors', 'merge', 'merge errors', 'pandas', 'pandas merge']
    """
    stop = stopwords()
    out: list[set[str]] = []
    with progress_bar(total=len(texts), desc="phrases", enabled=progress) as bar:
        for text in texts:
            found: set[str] = set()
            for run in content_runs(text or "", stop):
                for n in range(1, max_words + 1):
                    found.update(join_words(run[i : i + n]) for i in range(len(run) - n + 1))
            out.append(found)
            bar.update(1)
    return out


def clean_phrase(phrase: str, stop: frozenset[str] | None = None) -> bool:
    """Whether ``phrase`` has no stop word however it is segmented in a name.

    A phrase of Han characters only is read by the Chinese segmenter on its own and by the
    Japanese one beside a Japanese phrase, so both must find no stop word (e.g. ``小説``, one
    Japanese noun, is ``小`` + ``説`` for jieba, and ``小`` is a Chinese stop word).

    Examples
    --------
    >>> clean_phrase("pandas errors"), clean_phrase("小説")
    (True, False)
    """
    stop = stopwords() if stop is None else stop
    script = text_script(phrase)
    scripts = (script, "ja") if script == "zh" else (script,)
    return not any(w in stop for s in scripts for w in segment_words(phrase, s))


def cluster_phrases(
    phrases: Sequence[set[str]],
    labels: np.ndarray,
    users: Sequence[str],
    min_users: int,
    n_candidates: int = 30,
) -> dict[int, list[tuple[str, float, int]]]:
    """c-TF-IDF candidates per cluster, each used by at least ``min_users`` distinct users in it.

    Phrases with a stop word, and phrases made only of greetings, thanks and softeners
    ("nochmal bitte", "非常感谢"), are no candidates.

    A conversation counts once per phrase. Weights come from
    :class:`bertopic.vectorizers.ClassTfidfTransformer` over the cluster × phrase counts of all
    clusters (so a phrase frequent in every cluster weighs little).

    Returns
    -------
    dict
        cluster id → up to ``n_candidates`` ``(phrase, weight, conversations)`` best first; every
        cluster in ``labels`` has an entry (empty when no phrase is shared by enough users).
    """
    import scipy.sparse as sp
    from bertopic.vectorizers import ClassTfidfTransformer

    classes, cls = np.unique(np.asarray(labels), return_inverse=True)
    user_codes = np.unique(np.asarray(users, dtype=str), return_inverse=True)[1]
    # phrases written by fewer than min_users users overall can pass in no cluster: leave them out
    vocab: dict[str, int] = {}
    docs, ids = [], []
    for i, found in enumerate(phrases):
        for p in found:
            docs.append(i)
            ids.append(vocab.setdefault(p, len(vocab)))
    out: dict[int, list[tuple[str, float, int]]] = {int(c): [] for c in classes}
    if not vocab:
        return out
    doc = np.asarray(docs, dtype=np.int64)
    pid = np.asarray(ids, dtype=np.int64)
    triples = np.unique(np.stack([cls[doc], pid, user_codes[doc]], axis=1), axis=0)
    pairs, n_users = np.unique(triples[:, :2], axis=0, return_counts=True)
    shape = (len(classes), len(vocab))
    counts = sp.csr_matrix((np.ones(len(doc)), (cls[doc], pid)), shape=shape)
    weights = ClassTfidfTransformer().fit_transform(counts.copy()).tocsr()  # it normalises in place
    words = np.empty(len(vocab), dtype=object)
    for p, j in vocab.items():
        words[j] = p
    keep = n_users >= min_users
    if not keep.any():  # (scipy indexes with empty arrays as a 1 x 1 matrix)
        return out
    rows, cols = pairs[keep, 0], pairs[keep, 1]
    w = np.asarray(weights[rows, cols]).ravel()
    n = np.asarray(counts[rows, cols]).ravel()
    for c, j, wj, nj in zip(rows.tolist(), cols.tolist(), w.tolist(), n.tolist(), strict=True):
        out[int(classes[c])].append((str(words[j]), float(wj), int(nj)))
    stop = stopwords()
    clean: dict[str, bool] = {}
    for c, items in out.items():
        items.sort(key=lambda x: (-x[1], x[0]))
        kept: list[tuple[str, float, int]] = []
        for item in items:
            if len(kept) == n_candidates:
                break
            if clean.setdefault(item[0], not is_pleasantry(item[0]) and clean_phrase(item[0], stop)):
                kept.append(item)
        out[c] = kept
    return out


class PhraseNamer:
    """Names clusters from the phrases their users share and that set them apart (no model).

    Parameters
    ----------
    embed : callable
        ``embed(texts) -> ndarray (len(texts), dim)``, in the space of the cluster centroids
        (rows are L2-normalised here); when its dimension differs from the centroids' (e.g.
        precomputed conversation vectors), phrases keep their c-TF-IDF order.
    embedder_id : str, default=""
        What identifies ``embed`` (e.g. the embedder's fingerprint); part of :meth:`key`.
    users : sequence of str, optional
        User id per conversation, when the :class:`~cliokit.name.NamingInput` has none.
    min_users : int, optional
        Distinct users a phrase needs in a cluster, when the naming input has none.
    n_phrases : int, default=2
        Phrases in a name (more are added only to tell siblings apart).
    n_candidates : int, default=30
        c-TF-IDF candidates per cluster that are re-ranked against the centroid.
    diversity : float, default=0.3
        Maximal marginal relevance: 0 ranks by closeness to the centroid only, 1 by novelty only.
    max_words : int, default=3
        Longest phrase, in words.
    task_share : float, default=0.5
        Share of a cluster's conversations a task label needs to be named.
    reliable_tasks : mapping, optional
        Task label → the words a name uses for it, for the labels that may lead a name
        (default: :data:`RELIABLE_TASKS`).
    contrast : float, default=0.0
        Phrases are ranked against ``centroid - contrast * mean(5 nearest sibling centroids)``: 0 is
        the centroid itself, as KeyBERT does; more ranks by what sets the cluster apart. Names
        ranked against the centroid say best what a cluster holds: mapped back to the known labels
        by embedding (``bench/bench_names_public.py``, ``bench/bench_names.py``), contrast 0 /
        0.5 / 1 reach 0.424 / 0.416 / 0.412 on HWU64 intents, 0.460 / 0.436 / 0.436 on its
        scenarios, 0.389 / 0.403 / 0.368 on SLURP intents, 0.461 / 0.457 / 0.457 on its scenarios
        and 0.438 / 0.410 / 0.393 on the synthetic suite's categories (10k, 11 languages).

    Examples
    --------
    >>> from cliokit.embedders import HashEmbedder  # doctest: +SKIP
    >>> namer = PhraseNamer(HashEmbedder().embed, users=user_ids, min_users=3)  # doctest: +SKIP
    """

    def __init__(
        self,
        embed: Callable[[list[str]], np.ndarray],
        embedder_id: str = "",
        *,
        users: Sequence[str] | None = None,
        min_users: int | None = None,
        n_phrases: int = 2,
        n_candidates: int = 30,
        diversity: float = 0.3,
        max_words: int = 3,
        task_share: float = 0.5,
        reliable_tasks: Mapping[str, str] | None = None,
        contrast: float = 0.0,
    ) -> None:
        if min_users is not None and min_users < 1:
            raise ConfigError(f"`min_users` must be an int >= 1; got {min_users!r}")
        if not 0.0 <= diversity <= 1.0:
            raise ConfigError(f"`diversity` must be between 0 and 1; got {diversity!r}")
        for field, value in (
            ("n_phrases", n_phrases),
            ("n_candidates", n_candidates),
            ("max_words", max_words),
        ):
            if value < 1:
                raise ConfigError(f"`{field}` must be an int >= 1; got {value!r}")
        self.embed = embed
        self.embedder_id = embedder_id
        self.users = list(users) if users is not None else None
        self.min_users = min_users
        self.n_phrases = n_phrases
        self.n_candidates = n_candidates
        self.diversity = diversity
        self.max_words = max_words
        self.task_share = task_share
        self.reliable_tasks = dict(RELIABLE_TASKS if reliable_tasks is None else reliable_tasks)
        self.contrast = contrast
        self._phrases: tuple[list[str], list[set[str]]] | None = None

    def key(self) -> dict[str, Any]:
        """Rules version, settings, embedder and the versions of the stop lists and segmenters."""
        versions: dict[str, str | None] = {}
        for package in _SEGMENTERS:
            try:
                versions[package] = metadata.version(package)
            except metadata.PackageNotFoundError:
                versions[package] = None
        return {
            "kind": "offline-phrases",
            "version": NAMER_VERSION,
            "embedder": self.embedder_id,
            "n_phrases": self.n_phrases,
            "n_candidates": self.n_candidates,
            "diversity": self.diversity,
            "max_words": self.max_words,
            "task_share": self.task_share,
            "reliable_tasks": dict(sorted(self.reliable_tasks.items())),
            "min_users": self.min_users,
            "contrast": self.contrast,
            "packages": versions,
        }

    def name(
        self, view: NamingInput, clusters: Sequence[int], usage: StageUsage, progress: bool | None
    ) -> list[tuple[str, str] | Failure]:
        users = view.users or self.users
        min_users = view.min_users if view.min_users is not None else self.min_users
        if users is None or min_users is None:
            raise ConfigError("PhraseNamer needs user ids and `min_users` (from the naming input or its own)")
        if len(users) != len(view.texts):
            raise ConfigError(f"PhraseNamer got {len(users)} user ids for {len(view.texts)} texts")
        if (
            self._phrases is None or self._phrases[0] != view.texts
        ):  # the hierarchy names parents from the same texts
            self._phrases = (list(view.texts), phrase_sets(view.texts, self.max_words, progress))
        candidates = cluster_phrases(
            self._phrases[1],
            view.labels,
            users,
            min_users,
            self.n_candidates,
        )
        ranked = self._rank(view, clusters, candidates)
        phrases, grown = _distinct_phrases(clusters, ranked, self.n_phrases)
        bodies = {c: " · ".join(phrases[c]) for c in clusters}
        tasks = {c: _dominant_task(view, c) for c in clusters}
        for c in clusters:
            task, share = tasks[c]
            if task in self.reliable_tasks and share >= self.task_share:
                shown = _capital(self.reliable_tasks[task])
                named = f"{shown}: {bodies[c]}" if bodies[c] else shown
                bodies[c] = named if clean_phrase(named) else bodies[c]
        names, referenced = _distinct_names(clusters, bodies, phrases, view)
        for c in clusters:  # no sibling has a phrase either, or identical clusters: say how big it is
            if not names[c] or names[c].lower() in {names[o].lower() for o in clusters if o != c}:
                size = int((view.labels == c).sum())
                names[c] = f"{names[c] or 'Unspecific requests'}, {size} conversations"
        out: list[tuple[str, str] | Failure] = []
        for c in clusters:
            size = max(1, int((view.labels == c).sum()))
            docs = {p: n for p, _, n in candidates[c]}
            shown = ", ".join(f"«{p}» ({round(100 * docs[p] / size)}%)" for p in ranked[c][:4])
            if shown:
                text = f"Conversations about {shown}."
            else:
                text = (
                    "Nothing in the text sets this cluster apart from its siblings: no phrase is used by "
                    f"{min_users} or more of its users."
                )
            if c in grown:
                text += " Its leading phrases are shared with a sibling's; the name adds its next ones."
            if c in referenced:
                text += " The name points to the nearest clusters that have a distinct name."
            task, share = tasks[c]
            if task:
                text += f" Most common task label: {task} ({round(100 * share)}%"
                text += ")." if task in self.reliable_tasks else "; not a reliable offline label)."
            text += " (Offline heuristic: phrases by c-TF-IDF, re-ranked against the centroid.)"
            out.append((clean_name(_capital(names[c])[:200]), text))
        return out

    def _rank(
        self, view: NamingInput, clusters: Sequence[int], candidates: dict[int, list[tuple[str, float, int]]]
    ) -> dict[int, list[str]]:
        """Each cluster's candidates re-ranked against its centroid and diversified (MMR), best first."""
        from bertopic.representation._mmr import mmr

        unique = sorted({p for c in clusters for p, _, _ in candidates.get(c, [])})
        if not unique:
            return {c: [] for c in clusters}
        vectors = np.asarray(self.embed(unique), dtype=np.float64)
        if vectors.shape[1] != view.centres.shape[1]:  # e.g. precomputed conversation vectors
            logger.warning(
                "phrase embeddings (%d dimensions) are not in the space of the cluster centroids (%d): "
                "names keep the c-TF-IDF order",
                vectors.shape[1],
                view.centres.shape[1],
            )
            return {c: [p for p, _, _ in candidates.get(c, [])] for c in clusters}
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        vectors = vectors / np.where(norms == 0, 1.0, norms)
        row = {p: i for i, p in enumerate(unique)}
        ranked: dict[int, list[str]] = {}
        for c in clusters:
            words = [p for p, _, _ in candidates.get(c, [])]
            if len(words) <= 1:
                ranked[c] = words
                continue
            centre = np.asarray(view.centres[c], dtype=np.float64)
            if self.contrast:  # the direction that sets it apart from its nearest siblings
                sims = view.centres @ view.centres[c]
                sims[c] = -np.inf
                near = np.argsort(-sims, kind="stable")[: min(5, len(sims) - 1)]
                centre = centre - self.contrast * view.centres[near].mean(0)
            centre = centre.reshape(1, -1)
            ranked[c] = mmr(centre, vectors[[row[p] for p in words]], words, self.diversity, len(words))
        return ranked


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _dominant_task(view: NamingInput, c: int) -> tuple[str | None, float]:
    """The most common task label of cluster ``c`` other than ``other``, and its share of the cluster."""
    counts = task_counts(view, c)
    counts.pop("other", None)
    if not counts:
        return None, 0.0
    task, n = min(counts.items(), key=lambda x: (-x[1], x[0]))
    return task, n / max(1, int((view.labels == c).sum()))


def _contains(a: str, b: str) -> bool:
    """Whether phrase ``a`` contains phrase ``b`` as whole words (or, for CJK, as a substring)."""
    return f" {b} " in f" {a} " or (b in a and not b.isascii())


def _pick(ranked: list[str], n: int, start: list[str] | None = None) -> list[str]:
    """Up to ``n`` phrases in rank order, skipping any that contains or is contained in a picked one."""
    picked = list(start or [])
    for p in ranked:
        if len(picked) >= n:
            break
        if p in picked or any(_contains(p, q) or _contains(q, p) for q in picked):
            continue
        # segmenters read words in context: the joined name must have no stop word either
        if not picked or clean_phrase(" · ".join([*picked, p])):
            picked.append(p)
    return picked


def _distinct_phrases(
    clusters: Sequence[int], ranked: dict[int, list[str]], n: int
) -> tuple[dict[int, list[str]], set[int]]:
    """Name phrases per cluster; clusters whose phrases equal a sibling's take their next phrases."""
    phrases = {c: _pick(ranked[c], n) for c in clusters}
    grown: set[int] = set()
    while True:
        groups: dict[tuple[str, ...], list[int]] = {}
        for c in clusters:
            if phrases[c]:
                groups.setdefault(tuple(phrases[c]), []).append(c)
        changed = False
        for group in (g for g in groups.values() if len(g) > 1):
            for c in group:  # every member grows, so none keeps the bare shared name
                more = _pick(ranked[c], len(phrases[c]) + 1, phrases[c])
                if len(more) > len(phrases[c]):
                    phrases[c], changed = more, True
                    grown.add(c)
        if not changed:
            return phrases, grown


def _distinct_names(
    clusters: Sequence[int], bodies: dict[int, str], phrases: dict[int, list[str]], view: NamingInput
) -> tuple[dict[int, str], set[int]]:
    """Names still equal (or empty) add the leading phrases of their nearest siblings: "closest «X»"."""
    names = dict(bodies)
    referenced: set[int] = set()
    refs: dict[int, list[str]] = {}
    for _ in range(len(clusters) + 1):
        seen: dict[str, list[int]] = {}
        for c in clusters:
            seen.setdefault(names[c].lower(), []).append(c)
        todo = [c for c in clusters if not names[c] or len(seen[names[c].lower()]) > 1]
        if not todo:
            break
        for c in todo:
            order = np.argsort(-(view.centres @ view.centres[c]), kind="stable").tolist()
            nearest = [phrases[o][0] for o in order if o != c and o in phrases and phrases[o]]
            have = refs.setdefault(c, [])
            for extra in (p for p in nearest if p not in have and p not in phrases[c]):
                near = "closest " + ", ".join(f"«{p}»" for p in [*have, extra])
                name = f"{bodies[c]}, {near}" if bodies[c] else f"Unspecific requests, {near}"
                if clean_phrase(name):
                    have.append(extra)
                    referenced.add(c)
                    names[c] = name
                    break
    return names, referenced
