"""Presidio recognisers and engine for :mod:`cliokit.scrub`, and the phone and card heuristics.

Everything here that touches Presidio imports it lazily, so that ``import cliokit.scrub`` stays
cheap. Presidio compiles patterns with the third-party ``regex`` module, whose flag values differ
from the stdlib's (``re.ASCII`` is ``regex.VERSION1``); patterns handed to it use ``regex`` flags only.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from presidio_analyzer import AnalyzerEngine, EntityRecognizer

logger = logging.getLogger(__name__)

# Phone regions tried for numbers written without a "+" country code (Presidio's defaults
# plus Japan, Australia, Spain and Italy; CA is covered by US, both being NANP). They are
# matched with phonenumbers' STRICT_GROUPING leniency: the digits must be grouped the way that
# country writes them, which keeps "4412-3342-12" (a part number) and "1234-5678-90" out.
_PHONE_REGIONS: tuple[str, ...] = ("US", "GB", "DE", "FR", "IL", "IN", "BR", "JP", "AU", "ES", "IT")
#: The fewest digits of a valid number of any country or non-geographic code in ``phonenumbers``'
#: metadata (a test recomputes it).
_SHORTEST_VALID_NUMBER = 4


@functools.lru_cache(maxsize=1)
def _offline_tld_extractor() -> Any:
    """Return a ``tldextract`` extractor that only reads its bundled public-suffix snapshot.

    The module-level ``tldextract.extract`` Presidio calls fetches the list over HTTP on first
    use; with ``suffix_list_urls=()`` and no cache directory nothing is fetched or written.
    """
    import tldextract

    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)


# --------------------------------------------------------------------------- phone and card rules

_DIGITS_RE = re.compile(r"[0-9]+")
_ANY_DIGITS_RE = re.compile(r"\d+")
_DIGIT_OR_LETTER_RE = re.compile(r"[^\W_]")
_DOTTED_RE = re.compile(r"[0-9]+(?:\.[0-9]+)+")
_PHONE_BAD_INSIDE_RE = re.compile(r"\s{2,}|[\t\n\r]|\s-[0-9]")
_PHONE_GATE_RE = re.compile(r"[0-9](?:[^0-9\n]{0,3}[0-9]){5}")  # six digits, close together


# The first run of ASCII digits of any phone number :func:`_phone_score` keeps: not the tail of a
# token (after a letter other than "x", the only letter phonenumbers lets precede a number's digits,
# or after one of "-.,_/" that follows such a letter) and without a decimal part (a dotted chain
# needs three groups, the last two of two digits or more); decimal vectors and tables of floats have
# none. Group 1 is the digit blocks from there (gaps of up to four characters): the number is in it.
_PHONE_RUN_RE = re.compile(
    r"(?<![^\W_xX])(?<![^\W_xX][-.,_/])(?=(\d(?:[^\dxX\n]{0,4}[\dxX])*))"
    r"[0-9]+(?:(?![0-9]|\.[0-9])|\.[0-9]{2,}\.[0-9]{2,})"
)
# Digits, and "x", which phonenumbers may read as a keypad letter (three letters or more).
_DIGIT_OR_X_RE = re.compile(r"[\dxX]")
_NON_ASCII_DIGIT_RE = re.compile(r"(?![0-9])\d")  # the ASCII-only rules above do not apply
_PHONE_HINT_RE = re.compile(f"{_PHONE_RUN_RE.pattern}|{_NON_ASCII_DIGIT_RE.pattern}")
#: Fewest digits of a number found after a "+": a country code and the shortest local-only
#: number, which phonenumbers' POSSIBLE leniency accepts.
_PLUS_MIN_DIGITS = 3
_WEAK_PHONE_SCORE = 0.2
# Words announcing a phone number within a few characters before it (several languages) ...
_PHONE_CONTEXT_BEFORE_RE = re.compile(
    r"phone|\btel\b|mobile|\bcell|\bfax|whats ?app|\bsms\b|\bcontact"
    r"|電話|电话|手机|手機|携帯|연락처|전화|telefon|\bhandy|t[ée]l[ée]phone|\bt[ée]l\b|\bportable"
    r"|tel[ée]fono|m[óo]vil|celular|telefone|cellulare|телефон",
    re.IGNORECASE,
)
_CONTEXT_WINDOW = 32
# ... or a verb at most three words before it ("you can call 73 448 266", "call me on ...",
# but not "call the function 3 times with 1000 5000 20000" nor '{"text":"91480041"').
_PHONE_VERB_BEFORE_RE = re.compile(
    r"\b(?:call|ring|text|reach|dial)(?:s|ed|ing)?(?: [^\W\d_]+){0,3} ?:? ?\Z", re.IGNORECASE
)
# ... or labelling it right after ("416 60 039 office", "3660170548-Fax").
_PHONE_CONTEXT_AFTER_RE = re.compile(r"[ \t\-–(,]*(?:office|fax|mobile|cell|home|work|desk)\b", re.IGNORECASE)
# National-format numbers that no region validates ("467 3395", "99 577450"): only taken
# next to a phone context word.
_LOCAL_PHONE_RE = re.compile(
    r"(?<![\w+./-])(?:\([0-9]{1,4}\) ?)?[0-9]{1,12}(?:[ .-][0-9]{1,8}){0,5}(?:x[0-9]{1,5})?(?![\w]|[.,][0-9])"
)
_CARD_CONTEXT_RE = re.compile(
    r"card|\bcc\b|\bvisa|master ?card|maestro|\bamex|\bdebit|\bcredit|\bjcb"
    r"|カード|卡|카드|karte|carte|tarjeta|cart[aã]o",
    re.IGNORECASE,
)
# Card formats Presidio's pattern misses; all still need a valid Luhn checksum.
_EXTRA_CARD_PATTERNS: tuple[tuple[str, str], ...] = (
    ("Visa 19 digits", r"\b4[0-9]{3}(?:[- ]?[0-9]{4}){3}[- ]?[0-9]{3}\b"),
    (
        "Mastercard 2-series",
        r"\b(?:222[1-9]|22[3-9][0-9]|2[3-6][0-9]{2}|27[01][0-9]|2720)(?:[- ]?[0-9]{4}){3}\b",
    ),
    ("JCB 2131", r"\b2131[- ]?[0-9]{4}[- ]?[0-9]{4}[- ]?[0-9]{3}\b"),
    ("Maestro 12 digits", r"\b(?:5[0-9]|6[0-9])[0-9]{2}[- ]?[0-9]{4}[- ]?[0-9]{4}\b"),
)
_CONTEXT_ONLY_CARD_PATTERNS = frozenset({"Maestro 12 digits"})
# What every pattern of a recogniser needs: an "@" (e-mail); two letters, then two digits (IBAN,
# matched ignoring case, so any letter); nine digits with single separators (US SSN).
_EMAIL_GATE_RE = re.compile("@")
_IBAN_GATE_RE = re.compile(r"[^\W\d_]{2}[0-9]{2}")
_SSN_GATE_RE = re.compile(r"[0-9](?:[- .]?[0-9]){8}")
# What every pattern of Presidio's IP recogniser needs: four dotted numbers (IPv4), or two colons
# with at most four hex digits between them (IPv6, IPv4-mapped and -embedded).
_IP_GATE_RE = re.compile(r"[0-9]\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]|:\w{0,4}:")
_DOTTED_BEFORE_RE = re.compile(r"[0-9]\.\Z")
_DOTTED_AFTER_RE = re.compile(r"\.[0-9]")


def _has_context(pattern: re.Pattern[str], text: str, start: int) -> bool:
    return pattern.search(text, max(0, start - _CONTEXT_WINDOW), start) is not None


def _has_phone_context(text: str, start: int, end: int) -> bool:
    return (
        _has_context(_PHONE_CONTEXT_BEFORE_RE, text, start)
        or _has_context(_PHONE_VERB_BEFORE_RE, text, start)
        or _PHONE_CONTEXT_AFTER_RE.match(text, end, end + 16) is not None
    )


@functools.cache
def _min_phone_digits(region: str) -> int:
    """Fewest digits (or letters, which may spell digits) of a number valid when read in ``region``.

    Read nationally, a number has at least the shortest length valid in a region sharing the
    country code; dialled with the international prefix (two digits or more everywhere in
    :data:`_PHONE_REGIONS`), it has that prefix, a country code and a valid number of some country.
    """
    import phonenumbers
    from phonenumbers.phonenumberutil import COUNTRY_CODE_TO_REGION_CODE

    same_code = COUNTRY_CODE_TO_REGION_CODE[phonenumbers.country_code_for_region(region)]
    national = min(
        n
        for r in same_code
        for n in cast(Any, phonenumbers.PhoneMetadata.metadata_for_region(r)).general_desc.possible_length
        if n > 0
    )
    return min(national, 2 + 1 + _SHORTEST_VALID_NUMBER)


def _phone_lines(text: str) -> Iterator[tuple[int, str, int]]:
    """The lines of ``text`` that may hold a phone number: offset, line and most digits a number there has.

    Nothing without the gate. Phone number candidates never span a line break (``phonenumbers``
    matches digits, separators and extension words only) and its checks look one character to
    each side, so matching line by line finds what matching the whole text finds on those lines.
    """
    if not _PHONE_GATE_RE.search(text):
        return
    start = 0
    while (hint := _PHONE_HINT_RE.search(text, start)) is not None:
        start = text.rfind("\n", 0, hint.start()) + 1
        end = text.find("\n", hint.end())
        end = len(text) if end < 0 else end
        line = text[start:end]
        if _NON_ASCII_DIGIT_RE.search(line):
            yield start, line, len(line)
        else:
            most = max(len(_DIGIT_OR_X_RE.findall(m.group(1))) for m in _PHONE_RUN_RE.finditer(line))
            if most >= _SHORTEST_VALID_NUMBER or (most >= _PLUS_MIN_DIGITS and "+" in line):
                yield start, line, most
        start = end


def _phone_score(text: str, start: int, end: int, score: float) -> float:
    """Re-score one phone candidate.

    0 for text that looks like decimals, table columns, negative numbers or the middle of a
    longer token; :data:`_WEAK_PHONE_SCORE` for bare or oddly grouped national numbers unless
    a phone context word is near; ``score`` otherwise.
    """
    cand = text[start:end]
    before = text[start - 1] if start > 0 else " "
    before2 = text[start - 2] if start > 1 else " "
    after = text[end : end + 2]
    if before.isalnum() or (before in "-.,_/" and before2.isalnum()) or (before == "-" and cand[0] == "0"):
        return 0.0  # the tail of a longer token ("J-0401000", "1,299 000") or a negative number
    if after[:1].isalnum() or (after[:1] in ".," and after[1:2].isdigit()):
        return 0.0
    if _PHONE_BAD_INSIDE_RE.search(cand):
        return 0.0  # table columns ("0.2   0   192.65"), negative numbers ("20 499392 -20")
    for chain in _DOTTED_RE.findall(cand):
        groups = chain.split(".")
        if len(groups) == 2 or any(len(g) < 2 for g in groups[1:]):
            return 0.0  # decimals ("0.74269533"), version-like chains ("25.1.8937393")
    if cand.startswith("+"):
        return score
    groups = _DIGITS_RE.findall(cand) or _ANY_DIGITS_RE.findall(cand)  # or full-width digits only
    weak = (
        len(groups) == 1  # a bare digit run ("16929656")
        or (len(groups[0]) == 1 and groups[0] != "1")
        or any(len(g) == 1 for g in groups[1:])  # lone digits ("16 8 12")
        or " / " in cand  # "4000 / 2000"
    )
    if weak and not _has_phone_context(text, start, end):
        return min(score, _WEAK_PHONE_SCORE)
    return score


def _gated(recognizer: EntityRecognizer, gate: re.Pattern[str]) -> EntityRecognizer:
    """``recognizer``, skipping texts without a match of ``gate`` (what all of its patterns need)."""
    analyze = recognizer.analyze

    def gated_analyze(text: str, entities: list[str], *args: Any, **kwargs: Any) -> list[Any]:
        return analyze(text, entities, *args, **kwargs) if gate.search(text) else []

    recognizer.analyze = gated_analyze  # type: ignore[method-assign]
    return recognizer


def _build_recognizers(entities: tuple[str, ...]) -> list[EntityRecognizer]:
    """Instantiate the recognisers for the requested entities."""
    import ipaddress

    import phonenumbers
    import regex
    from presidio_analyzer import EntityRecognizer, Pattern, RecognizerResult
    from presidio_analyzer.nlp_engine import NlpArtifacts
    from presidio_analyzer.predefined_recognizers import (
        CreditCardRecognizer,
        CryptoRecognizer,
        EmailRecognizer,
        IbanRecognizer,
        IpRecognizer,
        MacAddressRecognizer,
        NhsRecognizer,
        PhoneRecognizer,
        UrlRecognizer,
        UsBankRecognizer,
        UsLicenseRecognizer,
        UsSsnRecognizer,
    )

    # Flags for patterns compiled by Presidio come from ``regex``, never ``re``: the two modules
    # share some values but not all (``re.ASCII`` == ``regex.VERSION1``).
    nocase_flags = regex.DOTALL | regex.MULTILINE | regex.IGNORECASE

    def result(rec: EntityRecognizer, start: int, end: int, score: float) -> RecognizerResult:
        return RecognizerResult(
            entity_type=rec.supported_entities[0],
            start=start,
            end=end,
            score=score,
            recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: getattr(rec, "name", ""),
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: rec.id,
            },
        )

    class OfflineEmailRecognizer(EmailRecognizer):
        """Presidio's email recogniser with a domain check that never touches the network."""

        def validate_result(self, pattern_text: str) -> bool:
            # Check the part after the last "@" only: the local part may hold "/" and ".", so
            # "cdn.jsdelivr.net/npm/pkg@2.3.3" must not pass on the strength of its path.
            domain = pattern_text.rpartition("@")[2]
            return bool(_offline_tld_extractor()(domain).fqdn)

    class StrictIpRecognizer(IpRecognizer):
        """Presidio's IP recogniser minus addresses that identify no host.

        Drops loopback and unspecified addresses, IPv4 network addresses ending in ``.0``
        (``1.0.0.0`` is far more often a version number), IPv4 inside longer dotted chains
        (SNMP OIDs) and compressed IPv6 forms with fewer than five hex digits, which are
        Python slices (``a[1::2]``) far more often than hosts.
        """

        def analyze(
            self,
            text: str,
            entities: list[str],
            nlp_artifacts: NlpArtifacts | None = None,
            regex_flags: int | None = None,
        ) -> list[RecognizerResult]:
            if not _IP_GATE_RE.search(text):
                return []
            results = super().analyze(text, entities, nlp_artifacts, regex_flags)
            return [
                r
                for r in results
                if not (
                    _DOTTED_BEFORE_RE.search(text, max(0, r.start - 2), r.start)
                    or _DOTTED_AFTER_RE.match(text, r.end)
                )
            ]

        def invalidate_result(self, pattern_text: str) -> bool:
            if super().invalidate_result(pattern_text):
                return True
            address, _, prefix = pattern_text.partition("/")
            try:
                ip = ipaddress.ip_address(address.split("%")[0])
            except ValueError:
                return True
            if ip.is_loopback or ip.is_unspecified:
                return True
            if ip.version == 4:
                return not prefix and address.endswith(".0")
            if "." not in address and "::" in address:
                return sum(c in "0123456789abcdefABCDEF" for c in address) < 5
            return False

    class GatedMatcher(phonenumbers.PhoneNumberMatcher):
        """``phonenumbers``' matcher, minus the parsing of candidates too short to be valid.

        Parsing is most of the matcher's time, and most candidates in code and tables are short
        numbers ("0", "2024", "1.5"). Rejecting them before the parse changes no result: every
        candidate still counts as a try, and one with fewer digits than :func:`_min_phone_digits`
        (:data:`_SHORTEST_VALID_NUMBER` + 1 after a "+"), or in region "ZZ" one without a "+" or
        with fewer than :data:`_PLUS_MIN_DIGITS` digits, cannot parse to a valid (or possible) number.
        """

        def __init__(self, text: str, region: str, leniency: int, min_digits: int) -> None:
            super().__init__(text, region, leniency=leniency)
            self._min_digits = min_digits

        def _parse_and_verify(self, candidate: str, offset: int) -> Any:
            if "+" in candidate or "\uff0b" in candidate:
                # "ZZ" takes possible numbers: a country code and a local-only number may do.
                need = _PLUS_MIN_DIGITS if self.preferred_region == "ZZ" else _SHORTEST_VALID_NUMBER + 1
            elif self.preferred_region == "ZZ":
                return None  # no country code, and no region to read it in
            else:
                need = self._min_digits
            if len(_DIGIT_OR_LETTER_RE.findall(candidate)) < need:
                return None
            return super()._parse_and_verify(candidate, offset)

    class CandidateRecorder(phonenumbers.PhoneNumberMatcher):
        """Lists the candidates a matcher tries, in order, when none of them parses.

        Finding candidates does not depend on the region; only parsing does. Until a candidate
        parses, every region's matcher tries the same ones, so one list serves all regions.
        """

        def __init__(self, text: str, leniency: int) -> None:
            super().__init__(text, "ZZ", leniency=leniency)
            self.tried: list[tuple[str, int]] = []

        def _parse_and_verify(self, candidate: str, offset: int) -> None:
            self.tried.append((candidate, offset))

    def region_matches(line: str, regions: tuple[str, ...], leniency: int) -> list[Any]:
        """What phonenumbers' matcher finds on ``line`` in each region (a region without any, cheaply)."""
        recorder = CandidateRecorder(line, leniency)
        for _ in recorder:
            pass
        found = []
        for region in regions:
            floor = _min_phone_digits(region)
            probe = GatedMatcher(line, region, leniency, floor)
            if any(probe._parse_and_verify(candidate, offset) for candidate, offset in recorder.tried):
                found += list(GatedMatcher(line, region, leniency, floor))
        return found

    class StrictPhoneRecognizer(PhoneRecognizer):
        """Presidio's phone recogniser, widened to international and local formats, minus decimals.

        Three sources of candidates: numbers valid in one of ``supported_regions`` (Presidio);
        numbers written with a ``+`` country code, which ``phonenumbers`` parses without a
        region and which only need the right length for their country; and local numbers no
        region validates, taken only next to a phone context word. All then go through
        :func:`_phone_score`.
        """

        def analyze(
            self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
        ) -> list[RecognizerResult]:
            lines = list(_phone_lines(text))
            if not lines:
                return []
            results: list[RecognizerResult] = []
            for offset, line, most in lines:
                # A region needs its shortest number's digits on the line (a "+" number: any country's).
                plus = _SHORTEST_VALID_NUMBER + 1 if "+" in line or "\uff0b" in line else most
                regions = tuple(r for r in self.supported_regions if min(_min_phone_digits(r), plus) <= most)
                found = EntityRecognizer.remove_duplicates(
                    [
                        result(self, m.start, m.end, self.SCORE)
                        for m in region_matches(line, regions, cast(int, self.leniency))
                    ]
                )
                if "+" in line:
                    matcher = GatedMatcher(line, "ZZ", phonenumbers.Leniency.POSSIBLE, 0)
                    found += [
                        result(self, m.start, m.end, self.SCORE)
                        for m in matcher
                        if m.raw_string.startswith("+")
                    ]
                for res in found:
                    res.start += offset
                    res.end += offset
                results += found
            for m in _LOCAL_PHONE_RE.finditer(text):
                digits = sum(len(g) for g in _DIGITS_RE.findall(m.group().partition("x")[0]))
                if 6 <= digits <= 15 and _has_phone_context(text, m.start(), m.end()):
                    results.append(result(self, m.start(), m.end(), self.SCORE))
            kept = []
            for res in results:
                res.score = _phone_score(text, res.start, res.end, self.SCORE)
                if res.score > 0:
                    kept.append(res)
            return EntityRecognizer.remove_duplicates(kept)

    class ExtraCardRecognizer(CreditCardRecognizer):
        """Luhn-checked card formats Presidio's pattern misses.

        19-digit Visa, Mastercard's 2221-2720 range, 15-digit JCB starting 2131, and 12-digit
        Maestro (only next to a card context word: 12-digit numbers are common).
        """

        def analyze(
            self,
            text: str,
            entities: list[str],
            nlp_artifacts: NlpArtifacts | None = None,
            regex_flags: int | None = None,
        ) -> list[RecognizerResult]:
            results = super().analyze(text, entities, nlp_artifacts, regex_flags)
            return [
                r
                for r in results
                if r.analysis_explanation is None
                or r.analysis_explanation.pattern_name not in _CONTEXT_ONLY_CARD_PATTERNS
                or _has_context(_CARD_CONTEXT_RE, text, r.start)
            ]

    extra_card_patterns = [Pattern(name, pattern, 0.3) for name, pattern in _EXTRA_CARD_PATTERNS]
    factories: dict[str, Callable[[], list[EntityRecognizer]]] = {
        "EMAIL_ADDRESS": lambda: [_gated(OfflineEmailRecognizer(), _EMAIL_GATE_RE)],
        "PHONE_NUMBER": lambda: [StrictPhoneRecognizer(supported_regions=_PHONE_REGIONS, leniency=2)],
        "CREDIT_CARD": lambda: [
            CreditCardRecognizer(),
            ExtraCardRecognizer(patterns=extra_card_patterns, name="ExtraCardRecognizer"),
        ],
        # Case-insensitive, so that "gb42nawi04454264788619" is caught; the mod-97 check stays.
        "IBAN_CODE": lambda: [_gated(IbanRecognizer(regex_flags=nocase_flags), _IBAN_GATE_RE)],
        "US_SSN": lambda: [_gated(UsSsnRecognizer(), _SSN_GATE_RE)],
        "IP_ADDRESS": lambda: [StrictIpRecognizer()],
        "CRYPTO": lambda: [CryptoRecognizer()],
        "MAC_ADDRESS": lambda: [MacAddressRecognizer()],
        "UK_NHS": lambda: [NhsRecognizer()],
        "URL": lambda: [UrlRecognizer()],
        "US_BANK_NUMBER": lambda: [UsBankRecognizer()],
        "US_DRIVER_LICENSE": lambda: [UsLicenseRecognizer()],
    }
    return [rec for entity in entities for rec in factories[entity]()]


@functools.lru_cache(maxsize=16)
def _engine(entities: tuple[str, ...]) -> AnalyzerEngine:
    """Build (once per entity set) a Presidio engine with no NLP model and only our recognisers."""
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry, RecognizerResult
    from presidio_analyzer.context_aware_enhancers import ContextAwareEnhancer
    from presidio_analyzer.nlp_engine import NlpArtifacts, NoOpNlpEngine

    class NoContextEnhancer(ContextAwareEnhancer):
        """Skip context enhancement: without tokens it changes nothing, yet deep-copies every result."""

        def __init__(self) -> None:
            super().__init__(0.0, 0.0, 0, 0)

        def enhance_using_context(
            self,
            text: str,
            raw_results: list[RecognizerResult],
            nlp_artifacts: NlpArtifacts,
            recognizers: list[EntityRecognizer],
            context: list[str] | None = None,
        ) -> list[RecognizerResult]:
            return raw_results

    nlp_engine = NoOpNlpEngine(models=[{"lang_code": "en", "model_name": "none"}])
    registry = RecognizerRegistry(recognizers=_build_recognizers(entities), supported_languages=["en"])
    engine = AnalyzerEngine(
        registry=registry,
        nlp_engine=nlp_engine,
        supported_languages=["en"],
        context_aware_enhancer=NoContextEnhancer(),
    )
    logger.debug("built pattern-only Presidio engine for %s", ", ".join(entities))
    return engine
