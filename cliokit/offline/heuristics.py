"""Offline facets: transparent, model-free heuristics in place of a model's facet answers.

Clio asks a language model for a few "facets" of each conversation (the user's request, the
task, the language and a 1-5 "concerning" score). With no model, cliokit computes them with the
heuristics here: regular expressions, small multilingual cue lexicons (:mod:`._lexicon`) and
`py3langid <https://pypi.org/project/py3langid/>`_. They are a stand-in for a model, not a
replacement: expect many false positives and false negatives, above all for
:func:`concern_score`.

Every function takes a conversation's messages: a sequence of mappings
``{"role": "system"|"user"|"assistant"|"tool", "content": str}`` whose text has already been
PII-scrubbed. Placeholders such as ``[EMAIL_ADDRESS]`` are removed by :func:`strip_noise` and
never appear in outputs.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from functools import cache
from typing import Any

from cliokit.offline._courtesy import _DIGIT_RUN, iter_clean_sentences, remove_identifiers
from cliokit.offline._language import _language_of
from cliokit.offline._lexicon import (
    _BLOB,
    _CJK_CHAR,
    _CJK_RANGES,
    _EMAIL,
    _HEX,
    _MARKS,
    _PLACEHOLDER,
    _TOKEN,
    _URL,
    _UUID,
    LexiconTerm,
    Messages,
    _benign_pattern,
    _concern_lexicon,
    _drop_contained,
    _is_blob,
    _LazyPattern,
    _Matcher,
    _normalise,
    _request_cues,
    _task_cues,
    strip_noise,
)
from cliokit.text import role_texts as _texts

logger = logging.getLogger(__name__)


class _Turns:
    """A conversation's user turns, each cleaned and normalised at most once, with sentence scores memoised.

    Every heuristic reads the user turns after :func:`strip_noise`, several after
    :func:`_normalise`, and the request and topic heuristics score the same sentences; one
    object per conversation does that work once for all of them.
    """

    __slots__ = ("_clean", "_folded", "_hits", "_scores", "texts")

    def __init__(self, messages: Messages) -> None:
        self.texts = _texts(messages, "user")
        self._clean: dict[int, str] = {}
        self._folded: dict[int, str] = {}
        self._hits: dict[int, list[tuple[int, int, int]]] = {}
        self._scores: dict[str, float] = {}

    def clean(self, i: int) -> str:
        """:func:`strip_noise` of turn ``i``."""
        if i not in self._clean:
            self._clean[i] = strip_noise(self.texts[i])
        return self._clean[i]

    def folded(self, i: int) -> str:
        """:func:`_normalise` of :meth:`clean` of turn ``i`` (what lexicons match on)."""
        if i not in self._folded:
            self._folded[i] = _normalise(self.clean(i))
        return self._folded[i]

    def hits(self, i: int) -> list[tuple[int, int, int]]:
        """Task cues and concern terms in :meth:`folded` turn ``i``, as :func:`_turn_matcher` finds them."""
        if i not in self._hits:
            self._hits[i] = _turn_matcher().find(self.folded(i))
        return self._hits[i]

    def score(self, sentence: str) -> float:
        """:func:`_sentence_score` of ``sentence``."""
        if sentence not in self._scores:
            self._scores[sentence] = _sentence_score(sentence)
        return self._scores[sentence]


def offline_facets(
    messages: Messages, request_max_chars: int = 200, topic_max_chars: int = 1000
) -> dict[str, Any]:
    """Every offline facet of one conversation, reading each user turn once.

    Parameters
    ----------
    messages : sequence of mapping
        The conversation (already PII-scrubbed).
    request_max_chars : int, default=200
        ``max_chars`` of :func:`extract_request` and :func:`extract_task`.
    topic_max_chars : int, default=1000
        ``max_chars`` of :func:`topic_text`.

    Returns
    -------
    dict
        ``request``, ``task``, ``language``, ``concerning`` and ``topic``: what
        :func:`extract_request`, :func:`extract_task`, :func:`detect_language`,
        :func:`concern_score` (its score) and :func:`topic_text` return.
    """
    turns = _Turns(messages)
    return {
        "request": _request(turns, request_max_chars),
        "task": _task(turns, request_max_chars),
        "language": _language(turns),
        "concerning": _concern(turns)[0],
        "topic": _topic(turns, topic_max_chars),
    }


# --------------------------------------------------------------------------------------------
# Language
# --------------------------------------------------------------------------------------------


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
        return _language_of(strip_noise(messages_or_text))
    return _language(_Turns(messages_or_text))


def _language(turns: _Turns) -> str:
    # One turn is its own "\n"-join: its cleaned text is already at hand.
    return _language_of(turns.clean(0) if len(turns.texts) == 1 else strip_noise("\n".join(turns.texts)))


# --------------------------------------------------------------------------------------------
# Request
# --------------------------------------------------------------------------------------------

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
    cues, start_cues = _request_cues()
    return _Matcher(cues + start_cues), len(cues)


def _sentences(text: str) -> list[str]:
    parts = (s.strip() for s in _SENTENCE_SPLIT.split(text))
    return [s for s in parts if s and any(c.isalpha() for c in s)]


def _sentence_score(sentence: str) -> float:
    if _GREETING.match(sentence):
        return -1.0
    score = 2.0 if _QUESTION.search(sentence) else 0.0
    matcher, n_anywhere = _request_matcher()
    folded = _normalise(sentence)
    hits = matcher.find(folded)
    cues = {index for index, _, _ in hits if index < n_anywhere}
    if any(index >= n_anywhere for index, _, _ in hits):  # these count up to the first non-lead-in word
        head = _head_offset(folded)
        cues.update(index for index, start, _ in hits if start <= head)
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


def _best_sentences(sentences: list[str], budget: int, score: Callable[[str], float]) -> str:
    """The most request-like sentence of ``text`` first, then its other sentences while they fit.

    Other request-like sentences come before plain ones, each group in text order; greetings are
    dropped. The context sentences matter: they usually carry the topic ("I have a pandas
    dataframe."), while the request sentence is often generic ("Where is my mistake?"). Measured
    on the bundled example, keeping them raised subtopic NMI of k-means on the request facet
    from 0.76 to 0.90. Context sentences with a run of three or more digits are left out: they are
    where the identifiers the pre-scrub cannot recognise sit (birth dates, house numbers,
    national ids, customer numbers). On the 10k synthetic evaluation set this cut the conversations
    whose planted details reach the request facet from 7.0% to 5.1% (birth dates 122 → 4, ids
    131 → 23, addresses 120 → 5), at a cost of subtopic NMI 0.904 → 0.882 on the bundled example.
    """
    if not sentences:
        return ""
    scores = [score(s) for s in sentences]
    best = max(range(len(sentences)), key=lambda i: (scores[i], -i))
    rest = [i for i in range(len(sentences)) if i != best and not _DIGIT_RUN.search(sentences[i])]
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
    return _request(_Turns(messages), max_chars)


def _request(turns: _Turns, max_chars: int) -> str:
    if max_chars < 1:
        raise ValueError(f"max_chars must be at least 1, got {max_chars}")
    kept = [i for i, t in enumerate(turns.texts) if t.strip()]
    if not kept:
        return ""
    split: dict[int, list[str]] = {}  # the sentences of the k-th kept turn, split when first needed

    def sentences_of(k: int) -> list[str]:
        if k not in split:
            split[k] = _sentences(remove_identifiers(turns.clean(kept[k])))
        return split[k]

    # The first turn with a non-greeting sentence, else the first with any sentence at all.
    readable = (k for k in range(len(kept)) if sentences_of(k))
    first = next((k for k in readable if any(turns.score(x) >= 0 for x in split[k])), None)
    if first is None:
        first = next((k for k in range(len(kept)) if split[k]), None)
    if first is None:
        raw_turns = (turns.texts[i] for i in kept)
        fallback = next((f for f in map(_fallback_text, raw_turns) if f), _NO_TEXT)
        return _truncate(fallback, max_chars)
    parts = [_truncate(_best_sentences(split[first], max_chars, turns.score), max_chars)]
    used = len(parts[0])
    for k in range(first + 1, len(kept)):
        room = max_chars - used - len(_SEPARATOR)
        if room < 20 or used >= _SHORT_REQUEST:
            break
        sentences = sentences_of(k)
        if not sentences:
            continue
        scores = [turns.score(s) for s in sentences]
        best = max(range(len(sentences)), key=lambda i: (scores[i], -i))
        if scores[best] <= 0 or any(sentences[best] in p for p in parts):
            continue
        gist = _truncate(sentences[best], room)
        parts.append(gist)
        used += len(_SEPARATOR) + len(gist)
    return _SEPARATOR.join(parts)


def topic_text(messages: Messages, max_chars: int = 1000) -> str:
    """The user's turns without the sentences that say nothing about the topic: what offline runs embed.

    Every user turn is split into sentences; greetings, thanks, self-introductions and sentences
    holding identifiers are dropped by the general rules of :mod:`._courtesy`, the rest is passed
    through :func:`strip_noise` and joined, and the result is cut at ``max_chars``. When nothing is
    left, :func:`extract_request`'s text is used. On the public and synthetic sets this clusters
    better than the request excerpt alone (``bench/bench_quality.py``, part B: Arena-Hard v2.0
    subcategory NMI 0.662 → 0.698, synthetic subtopic NMI 0.578 → 0.609).

    Parameters
    ----------
    messages : sequence of mapping
        The conversation (already PII-scrubbed).
    max_chars : int, default=1000
        Maximum length of the result.

    Returns
    -------
    str

    Examples
    --------
    >>> topic_text([{"role": "user", "content": "Hi there! I'm a teacher. How do I grade essays fairly?"}])
    'How do I grade essays fairly?'
    """
    return _topic(_Turns(messages), max_chars)


def _topic(turns: _Turns, max_chars: int) -> str:
    kept: list[str] = []
    length = -1  # of " ".join(kept); past max_chars, more text cannot change the cut
    for turn in turns.texts:
        if not turn.strip():
            continue
        for clean in map(strip_noise, iter_clean_sentences(_sentences(turn), turns.score)):
            if clean:
                kept.append(clean)
                length += 1 + len(clean)
                if length > max_chars:
                    return _truncate(" ".join(kept), max_chars)
    return _truncate(" ".join(kept), max_chars) if kept else _request(turns, max_chars)


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

_CODE_FENCE = re.compile(r"```|~~~")
_TRACEBACK_TEXT = (
    r"Traceback \(most recent call last\)|^\s+at [\w.$]+\(|"
    r"\berror(?:\[E\d+\])?:|\bpanicked at\b|Segmentation fault"
)
# The error-name alternatives are slow (a word is matched, then backed off): only text holding
# "Error" or "Exception" needs them.
_TRACEBACK = _LazyPattern(
    _TRACEBACK_TEXT + r"|\b\w+(?:Error|Exception)\b:|\b[A-Z][a-z]\w*(?:Error|Exception)\b", re.M
)
_TRACEBACK_NO_NAME = _LazyPattern(_TRACEBACK_TEXT, re.M)
_CODE_NAMES = re.compile(r"(?<![\w+#])(?:c\+\+|c#|f#|\.net)(?![\w+#])", re.I)
_ARITHMETIC = re.compile(r"\d\s*[-+*/^×÷=]\s*[\d(x]|\b\d+\s*x\s*[-+]\s*\d")


@cache
def _task_votes() -> tuple[tuple[str, ...], tuple[tuple[tuple[str, int], ...], ...]]:
    """Every task cue, and per cue the (label, weight) pairs it votes for."""
    votes: dict[str, list[tuple[str, int]]] = {}
    for label, by_weight in _task_cues().items():
        for weight, cues in by_weight.items():
            for cue in cues:
                votes.setdefault(cue, []).append((label, weight))
    terms = tuple(votes)
    return terms, tuple(tuple(votes[t]) for t in terms)


@cache
def _turn_matcher() -> _Matcher:
    """One matcher over the task cues, then the concern terms: each user turn is read once for both."""
    return _Matcher(_task_votes()[0] + tuple(entry.term for entry in _concern_lexicon()))


def _task_scores(turns: _Turns) -> dict[str, float]:
    votes = _task_votes()[1]
    scores = dict.fromkeys(TASK_LABELS, 0.0)
    kept = [i for i, t in enumerate(turns.texts) if t.strip()]
    for turn, i in enumerate(kept):
        raw = turns.texts[i]
        factor = 1.0 if turn == 0 else 0.5
        if _CODE_FENCE.search(raw):
            scores["write code"] += 1.5 * factor
            scores["debug code"] += 1 * factor
        if (_TRACEBACK if "Error" in raw or "Exception" in raw else _TRACEBACK_NO_NAME).search(raw):
            scores["debug code"] += 3 * factor
        text = turns.clean(i)
        if _CODE_NAMES.search(text):
            scores["write code"] += 2 * factor
        if _ARITHMETIC.search(text):
            scores["solve a maths problem"] += 1 * factor
        if _QUESTION.search(text):
            scores["answer a factual question"] += 0.5 * factor
        cues = [hit for hit in turns.hits(i) if hit[0] < len(votes)]
        for index in {index for index, _, _ in _drop_contained(cues)}:
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
    return _task(_Turns(messages), max_chars)


def _task(turns: _Turns, max_chars: int) -> str:
    scores = _task_scores(turns)
    best = max(TASK_LABELS, key=lambda label: (scores[label], -TASK_LABELS.index(label)))
    label = best if scores[best] >= 1.0 else "other"
    return _truncate(label, max_chars)


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
    return _concern(_Turns(messages))


def _concern(turns: _Turns) -> tuple[int, list[str]]:
    benign = _benign_pattern()
    lexicon = _concern_lexicon()
    n_cues = len(_task_votes()[0])  # concern terms follow the task cues in the turn matcher
    found: dict[str, tuple[int, int, int]] = {}  # term -> (level, turn, position)
    for turn in range(len(turns.texts)):
        hits = [(index - n_cues, start, end) for index, start, end in turns.hits(turn) if index >= n_cues]
        if not hits:
            continue
        text = turns.folded(turn)
        spans = [m.span() for m in benign.finditer(text)]
        # One term per span: the highest level, then an exact term over a stem ("bombe" over "*bombe").
        hits = [h for h in hits if not any(s <= h[1] and h[2] <= e for s, e in spans)]
        hits = _drop_contained(hits, lambda index: lexicon[index].level)
        by_span: dict[tuple[int, int], LexiconTerm] = {}
        for index, start, end in hits:
            entry = lexicon[index]
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
