"""Signals of coordinated or automated activity per cluster, and the clusters they flag.

Clio's analysts look for many accounts running the same templated requests. For every
unsuppressed cluster, at every level, this module measures (``n`` = the cluster's conversations):

``near_duplicate_share``
    Share of the ``n`` conversations that have a near-duplicate in the same cluster: another
    conversation whose MinHash estimate of the Jaccard similarity of the two facet texts
    (character 5-grams of the lowercased text, whitespace collapsed) is at least
    ``coordination.jaccard``. Candidates come from datasketch's ``MinHashLSH`` (not all pairs),
    so a near-duplicate is occasionally missed; identical texts are always found.
``top_user_share``
    Share of the ``n`` conversations sent by the cluster's most active user.
``user_gini``
    Gini coefficient of the conversations per distinct user in the cluster: 0 when every user
    sends as many, towards 1 when a few users send almost all of them.
``conversations_per_user``
    ``n`` over the cluster's distinct users.
``burst_ratio``
    The largest share of the cluster's timestamped conversations inside any window of
    ``coordination.burst_window_hours`` (``W``), over the share a window would hold if they were
    spread evenly over the run's time span ``T`` (first to last timestamp of the run):
    ``peak share / min(1, W / T)``. About 1 for steady traffic; a campaign sent within one day
    of four weeks of data is about 28. NaN without timestamps (never flagged then). A
    peak-window share is used rather than the variation of the gaps between conversations,
    because a cluster made only of one burst has gaps as regular as steady traffic; dividing by
    the even share (not by the whole run's peak share) keeps a large campaign from raising its
    own baseline.

A cluster with at least ``coordination.min_conversations`` conversations is flagged "possible
coordinated or automated activity" when its near-duplicate share reaches its limit *and* at
least one of the four others reaches its own: near-duplicates alone are common (questions
written from the same homework or a popular prompt), so is one heavy user; the same text from
few accounts, or in a burst, is the pattern of a campaign or a script. Suppressed clusters get
no row, so none of their signals can appear anywhere.
"""

from __future__ import annotations

import functools
import re
import zlib
from collections.abc import Hashable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from cliokit.config import Config, CoordinationConfig

if TYPE_CHECKING:
    from cliokit.result import ClioResult

#: The flag's wording in tables, the report and the chart.
FLAG_LABEL = "possible coordinated or automated activity"
#: The run directory's file of signals (one row per unsuppressed cluster).
FILE = "coordination.parquet"
#: The signals, in the order of the tables; each is also the name of its limit in the config.
SIGNALS = ("near_duplicate_share", "top_user_share", "user_gini", "conversations_per_user", "burst_ratio")
COLUMNS = ["cluster_id", *SIGNALS, "coordination_flag", "coordination_reasons"]
#: Characters per shingle of the MinHash.
SHINGLE = 5
_SEED = 1
_SPACE = re.compile(r"\s+")


def minhash_signatures(texts: Sequence[str], num_perm: int = 128) -> np.ndarray:
    """MinHash signatures of ``texts``' character 5-grams (lowercased, whitespace collapsed).

    Parameters
    ----------
    texts : sequence of str
    num_perm : int, default=128

    Returns
    -------
    ndarray of shape (len(texts), num_perm)
        The fraction of equal columns of two rows estimates the Jaccard similarity of the texts.

    Examples
    --------
    >>> sig = minhash_signatures(["Write a review of the air fryer", "write a review of the  air fryer!",
    ...                           "How do I bake bread?"])
    >>> bool((sig[0] == sig[1]).mean() > 0.7), bool((sig[0] == sig[2]).mean() < 0.2)
    (True, True)
    """
    from datasketch import MinHash

    sets = [_shingles(t) for t in texts]
    kwargs = {"num_perm": num_perm, "seed": _SEED, "hashfunc": zlib.crc32, "scheme": "affine32"}
    return np.array([m.hashvalues for m in MinHash.generator(sets, **kwargs)]).reshape(len(sets), num_perm)


def _shingles(text: str) -> list[bytes]:
    """Character 5-grams of the normalised text (the whole text when shorter)."""
    t = _SPACE.sub(" ", str(text).lower()).strip()
    return list(
        {t[i : i + SHINGLE].encode("utf-8", "surrogatepass") for i in range(max(1, len(t) - SHINGLE + 1))}
    )


def near_duplicates(signatures: np.ndarray, threshold: float) -> np.ndarray:
    """Which rows have another row whose estimated Jaccard similarity is at least ``threshold``.

    Identical signatures count at once; the others are looked up in a ``MinHashLSH`` index and
    each candidate is checked on its signature.

    Parameters
    ----------
    signatures : ndarray of shape (n, num_perm)
        From :func:`minhash_signatures` (the rows of one cluster).
    threshold : float

    Returns
    -------
    ndarray of bool, shape (n,)
    """
    from datasketch import LeanMinHash, MinHashLSH

    if len(signatures) < 2:
        return np.zeros(len(signatures), dtype=bool)
    unique, inverse, counts = np.unique(signatures, axis=0, return_inverse=True, return_counts=True)
    inverse = inverse.reshape(-1)
    found = counts > 1
    lsh = MinHashLSH(threshold, signatures.shape[1], params=_lsh_params(threshold, signatures.shape[1]))
    hashes = [LeanMinHash(seed=_SEED, hashvalues=row, scheme="affine32") for row in unique]
    for i, h in enumerate(hashes):
        lsh.insert(i, h)
    for i, h in enumerate(hashes):
        if not found[i]:
            others = [j for j in lsh.query(h) if j != i]
            if others and ((unique[others] == unique[i]).mean(axis=1) >= threshold).any():
                found[i] = True
    return found[inverse]


@functools.cache
def _lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """MinHashLSH's bands and rows for ``threshold`` (found by numerical integration: done once)."""
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold, num_perm)
    return lsh.b, lsh.r


def gini(counts: np.ndarray) -> float:
    """Gini coefficient of non-negative ``counts`` (0: all equal; 0 for a single value).

    Parameters
    ----------
    counts : ndarray of shape (n,)
        E.g. conversations per user.

    Returns
    -------
    float
        In [0, 1 - 1/n].

    Examples
    --------
    >>> gini(np.array([3, 3, 3])), round(gini(np.array([1, 1, 1, 9])), 2)
    (0.0, 0.5)
    """
    x = np.sort(np.asarray(counts, dtype=float))
    n, total = len(x), x.sum()
    if n < 2 or total <= 0:
        return 0.0
    return float(2 * np.sum(np.arange(1, n + 1) * x) / (n * total) - (n + 1) / n)


def peak_window_share(times: np.ndarray, window: np.timedelta64) -> float:
    """Largest share of ``times`` inside any half-open window ``[t, t + window)``.

    Parameters
    ----------
    times : ndarray of datetime64, shape (n,)
        No NaT.
    window : numpy.timedelta64

    Returns
    -------
    float
        NaN when ``times`` is empty.

    Examples
    --------
    >>> t = np.array(["2024-01-01T00", "2024-01-01T01", "2024-01-05T00", "2024-01-09T00"], "datetime64[h]")
    >>> peak_window_share(t, np.timedelta64(2, "h"))
    0.5
    """
    if len(times) == 0:
        return float("nan")
    t = np.sort(times)
    ends = np.searchsorted(t, t + window, side="left")
    return float((ends - np.arange(len(t))).max() / len(t))


def coordination_signals(
    conversations: pd.DataFrame,
    assignments: pd.DataFrame,
    clusters: pd.DataFrame,
    cfg: CoordinationConfig | None = None,
) -> pd.DataFrame:
    """Signals and flags of every unsuppressed cluster at every level.

    Parameters
    ----------
    conversations : DataFrame
        ``conversation_id``, ``user_id``, ``text`` (the facet the near-duplicates are found on)
        and optionally ``timestamp``.
    assignments : DataFrame
        ``conversation_id`` and ``level_0`` … ``level_L`` cluster ids (``assignments.parquet``).
    clusters : DataFrame
        ``cluster_id``, ``level``, ``suppressed`` (``clusters.parquet``).
    cfg : CoordinationConfig, optional
        Threshold, window and limits (default: the defaults).

    Returns
    -------
    DataFrame
        :data:`COLUMNS`: ``cluster_id``, the :data:`SIGNALS`, ``coordination_flag`` (bool) and
        ``coordination_reasons`` (the signals at or above their limits, comma-separated; empty
        unless flagged). Suppressed clusters have no row.
    """
    cfg = cfg or CoordinationConfig()
    df = conversations.merge(assignments, on="conversation_id", how="inner")
    signatures = minhash_signatures(df["text"].fillna("").astype(str).tolist(), cfg.num_perm)
    users = df["user_id"].astype(str).to_numpy()
    times = _times(df)
    window = np.timedelta64(round(cfg.burst_window_hours * 3600), "s")
    stamped = times[~np.isnat(times)]
    span = stamped.max() - stamped.min() if len(stamped) else window
    even = min(1.0, window / span) if span > np.timedelta64(0, "s") else 1.0
    visible = clusters.loc[~clusters["suppressed"].astype(bool), ["cluster_id", "level"]]
    rows = []
    for level, ids in visible.groupby("level")["cluster_id"]:
        labels = df[f"level_{level}"].to_numpy()
        wanted = set(ids)
        for cid, members in pd.Series(np.arange(len(df))).groupby(labels):
            if cid not in wanted:
                continue
            idx = members.to_numpy()
            counts = pd.Series(users[idx]).value_counts().to_numpy()
            t = times[idx]
            t = t[~np.isnat(t)]
            rows.append(
                {
                    "cluster_id": cid,
                    "near_duplicate_share": float(near_duplicates(signatures[idx], cfg.jaccard).mean()),
                    "top_user_share": float(counts[0] / len(idx)),
                    "user_gini": gini(counts),
                    "conversations_per_user": len(idx) / len(counts),
                    "burst_ratio": peak_window_share(t, window) / even if len(t) >= 2 else float("nan"),
                    "n": len(idx),
                }
            )
    out = pd.DataFrame(rows, columns=[*COLUMNS[:-2], "n"])
    out["coordination_reasons"] = [_reasons(r, cfg) for r in out.to_dict("records")]
    out["coordination_flag"] = out["coordination_reasons"] != ""
    return out[COLUMNS].sort_values("cluster_id", kind="stable").reset_index(drop=True)


def _times(df: pd.DataFrame) -> np.ndarray:
    """The rows' timestamps as UTC ``datetime64[ns]`` (all NaT without a ``timestamp`` column)."""
    if "timestamp" not in df.columns:
        return np.full(len(df), np.datetime64("NaT"), dtype="datetime64[ns]")
    ts = pd.to_datetime(df["timestamp"], utc=True, errors="coerce")
    return ts.dt.tz_localize(None).to_numpy(dtype="datetime64[ns]")


def _reasons(row: dict[Hashable, Any], cfg: CoordinationConfig) -> str:
    """The signals at or above their limits when the row is flagged, else ``""``."""
    over = [s for s in SIGNALS if not np.isnan(row[s]) and row[s] >= getattr(cfg, s)]
    if row["n"] < cfg.min_conversations or "near_duplicate_share" not in over or len(over) < 2:
        return ""
    return ", ".join(over)


def read_coordination(result: ClioResult) -> pd.DataFrame | None:
    """The run's ``coordination.parquet``, or None for a run without one.

    Parameters
    ----------
    result : ClioResult

    Returns
    -------
    DataFrame or None
        :data:`COLUMNS`, one row per unsuppressed cluster of every level.
    """
    path = result.run_dir / FILE
    return pd.read_parquet(path) if path.exists() else None


def with_coordination(result: ClioResult, table: pd.DataFrame) -> pd.DataFrame:
    """``table`` plus the signal, flag and reason columns, when the run has them.

    Parameters
    ----------
    result : ClioResult
    table : DataFrame
        With ``cluster_id`` (unsuppressed clusters).

    Returns
    -------
    DataFrame
        ``table`` as it is for a run without signals; else with :data:`SIGNALS`,
        ``coordination_flag`` (False where a cluster has no row) and ``coordination_reasons``.
    """
    signals = read_coordination(result)
    if signals is None:
        return table
    out = table.merge(signals, on="cluster_id", how="left")
    out["coordination_flag"] = out["coordination_flag"].astype("boolean").fillna(False).astype(bool)
    out["coordination_reasons"] = out["coordination_reasons"].fillna("")
    return out


def coordination_config(result: ClioResult) -> CoordinationConfig:
    """The ``[coordination]`` settings a run was made with.

    Parameters
    ----------
    result : ClioResult

    Returns
    -------
    CoordinationConfig
        The defaults for a run made before the section existed.
    """
    return Config.build(result.manifest.config, source=f"config of {result.run_dir}").coordination
