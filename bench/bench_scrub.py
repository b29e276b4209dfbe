"""Benchmark cliokit.scrub on Presidio-research's synthetic PII set.

Usage::

    python bench/bench_scrub.py [--data PATH] [--thresholds 0.0 0.3 0.5] [--limit N]

Reports, per score threshold:

* recall per structured entity type: a planted span counts as caught when at least 90% of its
  characters are covered by found spans (of any type);
* character precision: the share of scrubbed characters that fall inside an annotated span of
  any type (names and addresses included, since the set annotates them);
* throughput in characters per second on one core.

If the Arena-Hard prompts are present (``--fp-data``), it also counts what fires on them per
threshold: real prompts, much of them code, where little of what is found is real PII.

It also times CJK-glued cases (identifiers from the set glued to Chinese/Japanese/Korean text
with no spaces) and reports their recall with and without the padding step.

The data set is read in place (``../shared/external_data/presidio_synth/synth_dataset_v2.json``
relative to the repository root by default) and never copied. When it is absent the script
says so and exits 0.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from cliokit import scrub  # noqa: E402

EXTERNAL = REPO.parent / "shared" / "external_data"
DEFAULT_DATA = EXTERNAL / "presidio_synth" / "synth_dataset_v2.json"
# Real user prompts, much of them code, with no planted PII: what fires there is mostly noise.
DEFAULT_FP_DATA = EXTERNAL / "arena_hard" / "arena-hard-v2.0_question.jsonl"
TYPES = ("EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "IBAN_CODE", "US_SSN", "IP_ADDRESS")
GLUE = (
    ("请发邮件到", "谢谢"),
    ("電話番号は", "です"),
    ("연락처는", "입니다"),
    ("我的账号", "，请查收。"),
)

Record = dict
Finder = Callable[[str], list[tuple[int, int]]]


def covered(a: int, b: int, found: Sequence[tuple[int, int]]) -> int:
    """Characters of [a, b) covered by the union of ``found``."""
    marks = bytearray(b - a)
    for s, e in found:
        for i in range(max(s, a), min(e, b)):
            marks[i - a] = 1
    return sum(marks)


def evaluate(records: Sequence[Record], finder: Finder) -> tuple[dict[str, tuple[int, int]], float, float]:
    """Recall per type, character precision and chars/s of ``finder`` over ``records``."""
    hits = {t: [0, 0] for t in TYPES}
    scrubbed = inside = 0
    elapsed = 0.0
    for rec in records:
        text = rec["full_text"]
        t0 = time.perf_counter()
        found = finder(text)
        elapsed += time.perf_counter() - t0
        gold = [(s["start_position"], s["end_position"]) for s in rec["spans"]]
        for s in rec["spans"]:
            if s["entity_type"] in hits:
                a, b = s["start_position"], s["end_position"]
                hits[s["entity_type"]][1] += 1
                hits[s["entity_type"]][0] += covered(a, b, found) >= 0.9 * (b - a)
        for s, e in found:
            scrubbed += e - s
            inside += covered(s, e, gold)
    chars = sum(len(r["full_text"]) for r in records)
    precision = inside / scrubbed if scrubbed else float("nan")
    return {t: (h[0], h[1]) for t, h in hits.items()}, precision, chars / elapsed if elapsed else float("inf")


def glued_records(records: Sequence[Record]) -> list[Record]:
    """Identifiers of the structured types glued to CJK text on both sides."""
    out = []
    k = 0
    for rec in records:
        for s in rec["spans"]:
            if s["entity_type"] not in TYPES:
                continue
            left, right = GLUE[k % len(GLUE)]
            k += 1
            value = s["entity_value"]
            out.append(
                {
                    "full_text": f"{left}{value}{right}",
                    "spans": [
                        {
                            "entity_type": s["entity_type"],
                            "start_position": len(left),
                            "end_position": len(left) + len(value),
                        }
                    ],
                }
            )
    return out


def finder_at(threshold: float) -> Finder:
    def find(text: str) -> list[tuple[int, int]]:
        return [(s.start, s.end) for s in scrub.find_pii(text, threshold=threshold)]

    return find


def unpadded_finder(threshold: float) -> Finder:
    """The same engine on the raw text, without the CJK padding step (for comparison)."""
    engine = scrub._engine(tuple(sorted(scrub.DEFAULT_ENTITIES)))

    def find(text: str) -> list[tuple[int, int]]:
        res = engine.analyze(text, language="en", score_threshold=threshold)
        return [(r.start, r.end) for r in res]

    return find


def fmt_recall(hits: dict[str, tuple[int, int]]) -> list[str]:
    return [f"{h}/{n} {h / n:.2f}" if n else "-" for h, n in (hits[t] for t in TYPES)]


def print_table(rows: list[list[str]], header: list[str]) -> None:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    line = "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))
    print(line)
    print("-" * len(line))
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="synth_dataset_v2.json path")
    parser.add_argument("--thresholds", type=float, nargs="+", default=[0.0, 0.3, 0.5])
    parser.add_argument("--limit", type=int, default=None, help="use only the first N records")
    parser.add_argument("--fp-data", type=Path, default=DEFAULT_FP_DATA, help="JSONL of prompts without PII")
    args = parser.parse_args(argv)

    if not args.data.exists():
        print(f"bench_scrub: data set not found at {args.data}; nothing to measure (pass --data PATH).")
        return 0
    records = json.loads(args.data.read_text(encoding="utf-8"))[: args.limit]
    chars = sum(len(r["full_text"]) for r in records)
    print(f"{args.data.name}: {len(records)} records, {chars} chars")

    t0 = time.perf_counter()
    scrub.find_pii("warm-up a@example.com 1")
    print(f"engine build (incl. Presidio import): {time.perf_counter() - t0:.2f} s\n")

    header = ["threshold", *(t.replace("_ADDRESS", "").replace("_NUMBER", "") for t in TYPES)]
    header += ["char prec", "chars/s"]
    rows = []
    for thr in args.thresholds:
        hits, precision, speed = evaluate(records, finder_at(thr))
        rows.append([f"{thr:.1f}", *fmt_recall(hits), f"{precision:.3f}", f"{speed:,.0f}"])
    print("Recall (caught/planted), character precision and throughput on the synthetic set")
    print_table(rows, header)

    glued = glued_records(records)
    thr = scrub.DEFAULT_THRESHOLD
    rows = []
    for name, finder in (("padded (find_pii)", finder_at(thr)), ("raw Presidio", unpadded_finder(thr))):
        hits, precision, speed = evaluate(glued, finder)
        rows.append([name, *fmt_recall(hits), f"{speed:,.0f}"])
    print(f"\nCJK-glued identifiers ({len(glued)} texts, threshold {thr})")
    print_table(rows, ["variant", *header[1:-2], "chars/s"])

    if args.fp_data.exists():
        prompts = [json.loads(line)["prompt"] for line in args.fp_data.open(encoding="utf-8")]
        n_chars = sum(len(p) for p in prompts)
        kinds = sorted(scrub.DEFAULT_ENTITIES)
        rows = []
        for thr in args.thresholds:
            found = Counter(s.entity_type for p in prompts for s in scrub.find_pii(p, threshold=thr))
            rows.append([f"{thr:.1f}", *(str(found[k]) for k in kinds), str(sum(found.values()))])
        print(f"\nSpans found in {args.fp_data.name} ({len(prompts)} prompts, {n_chars} chars, unannotated)")
        print_table(rows, ["threshold", *kinds, "total"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
