"""Per-conversation labels set against clusters: a keyword classifier and the share of a label per cluster.

:func:`keyword_flags` is the deliberately simple classifier of the safety-monitoring notebook;
:func:`share_by_cluster` gives, for every cluster, the share of its conversations with a bool
label (a classifier's flag, a known truth, the data set a conversation came from).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from cliokit.errors import ConfigError

if TYPE_CHECKING:
    from cliokit.result import ClioResult


def keyword_flags(
    conversations: pd.DataFrame, keywords: str | Sequence[str], *, roles: str | Sequence[str] = "user"
) -> pd.Series:
    """Flag the conversations in which a word starts with one of ``keywords`` (case-insensitive).

    Parameters
    ----------
    conversations : DataFrame
        ``conversation_id`` and ``messages`` (lists of ``{"role", "content"}`` dicts).
    keywords : str or sequence of str
        Word beginnings, e.g. ``"kill,steal,hack"`` (comma-separated) or ``["kill", "steal"]``;
        ``"manipulat"`` matches "manipulate" and "manipulation". Matched literally, not as
        regular expressions.
    roles : str or sequence of str, default="user"
        Whose turns are searched.

    Returns
    -------
    Series
        Bool, named ``flag``, indexed by ``conversation_id``, in the table's order.

    Raises
    ------
    ConfigError
        No keyword, or a missing column.

    Examples
    --------
    >>> import pandas as pd
    >>> from cliokit.evals import keyword_flags
    >>> table = pd.DataFrame({
    ...     "conversation_id": ["a", "b"],
    ...     "messages": [[{"role": "user", "content": "How do I kill a process?"}],
    ...                  [{"role": "user", "content": "Skills for a CV"}]],
    ... })
    >>> keyword_flags(table, "kill").tolist()
    [True, False]
    """
    from cliokit.load import messages_text

    words = keywords.split(",") if isinstance(keywords, str) else list(keywords)
    words = [w.strip() for w in words if w.strip()]
    if not words:
        raise ConfigError(f"`keywords` must name at least one word; got {keywords!r}")
    for col in ("conversation_id", "messages"):
        if col not in conversations.columns:
            got = list(conversations.columns)
            raise ConfigError(f"`conversations` must have a {col!r} column; got {got}")
    wanted = [roles] if isinstance(roles, str) else list(roles)
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + ")", re.I)
    return pd.Series(
        [bool(pattern.search(messages_text(m, wanted))) for m in conversations["messages"]],
        index=conversations["conversation_id"],
        name="flag",
    )


def share_by_cluster(
    result: ClioResult, labels: pd.Series, *, levels: int | Sequence[int] | None = None
) -> pd.Series:
    """The share of each cluster's conversations whose bool label is true.

    Parameters
    ----------
    result : ClioResult
    labels : Series
        Bool (or 0/1) per conversation, indexed by ``conversation_id``. Conversations without a
        label are left out of their cluster's share.
    levels : int or sequence of int, optional
        Cluster levels (negatives count from the top, ``-1`` is the top level); None: every level.

    Returns
    -------
    Series
        Float in [0, 1], indexed by ``cluster_id``, named ``share``; clusters with no labelled
        conversation are absent.

    Raises
    ------
    ConfigError
        A level that the run does not have.

    Examples
    --------
    >>> from cliokit.evals import share_by_cluster
    >>> is_hh = conversations.set_index("conversation_id")["dataset"].eq("hh-rlhf")  # doctest: +SKIP
    >>> share_by_cluster(result, is_hh, levels=0)  # doctest: +SKIP
    """
    n = result.levels
    wanted = list(range(n)) if levels is None else [levels] if isinstance(levels, int) else list(levels)
    for level in wanted:
        if isinstance(level, bool) or not isinstance(level, int) or not -n <= level < n:
            raise ConfigError(f"`levels` must be ints in [{-n}, {n - 1}] or None (all); got {levels!r}")
    assignments = result.assignments
    value = assignments["conversation_id"].map(labels.astype(float))
    parts = [value.groupby(assignments[f"level_{i % n}"]).mean().dropna() for i in wanted]
    out = pd.concat(parts) if parts else pd.Series(dtype=float)
    out.index.name = "cluster_id"
    return out.rename("share")
