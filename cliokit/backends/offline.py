"""The offline backend: deterministic heuristics in place of a language model.

It reads each request's structured ``payload`` (never the rendered prompt) and answers in the same
XML tags a model would, so the stages parse every backend's answers the same way. Its facets are
extractive excerpts of the (already scrubbed) user turns, its names are built from c-TF-IDF
keywords and task labels, and its hierarchy steps use k-means and cosine similarity. All of this
is approximate and labelled as such in every output (``facet_source = "heuristic:offline"``,
``backend.heuristic = true`` in the manifest).
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from cliokit import heuristics
from cliokit.backends.base import Backend, ModelRequest, ModelResult
from cliokit.errors import BackendError
from cliokit.name import merge_keywords, tokenize

HEURISTIC_NOTE = "keyword-based name from the offline heuristic backend"


def _e(text: str) -> str:
    return html.escape(text, quote=False)


def _categories(names: Sequence[str]) -> str:
    return "<answer>" + "".join(f"<category>{_e(n)}</category>" for n in names) + "</answer>"


def _keyword_name(keywords: Sequence[str], fallback: str) -> str:
    kws = [k for k in keywords if k][:3]
    return ", ".join(kws).capitalize() if kws else fallback


def _kmeans_groups(vectors: np.ndarray, n: int, seed: int) -> np.ndarray:
    if n <= 1 or len(vectors) <= 1:
        return np.zeros(len(vectors), dtype=np.int64)
    from sklearn.cluster import KMeans

    return np.asarray(
        KMeans(n_clusters=min(n, len(vectors)), random_state=seed, n_init=3).fit_predict(vectors)
    )


def _merged(children: Sequence[Mapping[str, Any]], n: int = 3) -> list[str]:
    return merge_keywords(
        [c.get("keywords") or [] for c in children], [int(c.get("size", 1)) for c in children], n
    )


def offline_propose(children: Sequence[Mapping[str, Any]], n_parents: int, seed: int) -> list[str]:
    """Parent names for ``children`` (dicts with ``name``, ``keywords``, ``size``, ``vector``).

    Groups the children with k-means on their conversation centroids (``centroid``, when given,
    else ``vector``) and names each group by the keywords its children share most.
    """
    vectors = np.asarray([c.get("centroid", c["vector"]) for c in children], dtype=np.float32)
    groups = _kmeans_groups(vectors, n_parents, seed)
    names = []
    for g in range(int(groups.max()) + 1 if len(groups) else 0):
        members = [children[int(i)] for i in np.flatnonzero(groups == g)]
        if members:
            names.append(_keyword_name(_merged(members), members[0]["name"]))
    return names


def offline_dedupe(candidates: Sequence[str], vectors: np.ndarray, n_parents: int, seed: int) -> list[str]:
    """At most ``n_parents`` names: the candidate nearest each k-means centre of the candidate vectors."""
    if len(candidates) <= n_parents:
        return list(candidates)
    groups = _kmeans_groups(vectors, n_parents, seed)
    keep = []
    for g in range(int(groups.max()) + 1):
        members = np.flatnonzero(groups == g)
        centre = vectors[members].mean(axis=0)
        keep.append(candidates[int(members[np.argmax(vectors[members] @ centre)])])
    return keep


class OfflineBackend(Backend):
    """Deterministic heuristic answers for every stage; needs no model, key or network."""

    name = "offline"
    heuristic = True
    max_concurrency = 1

    def __init__(self, **_: Any) -> None:
        pass

    def model_id(self, task: str) -> str:
        return f"offline-heuristic@{heuristics.LEXICON_VERSION}"

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "heuristic": True,
            "lexicon_version": heuristics.LEXICON_VERSION,
            "note": "facets, names and hierarchy are heuristic approximations, not model outputs",
        }

    async def complete_one(self, request: ModelRequest) -> ModelResult:
        handler = getattr(self, f"_{request.task}", None)
        if handler is None:
            raise BackendError(f"the offline backend cannot answer task {request.task!r}")
        text: str = handler(request.payload)
        if request.prefill and text.startswith(request.prefill):
            text = text[len(request.prefill) :]
        return ModelResult(id=request.id, text=text, model=self.model_id(request.task))

    # --- facets -------------------------------------------------------------------------
    def _facets(self, p: Mapping[str, Any]) -> str:
        messages = list(p["messages"])
        limit = int(p.get("request_max_chars", 300))
        request = heuristics.extract_request(messages, max_chars=limit) or "(no user text)"
        score, _ = heuristics.concern_score(messages)
        parts = [
            f"<request>{_e(request)}</request>",
            f"<task>{_e(heuristics.extract_task(messages, max_chars=limit))}</task>",
            f"<language>{heuristics.detect_language(messages)}</language>",
            f"<concerning>{score}</concerning>",
        ]
        user_text = " ".join(m["content"] for m in messages if m["role"] == "user").lower()
        for facet in p.get("custom", []):
            value = "unknown"
            if facet["kind"] == "categorical":
                hits = [v for v in facet["values"] if v.lower() in user_text]
                value = hits[0] if len(hits) == 1 else "unknown"
            parts.append(f'<facet name="{facet["name"]}">{_e(value)}</facet>')
        return "".join(parts)

    # --- naming -------------------------------------------------------------------------
    def _name_cluster(self, p: Mapping[str, Any]) -> str:
        keywords = list(p.get("keywords") or [])
        tasks: Mapping[str, int] = p.get("tasks") or {}
        size = max(1, int(p.get("size", 1)))
        top_task, top_n = max(tasks.items(), key=lambda x: (x[1], x[0])) if tasks else ("other", 0)
        terms = ", ".join(keywords[:3]) or "varied topics"
        if top_task != "other" and top_n / size >= 0.4:
            name = f"{top_task[0].upper()}{top_task[1:]}: {terms}"
            summary = f"Mostly requests to {top_task} ({round(100 * top_n / size)}% of the cluster)."
        else:
            name = f"Requests about {terms}"
            summary = "Requests with mixed task types."
        summary += (
            f" Frequent terms: {', '.join(keywords) or 'none shared by enough users'} ({HEURISTIC_NOTE})."
        )
        return f"<summary>{_e(summary)}</summary><name>{_e(name)}</name>"

    # --- hierarchy ----------------------------------------------------------------------
    def _propose(self, p: Mapping[str, Any]) -> str:
        return "<scratchpad></scratchpad>" + _categories(
            offline_propose(p["children"], int(p["n_parents"]), int(p.get("seed", 0)))
        )

    def _dedupe(self, p: Mapping[str, Any]) -> str:
        cands = p["candidates"]
        vectors = np.asarray([c["vector"] for c in cands], dtype=np.float32)
        names = offline_dedupe(
            [c["name"] for c in cands], vectors, int(p["n_parents"]), int(p.get("seed", 0))
        )
        return "<scratchpad></scratchpad>" + _categories(names)

    def _assign(self, p: Mapping[str, Any]) -> str:
        # most keywords in common with the candidate's name, ties broken by embedding similarity
        child = np.asarray(p["child"]["vector"], dtype=np.float32)
        kws = set(p["child"].get("keywords") or [])
        cands = p["candidates"]
        sims = np.asarray([c["vector"] for c in cands], dtype=np.float32) @ child
        overlap = np.asarray([len(kws & set(tokenize(c["name"]))) for c in cands], dtype=np.float32)
        best = int(np.argmax(overlap + 0.5 * sims))
        return f"<scratchpad></scratchpad><answer>{_e(cands[best]['name'])}</answer>"

    def _rename(self, p: Mapping[str, Any]) -> str:
        children = p["children"]
        name = _keyword_name(p.get("keywords") or _merged(children), p.get("candidate", "Other requests"))
        listed = "; ".join(c["name"] for c in children[:4])
        more = f" and {len(children) - 4} more" if len(children) > 4 else ""
        summary = (
            f"Groups {len(children)} clusters: {listed}{more}. Name from shared keywords ({HEURISTIC_NOTE})."
        )
        return f"<summary>{_e(summary)}</summary><name>{_e(name)}</name>"

    # --- audit --------------------------------------------------------------------------
    def _audit(self, p: Mapping[str, Any]) -> str:
        from cliokit.scrub import find_pii

        spans = find_pii(p["text"])
        if spans:
            kinds = ", ".join(sorted({s.entity_type for s in spans}))
            return f"<justification>pattern scrubber still finds: {kinds}</justification><rating>1</rating>"
        reason = "no pattern-detectable identifier (offline check only)"
        return f"<justification>{reason}</justification><rating>5</rating>"
