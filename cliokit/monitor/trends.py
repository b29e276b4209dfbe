"""Cluster shares over time, with every small (bucket, cluster) cell suppressed, and their trends.

A finished run keeps each conversation's ``timestamp`` (from the input, see
:func:`cliokit.load_conversations`) in ``facets.parquet``. :func:`cluster_shares_over_time` counts
the conversations of each cluster in each day, week or month, and :func:`growth` ranks clusters
by how fast their share rises or falls.

Privacy
-------
A cell (bucket, cluster) is published only when it has at least ``min_conversations``
conversations and ``min_users`` distinct users (by default the run's own thresholds, from its
manifest) and its cluster is not suppressed. A suppressed cell has no row: not a zero, not a
count, not a share; a bucket with too few conversations thus shows nothing at all.

A hidden cell must not come back by subtraction either. Its share's denominator, the bucket's
total, can be read off any published share of the bucket; the run publishes each cluster's size;
and a parent's cell is the sum of its children's. So, for all levels at once (every level's
table uses the same hidden cells), the usual cell-suppression rule is applied until nothing
changes: a published total that has exactly one hidden part (a bucket at one level, a visible
cluster's conversations with a time, a parent's cell) gets a published part hidden as well: the
one that leaves the fewest other totals with a lone hidden part, then the smallest.
Conversations without a time are assumed known to the reader, which errs on the safe side. This
stops recovery from any one total; it is a heuristic, not a proof against solving many totals
together; for a formal guarantee release counts with differential privacy
(:mod:`cliokit.monitor.dp`).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable

import numpy as np
import pandas as pd

from cliokit.config import PRIVACY_FLOOR
from cliokit.errors import CliokitError, ConfigError
from cliokit.result import ClioResult
from cliokit.tables import cluster_names, level_column, resolve_level

logger = logging.getLogger(__name__)

__all__ = ["FREQS", "cluster_shares_over_time", "growth"]

#: Bucket sizes: calendar days, weeks from Monday 00:00 UTC, calendar months (all in UTC).
FREQS: dict[str, str] = {"D": "D", "W": "W-SUN", "M": "M"}
SHARE_COLUMNS = ["bucket", "cluster_id", "name", "conversations", "users", "share"]
GROWTH_COLUMNS = [
    "cluster_id",
    "name",
    "slope",
    "change",
    "first_share",
    "last_share",
    "n_buckets",
    "direction",
]


def cluster_shares_over_time(
    run: ClioResult | str | os.PathLike[str],
    level: int | None = None,
    freq: str = "W",
    *,
    min_conversations: int | None = None,
    min_users: int | None = None,
) -> pd.DataFrame:
    """Each cluster's share of the conversations of every day, week or month.

    Parameters
    ----------
    run : ClioResult, str or path-like
        A finished run (or its directory).
    level : int, optional
        Level of the clusters (default: the top level; negative values count down from it).
    freq : {"D", "W", "M"}, default="W"
        Bucket size: UTC calendar days, weeks starting Monday 00:00 UTC, or calendar months.
    min_conversations, min_users : int, optional
        Smallest cell published (default: the run's resolved ``privacy`` thresholds; at least
        :data:`cliokit.config.PRIVACY_FLOOR`).

    Returns
    -------
    DataFrame
        One row per published cell, by bucket then share: ``bucket`` (``datetime64[ns, UTC]``,
        the bucket's start), ``cluster_id``, ``name`` (unique within the level), ``conversations``,
        ``users`` (distinct) and ``share``: ``conversations`` over all conversations of the
        bucket that have a cluster at this level, hidden cells and suppressed clusters included,
        so a cluster's share does not move when another cell is hidden and the shares of a bucket
        add up to at most 1. Conversations without a timestamp are left out.
        ``attrs`` holds ``level``, ``freq``, ``min_conversations``, ``min_users``,
        ``n_with_time`` and ``n_without_time``.

    Raises
    ------
    ConfigError
        An unknown ``freq`` or a threshold below the floor.
    CliokitError
        The run has no ``timestamp`` column or none of its clustered conversations has a time.

    Examples
    --------
    >>> from cliokit.monitor.trends import cluster_shares_over_time, growth
    >>> shares = cluster_shares_over_time("runs/example", level=0, freq="W")  # doctest: +SKIP
    >>> growth(shares).head(3)  # doctest: +SKIP
    """
    result = run if isinstance(run, ClioResult) else ClioResult.load(run)
    level = resolve_level(result, level)
    if freq not in FREQS:
        raise ConfigError(f"`freq` must be one of {', '.join(FREQS)}; got {freq!r}")
    min_conv, min_user = _thresholds(result, min_conversations, min_users)
    cells, n_without = _cells(result, freq)
    hidden = _suppress(cells, result, min_conv, min_user)
    totals = cells[cells["level"] == 0].groupby("bucket")["conversations"].sum()
    shown = cells[~hidden & (cells["level"] == level)].copy()
    shown["share"] = shown["conversations"] / shown["bucket"].map(totals)
    shown["name"] = shown["cluster_id"].map(cluster_names(result))
    out = shown.sort_values(["bucket", "share", "cluster_id"], ascending=[True, False, True])
    out = out[SHARE_COLUMNS].reset_index(drop=True)
    out.attrs = {
        "level": level,
        "freq": freq,
        "min_conversations": min_conv,
        "min_users": min_user,
        "n_with_time": int(totals.sum()),
        "n_without_time": n_without,
    }
    logger.info(
        "shares over time at level %d (%s): %d cells published, %d hidden, %d conversations without time",
        level,
        freq,
        len(out),
        int((hidden & (cells["level"] == level)).sum()),
        n_without,
    )
    return out


def growth(shares: pd.DataFrame, min_buckets: int = 3) -> pd.DataFrame:
    """Rank clusters by how fast their share changes: fastest-growing first, fastest-shrinking last.

    The statistic is the least-squares slope of a cluster's share against the bucket's position
    (0, 1, 2, ... over every bucket from the first to the last of ``shares``, empty ones
    included): the change in share per bucket, in share units (0.01 = one percentage point),
    rounded to 1e-12 so that a constant share is exactly ``"flat"``. A
    slope uses every published bucket, so one odd week moves it less than a first-versus-last
    comparison would; and it measures absolute share, the quantity the chart shows, so a tiny
    cluster that goes from 0.1% to 0.4% does not outrank a large one that gains ten points, as a
    log-ratio would. It is computed from the published cells only: a hidden cell is missing, not
    zero, so ranking reveals nothing the table does not.

    Parameters
    ----------
    shares : DataFrame
        From :func:`cluster_shares_over_time`.
    min_buckets : int, default=3
        Clusters published in fewer buckets are not ranked.

    Returns
    -------
    DataFrame
        One row per ranked cluster, by ``slope`` descending: ``cluster_id``, ``name``, ``slope``,
        ``change`` (the slope times the buckets spanned: the fitted change from first to last
        bucket), ``first_share`` and ``last_share`` (the fitted share at the first and last
        bucket), ``n_buckets`` (published buckets) and ``direction`` (``"growing"``,
        ``"shrinking"`` or ``"flat"``). ``attrs`` is that of ``shares``.
    """
    if isinstance(min_buckets, bool) or not isinstance(min_buckets, int) or min_buckets < 2:
        raise ConfigError(f"`min_buckets` must be an int >= 2; got {min_buckets!r}")
    missing = [c for c in SHARE_COLUMNS if c not in shares.columns]
    if missing or "freq" not in shares.attrs:
        raise ConfigError(f"`shares` must come from cluster_shares_over_time; missing {missing or 'attrs'}")
    rows = []
    if len(shares):
        periods = shares["bucket"].dt.tz_convert(None).dt.to_period(FREQS[shares.attrs["freq"]])
        ordinal = pd.Series(pd.PeriodIndex(periods).asi8, index=shares.index)
        position = (ordinal - ordinal.min()).astype(float)
        span = float(position.max())
        for cluster_id, index in shares.groupby("cluster_id").groups.items():
            if len(index) < min_buckets:
                continue
            x, y = position[index].to_numpy(), shares.loc[index, "share"].to_numpy(dtype=float)
            dx = x - x.mean()
            slope = round(float(dx @ (y - y.mean()) / (dx @ dx)), 12)  # a constant share: exactly 0
            intercept = float(y.mean() - slope * x.mean())
            rows.append(
                {
                    "cluster_id": cluster_id,
                    "name": shares.loc[index[0], "name"],
                    "slope": slope,
                    "change": slope * span,
                    "first_share": intercept,
                    "last_share": intercept + slope * span,
                    "n_buckets": len(index),
                    "direction": "growing" if slope > 0 else "shrinking" if slope < 0 else "flat",
                }
            )
    out = pd.DataFrame(rows, columns=GROWTH_COLUMNS)
    out = out.sort_values(["slope", "cluster_id"], ascending=[False, True]).reset_index(drop=True)
    out.attrs = dict(shares.attrs)
    return out


def _thresholds(result: ClioResult, min_conversations: int | None, min_users: int | None) -> tuple[int, int]:
    """The given thresholds, or the run's resolved ones."""
    resolved = result.manifest.resolved.get("privacy", {})
    out = []
    for name, value in (("min_conversations", min_conversations), ("min_users", min_users)):
        if value is None:
            if name not in resolved:
                raise CliokitError(
                    f"{result.run_dir}: the manifest has no resolved privacy.{name}; pass {name}="
                )
            value = int(resolved[name])
        elif isinstance(value, bool) or not isinstance(value, int) or value < PRIVACY_FLOOR:
            raise ConfigError(
                f"`{name}` must be an int >= {PRIVACY_FLOOR} or None (the run's threshold); got {value!r}"
            )
        out.append(value)
    return out[0], out[1]


def _cells(result: ClioResult, freq: str) -> tuple[pd.DataFrame, int]:
    """Conversations and users per (level, bucket, cluster), and how many clustered ones lack a time."""
    if "timestamp" not in result.facets.columns:
        raise CliokitError(
            f"{result.run_dir}: facets.parquet has no timestamp column (the run predates timestamps); "
            "run it again"
        )
    columns = [level_column(k) for k in range(result.levels)]
    f = result.facets[["conversation_id", "user_id", "timestamp"]].merge(
        result.assignments[["conversation_id", *columns]], on="conversation_id"
    )
    f = f[f[columns[0]].notna()]
    timed = f["timestamp"].notna()
    if not timed.any():
        raise CliokitError(
            f"{result.run_dir}: none of the {len(f)} clustered conversations has a timestamp; give the "
            "input a timestamp, created_at, create_time, time or date field"
        )
    f = f[timed]
    periods = f["timestamp"].dt.tz_convert(None).dt.to_period(FREQS[freq])
    bucket = periods.dt.start_time.dt.tz_localize("UTC").astype("datetime64[ns, UTC]")
    frames = []
    for level, column in enumerate(columns):
        df = pd.DataFrame({"bucket": bucket, "cluster_id": f[column], "user_id": f["user_id"]})
        g = df.groupby(["bucket", "cluster_id"])["user_id"].agg(conversations="size", users="nunique")
        frames.append(g.reset_index().assign(level=level))
    return pd.concat(frames, ignore_index=True), int((~timed).sum())


def _suppress(cells: pd.DataFrame, result: ClioResult, min_conv: int, min_users: int) -> pd.Series:
    """Hidden cells: small ones and suppressed clusters', then the complementary ones (module docstring)."""
    clusters = result.clusters
    suppressed = set(clusters.loc[clusters["suppressed"].astype(bool), "cluster_id"])
    hidden = (
        cells["cluster_id"].isin(suppressed)
        | (cells["conversations"] < min_conv)
        | (cells["users"] < min_users)
    ).to_numpy(copy=True)
    size = cells["conversations"].to_numpy()
    visible = ~cells["cluster_id"].isin(suppressed).to_numpy()
    columns = list(_groups(cells[visible].groupby("cluster_id"), np.flatnonzero(visible)))
    sole = np.zeros(len(cells), dtype=bool)  # a cluster's only cell: hiding it would hide nothing
    for g in columns:
        sole[g] = len(g) == 1
    groups = [*_groups(cells.groupby(["level", "bucket"])), *columns, *_parent_groups(cells, result)]
    member: list[list[int]] = [[] for _ in range(len(cells))]
    for k, g in enumerate(groups):
        for i in g:
            member[i].append(k)
    n_hidden = np.array([int(hidden[g].sum()) for g in groups])
    changed = True
    while changed:
        changed = False
        for k, g in enumerate(groups):
            if n_hidden[k] != 1 or len(g) == 1:
                continue
            options = g[~hidden[g]]
            # hide the partner that opens the fewest new lone hidden cells elsewhere, then the smallest
            opened = [
                sum(j != k and n_hidden[j] == 0 and len(groups[j]) > 1 for j in member[i]) for i in options
            ]
            pick = options[np.lexsort((size[options], opened, sole[options]))[0]]
            hidden[pick] = True
            n_hidden[member[pick]] += 1
            changed = True
    return pd.Series(hidden, index=cells.index)


def _groups(
    grouped: pd.api.typing.DataFrameGroupBy, positions: np.ndarray | None = None
) -> Iterable[np.ndarray]:
    """Positions (in the ungrouped frame, or mapped through ``positions``) of each group's rows."""
    for index in grouped.indices.values():
        yield np.asarray(index) if positions is None else positions[index]


def _parent_groups(cells: pd.DataFrame, result: ClioResult) -> list[np.ndarray]:
    """Per bucket, a parent's cell together with its children's cells."""
    parent_of = dict(zip(result.clusters["cluster_id"], result.clusters["parent_id"], strict=True))
    keys = list(zip(cells["level"], cells["bucket"], cells["cluster_id"], strict=True))
    position = {key: i for i, key in enumerate(keys)}
    family: dict[int, list[int]] = {}
    for i, (level, bucket, cluster_id) in enumerate(keys):
        parent = parent_of.get(cluster_id)
        if isinstance(parent, str):
            family.setdefault(position[(level + 1, bucket, parent)], []).append(i)
    return [np.array([p, *children]) for p, children in family.items()]
