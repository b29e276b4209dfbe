"""Labelled data and embedding-text variants for ``bench/bench_quality.py``.

Loaders read the public sets in ``../shared/external_data`` in place (see its README) and return
one row per utterance with ``text``, ``fine`` (the finest label) and ``coarse`` (the coarsest
label, None where the set has no hierarchy). The variant functions turn one (scrubbed)
conversation into the text that would be embedded; they use general rules only (greetings,
self-introductions, scrubbed placeholders), never the wording of cliokit's synthetic templates.
"""

from __future__ import annotations

import glob
import json
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = Path(os.environ.get("CLIOKIT_EXTERNAL_DATA", REPO / ".." / "shared" / "external_data"))

#: xSID languages used (the 13 standard languages of ``bench_embedders.py``; dialect files left out:
#: they repeat the same 500 requests in near-identical spellings and ``no.test`` has 8,800 rows).
XSID_LANGS = ("en", "de", "da", "it", "nl", "id", "tr", "zh", "ja", "ar", "sr", "kk", "lt")


# ------------------------------------------------------------------------------------------------
# Part A: labelled single-utterance sets
# ------------------------------------------------------------------------------------------------


def load_hwu64(data: Path) -> pd.DataFrame:
    """HWU64, all 11,036 utterances of fold 1 (train + test): 18 scenarios -> 64 intents."""
    files = sorted(glob.glob(str(data / "hwu64" / "raw_kfold1" / "*" / "*.csv")))
    if not files:
        raise FileNotFoundError(data / "hwu64")
    df = pd.concat(
        (pd.read_csv(f, sep=";", dtype=str, keep_default_na=False) for f in files), ignore_index=True
    )
    text = df["answer_from_anno"].where(df["answer_from_anno"].str.strip() != "", df["answer_from_user"])
    return pd.DataFrame(
        {"text": text.str.strip(), "fine": df["scenario"] + "_" + df["intent"], "coarse": df["scenario"]}
    )


def load_slurp(data: Path) -> pd.DataFrame:
    """SLURP devel + test (5,007 utterances): 18 scenarios -> 46 actions -> ~80 intents."""
    frames = [pd.read_json(data / "slurp" / f"{split}.jsonl", lines=True) for split in ("devel", "test")]
    df = pd.concat(frames, ignore_index=True)
    return pd.DataFrame({"text": df["sentence"].str.strip(), "fine": df["intent"], "coarse": df["scenario"]})


def load_xsid_frame(data: Path, langs: Sequence[str] = XSID_LANGS) -> pd.DataFrame:
    """xSID test split of ``langs``: 16 intents; coarse label = the part before ``/`` (alarm,
    reminder, weather), the six flat SNIPS intents are their own coarse label (9 in all)."""
    from cliokit.datasets import load_xsid

    got = load_xsid(data / "xsid", languages=list(langs), split="test").conversations
    text = got["messages"].map(lambda m: m[0]["content"])
    fine = got["intent"].astype(str)
    return pd.DataFrame(
        {"text": text.str.strip(), "fine": fine, "coarse": fine.str.split("/").str[0], "lang": got["lang"]}
    )


def load_banking77(data: Path) -> pd.DataFrame:
    """Banking77 test (3,080 utterances, 77 intents, one domain; no coarse labels)."""
    df = pd.read_csv(data / "banking77" / "test.csv")
    return pd.DataFrame({"text": df["text"].str.strip(), "fine": df["category"], "coarse": None})


#: Folder of ``external_data`` each data set needs (absent: the set is skipped with a message).
FOLDERS = {
    "hwu64": "hwu64",
    "slurp": "slurp",
    "xsid": "xsid",
    "banking77": "banking77",
    "arena": "arena_hard",
    "oasst": "oasst1_en_validation",
}

LABELLED: dict[str, Callable[[Path], pd.DataFrame]] = {
    "hwu64": load_hwu64,
    "slurp": load_slurp,
    "xsid": load_xsid_frame,
    "banking77": load_banking77,
}


def as_conversations(df: pd.DataFrame, prefix: str) -> pd.DataFrame:
    """One single-turn conversation per utterance, one pseudo-user per conversation (rows layout)."""
    ids = [f"{prefix}-{i}" for i in range(len(df))]
    return pd.DataFrame(
        {"conversation_id": ids, "user_id": ids, "role": "user", "content": df["text"].tolist()}
    )


# ------------------------------------------------------------------------------------------------
# Part B: public real prompts with labels (single-turn, but long)
# ------------------------------------------------------------------------------------------------


def load_arena(data: Path, version: str) -> pd.DataFrame:
    """Arena-Hard prompts: v0.1 has 250 silver topic clusters (2 prompts each), v2.0 three subcategories."""
    path = data / "arena_hard" / f"arena-hard-{version}_question.jsonl"
    # split on "\n" only: prompts hold U+2028 and other characters str.splitlines() breaks at
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]
    df = pd.DataFrame(rows)
    label = df["cluster"] if "cluster" in df else df["subcategory"]
    coarse = df["category"] if df["category"].nunique() > 1 else None
    return pd.DataFrame(
        {
            "conversation_id": [f"arena-{version}-{i}" for i in range(len(df))],
            "messages": [[{"role": "user", "content": p}] for p in df["prompt"]],
            "fine": label,
            "coarse": coarse,
        }
    )


# ------------------------------------------------------------------------------------------------
# Embedding-text variants (Part B)
# ------------------------------------------------------------------------------------------------

CAP = 1000  # characters, for the long variants


def user_turns(messages: Sequence[Mapping[str, Any]]) -> list[str]:
    return [
        str(m.get("content") or "")
        for m in messages
        if m.get("role") == "user" and str(m.get("content") or "").strip()
    ]


def _heur() -> Any:
    from cliokit.offline import heuristics

    return heuristics


def _clean_sentences(text: str) -> list[str]:
    """Sentences of ``text`` without greetings, self-introductions or identifiers (the library's rules)."""
    from cliokit.offline._courtesy import clean_sentences

    h = _heur()
    return clean_sentences(h._sentences(text), h._sentence_score)


def v_excerpt(messages: Sequence[Mapping[str, Any]], max_chars: int = 300) -> str:
    """(1) today's offline request facet (``facets.request_max_chars`` = 300)."""
    from cliokit.offline import extract_request

    return extract_request(list(messages), max_chars=max_chars).strip() or "(no user text)"


def v_best_sentence(messages: Sequence[Mapping[str, Any]]) -> str:
    """(1b) only the most request-like sentence of the first readable user turn (no context)."""
    from cliokit.offline import strip_noise

    h = _heur()
    for turn in user_turns(messages):
        sentences = h._sentences(strip_noise(turn))
        if sentences:
            scores = [h._sentence_score(s) for s in sentences]
            best = max(range(len(sentences)), key=lambda i: (scores[i], -i))
            return sentences[best][:CAP]
    return v_excerpt(messages)


def v_first_turn(messages: Sequence[Mapping[str, Any]]) -> str:
    """(2) the whole first user turn (scrubbed, capped)."""
    turns = user_turns(messages)
    return (turns[0] if turns else "(no user text)")[:CAP]


def v_all_turns(messages: Sequence[Mapping[str, Any]]) -> str:
    """(3) every user turn joined, capped at CAP characters."""
    return ("\n".join(user_turns(messages)) or "(no user text)")[:CAP]


def v_excerpt_context(messages: Sequence[Mapping[str, Any]]) -> str:
    """(4) the excerpt with all its context sentences (today's rule, 1,000-character budget)."""
    return v_excerpt(messages, max_chars=CAP)


def v_excerpt_later(messages: Sequence[Mapping[str, Any]]) -> str:
    """(4b) today's excerpt plus the request-like sentences (score > 0) of every later user turn."""
    from cliokit.offline import strip_noise

    h = _heur()
    parts = [v_excerpt(messages)]
    for turn in user_turns(messages)[1:]:
        parts += [s for s in h._sentences(strip_noise(turn)) if h._sentence_score(s) > 0]
    return " | ".join(parts)[:CAP]


def v_first_clean(messages: Sequence[Mapping[str, Any]]) -> str:
    """(5) the first user turn without greetings, self-introductions, identifier sentences."""
    from cliokit.offline import strip_noise

    for turn in user_turns(messages):
        kept = [c for c in (strip_noise(x) for x in _clean_sentences(turn)) if c]
        if kept:
            return " ".join(kept)[:CAP]
    return v_excerpt(messages)


def v_all_clean(messages: Sequence[Mapping[str, Any]]) -> str:
    """(5b) the same cleaning over every user turn, joined and capped: the offline ``topic`` facet."""
    from cliokit.offline.heuristics import topic_text

    return topic_text(list(messages), max_chars=CAP)


VARIANTS: dict[str, tuple[str, Callable[[Sequence[Mapping[str, Any]]], str]]] = {
    "excerpt": ("(1) today's request facet (extractive, 300 chars)", v_excerpt),
    "best_sentence": ("(1b) the request sentence alone", v_best_sentence),
    "first_turn": ("(2) whole first user turn", v_first_turn),
    "all_turns": ("(3) all user turns, 1,000 chars", v_all_turns),
    "excerpt_context": ("(4) excerpt + its context sentences, 1,000 chars", v_excerpt_context),
    "excerpt_later": ("(4b) excerpt + request sentences of later turns", v_excerpt_later),
    "first_clean": ("(5) first turn, greetings/self-intros/identifier sentences removed", v_first_clean),
    "all_clean": ("(5b) all turns, same removal, 1,000 chars", v_all_clean),
}
