"""Insight quality on labelled data: does the offline pipeline find the known structure? (issue 13)

Part A, "k from the data" and "top level", on public labelled sets (HWU64, SLURP devel+test, xSID
test in 13 languages, Banking77 test). Each utterance becomes a one-turn conversation with its own
pseudo-user; ``cliokit.run`` runs with the defaults (offline backend, default embedder, automatic
k, automatic levels, default privacy thresholds) except ``project.method = "pca"`` (the map is not
measured here). From the finished run:

* base level (``level_0``) vs the finest labels (intent) and top level (``level_L``) vs the
  coarsest labels (scenario), NMI (scikit-learn, arithmetic normalisation);
* baselines on the same embeddings: KMeans(k = #intents) and KMeans(k = #scenarios), seed 0,
  ``n_init=3`` (the pipeline's own setting); also the top level as KMeans / Ward over the base
  clusters' conversation-weighted centroids with k = #scenarios, and with k chosen by silhouette
  in [2, 30] (issue 13 item 3, measured here without changing the pipeline);
* alternative base-k rules on the same embeddings, without rerunning the pipeline: today's rule,
  sqrt(n), n/20, n/50, n/100, and the silhouette-best k over a geometric grid.

Part B, "what gets embedded", on the synthetic suite (template mode, 11 languages, seed 0) and on
Arena-Hard's real prompts (v0.1: 250 silver topic clusters of 2 prompts; v2.0: 3 subcategories):
each conversation is pre-scrubbed as the pipeline does, turned into eight embedding texts (see
``bench/_quality_data.py``), embedded with the default embedder and clustered with KMeans
(k = #subtopics, k = #categories, and today's automatic k); NMI per variant. OASST (multi-turn,
no labels) gets descriptive numbers only: text lengths and what the cleaning removes.

Usage::

    python bench/bench_quality.py                          # everything, ~15 min on 2 cores
    python bench/bench_quality.py --only hwu64,slurp --json /tmp/q.json
    python bench/bench_quality.py --only synthetic --synth-n 10000
    python bench/bench_quality.py --limit 2000             # at most 2,000 utterances per set

Needs ``../shared/external_data`` (or ``$CLIOKIT_EXTERNAL_DATA``, or ``--data``); sets whose files
are absent are skipped with a message.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _quality_data as qd  # noqa: E402

PART_A = ("hwu64", "slurp", "xsid", "banking77")
PART_B = ("synthetic", "arena", "oasst")


# ------------------------------------------------------------------------------------------------
# helpers
# ------------------------------------------------------------------------------------------------


def nmi(a: Any, b: Any) -> float:
    from sklearn.metrics import normalized_mutual_info_score

    return float(normalized_mutual_info_score(np.asarray(a), np.asarray(b)))


def kmeans(x: np.ndarray, k: int, seed: int = 0, sample_weight: np.ndarray | None = None) -> np.ndarray:
    from sklearn.cluster import KMeans
    from sklearn.exceptions import ConvergenceWarning

    k = max(1, min(int(k), len(x)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=ConvergenceWarning)
        warnings.simplefilter("ignore", category=RuntimeWarning)
        return KMeans(n_clusters=k, random_state=seed, n_init=3).fit_predict(
            x.astype(np.float32, copy=False), sample_weight=sample_weight
        )


def silhouette(x: np.ndarray, labels: np.ndarray, sample: int = 3000) -> float:
    from sklearn.metrics import silhouette_score

    if len(set(labels.tolist())) < 2:
        return float("nan")
    size = min(sample, len(x))
    return float(silhouette_score(x, labels, metric="cosine", sample_size=size, random_state=0))


def auto_k(n: int) -> int:
    """Today's automatic base k (``cliokit.config.resolve_k`` with the defaults)."""
    from cliokit.config import ClusterConfig, resolve_k

    return resolve_k(n, ClusterConfig())


def fmt(v: Any, nd: int = 3) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    if isinstance(v, float):
        return f"{v:.{nd}f}"
    return str(v)


def table(headers: list[str], rows: list[list[Any]]) -> str:
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    out += ["| " + " | ".join(fmt(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------------------------
# Part A
# ------------------------------------------------------------------------------------------------


def k_rules(n: int) -> dict[str, int]:
    return {
        "auto (today)": auto_k(n),
        "sqrt(n)": max(2, round(math.sqrt(n))),
        "n/20": max(2, round(n / 20)),
        "n/50": max(2, round(n / 50)),
        "n/100": max(2, round(n / 100)),
    }


def silhouette_k(
    x: np.ndarray, lo: int, hi: int, steps: int, seeds: list[int]
) -> tuple[int, dict[int, float]]:
    grid = sorted({int(round(v)) for v in np.geomspace(lo, hi, steps)})
    scores = {k: silhouette(x, kmeans(x, k, seeds[0])) for k in grid}
    best = max(scores, key=lambda k: scores[k])
    return best, scores


def weighted_centroids(x: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    ids, inverse, counts = np.unique(labels, return_inverse=True, return_counts=True)
    sums = np.zeros((len(ids), x.shape[1]))
    np.add.at(sums, inverse, x)
    cents = sums / np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-12)
    return cents, inverse, counts


def run_part_a(name: str, args: argparse.Namespace, runs_root: Path) -> dict[str, Any]:
    import cliokit

    t_all = time.perf_counter()
    df = qd.LABELLED[name](args.data)
    if args.limit and len(df) > args.limit:
        df = df.sample(n=args.limit, random_state=0).reset_index(drop=True)
    n = len(df)
    has_coarse = df["coarse"].notna().all()
    n_fine = df["fine"].nunique()
    n_coarse = df["coarse"].nunique() if has_coarse else None
    log(f"[A] {name}: {n} utterances, {n_fine} fine, {n_coarse} coarse labels; running cliokit.run ...")

    conv = qd.as_conversations(df, name)
    row_of = {cid: i for i, cid in enumerate(conv["conversation_id"])}
    runs: list[dict[str, Any]] = []
    for seed in args.pipeline_seeds:
        t0 = time.perf_counter()
        result = cliokit.run(
            conv,
            out=runs_root / f"{name}-seed{seed}",
            seed=seed,
            project={"method": "pca"},
            progress=False,
            # one embedding cache for the seeds of a data set (embeddings do not depend on the seed)
            embed={"cache_dir": str(runs_root / f"{name}-embeddings")},
        )
        t_run = time.perf_counter() - t0
        fac_rows = np.array([row_of[c] for c in result.facets["conversation_id"]])
        fine = df["fine"].to_numpy()[fac_rows]
        coarse = df["coarse"].to_numpy()[fac_rows] if has_coarse else None
        asg = result.assignments.set_index("conversation_id").loc[result.facets["conversation_id"]]
        level_cols = sorted(
            (c for c in asg.columns if c.startswith("level_")), key=lambda c: int(c.split("_")[1])
        )
        base, top = asg[level_cols[0]].to_numpy(), asg[level_cols[-1]].to_numpy()
        resolved = result.manifest.resolved
        runs.append(
            {
                "seed": seed,
                "seconds": round(t_run, 1),
                "resolved_cluster": resolved.get("cluster"),
                "resolved_hierarchy": resolved.get("hierarchy"),
                "resolved_privacy": resolved.get("privacy"),
                "level_sizes": [int(asg[c].nunique()) for c in level_cols],
                "suppressed_per_level": {
                    int(lv): int(g["suppressed"].sum()) for lv, g in result.clusters.groupby("level")
                },
                "missing_assignments": int(pd.isna(base).sum()),
                "base_nmi": nmi(base, fine),
                "top_nmi": nmi(top, coarse) if has_coarse else None,
                "top_vs_fine_nmi": nmi(top, fine),
            }
        )
        if seed == args.pipeline_seeds[0]:
            emb = result.embeddings
            first_base, first_fine, first_coarse = base, fine, coarse
    base, fine, coarse = first_base, first_fine, first_coarse
    first = runs[0]
    out: dict[str, Any] = {
        "dataset": name,
        "n": n,
        "n_clustered": int(len(fine)),
        "n_fine": int(n_fine),
        "n_coarse": None if n_coarse is None else int(n_coarse),
        "resolved_cluster": first["resolved_cluster"],
        "level_sizes": first["level_sizes"],
        "seconds_pipeline": first["seconds"],
        "pipeline_runs": runs,
        "base_nmi": float(np.mean([r["base_nmi"] for r in runs])),
        "top_nmi": float(np.mean([r["top_nmi"] for r in runs])) if has_coarse else None,
        "top_vs_fine_nmi": float(np.mean([r["top_vs_fine_nmi"] for r in runs])),
    }

    # baselines on the same embeddings
    seeds = args.seeds
    km_fine = [nmi(kmeans(emb, n_fine, s), fine) for s in seeds]
    out["kmeans_k_fine_nmi"] = float(np.mean(km_fine))
    out["kmeans_k_fine_range"] = [min(km_fine), max(km_fine)]
    if has_coarse:
        km_coarse = [nmi(kmeans(emb, n_coarse, s), coarse) for s in seeds]
        out["kmeans_k_coarse_nmi"] = float(np.mean(km_coarse))
        out["kmeans_k_coarse_range"] = [min(km_coarse), max(km_coarse)]
        # top level from the pipeline's base clusters' centroids (issue 13 item 3, measured only)
        from sklearn.cluster import AgglomerativeClustering

        cents, inverse, counts = weighted_centroids(emb, base)
        km_c = kmeans(cents, n_coarse, seeds[0], sample_weight=counts.astype(float))
        out["centroid_kmeans_top_nmi"] = nmi(km_c[inverse], coarse)
        ward = AgglomerativeClustering(n_clusters=min(n_coarse, len(cents)), linkage="ward").fit_predict(
            cents
        )
        out["centroid_ward_top_nmi"] = nmi(ward[inverse], coarse)
        hi = min(30, len(cents) - 1)
        sil = {
            k: silhouette(cents, kmeans(cents, k, seeds[0], counts.astype(float)), sample=len(cents))
            for k in range(2, hi + 1)
        }
        k_top = max(sil, key=lambda k: sil[k])
        out["centroid_silhouette_top_k"] = int(k_top)
        out["centroid_silhouette_top_nmi"] = nmi(
            kmeans(cents, k_top, seeds[0], counts.astype(float))[inverse], coarse
        )

    # base-k rules on the same embeddings
    rules = k_rules(len(emb))
    rule_nmi: dict[str, dict[str, Any]] = {}
    for rule, k in rules.items():  # diagnostic: first k-means seed only
        rule_nmi[rule] = {"k": k, "nmi": nmi(kmeans(emb, k, seeds[0]), fine)}
    lo, hi = 10, max(20, min(300, len(emb) // 10))
    t_sil = time.perf_counter()
    k_sil, sil_scores = silhouette_k(emb, lo, hi, args.sil_steps, seeds)
    rule_nmi["silhouette"] = {
        "k": k_sil,
        "nmi": nmi(kmeans(emb, k_sil, seeds[0]), fine),
        "grid": {str(k): round(v, 4) for k, v in sil_scores.items()},
        "seconds": round(time.perf_counter() - t_sil, 1),
    }
    rule_nmi["k = #fine (oracle)"] = {"k": int(n_fine), "nmi": km_fine[0]}
    out["k_rules"] = rule_nmi
    out["seconds_total"] = round(time.perf_counter() - t_all, 1)
    log(f"[A] {name}: done in {out['seconds_total']} s (pipeline {out['seconds_pipeline']} s)")
    return out


def spread(mean: float | None, values: list[float] | None) -> str:
    """``0.750`` for one value, ``0.750 (0.745–0.752)`` for the mean of several."""
    if mean is None:
        return "–"
    if not values or len(values) < 2 or min(values) == max(values):
        return f"{mean:.3f}"
    return f"{mean:.3f} ({min(values):.3f}–{max(values):.3f})"


def print_part_a(results: list[dict[str, Any]]) -> None:
    if not results:
        return
    print("\n### A1. Base and top level of the offline pipeline vs plain k-means (same embeddings)\n")
    rows = []
    for r in results:
        rc = r["resolved_cluster"] or {}
        rows.append(
            [
                r["dataset"],
                r["n_clustered"],
                f"{r['n_fine']} / {r['n_coarse'] if r['n_coarse'] else '–'}",
                rc.get("k"),
                " → ".join(str(s) for s in r["level_sizes"]),
                spread(r["base_nmi"], [x["base_nmi"] for x in r["pipeline_runs"]]),
                spread(r["kmeans_k_fine_nmi"], r["kmeans_k_fine_range"]),
                r["base_nmi"] - r["kmeans_k_fine_nmi"],
                spread(r["top_nmi"], [x["top_nmi"] for x in r["pipeline_runs"]]),
                spread(r.get("kmeans_k_coarse_nmi"), r.get("kmeans_k_coarse_range")),
                None if r["top_nmi"] is None else r["top_nmi"] - r["kmeans_k_coarse_nmi"],
                f"{r['seconds_total']:.0f} (run {r['seconds_pipeline']:.0f})",
            ]
        )
    print(
        table(
            [
                "data set",
                "n",
                "#intents / #scenarios",
                "auto base k",
                "clusters per level",
                "base vs intent NMI",
                "k-means k=#intents",
                "Δ (goal ≥ −0.02)",
                "top vs scenario NMI",
                "k-means k=#scenarios",
                "Δ (goal ≥ 0)",
                "wall s (cliokit.run)",
            ],
            rows,
        )
    )
    print("\n### A2. Top level built from the pipeline's base clusters (centroids weighted by size)\n")
    rows = [
        [
            r["dataset"],
            r["top_nmi"],
            r["kmeans_k_coarse_nmi"],
            r["centroid_kmeans_top_nmi"],
            r["centroid_ward_top_nmi"],
            f"{r['centroid_silhouette_top_k']} / {r['n_coarse']}",
            r["centroid_silhouette_top_nmi"],
        ]
        for r in results
        if r["top_nmi"] is not None
    ]
    print(
        table(
            [
                "data set",
                "pipeline top",
                "k-means on utterances k=#scen.",
                "k-means on centroids k=#scen.",
                "Ward on centroids k=#scen.",
                "silhouette top k / #scen.",
                "NMI at silhouette k",
            ],
            rows,
        )
    )
    print("\n### A3. Base-k rules on the same embeddings: NMI vs intent (k in brackets)\n")
    rule_names = list(results[0]["k_rules"])
    rows = [
        [r["dataset"]] + [f"{r['k_rules'][q]['nmi']:.3f} ({r['k_rules'][q]['k']})" for q in rule_names]
        for r in results
    ]
    print(table(["data set"] + rule_names, rows))
    print("\nMean shortfall against k = #intents (0 is best; averaged over the data sets above):\n")
    rows = []
    for q in rule_names:
        d = [r["k_rules"][q]["nmi"] - r["k_rules"]["k = #fine (oracle)"]["nmi"] for r in results]
        rows.append([q, float(np.mean(d)), float(np.min(d))])
    print(table(["rule", "mean Δ NMI", "worst Δ NMI"], rows))


# ------------------------------------------------------------------------------------------------
# Part B
# ------------------------------------------------------------------------------------------------


def variant_texts(messages: pd.Series) -> dict[str, list[str]]:
    msgs = [list(m) for m in messages]
    return {key: [fn(m) for m in msgs] for key, (_, fn) in qd.VARIANTS.items()}


def evaluate_variants(
    name: str, messages: pd.Series, fine: np.ndarray, coarse: np.ndarray | None, args: argparse.Namespace
) -> dict[str, Any]:
    from cliokit.embedders import get_embedder

    embedder = get_embedder()
    texts = variant_texts(messages)
    n_fine = len(set(fine.tolist()))
    n_coarse = len(set(coarse.tolist())) if coarse is not None else None
    k_auto = auto_k(len(fine))
    per: dict[str, Any] = {}
    for key, vals in texts.items():
        t0 = time.perf_counter()
        x = embedder.embed(vals, progress=False)
        t_embed = time.perf_counter() - t0
        rec: dict[str, Any] = {
            "mean_chars": float(np.mean([len(v) for v in vals])),
            "embed_s": round(t_embed, 1),
        }
        lab_f = [kmeans(x, n_fine, s) for s in args.seeds]
        rec["nmi_fine_at_k_fine"] = float(np.mean([nmi(lab, fine) for lab in lab_f]))
        if coarse is not None:
            rec["nmi_coarse_at_k_fine"] = float(np.mean([nmi(lab, coarse) for lab in lab_f]))
            rec["nmi_coarse_at_k_coarse"] = float(
                np.mean([nmi(kmeans(x, n_coarse, s), coarse) for s in args.seeds])
            )
        rec["nmi_fine_at_k_auto"] = float(np.mean([nmi(kmeans(x, k_auto, s), fine) for s in args.seeds]))
        per[key] = rec
    return {
        "dataset": name,
        "n": len(fine),
        "n_fine": n_fine,
        "n_coarse": n_coarse,
        "k_auto": k_auto,
        "variants": per,
    }


def scrubbed(conversations: pd.DataFrame) -> pd.Series:
    from cliokit.scrub import scrub_conversations

    out, _ = scrub_conversations(conversations[["messages"]], progress=False)
    return out["messages"]


def run_synthetic(args: argparse.Namespace) -> dict[str, Any]:
    from cliokit.synthetic import LANGUAGES, generate

    t0 = time.perf_counter()
    log(f"[B] synthetic: generating {args.synth_n} conversations in {len(LANGUAGES)} languages ...")
    data = generate(args.synth_n, LANGUAGES, seed=0, progress=False)
    labels = data.labels.set_index("conversation_id").loc[data.conversations["conversation_id"]]
    res = evaluate_variants(
        "synthetic",
        scrubbed(data.conversations),
        labels["subtopic"].to_numpy(),
        labels["category"].to_numpy(),
        args,
    )
    res["languages"] = list(LANGUAGES)
    res["seconds_total"] = round(time.perf_counter() - t0, 1)
    log(f"[B] synthetic: done in {res['seconds_total']} s")
    return res


def run_arena(args: argparse.Namespace) -> list[dict[str, Any]]:
    out = []
    for version in ("v0.1", "v2.0"):
        t0 = time.perf_counter()
        df = qd.load_arena(args.data, version)
        coarse = df["coarse"].to_numpy() if df["coarse"].notna().all() else None
        res = evaluate_variants(f"arena-hard {version}", scrubbed(df), df["fine"].to_numpy(), coarse, args)
        res["seconds_total"] = round(time.perf_counter() - t0, 1)
        log(f"[B] arena {version}: done in {res['seconds_total']} s")
        out.append(res)
    return out


def run_oasst(args: argparse.Namespace) -> dict[str, Any]:
    from cliokit.datasets import load_oasst

    t0 = time.perf_counter()
    conv = load_oasst(args.data / "oasst1_en_validation" / "en-validation.jsonl").conversations
    msgs = scrubbed(conv)
    texts = variant_texts(msgs)
    h = qd._heur()
    n_sent = n_kept = 0
    for m in msgs:
        turns = qd.user_turns(list(m))
        if turns:
            n_sent += len(h._sentences(turns[0]))
            n_kept += len(qd._clean_sentences(turns[0]))
    multi = float(np.mean([len(qd.user_turns(list(m))) > 1 for m in msgs]))
    res = {
        "dataset": "oasst1 en validation",
        "n": len(conv),
        "share_multi_turn": multi,
        "first_turn_sentences_removed_by_cleaning": 1 - n_kept / max(1, n_sent),
        "mean_chars": {k: float(np.mean([len(t) for t in v])) for k, v in texts.items()},
        "differs_from_excerpt": {
            k: float(np.mean([a != b for a, b in zip(v, texts["excerpt"], strict=True)]))
            for k, v in texts.items()
        },
        "seconds_total": round(time.perf_counter() - t0, 1),
    }
    log(f"[B] oasst: done in {res['seconds_total']} s")
    return res


def print_part_b(results: list[dict[str, Any]], oasst: dict[str, Any] | None) -> None:
    for r in results:
        print(
            f"\n### B. What gets embedded: {r['dataset']} (n = {r['n']}, {r['n_fine']} fine labels"
            + (f", {r['n_coarse']} coarse" if r["n_coarse"] else "")
            + f"; auto k = {r['k_auto']}; {r['seconds_total']} s)\n"
        )
        rows = []
        for key, v in r["variants"].items():
            rows.append(
                [
                    qd.VARIANTS[key][0],
                    round(v["mean_chars"]),
                    v["nmi_fine_at_k_fine"],
                    v.get("nmi_coarse_at_k_fine"),
                    v.get("nmi_coarse_at_k_coarse"),
                    v["nmi_fine_at_k_auto"],
                ]
            )
        print(
            table(
                [
                    "embedded text",
                    "mean chars",
                    "NMI fine, k=#fine",
                    "NMI coarse, k=#fine",
                    "NMI coarse, k=#coarse",
                    "NMI fine, auto k",
                ],
                rows,
            )
        )
        best = max(r["variants"], key=lambda k: r["variants"][k]["nmi_fine_at_k_fine"])
        base = r["variants"]["excerpt"]["nmi_fine_at_k_fine"]
        print(
            f"\nBest on fine labels: {qd.VARIANTS[best][0]} "
            f"({r['variants'][best]['nmi_fine_at_k_fine']:.3f} vs today's excerpt {base:.3f})."
        )
    if oasst:
        print(
            f"\n### B. OASST ({oasst['n']} conversations, {oasst['share_multi_turn']:.0%} with >1 user turn;"
            " no labels)\n"
        )
        rows = [
            [qd.VARIANTS[k][0], round(oasst["mean_chars"][k]), oasst["differs_from_excerpt"][k]]
            for k in oasst["mean_chars"]
        ]
        print(table(["embedded text", "mean chars", "share ≠ excerpt"], rows))
        print(
            f"\nCleaning removes {oasst['first_turn_sentences_removed_by_cleaning']:.1%} of first-turn"
            " sentences on OASST."
        )


def _git_state() -> dict[str, Any]:
    """The commit measured and the library files changed from it (read-only git calls)."""
    import subprocess

    repo = Path(__file__).resolve().parents[1]
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True, check=True
        )
        status = subprocess.run(
            ["git", "status", "--porcelain", "--", "cliokit"],
            cwd=repo,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return {}
    changed = [line[3:] for line in status.stdout.splitlines()]
    return {"head": head.stdout.strip(), "dirty": bool(changed), "changed": changed}


# ------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", type=Path, default=qd.DEFAULT_DATA, help="external_data folder")
    p.add_argument("--only", default="", help=f"comma list of {', '.join(PART_A + PART_B)}")
    p.add_argument(
        "--limit", type=int, default=0, help="at most N utterances per Part A set (random, seed 0)"
    )
    p.add_argument("--synth-n", type=int, default=2000, help="synthetic conversations for Part B")
    p.add_argument(
        "--seeds", default="0", help="k-means seeds for baselines and rules, comma list (mean reported)"
    )
    p.add_argument(
        "--pipeline-seeds",
        default="0",
        help="cliokit.run seeds, comma list (mean NMI reported; wall time: first)",
    )
    p.add_argument("--sil-steps", type=int, default=7, help="k values in the silhouette grid")
    p.add_argument("--runs", type=Path, default=None, help="keep run directories here (default: a temp dir)")
    p.add_argument("--json", type=Path, default=None, help="write all numbers to this JSON file")
    p.add_argument(
        "--threads",
        type=int,
        default=1,
        help="BLAS/OpenMP threads (default 1: on a busy 2-core machine OpenMP spin-waits made k-means "
        "7x slower with 2 threads than with 1; 0 leaves the libraries' defaults)",
    )
    args = p.parse_args(argv)
    args.seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
    args.pipeline_seeds = [int(s) for s in args.pipeline_seeds.split(",") if s.strip()]
    names = [s.strip() for s in args.only.split(",") if s.strip()] or list(PART_A + PART_B)
    unknown = set(names) - set(PART_A + PART_B)
    if unknown:
        p.error(f"unknown data set(s): {', '.join(sorted(unknown))}")
    args.data = args.data.resolve()

    import os

    os.environ.setdefault("CLIOKIT_DISABLE_PROGRESS_BARS", "1")
    t_start = time.perf_counter()
    tmp = None
    if args.runs is None:
        tmp = tempfile.TemporaryDirectory(prefix="cliokit-quality-")
        runs_root = Path(tmp.name)
    else:
        runs_root = args.runs
        runs_root.mkdir(parents=True, exist_ok=True)

    report: dict[str, Any] = {
        "args": {k: str(v) for k, v in vars(args).items()},
        "git": _git_state(),
        "part_a": [],
        "part_b": [],
    }
    limits = None
    if args.threads > 0:
        from threadpoolctl import threadpool_limits

        limits = threadpool_limits(args.threads)

    def save() -> None:
        if args.json:
            args.json.write_text(json.dumps(report, indent=2, default=str), encoding="utf-8")

    for name in list(names):
        folder = qd.FOLDERS.get(name)
        if folder and not (args.data / folder).is_dir():
            log(f"{name}: skipped, {args.data / folder} not found")
            names.remove(name)
    for name in [n for n in names if n in PART_A]:
        try:
            report["part_a"].append(run_part_a(name, args, runs_root))
            save()
        except FileNotFoundError as exc:
            log(f"[A] {name}: skipped, data not found ({exc})")
    oasst = None
    for name in [n for n in names if n in PART_B]:
        try:
            if name == "synthetic":
                report["part_b"].append(run_synthetic(args))
            elif name == "arena":
                report["part_b"].extend(run_arena(args))
            else:
                oasst = run_oasst(args)
                report["oasst"] = oasst
            save()
        except FileNotFoundError as exc:
            log(f"[B] {name}: skipped, data not found ({exc})")
    report["seconds_total"] = round(time.perf_counter() - t_start, 1)
    if limits is not None:
        limits.restore_original_limits()

    git = report["git"]
    print(
        f"## Insight quality (bench/bench_quality.py; commit {git.get('head', '?')[:7]}"
        f"{' + local changes' if git.get('dirty') else ''}; seeds {args.seeds}; threads {args.threads}; "
        f"{report['seconds_total']:.0f} s in all)"
    )
    print_part_a(report["part_a"])
    print_part_b(report["part_b"], oasst)
    if args.json:
        save()
        log(f"wrote {args.json}")
    if tmp is not None:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
