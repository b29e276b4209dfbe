"""A planted skew and its recovery: the paper's language figure checked against a known truth.

Parallel (translated) data such as xSID hold every intent in the same proportion in every
language, so the figure of clusters over-represented per language is flat there by construction.
:func:`plant_skew` makes each group (language) keep one label (intent) whole and a random share of
the others; :func:`skew_recovery` then checks, per group, whether the cluster the figure ranks
first is dominated by the planted label.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from cliokit.errors import ConfigError

if TYPE_CHECKING:
    from cliokit.result import ClioResult


def _mode(values: pd.Series) -> Any:
    """The most common value (ties: the first in sorted order); None when all are missing."""
    modes = values.mode()
    return modes.iloc[0] if len(modes) else None


def plant_skew(
    conversations: pd.DataFrame,
    *,
    group: str = "lang",
    label: str = "intent",
    boost: float = 3.0,
    seed: int = 0,
    min_share: float = 0.05,
    max_share: float = 0.2,
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Keep one label whole in each group and a random ``1/boost`` of the other rows.

    The planted labels are drawn from the labels whose overall share is in
    ``[min_share, max_share)`` (common enough to form a cluster, not so common that one label
    dominates everything; all labels when none qualifies), shuffled with ``seed`` and dealt to the
    groups in order of first appearance, cycling when there are more groups than candidates.

    Parameters
    ----------
    conversations : DataFrame
        One row per conversation with the ``group`` and ``label`` columns, e.g. the
        :func:`~cliokit.datasets.load_xsid` table (``lang``, ``intent``).
    group : str, default="lang"
        Column of the groups that each get a planted label.
    label : str, default="intent"
        Column of the labels.
    boost : float, default=3.0
        A row whose label is not its group's planted one is kept with probability ``1/boost``;
        ``1`` keeps every row (no skew).
    seed : int, default=0
        Seeds the choice of planted labels and of the kept rows.
    min_share, max_share : float, default=0.05, 0.2
        Overall label shares eligible for planting.

    Returns
    -------
    kept : DataFrame
        The kept rows, in their original order, with a fresh ``RangeIndex``.
    planted : dict of str to str
        Group → its planted label, in order of first appearance of the group.

    Raises
    ------
    ConfigError
        A missing column, ``boost`` below 1 or an empty table.

    Examples
    --------
    >>> import pandas as pd
    >>> from cliokit.evals import plant_skew
    >>> table = pd.DataFrame({"lang": ["en", "en", "de", "de"], "intent": ["a", "b", "a", "b"]})
    >>> kept, planted = plant_skew(table, boost=1.0, min_share=0.0, max_share=1.0)
    >>> len(kept), sorted(planted)
    (4, ['de', 'en'])
    """
    for col in (group, label):
        if col not in conversations.columns:
            got = list(conversations.columns)
            raise ConfigError(f"`conversations` must have a {col!r} column; got {got}")
    if not isinstance(boost, int | float) or isinstance(boost, bool) or not boost >= 1:
        raise ConfigError(f"`boost` must be a number >= 1; got {boost!r}")
    if conversations.empty:
        raise ConfigError("`conversations` must hold at least one row")
    rng = np.random.default_rng(seed)
    share = conversations[label].value_counts(normalize=True)
    candidates = sorted(share[(share >= min_share) & (share < max_share)].index) or sorted(share.index)
    rng.shuffle(candidates)
    groups = list(dict.fromkeys(conversations[group]))
    planted = {g: candidates[i % len(candidates)] for i, g in enumerate(groups)}
    whole = conversations[label] == conversations[group].map(planted)
    keep = whole | (rng.random(len(conversations)) < 1 / boost)
    return conversations[keep].reset_index(drop=True), planted


def skew_recovery(
    result: ClioResult,
    labels: pd.Series,
    planted: Mapping[str, str],
    *,
    facet: str = "language",
    level: int = 0,
    min_conversations: int = 10,
) -> pd.DataFrame:
    """For each group, the cluster most over-represented in it, and whether its label is the planted one.

    The figure's ranking is :func:`cliokit.viz.overrepresentation` of ``facet`` (the detected
    language), restricted to the groups of ``planted`` with ``top=1``; a cluster's dominant label
    is the most common of ``labels`` among its conversations (ties: the first in sorted order;
    None when none of them has a label).

    Parameters
    ----------
    result : ClioResult
        A run over the skewed conversations (:func:`plant_skew`).
    labels : Series
        The true label of each conversation, indexed by ``conversation_id``.
    planted : mapping of str to str
        Group → planted label, as returned by :func:`plant_skew`; the groups must be values of
        ``facet``.
    facet : str, default="language"
        The facet the groups are read from.
    level : int, default=0
        Cluster level (negatives count from the top).
    min_conversations : int, default=10
        Smaller clusters are left out of the ranking.

    Returns
    -------
    DataFrame
        One row per group with a ranked cluster: the columns of
        :func:`~cliokit.viz.overrepresentation` (``value`` is the group), then
        ``dominant_label``, ``planted_label`` and ``recovered`` (bool: they are equal).
        ``attrs["recovered"]`` counts the recovered groups, ``attrs["groups"]`` the rows.
    """
    from cliokit.viz import overrepresentation

    n = result.levels
    if isinstance(level, bool) or not isinstance(level, int) or not -n <= level < n:
        raise ConfigError(f"`level` must be an int in [{-n}, {n - 1}]; got {level!r}")
    column = f"level_{level % n}"
    assignments = result.assignments
    label_of = assignments["conversation_id"].map(labels)
    dominant = label_of.groupby(assignments[column]).agg(_mode)
    over = overrepresentation(
        result, facet, level=level % n, min_conversations=min_conversations, values=list(planted), top=1
    )
    over["dominant_label"] = over["cluster_id"].map(dominant)
    over["planted_label"] = over["value"].map(planted)
    over["recovered"] = over["dominant_label"] == over["planted_label"]
    over.attrs.update(recovered=int(over["recovered"].sum()), groups=len(over))
    return over
