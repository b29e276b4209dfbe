"""Error of differentially private exports (``cliokit export --dp-epsilon``) on the synthetic suite.

    python bench/bench_dp.py [--n 10000] [--languages en,es,fr,de,ja] [--epsilons 0.5,1,4] [--reps 5]
    python bench/bench_dp.py --run RUN_DIR            # an existing run instead

Without ``--run`` it generates the synthetic suite's data (:func:`cliokit.evals.suite.prepare_data`,
seed 0) and runs cliokit offline with the default embedder into ``--workdir`` (reused when
present). Then, for each epsilon, it makes ``--reps`` DP releases (contribution-bound seeds 0, 1,
...; the noise differs every time) and compares them with the run's exact counts:

* ``released``: published clusters over all clusters of the level (suppressed ones included);
* ``coverage``: the true conversation share of the published clusters, summed;
* ``share MAE``: mean absolute error of the published share (noisy conversations over the noisy
  total) against the true share (conversations over all clustered conversations, before the
  contribution bound), over published clusters; the bound's bias is part of the error;
* ``share rel. err``: the median of |published share - true share| / true share;
* ``users rel. err``: median of |noisy users - true users| / true users over published clusters;
* ``facet coverage``: the conversations of the published clusters that fall in a published facet
  cell (all facets together); ``facet share MAE``: the error of those cells' shares of their
  cluster.

Each figure is a mean over the repetitions (± its standard deviation for share MAE); "-" where
nothing was published. The first row, "fixed", is the ordinary export (fixed minimums, exact).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from cliokit.monitor.dp import DEFAULT_MAX_CONVERSATIONS, DPParams, dp_release  # noqa: E402
from cliokit.result import ClioResult  # noqa: E402
from cliokit.tables import facet_breakdowns, level_total  # noqa: E402

#: Measured per level, in table order.
COLUMNS = ("released", "coverage", "share_mae", "share_rel", "users_rel", "cells", "cell_mae")


def suite_run(workdir: Path, n: int, languages: str, embedder: str) -> ClioResult:
    from cliokit.evals.suite import eval_config, prepare_data, run_pipeline

    data = prepare_data(workdir, n_conversations=n, languages=languages, seed=0)
    return run_pipeline(data, workdir / "run", eval_config({"embedder": embedder, "projection": "none"}))


def true_tables(result: ClioResult) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Exact sizes and shares of every cluster, and the exact facet shares of every cluster."""
    c = result.clusters[["cluster_id", "level", "n_conversations", "n_users"]].copy()
    totals = {lvl: level_total(result, lvl) for lvl in range(result.levels)}
    c["share"] = c["n_conversations"] / c["level"].map(totals)
    everything = result.clusters.assign(suppressed=False)
    cells = facet_breakdowns(
        ClioResult(
            result.run_dir, result.facets, result.assignments, everything, result.projection, result.manifest
        )
    )
    return c.set_index("cluster_id"), cells.set_index(["cluster_id", "facet", "value"])


def measure(result: ClioResult, truth: pd.DataFrame, cells: pd.DataFrame, params: DPParams) -> list[dict]:
    release = dp_release(result, params)
    out = []
    for level in range(result.levels):
        got = release.clusters[release.clusters["level"] == level].set_index("cluster_id")
        exact = truth.loc[got.index]
        row = {
            "level": level,
            "released": len(got) / int((truth["level"] == level).sum()),
            "coverage": float(exact["share"].sum()),
            "share_mae": float((got["share"] - exact["share"]).abs().mean()) if len(got) else np.nan,
            "share_rel": float(((got["share"] - exact["share"]).abs() / exact["share"]).median())
            if len(got)
            else np.nan,
            "users_rel": float(((got["n_users"] - exact["n_users"]).abs() / exact["n_users"]).median())
            if len(got)
            else np.nan,
        }
        b = release.breakdowns[release.breakdowns["cluster_id"].isin(got.index)]
        b = b.set_index(["cluster_id", "facet", "value"])
        possible = cells[cells.index.get_level_values(0).isin(got.index)]
        row["cells"] = (
            possible.loc[b.index, "count"].sum() / possible["count"].sum() if len(possible) else np.nan
        )
        row["cell_mae"] = float((b["share"] - cells.loc[b.index, "share"]).abs().mean()) if len(b) else np.nan
        out.append(row)
    return out


def fmt(values: list[float], pct: bool = True, sd: bool = False) -> str:
    vals = [v for v in values if not np.isnan(v)]
    if not vals:
        return "-"
    mean = statistics.fmean(vals)
    text = f"{100 * mean:.1f}%" if pct else f"{mean:.3f}"
    if sd and len(vals) > 1:
        text += f" ± {100 * statistics.stdev(vals):.1f}" if pct else f" ± {statistics.stdev(vals):.3f}"
    return text


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--run", help="an existing run directory (default: make the synthetic suite run)")
    p.add_argument(
        "--workdir",
        default=str(Path(tempfile.gettempdir()) / "cliokit_bench_dp"),
        help="where the suite data and run go (reused; default: a folder in the temp directory)",
    )
    p.add_argument("--n", type=int, default=10000)
    p.add_argument("--languages", default="en,es,fr,de,ja")
    p.add_argument("--embedder", default="", help="embedder (default: cliokit's default)")
    p.add_argument("--epsilons", default="0.5,1,4")
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--max-conversations", type=int, default=DEFAULT_MAX_CONVERSATIONS)
    p.add_argument("--json", help="also write the per-repetition rows here")
    args = p.parse_args()

    result = (
        ClioResult.load(args.run)
        if args.run
        else suite_run(Path(args.workdir), args.n, args.languages, args.embedder)
    )
    truth, cells = true_tables(result)
    users = result.facets["user_id"].value_counts()
    print(
        f"run {result.run_dir}: {len(result.facets)} conversations, {len(users)} users "
        f"(conversations per user: median {users.median():.0f}, max {users.max()}), "
        f"clusters per level {truth.groupby('level').size().to_dict()}; "
        f"contribution bound {args.max_conversations} conversations per user, {args.reps} repetitions\n"
    )
    print(
        "| epsilon | level | released | coverage | share MAE | share rel. err | users rel. err "
        "| facet coverage | facet share MAE |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    visible = result.clusters[~result.clusters["suppressed"]]
    for level in range(result.levels):
        v = visible[visible["level"] == level]
        released = len(v) / int((truth["level"] == level).sum())
        cover = float(truth.loc[v["cluster_id"], "share"].sum())
        print(
            f"| fixed | {level} | {100 * released:.1f}% | {100 * cover:.1f}% | 0 (exact) | 0 | 0 | 100% | 0 |"
        )
    rows = []
    for eps in (float(e) for e in args.epsilons.split(",")):
        start = time.perf_counter()
        reps = [
            r | {"epsilon": eps, "rep": rep}
            for rep in range(args.reps)
            for r in measure(
                result,
                truth,
                cells,
                DPParams(eps, max_conversations_per_user=args.max_conversations, seed=rep),
            )
        ]
        rows += reps
        seconds = (time.perf_counter() - start) / args.reps
        for level in range(result.levels):
            at = [r for r in reps if r["level"] == level]
            cols = [fmt([r[k] for r in at], sd=k == "share_mae") for k in COLUMNS]
            print(f"| {eps:g} | {level} | " + " | ".join(cols) + " |")
        print(f"<!-- epsilon {eps:g}: {seconds:.1f} s per release -->", file=sys.stderr)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
