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
import re
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

# Greeting / thanks / pleasantry words of the 11 suite languages (phrasebook lists, a superset of
# the words the offline request heuristic treats as greetings). A sentence that is only these words
# is dropped, a leading greeting glued to a sentence ("Hello, I need ...") is cut off, and a short
# sentence that opens with thanks and asks nothing ("Thanks in advance, you're a star!") is dropped.
_GREET_WORDS = (
    r"hi|hello|hey|hiya|good (?:morning|afternoon|evening|day)|greetings|nice to meet you|coucou|"
    r"hola|buenos días|buenas(?: tardes| noches)?|encantad[oa]|"
    r"bonjour|bonsoir|salut|enchanté(?:e)?|hallo|guten (?:tag|morgen|abend)|moin|servus|"
    r"olá|oi|bom dia|boa tarde|boa noite|"
    r"привет|здравствуйте|добрый (?:день|вечер)|доброе утро|"
    r"こんにちは|こんばんは|おはようございます|はじめまして|お疲れ(?:さま|様)です|すみません|"
    r"你好|您好|大家好|嗨|打扰一下|안녕하세요|안녕|수고하십니다|수고하세요|"
    r"مرحبا|السلام عليكم|أهلا|صباح الخير|مساء الخير|"
    r"नमस्ते|नमस्कार|हाय|हेलो"
)
_THANKS_WORDS = (
    r"thanks?(?: you)?(?: so much| a lot| in advance)?|many thanks|thx|ty|cheers|much appreciated|"
    r"(?:i )?appreciate (?:it|your help|the help)|"
    r"gracias(?: de antemano)?|muchas gracias|merci(?: beaucoup| d'avance| par avance)?|"
    r"danke(?: schön| sehr| im voraus)?|vielen dank|obrigad[oa]|muito obrigad[oa]|"
    r"(?:заранее )?спасибо(?: заранее)?|"
    r"ありがとう(?:ございます)?|(?:どうぞ)?よろしく(?:お願い(?:いた)?します)?|谢谢|多谢|感谢|"
    r"감사합니다|고맙습니다|شكرا|شكراً|شكرًا|تسلم|يعطيك العافية|धन्यवाद|शुक्रिया|थैंक्स"
)
_AFTER = r"there|all|everyone|again|friend|team|zusammen|a todos|à tous|tout le monde|a todos|всем|جميعا"
_ONLY_GREETING = re.compile(
    rf"^[¡¿]?(?:(?:{_GREET_WORDS}|{_THANKS_WORDS})(?:\s+(?:{_AFTER}))?[\s!.,。！、~:]*)+$",
    re.I,
)
_LEADING_GREETING = re.compile(rf"^[¡¿]?(?:{_GREET_WORDS})(?:\s+(?:{_AFTER}))?\s*[,!.:、，。！]+\s*", re.I)
_LEADING_THANKS = re.compile(rf"^(?:{_THANKS_WORDS})\b", re.I)

# Self-introduction sentences: a first-person "I am a ..." / "as a ..." / "my name is ..." / "I'm
# retired" opener in each suite language (for zero-copula languages, a short first-person
# statement), on a sentence that asks nothing (no question mark, no request cue).
_SELF_INTRO = re.compile(
    r"^(?:"
    r"(?:i am|i'm|im)\s+(?:a|an|just a|just an|currently a|currently an|retired|not a|not an)\s|"
    r"as an?\s|my name is\s|"
    r"soy\s|estoy jubilad[oa]|como (?:un|una)\s|me llamo\s|"
    r"je suis (?:un|une|à la retraite|retraité)|en tant que\s|je m'appelle\s|"
    r"ich bin\s+(?:ein|eine|im ruhestand|in rente|rentner)|als (?:ein|eine)\s|mein name ist\s|"
    r"sou\s|eu sou\s|estou aposentad[oa]|como (?:um|uma)\s|meu nome é\s|"
    r"я\s+[—–-]\s|я на пенсии|меня зовут\s|как (?:\w+),\s+я\s|"
    r"(?:私|僕|わたし)は|[^？?]{1,25}(?:です|でございます)[。.!！]?$|"
    r"我是|作为一[名个位]|"
    r"저는\s|"
    r"أنا\s|بصفتي\s|"
    r"मैं\s[^?।]{1,60}(?:हूँ|हूं)[।.]?$"
    r")",
    re.I,
)
#: Zero-copula languages: "Я студентка, мама двоих детей." -- any short first-person statement.
_SHORT_FIRST_PERSON = re.compile(r"^(?:я|أنا|मैं)\s", re.I)
#: What the pre-scrub (and the usual NER recognisers) put in place of an identifier.
_ENTITY_TYPES = (
    "EMAIL_ADDRESS|PHONE_NUMBER|CREDIT_CARD|IBAN_CODE|US_SSN|IP_ADDRESS|CRYPTO|MAC_ADDRESS|UK_NHS|URL|"
    "US_BANK_NUMBER|US_DRIVER_LICENSE|US_PASSPORT|PERSON|LOCATION|STREET_ADDRESS|ADDRESS|DATE_TIME|NRP|"
    "ORGANIZATION|MEDICAL_LICENSE|IBAN|SSN|NAME|EMAIL|PHONE"
)
_PLACEHOLDER = re.compile(rf"[\[<](?:{_ENTITY_TYPES})[\]>]")
#: A run of three digits: where the identifiers the pre-scrub cannot recognise sit (dates of birth,
#: house numbers, customer ids). Used as the offline heuristic uses it: only on sentences that ask
#: nothing ("Give me an impression of the world in 1950." stays).
_DIGIT_RUN = re.compile(r"\d{3}")


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
    """Sentences of ``text`` without greetings, self-introductions or scrubbed identifiers."""
    h = _heur()
    out = []
    sentences = h._sentences(text)  # the offline heuristic's own splitter
    scores = [h._sentence_score(x) for x in sentences]
    best = max(range(len(sentences)), key=lambda i: (scores[i], -i)) if sentences else -1
    for i, sentence in enumerate(sentences):
        if _PLACEHOLDER.search(sentence):
            continue
        s = _LEADING_GREETING.sub("", sentence).strip()
        if not s or _ONLY_GREETING.match(s):
            continue
        asks = h._sentence_score(s) > 0
        if not asks and i != best and _DIGIT_RUN.search(s):
            continue
        short = len(s.split()) <= 8 and len(s) <= 60
        if not asks and (
            _SELF_INTRO.match(s) or (short and (_LEADING_THANKS.match(s) or _SHORT_FIRST_PERSON.match(s)))
        ):
            continue
        out.append(s)
    return out


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
    """(5b) the same cleaning over every user turn, joined and capped."""
    from cliokit.offline import strip_noise

    kept = [c for turn in user_turns(messages) for c in map(strip_noise, _clean_sentences(turn)) if c]
    return " ".join(kept)[:CAP] if kept else v_excerpt(messages)


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
