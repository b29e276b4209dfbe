#!/usr/bin/env python
"""Generate cliokit's bundled example dataset with cliokit's own synthetic generator.

Usage::

    python examples/make_example.py --seed 0 --out examples/

writes ``conversations.jsonl`` (OpenAI chat format), ``labels.csv`` (ground truth, never in the
text) and ``planted_pii.jsonl`` (the fake personal data planted for the privacy demo). The text
comes from :func:`cliokit.synthetic.generate` in template mode (offline, no model) over a subset
of its packaged taxonomy; this script only picks the subset, renames ids and writes the files in
the example's formats. The same seed and package versions give byte-identical files.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import logging
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

from cliokit.synthetic import generate, load_taxonomy
from cliokit.synthetic.taxonomy import DEFAULT_TAXONOMY

LANGUAGES = ("en", "es", "fr", "de", "ja", "zh")
N_CONVERSATIONS, N_USERS = 480, 120
PII_RATE, CONCERN_RATE = 0.08, 0.025
MIN_TURNS, MAX_TURNS = 1, 4
# The packaged taxonomy's categories kept here, each with three of its subtopics; two mildly
# concerning categories (concern 2 and 3) keep both of theirs.
SUBTOPICS = {
    "coding": ("debug", "sql", "web"),
    "writing": ("email", "edit", "summary"),
    "cooking": ("recipe", "baking", "mealprep"),
    "travel": ("itinerary", "visa", "packing"),
    "health": ("nutrition", "sleep", "symptoms"),
    "finance": ("budget", "invest", "tax"),
    "education": ("math", "physics", "history"),
    "language": ("translate", "grammar", "vocab"),
    "concern.cheating": ("exam", "sicknote"),
    "concern.deception": ("reviews", "manipulate"),
}
# Synthetic PII kinds renamed to the example's types; the other kinds keep their names.
PII_TYPES = {"card": "credit_card"}


def subset_taxonomy(path: Path) -> Path:
    """Write the packaged taxonomy restricted to :data:`SUBTOPICS` to ``path``."""
    data = yaml.safe_load(DEFAULT_TAXONOMY.read_text(encoding="utf-8"))
    wanted = {f"{cat}.{sub}" for cat, subs in SUBTOPICS.items() for sub in subs}
    for section in ("categories", "concerning"):
        kept = [cat for cat in data[section] if cat["id"] in SUBTOPICS]
        for cat in kept:
            cat["subtopics"] = [sub for sub in cat["subtopics"] if sub["id"] in wanted]
        data[section] = kept
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def build(seed: int) -> dict[str, str]:
    """The example's files (name -> text) for one seed."""
    with tempfile.TemporaryDirectory() as tmp:
        taxonomy = load_taxonomy(subset_taxonomy(Path(tmp) / "taxonomy.yaml"))
    data = generate(
        N_CONVERSATIONS,
        LANGUAGES,
        seed=seed,
        pii_rate=PII_RATE,
        concern_rate=CONCERN_RATE,
        users=N_USERS,
        min_turns=MIN_TURNS,
        max_turns=MAX_TURNS,
        taxonomy=taxonomy,
        progress=False,
    )
    frame = data.conversations
    conv_id = {c: f"ex-{i:04d}" for i, c in enumerate(frame["conversation_id"], start=1)}
    user_id = {u: f"u-{i:03d}" for i, u in enumerate(sorted(set(frame["user_id"])), start=1)}
    lines = [
        {"id": conv_id[c], "user_id": user_id[u], "messages": [dict(m) for m in msgs]}
        for c, u, msgs in zip(frame["conversation_id"], frame["user_id"], frame["messages"], strict=True)
    ]
    labels = io.StringIO()
    writer = csv.writer(labels, lineterminator="\n")
    writer.writerow(["conversation_id", "topic", "subtopic", "language", "concern"])
    for row in data.labels.itertuples(index=False):
        writer.writerow([conv_id[row.conversation_id], row.category, row.subtopic, row.language, row.concern])
    pii = data.planted
    planted = [
        {"conversation_id": conv_id[c], "type": PII_TYPES.get(kind, kind), "value": value}
        for c, kind, value in zip(pii["conversation_id"], pii["kind"], pii["value"], strict=True)
    ]
    return {
        "conversations.jsonl": _jsonl(lines),
        "labels.csv": labels.getvalue(),
        "planted_pii.jsonl": _jsonl(planted),
    }


def _jsonl(records: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0, help="seed of everything (default: 0)")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent, help="output directory")
    parser.add_argument("--quiet", action="store_true", help="print nothing")
    args = parser.parse_args(argv)
    # The packaged templates cover every subtopic; the ones left out of the subset are skipped.
    logging.getLogger("cliokit.synthetic.templates").setLevel(logging.ERROR)
    files = build(args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (args.out / name).write_text(text, encoding="utf-8", newline="\n")
    if not args.quiet:
        print(f"wrote {', '.join(files)} to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
