"""Text helpers shared by the stages and the offline components.

Content terms for keywords (:func:`tokenize`, a multilingual stop list), merging children's
keywords into a parent's, message text access and a script-aware token estimate.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

# Scripts for estimate_tokens: Latin, Greek, Cyrillic (and their punctuation) ~4 chars per token,
# CJK ideographs, Kana and Hangul ~1 token per char, everything else ~2 chars per token.
_LATIN_LIKE_RE = re.compile(
    r"[\u0000-\u052f\u1c80-\u1c8f\u1d00-\u1dbf\u1e00-\u1fff\u2000-\u20cf\u2100-\u215f"
    r"\u2190-\u23ff\u2500-\u25ff\u2de0-\u2dff\ua640-\ua69f\ua720-\ua7ff\ufb00-\ufb06]"
)
_CJK_RE = re.compile(
    r"[\u1100-\u11ff\u2e80-\u2fdf\u3000-\u30ff\u3100-\u31ff\u3200-\u33ff\u3400-\u4dbf"
    r"\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
    r"\U00020000-\U0003134f]"
)

_HAN = "\u3400-\u4dbf\u4e00-\u9fff"
_KATAKANA = "\u30a0-\u30ff"
_HIRAGANA = "\u3040-\u309f"
_HANGUL = "\uac00-\ud7af"
_CJK = _HAN + _KATAKANA + _HIRAGANA + _HANGUL
_TOKEN = re.compile(
    rf"(?P<han>[{_HAN}]+)|(?P<kata>[{_KATAKANA}]{{2,}})|(?P<hira>[{_HIRAGANA}]+)|(?P<hangul>[{_HANGUL}]{{2,}})"
    rf"|(?P<word>[^\W\d_{_CJK}][^\W_{_CJK}]+)",
    re.UNICODE,
)
_PLACEHOLDER = re.compile(r"\[[A-Z_]+\]")
# Han characters that are mostly grammar (particles, pronouns, auxiliaries): bigrams with them are noise.
_HAN_FUNCTION = frozenset("的了是我你他她它们这那个吗呢吧啊和与在有要会能可以就也都很还一不么什怎给请帮把被")

# Function words of the languages cliokit's offline facets keep; content words survive.
STOPWORDS = ENGLISH_STOP_WORDS | frozenset(
    """
    a an and are as at be but by can could do does for from had has have how i if in into is it its me my
    no not of on or our please so some than that the their them then there these they this to was we
    what when where which who why will with would you your yours want need help like just also about get
    make know use using used one any all more most very much many should may might must let lets i'm it's
    don't can't what's user users request requests assistant overall task asks asking ask wants
    thanks thank hello okay sure great
    el la los las un una unos unas y o de del al en con por para que como es son se su sus mi mis me te
    lo le les yo tu tú este esta estos estas ese esa muy más pero si no hay ser estar tengo puedes puede
    le la les un une des et ou de du en dans avec pour par que qui comment est sont se sa son ses mon ma
    mes je tu il elle nous vous ils elles ce cette ces très plus mais si ne pas pouvez peux
    der die das ein eine einen einem einer und oder von zu mit für auf ist sind sich sein ihr mein meine
    ich du er sie wir wie was kann kannst können bitte nicht auch noch mir mich dir dich den dem des im
    o a os as um uma e ou de do da dos das em no na com por para que como é são se seu sua meu minha eu
    você não mais muito
    """.split()
)


def tokenize(text: str) -> list[str]:
    """Content terms of ``text``: lowercased words, whole katakana and Hangul words, Han bigrams.

    Function words (a multilingual stop list), hiragana (mostly grammar in Japanese) and Han
    bigrams containing a grammatical character are dropped.
    """
    out: list[str] = []
    for m in _TOKEN.finditer(_PLACEHOLDER.sub(" ", text).lower()):
        tok = m.group()
        if m.lastgroup == "han":
            out.extend(
                tok[i : i + 2] for i in range(len(tok) - 1) if not (_HAN_FUNCTION & set(tok[i : i + 2]))
            )
        elif m.lastgroup in ("kata", "hangul"):
            out.append(tok)
        elif m.lastgroup == "word" and len(tok) >= 3 and tok not in STOPWORDS:
            out.append(tok)
    return out


def message_text(message: Mapping[str, Any]) -> str:
    """Return a message's text; list content (``[{"type": "text", "text": ...}, ...]``) is joined."""
    content = message.get("content")
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = [p if isinstance(p, str) else p.get("text", "") for p in content if isinstance(p, str | dict)]
        return "\n".join(p for p in parts if isinstance(p, str) and p)
    return str(content)


def role_texts(messages: Sequence[Mapping[str, Any]], role: str) -> list[str]:
    """The text of every message of ``role``, in order."""
    return [message_text(m) for m in messages if m.get("role") == role]


def estimate_tokens(text: str) -> int:
    """Estimate the token count of ``text`` with a cheap script-based heuristic.

    This is not a tokenizer: it counts about 4 characters per token for Latin, Greek and Cyrillic
    scripts (and ASCII punctuation, digits and whitespace), 1 token per character for CJK
    ideographs, Kana and Hangul, and about 2 characters per token for other scripts (Arabic,
    Devanagari, Thai, emoji, ...).

    Parameters
    ----------
    text : str
        The text to measure.

    Returns
    -------
    int
        The estimate; 0 for empty text and at least 1 otherwise.
    """
    n = len(text)
    if n == 0:
        return 0
    if text.isascii():
        return (n + 3) // 4
    cjk = _CJK_RE.subn("", text)[1]
    latin = _LATIN_LIKE_RE.subn("", text)[1]
    other = n - cjk - latin
    return max(1, (latin + 4 * cjk + 2 * other + 3) // 4)


def merge_keywords(
    keyword_lists: Sequence[Sequence[str]],
    sizes: Sequence[int],
    n: int,
    idf: Mapping[str, float] | None = None,
) -> list[str]:
    """A parent's keywords: terms shared by the most children (by size), times ``idf`` if given."""
    score: dict[str, float] = {}
    for kws, size in zip(keyword_lists, sizes, strict=True):
        for rank, k in enumerate(kws):
            score[k] = score.get(k, 0.0) + size * (1 + 0.1 / (rank + 1)) * (idf or {}).get(k, 1.0)
    return [k for k, _ in sorted(score.items(), key=lambda x: (-x[1], x[0]))[:n]]
