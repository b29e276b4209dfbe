"""Sentences that say nothing about the topic: greetings, thanks, self-introductions, identifiers.

Used by :func:`cliokit.offline.heuristics.topic_text`, the offline text that is embedded and
clustered. The rules are general, written from phrasebooks of the 11 languages the synthetic
suite covers, never from the suite's templates: a sentence that is only greetings or thanks is
dropped and a greeting glued to the front of a sentence is cut off; a sentence that asks nothing
is dropped when it introduces the writer ("I am a ...", "as a ...", "my name is ...", short
first-person statements in zero-copula languages), opens with thanks and is short, holds a
scrubber placeholder, or (except the turn's most request-like sentence) holds a run of three
digits, where the identifiers the pre-scrub cannot recognise sit; identifier-shaped tokens (long
numbers, dates, user names mixing letters and digits) are removed from the sentences that stay. Measured in
``bench/bench_quality.py`` (part B).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator

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
_DIGIT_RUN = re.compile(r"\d{3}")
#: Identifier shapes the pre-scrub leaves (it has no pattern for some countries' mobiles, dates of
#: birth, postcodes or user names): seven or more digits with single separators, five or more
#: digits, numeric dates (also written with 年/月/日 or 년/월/일), and tokens of eight or more
#: characters mixing letters and digits (``anna.k_4x9z``). Removed even from sentences that ask
#: something; years and the numbers of a maths problem are shorter.
_IDENTIFIER = re.compile(
    r"\+?\d(?:[\s().-]?\d){6,}|\d{5,}|\d{1,4}[./-]\d{1,2}[./-]\d{1,4}"
    r"|\d{2,4}\s*[年년]\s*\d{1,2}\s*[月월]\s*\d{1,2}\s*[日일]?"
    r"|(?<![\w.])(?=[\w.]*\d)(?=[\w.]*[^\W\d_])[\w.]{8,}(?![\w.])"
)
_PLACEHOLDER = re.compile(rf"[\[<](?:{_ENTITY_TYPES})[\]>]")


def clean_sentences(sentences: list[str], score: Callable[[str], float]) -> list[str]:
    """The sentences of one turn that carry its topic (see the module docstring).

    ``score`` rates how request-like a sentence is (> 0: it asks for something).
    """
    return list(iter_clean_sentences(sentences, score))


def iter_clean_sentences(sentences: list[str], score: Callable[[str], float]) -> Iterator[str]:
    """:func:`clean_sentences`, one at a time, scoring sentences only as far as it has to."""
    scores: dict[int, float] = {}
    top = (-math.inf, 0)  # the highest (score, -index) among the sentences scored so far

    def score_of(i: int) -> float:
        nonlocal top
        if i not in scores:
            scores[i] = score(sentences[i])
            top = max(top, (scores[i], -i))
        return scores[i]

    def is_best(i: int) -> bool:
        """Whether sentence ``i`` is the most request-like (the earliest of equals)."""
        key = (score_of(i), -i)
        if top > key:
            return False
        for j in range(len(sentences)):  # no sentence scored so far beats it: score them all
            score_of(j)
        return top == key

    for i, sentence in enumerate(sentences):
        if _PLACEHOLDER.search(sentence):
            continue
        s = _LEADING_GREETING.sub("", sentence).strip()
        if not s or _ONLY_GREETING.match(s):
            continue
        asks = (score_of(i) if s == sentence else score(s)) > 0
        if not asks and _DIGIT_RUN.search(s) and not is_best(i):
            continue
        short = len(s.split()) <= 8 and len(s) <= 60
        if not asks and (
            _SELF_INTRO.match(s) or (short and (_LEADING_THANKS.match(s) or _SHORT_FIRST_PERSON.match(s)))
        ):
            continue
        s = remove_identifiers(s)
        if s:
            yield s


# Runs of horizontal space, and lone spaces other than " ": what becomes one " ".
_SPACES = re.compile(r"[^\S\n]{2,}|[^\S\n ]")
_ANY_DIGIT = re.compile(r"\d")


def remove_identifiers(text: str) -> str:
    """``text`` without identifier-shaped tokens (long numbers, dates, user names); line breaks kept.

    Examples
    --------
    >>> remove_identifiers("Born 17/06/1946, account anna.k_4x9z, call 186 1834 5208, in 2024.")
    'Born , account , call , in 2024.'
    """
    if _ANY_DIGIT.search(text):  # every identifier shape holds a digit
        text = _IDENTIFIER.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


# Words that only soften a request ("please", "again", "very"), in the 11 suite languages: a name
# phrase made of these and greeting/thanks words says nothing about the topic.
_SOFTENERS = (
    r"please|pls|again|very|so|really|kindly|por favor|otra vez|de nuevo|muy|s'il (?:te|vous) pla[iî]t|"
    r"encore|très|bitte|nochmal|noch einmal|sehr|vielmals|por gentileza|de novo|muito|"
    r"пожалуйста|ещё раз|еще раз|очень|お願いします|もう一度|本当に|请|再|非常|十分|太|"
    r"부탁드립니다|부탁해요|다시|정말|من فضلك|لو سمحت|مرة أخرى|جدا|कृपया|फिर से|बहुत"
)
_PLEASANTRY = re.compile(
    rf"^(?:(?:{_GREET_WORDS}|{_THANKS_WORDS}|{_SOFTENERS}|{_AFTER})[\s!.,。！、~:]*)+$", re.I
)


def is_pleasantry(phrase: str) -> bool:
    """Whether ``phrase`` is only greetings, thanks and softeners ("danke", "非常感谢", "nochmal bitte").

    Examples
    --------
    >>> is_pleasantry("nochmal bitte"), is_pleasantry("非常感谢"), is_pleasantry("emergency fund")
    (True, True, False)
    """
    return bool(_PLEASANTRY.match(phrase.strip()))
