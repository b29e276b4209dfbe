"""Speed of the facets stage's scrub + offline facets on the longest public conversations, before and after.

Usage::

    git worktree add /tmp/before <commit>        # the code to compare against
    python bench/bench_facets_speed.py --baseline /tmp/before [--n 2000] [--workers 1 2] [--repeats 2]
    git worktree remove /tmp/before

Takes the ``--n`` longest conversations (by characters) of HH-RLHF harmless-base test (``chosen``),
OpenAssistant oasst1 (English validation) and Arena-Hard v0.1 + v2.0, read in place from
``../shared/external_data``. Each measurement runs in a fresh process, after a warm-up on a few
conversations (Presidio's import and engine, py3langid's model and the lexicons are one-time costs,
left out of every variant alike): ``before`` runs what the baseline checkout's facets stage runs
(``scrub_conversations`` then ``extract_facets`` with ``OfflineFacets``), ``after`` runs
``cliokit.facets.scrub_and_extract`` with each ``--workers``. Variants are interleaved and each
keeps the fastest of ``--repeats`` runs. It prints wall seconds, CPU seconds (the process and its
workers), characters per wall second, the ratio to ``before``, and whether each variant's facets,
scrubbed messages and span counts are identical to ``before``'s (and to ``after`` with 1 worker).

The machine is shared: the CPU column shows what the wall column cost, and a loaded machine
lowers the gain from more workers. When the data are absent the script says so and exits 0.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pickle
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
EXTERNAL = REPO.parent / "shared" / "external_data"


def load_longest(data: Path, n: int) -> Any:
    """The ``n`` longest conversations of HH-RLHF, oasst1 and Arena-Hard (longest first)."""
    import pandas as pd

    from cliokit import datasets

    sys.path.insert(0, str(REPO / "bench"))
    import _quality_data as qd

    frames = [
        datasets.load_hh_rlhf(data / datasets.HH_RLHF_FILE).conversations,
        datasets.load_oasst(data / datasets.OASST_FILE).conversations,
    ]
    for version in ("v0.1", "v2.0"):
        arena = qd.load_arena(data, version)
        frames.append(arena.assign(user_id=arena["conversation_id"]))
    convs = pd.concat([f[["conversation_id", "user_id", "messages"]] for f in frames], ignore_index=True)
    chars = convs["messages"].map(lambda ms: sum(len(m["content"] or "") for m in ms))
    order = chars.sort_values(ascending=False, kind="stable").index[:n]
    return convs.loc[order].reset_index(drop=True)


def digest(facets: Any, scrubbed: Any, counts: dict[str, int]) -> str:
    """One hash of the facets table, the scrubbed messages and the span counts."""
    h = hashlib.sha256(facets.to_json(orient="records", force_ascii=False).encode())
    h.update(json.dumps([list(m) for m in scrubbed["messages"]], ensure_ascii=False).encode())
    h.update(json.dumps(counts, sort_keys=False).encode())
    return h.hexdigest()[:16]


def child(data_file: str, workers: int) -> None:
    """Time one variant in this process (cliokit comes from ``PYTHONPATH``) and print a JSON line."""
    from cliokit import facets as facets_stage
    from cliokit.backends.calls import StageUsage
    from cliokit.config import FacetsConfig, ScrubConfig
    from cliokit.offline import OfflineFacets
    from cliokit.scrub import scrub_conversations

    convs = pickle.loads(Path(data_file).read_bytes())
    cfg = FacetsConfig()
    new = hasattr(facets_stage, "scrub_and_extract")

    def run(frame: Any) -> tuple[Any, Any, dict[str, int]]:
        if new:
            return facets_stage.scrub_and_extract(
                frame,
                OfflineFacets(),
                cfg,
                StageUsage(),
                scrub=ScrubConfig(),
                workers=workers,
                progress=False,
            )
        scrubbed, counts = scrub_conversations(frame, progress=False)
        return (
            facets_stage.extract_facets(scrubbed, OfflineFacets(), cfg, StageUsage(), progress=False),
            scrubbed,
            counts,
        )

    run(convs.tail(8))  # warm-up: imports, engine, language model, lexicons
    cpu0 = time.process_time()
    kids0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    facets, scrubbed, counts = run(convs)
    wall = time.perf_counter() - t0
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = time.process_time() - cpu0 + (kids.ru_utime - kids0.ru_utime) + (kids.ru_stime - kids0.ru_stime)
    print(json.dumps({"wall": wall, "cpu": cpu, "digest": digest(facets, scrubbed, counts)}))


def measure(tree: Path, data_file: str, workers: int) -> dict[str, Any]:
    """Run :func:`child` in a fresh interpreter with ``tree`` first on the path."""
    env = {**os.environ, "PYTHONPATH": str(tree), "CLIOKIT_DISABLE_PROGRESS_BARS": "1"}
    cmd = [sys.executable, __file__, "--child", data_file, "--workers", str(workers)]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=EXTERNAL, help="the external_data folder")
    parser.add_argument("--n", type=int, default=2000, help="how many of the longest conversations")
    parser.add_argument("--baseline", type=Path, help="a checkout of the code to compare against")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.workers[0])
        return 0
    if not all((args.data / d).exists() for d in ("hh_rlhf", "oasst1_en_validation", "arena_hard")):
        print(f"bench_facets_speed: HH-RLHF, oasst1 or Arena-Hard missing under {args.data}; nothing to do.")
        return 0
    convs = load_longest(args.data, args.n)
    chars = int(convs["messages"].map(lambda ms: sum(len(m["content"] or "") for m in ms)).sum())
    print(f"{len(convs)} longest conversations: {chars:,} characters, {chars / len(convs):,.0f} each")
    variants = [(f"after, {w} worker{'s' * (w > 1)}", REPO, w) for w in args.workers]
    if args.baseline:
        variants.insert(0, ("before", args.baseline.resolve(), 1))
    best: dict[str, dict[str, Any]] = {}
    with tempfile.NamedTemporaryFile(suffix=".pkl") as tmp:
        tmp.write(pickle.dumps(convs))
        tmp.flush()
        for _ in range(args.repeats):
            for name, tree, workers in variants:
                got = measure(tree, tmp.name, workers)
                if name not in best or got["wall"] < best[name]["wall"]:
                    best[name] = got
    ref = best[variants[0][0]]
    print(f"\n{'variant':<18}{'wall s':>8}{'CPU s':>8}{'chars/s':>11}{'× first':>9}  identical to first")
    for name, _, _ in variants:
        got = best[name]
        same = "yes" if got["digest"] == ref["digest"] else "NO"
        print(
            f"{name:<18}{got['wall']:>8.2f}{got['cpu']:>8.2f}{chars / got['wall']:>11,.0f}"
            f"{ref['wall'] / got['wall']:>9.2f}  {same}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
