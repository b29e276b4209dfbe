"""Offline cluster names: KeywordNamer vs PhraseNamer on the synthetic suite.

Runs the offline pipeline once (reused from --run-dir when it is there), takes its facets,
embeddings and base clusters (seeded k-means over the embedded request facet), and names the base
clusters with both namers. Prints, per namer: the share of names with a stop word of a suite
language, the share of names equal to a sibling's (the namer's own output, before
``unique_names``), how often a name maps back to its cluster's majority category (the name and the
category names embedded; nearest category) beside the same for the cluster centroids, and seconds
per 1,000 conversations. Then the offline task label against the task each synthetic subtopic
implies, per label and per cluster.

    python bench/bench_names.py --n 2000 --run-dir /tmp/bench_names_2k
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cliokit.config import NameConfig
from cliokit.embedders import get_embedder
from cliokit.name import NamingInput, cluster_keywords
from cliokit.offline import KeywordNamer
from cliokit.offline.naming import PhraseNamer
from cliokit.pipeline import run
from cliokit.result import ClioResult
from cliokit.synthetic import generate, load_taxonomy
from cliokit.text import segment_words, stopwords

LANGUAGES = "en,es,fr,de,pt,ru,ja,zh,ko,ar,hi"

# The offline task labels a synthetic subtopic implies (read from the subtopic's name); subtopics
# missing here imply none and are left out of the task-label measurement.
IMPLIED = {
    "coding.debug": {"debug code"},
    "coding.web": {"write code"},
    "coding.sql": {"write code"},
    "coding.scripts": {"write code"},
    "coding.review": {"write code", "debug code"},
    "coding.learn": {"explain a concept"},
    "data.spreadsheets": {"analyse data"},
    "data.stats": {"analyse data", "explain a concept"},
    "data.ml": {"analyse data", "write code"},
    "data.viz": {"analyse data"},
    "data.cleaning": {"analyse data", "write code"},
    "writing.email": {"write professional text"},
    "writing.edit": {"edit or proofread text"},
    "writing.report": {"write professional text"},
    "writing.speech": {"write professional text", "write creative text"},
    "writing.summary": {"summarise text"},
    "creative.story": {"write creative text"},
    "creative.poem": {"write creative text"},
    "creative.lyrics": {"write creative text"},
    "creative.worldbuilding": {"write creative text", "brainstorm ideas"},
    "creative.screenplay": {"write creative text"},
    "roleplay.adventure": {"role-play"},
    "roleplay.character": {"role-play"},
    "roleplay.interview": {"role-play"},
    "roleplay.language_partner": {"role-play"},
    "education.math": {"solve a maths problem"},
    "education.physics": {"explain a concept"},
    "education.history": {"explain a concept", "answer a factual question"},
    "language.translate": {"translate text"},
    "language.grammar": {"explain a concept"},
    "business.sales": {"write professional text"},
    "business.hr": {"write professional text"},
    "career.resume": {"write professional text", "edit or proofread text"},
    "career.cover_letter": {"write professional text"},
    "travel.itinerary": {"plan or organise"},
    "cooking.mealprep": {"plan or organise"},
    "finance.budget": {"plan or organise"},
    "relationships.dating": {"give advice"},
    "relationships.conflict": {"give advice"},
    "relationships.parenting": {"give advice"},
    "science.space": {"explain a concept"},
    "science.biology": {"explain a concept"},
    "science.climate": {"explain a concept"},
}


def load_run(n: int, languages: list[str], seed: int, run_dir: Path) -> tuple[pd.DataFrame, np.ndarray, int]:
    """Facets joined with the synthetic labels and base clusters, the embeddings, and min_users."""
    data = generate(n, languages, seed=seed, progress=False)
    result = run(data.conversations, out=run_dir, project={"method": "none"}, progress=False)
    del result
    facets = pd.read_parquet(run_dir / "facets.parquet")
    embeddings = np.load(run_dir / "embeddings.npy")
    labels = pd.read_parquet(run_dir / "stages" / "base_labels.parquet")
    manifest = ClioResult.load(run_dir).manifest
    min_users = int(manifest.resolved["privacy"]["min_users"])
    rows = facets.reset_index(drop=True).reset_index().rename(columns={"index": "row"})
    df = (
        rows.merge(labels, on="conversation_id")
        .merge(data.labels[["conversation_id", "category", "subtopic", "language"]], on="conversation_id")
        .sort_values("row")
    )
    return df.reset_index(drop=True), embeddings[df["row"].to_numpy()], min_users


def task_reliability(df: pd.DataFrame) -> pd.DataFrame:
    """Per offline task label: conversations, how many the suite can check, share agreeing."""
    rows = []
    checked = df[df["subtopic"].isin(IMPLIED)]
    for task, group in df.groupby("task"):
        sub = checked[checked["task"] == task]
        ok = sum(task in IMPLIED[s] for s in sub["subtopic"])
        implied_total = sum(task in v for s, v in IMPLIED.items() for _ in [0] if s in set(df["subtopic"]))
        recall_base = checked[[task in IMPLIED[s] for s in checked["subtopic"]]]
        recall = float((recall_base["task"] == task).mean()) if len(recall_base) else float("nan")
        rows.append(
            {
                "task": task,
                "conversations": len(group),
                "checkable": len(sub),
                "precision": ok / len(sub) if len(sub) else float("nan"),
                "recall": recall,
                "implying_subtopics": implied_total,
            }
        )
    return pd.DataFrame(rows).sort_values("conversations", ascending=False)


def evaluate(
    names: list[str], df: pd.DataFrame, clusters: list[int], category_vectors: np.ndarray, embed: object
) -> dict[str, Any]:
    stop = stopwords()
    with_stop = [
        f"{n} {[w for w in segment_words(n) if w in stop]}"
        for n in names
        if any(w in stop for w in segment_words(n))
    ]
    lowered = [n.lower() for n in names]
    dup = sum(lowered.count(n) > 1 for n in lowered)
    vectors = embed(names)  # type: ignore[operator]
    majority = [df.loc[df["cluster"] == c, "category"].mode().iloc[0] for c in clusters]
    sizes = np.array([(df["cluster"] == c).sum() for c in clusters])
    cats = sorted(df["category"].unique())
    tax = load_taxonomy().categories.set_index("category")
    order = [c for c in tax.index if c in cats]
    nearest = [
        order[i]
        for i in np.argmax(vectors @ category_vectors[[list(tax.index).index(c) for c in order]].T, 1)
    ]
    hit = np.array([a == b for a, b in zip(nearest, majority, strict=True)])
    return {
        "stopword_share": len(with_stop) / len(names),
        "duplicate_share": dup / len(names),
        "category_acc": float(hit.mean()),
        "category_acc_weighted": float((hit * sizes).sum() / sizes.sum()),
        "examples_with_stop": " | ".join(with_stop[:3]),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--languages", default=LANGUAGES)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--run-dir", type=Path, default=Path("/tmp/bench_names"))
    parser.add_argument(
        "--variants", nargs="?", const="all", default="", help="also try settings (all, quick)"
    )
    parser.add_argument("--task-n", type=int, default=10000, help="conversations for the task-label check")
    args = parser.parse_args()

    t0 = time.perf_counter()
    df, X, min_users = load_run(args.n, args.languages.split(","), args.seed, args.run_dir)
    print(
        f"run: {len(df)} conversations, {df['cluster'].nunique()} base clusters, min_users={min_users}"
        f" ({time.perf_counter() - t0:.0f} s)"
    )
    embedder = get_embedder()

    def embed(texts: list[str]) -> np.ndarray:
        return embedder.embed(texts, progress=False)

    labels = df["cluster"].to_numpy()
    clusters = sorted(int(c) for c in np.unique(labels))
    centres = np.stack([X[labels == c].mean(0) for c in range(max(clusters) + 1)])
    centres /= np.maximum(np.linalg.norm(centres, axis=1, keepdims=True), 1e-12)
    texts = df["request"].fillna("").astype(str).tolist()
    users = df["user_id"].astype(str).tolist()
    tasks = df["task"].fillna("").astype(str).tolist()
    tax = load_taxonomy().categories
    category_vectors = embed(tax["category_name"].tolist())

    # centroid reference: the centroid's nearest category name
    cats = sorted(df["category"].unique())
    idx = [list(tax["category"]).index(c) for c in cats]
    near = [cats[i] for i in np.argmax(centres[clusters] @ category_vectors[idx].T, 1)]
    majority = [df.loc[df["cluster"] == c, "category"].mode().iloc[0] for c in clusters]
    sizes = np.array([(labels == c).sum() for c in clusters])
    hit = np.array([a == b for a, b in zip(near, majority, strict=True)])
    print(f"centroids → category: {hit.mean():.3f} (weighted {(hit * sizes).sum() / sizes.sum():.3f})")

    def view(keywords: dict[int, list[tuple[str, float]]]) -> NamingInput:
        return NamingInput(texts, tasks, labels, X, centres, keywords, NameConfig(), args.seed)

    results = {}
    t = time.perf_counter()
    keywords = cluster_keywords(texts, labels, users, min_users, NameConfig().n_keywords)
    kw_names = [a[0] for a in KeywordNamer().name(view(keywords), clusters, None, False)]  # type: ignore[index,arg-type]
    results["KeywordNamer"] = (kw_names, time.perf_counter() - t, float("nan"))

    configs: dict[str, dict[str, Any]] = {"PhraseNamer": {}}
    if args.variants == "quick":
        configs |= {"candidates=15": {"n_candidates": 15}}
    elif args.variants:
        configs |= {
            "diversity=0": {"diversity": 0.0},
            "diversity=0.1": {"diversity": 0.1},
            "diversity=0.3": {"diversity": 0.3},
            "diversity=0.5": {"diversity": 0.5},
            "contrast=0": {"contrast": 0.0},
            "contrast=0.5": {"contrast": 0.5},
            "candidates=15": {"n_candidates": 15},
            "candidates=60": {"n_candidates": 60},
            "phrases=3": {"n_phrases": 3},
        }
    for label, kwargs in configs.items():
        namer = PhraseNamer(embed, users=users, min_users=min_users, **kwargs)
        t = time.perf_counter()
        out = namer.name(view({}), clusters, None, False)  # type: ignore[arg-type]
        cold = time.perf_counter() - t
        t = time.perf_counter()
        out = namer.name(view({}), clusters, None, False)  # type: ignore[arg-type]
        results[label] = ([a[0] for a in out], time.perf_counter() - t, cold)  # type: ignore[index]
        if label == "PhraseNamer":
            descriptions = [a[1] for a in out]  # type: ignore[index]

    print(
        f"\n{'namer':<16} {'stop words':>10} {'duplicates':>10} {'→category':>10} {'weighted':>9}"
        f" {'s/1k':>6} {'s/1k cold':>9}"
    )
    for label, (names, seconds, cold) in results.items():
        m = evaluate(names, df, clusters, category_vectors, embed)
        print(
            f"{label:<16} {m['stopword_share']:>10.3f} {m['duplicate_share']:>10.3f}"
            f" {m['category_acc']:>10.3f} {m['category_acc_weighted']:>9.3f}"
            f" {1000 * seconds / len(df):>6.2f} {1000 * cold / len(df):>9.2f}"
        )
        if m["examples_with_stop"]:
            print(f"{'':<16} e.g. {m['examples_with_stop']}")

    print("\nten largest clusters (majority category: KeywordNamer | PhraseNamer)")
    for i in np.argsort(-sizes, kind="stable")[:10]:
        keyword, phrase = results["KeywordNamer"][0][i], results["PhraseNamer"][0][i]
        print(f"  {sizes[i]:>4} {majority[i]:<14} {keyword}  |  {phrase}")
    print(f"  e.g. description: {descriptions[int(np.argmax(sizes))]}")

    rel = task_reliability(df)
    if args.task_n:
        from cliokit.config import FacetsConfig
        from cliokit.offline import OfflineFacets

        big = generate(args.task_n, args.languages.split(","), seed=args.seed + 1, progress=False)
        facets = OfflineFacets().extract(big.conversations, FacetsConfig(), None, False)  # type: ignore[arg-type]
        rel = task_reliability(big.labels.assign(task=[f["task"] for f in facets]))  # type: ignore[index]
    print(
        "\noffline task label vs the task the synthetic subtopic implies "
        f"({args.task_n or len(df)} conversations)"
    )
    print(rel.to_string(index=False, float_format=lambda v: f"{v:.2f}"))
    reliable = set(rel.loc[(rel["checkable"] >= 30) & (rel["precision"] >= 0.8), "task"])
    print(f"reliable (precision >= 0.80 on >= 30 checkable): {sorted(reliable)}")
    # per cluster: a dominant label (>= 50%), right when the cluster's majority subtopic implies it
    rows = []
    for c in clusters:
        part = df[df["cluster"] == c]
        top = part["task"].value_counts()
        top = top[top.index != "other"]
        if top.empty or top.iloc[0] / len(part) < 0.5:
            continue
        sub = part["subtopic"].mode().iloc[0]
        rows.append(
            {
                "task": top.index[0],
                "checkable": sub in IMPLIED,
                "right": top.index[0] in IMPLIED.get(sub, set()),
            }
        )
    per = pd.DataFrame(rows)
    if len(per):
        chk = per[per["checkable"]]
        print(
            f"clusters with a dominant task label (>= 50%): {len(per)} of {len(clusters)}; "
            f"checkable {len(chk)}, right {chk['right'].mean() if len(chk) else float('nan'):.2f}"
        )
        print(per.groupby("task").agg(n=("right", "size"), right=("right", "mean")).to_string())


if __name__ == "__main__":
    main()
