"""Time each pipeline stage on generated conversations with the offline backend.

    python bench/bench_pipeline.py --n 10000 100000 [--embedder use-multilingual] [--projection umap]

Prints wall time and peak RSS per stage (Linux: the peak is reset before each stage; the UMAP
projection runs in a background thread from the embed stage on, so its memory and CPU overlap the
cluster, name and hierarchy stages). Each size runs in its own subprocess. Conversations are generated from 40
topics × 5 languages of short templated requests: enough to exercise every stage at scale, not a
quality benchmark (see evals/ for that).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cliokit.config import DEFAULT_EMBEDDER

SUBJECTS = [
    "python script",
    "sql query",
    "react component",
    "bash command",
    "excel formula",
    "cover letter",
    "wedding speech",
    "birthday poem",
    "product description",
    "research abstract",
    "lasagna recipe",
    "bread dough",
    "meal plan",
    "vegan curry",
    "marathon training",
    "knee pain",
    "sleep schedule",
    "protein intake",
    "tax return",
    "monthly budget",
    "index funds",
    "mortgage rate",
    "trip to japan",
    "visa application",
    "packing list",
    "train tickets",
    "algebra homework",
    "statistics exam",
    "physics problem",
    "chemistry lab",
    "spanish grammar",
    "french vocabulary",
    "german translation",
    "job interview",
    "salary negotiation",
    "team meeting",
    "garden tomatoes",
    "dog training",
    "car repair",
    "apartment lease",
]
TEMPLATES = {
    "en": [
        "Can you help me with my {s}? I am stuck.",
        "How do I improve this {s} quickly?",
        "Please explain the best way to handle a {s}.",
        "Write a short draft about my {s}.",
    ],
    "es": ["¿Puedes ayudarme con mi {s}? Estoy atascado.", "¿Cómo mejoro este {s} rápidamente?"],
    "fr": ["Peux-tu m'aider avec mon {s} ? Je bloque.", "Comment améliorer ce {s} rapidement ?"],
    "de": ["Kannst du mir bei meinem {s} helfen?", "Wie verbessere ich dieses {s} schnell?"],
    "ja": ["{s}について手伝ってもらえますか?", "この{s}をすぐに改善するにはどうすればいいですか?"],
}


DETAILS = {
    "en": "It is for my {who} and it is due in {d} days, about {x} pages.",
    "es": "Es para mi {who} y lo necesito en {d} días, unas {x} páginas.",
    "fr": "C'est pour mon {who} et c'est pour dans {d} jours, environ {x} pages.",
    "de": "Es ist für meinen {who} und muss in {d} Tagen fertig sein, etwa {x} Seiten.",
    "ja": "{who}のためで、{d}日後までに約{x}ページ必要です。",
}
WHO = ["boss", "teacher", "sister", "client", "team", "landlord", "coach", "friend", "neighbour", "doctor"]


def generate(n: int, seed: int = 0) -> list[dict]:
    """Mostly unique short requests (subject × template × detail), several per user."""
    rng = random.Random(seed)
    langs = list(TEMPLATES)
    n_users = max(10, n // 4)
    out = []
    for i in range(n):
        subject = SUBJECTS[rng.randrange(len(SUBJECTS))]
        lang = langs[rng.randrange(len(langs))]
        detail = DETAILS[lang].format(who=rng.choice(WHO), d=rng.randint(2, 60), x=rng.randint(1, 40))
        text = rng.choice(TEMPLATES[lang]).format(s=subject) + " " + detail
        if rng.random() < 0.02:
            text += f" Contact me at user{i}@example.com."
        messages = [{"role": "user", "content": text}, {"role": "assistant", "content": "Here is some help."}]
        out.append({"id": f"b{i}", "user_id": f"u{rng.randrange(n_users)}", "messages": messages})
    return out


def one_size(n: int, embedder: str, projection: str) -> dict:
    import cliokit

    tmp = Path(tempfile.mkdtemp(prefix="cliokit-bench-"))
    path = tmp / "in.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in generate(n)), encoding="utf-8")
    start = time.perf_counter()
    result = cliokit.run(
        path, out=tmp / "run", embedder=embedder, project={"method": projection}, progress=False
    )
    total = time.perf_counter() - start
    m = result.manifest
    stages = {"load": {"seconds": m["resolved"]["load"]["seconds"], "peak_rss_mb": None}}
    stages.update(
        {k: {"seconds": v["seconds"], "peak_rss_mb": v["peak_rss_mb"]} for k, v in m["stages"].items()}
    )
    return {"n": n, "total_s": round(total, 1), "stages": stages, "counts": m["counts"]}


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--n", type=int, nargs="+", default=[10_000, 100_000])
    p.add_argument("--embedder", default=DEFAULT_EMBEDDER)
    p.add_argument("--projection", default="umap")
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        print(json.dumps(one_size(args.n[0], args.embedder, args.projection)))
        return
    env = dict(os.environ, CLIOKIT_DISABLE_PROGRESS_BARS="1")
    for n in args.n:
        proc = subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                "--n",
                str(n),
                "--embedder",
                args.embedder,
                "--projection",
                args.projection,
            ],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        if proc.returncode != 0:
            print(proc.stderr[-3000:], file=sys.stderr)
            raise SystemExit(proc.returncode)
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        c = r["counts"]
        print(
            f"\n== {n} conversations ({args.embedder}, {args.projection}): total {r['total_s']} s; "
            f"{c['clusters']} clusters in {c['levels']} levels, {c['clusters_suppressed']} suppressed"
        )
        print(f"{'stage':<10} {'wall s':>9} {'peak RSS MB':>12}")
        for name, s in r["stages"].items():
            peak = "-" if s["peak_rss_mb"] is None else s["peak_rss_mb"]
            print(f"{name:<10} {s['seconds']:>9.2f} {peak:>12}")


if __name__ == "__main__":
    main()
