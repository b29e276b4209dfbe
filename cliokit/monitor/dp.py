"""Differentially private release of a run's cluster-level tables (``cliokit export --dp-epsilon``).

What is private, and how
------------------------
The unit of privacy is a **user**: two data sets are neighbours when they differ in all the
conversations of one user. Each user's contribution is first bounded: at most
``max_conversations_per_user`` of their clustered conversations are kept, a random choice by a
hash of the conversation id and ``seed``; the rest are left out of every released count. Then,
with noise from OpenDP:

* ``users`` (one query per level): distinct users per cluster, released by Gaussian thresholding
  (OpenDP ``make_gaussian_threshold``, Rogers 2023). A cluster is published only when its noisy
  user count reaches the threshold ``tau`` of that query; this replaces the fixed
  ``privacy.min_users`` / ``min_conversations`` for what a DP export publishes. A user touches at
  most ``C`` clusters of a level, by 1 each: sensitivity ``(l0, l2, linf) = (C, sqrt(C), 1)``.
* ``conversations`` (one per level): conversations of each published cluster, by the Gaussian
  mechanism (``make_gaussian``); sensitivity ``l2 = C`` (all of a user's conversations may fall
  in one cluster).
* ``facet:NAME`` (one per level and facet): conversations per (published cluster, facet value),
  by Gaussian thresholding, so a rare value is withheld; sensitivity ``(C, C, C)``.
* ``total`` (one): all kept conversations, the denominator of every ``share``; ``l2 = C``.

Accounting: every query is a zero-concentrated-DP (zCDP) Gaussian mechanism; ``rho`` is split over
the queries by :data:`WEIGHTS` (per level: user counts 2, conversation counts 1, the facets 1
together; the total 1) and adds up over them (Bun & Steinke 2016; composition holds for queries
chosen after earlier answers, as the conversation and facet queries are). Half of ``delta`` is
split equally over the thresholded queries (the probability that a threshold lets through a key it
should not); the other half converts the total ``rho`` into ``epsilon`` with OpenDP's
``make_zCDP_to_approxDP`` (Canonne, Kamath & Steinke 2020). The release is ``(epsilon, delta)``-DP
with the ``epsilon_spent`` and ``delta_spent`` of the summary, which never exceed the requested
ones.

What is *not* covered (labelled in every DP summary): cluster names, descriptions, keywords and
the hierarchy are fit on the same data and are not differentially private; they stay protected by
the run's fixed thresholds and audit (a cluster the run suppressed is published, if at all,
without text, and that ``text_withheld`` flag follows the exact counts). The guarantee treats each
conversation's cluster assignment as given: the clustering itself is not private. The noise comes
from OpenDP's cryptographic random source and cannot be seeded: a DP export is not reproducible;
``seed`` only fixes which conversations the contribution bound keeps. Each DP export spends its
budget again on the same data; the run's :data:`LEDGER` lists every one (see
:func:`read_releases`).
"""

from __future__ import annotations

import functools
import json
import logging
import math
import os
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pandas as pd

from cliokit.errors import ConfigError
from cliokit.result import ClioResult
from cliokit.rundir import write_json
from cliokit.tables import BREAKDOWN_FACETS, custom_facets, level_column, turn_bin

logger = logging.getLogger(__name__)

#: Default ``delta``: well below 1/n for up to about 100,000 users; pass a smaller one for more.
DEFAULT_DELTA = 1e-6
#: Default bound on the conversations one user contributes (see :class:`DPParams`).
DEFAULT_MAX_CONVERSATIONS = 4
#: File in the run directory listing every DP export made from the run.
LEDGER = "dp_releases.json"
#: Relative share of ``rho`` per query: the user counts decide what is published and get the most;
#: the facet queries of one level share one weight.
WEIGHTS = {"total": 1.0, "users": 2.0, "conversations": 1.0, "facets": 1.0}
#: Largest threshold searched for (an epsilon that needs more publishes nothing anyway).
MAX_THRESHOLD = 2**30
MECHANISM = "Gaussian mechanism and Gaussian thresholding under zCDP (OpenDP)"
NOT_COVERED = (
    "Cluster names, descriptions, keywords, the hierarchy, the number of levels and the run's notes "
    "are not differentially private: they are fit on the same data and stay protected by the run's "
    "fixed thresholds and audit. Whether a published cluster shows its text follows those exact-count "
    "rules too (text_withheld), so that flag is not private either. The guarantee treats each "
    "conversation's cluster assignment as given; the clustering itself is not private."
)


@dataclass(frozen=True)
class DPParams:
    """Settings of a differentially private export.

    Parameters
    ----------
    epsilon : float
        Total privacy budget of the export, > 0 (e.g. 1.0).
    delta : float, default=DEFAULT_DELTA
        Total failure probability, in (0, 1); half goes to the thresholds, half to the
        conversion from zCDP.
    max_conversations_per_user : int, default=DEFAULT_MAX_CONVERSATIONS
        Contribution bound ``C``: at most this many conversations per user are counted (a random
        choice among the user's conversations). Larger keeps more data but adds noise in
        proportion (``sqrt(C)`` for user counts, ``C`` for conversation counts).
    seed : int or None, default=None
        Seed of that choice; None uses the run's seed. The noise itself cannot be seeded.

    Raises
    ------
    ConfigError
        A value out of range; the message names the field.
    """

    epsilon: float
    delta: float = DEFAULT_DELTA
    max_conversations_per_user: int = DEFAULT_MAX_CONVERSATIONS
    seed: int | None = None

    def __post_init__(self) -> None:
        e = self.epsilon
        if isinstance(e, bool) or not isinstance(e, (int, float)) or not math.isfinite(e) or e <= 0:
            raise ConfigError(f"`dp.epsilon` (--dp-epsilon) must be a finite number > 0; got {e!r}")
        d = self.delta
        if isinstance(d, bool) or not isinstance(d, (int, float)) or not 0 < d < 1:
            raise ConfigError(f"`dp.delta` (--dp-delta) must be a number in (0, 1); got {d!r}")
        c = self.max_conversations_per_user
        if isinstance(c, bool) or not isinstance(c, int) or c < 1:
            raise ConfigError(
                f"`dp.max_conversations_per_user` (--dp-max-conversations) must be an int >= 1; got {c!r}"
            )
        if self.seed is not None and (isinstance(self.seed, bool) or not isinstance(self.seed, int)):
            raise ConfigError(f"`dp.seed` must be an int or None; got {self.seed!r}")


def dp_params(
    epsilon: str | None, delta: str | None = None, max_conversations: str | None = None
) -> DPParams | None:
    """:class:`DPParams` from the text of the ``--dp-*`` flags; None without ``--dp-epsilon``.

    Raises
    ------
    ConfigError
        A flag that is not a number, out of range, or given without ``--dp-epsilon``.

    Examples
    --------
    >>> dp_params("0.5", max_conversations="2")
    DPParams(epsilon=0.5, delta=1e-06, max_conversations_per_user=2, seed=None)
    >>> dp_params("zero")
    Traceback (most recent call last):
    ...
    cliokit.errors.ConfigError: `--dp-epsilon` must be a number > 0; got 'zero'
    """
    if epsilon is None:
        if delta is not None or max_conversations is not None:
            raise ConfigError(
                "`--dp-delta` and `--dp-max-conversations` need `--dp-epsilon`; got no --dp-epsilon"
            )
        return None

    def number(flag: str, text: str, kind: type, allowed: str) -> Any:
        try:
            return kind(text)
        except ValueError:
            raise ConfigError(f"`{flag}` must be {allowed}; got {text!r}") from None

    return DPParams(
        epsilon=number("--dp-epsilon", epsilon, float, "a number > 0"),
        delta=DEFAULT_DELTA if delta is None else number("--dp-delta", delta, float, "a number in (0, 1)"),
        max_conversations_per_user=DEFAULT_MAX_CONVERSATIONS
        if max_conversations is None
        else number("--dp-max-conversations", max_conversations, int, "an int >= 1"),
    )


@dataclass(frozen=True)
class Query:
    """One noisy query of a DP export and its share of the budget.

    ``l0``/``linf`` are None for the plain Gaussian mechanism (no threshold); ``delta`` is the
    threshold's failure probability (0 without one).
    """

    table: str
    level: int | None
    rho: float
    scale: float
    l2: float
    l0: int | None = None
    linf: float | None = None
    threshold: int | None = None
    delta: float = 0.0


@dataclass(frozen=True)
class DPRelease:
    """What a DP export publishes: ``clusters``, ``breakdowns`` and the ``budget`` (for the summary)."""

    clusters: pd.DataFrame
    breakdowns: pd.DataFrame
    budget: dict[str, Any]


def _opendp() -> Any:
    """``opendp.prelude`` with the ``contrib`` features on (the Gaussian mechanisms need them)."""
    import opendp.prelude as dp

    dp.enable_features("contrib")
    return dp


def epsilon_of_rho(rho: float, delta: float) -> float:
    """The ``epsilon`` of ``rho``-zCDP at ``delta``, by OpenDP's ``make_zCDP_to_approxDP``."""
    dp = _opendp()
    unit = dp.m.make_gaussian(dp.atom_domain(T=float, nan=False), dp.absolute_distance(T=float), scale=1.0)
    # a unit-scale Gaussian at distance sqrt(2 rho) is exactly rho-zCDP
    return float(dp.c.make_zCDP_to_approxDP(unit).map(math.sqrt(2 * rho)).epsilon(delta))


def _threshold_measurement(scale: float, threshold: int) -> Any:
    dp = _opendp()
    domain = dp.map_domain(dp.atom_domain(T=str), dp.atom_domain(T=float, nan=False))
    metric = dp.l02inf_distance(dp.absolute_distance(T=float))
    return dp.m.make_gaussian_threshold(domain, metric, scale=scale, threshold=float(threshold))


def _vector_measurement(scale: float) -> Any:
    dp = _opendp()
    domain = dp.vector_domain(dp.atom_domain(T=float, nan=False))
    return dp.m.make_gaussian(domain, dp.l2_distance(T=float), scale=scale)


@functools.lru_cache(maxsize=64)
def plan_queries(
    epsilon: float, delta: float, n_levels: int, facets: tuple[str, ...], bound: int
) -> tuple[Query, ...]:
    """The queries of a DP export with their noise scales and thresholds, within ``(epsilon, delta)``.

    Parameters
    ----------
    epsilon, delta : float
        The export's budget.
    n_levels : int
        Levels of the run (each gets a ``users``, a ``conversations`` and one ``facet:`` query per
        facet).
    facets : tuple of str
        Facets broken down.
    bound : int
        Conversations kept per user (``C``).

    Returns
    -------
    tuple of Query
        ``total`` first, then per level ``users``, ``conversations`` and the facets (cached: the
        plan depends on these arguments only).
    """
    dp = _opendp()
    names: list[tuple[str, int | None, float]] = [("total", None, WEIGHTS["total"])]
    for lvl in range(n_levels):
        names += [("users", lvl, WEIGHTS["users"]), ("conversations", lvl, WEIGHTS["conversations"])]
        names += [(f"facet:{f}", lvl, WEIGHTS["facets"] / len(facets)) for f in facets]
    n_thresholded = sum(1 for t, _, _ in names if t == "users" or t.startswith("facet:"))
    rho_total = rho_for_epsilon(epsilon, delta / 2)
    weight_sum = sum(w for _, _, w in names)
    delta_each = delta / 2 / n_thresholded
    queries = []
    for table, level, weight in names:
        rho = rho_total * weight / weight_sum
        if table in ("total", "conversations"):
            l2 = float(bound)
            scale = l2 / math.sqrt(2 * rho)
            queries.append(Query(table, level, float(_vector_measurement(scale).map(l2)), scale, l2))
            continue
        l0, l2, linf = (
            (bound, math.sqrt(bound), 1.0) if table == "users" else (bound, float(bound), float(bound))
        )
        scale = l2 / math.sqrt(2 * rho)
        d_in = (l0, l2, linf)
        try:
            tau = dp.binary_search(
                lambda t, s=scale, d=d_in: _threshold_measurement(s, t).map(d)[1] <= delta_each,
                bounds=(math.ceil(linf), MAX_THRESHOLD),
                T=int,
            )
        except ValueError:
            raise ConfigError(
                f"`dp.epsilon` must be large enough for thresholds below {MAX_THRESHOLD}; got {epsilon!r}"
            ) from None
        spent = _threshold_measurement(scale, tau).map(d_in)
        queries.append(Query(table, level, float(spent[0]), scale, l2, l0, linf, int(tau), float(spent[1])))
    return tuple(queries)


def rho_for_epsilon(epsilon: float, delta: float) -> float:
    """The largest ``rho`` (to a relative 1e-9) that OpenDP converts to at most ``epsilon`` at ``delta``.

    Bisection between Bun & Steinke's closed form (``epsilon = rho + 2 sqrt(rho ln(1/delta))``, a
    looser conversion, so always within budget) and ``epsilon``.
    """
    log = math.log(1 / delta)
    lo = (math.sqrt(log + epsilon) - math.sqrt(log)) ** 2
    hi = float(epsilon)
    while hi - lo > 1e-9 * lo:
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if epsilon_of_rho(mid, delta) <= epsilon else (lo, mid)
    return lo


def budget_spent(queries: tuple[Query, ...], delta: float) -> dict[str, float]:
    """``rho``, ``epsilon_spent``, ``delta_spent`` of ``queries`` (rho adds; half of ``delta`` converts)."""
    rho = sum(q.rho for q in queries)
    return {
        "rho": rho,
        "epsilon_spent": epsilon_of_rho(rho, delta / 2),
        "delta_spent": delta / 2 + sum(q.delta for q in queries),
    }


def bound_contributions(rows: pd.DataFrame, max_per_user: int, seed: int) -> pd.DataFrame:
    """At most ``max_per_user`` rows per ``user_id``: the lowest seeded hashes of ``conversation_id``.

    Each user's choice depends on their own conversation ids and ``seed`` only, so adding or
    removing a user changes no other user's kept conversations (which the sensitivity of every
    query relies on); within a user the choice is a uniform random one.

    Parameters
    ----------
    rows : DataFrame
        One row per conversation, with ``conversation_id`` and ``user_id``.
    max_per_user : int
    seed : int

    Returns
    -------
    DataFrame
        The kept rows, in their original order (index kept).

    Examples
    --------
    >>> rows = pd.DataFrame({"conversation_id": list("pqrstu"), "user_id": ["a"] * 5 + ["b"]})
    >>> bound_contributions(rows, 2, seed=0)["user_id"].tolist()
    ['a', 'a', 'b']
    """
    hash_key = f"{seed & 0xFFFFFFFFFFFFFFFF:016x}"  # pandas wants exactly 16 bytes
    keys = pd.util.hash_pandas_object(rows["conversation_id"].astype(str), index=False, hash_key=hash_key)
    order = rows.assign(_key=keys.to_numpy()).sort_values("_key", kind="stable")
    kept = order.groupby("user_id", sort=False).head(max_per_user)
    return rows.loc[sorted(kept.index)]


def _release_map(counts: pd.Series, query: Query) -> pd.Series:
    """Noisy values of ``counts`` (index: keys) whose noisy value reaches the threshold."""
    keys = [str(i) for i in range(len(counts))]
    noisy = _threshold_measurement(query.scale, int(query.threshold or 0))(
        dict(zip(keys, counts.astype(float), strict=True))
    )
    picked = sorted(noisy, key=int)
    return pd.Series([noisy[k] for k in picked], index=counts.index[[int(k) for k in picked]], dtype=float)


def _release_vector(values: list[float], query: Query) -> list[float]:
    return [float(v) for v in _vector_measurement(query.scale)(values)] if values else []


def _facet_values(rows: pd.DataFrame, facet: str) -> pd.Series:
    """Facet values as the exported breakdowns show them (turn counts binned, missing as ``unknown``)."""
    if facet == "n_turns":
        return rows[facet].map(turn_bin).astype(str)
    return rows[facet].astype("string").fillna("unknown").astype(str)


def dp_release(result: ClioResult, params: DPParams) -> DPRelease:
    """The differentially private cluster and facet tables of a run (see the module docstring).

    Parameters
    ----------
    result : ClioResult
    params : DPParams

    Returns
    -------
    DPRelease
        ``clusters``: ``cluster_id``, ``level``, ``parent_id`` (None when the parent is not
        published), ``name``, ``description``, ``keywords`` (empty where the run withheld the
        text), ``text_withheld``, ``n_users``, ``n_conversations`` (noisy, rounded, >= 0) and
        ``share`` (noisy conversations over the noisy total). ``breakdowns``: ``cluster_id``,
        ``facet``, ``value``, ``count`` (noisy) and ``share`` (of the cluster's noisy
        conversations; withheld values make the shares add up to less than 1). ``budget``: the
        summary's ``differential_privacy`` record.
    """
    seed = params.seed if params.seed is not None else int(result.manifest.config.get("seed", 0))
    custom = [n for n, kind in custom_facets(result).items() if kind in {"categorical", "numeric"}]
    facets = tuple(f for f in (*BREAKDOWN_FACETS, *custom) if f in result.facets)
    rows = result.facets[["conversation_id", "user_id", *facets]].merge(
        result.assignments, on="conversation_id"
    )
    rows = rows[rows[level_column(0)].notna()].reset_index(drop=True)
    kept = bound_contributions(rows, params.max_conversations_per_user, seed)
    queries = plan_queries(
        float(params.epsilon), float(params.delta), result.levels, facets, params.max_conversations_per_user
    )
    by_name = {(q.table, q.level): q for q in queries}
    total = max(_release_vector([float(len(kept))], by_name["total", None])[0], 1.0)
    info = result.clusters.set_index("cluster_id")
    released: list[pd.DataFrame] = []
    cells: list[pd.DataFrame] = []
    for level in range(result.levels):
        col = level_column(level)
        users = _release_map(kept.groupby(col)["user_id"].nunique(), by_name["users", level])
        size = kept[col].value_counts().reindex(users.index, fill_value=0)
        noisy_conv = _release_vector(size.astype(float).tolist(), by_name["conversations", level])
        released.append(
            pd.DataFrame(
                {"cluster_id": users.index, "n_users": users.to_numpy(), "n_conversations": noisy_conv}
            )
        )
        inside = kept[kept[col].isin(set(users.index))]
        for facet in facets:
            counts = inside.groupby([inside[col], _facet_values(inside, facet)]).size()
            noisy = _release_map(counts, by_name[f"facet:{facet}", level])
            cells.append(
                pd.DataFrame(
                    {
                        "cluster_id": noisy.index.get_level_values(0),
                        "facet": facet,
                        "value": noisy.index.get_level_values(1),
                        "raw": noisy.to_numpy(),
                    }
                )
            )
    clusters = _cluster_rows(pd.concat(released, ignore_index=True), info, total)
    breakdowns = _breakdown_rows(cells, clusters)
    budget = _budget_record(params, seed, queries)
    logger.info(
        "DP release: %d clusters published, epsilon %.3g, delta %.3g",
        len(clusters),
        budget["epsilon_spent"],
        budget["delta_spent"],
    )
    return DPRelease(clusters=clusters, breakdowns=breakdowns, budget=budget)


def _cluster_rows(noisy: pd.DataFrame, info: pd.DataFrame, total: float) -> pd.DataFrame:
    """Published clusters with the run's text (None where the run withheld it) and noisy sizes."""
    ids = noisy["cluster_id"].astype(str)
    meta = info.loc[ids.tolist()]
    withheld = meta["suppressed"].astype(bool).to_numpy()
    parents = meta["parent_id"].where(meta["parent_id"].isin(set(ids)), None)
    out = pd.DataFrame(
        {
            "cluster_id": ids.to_numpy(),
            "level": meta["level"].astype("int64").to_numpy(),
            "parent_id": parents.to_numpy(dtype=object),
            "name": meta["name"].where(~withheld, None).to_numpy(dtype=object),
            "description": meta["description"].where(~withheld, None).to_numpy(dtype=object),
            "keywords": [
                [] if w or k is None else list(k) for w, k in zip(withheld, meta["keywords"], strict=True)
            ],
            "text_withheld": withheld,
            "n_users": noisy["n_users"].clip(lower=0).round().astype("int64").to_numpy(),
            "n_conversations": noisy["n_conversations"].clip(lower=0).round().astype("int64").to_numpy(),
            "share": (noisy["n_conversations"].clip(lower=0) / total).clip(upper=1.0).to_numpy(),
        }
    )
    return out.sort_values(["level", "n_conversations"], ascending=[True, False], kind="stable").reset_index(
        drop=True
    )


def _breakdown_rows(cells: list[pd.DataFrame], clusters: pd.DataFrame) -> pd.DataFrame:
    """Noisy facet cells with their share of the cluster's noisy conversations."""
    columns = ["cluster_id", "facet", "value", "count", "share"]
    if not cells:
        return pd.DataFrame(columns=columns)
    df = pd.concat(cells, ignore_index=True)
    size = df["cluster_id"].map(clusters.set_index("cluster_id")["n_conversations"]).astype(float)
    df["count"] = df["raw"].clip(lower=0).round().astype("int64")
    df["share"] = (df["raw"].clip(lower=0) / size.where(size > 0)).clip(upper=1.0).fillna(0.0)
    return (
        df[columns]
        .sort_values(["cluster_id", "facet", "count"], ascending=[True, True, False])
        .reset_index(drop=True)
    )


def _budget_record(params: DPParams, seed: int, queries: tuple[Query, ...]) -> dict[str, Any]:
    spent = budget_spent(queries, params.delta)
    return {
        "mechanism": MECHANISM,
        "library": "opendp",
        "library_version": version("opendp"),
        "unit": "user (neighbouring data sets differ in all conversations of one user)",
        "epsilon": params.epsilon,
        "delta": params.delta,
        **spent,
        "accounting": (
            "zCDP: rho split over the queries by weight (per level: users 2, conversations 1, facets "
            "1 together; total 1) and summed (adaptive composition); half of "
            "delta split over the thresholded queries, half converts rho to epsilon "
            "(OpenDP make_zCDP_to_approxDP)"
        ),
        "max_conversations_per_user": params.max_conversations_per_user,
        "seed": seed,
        "seed_covers": "which conversations the bound keeps; the noise is not reproducible by seed",
        "publish_rule": "a cluster is published when its noisy user count reaches its level's threshold",
        "not_covered": NOT_COVERED,
        "queries": [asdict(q) for q in queries],
    }


def read_releases(run_dir: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """The DP exports recorded in a run directory's :data:`LEDGER` (empty when there is none).

    Each budget is spent again on the same data: the total over the list (epsilons and deltas
    added up) bounds what all of them together reveal.
    """
    path = Path(run_dir) / LEDGER
    if not path.exists():
        return []
    records: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return records


def record_release(
    run_dir: str | os.PathLike[str], out: str | os.PathLike[str], budget: dict[str, Any]
) -> None:
    """Append a DP export (its output folder and budget, without the per-query list) to the ledger."""
    entry = {k: v for k, v in budget.items() if k != "queries"}
    entry = {"created": datetime.now(UTC).isoformat(timespec="seconds"), "out": str(out), **entry}
    write_json([*read_releases(run_dir), entry], Path(run_dir) / LEDGER)
