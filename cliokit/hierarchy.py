"""Stage 6: the multi-level hierarchy, level by level, with the privacy filter at every level.

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
from typing import Any, Protocol

import numpy as np
import pandas as pd

from cliokit.backends.base import Backend
from cliokit.backends.calls import Failure, StageUsage, ask
from cliokit.cluster import centroids
from cliokit.config import HierarchyConfig
from cliokit.name import parse_name, unique_names
from cliokit.offline.hierarchy import dedupe_names, propose_names
from cliokit.privacy import PrivacyFilter
from cliokit.prompts import (
    ASSIGN,
    DEDUPE,
    PROPOSE,
    RENAME,
    after_scratchpad,
    bullet_list,
    clean_label,
    list_items,
    tag,
    tags,
)
from cliokit.result import assemble_clusters
from cliokit.text import parent_keywords

logger = logging.getLogger(__name__)

STAGE_VERSION = 1

EmbedFn = Callable[[list[str]], np.ndarray]
#: ``(parent_of_child, n_parents) -> names of the parents from their conversations`` (build_hierarchy)
NameGroupsFn = Callable[[np.ndarray, int], pd.DataFrame]


@dataclass
class LevelResult:
    """One new level: its clusters table and each child's parent index."""

    clusters: pd.DataFrame
    parent_of_child: np.ndarray
    notes: list[str] = field(default_factory=list)


def parse_categories(text: str) -> list[str]:
    """Category names from ``<answer><category>..</category>..</answer>``; ``ValueError`` if none.

    Without ``<category>`` tags, the items of a numbered or bulleted list are read instead (or,
    inside ``<answer>``, its lines). Names are cleaned with :func:`cliokit.prompts.clean_label`.
    """
    answer = tag(text, "answer")
    scope = answer if answer is not None else after_scratchpad(text)
    names = tags(scope, "category") or list_items(scope)
    if not names and answer is not None:
        names = answer.splitlines()
    names = [n for n in map(clean_label, names) if n]
    if not names:
        raise ValueError("no <category> (or list of categories) in the answer")
    return names


def parse_assignment(text: str) -> str:
    """The chosen category name from ``<answer>..</answer>`` (or one line after the scratchpad)."""
    answer = tag(text, "answer")
    if answer is None:
        lines = after_scratchpad(text).strip().splitlines()
        answer = lines[0] if len(lines) == 1 else ""
    choice = clean_label(answer)
    if not choice:
        raise ValueError("missing <answer>")
    return choice


def _child_text(name: str, description: str | None) -> str:
    return f"{name}: {description}" if description else name


def _clean_candidates(names: Sequence[str]) -> list[str]:
    seen: dict[str, str] = {}
    for n in names:
        n = " ".join(n.split()).strip(" .-*\"'")
        if n and n.lower() not in seen:
            seen[n.lower()] = n
    return list(seen.values())


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


@dataclass(frozen=True)
class LevelInput:
    """What the hierarchy steps see of the children of one new level.

    ``named`` are the children with a name (the others take part by embedding only),
    ``named_vecs`` the embeddings of their ``"name: description"`` texts and ``conv_vecs`` every
    child's centroid of conversation embeddings.
    """

    level: int
    seed: int
    names: list[str | None]
    descriptions: list[str | None]
    keywords: list[list[str]]
    sizes: list[int]
    named: np.ndarray
    named_vecs: np.ndarray
    conv_vecs: np.ndarray

    def text(self, child: int) -> str:
        """A child's ``"name: description"``, as the model steps show it."""
        return _child_text(str(self.names[child]), self.descriptions[child])


@dataclass(frozen=True)
class Neighbourhood:
    """Children (positions in ``LevelInput.named``) proposed for together, and the nearest others."""

    index: int
    members: np.ndarray
    outside: np.ndarray
    want: int


class HierarchySteps(Protocol):
    """Clio's four hierarchy steps: :class:`ModelSteps` asks a model, the offline steps use heuristics.

    ``propose`` gives candidate names per neighbourhood, ``dedupe`` about ``n`` distinct names
    covering the candidates, ``assign`` the chosen candidate for each named child (candidates
    shown in ``orders``) and ``rename`` the ``(name, description)`` of each parent from its
    ``(candidate name, named children)``. Each item may be a Failure.
    """

    def key(self) -> dict[str, Any]:
        """What the fingerprint of a hierarchy built with these steps depends on."""
        ...

    def propose(
        self, lv: LevelInput, hoods: Sequence[Neighbourhood], usage: StageUsage, progress: bool | None
    ) -> list[list[str] | Failure]: ...

    def dedupe(
        self, lv: LevelInput, candidates: list[str], vectors: np.ndarray, n: int, usage: StageUsage
    ) -> list[str] | Failure: ...

    def assign(
        self,
        lv: LevelInput,
        orders: Sequence[np.ndarray],
        candidates: Sequence[str],
        cand_vecs: np.ndarray,
        usage: StageUsage,
        progress: bool | None,
    ) -> list[str | Failure]: ...

    def rename(
        self,
        lv: LevelInput,
        parents: Sequence[tuple[str, list[int]]],
        parent_keywords: Sequence[list[str]],
        usage: StageUsage,
        progress: bool | None,
    ) -> list[tuple[str, str] | Failure]: ...


class ModelSteps:
    """Clio's hierarchy steps asked of a model backend (``propose``, ``dedupe``, ``assign``, ``rename``)."""

    heuristic = False

    def __init__(self, backend: Backend, cfg: HierarchyConfig) -> None:
        self.backend = backend
        self.max_repairs = cfg.max_retries
        self.model = backend.model_id("propose")

    def key(self) -> dict[str, Any]:
        """Backend, model and prompt hashes."""
        return {
            "kind": "model",
            "backend": self.backend.describe(),
            "models": {t: self.backend.model_id(t) for t in ("propose", "dedupe", "assign", "rename")},
            "prompts": [t.hash for t in (PROPOSE, DEDUPE, ASSIGN, RENAME)],
        }

    def propose(
        self, lv: LevelInput, hoods: Sequence[Neighbourhood], usage: StageUsage, progress: bool | None
    ) -> list[list[str] | Failure]:
        requests = [
            PROPOSE.request(
                f"propose-{lv.level}-{h.index}",
                model=self.model,
                max_tokens=1500,
                children=bullet_list([lv.text(lv.named[i]) for i in h.members]),
                outside=bullet_list([str(lv.names[lv.named[i]]) for i in h.outside]),
                n_parents=str(h.want),
            )
            for h in hoods
        ]
        return ask(
            self.backend,
            requests,
            parse_categories,
            usage,
            progress=progress,
            desc=f"propose level {lv.level}",
        )

    def dedupe(
        self, lv: LevelInput, candidates: list[str], vectors: np.ndarray, n: int, usage: StageUsage
    ) -> list[str] | Failure:
        request = DEDUPE.request(
            f"dedupe-{lv.level}",
            model=self.model,
            max_tokens=2000,
            candidates=bullet_list(candidates),
            n_parents=str(n),
        )
        (answer,) = ask(self.backend, [request], parse_categories, usage, progress=False)
        return answer

    def assign(
        self,
        lv: LevelInput,
        orders: Sequence[np.ndarray],
        candidates: Sequence[str],
        cand_vecs: np.ndarray,
        usage: StageUsage,
        progress: bool | None,
    ) -> list[str | Failure]:
        requests = [
            ASSIGN.request(
                f"assign-{lv.level}-{c}",
                model=self.model,
                max_tokens=400,
                candidates=bullet_list([candidates[j] for j in order]),
                child=lv.text(c),
            )
            for c, order in zip(lv.named, orders, strict=True)
        ]
        return ask(
            self.backend,
            requests,
            parse_assignment,
            usage,
            max_repairs=self.max_repairs,
            progress=progress,
            desc=f"assign level {lv.level}",
        )

    def rename(
        self,
        lv: LevelInput,
        parents: Sequence[tuple[str, list[int]]],
        parent_keywords: Sequence[list[str]],
        usage: StageUsage,
        progress: bool | None,
    ) -> list[tuple[str, str] | Failure]:
        requests = [
            RENAME.request(
                f"rename-{lv.level}-{p}",
                model=self.model,
                max_tokens=400,
                children=bullet_list([lv.text(c) for c in kids]),
            )
            for p, (_, kids) in enumerate(parents)
        ]
        return ask(
            self.backend, requests, parse_name, usage, progress=progress, desc=f"rename level {lv.level}"
        )


@dataclass(frozen=True)
class ClioHierarchy:
    """Clio's hierarchy builder: neighbourhoods → propose → dedupe → assign → rename, per level.

    Parameters
    ----------
    steps : HierarchySteps
        Who answers the four steps (a model, or the offline heuristics).
    cfg : HierarchyConfig
        Neighbourhood size and the number of nearby outside clusters shown when proposing.
    """

    steps: HierarchySteps
    cfg: HierarchyConfig

    def key(self) -> dict[str, Any]:
        """What the fingerprint of a hierarchy built this way depends on."""
        return {"builder": "clio", "steps": self.steps.key()}

    def build_level(
        self,
        children: pd.DataFrame,
        child_conv_vecs: np.ndarray,
        n_parents: int,
        embed: EmbedFn,
        usage: StageUsage,
        *,
        level: int,
        seed: int,
        progress: bool | None = None,
        name_groups: NameGroupsFn | None = None,
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
        name_groups : callable, optional
            Not used: the steps' rename names the parents.

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
        lv = LevelInput(
            level=level,
            seed=seed,
            names=names,
            descriptions=descs,
            keywords=[list(k) if k is not None else [] for k in children["keywords"]],
            sizes=children["n_conversations"].astype(int).tolist(),
            named=named,
            named_vecs=embed([_child_text(names[i], descs[i]) for i in named]),
            conv_vecs=child_conv_vecs,
        )
        m = max(1, min(n_parents, named.size))

        # 1. neighbourhoods, by the children's conversation centroids or by their names
        space = lv.named_vecs if self.cfg.neighbourhoods == "names" else child_conv_vecs[named]
        k_nb = max(1, min(named.size, round(named.size / self.cfg.neighbourhood_size)))
        if k_nb > 1:
            from sklearn.cluster import KMeans

            nb = KMeans(n_clusters=k_nb, random_state=seed, n_init=3).fit_predict(space)
        else:
            nb = np.zeros(named.size, dtype=np.int64)
        hoods = []
        for g in range(int(nb.max()) + 1):
            members = np.flatnonzero(nb == g)
            if members.size == 0:
                continue
            centre = space[members].mean(axis=0)
            outside = np.flatnonzero(nb != g)
            outside = outside[np.argsort(-(space[outside] @ centre))[: self.cfg.n_outside]]
            hoods.append(Neighbourhood(g, members, outside, max(1, round(m * members.size / named.size))))

        # 2. propose
        candidates: list[str] = []
        for hood, proposal in zip(hoods, self.steps.propose(lv, hoods, usage, progress), strict=True):
            if isinstance(proposal, Failure):
                notes.append(
                    f"level {level}: a proposal failed ({proposal.reason}); used the embedding fallback"
                )
                kids = named[hood.members]
                proposal = propose_names(
                    child_conv_vecs[kids],
                    [names[c] for c in kids],
                    [lv.keywords[c] for c in kids],
                    [lv.sizes[c] for c in kids],
                    hood.want,
                    seed,
                )
            candidates.extend(proposal)
        candidates = _clean_candidates(candidates)

        # 3. dedupe across neighbourhoods
        if len(candidates) > m:
            cand_vecs = embed(candidates)
            deduped = self.steps.dedupe(lv, candidates, cand_vecs, m, usage)
            if isinstance(deduped, Failure):
                notes.append(f"level {level}: dedupe failed ({deduped.reason}); used the embedding fallback")
                deduped = dedupe_names(candidates, cand_vecs, m, seed)
            candidates = _clean_candidates(deduped) or candidates
        cand_vecs = embed(candidates)

        # 4. assign every named child (candidates shuffled per child)
        orders = [rng.permutation(len(candidates)) for _ in named]
        answers = self.steps.assign(lv, orders, candidates, cand_vecs, usage, progress)
        choice = np.full(len(children), -1, dtype=np.int64)
        text_answers = [(i, a) for i, a in enumerate(answers) if isinstance(a, str)]
        answer_vecs = (
            embed([a for _, a in text_answers]) if text_answers else np.zeros((0, cand_vecs.shape[1]))
        )
        for (i, chosen), vec in zip(text_answers, answer_vecs, strict=True):
            choice[named[i]] = snap(chosen, candidates, vec, cand_vecs)
        n_failed = sum(isinstance(a, Failure) for a in answers)
        for i, a in enumerate(answers):
            if isinstance(a, Failure):
                choice[named[i]] = int(np.argmax(cand_vecs @ lv.named_vecs[i]))
        if n_failed:
            notes.append(f"level {level}: {n_failed} assignments failed; placed by embedding similarity")

        # 5. drop empty parents, place children without text by conversation-space centroid
        used = sorted({int(x) for x in choice[named]})
        remap = {old: new for new, old in enumerate(used)}
        parent_of_child = np.array([remap.get(int(x), -1) for x in choice], dtype=np.int64)
        parent_conv = np.zeros((len(used), child_conv_vecs.shape[1]), dtype=np.float64)
        for c in named:
            parent_conv[parent_of_child[c]] += child_conv_vecs[c] * lv.sizes[c]
        parent_conv /= np.maximum(np.linalg.norm(parent_conv, axis=1, keepdims=True), 1e-12)
        for c in np.flatnonzero(parent_of_child < 0):
            parent_of_child[c] = int(np.argmax(parent_conv @ child_conv_vecs[c]))

        # 6. rename each parent from its named children
        parent_kws = parent_keywords(lv.keywords, lv.sizes, parent_of_child, len(used), 8)
        parents = [
            (candidates[cand], [int(c) for c in named if parent_of_child[c] == p])
            for p, cand in enumerate(used)
        ]
        rows: list[dict[str, Any]] = []
        for p, ((candidate, kids), new_name) in enumerate(
            zip(parents, self.steps.rename(lv, parents, parent_kws, usage, progress), strict=True)
        ):
            if isinstance(new_name, Failure):
                name, desc = candidate, "Includes: " + "; ".join(str(names[c]) for c in kids[:6]) + "."
                notes.append(f"level {level}: renaming parent {p} failed; kept its proposed name")
            else:
                name, desc = new_name
            rows.append({"cluster": p, "name": name, "description": desc, "keywords": parent_kws[p]})
        table = pd.DataFrame(rows, columns=["cluster", "name", "description", "keywords"])
        table["name"] = unique_names(table["name"].tolist(), table["keywords"].tolist())
        for note in notes:
            logger.info(note)
        return LevelResult(clusters=table, parent_of_child=parent_of_child, notes=notes)


class HierarchyBuilder(Protocol):
    """Builds one level of parents over a level of children (:class:`ClioHierarchy`)."""

    def key(self) -> dict[str, Any]:
        """What the fingerprint of a hierarchy built this way depends on."""
        ...

    def build_level(
        self,
        children: pd.DataFrame,
        child_conv_vecs: np.ndarray,
        n_parents: int,
        embed: EmbedFn,
        usage: StageUsage,
        *,
        level: int,
        seed: int,
        progress: bool | None = None,
        name_groups: NameGroupsFn | None = None,
    ) -> LevelResult | None:
        """One new level, or None when no child has text to build on."""
        ...


@dataclass(frozen=True)
class Hierarchy:
    """The finished tree: the clusters table (every level) and each conversation's cluster per level."""

    clusters: pd.DataFrame
    labels: list[np.ndarray]
    notes: list[str]


def _per_conversation(name_conversations: NameGroupsFn, child_labels: np.ndarray) -> NameGroupsFn:
    """``name_groups`` for one level: parents of children, read through each conversation's child."""
    return lambda parent_of_child, n: name_conversations(parent_of_child[child_labels], n)


def build_hierarchy(
    base: pd.DataFrame,
    labels: np.ndarray,
    embeddings: np.ndarray,
    users: np.ndarray,
    level_sizes: Sequence[int],
    builder: HierarchyBuilder,
    privacy: PrivacyFilter,
    embed: EmbedFn,
    usage: StageUsage,
    *,
    seed: int,
    progress: bool | None = None,
    name_conversations: NameGroupsFn | None = None,
) -> Hierarchy:
    """Every level above the base, each passed through the privacy filter before it is built on.

    Parameters
    ----------
    base : DataFrame
        The filtered base clusters (``cluster``, ``name``, ``description``, ``keywords``,
        ``n_conversations``, ``n_users``, ``suppressed``, ``suppressed_reason``, ``audit_rating``).
    labels : ndarray of shape (n,)
        Base cluster of each conversation (rows of ``embeddings`` and ``users``).
    level_sizes : sequence of int
        Wanted number of clusters at each level above the base.
    seed : int
        The run's hierarchy seed; level ``d`` uses ``derive_seed(seed, f"hierarchy-{d}")``.
    name_conversations : callable, optional
        ``name_conversations(labels, n)`` names ``n`` groups of conversations (``labels``: each
        conversation's group); a builder that names parents from their conversations (the
        offline :class:`~cliokit.offline.CentroidHierarchy`) gets it per level as ``name_groups``.

    Returns
    -------
    Hierarchy
        ``clusters`` in the contract layout (:data:`cliokit.result.CLUSTER_COLUMNS`).
    """
    from cliokit.config import derive_seed

    levels = [base.assign(level=0)]
    conv_labels = [labels]
    notes: list[str] = []
    for depth, target in enumerate(level_sizes, start=1):
        children = levels[-1]
        built = builder.build_level(
            children,
            centroids(embeddings, conv_labels[-1], len(children)),
            target,
            embed,
            usage,
            level=depth,
            seed=derive_seed(seed, f"hierarchy-{depth}"),
            progress=progress,
            name_groups=None
            if name_conversations is None
            else _per_conversation(name_conversations, conv_labels[-1]),
        )
        if built is None:
            notes.append(
                f"level {depth}: no child had a name to build on; the hierarchy stops at {depth - 1}"
            )
            break
        notes.extend(built.notes)
        parent_labels = built.parent_of_child[conv_labels[-1]]
        parents = privacy.filter(built.clusters, parent_labels, users, level=depth, usage=usage)
        levels[-1] = children.assign(parent=built.parent_of_child)
        levels.append(parents.assign(level=depth))
        conv_labels.append(parent_labels)
    levels[-1] = levels[-1].assign(parent=-1)
    return Hierarchy(clusters=assemble_clusters(levels), labels=conv_labels, notes=notes)
