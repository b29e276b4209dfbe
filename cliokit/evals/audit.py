"""The privacy auditor, measured against summaries with and without planted private details.

:func:`audit_items` builds a labelled set of cluster-summary-like texts, half of them with one
planted value inserted; :func:`auditor_agreement` rates them with cliokit's own audit (the
``audit`` prompt, or the offline pattern check) and compares the verdict with the label. The
offline audit is the pattern scrubber, so it can only catch structured identifiers (emails,
phone, card and account numbers); names, villages and businesses pass it.
The per-kind breakdown shows exactly that.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from cliokit.backends.base import Backend
from cliokit.backends.calls import StageUsage
from cliokit.errors import ConfigError

logger = logging.getLogger(__name__)

#: How a planted value of each kind is worked into a summary (``{v}`` is the value).
PRIVATE_PHRASES: dict[str, str] = {
    "name": "One of them, {v}, gave their full name.",
    "email": "One user asked for replies at {v}.",
    "phone": "One user left the phone number {v}.",
    "address": "One user lives at {v}.",
    "card": "One user pasted the card number {v}.",
    "iban": "One user shared the bank account {v}.",
    "national_id": "One user gave the ID number {v}.",
    "dob": "One user said they were born on {v}.",
    "username": "One user goes by {v} online.",
    "business": "One user runs a small business called {v}.",
    "village": "Several of them live in the village of {v}.",
}
_DEFAULT_PHRASE = "One user mentioned {v}."


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text


def _planted_of(source: Any) -> pd.DataFrame:
    if isinstance(source, pd.DataFrame):
        return source
    if isinstance(source, str | os.PathLike):
        from pathlib import Path

        path = Path(source) / "planted.jsonl"
        if not path.exists():
            raise ConfigError(f"{source} is not a synthetic data set: missing planted.jsonl")
        return pd.read_json(path, lines=True, dtype=False)
    if hasattr(source, "planted"):
        planted: pd.DataFrame = source.planted
        return planted
    raise ConfigError(f"expected planted values, a data set directory or SyntheticData; got {type(source)}")


def _default_subtopics() -> list[str]:
    from cliokit.synthetic import load_taxonomy

    subtopics = load_taxonomy().subtopics
    ordinary = subtopics[subtopics["concern"] <= 1]  # the audit judges privacy, not harm
    names: list[str] = ordinary["subtopic_name"].astype(str).tolist()
    return names


def audit_items(
    source: Any,
    n: int = 200,
    *,
    seed: int = 0,
    private_share: float = 0.5,
    subtopics: Sequence[str] | pd.DataFrame | None = None,
) -> pd.DataFrame:
    """A labelled set of cluster summaries, some carrying one planted private value.

    Each item is a cluster name (a subtopic name, e.g. "Plan weekly meals") with a one-sentence
    summary ("Users wanted to plan weekly meals."); private items add one sentence with a
    planted value, phrased by kind (:data:`PRIVATE_PHRASES`).

    Parameters
    ----------
    source : DataFrame, path or SyntheticData
        The planted values (``kind``, ``value``): ``planted.jsonl`` as a DataFrame, a data set
        directory, or an object with a ``planted`` attribute.
    n : int, default=200
        Number of items.
    seed : int, default=0
        Seeds the choice of topics and values.
    private_share : float, default=0.5
        Share of items with a planted value.
    subtopics : list of str or DataFrame, optional
        Topic names (a DataFrame needs ``subtopic_name``); default: the bundled taxonomy's
        ordinary (non-concerning) subtopics.

    Returns
    -------
    DataFrame
        ``name``, ``description``, ``text`` (both joined), ``has_private``, ``kind`` and
        ``value`` (null for items without a planted value).
    """
    if n < 1:
        raise ConfigError(f"`n` must be a positive integer; got {n!r}")
    if not 0.0 <= private_share <= 1.0:
        raise ConfigError(f"`private_share` must be in [0, 1]; got {private_share!r}")
    planted = _planted_of(source).dropna(subset=["value"])
    if subtopics is None:
        topics = _default_subtopics()
    elif isinstance(subtopics, pd.DataFrame):
        topics = subtopics["subtopic_name"].astype(str).tolist()
    else:
        topics = [str(s) for s in subtopics]
    if not topics:
        raise ConfigError("`subtopics` must not be empty")
    rng = np.random.default_rng(seed)
    n_private = round(n * private_share) if len(planted) else 0
    if len(planted) == 0 and private_share > 0:
        logger.warning("no planted values to insert; every audit item is clean")
    private = np.zeros(n, dtype=bool)
    private[rng.choice(n, size=n_private, replace=False)] = True
    picks: Any = (
        rng.choice(len(planted), size=n_private, replace=n_private > len(planted)) if n_private else []
    )
    pick_iter = iter(picks)
    rows = []
    for i in range(n):
        topic = topics[int(rng.integers(len(topics)))]
        description = f"Users wanted to {_lower_first(topic)}."
        kind, value = None, None
        if private[i]:
            row = planted.iloc[int(next(pick_iter))]
            kind, value = str(row["kind"]), str(row["value"])
            description += " " + PRIVATE_PHRASES.get(kind, _DEFAULT_PHRASE).format(v=value)
        rows.append(
            {
                "name": topic,
                "description": description,
                "text": f"{topic}: {description}",
                "has_private": bool(private[i]),
                "kind": kind,
                "value": value,
            }
        )
    return pd.DataFrame(rows)


def auditor_agreement(
    backend: Backend,
    items: pd.DataFrame,
    threshold: int = 3,
    *,
    usage: StageUsage | None = None,
    progress: bool | None = False,
) -> dict[str, Any]:
    """Rate ``items`` with cliokit's audit and compare the verdict with their labels.

    An item is flagged when its rating is below ``threshold`` (the pipeline's
    ``privacy.audit_threshold``) or its audit failed (the pipeline suppresses those too).

    Parameters
    ----------
    backend : Backend
        Answers the ``audit`` prompt (:data:`cliokit.prompts.AUDIT`); with the offline backend
        the pipeline's offline auditor (:class:`cliokit.offline.PatternAuditor`) rates instead.
    items : DataFrame
        ``text`` and ``has_private`` (bool); optional ``name`` and ``description`` (audited as
        a cluster's name and summary; otherwise ``text`` is the name) and ``kind``.
    threshold : int, default=3
        Lowest acceptable rating.
    usage : StageUsage, optional
        Counts calls and failures.
    progress : bool or None, default=False
        Progress bar.

    Returns
    -------
    dict
        ``n``, ``threshold``, ``agreement`` (share where flagged == has_private),
        ``confusion`` (``tp``: private and flagged, ``fn``, ``fp``, ``tn``), ``precision``,
        ``recall``, ``n_failed``, ``mean_rating`` (``private``/``clean``), and ``per_kind``
        (kind → share flagged) when ``kind`` is given.
    """
    from cliokit.backends.calls import Failure
    from cliokit.offline import PatternAuditor
    from cliokit.privacy import ModelAuditor, cluster_text

    for col in ("text", "has_private"):
        if col not in items.columns:
            raise ConfigError(f"`items` must have a {col!r} column; got {list(items.columns)}")
    if not 1 <= threshold <= 5:
        raise ConfigError(f"`threshold` must be an int in 1..5; got {threshold!r}")
    has_name = "name" in items.columns and "description" in items.columns
    names = items["name"].tolist() if has_name else items["text"].tolist()
    descriptions = items["description"].tolist() if has_name else [None] * len(items)
    auditor = PatternAuditor() if backend.heuristic else ModelAuditor(backend)
    answers = auditor.rate(
        [f"item-{i}" for i in range(len(items))],
        [cluster_text(n, d, []) for n, d in zip(names, descriptions, strict=True)],
        usage if usage is not None else StageUsage(),
        progress,
    )
    ratings = pd.Series([pd.NA if isinstance(a, Failure) else a for a in answers], dtype="Int64")
    truth = items["has_private"].astype(bool).to_numpy()
    failed = ratings.isna().to_numpy()
    flagged = failed | (ratings.fillna(0).astype(int).to_numpy() < threshold)
    tp = int((truth & flagged).sum())
    fp = int((~truth & flagged).sum())
    fn = int((truth & ~flagged).sum())
    tn = int((~truth & ~flagged).sum())
    rated = pd.Series(ratings.to_numpy(dtype=float, na_value=np.nan))
    out: dict[str, Any] = {
        "n": len(items),
        "threshold": threshold,
        "agreement": float((flagged == truth).mean()) if len(items) else 0.0,
        "confusion": {"tp": tp, "fp": fp, "fn": fn, "tn": tn},
        "precision": tp / (tp + fp) if tp + fp else None,
        "recall": tp / (tp + fn) if tp + fn else None,
        "n_failed": int(failed.sum()),
        "mean_rating": {
            "private": _mean(rated[truth]),
            "clean": _mean(rated[~truth]),
        },
    }
    if "kind" in items.columns:
        kinds = items["kind"].where(items["kind"].notna(), "(none)").astype(str)
        out["per_kind"] = {
            str(k): float(v) for k, v in pd.Series(flagged, index=items.index).groupby(kinds).mean().items()
        }
    return out


def _mean(values: pd.Series) -> float | None:
    values = values.dropna()
    return float(values.mean()) if len(values) else None
