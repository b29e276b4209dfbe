"""Coordinated activity: each signal over ordinary clusters against a planted campaign's clusters.

Generates one synthetic data set (with timestamps over ``--weeks``), runs the offline pipeline on
it as it is and with a planted campaign (:func:`cliokit.synthetic.campaign.plant_campaign`), and
prints, per level, each signal's distribution over the ordinary clusters of both runs (no
campaign conversation) next to the campaign's clusters (at least half campaign), and which
clusters the default limits flag; then the same with the runs' timestamps dropped. The defaults
of ``[coordination]`` are chosen from these tables (results in the README).

    python bench/bench_coordination.py                      # 10k conversations, 40 accounts
    python bench/bench_coordination.py --n 3000 --embedder hash
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd

import cliokit
from cliokit.monitor.coordination import SIGNALS, coordination_config, coordination_signals
from cliokit.synthetic import generate
from cliokit.synthetic.campaign import plant_campaign

#: A cluster with at least this share of campaign conversations is a campaign cluster.
CAMPAIGN_MAJORITY = 0.5


def campaign_share(result: cliokit.ClioResult, ids: frozenset[str]) -> pd.Series:
    """Share of campaign conversations in every cluster (indexed by cluster id)."""
    a = result.assignments
    is_campaign = a["conversation_id"].isin(ids)
    shares = [is_campaign.groupby(a[c]).mean() for c in a.columns if c.startswith("level_")]
    return pd.concat(shares)


def signals_of(result: cliokit.ClioResult, ids: frozenset[str], run: str, times: bool) -> pd.DataFrame:
    """The run's signals (without its timestamps unless ``times``), level, size and campaign share."""
    facets = result.facets
    facet = result.manifest.resolved["embed"]["facet"]
    columns = ["conversation_id", "user_id", *(["timestamp"] if times and "timestamp" in facets else [])]
    signals = coordination_signals(
        facets[columns].assign(text=facets[facet]),
        result.assignments,
        result.clusters,
        coordination_config(result),
    )
    c = result.clusters.set_index("cluster_id")
    signals["level"] = signals["cluster_id"].map(c["level"])
    signals["n_conversations"] = signals["cluster_id"].map(c["n_conversations"])
    signals["campaign_share"] = signals["cluster_id"].map(campaign_share(result, ids)).fillna(0.0)
    signals["run"] = run
    return signals


def describe(df: pd.DataFrame) -> None:
    """Print each signal's quantiles over ordinary clusters and the campaign clusters' values."""
    for level, g in df.groupby("level"):
        ordinary = g[g["campaign_share"] == 0]
        mixed = g[(g["campaign_share"] > 0) & (g["campaign_share"] < CAMPAIGN_MAJORITY)]
        camp = g[g["campaign_share"] >= CAMPAIGN_MAJORITY]
        print(
            f"\nlevel {level}: {len(ordinary)} ordinary clusters (both runs), {len(mixed)} mixed, "
            f"{len(camp)} campaign clusters"
        )
        rows = []
        for s in SIGNALS:
            v = ordinary[s].dropna()
            q = v.quantile([0.5, 0.95, 0.99]).to_numpy() if len(v) else [np.nan] * 3
            rows.append(
                {
                    "signal": s,
                    "ordinary median": q[0],
                    "p95": q[1],
                    "p99": q[2],
                    "max": v.max() if len(v) else np.nan,
                    "mixed max": mixed[s].max() if len(mixed) else np.nan,
                    "campaign min": camp[s].min() if len(camp) else np.nan,
                    "campaign max": camp[s].max() if len(camp) else np.nan,
                }
            )
        print(pd.DataFrame(rows).to_string(index=False, float_format=lambda x: f"{x:.3f}"))
        big = ordinary[ordinary["n_conversations"] >= 20]
        print(
            f"  ordinary clusters with >= 20 conversations: {len(big)}; "
            f"max near-duplicate share {big['near_duplicate_share'].max():.3f}, "
            f"max conversations per user {big['conversations_per_user'].max():.3f}"
        )
        print(
            f"  flagged: ordinary {int(ordinary['coordination_flag'].sum())} of {len(ordinary)}, "
            f"mixed {int(mixed['coordination_flag'].sum())} of {len(mixed)}, "
            f"campaign {int(camp['coordination_flag'].sum())} of {len(camp)}"
        )
        if len(camp) or len(mixed):
            cols = ["run", "cluster_id", "n_conversations", "campaign_share", *SIGNALS, "coordination_flag"]
            print(g[g["campaign_share"] > 0][cols].to_string(index=False, float_format=lambda x: f"{x:.3f}"))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=10_000)
    p.add_argument("--accounts", type=int, default=40)
    p.add_argument("--per-account", type=int, default=10)
    p.add_argument("--weeks", type=int, default=4, help="timestamps over this many weeks (0: none)")
    p.add_argument("--languages", default="en,es,fr,de")
    p.add_argument("--embedder", default=cliokit.config.DEFAULT_EMBEDDER)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default="runs/bench-coordination", help="run directories (resumed)")
    args = p.parse_args()
    data = generate(args.n, args.languages, seed=args.seed, weeks=args.weeks or None, progress=False)
    planted = plant_campaign(
        data.conversations, accounts=args.accounts, per_account=args.per_account, seed=args.seed
    )
    print(
        f"{args.n} conversations, campaign: {len(planted.conversation_ids)} conversations from "
        f"{args.accounts} accounts; timestamps: {'timestamp' in data.conversations}"
    )
    settings = {"embed": {"model": args.embedder}, "project": {"method": "pca"}, "progress": False}
    results = []
    for run, conversations in (("plain", data.conversations), ("campaign", planted.conversations)):
        start = time.perf_counter()
        result = cliokit.run(conversations, out=Path(args.out) / run, **settings)
        seconds = result.manifest.stages["coordination"].seconds
        print(
            f"{run}: run {time.perf_counter() - start:.0f} s, coordination stage {seconds:.1f} s, "
            f"{len(result.visible_clusters())} unsuppressed clusters, "
            f"{result.manifest.counts['coordination_flagged']} flagged"
        )
        results.append((run, result))
    for times in (True, False):
        print(f"\n=== signals {'with' if times else 'WITHOUT'} timestamps ===")
        frames = [signals_of(result, planted.conversation_ids, run, times) for run, result in results]
        describe(pd.concat(frames, ignore_index=True))


if __name__ == "__main__":
    main()
