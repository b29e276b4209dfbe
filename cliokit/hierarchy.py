"""Stage 6: the multi-level hierarchy, Clio's algorithm, level by level.

For each new level: embed the children's names and descriptions, group them into neighbourhoods
(k-means, about ``neighbourhood_size`` each), propose parent names per neighbourhood (seeing a few
nearest outside clusters), deduplicate the proposals across neighbourhoods, assign every child to
exactly one parent (candidates shuffled; paraphrased answers snapped to the nearest candidate),
drop empty parents and rename each parent from its children. The privacy filter runs on every new
level before it becomes the next level's children, so suppressed text never feeds a parent.

It always converges: the number of levels is fixed up front, every child ends with exactly one
parent (children without text, or whose assignment fails, are placed by embedding), and empty
parents are dropped.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from cliokit.backends.base import Backend
from cliokit.backends.calls import Failure, StageUsage, ask
from cliokit.backends.offline import offline_dedupe, offline_propose
from cliokit.config import HierarchyConfig
from cliokit.name import merge_keywords, parse_name, unique_names
from cliokit.prompts import ASSIGN, DEDUPE, PROPOSE, RENAME, bullet_list, tag, tags

logger = logging.getLogger(__name__)

STAGE_VERSION = 1

EmbedFn = Callable[[list[str]], np.ndarray]


@dataclass
class LevelResult:
    """One new level: its clusters table and each child's parent index."""

    clusters: pd.DataFrame
    parent_of_child: np.ndarray
    notes: list[str] = field(default_factory=list)


def parse_categories(text: str) -> list[str]:
    """Category names from ``<answer><category>..</category>..</answer>``; ``ValueError`` if none."""
    answer = tag(text, "answer")
    names = tags(answer if answer is not None else text, "category")
    if not names:
        raise ValueError("no <category> in the answer")
    return names


def parse_assignment(text: str) -> str:
    """The chosen category name from ``<answer>..</answer>``; ``ValueError`` if missing."""
    answer = tag(text, "answer")
    if not answer:
        raise ValueError("missing <answer>")
    return answer


def _child_text(name: str, description: str | None) -> str:
    return f"{name}: {description}" if description else name


def _clean_candidates(names: Sequence[str]) -> list[str]:
    seen: dict[str, str] = {}
    for n in names:
        n = " ".join(n.split()).strip(" .-*\"'")
        if n and n.lower() not in seen:
            seen[n.lower()] = n
    return list(seen.values())


def parent_keywords(
    keyword_lists: Sequence[Sequence[str]],
    sizes: Sequence[int],
    parent_of_child: np.ndarray,
    n_parents: int,
    n: int,
) -> list[list[str]]:
    """Keywords of each parent, down-weighting terms that many parents share (c-TF-IDF at this level)."""
    holders: dict[str, set[int]] = {}
    for kws, p in zip(keyword_lists, parent_of_child.tolist(), strict=True):
        for k in kws:
            holders.setdefault(k, set()).add(p)
    idf = {k: float(np.log(1 + n_parents / len(ps))) for k, ps in holders.items()}
    return [
        merge_keywords(
            [k for k, p in zip(keyword_lists, parent_of_child, strict=True) if p == q],
            [s for s, p in zip(sizes, parent_of_child, strict=True) if p == q],
            n,
            idf,
        )
        for q in range(n_parents)
    ]


def snap(answer: str, candidates: Sequence[str], answer_vec: np.ndarray, cand_vecs: np.ndarray) -> int:
    """Index of the candidate ``answer`` names: exact (case-insensitive), contained, else nearest."""
    low = answer.lower().strip(" .\"'")
    for i, c in enumerate(candidates):
        if c.lower() == low:
            return i
    contained = [i for i, c in enumerate(candidates) if c.lower() in low or low in c.lower()]
    if len(contained) == 1:
        return contained[0]
    return int(np.argmax(cand_vecs @ answer_vec))


def build_level(
    children: pd.DataFrame,
    child_conv_vecs: np.ndarray,
    n_parents: int,
    backend: Backend,
    embed: EmbedFn,
    cfg: HierarchyConfig,
    usage: StageUsage,
    *,
    level: int,
    seed: int,
    model: str = "",
    progress: bool | None = None,
) -> LevelResult | None:
    """Build one level of about ``n_parents`` parents over ``children``.

    Parameters
    ----------
    children : DataFrame
        ``cluster`` (0..n-1), ``name``, ``description``, ``keywords``, ``n_conversations``;
        rows without a name (suppressed or unnamed) take part by embedding only.
    child_conv_vecs : ndarray of shape (n, dim)
        Each child's centroid of conversation embeddings (places children that have no text).
    n_parents : int
        Wanted number of parents.

    Returns
    -------
    LevelResult or None
        None when no child has text to build on.
    """
    rng = np.random.default_rng(seed)
    named = np.flatnonzero(children["name"].notna().to_numpy())
    if named.size == 0:
        return None
    notes: list[str] = []
    names = children["name"].tolist()
    descs = children["description"].tolist()
    kws = [list(k) if k is not None else [] for k in children["keywords"]]
    sizes = children["n_conversations"].astype(int).tolist()
    named_vecs = embed([_child_text(names[i], descs[i]) for i in named])
    m = max(1, min(n_parents, named.size))

    # 1. neighbourhoods
    k_nb = max(1, min(named.size, round(named.size / cfg.neighbourhood_size)))
    if k_nb > 1:
        from sklearn.cluster import KMeans

        nb = KMeans(n_clusters=k_nb, random_state=seed, n_init=3).fit_predict(named_vecs)
    else:
        nb = np.zeros(named.size, dtype=np.int64)

    # 2. propose
    requests, groups = [], []
    for g in range(int(nb.max()) + 1):
        members = np.flatnonzero(nb == g)
        if members.size == 0:
            continue
        want = max(1, round(m * members.size / named.size))
        centre = named_vecs[members].mean(axis=0)
        outside = np.flatnonzero(nb != g)
        outside = outside[np.argsort(-(named_vecs[outside] @ centre))[: cfg.n_outside]]
        child_payload = [
            {
                "name": names[named[i]],
                "keywords": kws[named[i]],
                "size": sizes[named[i]],
                "vector": named_vecs[i].tolist(),
                "centroid": child_conv_vecs[named[i]].tolist(),
            }
            for i in members
        ]
        requests.append(
            PROPOSE.request(
                f"propose-{level}-{g}",
                {"children": child_payload, "n_parents": want, "seed": seed + g},
                model=model,
                max_tokens=1500,
                children=bullet_list([_child_text(names[named[i]], descs[named[i]]) for i in members]),
                outside=bullet_list([names[named[i]] for i in outside]),
                n_parents=str(want),
            )
        )
        groups.append((want, child_payload))
    proposals = ask(
        backend, requests, parse_categories, usage, progress=progress, desc=f"propose level {level}"
    )
    candidates: list[str] = []
    for proposal, (want, payload) in zip(proposals, groups, strict=True):
        if isinstance(proposal, Failure):
            notes.append(f"level {level}: a proposal failed ({proposal.reason}); used the embedding fallback")
            proposal = offline_propose(payload, want, seed)
        candidates.extend(proposal)
    candidates = _clean_candidates(candidates)

    # 3. dedupe across neighbourhoods
    if len(candidates) > m:
        cand_vecs = embed(candidates)
        request = DEDUPE.request(
            f"dedupe-{level}",
            {
                "candidates": [
                    {"name": c, "vector": v.tolist()} for c, v in zip(candidates, cand_vecs, strict=True)
                ],
                "n_parents": m,
                "seed": seed,
            },
            model=model,
            max_tokens=2000,
            candidates=bullet_list(candidates),
            n_parents=str(m),
        )
        (deduped,) = ask(backend, [request], parse_categories, usage, progress=False)
        if isinstance(deduped, Failure):
            notes.append(f"level {level}: dedupe failed ({deduped.reason}); used the embedding fallback")
            deduped = offline_dedupe(candidates, cand_vecs, m, seed)
        candidates = _clean_candidates(deduped) or candidates
    cand_vecs = embed(candidates)

    # 4. assign every named child (candidates shuffled per request)
    requests = []
    for i, c in enumerate(named):
        order = rng.permutation(len(candidates))
        requests.append(
            ASSIGN.request(
                f"assign-{level}-{c}",
                {
                    "child": {"name": names[c], "keywords": kws[c], "vector": named_vecs[i].tolist()},
                    "candidates": [{"name": candidates[j], "vector": cand_vecs[j].tolist()} for j in order],
                },
                model=model,
                max_tokens=400,
                candidates=bullet_list([candidates[j] for j in order]),
                child=_child_text(names[c], descs[c]),
            )
        )
    answers = ask(
        backend,
        requests,
        parse_assignment,
        usage,
        max_repairs=cfg.max_retries,
        progress=progress,
        desc=f"assign level {level}",
    )
    choice = np.full(len(children), -1, dtype=np.int64)
    text_answers = [(i, a) for i, a in enumerate(answers) if isinstance(a, str)]
    answer_vecs = embed([a for _, a in text_answers]) if text_answers else np.zeros((0, cand_vecs.shape[1]))
    for (i, chosen), vec in zip(text_answers, answer_vecs, strict=True):
        choice[named[i]] = snap(chosen, candidates, vec, cand_vecs)
    n_failed = sum(isinstance(a, Failure) for a in answers)
    for i, a in enumerate(answers):
        if isinstance(a, Failure):
            choice[named[i]] = int(np.argmax(cand_vecs @ named_vecs[i]))
    if n_failed:
        notes.append(f"level {level}: {n_failed} assignments failed; placed by embedding similarity")

    # 5. drop empty parents, place children without text by conversation-space centroid
    used = sorted({int(x) for x in choice[named]})
    remap = {old: new for new, old in enumerate(used)}
    parent_of_child = np.array([remap.get(int(x), -1) for x in choice], dtype=np.int64)
    parent_conv = np.zeros((len(used), child_conv_vecs.shape[1]), dtype=np.float64)
    for c in named:
        parent_conv[parent_of_child[c]] += child_conv_vecs[c] * sizes[c]
    parent_conv /= np.maximum(np.linalg.norm(parent_conv, axis=1, keepdims=True), 1e-12)
    for c in np.flatnonzero(parent_of_child < 0):
        parent_of_child[c] = int(np.argmax(parent_conv @ child_conv_vecs[c]))

    # 6. rename each parent from its named children
    requests = []
    parent_kws = parent_keywords(kws, sizes, parent_of_child, len(used), 8)
    for p, cand in enumerate(used):
        kids = [c for c in named if parent_of_child[c] == p]
        requests.append(
            RENAME.request(
                f"rename-{level}-{p}",
                {
                    "candidate": candidates[cand],
                    "keywords": parent_kws[p],
                    "children": [{"name": names[c], "keywords": kws[c], "size": sizes[c]} for c in kids],
                },
                model=model,
                max_tokens=400,
                children=bullet_list([_child_text(names[c], descs[c]) for c in kids]),
            )
        )
    renamed = ask(backend, requests, parse_name, usage, progress=progress, desc=f"rename level {level}")
    rows: list[dict[str, Any]] = []
    for p, (cand, new_name) in enumerate(zip(used, renamed, strict=True)):
        if isinstance(new_name, Failure):
            kid_names = [str(names[c]) for c in named if parent_of_child[c] == p]
            name, desc = candidates[cand], "Includes: " + "; ".join(kid_names[:6]) + "."
            notes.append(f"level {level}: renaming parent {p} failed; kept its proposed name")
        else:
            name, desc = new_name
        rows.append({"cluster": p, "name": name, "description": desc, "keywords": parent_kws[p]})
    parents = pd.DataFrame(rows, columns=["cluster", "name", "description", "keywords"])
    parents["name"] = unique_names(parents["name"].tolist(), parents["keywords"].tolist())
    for note in notes:
        logger.info(note)
    return LevelResult(clusters=parents, parent_of_child=parent_of_child, notes=notes)
