"""Normalisation, the term matcher and the lexicons behind cliokit's offline facet heuristics.

Lexicon terms use a tiny pattern syntax, matched on NFC-normalised, case-folded text:

* words are separated by spaces; a term matches a run of consecutive word tokens (punctuation,
  hyphens and apostrophes between words are ignored, so ``"self harm"`` also matches
  ``"self-harm"``);
* ``word*`` matches any token starting with ``word``, ``*word`` any token ending with it, and a
  lone ``*`` any one token;
* Arabic tokens also match after the common clitic prefixes (``ال``, ``و``, ``ب``, ...);
* terms containing Chinese, Japanese or Korean characters are matched as plain substrings.

The lexicons are data (``cliokit/data/heuristics_lexicons.json``), read on first use.
"""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

logger = logging.getLogger(__name__)

#: Bump it whenever any of them changes: run fingerprints include it, so cached offline facets are
#: recomputed.
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
# Runs of horizontal space, and lone spaces other than " ": what becomes one " ".
_HSPACE = re.compile(r"[^\S\n]{2,}|[^\S\n ]")
_ASCII_DIGIT = re.compile("[0-9]")
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
    # Each pattern runs only on text holding a string it cannot match without (most text has none).
    out = _FENCED.sub("\n", text) if "```" in text or "~~~" in text else text
    if "`" in out:
        out = _INLINE_CODE.sub(" ", out)
    if "](" in out:
        out = _MD_LINK.sub(r"\1", out)
    if "://" in out or "www." in out:
        out = _URL.sub(" ", out)
    if "@" in out:
        out = _EMAIL.sub(" ", out)
    if "[" in out or "<" in out or "{{" in out:
        out = _PLACEHOLDER.sub(" ", out)
    if "-" in out:
        out = _UUID.sub(" ", out)
    out = _HEX.sub(" ", out)
    if _ASCII_DIGIT.search(out):  # a blob without a digit is kept
        out = _BLOB.sub(_is_blob, out)
    if "(" in out or "[" in out:
        out = _EMPTY_BRACKETS.sub(" ", out)
    out = _HSPACE.sub(" ", out)
    out = _SPACE_BEFORE_PUNCT.sub(r"\1", out)
    out = "\n".join(line.strip() for line in out.split("\n"))
    if "\n\n\n" in out:
        out = _BLANK_LINES.sub("\n\n", out)
    return out.strip()


def _normalise(text: str) -> str:
    """NFC, case-folded, with typographic apostrophes made plain: the form lexicons match on."""
    return unicodedata.normalize("NFC", text).casefold().replace("\u2019", "'").replace("\u02bc", "'")


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


_MEMO_LIMIT = 200_000  # distinct tokens a matcher remembers the first-token candidates of


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
        self._memo: dict[str, tuple[tuple[int, tuple[_Pat, ...]], ...]] = {}  # token -> _first(token)

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
        tokens: list[str] = _TOKEN.findall(text)
        spans: list[tuple[int, int]] = []  # of the tokens, found once a term starts
        memo = self._memo
        for i, token in enumerate(tokens):
            firsts = memo.get(token)
            if firsts is None:
                if len(memo) >= _MEMO_LIMIT:
                    memo.clear()
                firsts = memo[token] = tuple(self._first(token))
            for index, rest in firsts:
                if i + len(rest) >= len(tokens):
                    continue
                if all(pat.ok(tokens[i + 1 + j]) for j, pat in enumerate(rest)):
                    spans = spans or [m.span() for m in _TOKEN.finditer(text)]
                    hits.append((index, spans[i][0], spans[i + len(rest)][1]))
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


# --------------------------------------------------------------------------------------------
# Lexicon data
# --------------------------------------------------------------------------------------------

# Levels or weights -> terms, keyed by a task label or a language.
_Leveled = dict[str, dict[int, tuple[str, ...]]]


@cache
def _lexicon_data() -> dict[str, Any]:
    """Read ``cliokit/data/heuristics_lexicons.json`` once, on first use (it also works from a wheel).

    Its tables: ``request_cues`` (by language) and ``request_start_cues``, for
    :func:`extract_request`; ``task_cues`` (label -> weight -> terms), for :func:`extract_task`;
    ``concern_terms`` (language -> level -> terms) and ``benign_contexts`` (regular expressions, by
    topic), for :func:`concern_score`. Terms keep the file's order, which the matchers and the
    lexicon digest depend on.
    """
    from importlib.resources import files  # costs milliseconds: not at import

    resource = files("cliokit") / "data" / "heuristics_lexicons.json"
    data: dict[str, Any] = json.loads(resource.read_text(encoding="utf-8"))
    return data


def _flatten(groups: Mapping[str, Sequence[str]]) -> tuple[str, ...]:
    return tuple(item for items in groups.values() for item in items)


def _leveled(table: Mapping[str, Mapping[str, Sequence[str]]]) -> _Leveled:
    """Turn ``{key: {"3": [term, ...]}}`` from JSON into ``{key: {3: (term, ...)}}``, order kept."""
    return {
        key: {int(level): tuple(terms) for level, terms in by_level.items()}
        for key, by_level in table.items()
    }


@cache
def _request_cues() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Return the request cues, and the request cues that only count near the start of a sentence.

    The first are cues that a sentence asks for something, in many languages, weighted equally; the
    second imperatives and question words that are also ordinary words elsewhere ("a list of", "the
    file which", German "wie" = "like").
    """
    data = _lexicon_data()
    return _flatten(data["request_cues"]), tuple(data["request_start_cues"])


@cache
def _task_cues() -> _Leveled:
    """Label -> {weight: terms}; weight 3 = explicit verb, 2 = strong noun, 1 = weak hint."""
    return _leveled(_lexicon_data()["task_cues"])


@cache
def _concern_source() -> _Leveled:
    """Language -> {level: terms}. 2 mild, 3 harmful topic, 4 serious harm to people, 5 severe."""
    return _leveled(_lexicon_data()["concern_terms"])


@cache
def _benign_contexts() -> tuple[str, ...]:
    """Benign contexts: a concern hit inside one of these spans (in normalised text) does not count."""
    return _flatten(_lexicon_data()["benign_contexts"])


# --------------------------------------------------------------------------------------------
# Concern
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LexiconTerm:
    """One concern-lexicon entry: a term (see the module docstring for its syntax), level and language."""

    term: str
    level: int
    lang: str


@cache
def _concern_lexicon() -> tuple[LexiconTerm, ...]:
    """Flatten the concern terms; a term listed twice keeps its highest level and first language."""
    entries: dict[str, LexiconTerm] = {}
    for lang, by_level in _concern_source().items():
        for level, terms in sorted(by_level.items()):
            for term in terms:
                old = entries.get(term)
                if old is None or level > old.level:
                    entries[term] = LexiconTerm(term, level, old.lang if old else lang)
    return tuple(entries.values())


#: Every concern term with its level and language (read from the lexicon file on first access).
CONCERN_LEXICON: tuple[LexiconTerm, ...]


def __getattr__(name: str) -> Any:
    if name == "CONCERN_LEXICON":
        value = globals()[name] = _concern_lexicon()
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@cache
def _benign_pattern() -> re.Pattern[str]:
    """One pattern over every benign context (see :func:`_benign_contexts`)."""
    return re.compile("|".join(f"(?:{p})" for p in _benign_contexts()))


def _iter_lexicon_text() -> Iterable[str]:
    """Every lexicon string, in a stable order (for digests in tests and fingerprints)."""
    yield from LANGUAGES
    for cues in _request_cues():
        yield from cues
    for label, by_weight in _task_cues().items():
        for weight, terms in sorted(by_weight.items()):
            yield f"{label}:{weight}:{'|'.join(terms)}"
    for entry in _concern_lexicon():
        yield f"{entry.lang}:{entry.level}:{entry.term}"
    yield from _benign_contexts()
