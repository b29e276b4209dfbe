"""Transparent, model-free facet heuristics for the offline backend.

Clio asks a language model for a few "facets" of each conversation (the user's request, the
task, the language and a 1-5 "concerning" score). When cliokit runs with no model at all, the
offline backend answers with the heuristics in this module instead. They are deliberately simple
and auditable: regular expressions, small multilingual cue lexicons and
`py3langid <https://pypi.org/project/py3langid/>`_. They are a stand-in for a model, not a
replacement: expect many false positives and false negatives, above all for
:func:`concern_score`.

Every function takes a conversation's messages: a sequence of mappings
``{"role": "system"|"user"|"assistant"|"tool", "content": str}`` whose text has already been
PII-scrubbed. Placeholders such as ``[EMAIL_ADDRESS]`` are removed by :func:`strip_noise` and
never appear in outputs.

Lexicon terms use a tiny pattern syntax, matched on NFC-normalised, case-folded text:

* words are separated by spaces; a term matches a run of consecutive word tokens (punctuation,
  hyphens and apostrophes between words are ignored, so ``"self harm"`` also matches
  ``"self-harm"``);
* ``word*`` matches any token starting with ``word``, ``*word`` any token ending with it, and a
  lone ``*`` any one token;
* Arabic tokens also match after the common clitic prefixes (``ال``, ``و``, ``ب``, ...);
* terms containing Chinese, Japanese or Korean characters are matched as plain substrings.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

logger = logging.getLogger(__name__)

__all__ = [
    "CONCERN_LEXICON",
    "LANGUAGES",
    "LEXICON_VERSION",
    "MIN_LETTERS",
    "TASK_LABELS",
    "LexiconTerm",
    "computed_facets",
    "concern_score",
    "detect_language",
    "extract_request",
    "extract_task",
    "strip_noise",
]

#: Version of every lexicon, cue list and rule in this module. Bump it whenever any of them changes:
#: run fingerprints include it, so cached offline facets are recomputed.
LEXICON_VERSION = "1"

#: Languages :func:`detect_language` may return (ISO 639-1), besides ``"und"``.
LANGUAGES: tuple[str, ...] = (
    "ar", "bg", "bn", "cs", "da", "de", "el", "en", "es", "et", "fa", "fi", "fr", "he", "hi", "hr",
    "hu", "id", "it", "ja", "kk", "ko", "lt", "lv", "ms", "nl", "no", "pl", "pt", "ro", "ru", "sk",
    "sl", "sr", "sv", "sw", "ta", "th", "tl", "tr", "uk", "ur", "vi", "zh",
)  # fmt: skip

# Log-prior boosts added to py3langid's raw scores (log-likelihoods): English dominates assistant
# traffic, and Indonesian far outnumbers Malay online, so short ambiguous text leans to them.
_LANGUAGE_PRIORS: dict[str, float] = {"en": 1.0, "id": 1.0}

#: Fewer letters than this (after :func:`strip_noise`, user turns only) gives ``"und"``. A Chinese,
#: Japanese or Korean character counts as two letters, so "ok" is "und" but "天气" is "zh".
MIN_LETTERS = 3

Messages = Sequence[Mapping[str, Any]]

# --------------------------------------------------------------------------------------------
# Text normalisation
# --------------------------------------------------------------------------------------------


class _LazyPattern:
    """A regular expression compiled on first use (large Unicode classes take milliseconds to compile)."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._args = (pattern, flags)
        self._compiled: re.Pattern[str] | None = None

    @property
    def rx(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(*self._args)
        return self._compiled

    def search(self, text: str) -> re.Match[str] | None:
        return self.rx.search(text)

    def match(self, text: str) -> re.Match[str] | None:
        return self.rx.match(text)

    def findall(self, text: str) -> list[Any]:
        return self.rx.findall(text)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        return self.rx.finditer(text)


_CJK_RANGES = "\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
# Combining marks that Python's \w misses (Latin diacritics, Arabic harakat, Indic vowel signs,
# Thai vowels, Hebrew points) plus ZWJ/ZWNJ, so that words in those scripts stay whole tokens.
_MARKS = (
    "\u0300-\u036f\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0900-\u0983"
    "\u09bc-\u09d7\u0b82-\u0bd7\u0e31\u0e34-\u0e3a\u0e47-\u0e4e\u200c\u200d"
)
_TOKEN = _LazyPattern(rf"(?:[^\W_{_CJK_RANGES}]|[{_MARKS}])+")
_CJK_CHAR = _LazyPattern(f"[{_CJK_RANGES}]")
_KANA = _LazyPattern("[\u3040-\u30ff]")
_HAN = _LazyPattern("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_HANGUL = _LazyPattern("[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")
_ARABIC_PREFIXES = ("وال", "بال", "فال", "كال", "لل", "ال", "و", "ف", "ب", "ل", "ك")

_FENCED = re.compile(r"(?:```|~~~)[^\n]*(?:\n.*?)?(?:```|~~~|\Z)", re.S)
_INLINE_CODE = re.compile(r"`[^`\n]+`")
_MD_LINK = re.compile(r"\[([^\]\n]{1,200})\]\((?:[^)\s]+)\)")
# URLs and e-mail addresses are ASCII here, so that CJK text glued to them survives.
_URL = re.compile(r"(?<![A-Za-z0-9])(?:(?:https?|ftp)://|www\.)[!-~]+?(?=[.,;:!?)\]'\"]*(?:[^!-~]|$))")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_PLACEHOLDER = re.compile(r"\[[A-Z][A-Z0-9_]*[A-Z0-9]\]|<[A-Z][A-Z0-9_]*[A-Z0-9]>|\{\{[A-Z][A-Z0-9_]*\}\}")
_UUID = re.compile(r"\b[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}\b")
_HEX = re.compile(r"\b(?:0x)?[0-9a-fA-F]{16,}\b")
_BLOB = re.compile(r"(?<![\w+/=])[A-Za-z0-9+/_-]{24,}={0,2}(?![\w+/=])")
_HSPACE = re.compile(r"[^\S\n]+")
_SPACE_BEFORE_PUNCT = re.compile(r" +([,.;:!?])")
_EMPTY_BRACKETS = re.compile(r"\(\s*\)|\[\s*\]")
_BLANK_LINES = re.compile(r"\n{3,}")


def _is_blob(match: re.Match[str]) -> str:
    token = match.group(0)
    has_digit = any(c.isdigit() for c in token)
    has_alpha = any(c.isalpha() for c in token)
    return " " if has_digit and has_alpha else token


def strip_noise(text: str) -> str:
    """Remove text that says nothing about the user's language or request.

    Removes fenced (```` ``` ````, ``~~~``) and inline code, URLs (a Markdown link keeps its text),
    e-mail addresses, PII placeholders (``[EMAIL_ADDRESS]``, ``<PERSON>``, ``{{NAME}}``), UUIDs,
    long hex strings and base64-like blobs (24+ characters mixing letters and digits), then
    collapses runs of spaces and blank lines.

    Parameters
    ----------
    text : str
        Raw message text.

    Returns
    -------
    str
        The cleaned text; may be empty.
    """
    if not text:
        return ""
    out = _FENCED.sub("\n", text)
    out = _INLINE_CODE.sub(" ", out)
    out = _MD_LINK.sub(r"\1", out)
    out = _URL.sub(" ", out)
    out = _EMAIL.sub(" ", out)
    out = _PLACEHOLDER.sub(" ", out)
    out = _UUID.sub(" ", out)
    out = _HEX.sub(" ", out)
    out = _BLOB.sub(_is_blob, out)
    out = _EMPTY_BRACKETS.sub(" ", out)
    out = _HSPACE.sub(" ", out)
    out = _SPACE_BEFORE_PUNCT.sub(r"\1", out)
    out = "\n".join(line.strip() for line in out.split("\n"))
    out = _BLANK_LINES.sub("\n\n", out)
    return out.strip()


def _normalise(text: str) -> str:
    """NFC, case-folded, with typographic apostrophes made plain: the form lexicons match on."""
    return unicodedata.normalize("NFC", text).casefold().replace("\u2019", "'").replace("\u02bc", "'")


def _content(message: Mapping[str, Any]) -> str:
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


def _texts(messages: Messages, role: str) -> list[str]:
    return [_content(m) for m in messages if m.get("role") == role]


# --------------------------------------------------------------------------------------------
# Term matcher
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Pat:
    kind: str  # "e" exact, "p" prefix, "s" suffix, "a" any token
    text: str

    def ok(self, token: str) -> bool:
        for variant in _variants(token):
            if self.kind == "e" and variant == self.text:
                return True
            if self.kind == "p" and variant.startswith(self.text):
                return True
            if self.kind == "s" and variant.endswith(self.text):
                return True
            if self.kind == "a":
                return True
        return False


def _variants(token: str) -> tuple[str, ...]:
    """Return the token, plus the token without an Arabic clitic prefix where it has one."""
    if not token or not ("\u0600" <= token[0] <= "\u06ff"):
        return (token,)
    out = [token]
    for prefix in _ARABIC_PREFIXES:
        if token.startswith(prefix) and len(token) - len(prefix) >= 2:
            out.append(token[len(prefix) :])
    return tuple(out)


def _parse_term(term: str) -> tuple[_Pat, ...]:
    pats: list[_Pat] = []
    for raw in term.split():
        if raw == "*":
            pats.append(_Pat("a", ""))
            continue
        body = raw.strip("*")
        words = _TOKEN.findall(_normalise(body))
        if not words:
            raise ValueError(f"lexicon term {term!r} has an empty word")
        # "self-harm" inside one raw word is several tokens; stems apply to the outer ends.
        for i, word in enumerate(words):
            prefix = raw.endswith("*") and i == len(words) - 1
            suffix = raw.startswith("*") and i == 0
            if prefix and suffix:
                raise ValueError(f"lexicon term {term!r}: '*word*' is not supported")
            pats.append(_Pat("p" if prefix else "s" if suffix else "e", word))
    if pats[0].kind == "a":
        raise ValueError(f"lexicon term {term!r} cannot start with '*'")
    return tuple(pats)


class _Matcher:
    """Find lexicon terms in normalised text: token n-grams for alphabetic scripts, substrings for CJK."""

    def __init__(self, terms: Sequence[str]) -> None:
        self.terms = tuple(terms)
        self._exact: dict[str, list[tuple[int, tuple[_Pat, ...]]]] = {}
        self._prefix: dict[str, list[tuple[int, tuple[_Pat, ...]]]] = {}
        self._suffix: dict[str, list[tuple[int, tuple[_Pat, ...]]]] = {}
        self._cjk: list[tuple[int, tuple[str, ...]]] = []
        for index, term in enumerate(self.terms):
            if _CJK_CHAR.search(term):
                folded = _normalise(term)
                variants = {folded, folded.replace(" ", "")} if " " in folded else {folded}
                self._cjk.append((index, tuple(sorted(variants))))
                continue
            pats = _parse_term(term)
            table = {"e": self._exact, "p": self._prefix, "s": self._suffix}[pats[0].kind]
            table.setdefault(pats[0].text, []).append((index, pats[1:]))
        self._prefix_lengths = sorted({len(k) for k in self._prefix})
        self._suffix_lengths = sorted({len(k) for k in self._suffix})

    def _first(self, token: str) -> list[tuple[int, tuple[_Pat, ...]]]:
        found: list[tuple[int, tuple[_Pat, ...]]] = []
        for variant in _variants(token):
            found += self._exact.get(variant, ())
            for n in self._prefix_lengths:
                if n > len(variant):
                    break
                found += self._prefix.get(variant[:n], ())
            for n in self._suffix_lengths:
                if n > len(variant):
                    break
                found += self._suffix.get(variant[-n:], ())
        return found

    def find(self, text: str) -> list[tuple[int, int, int]]:
        """Return matches in ``text`` (already normalised) as ``(term index, start, end)``."""
        hits: list[tuple[int, int, int]] = []
        tokens = [(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(text)]
        for i, (token, start, _end) in enumerate(tokens):
            for index, rest in self._first(token):
                if i + len(rest) >= len(tokens):
                    continue
                if all(pat.ok(tokens[i + 1 + j][0]) for j, pat in enumerate(rest)):
                    hits.append((index, start, tokens[i + len(rest)][2]))
        if self._cjk and _CJK_CHAR.search(text):
            for index, variants in self._cjk:
                for variant in variants:
                    pos = text.find(variant)
                    while pos >= 0:
                        hits.append((index, pos, pos + len(variant)))
                        pos = text.find(variant, pos + 1)
        return hits


def _drop_contained(
    hits: list[tuple[int, int, int]], level: Callable[[int], int] = lambda index: 0
) -> list[tuple[int, int, int]]:
    """Drop hits inside a longer hit of at least their level ("bomb" in "make a bomb").

    ``hits`` are ``(term index, start, end)``; ``level`` maps a term index to its level (by default
    all equal, so any containing hit counts). Runs in O(n log n).
    """
    spans: dict[tuple[int, int], list[tuple[int, int, int]]] = {}
    for hit in hits:
        spans.setdefault((hit[1], hit[2]), []).append(hit)
    reach: dict[int, int] = {}  # level -> furthest end of an earlier span holding a hit of that level
    kept: list[tuple[int, int, int]] = []
    for start, end in sorted(spans, key=lambda span: (span[0], -span[1])):
        group = spans[(start, end)]
        for hit in group:
            own = level(hit[0])
            if max((e for lv, e in reach.items() if lv >= own), default=-1) < end:
                kept.append(hit)
        top = max(level(hit[0]) for hit in group)
        reach[top] = max(reach.get(top, -1), end)
    return kept


def _split_terms(spec: str) -> list[str]:
    return [t.strip() for t in spec.split("|") if t.strip()]


# --------------------------------------------------------------------------------------------
# Language
# --------------------------------------------------------------------------------------------

_IDENTIFIER_LOCK = threading.Lock()
_IDENTIFIER: Any = None


def _identifier() -> Any:
    """Return a py3langid identifier restricted to :data:`LANGUAGES`, built once (about 0.5 s)."""
    global _IDENTIFIER
    if _IDENTIFIER is None:
        with _IDENTIFIER_LOCK:
            if _IDENTIFIER is None:
                import numpy as np
                from py3langid.langid import MODEL_FILE, LanguageIdentifier

                identifier = LanguageIdentifier.from_model_file(MODEL_FILE)
                identifier.set_languages(list(LANGUAGES))
                # The naive Bayes class log-priors are where language priors belong.
                boost = [_LANGUAGE_PRIORS.get(c, 0.0) for c in identifier.nb_classes]
                identifier.nb_pc = identifier.nb_pc + np.asarray(boost, dtype=identifier.nb_pc.dtype)
                logger.debug("loaded py3langid restricted to %d languages", len(LANGUAGES))
                _IDENTIFIER = identifier
    return _IDENTIFIER


def detect_language(messages_or_text: str | Messages) -> str:
    """Detect the user's language as an ISO 639-1 code, or ``"und"``.

    Uses the user turns only (or the given string), after :func:`strip_noise`. Text with fewer
    than :data:`MIN_LETTERS` (3) letters gives ``"und"``, a CJK character counting as two.
    Chinese, Japanese and Korean are decided by script when those characters make up at least 30%
    of the letters: Hangul gives ``"ko"``; any kana (at least 5% of the kanji and kana) gives
    ``"ja"``, otherwise ``"zh"`` (so kanji-only Japanese such as "天気" reads as ``"zh"``). Other
    text goes to py3langid restricted to :data:`LANGUAGES`, with a small prior towards English
    and (over Malay) Indonesian.

    Parameters
    ----------
    messages_or_text : str or sequence of mapping
        A conversation's messages, or the user's text itself.

    Returns
    -------
    str
        A code from :data:`LANGUAGES`, or ``"und"``.
    """
    if isinstance(messages_or_text, str):
        raw = messages_or_text
    else:
        raw = "\n".join(_texts(messages_or_text, "user"))
    text = strip_noise(raw)[:4000]
    letters = sum(1 for c in text if c.isalpha())
    kana = len(_KANA.findall(text))
    han = len(_HAN.findall(text))
    hangul = len(_HANGUL.findall(text))
    if letters + kana + han + hangul < MIN_LETTERS:
        return "und"
    japanese = kana > 0 and kana >= 0.05 * (kana + han)
    if kana + han + hangul >= 0.3 * letters:
        if hangul >= kana + han:
            return "ko"
        return "ja" if japanese else "zh"
    lang, _ = _identifier().classify(text)
    if lang in ("zh", "ja") and kana + han:
        return "ja" if japanese else "zh"
    return str(lang)


# --------------------------------------------------------------------------------------------
# Request
# --------------------------------------------------------------------------------------------

# Cues that a sentence asks for something, in many languages. Weighted equally.
_REQUEST_CUES = _split_terms(
    # en
    "how do i|how can i|how to|how would|how should|can you|could you|would you|will you|please|"
    "i need|i want|i'd like|is there|is it|are there|do you|should i|"
    # es
    "cómo|como puedo|puedes|podrías|por favor|escribe|explica|explícame|necesito|quiero|ayúdame|"
    "dime|dame|qué|cuál|por qué|traduce|"
    # fr
    "peux tu|pouvez vous|pourrais tu|pourriez vous|s'il te plaît|s'il vous plaît|écris|"
    "écrivez|explique|expliquez|aide moi|aidez moi|je veux|je voudrais|j'ai besoin|"
    "pourquoi|qu'est ce|donne moi|traduis|"
    # de
    "kannst du|können sie|könntest du|bitte|schreib*|erklär*|hilf mir|helfen sie|ich möchte|"
    "ich brauche|warum|gib mir|übersetz*|"
    # pt
    "você pode|poderia|escreva|explique|preciso|quero|me ajude|ajude me|o que|"
    "por que|traduza|"
    # ru
    "как|можешь|можете|пожалуйста|напиши|напишите|объясни|объясните|помоги|помогите|нужно|хочу|"
    "расскажи|что|почему|какой|какая|переведи|"
    # ja
    "どうやって|教えて|ください|下さい|方法|書いて|説明して|してほしい|できますか|お願い|なぜ|何|"
    # zh
    "怎么|如何|请|帮我|写|解释|告诉我|能不能|可以|吗|为什么|什么|"
    # ko
    "어떻게|해주세요|해 주세요|알려줘|알려주세요|써줘|설명해|부탁|주세요|방법|왜|무엇|뭐|"
    # ar
    "كيف|هل يمكنك|من فضلك|اكتب|اشرح|أريد|ساعدني|ما هو|ما هي|لماذا|ماذا|"
    # hi
    "कैसे|क्या आप|कृपया|लिखो|लिखिए|समझाइए|समझाओ|बताइए|बताओ|मुझे|चाहिए|क्या|क्यों"
)
# Cues that only count near the start of a sentence: imperatives and question words that are
# also ordinary words elsewhere ("a list of", "the file which", German "wie" = "like").
_REQUEST_START_CUES = _split_terms(
    "write|explain|help me|tell me|give me|show me|what|why|which|who|when|where|create|make|"
    "generate|list|translate|summarize|summarise|fix|describe|suggest|recommend|compare|find|"
    "comment|quel|quelle|wie|was|welche*|como|pode|qual|cuál"
)
# Words that may precede a start-only cue ("please write", "ok so what").
_LEAD_IN = frozenset(
    "please pls plz kindly now so and also then ok okay hey hi hello but just quickly could can would "
    "will you u me bitte".split()
)


def _head_offset(text: str) -> int:
    """Return the offset of the first token of ``text`` that is not a lead-in word (0 when none)."""
    for m in _TOKEN.finditer(text):
        if m.group(0) not in _LEAD_IN:
            return m.start()
    return 0


_GREETING = _LazyPattern(
    r"^(?:hi|hello|hey|hola|bonjour|salut|hallo|olá|oi|привет|здравствуйте|thanks|thank you|"
    r"thx|ok|okay|great|cool|gracias|merci|danke|obrigad[oa]|спасибо|こんにちは|ありがとう|你好|谢谢|"
    r"안녕하세요|감사합니다|مرحبا|شكرا|नमस्ते|धन्यवाद)"
    r"(?:\s+(?:there|all|everyone|again|so much|a lot))?[\s!.,。！]*$",
    re.I,
)
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?…;])\s+|(?<=[。！？؟।｡；])\s*|\n+")
_QUESTION = re.compile("[?？؟¿]")
_LATIN_WORD = _LazyPattern(rf"[^\W_{_CJK_RANGES}]|[{_MARKS}]")
_SEPARATOR = " | "
#: Later user turns are added only while the request is shorter than this: follow-ups such as
#: "can you make it shorter?" add words that pull unrelated conversations together.
_SHORT_REQUEST = 40
_ELLIPSIS = "…"
_NO_TEXT = "(no readable request)"


@cache
def _request_matcher() -> tuple[_Matcher, int]:
    """Return one matcher over both cue lists, and the index where the start-only cues begin."""
    return _Matcher(_REQUEST_CUES + _REQUEST_START_CUES), len(_REQUEST_CUES)


def _sentences(text: str) -> list[str]:
    parts = (s.strip() for s in _SENTENCE_SPLIT.split(text))
    return [s for s in parts if s and any(c.isalpha() for c in s)]


def _sentence_score(sentence: str) -> float:
    if _GREETING.match(sentence):
        return -1.0
    score = 2.0 if _QUESTION.search(sentence) else 0.0
    matcher, n_anywhere = _request_matcher()
    hits = matcher.find(_normalise(sentence))
    head = _head_offset(_normalise(sentence))
    cues = {index for index, start, _ in hits if index < n_anywhere or start <= head}
    return score + min(len(cues), 3)


def _truncate(text: str, max_chars: int) -> str:
    """Cut ``text`` to ``max_chars`` at a word (or CJK character) boundary, marking the cut with '…'."""
    if len(text) <= max_chars:
        return text
    if max_chars <= 1:
        return text[:max_chars]
    cut = text[: max_chars - 1]
    if _LATIN_WORD.match(text[max_chars - 1]) and _LATIN_WORD.match(cut[-1]):
        # Mid-word: back off to the last space or CJK character, unless that loses too much.
        for i in range(len(cut) - 1, 0, -1):
            if cut[i].isspace() or _CJK_CHAR.match(cut[i]):
                if i >= len(cut) // 2:
                    cut = cut[: i + 1] if _CJK_CHAR.match(cut[i]) else cut[:i]
                break
    cut = cut.rstrip(" ,;:-–—|")
    return cut + _ELLIPSIS


def _best_sentences(text: str, budget: int) -> str:
    """The most request-like sentence of ``text`` first, then its other sentences while they fit.

    Other request-like sentences come before plain ones, each group in text order; greetings are
    dropped. The context sentences matter: they usually carry the topic ("I have a pandas
    dataframe."), while the request sentence is often generic ("Where is my mistake?"). Measured
    on the bundled example, keeping them raised subtopic NMI of k-means on the request facet
    from 0.76 to 0.90.
    """
    sentences = _sentences(text)
    if not sentences:
        return ""
    scores = [_sentence_score(s) for s in sentences]
    best = max(range(len(sentences)), key=lambda i: (scores[i], -i))
    rest = [i for i in range(len(sentences)) if i != best]
    order = [best] + [i for i in rest if scores[i] > 0] + [i for i in rest if scores[i] == 0]
    chosen: list[int] = []
    used = -1
    for i in order:
        if any(sentences[i] == sentences[j] for j in chosen):
            continue
        if chosen and used + 1 + len(sentences[i]) > budget:
            continue
        chosen.append(i)
        used += 1 + len(sentences[i])
    return " ".join(sentences[i] for i in chosen)


def _fallback_text(raw: str) -> str:
    """Code-only or link-only turns: keep the code's text, lose fences, links and placeholders."""
    out = re.sub(r"(?:```|~~~)[^\n]*", " ", raw)
    for pattern in (_URL, _EMAIL, _PLACEHOLDER, _UUID, _HEX):
        out = pattern.sub(" ", out)
    return " ".join(_BLOB.sub(_is_blob, out).split())


def extract_request(messages: Messages, max_chars: int = 200) -> str:
    """Extract an approximation of what the user asked for (a heuristic, not a summary).

    Takes the first user turn with readable text after :func:`strip_noise`, splits it into
    sentences and puts the most request-like one first: a question mark scores 2 and each request
    cue (``"how do i"``, ``"can you"``, ``"please"``, ``"¿cómo"``, ``"comment"``, ``"wie"``,
    ``"как"``, ``"どうやって"``, ``"怎么"``, ``"어떻게"``, ``"كيف"``, ``"कैसे"``, ...) 1, up to 3;
    greetings score -1 and are dropped. Ties go to the earlier sentence; the turn's other
    sentences follow (request-like ones first) while they fit, since they carry the topic. Only
    when the result is still short (under 40 characters) is the best sentence of each later user
    turn appended after ``" | "``. The result is trimmed at a word (or CJK character) boundary, with
    ``"…"`` marking a cut.

    Parameters
    ----------
    messages : sequence of mapping
        The conversation.
    max_chars : int, default=200
        Maximum length of the result.

    Returns
    -------
    str
        The request text; ``""`` only when the conversation has no user text at all.
    """
    if max_chars < 1:
        raise ValueError(f"max_chars must be at least 1, got {max_chars}")
    raw_turns = [t for t in _texts(messages, "user") if t.strip()]
    if not raw_turns:
        return ""
    clean = [strip_noise(t) for t in raw_turns]
    # The first turn with a non-greeting sentence, else the first with any sentence at all.
    readable = [i for i, t in enumerate(clean) if _sentences(t)]
    first = next((i for i in readable if max(map(_sentence_score, _sentences(clean[i]))) >= 0), None)
    if first is None and readable:
        first = readable[0]
    if first is None:
        fallback = next((f for f in map(_fallback_text, raw_turns) if f), _NO_TEXT)
        return _truncate(fallback, max_chars)
    parts = [_truncate(_best_sentences(clean[first], max_chars), max_chars)]
    used = len(parts[0])
    for text in clean[first + 1 :]:
        room = max_chars - used - len(_SEPARATOR)
        if room < 20 or used >= _SHORT_REQUEST:
            break
        sentences = _sentences(text)
        if not sentences:
            continue
        scores = [_sentence_score(s) for s in sentences]
        best = max(range(len(sentences)), key=lambda i: (scores[i], -i))
        if scores[best] <= 0 or any(sentences[best] in p for p in parts):
            continue
        gist = _truncate(sentences[best], room)
        parts.append(gist)
        used += len(_SEPARATOR) + len(gist)
    return _SEPARATOR.join(parts)


# --------------------------------------------------------------------------------------------
# Task
# --------------------------------------------------------------------------------------------

#: Labels :func:`extract_task` returns; on equal scores the earlier label wins.
TASK_LABELS: tuple[str, ...] = (
    "role-play",
    "translate text",
    "summarise text",
    "edit or proofread text",
    "debug code",
    "write code",
    "solve a maths problem",
    "analyse data",
    "write creative text",
    "write professional text",
    "plan or organise",
    "brainstorm ideas",
    "give advice",
    "give instructions",
    "explain a concept",
    "answer a factual question",
    "other",
)

# label -> {weight: "term|term|..."}; weight 3 = explicit verb, 2 = strong noun, 1 = weak hint.
_TASK_CUES: dict[str, dict[int, str]] = {
    "role-play": {
        3: "role play|roleplay|pretend to be|pretend you are|pretend you're|stay in character|"
        "act as if you|let's play a game|imagine you are|juego de rol|finge que eres|actúa como si|"
        "jeu de rôle|fais semblant|joue le rôle|rollenspiel|tu so als|spiel die rolle|finja que|"
        "faça de conta|ролев*|притворись|сыграй роль|представь что ты|ロールプレイ|なりきって|"
        "のふりをして|角色扮演|扮演|假装你是|역할극|롤플레이|인 척|لعب الأدوار|تظاهر بأنك|तقمص|"
        "रोलप्ले|का किरदार",
        2: "act as|you are a|actúa como|agis comme|aja como|演じて|연기해",
    },
    "translate text": {
        3: "translat*|tradu*|übersetz*|переве*|перевод*|翻訳|訳して|翻译|译成|翻成|번역|ترجم*|ترجمة|अनुवाद",
        2: "into english|into spanish|into french|into german|into chinese|into japanese|"
        "how do you say|al inglés|al español|en anglais|en français|auf deutsch|ins englische|"
        "ins deutsche|para o inglês|на английский|на русский|英語に|日本語に|英文|영어로|한국어로|"
        "إلى الإنجليزية|अंग्रेजी में|हिंदी में",
    },
    "summarise text": {
        3: "summar*|tl dr|tldr|resum*|résum*|zusammenfass*|резюмир*|суммир*|"
        "краткое содержание|要約|总结|概括|摘要|归纳|요약|لخص|تلخيص|ملخص|सारांश|संक्षेप",
        2: "fasse|key points|main points|condense|in a few sentences|puntos clave|points clés|"
        "kernpunkte|pontos principais|кратко|まとめ|정리해",
    },
    "edit or proofread text": {
        3: "proofread*|rephrase|reword*|paraphrase|rewrite|correct my|fix the grammar|fix my grammar|"
        "corrige*|corrija|reescrib*|reformul*|korrigier*|korrekturlesen|umformulier*|reescrev*|"
        "отредактир*|перефразир*|исправь текст|校正|添削|言い換え|書き直し|润色|校对|改写|교정|첨삭|"
        "다듬어|صحح|تدقيق|أعد صياغة|प्रूफरीड|संपादित",
        2: "grammar|spelling|edit|improve my|make it sound|more formal|more professional|polish|"
        "gramática|ortografía|revisa|grammaire|orthographe|relis|grammatik|rechtschreibung|ortografia|"
        "revise|граммати*|орфограф*|文法|语法|修改|문법|수정|قواعد|व्याकरण|सुधार",
    },
    "debug code": {
        3: "debug*|traceback|stack trace|segfault|segmentation fault|doesn't compile|won't compile|"
        "depurar|déboguer|отлад*|デバッグ|调试|报错|디버그",
        2: "bug|bugs|error|errors|exception|crash*|not working|doesn't work|does not work|"
        "isn't working|fails|failing|undefined|no funciona|ne fonctionne pas|ne marche pas|"
        "funktioniert nicht|fehler|não funciona|erro|ошибк*|не работает|баг|エラー|バグ|動かない|"
        "错误|不工作|运行不了|오류|에러|버그|작동하지|خطأ|لا يعمل|त्रुटि|एरर|बग",
        1: "fix|arreglar|corregir|beheben|corrigir|исправ*|修正|直して|修复|고쳐|إصلاح|ठीक",
    },
    "write code": {
        3: "write a function|write a script|write code|write a program|write a class|"
        "implement*|coding|programming|escribe un código|écris un code|écris une fonction|"
        "schreibe eine funktion|escreva um código|напиши код|напиши функцию|напиши программу|"
        "コードを書|实现|编程|写代码|写一个函数|코드를 작성|코드 짜|اكتب كود|برمجة|कोड लिखो",
        2: "code|script|function|python|javascript|typescript|java|sql|regex|html|css|bash|api|"
        "program|algorithm|react|django|rust|golang|cpp|csharp|kotlin|swift|php|ruby|"
        "código|función|programa|fonction|programme|funktion|programm|skript|função|"
        "код|функци*|программ*|скрипт|コード|関数|プログラム|スクリプト|代码|函数|程序|脚本|"
        "코드|함수|프로그램|스크립트|كود|دالة|برنامج|कोड|प्रोग्राम|फ़ंक्शन",
    },
    "solve a maths problem": {
        3: "solve for|equation|integral|derivative|prove that|resuelve|ecuación|résous|résoudre|"
        "équation|intégrale|löse|gleichung|resolva|equação|уравнени*|интеграл*|производн*|"
        "方程式|積分|微分|解方程|方程|积分|导数|방정식|적분|معادلة|تكامل|समीकरण",
        2: "solve|calculate|compute|math|maths|algebra|probability|theorem|calcula|matemáticas|"
        "calcule|mathe|berechne|реши*|вычисли*|解いて|計算|计算|求解|数学|풀어|계산|احسب|गणना|गणित",
    },
    "analyse data": {
        3: "analy*|analiz*|analis*|анализ*|分析|분석|تحليل|विश्लेषण",
        2: "data|dataset|csv|statistic*|regression|correlation|spreadsheet|excel|pivot table|"
        "datos|estadística*|données|statistique*|daten|statistik|dados|estatística*|данны*|"
        "статистик*|データ|統計|数据|统计|데이터|통계|بيانات|إحصاء|डेटा|आंकड़े",
        1: "chart|graph|plot|trend*|average|median|gráfico|graphique|diagramm|график|グラフ|图表|그래프",
    },
    "write creative text": {
        3: "short story|poem|poems|lyrics|haiku|limerick|sonnet|fairy tale|screenplay|fan fiction|"
        "write a story|cuento|poema|canción|poème|chanson|conte|gedicht|märchen|canção|conto|"
        "рассказ|стих*|поэм*|песн*|сказк*|物語|詩|歌詞|小説|故事|诗|歌词|小说|写一首|이야기|시를|"
        "소설|가사|동화|قصة|قصيدة|أغنية|رواية|कहानी|कविता|गीत|उपन्यास",
        2: "story|stories|song|fiction|novel|rap|joke|jokes|creative|historia|novela|histoire|"
        "roman|geschichte|lied|história|romance|истори*|ストーリー",
    },
    "write professional text": {
        3: "cover letter|linkedin post|blog post|press release|product description|job description|"
        "carta de presentación|lettre de motivation|anschreiben|carta de apresentação|"
        "сопроводительное письмо|自己紹介文|求职信|자기소개서|سيرة ذاتية",
        2: "email|e mail|letter|resume|cv|essay|article|report|proposal|newsletter|marketing|correo|"
        "carta|currículum|ensayo|artículo|courriel|lettre|dissertation|brief|lebenslauf|aufsatz|"
        "artikel|currículo|redação|artigo|письмо|эссе|статью|статья|メール|手紙|履歴書|記事|エッセイ|"
        "邮件|简历|文章|论文|이메일|편지|이력서|에세이|رسالة|بريد إلكتروني|مقال|ईमेल|पत्र|निबंध|लेख",
    },
    "plan or organise": {
        3: "itinerary|schedule|to do list|meal plan|workout plan|study plan|training plan|roadmap|"
        "itinerario|planifica*|itinéraire|planifi*|emploi du temps|reiseplan|zeitplan|planej*|"
        "roteiro|cronograma|расписани*|маршрут|スケジュール|旅程|日程|行程|规划|일정|스케줄|"
        "جدول|شيڈول|शेड्यूल",
        2: "plan|planning|organi*|agenda|timeline|budget|remind me|reminder|alarm|plano|horario|"
        "organiz*|planen|organisier*|план*|организ*|計画|予定|计划|安排|提醒|闹钟|계획|알람|"
        "خطة|تنظيم|ذكرني|योजना|कार्यक्रम|याद दिला",
    },
    "brainstorm ideas": {
        3: "brainstorm*|come up with|lluvia de ideas|remue méninges|придумай|ブレインストーミング|"
        "头脑风暴|브레인스토밍|عصف ذهني",
        2: "ideas|names for|suggestions for|ideas para|idées|ideen|ideias|иде*|アイデア|想法|点子|"
        "创意|아이디어|أفكار|आइडिया",
    },
    "give advice": {
        3: "advice|should i|what should i|help me decide|how do i deal with|how to deal with|"
        "consejo*|debería|conseil*|devrais je|ratschlag|sollte ich|conselho*|devo|совет*|стоит ли|"
        "что мне делать|アドバイス|べきですか|どうすればいい|建议|怎么办|조언|해야 할까|어떻게 해야|"
        "نصيحة|هل يجب|सलाह|क्या मुझे",
        2: "recommend*|suggest*|tips|is it better|best way to|cope|recomienda*|recommand*|"
        "empfehl*|tipps|recomend*|dicas|порекоменд*|おすすめ|推荐|应该|추천|تنصح|सुझाव",
    },
    "give instructions": {
        3: "step by step|instructions for|walk me through|tutorial|pasos para|paso a paso|étape par étape|"
        "schritt für schritt|anleitung|passo a passo|пошагов*|инструкци*|手順|やり方|步骤|教程|단계별|"
        "خطوات|चरण दर चरण",
        2: "how do i|how can i|how to|how should i|guide|steps to|cómo puedo|cómo hago|cómo se|"
        "comment faire|comment puis je|wie kann ich|wie mache ich|schritte|como posso|como faço|как мне|"
        "как сделать|как можно|どうやって|方法|怎么|如何|어떻게|방법|كيف|طريقة|कैसे|तरीका",
    },
    "explain a concept": {
        3: "explain*|eli5|teach me|in simple terms|difference between|what does * mean|"
        "how does * work|how do * work|explica*|explícame|diferencia entre|explique*|"
        "différence entre|erklär*|unterschied zwischen|diferença entre|объясни*|разница между|"
        "説明|仕組み|解释|原理|설명|اشرح|الفرق بين|समझाइए|समझाओ|समझा",
        2: "what is|what are|how does|why is|why do|why does|meaning of|concept|understand|qué es|"
        "cómo funciona|por qué|significa|qu'est ce que|comment fonctionne|pourquoi|signifie|"
        "was ist|wie funktioniert|warum|bedeutet|o que é|como funciona|por que|что такое|как работает|"
        "почему|означает|とは|なぜ|違い|什么是|是什么|为什么|区别|이란|무엇인가|왜|차이|ما هو|ما هي|"
        "لماذا|كيف يعمل|क्या है|क्यों|अंतर|मतलब",
    },
    "answer a factual question": {
        2: "who was|who is|when did|when was|what year|capital of|how many|how much|is it true|"
        "quién|cuándo|cuántos|cuántas|qui est|quand|combien|wer ist|wann|wie viele|quem|quando|"
        "quantos|кто|когда|сколько|誰|いつ|いくつ|何年|谁|什么时候|多少|哪一年|누구|언제|몇|얼마나|"
        "من هو|متى|كم|कौन|कब|कितने|कितना",
        1: "who|when|where|which|dónde|cuál|où|quel|quelle|wo|welche*|onde|qual|где|какой|どこ|哪里|"
        "哪个|어디|أين|कहाँ",
    },
}
_CODE_FENCE = re.compile(r"```|~~~")
_TRACEBACK = _LazyPattern(
    r"Traceback \(most recent call last\)|\b\w+(?:Error|Exception)\b:|^\s+at [\w.$]+\(|"
    r"\berror(?:\[E\d+\])?:|\bpanicked at\b|Segmentation fault|\b[A-Z][a-z]\w*(?:Error|Exception)\b",
    re.M,
)
_CODE_NAMES = re.compile(r"(?<![\w+#])(?:c\+\+|c#|f#|\.net)(?![\w+#])", re.I)
_ARITHMETIC = re.compile(r"\d\s*[-+*/^×÷=]\s*[\d(x]|\b\d+\s*x\s*[-+]\s*\d")


@cache
def _task_index() -> tuple[_Matcher, tuple[tuple[tuple[str, int], ...], ...]]:
    """One matcher over every task cue; per term, the (label, weight) pairs it votes for."""
    votes: dict[str, list[tuple[str, int]]] = {}
    for label, by_weight in _TASK_CUES.items():
        for weight, spec in by_weight.items():
            for term in _split_terms(spec):
                votes.setdefault(term, []).append((label, weight))
    terms = list(votes)
    return _Matcher(terms), tuple(tuple(votes[t]) for t in terms)


def _task_scores(messages: Messages) -> dict[str, float]:
    matcher, votes = _task_index()
    scores = dict.fromkeys(TASK_LABELS, 0.0)
    for turn, raw in enumerate(t for t in _texts(messages, "user") if t.strip()):
        factor = 1.0 if turn == 0 else 0.5
        if _CODE_FENCE.search(raw):
            scores["write code"] += 1.5 * factor
            scores["debug code"] += 1 * factor
        if _TRACEBACK.search(raw):
            scores["debug code"] += 3 * factor
        text = strip_noise(raw)
        if _CODE_NAMES.search(text):
            scores["write code"] += 2 * factor
        if _ARITHMETIC.search(text):
            scores["solve a maths problem"] += 1 * factor
        if _QUESTION.search(text):
            scores["answer a factual question"] += 0.5 * factor
        for index in {index for index, _, _ in _drop_contained(matcher.find(_normalise(text)))}:
            for label, weight in votes[index]:
                scores[label] += weight * factor
    return scores


def extract_task(messages: Messages, max_chars: int = 120) -> str:
    """Label the task coarsely, by weighted multilingual cue matches (a heuristic).

    Each user turn votes (the first with weight 1, later ones 0.5): every distinct cue found adds
    its weight (3 explicit verb such as "translate", 2 strong noun such as "poem", 1 weak hint) to
    its label(s). A code fence in the raw text adds 1.5 to "write code" and 1 to "debug code"; a
    traceback or compiler error adds 3 to "debug code"; arithmetic adds 1 to "solve a maths
    problem"; a question mark adds 0.5 to "answer a factual question". The best label with a score
    of at least 1 wins (ties: earlier in :data:`TASK_LABELS`), else ``"other"``.

    Parameters
    ----------
    messages : sequence of mapping
        The conversation.
    max_chars : int, default=120
        Maximum length of the label (labels are short; kept for interface symmetry).

    Returns
    -------
    str
        One of :data:`TASK_LABELS`.
    """
    scores = _task_scores(messages)
    best = max(TASK_LABELS, key=lambda label: (scores[label], -TASK_LABELS.index(label)))
    label = best if scores[best] >= 1.0 else "other"
    return _truncate(label, max_chars)


# --------------------------------------------------------------------------------------------
# Concern
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LexiconTerm:
    """One concern-lexicon entry: a term (see the module docstring for its syntax), level and language."""

    term: str
    level: int
    lang: str


# lang -> {level: "term|term|..."}. 2 mild, 3 harmful topic, 4 serious harm to people, 5 severe.
_CONCERN_SOURCE: dict[str, dict[int, str]] = {
    "en": {
        2: "hack|hacks|hacking|hacked|hacker*|lie to|lying to|lie about|cheat|cheats|cheating|cheated|"
        "plagiar*|prank*|insult*|bully*|swear word*|curse word*|cuss word*|dirty joke*|racist|sexist|"
        "slurs|porn*|nude*|revenge|spy on|pick a lock|pick* locks|lockpick*|trespass*|sneak into|"
        "marijuana|cannabis|get high|get drunk|abuse|scam|scams|bribe*|jailbreak*|manipulate someone|"
        "gaslight*|make fun of|threaten*|shoot|weed|roll a joint|rolling a joint|smoke a joint|"
        "home address|residential address|illegal|illegally|without them knowing|without them noticing|"
        "without anyone knowing|get away with|fuck*|motherfuck*|bitch*|cunt*|whore*|slut*|retard*|"
        "bad words|profanity|profane|xanax|adderall|oxycodone|oxycontin|percocet|benzos|opioids|"
        "prostitut*|oral sex|anal sex|blowjob*|handjob*|masturbat*|have sex with|sex with|piracy|"
        "pirated|keygen|cracked version|pirate movies|pirate software|siphon gas",
        3: "steal|steals|stealing|stole|stolen|rob a|rob someone|rob the|robbing|robbery|robbed|"
        "burglar*|shoplift*|pickpocket*|break into|hotwire|counterfeit*|fake id|fake ids|"
        "forge a signature|forged documents|drugs|illegal drug*|cocaine|heroin|meth|methamphetamine|"
        "fentanyl|lsd|mdma|crack cocaine|opium|drunk driving|drive drunk|weapon|weapons|gun|guns|"
        "firearm*|rifle|rifles|pistol*|handgun*|ammunition|silencer|ghost gun|self harm|selfharm|"
        "self injury|suicid*|cut myself|cutting myself|hurt myself|hurting myself|harm myself|"
        "harming myself|want to die|overdose|fraud|phishing|launder*|money laundering|"
        "tax evasion|evade tax*|blackmail*|extort*|smuggl*|harass*|"
        "stalk someone|stalk my|stalk her|stalk him|stalking|stalker*|dox|doxx|"
        "doxxing|doxing|malware|ransomware|keylogger*|ddos|botnet*|crack * password*|crack* password*|"
        "hack into|hurt someone|hurt him|hurt her|hurt people|beat up|beat someone|punch someone|"
        "assault*|racial slur*|n word|bomb|bombs|explosive*|poison|poisoning|set fire to|burn down|"
        "hostage*|death threat*|terroris*|genocide|nuclear weapon*|nuclear bomb|atomic bomb|"
        "vandal*|dead body|hurting people|hurting someone|extermination|without getting caught|"
        "without being caught",
        4: "kill|kills|killed|killing|murder*|assassinat*|strangl*|stab|stabbed|stabbing|behead*|"
        "decapitat*|dismember*|hitman|hit man|hide a body|hide the body|dispose of a body|"
        "dispose of the body|get rid of a body|get rid of the body|rape|raped|raping|rapist*|molest*|"
        "tortur*|kidnap*|arson|massacre|mak* a bomb|build* a bomb|mak* bombs|pipe bomb*|bomb making|"
        "car bomb*|bomb threat*|poison* someone|poison* my|poison* his|poison* her|poison* him|"
        "poison* people|poison* a person|poison* them|shoot someone|shoot him|shoot her|shoot them|"
        "shoot people|shoot my|shoot up|human trafficking|sex trafficking|make meth|cook meth|"
        "synthesi* fentanyl|revenge porn|dirty bomb|ricin|anthrax|botulinum|enrich* uranium|"
        "weaponiz*|3d print* a gun|terrorist attack|mass shooting|school shooting|pedophil*|"
        "paedophil*|end my life|hide a dead body|get away with murder",
        5: "bioweapon*|bio weapon*|biological weapon*|chemical weapon*|nerve agent*|nerve gas|sarin|"
        "tabun|novichok|vx gas|vx nerve|mustard gas|weapon* of mass destruction|mass casualt*|"
        "pandemic pathogen*|mak* a nuclear|build* a nuclear|mak* a dirty bomb|build* a dirty bomb|"
        "child sexual|child porn*|csam|sex with a minor|sex with minors|sex with a child|"
        "sex with children|sex with kids|underage sex*|underage porn*|underage nude*|nude child*|"
        "naked child*|sexualiz* child*|sexualis* child*|sexualiz* minor*|groom* a child|"
        "groom* children|groom* a minor|molest* a child|molest* child*|lolicon|shotacon|"
        "plan* a terrorist attack|plan* a mass shooting|plan* a school shooting|plan* a massacre|"
        "plan* an attack|shoot up a school",
    },
    "es": {
        2: "hackear|hackeo|mentir a|engañar a|hacer trampa|plagiar|insultar|insultos|porno",
        3: "robar|robo|drogas|droga|cocaína|heroína|metanfetamina|arma|armas|pistola|autolesión|"
        "autolesiones|suicidio|suicidarme|cortarme|estafa|estafar|fraude|acoso|acosar|lavar dinero|"
        "lavado de dinero|explosivo|explosivos|veneno|bomba|chantaje*|extorsi*",
        4: "matar|maté|asesinar|asesinato|hacer una bomba|fabricar una bomba|bomba casera|"
        "envenenar|secuestrar|secuestro|violar a|torturar|apuñalar|disparar a|quitarme la vida",
        5: "arma biológica|armas biológicas|arma química|armas químicas|agente nervioso|gas sarín|"
        "abuso sexual infantil|pornografía infantil|sexo con menores|sexo con un menor|"
        "sexo con niños|bomba nuclear|arma nuclear",
    },
    "fr": {
        2: "pirater|piratage|mentir à|tricher|plagiat|insulter|insultes",
        3: "voler de l'argent|vol à l'étalage|cambrioler|cambriolage|dérober|drogue|drogues|cocaïne|"
        "héroïne|arme|armes|pistolet|automutilation|suicide|me suicider|arnaque|escroquerie|fraude|"
        "harcèlement|harceler|blanchir de l'argent|blanchiment|explosif|explosifs|poison|bombe|"
        "chantage",
        4: "tuer|assassiner|meurtre|fabriquer une bombe|faire une bombe|empoisonner|kidnapper|"
        "enlever un enfant|violer|torturer|poignarder|me tuer",
        5: "arme biologique|armes biologiques|arme chimique|armes chimiques|agent neurotoxique|"
        "gaz sarin|pédopornographie|abus sexuel sur|abus sexuels sur|pornographie infantile|"
        "bombe nucléaire|arme nucléaire",
    },
    "de": {
        2: "hacken|anlügen|lügen|schummeln|plagiieren|beleidigen|beleidigung*|pornos",
        3: "stehlen|klauen|diebstahl|drogen*|kokain|heroin|*waffe|*waffen|pistole|selbstverletzung|"
        "suizid|selbstmord|betrug|betrügen|geldwäsche|sprengstoff|erpress*|*bombe|bomben|"
        "einbrechen|einbruch",
        4: "töten|umbringen|ermorden|mord|morden|bombe bauen|eine bombe bauen|vergiften|entführen|"
        "vergewaltigen|foltern|erstechen|erschießen|mich umbringen",
        5: "biowaffe*|chemiewaffe*|chemische waffe*|biologische waffe*|nervengift|nervenkampfstoff*|"
        "kinderpornograf*|kinderpornograph*|kindesmissbrauch|sexueller missbrauch von kindern|"
        "atombombe bauen",
    },
    "pt": {
        2: "hackear|mentir para|colar na prova|trapacear|plagiar|insultar",
        3: "roubar|roubo|drogas|droga|cocaína|heroína|arma|armas|pistola|automutilação|suicídio|"
        "me cortar|fraude|assédio|lavagem de dinheiro|explosivo|explosivos|veneno|bomba|chantagem",
        4: "matar|assassinar|assassinato|fazer uma bomba|fabricar uma bomba|envenenar|sequestrar|"
        "estuprar|torturar|esfaquear|me matar",
        5: "arma biológica|armas biológicas|arma química|armas químicas|agente nervoso|"
        "pornografia infantil|abuso sexual infantil|sexo com menores|sexo com crianças|bomba nuclear",
    },
    "ru": {
        2: "взлом*|обмануть|соврать|списать на экзамене|оскорб*|порно*",
        3: "украсть|украл*|кража|воровать|ворую|наркотик*|кокаин*|героин*|оружи*|пистолет*|"
        "самоповрежд*|суицид*|самоубийств*|мошенничеств*|отмыв* денег|отмывание|взрывчатк*|яд|"
        "бомб*|шантаж*",
        4: "убить|убийств*|убей|убью|убивать|сделать бомбу|изготовить бомбу|отравить|похитить|"
        "изнасил*|пытать|зарезать|застрелить|покончить с собой",
        5: "биологическ* оружи*|химическ* оружи*|нервно паралитическ*|зарин*|детск* порно*|"
        "сексуальн* насили* над детьми|ядерн* бомб*",
    },
    "ja": {
        2: "ハッキング|嘘をつ|カンニング|悪口",
        3: "盗む|盗み|盗ん|万引き|麻薬|覚醒剤|コカイン|ヘロイン|武器|銃|自傷|自殺|リストカット|詐欺|"
        "爆発物|爆弾|脅迫|ハッキングして",
        4: "殺す|殺し|殺害|殺人|爆弾を作|爆弾の作り方|毒殺|毒を盛|誘拐|強姦|レイプ|拷問",
        5: "生物兵器|化学兵器|神経ガス|神経剤|サリン|児童ポルノ|児童への性的|核兵器を作",
    },
    "zh": {
        2: "黑客|破解|作弊|撒谎|抄袭|骗人",
        3: "偷东西|偷钱|盗窃|偷窃|毒品|可卡因|海洛因|冰毒|武器|枪支|自残|自杀|诈骗|洗钱|炸药|爆炸物|"
        "炸弹|敲诈|勒索",
        4: "杀人|杀死|杀掉|谋杀|做炸弹|制作炸弹|造炸弹|下毒|毒死|绑架|强奸|酷刑|刺杀|暗杀|殺人|殺死|"
        "製作炸彈|綁架|強姦",
        5: "生物武器|化学武器|化學武器|神经毒剂|沙林|儿童色情|兒童色情|儿童性|制造核武器",
    },
    "ko": {
        2: "해킹|거짓말|커닝|부정행위",
        3: "훔치|훔쳐|도둑질|마약|코카인|무기|총기|자해|자살|사기를 치|사기 치|사기꾼|폭발물|독약|폭탄|협박",
        4: "죽이|살인|살해|폭탄 만드|폭탄 제조|독살|납치|강간",
        5: "생물무기|생물학 무기|화학무기|화학 무기|신경가스|신경작용제|사린|아동 포르노|아동 성착취|"
        "아동음란물|핵무기 만드",
    },
    "ar": {
        2: "اختراق|غش|كذب|أكذب",
        3: "سرقة|أسرق|يسرق|مخدرات|كوكايين|هيروين|سلاح|أسلحة|مسدس|إيذاء النفس|انتحار|احتيال|"
        "غسيل الأموال|متفجرات|قنبلة|ابتزاز",
        4: "قتل|أقتل|يقتل|اقتل|صنع قنبلة|أصنع قنبلة|يصنع قنبلة|تصنيع قنبلة|صناعة قنبلة|"
        "تسميم|خطف|اغتصاب|تعذيب|طعن",
        5: "سلاح بيولوجي|أسلحة بيولوجية|سلاح كيميائي|أسلحة كيميائية|غاز الأعصاب|سارين|"
        "إباحية الأطفال|استغلال الأطفال جنسيا|سلاح نووي",
    },
    "hi": {
        2: "हैक|झूठ|धोखा",
        3: "चोरी|चुराना|चुराने|ड्रग्स|नशीली दवा*|कोकीन|हथियार|बंदूक|आत्महत्या|खुद को नुकसान|धोखाधड़ी|विस्फोटक|ज़हर|जहर|बम",
        4: "हत्या|जान से मार*|मार डाल*|बम बनाना|बम बनाने|ज़हर देना|जहर देना|अपहरण|बलात्कार|यातना",
        5: "जैविक हथियार|रासायनिक हथियार|नर्व एजेंट|बाल यौन|चाइल्ड पोर्न|परमाणु बम बनाना",
    },
}


def _build_lexicon() -> tuple[LexiconTerm, ...]:
    """Flatten :data:`_CONCERN_SOURCE`; a term listed twice keeps its highest level and first language."""
    entries: dict[str, LexiconTerm] = {}
    for lang, by_level in _CONCERN_SOURCE.items():
        for level, spec in sorted(by_level.items()):
            for term in _split_terms(spec):
                old = entries.get(term)
                if old is None or level > old.level:
                    entries[term] = LexiconTerm(term, level, old.lang if old else lang)
    return tuple(entries.values())


#: Every concern term with its level and language.
CONCERN_LEXICON: tuple[LexiconTerm, ...] = _build_lexicon()

# Benign contexts: a lexicon hit inside one of these spans does not count (matched on normalised text).
_BENIGN_CONTEXTS: tuple[str, ...] = (
    # kill / murder, in computing and idiom
    r"\bkill(?:s|ed|ing)?\s+(?:-\s*\d+|-\w+|%\d)",
    r"\bkill(?:s|ed|ing)?\s+(?:(?:the|a|an|this|that|my|all|any|every|those|these|its|each|old|"
    r"running|stuck|hung|zombie|child|parent|background|python|java|node|chrome|docker|the\s+\w+)\s+){0,3}"
    r"(?:process(?:es)?|pids?|jobs?|tasks?|threads?|servers?|sessions?|apps?|applications?|programs?|"
    r"containers?|pods?|tabs?|commands?|quer(?:y|ies)|connections?|signals?|daemons?|services?|"
    r"terminals?|windows?|instances?|workers?|kernels?|scripts?|loops?|switch(?:es)?|time|"
    r"lights?|engines?|music|noise|weeds?|bacteria|germs?|mold|mould|pests?|ants?|roaches|"
    r"cockroaches|fleas?|bugs?|mosquito(?:e)?s|lice|viruses|virus|mood|vibe|buzz|battery|"
    r"batteries|it\s+(?:on|at)\s+the)\b",
    r"\bkilled\s+by\s+(?:the\s+)?(?:oom|signal|sig\w+|kernel)",
    r"\boom[\s-]+killer|\bkiller\s+(?:feature|app|application|idea)s?\b|\bdressed\s+to\s+kill\b",
    r"\b(?:pain|weed|bug|germ)\s*killers?\b|\bkill\s+switch",
    r"\bmurder\s+myster(?:y|ies)\b",
    # bomb
    r"\bphoto\s*-?\s*bomb\w*|\bbath\s+bombs?\b|\bf\s*-?\s*bombs?\b|\bda\s+bomb\b|\blove\s*-?\s*bomb\w*",
    r"\bbomb(?:ed|s)?\s+(?:the|my|an|a|that)\s+(?:test|exam|interview|audition|presentation|quiz)",
    r"\bbomb\s+(?:calorimeter|cyclone|shelter)s?|\bbombed\s+at\s+the\s+box\s+office|\bzip\s+bomb",
    # hack / cheat
    r"\b(?:life|growth|productivity|cooking|kitchen|study|travel|money|cleaning)\s*-?\s*hacks?\b",
    r"\bhack(?:ed|ing)?\s+(?:together|away\s+at|on\s+(?:a|my|the)\s+(?:project|side))|\bhack\s*(?:day|week)s?\b",
    r"\bhacker\s*(?:news|rank|space|spaces|ethic)\b",
    r"\bcheat\s*-?\s*(?:sheets?|codes?|days?|meals?)\b",
    r"\bweeds?\s+(?:killers?|control|out|barriers?|whackers?|wackers?|eaters?|fabric)\b|"
    r"\bweed(?:ing)?\s+(?:the|my|a|your)\s+(?:garden|lawn|yard|beds?|flower\s*beds?|patio)\b",
    # shoot
    r"\bshoot(?:s|ing)?\s+(?:a\s+|the\s+|some\s+|my\s+|our\s+|me\s+an?\s+|you\s+an?\s+|him\s+an?\s+|"
    r"her\s+an?\s+|them\s+an?\s+)?(?:photos?|pictures?|videos?|films?|movies?|scenes?|footage|"
    r"portraits?|weddings?|hoops|baskets?|basketball|emails?|e-mails?|messages?|texts?|dms?|"
    r"questions?|episodes?|commercials?|campaigns?|models?|raw|jpeg|manual|in\s+raw)\b",
    r"\bphoto\s*-?\s*shoots?\b|\bshoot\s+for\s+the\s+(?:moon|stars)|\btrouble\s*-?\s*shoot\w*",
    # guns, drugs, poison, theft, fraud in ordinary contexts
    r"\b(?:glue|nail|heat|spray|water|nerf|staple|caulk(?:ing)?|grease|squirt|toy|radar|massage|"
    r"airbrush|paint|top|smoking)\s+guns?\b",
    r"\bdrugs?\s+(?:interactions?|store|stores|tests?|testing|discovery|development|trials?|dosage|"
    r"prices|label|labels|approval)\b|\bprescription\s+drugs?\b|\bover\s+the\s+counter\s+drugs?\b",
    r"\b(?:food|lead|carbon\s+monoxide|alcohol|mercury|radiation|blood|salmonella)\s+poisoning\b|"
    r"\bpoison\s+(?:ivy|oak|sumac|control)\b|\bdns\s+(?:cache\s+)?poisoning\b",
    r"\bsteal(?:s|ing)?\s+(?:the\s+show|focus|the\s+spotlight|a\s+base|bases|someone's\s+heart|"
    r"my\s+heart|your\s+heart)|\bwork\s*-?\s*stealing\b",
    r"\bfraud\s+(?:detection|prevention|alerts?)\b|\bimpostor\s+syndrome",
    r"\bbreak\s+into\s+(?:the\s+)?(?:industry|market|field|career|tech|business|acting|modeling|"
    r"show\s+business|music\s+industry|song|tears|a\s+(?:smile|run|sweat|career))\b",
    r"\b(?:long|short|sell|buy)\s+(?:a\s+)?strangles?\b|\bstrangles?\s+(?:strategy|options?|positions?)\b|"
    r"\b(?:request|http|smtp)\s+smuggling\b",
    r"\bstab\s+at\b|\bsuicide\s+(?:squad|doors?|burpees?|sprints?)\b|\bweapons?\s+of\s+math\b",
    r"\bweaponi[sz]ed\s+incompetence\b|\bexplosive\s+(?:growth|diarrh\w*|power|speed|performance|"
    r"flavou?rs?|start|increase|popularity|results?|workouts?|training|exercises?|movements?|strength)\b",
    r"\bkill(?:ing|ed)\s+it\b(?!\s+(?:with|by))|\bkill(?:s|ed|ing)?\s+(?:the\s+|a\s+|all\s+(?:the\s+)?)?"
    r"(?:boss(?:es)?|dragons?|ender\s+dragon|zombies?|creepers?|enem(?:y|ies)|mobs?|monsters?|npcs?)\b",
    # other languages
    r"\bmatar\s+(?:el|un|los|o|os)\s+proces(?:o|os|so|sos)\b|\bmatar\s+(?:el|o)\s+tempo\b|\bmatar\s+el\s+tiempo\b",
    r"\btuer\s+(?:le|un|les)\s+process(?:us)?\b|\btuer\s+le\s+temps\b",
    r"\bbombas?\s+(?:de|d')\s*(?:agua|água|calor|combustible|combustível|gasolina|aire|ar|vacío|vácuo|"
    r"insulina|chaleur|eau)\b|\bviol(?:er|é|ant)\s+(?:la|les|le|une|un|des|l')\s*(?:loi|lois|règles?|"
    r"droits?|contrat|confidentialité|vie\s+privée|conditions|politique)\b",
    r"\bprozess\w*\s+(?:töten|killen|beenden)\b",
    r"\bубить\s+(?:процесс\w*|задач\w*|врем\w*)",
    r"(?:杀死|杀掉|杀|kill|終了|殺)\s*(?:进程|线程|プロセス)|(?:进程|线程|プロセス)\s*を?\s*(?:杀|殺|kill)|杀毒",
    r"(?:프로세스|스레드)\S{0,2}\s*죽이|시간을?\s*죽이|무기력",
    r"قتل\s+(?:ال)?عملي",
)


@cache
def _concern_matcher() -> tuple[_Matcher, re.Pattern[str]]:
    matcher = _Matcher([t.term for t in CONCERN_LEXICON])
    benign = re.compile("|".join(f"(?:{p})" for p in _BENIGN_CONTEXTS))
    return matcher, benign


def concern_score(messages: Messages) -> tuple[int, list[str]]:
    """Score how concerning the user's requests are, 1-5, crudely and auditably, with the terms behind it.

    The user turns (after :func:`strip_noise`) are matched against :data:`CONCERN_LEXICON`
    (English, Spanish, French, German, Portuguese, Russian, Japanese, Chinese, Korean, Arabic and
    Hindi; word-boundary token matching for alphabetic scripts, substring matching for CJK), each
    term tagged with a level: 2 mild ("hack", "lie to", "cheat"), 3 harmful topic ("steal",
    "drugs", "weapon", "self harm"), 4 serious harm to people ("make a bomb", "poison someone",
    "kill"), 5 severe ("bioweapon", "nerve agent", "child sexual"). A hit inside a common benign
    context ("kill the process", "kill -9", "killer feature", "photo bomb", "life hack", "shoot a
    photo", "food poisoning", ...) is dropped. The score is the highest level left, or 1.

    This is a keyword heuristic with high false-positive (topics, fiction, news, safety questions)
    and false-negative (paraphrase, misspelling, context, other languages) rates: a stand-in for a
    model's judgement, for offline runs only.

    Parameters
    ----------
    messages : sequence of mapping
        The conversation.

    Returns
    -------
    score : int
        1 (benign) to 5 (severe).
    terms : list of str
        The lexicon terms that counted, highest level first, then in order of first appearance.
    """
    matcher, benign = _concern_matcher()
    found: dict[str, tuple[int, int, int]] = {}  # term -> (level, turn, position)
    for turn, raw in enumerate(_texts(messages, "user")):
        text = _normalise(strip_noise(raw))
        hits = matcher.find(text)
        if not hits:
            continue
        spans = [m.span() for m in benign.finditer(text)]
        # One term per span: the highest level, then an exact term over a stem ("bombe" over "*bombe").
        hits = [h for h in hits if not any(s <= h[1] and h[2] <= e for s, e in spans)]
        hits = _drop_contained(hits, lambda index: CONCERN_LEXICON[index].level)
        by_span: dict[tuple[int, int], LexiconTerm] = {}
        for index, start, end in hits:
            entry = CONCERN_LEXICON[index]
            old = by_span.get((start, end))
            if old is None or (entry.level, "*" not in entry.term) > (old.level, "*" not in old.term):
                by_span[(start, end)] = entry
        for (start, _end), entry in by_span.items():
            key = (entry.level, turn, start)
            if entry.term not in found or found[entry.term][1:] > key[1:]:
                found[entry.term] = key
    if not found:
        return 1, []
    ordered = sorted(found, key=lambda t: (-found[t][0], found[t][1], found[t][2], t))
    return found[ordered[0]][0], ordered


# --------------------------------------------------------------------------------------------
# Computed facets
# --------------------------------------------------------------------------------------------


def computed_facets(messages: Messages) -> dict[str, int]:
    """Facets computed directly from the messages, no heuristics involved.

    Parameters
    ----------
    messages : sequence of mapping
        The conversation.

    Returns
    -------
    dict of str to int
        ``n_turns`` (user messages), ``n_messages`` (all messages), ``user_chars`` and
        ``assistant_chars`` (characters of user and assistant content).
    """
    user = _texts(messages, "user")
    assistant = _texts(messages, "assistant")
    return {
        "n_turns": len(user),
        "n_messages": len(messages),
        "user_chars": sum(map(len, user)),
        "assistant_chars": sum(map(len, assistant)),
    }


def _iter_lexicon_text() -> Iterable[str]:
    """Every lexicon string, in a stable order (for digests in tests and fingerprints)."""
    yield from LANGUAGES
    yield from _REQUEST_CUES
    yield from _REQUEST_START_CUES
    for label, by_weight in _TASK_CUES.items():
        for weight, spec in sorted(by_weight.items()):
            yield f"{label}:{weight}:{spec}"
    for entry in CONCERN_LEXICON:
        yield f"{entry.lang}:{entry.level}:{entry.term}"
    yield from _BENIGN_CONTEXTS
