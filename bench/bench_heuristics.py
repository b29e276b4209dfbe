"""Benchmark the offline facet heuristics in cliokit.heuristics on public data.

Usage::

    python bench/bench_heuristics.py [--data PATH]

Reports:

1. language identification (:func:`cliokit.heuristics.detect_language`) on the xSID 0.7 test
   sets: accuracy per language, the most common wrong answers, and texts per second;
2. the concern score (:func:`cliokit.heuristics.concern_score`) on the user turns of HH-RLHF
   harmless-base test (crowdworkers red-teaming an assistant) against the first user turns of
   OpenAssistant oasst1 English validation (ordinary requests): the share of each score 1-5 in
   each set, and the terms most often behind a score above 1 (Arena-Hard's first prompts, when
   present, are a further set of ordinary requests, many of them long and some fiction);
3. the task label distribution (:func:`cliokit.heuristics.extract_task`) on the oasst1 prompts,
   as a sanity check.

The data sets are read in place (``../shared/external_data`` relative to the repository root by
default) and never copied. When the folder is absent the script says so and exits 0.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from cliokit.offline import heuristics  # noqa: E402

DEFAULT_DATA = REPO.parent / "shared" / "external_data"
XSID_LANGS = ("en", "de", "da", "it", "nl", "id", "tr", "zh", "ja", "ar", "sr", "kk", "lt")
_TEXT_HEADER = re.compile(r"^# text\s*[:=][ \t]*(.*)$", re.M)
_TURN = re.compile(r"\n\n(Human|Assistant): ")

Messages = list[dict[str, str]]


def xsid_texts(path: Path) -> list[str]:
    """The ``# text`` of every CoNLL block in ``path`` (``# text: ...`` or ``# text = ...``)."""
    texts = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        m = _TEXT_HEADER.search(block)
        if m and m.group(1).strip():
            texts.append(m.group(1).strip())
    return texts


def parse_transcript(transcript: str) -> Messages:
    """Split an HH-RLHF transcript (``\\n\\nHuman: ...\\n\\nAssistant: ...``) into messages."""
    parts = _TURN.split(transcript)
    messages = []
    for speaker, text in zip(parts[1::2], parts[2::2], strict=True):
        role = "user" if speaker == "Human" else "assistant"
        messages.append({"role": role, "content": text.strip()})
    return messages


def hh_conversations(path: Path) -> Iterator[Messages]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            yield parse_transcript(json.loads(line)["chosen"])


def oasst_prompts(path: Path) -> Iterator[Messages]:
    with path.open(encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            if row["role"] == "prompter" and row["parent_id"] is None:
                yield [{"role": "user", "content": row["text"]}]


def arena_prompts(folder: Path) -> Iterator[Messages]:
    for path in sorted(folder.glob("*.jsonl")):
        with path.open(encoding="utf-8") as f:
            for line in f:
                row = json.loads(line)
                text = row.get("prompt") or (row.get("turns") or [{}])[0].get("content")
                if text:
                    yield [{"role": "user", "content": text}]


def bench_language(data: Path) -> None:
    print("\n## Language identification on xSID 0.7 test sets\n")
    heuristics.detect_language("warm up the identifier")
    print(f"{'lang':<6}{'n':>6}{'accuracy':>10}   most common wrong answers")
    total_n = total_ok = 0
    total_s = 0.0
    for lang in XSID_LANGS:
        path = data / "xsid" / f"{lang}.test.conll"
        if not path.exists():
            print(f"{lang:<6}   (missing {path.name})")
            continue
        texts = xsid_texts(path)
        start = time.perf_counter()
        predicted = [heuristics.detect_language(t) for t in texts]
        total_s += time.perf_counter() - start
        ok = sum(p == lang for p in predicted)
        wrong = Counter(p for p in predicted if p != lang).most_common(3)
        total_n += len(texts)
        total_ok += ok
        wrong_s = ", ".join(f"{p} {c}" for p, c in wrong)
        print(f"{lang:<6}{len(texts):>6}{ok / len(texts):>10.3f}   {wrong_s}")
    if total_n:
        print(f"{'all':<6}{total_n:>6}{total_ok / total_n:>10.3f}")
        print(f"\nthroughput: {total_n / total_s:,.0f} texts/s (one core, identifier already loaded)")


def score_shares(conversations: list[Messages]) -> tuple[list[float], Counter[str], float]:
    counts: Counter[int] = Counter()
    terms: Counter[str] = Counter()
    start = time.perf_counter()
    for messages in conversations:
        score, matched = heuristics.concern_score(messages)
        counts[score] += 1
        terms.update(matched)
    elapsed = time.perf_counter() - start
    n = max(1, len(conversations))
    return [counts[s] / n for s in range(1, 6)], terms, len(conversations) / elapsed


def bench_concern(data: Path) -> None:
    print("\n## Concern score: HH-RLHF harmless-base test vs oasst1 English first prompts\n")
    hh_path = data / "hh_rlhf" / "harmless-base_test.jsonl.gz"
    oa_path = data / "oasst1_en_validation" / "en-validation.jsonl"
    sets = {}
    if hh_path.exists():
        hh = list(hh_conversations(hh_path))
        sets["hh-rlhf harmless (red team)"] = hh
        # The other sets are single first prompts: this row compares like with like.
        sets["hh-rlhf, first user turn only"] = [[m for m in c if m["role"] == "user"][:1] for c in hh]
    if oa_path.exists():
        sets["oasst1 en (ordinary)"] = list(oasst_prompts(oa_path))
    if (data / "arena_hard").exists():
        sets["arena-hard (ordinary, extra)"] = list(arena_prompts(data / "arena_hard"))
    if not sets:
        print("(neither data set found)")
        return
    results = {name: score_shares(convs) for name, convs in sets.items()}
    header = "".join(f"{f'score {s}':>10}" for s in range(1, 6))
    print(f"{'set':<30}{'n':>6}{header}{'>=3':>8}{'conv/s':>9}")
    for name, (shares, _, rate) in results.items():
        row = "".join(f"{x:>10.3f}" for x in shares)
        print(f"{name:<30}{len(sets[name]):>6}{row}{sum(shares[2:]):>8.3f}{rate:>9,.0f}")
    for name, (_, terms, _) in results.items():
        top = ", ".join(f"{t} {c}" for t, c in terms.most_common(15))
        print(f"\ntop terms, {name}: {top}")


def bench_task(data: Path) -> None:
    oa_path = data / "oasst1_en_validation" / "en-validation.jsonl"
    if not oa_path.exists():
        return
    print("\n## Task labels on oasst1 English first prompts\n")
    prompts = list(oasst_prompts(oa_path))
    labels = Counter(heuristics.extract_task(m) for m in prompts)
    for label, count in labels.most_common():
        print(f"{label:<28}{count:>5}{count / len(prompts):>8.3f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the external_data folder")
    args = parser.parse_args(argv)
    if not args.data.exists():
        print(f"{args.data} not found: the benchmark needs the shared external data; skipping.")
        return 0
    print(f"cliokit.heuristics, lexicon version {heuristics.LEXICON_VERSION}")
    bench_language(args.data)
    bench_concern(args.data)
    bench_task(args.data)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
