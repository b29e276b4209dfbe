"""Offline cluster names on public labelled sets: do the names say what the clusters hold?

For HWU64 and SLURP (``../shared/external_data``), each utterance becomes a one-turn conversation
with its own pseudo-user and the offline pipeline runs once (defaults, ``project.method="pca"``).
The base clusters are then renamed, reusing facets, embeddings and clusters, by each namer below.
For every namer the base clusters are mapped to the data set's labels (scenarios, and intents)
by embedding ``"name. description"`` beside each label's words (``alarm_set`` -> ``alarm set``),
nearest label wins (:func:`cliokit.evals.mapping.map_clusters_to_categories`); the score is the
share of utterances whose cluster maps to their own label. The same mapping from the clusters'
centroids (names left out) is the ceiling the names are measured against, and the share of
names holding a stop word is printed beside it.

    python bench/bench_names_public.py                  # HWU64 + SLURP, ~10 min on 2 cores
    python bench/bench_names_public.py --only hwu64 --limit 3000
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _quality_data as qd  # noqa: E402

from cliokit.config import Config  # noqa: E402
from cliokit.embedders import get_embedder  # noqa: E402
from cliokit.evals.mapping import map_clusters_by_centroid, map_clusters_to_categories  # noqa: E402
from cliokit.offline import KeywordNamer  # noqa: E402
from cliokit.offline.naming import PhraseNamer  # noqa: E402
from cliokit.pipeline import run  # noqa: E402
from cliokit.text import segment_words, stopwords  # noqa: E402


def label_words(label: str) -> str:
    """``alarm_set`` / ``alarm/set_alarm`` -> ``alarm set`` / ``alarm set alarm``."""
    return " ".join(label.replace("/", " ").replace("_", " ").replace("-", " ").split())


def score(mapping: pd.Series, assigned: pd.Series, truth: pd.Series) -> float:
    """Share of conversations whose cluster maps to their own label (no cluster: wrong)."""
    got = assigned.map(mapping)
    return float((got.astype(object) == truth.astype(object)).mean())


def stop_share(names: list[str]) -> float:
    stops = stopwords()
    bad = [n for n in names if any(w in stops for w in segment_words(n))]
    return len(bad) / max(1, len(names))


def namers(embed_model: str) -> dict[str, Any]:
    emb = get_embedder(embed_model)

    def phrases(contrast: float) -> PhraseNamer:
        return PhraseNamer(lambda t: emb.embed(t, progress=False), emb.fingerprint, contrast=contrast)

    return {
        "keywords": KeywordNamer(),
        "phrases, contrast 0": phrases(0.0),
        "phrases, contrast 0.5": phrases(0.5),
        "phrases, contrast 1": phrases(1.0),
    }


def measure(name: str, df: pd.DataFrame, root: Path) -> list[dict[str, Any]]:
    cfg = Config().replace(progress=False, project={"method": "pca"})
    convs = qd.as_conversations(df, name)
    truth = {
        "intent": pd.Series(df["fine"].to_numpy(), index=convs["conversation_id"]),
        "scenario": pd.Series(df["coarse"].to_numpy(), index=convs["conversation_id"]),
    }
    emb = get_embedder(cfg.embed.model)
    rows = []
    for namer_name, namer in namers(cfg.embed.model).items():
        t = time.time()
        res = run(convs, cfg, out=root / name, namer=namer)
        seconds = time.time() - t
        base = res.clusters[res.clusters["level"] == 0].reset_index(drop=True)
        assigned = res.assignments.set_index("conversation_id")["level_0"]
        x = np.load(root / name / "embeddings.npy")
        for target, labels in truth.items():
            cats = pd.DataFrame({"category": sorted(labels.unique())})
            cats["category_name"] = cats["category"].map(label_words)
            by_name = map_clusters_to_categories(base, cats, embedder=emb)
            by_centroid = map_clusters_by_centroid(
                x,
                assigned.reindex(res.assignments["conversation_id"]).to_numpy(),
                cats,
                emb,
                exclude=base.loc[base["suppressed"], "cluster_id"].tolist(),
            )
            rows.append(
                {
                    "set": name,
                    "namer": namer_name,
                    "target": target,
                    "names": round(score(by_name, assigned, labels.reindex(assigned.index)), 3),
                    "centroids": round(score(by_centroid, assigned, labels.reindex(assigned.index)), 3),
                    "stop-word names": round(stop_share(base["name"].dropna().astype(str).tolist()), 3),
                    "seconds": round(seconds, 1),
                }
            )
        print(pd.DataFrame(rows[-2:]).to_string(index=False), flush=True)
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=qd.DEFAULT_DATA)
    ap.add_argument("--only", default="hwu64,slurp")
    ap.add_argument("--limit", type=int, default=0, help="at most this many utterances per set (seeded)")
    args = ap.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.only.split(","):
            try:
                df = qd.LABELLED[name](args.data)
            except FileNotFoundError as e:
                print(f"skip {name}: {e} not found")
                continue
            if args.limit and len(df) > args.limit:
                df = df.sample(args.limit, random_state=0).reset_index(drop=True)
            rows += measure(name, df, Path(tmp))
    if rows:
        print(pd.DataFrame(rows).to_string(index=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
