"""Text helpers shared by the stages and the offline components.

Content terms for keywords (:func:`tokenize`, a multilingual stop list), merging children's
keywords into a parent's, message text access and token counts (:func:`estimate_tokens`).
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

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


#: The BPE encoding token budgets are counted in (GPT-4o's; Claude's tokenizer is not public).
BPE_ENCODING = "o200k_base"


@functools.cache
def _encoder() -> Any:
    """The :data:`BPE_ENCODING` tokenizer, loaded on first use (its vocabulary ships in ``quicktok``)."""
    import quicktok

    return quicktok.get_encoding(BPE_ENCODING)


def estimate_tokens(text: str) -> int:
    """Count the tokens of ``text`` with the ``o200k_base`` BPE tokenizer.

    The count is exact for OpenAI's GPT-4o family and an estimate for other models: Claude's
    tokenizer is not public. Digits, code and non-Latin scripts are counted as the tokenizer
    splits them, not by characters. The vocabulary ships with the ``quicktok-v1`` package and
    is loaded on the first call (about a second); nothing is downloaded.

    Parameters
    ----------
    text : str
        The text to measure.

    Returns
    -------
    int
        The number of tokens; 0 for empty text.

    Examples
    --------
    >>> estimate_tokens("The quick brown fox jumps over the lazy dog.")
    10
    >>> estimate_tokens("| 1234.56 | 7890.12 |")
    13
    """
    if not text:
        return 0
    try:
        return int(_encoder().count(text))
    except TypeError:  # lone surrogates (JSON escapes) have no UTF-8 form: count each as "?"
        return int(_encoder().count(text.encode("utf-8", "replace").decode("utf-8")))


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


def parent_keywords(
    keyword_lists: Sequence[Sequence[str]],
    sizes: Sequence[int],
    parent_of_child: np.ndarray,
    n_parents: int,
    n: int,
) -> list[list[str]]:
    """Keywords of each parent, down-weighting terms that many parents share (c-TF-IDF at this level)."""
    holders: dict[str, set[int]] = {}
    for kws, p in zip(keyword_lists, parent_of_child.tolist(), strict=True):
        for k in kws:
            holders.setdefault(k, set()).add(p)
    idf = {k: float(np.log(1 + n_parents / len(ps))) for k, ps in holders.items()}
    return [
        merge_keywords(
            [k for k, p in zip(keyword_lists, parent_of_child, strict=True) if p == q],
            [s for s, p in zip(sizes, parent_of_child, strict=True) if p == q],
            n,
            idf,
        )
        for q in range(n_parents)
    ]


# --- Content words in any script: maintained stop-word lists and dictionary-based CJK segmenters ---

#: Languages whose stop words :func:`stopwords` removes by default (those of the synthetic suite).
STOPWORD_LANGUAGES: tuple[str, ...] = ("en", "es", "fr", "de", "pt", "ru", "ja", "zh", "ko", "ar", "hi")

_KANA_RE = re.compile(f"[{_HIRAGANA}{_KATAKANA}]")
_HANGUL_RE = re.compile(f"[{_HANGUL}\u1100-\u11ff\u3130-\u318f]")
_HAN_RE = re.compile(f"[{_HAN}]")
_HAN_BLOCK_RE = re.compile(f"[{_HAN}]+")
_JOIN_RE = re.compile(f"[{_HAN}{_KATAKANA}{_HIRAGANA}]")
# Korean parts of speech that carry content (Sejong tags): common and proper nouns, foreign words, hanja.
_KIWI_CONTENT = frozenset({"NNG", "NNP", "SL", "SH"})
# Japanese (UniDic) nouns that are not content: numerals and the like.
_JA_NOT_CONTENT = frozenset({"数詞", "助動詞語幹"})


def stopwords(languages: Sequence[str] = STOPWORD_LANGUAGES) -> frozenset[str]:
    """The union of the stopwords-iso lists of ``languages`` (ISO 639-1 codes), lowercased.

    Parameters
    ----------
    languages : sequence of str, default=STOPWORD_LANGUAGES
        ISO 639-1 codes.

    Returns
    -------
    frozenset of str

    Raises
    ------
    ConfigError
        A language has no stopwords-iso list.

    Examples
    --------
    >>> {"the", "über", "关于"} <= stopwords()
    True
    """
    return _stopwords(tuple(sorted(set(languages))))


@functools.cache
def _stopwords(languages: tuple[str, ...]) -> frozenset[str]:
    from cliokit.errors import ConfigError, MissingDependencyError

    try:
        import stopwordsiso
    except ImportError as e:  # pragma: no cover - a declared dependency
        raise MissingDependencyError("stopwordsiso", purpose="multilingual stop words") from e
    missing = [code for code in languages if not stopwordsiso.has_lang(code)]
    if missing:
        raise ConfigError(f"stop-word languages must be ISO 639-1 codes stopwords-iso covers; got {missing}")
    return frozenset(w.lower() for code in languages for w in stopwordsiso.stopwords(code))


def text_script(text: str) -> str:
    """The segmenter ``text`` needs: ``"ja"`` (kana), ``"ko"`` (Hangul), ``"zh"`` (Han) or ``"other"``.

    Examples
    --------
    >>> [text_script(t) for t in ["東京の天気", "서울 날씨", "北京天气", "météo"]]
    ['ja', 'ko', 'zh', 'other']
    """
    if _KANA_RE.search(text):
        return "ja"
    if _HANGUL_RE.search(text):
        return "ko"
    if _HAN_RE.search(text):
        return "zh"
    return "other"


def content_runs(text: str, stop: frozenset[str] | None = None) -> list[list[str]]:
    """Runs of adjacent content words of ``text``, lowercased, in order.

    Words come from a dictionary segmenter chosen by :func:`text_script` (jieba for Chinese,
    MeCab/UniDic through fugashi for Japanese, Kiwi for Korean) or, for other scripts, from
    letters and combining marks. A word is content when it has a letter, at least two
    characters, is not in ``stop`` and (Japanese, Korean) is tagged as a noun or foreign word.
    A run ends at punctuation, at a scrubbed ``[PLACEHOLDER]`` and at any word that is not content,
    so a phrase made from a run never spans a stop word.

    Parameters
    ----------
    text : str
        Any text.
    stop : frozenset of str, optional
        Stop words (default: :func:`stopwords` of :data:`STOPWORD_LANGUAGES`).

    Returns
    -------
    list of list of str

    Examples
    --------
    >>> content_runs("How do I fix pandas merge errors in Python?")
    [['pandas', 'merge', 'errors'], ['python']]
    >>> content_runs("请帮我制定一个健身计划")
    [['制定'], ['健身', '计划']]
    """
    stop = stopwords() if stop is None else stop
    text = _PLACEHOLDER.sub("|", text)
    runs: list[list[str]] = []
    run: list[str] = []
    end = 0
    for start, stop_at, tagged in _spans(text):
        word = text[start:stop_at].lower()
        content = tagged and _is_content(word, stop)
        if text[end:start].strip() or not content:
            if run:
                runs.append(run)
            run = []
        if content:
            run.append(word)
        end = stop_at
    if run:
        runs.append(run)
    return runs


def segment_words(text: str, script: str | None = None) -> list[str]:
    """Every word of ``text``, lowercased, from the segmenter :func:`content_runs` uses (nothing dropped).

    ``script`` forces a segmenter (``"ja"``, ``"ko"``, ``"zh"``, ``"other"``; default: :func:`text_script`).

    Examples
    --------
    >>> segment_words("Fix the bug, please!")
    ['fix', 'the', 'bug', 'please']
    """
    words = (text[s:e].lower() for s, e, _ in _spans(text, script))
    return [w for w in words if any(ch.isalnum() for ch in w)]


def _spans(text: str, script: str | None = None) -> list[tuple[int, int, bool]]:
    """``(start, end, content_tag)`` of each token; ``content_tag`` is False for non-noun Japanese/Korean."""
    script = script or text_script(text)
    if script == "zh":  # jieba for the Han, the word pattern for the rest (jieba splits "über")
        spans = []
        pos = 0
        for block in _HAN_BLOCK_RE.finditer(text):
            spans += [
                (m.start() + pos, m.end() + pos, True) for m in _word_re().finditer(text[pos : block.start()])
            ]
            spans += [
                (s + block.start(), e + block.start(), True) for _, s, e in _jieba().tokenize(block.group())
            ]
            pos = block.end()
        spans += [(m.start() + pos, m.end() + pos, True) for m in _word_re().finditer(text[pos:])]
    elif script == "ja":
        spans = _fugashi_spans(text)
    elif script == "ko":
        spans = [(t.start, t.end, t.tag in _KIWI_CONTENT) for t in _kiwi().tokenize(text)]
    else:
        spans = [(m.start(), m.end(), True) for m in _word_re().finditer(text)]
    return [x for x in spans if text[x[0] : x[1]].strip()]


def join_words(words: Sequence[str]) -> str:
    """Words as a phrase: no space between two Han or kana words, one space elsewhere.

    Examples
    --------
    >>> join_words(["健身", "计划"]), join_words(["pandas", "errors"])
    ('健身计划', 'pandas errors')
    """
    out = words[0] if words else ""
    for word in words[1:]:
        glue = _JOIN_RE.match(out[-1]) and _JOIN_RE.match(word[0])
        out += word if glue else f" {word}"
    return out


def _is_content(word: str, stop: frozenset[str]) -> bool:
    return len(word) >= 2 and any(ch.isalpha() for ch in word) and word not in stop


@functools.cache
def _word_re() -> Any:
    import regex

    return regex.compile(r"[\p{L}\p{N}][\p{L}\p{M}\p{N}]*")


@functools.cache
def _jieba() -> Any:
    from cliokit.errors import MissingDependencyError

    try:
        import jieba
    except ImportError as e:  # pragma: no cover - a declared dependency
        raise MissingDependencyError("jieba", purpose="Chinese word segmentation") from e
    jieba.setLogLevel(logging.WARNING)  # its own logger prints dictionary loading at DEBUG
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


@functools.cache
def _fugashi() -> Any:
    from cliokit.errors import MissingDependencyError

    try:
        import fugashi
        import unidic_lite  # noqa: F401  (the dictionary fugashi finds by default)
    except ImportError as e:  # pragma: no cover - a declared dependency
        raise MissingDependencyError("fugashi unidic-lite", purpose="Japanese word segmentation") from e
    return fugashi.Tagger()


def _fugashi_spans(text: str) -> list[tuple[int, int, bool]]:
    spans = []
    pos = 0
    for node in _fugashi()(text):
        start = text.find(node.surface, pos)
        if start < 0:  # the analyser normalised the surface; keep the run boundaries, drop the word
            continue
        pos = start + len(node.surface)
        f = node.feature
        spans.append((start, pos, f.pos1 == "名詞" and f.pos2 not in _JA_NOT_CONTENT))
    return spans


@functools.cache
def _kiwi() -> Any:
    from cliokit.errors import MissingDependencyError

    try:
        from kiwipiepy import Kiwi
    except ImportError as e:  # pragma: no cover - a declared dependency
        raise MissingDependencyError("kiwipiepy kiwipiepy-model", purpose="Korean word segmentation") from e
    # the typo and multi-word dictionaries are for typo correction and compounds; loading them takes 4 s
    return Kiwi(load_typo_dict=False, load_multi_dict=False)
