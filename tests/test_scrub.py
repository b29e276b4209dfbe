"""Tests for cliokit.scrub: pattern-only PII scrubbing."""

from __future__ import annotations

import copy
import re
import socket
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import tldextract
from hypothesis import given, settings
from hypothesis import strategies as st

from cliokit import scrub
from cliokit.errors import ConfigError, InputError
from cliokit.scrub import DEFAULT_ENTITIES, PiiSpan, find_pii, scrub_conversations, scrub_text


def luhn_complete(body: str) -> str:
    """Append the Luhn check digit to ``body``."""
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return body + str((10 - total % 10) % 10)


def types(text: str, **kwargs: object) -> list[tuple[str, str]]:
    return [(s.entity_type, s.text) for s in find_pii(text, **kwargs)]  # type: ignore[arg-type]


# --------------------------------------------------------------------------- engine set-up


def test_import_is_cheap() -> None:
    code = "import sys, cliokit.scrub; print('presidio_analyzer' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_engine_is_built_once_per_entity_set() -> None:
    find_pii("warm up a@example.com")
    key = tuple(sorted(DEFAULT_ENTITIES))
    assert scrub._engine(key) is scrub._engine(key)
    assert scrub._engine(("EMAIL_ADDRESS",)) is not scrub._engine(key)


def test_engine_has_no_nlp_model() -> None:
    from presidio_analyzer.nlp_engine import NoOpNlpEngine

    engine = scrub._engine(tuple(sorted(DEFAULT_ENTITIES)))
    assert isinstance(engine.nlp_engine, NoOpNlpEngine)


def test_no_network_is_touched(monkeypatch: pytest.MonkeyPatch) -> None:
    attempts: list[object] = []

    def blocked(*args: object, **kwargs: object) -> None:
        attempts.append(args)
        raise OSError("network disabled in tests")

    monkeypatch.setattr(socket.socket, "connect", blocked)
    monkeypatch.setattr(socket, "getaddrinfo", blocked)
    monkeypatch.setattr(socket, "create_connection", blocked)
    # Presidio's stock email check calls the module-level ``tldextract.extract``, which fetches
    # the public suffix list on first use (and then caches it on disk, which would hide the
    # fetch on later runs): it must not be reached at all.
    monkeypatch.setattr(tldextract, "extract", blocked)
    scrub._engine.cache_clear()
    scrub._offline_tld_extractor.cache_clear()
    assert scrub_text("write to jane.doe@example.co.uk or bob@mail.example.com") == (
        "write to [EMAIL_ADDRESS] or [EMAIL_ADDRESS]"
    )
    assert attempts == []
    extractor = scrub._offline_tld_extractor()
    assert extractor.suffix_list_urls == () and not extractor._cache.enabled


def test_patterns_use_regex_module_flags_only() -> None:
    import regex

    engine = scrub._engine(tuple(sorted(scrub.SUPPORTED_ENTITIES)))
    for rec in engine.registry.recognizers:
        flags = getattr(rec, "global_regex_flags", None) or 0
        # re.ASCII (256) is regex.VERSION1 to the ``regex`` module Presidio compiles with.
        assert not flags & regex.VERSION1, rec.name
    iban = next(r for r in engine.registry.recognizers if "IBAN_CODE" in r.supported_entities)
    assert iban.global_regex_flags & regex.IGNORECASE


# --------------------------------------------------------------------------- entity types


def test_emails() -> None:
    assert scrub_text("Contact me at jane.doe@example.com.") == "Contact me at [EMAIL_ADDRESS]."
    assert scrub_text("<Ann.Lee+news@sub.example.org>") == "<[EMAIL_ADDRESS]>"
    # Unknown suffixes and package@version pins are not emails.
    assert find_pii("ssh admin@router.localdomain") == []
    assert find_pii("npm i lodash@4.17.21 react@18.2.0") == []
    assert find_pii('src="https://cdn.jsdelivr.net/npm/dompurify@2.3.3/dist/purify.min.js"') == []


@pytest.mark.parametrize(
    "number",
    [
        "(212) 555-0134",  # US
        "212-555-0134",
        "020 7946 0958",  # UK, national
        "+44 20 7946 0958",
        "+447700 900123",
        "+49 30 12345678",  # Germany
        "+33 1 23 45 67 89",  # France
        "+81 3-1234-5678",  # Japan
        "+46 (0)8 928 571 38",  # Sweden, with trunk zero
        "+86 138 0013 8000",  # China
        "+1-984-182-0190",  # possible though not valid: the "+" is enough
    ],
)
def test_phone_numbers(number: str) -> None:
    assert scrub_text(f"Reach us on {number} today") == "Reach us on [PHONE_NUMBER] today"


def test_local_phone_numbers_need_context() -> None:
    assert scrub_text("You can call 9469 9966 tonight") == "You can call [PHONE_NUMBER] tonight"
    assert scrub_text("Phone:\n467 3395") == "Phone:\n[PHONE_NUMBER]"
    assert scrub_text("416 60 039 office") == "[PHONE_NUMBER] office"
    assert find_pii("the values 9469 9966 were") == []
    assert find_pii("Call the function 3 times with 1000 5000 20000 iterations") == []
    assert find_pii('{"text":"91480041","coords":[[53,389]]}') == []


def test_credit_cards() -> None:
    assert scrub_text("card 4111 1111 1111 1111 exp") == "card [CREDIT_CARD] exp"
    assert scrub_text("card 4111-1111-1111-1111") == "card [CREDIT_CARD]"
    assert scrub_text("amex 378282246310005") == "amex [CREDIT_CARD]"
    assert find_pii("card 4111 1111 1111 1112 exp") == []  # Luhn fails


def test_card_formats_presidio_misses() -> None:
    visa19 = luhn_complete("406455764676643670")
    mc2 = luhn_complete("222300004841001")
    jcb = luhn_complete("21316412608695")
    assert types(f"My card {visa19} expires") == [("CREDIT_CARD", visa19)]
    assert types(f"pay with {mc2}") == [("CREDIT_CARD", mc2)]
    assert types(f"no {jcb}") == [("CREDIT_CARD", jcb)]
    maestro = luhn_complete("50186466790")
    assert types(f"limit for card {maestro}?") == [("CREDIT_CARD", maestro)]
    assert find_pii(f"order id {maestro}") == []  # 12 digits need a card word nearby


def test_ibans() -> None:
    for iban in (
        "DE89370400440532013000",
        "DE89 3704 0044 0532 0130 00",
        "FR1420041010050500013M02606",
        "GB82WEST12345698765432",
        "GB82 WEST 1234 5698 7654 32",
        "gb42nawi04454264788619",
    ):
        assert scrub_text(f"IBAN: {iban}.") == "IBAN: [IBAN_CODE].", iban
    assert find_pii("IBAN: GB82WEST12345698765431") == []  # mod-97 fails


def test_us_ssn() -> None:
    assert scrub_text("SSN 460-89-9847.") == "SSN [US_SSN]."
    assert scrub_text("ssn: 054 28 6917") == "ssn: [US_SSN]"
    for invalid in ("000-12-3456", "666-12-3456", "123-00-4567", "111-11-1111", "123-45-6789"):
        assert find_pii(f"SSN {invalid}", entities=["US_SSN"]) == [], invalid


def test_ip_addresses() -> None:
    assert scrub_text("from 106.31.73.20 via 10.0.1.40/27") == "from [IP_ADDRESS] via [IP_ADDRESS]"
    assert scrub_text("host 2001:db8:85a3::8a2e:370:7334 up") == "host [IP_ADDRESS] up"
    assert scrub_text("link fe80::1ff:fe23:4567:890a") == "link [IP_ADDRESS]"


def test_ip_lookalikes_in_code_are_kept() -> None:
    for text in (
        "evens = a[::2]; odds = a[1::2]; tail = a[1::]",
        "connect to 127.0.0.1:5432 or ::1 or 0.0.0.0",
        'AssemblyVersion("1.0.0.0")',
        "snmpwalk SNMPv2-SMI::enterprises.9.9.392.1.3.21.1.20",
    ):
        assert find_pii(text) == [], text


def test_crypto_wallet() -> None:
    assert scrub_text("send to 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2 now") == "send to [CRYPTO] now"


# --------------------------------------------------------------------------- CJK joins


@pytest.mark.parametrize(
    ("text", "start", "end", "kind"),
    [
        ("请发邮件到test.user@example.com谢谢", 5, 26, "EMAIL_ADDRESS"),
        ("電話は090-1234-5678です", 3, 16, "PHONE_NUMBER"),
        ("카드번호4111111111111111입니다", 4, 20, "CREDIT_CARD"),
        ("我的IP是106.31.73.20。", 5, 17, "IP_ADDRESS"),
        ("社会保障番号460-89-9847です", 6, 17, "US_SSN"),
    ],
)
def test_cjk_glued_offsets(text: str, start: int, end: int, kind: str) -> None:
    spans = find_pii(text)
    assert spans == [PiiSpan(start, end, kind, spans[0].score, text[start:end])]
    assert scrub_text(text) == text[:start] + f"[{kind}]" + text[end:]


def test_cjk_several_joins() -> None:
    text = "メールはa.b@example.comで、電話は+81-90-1234-5678です"
    assert types(text) == [("EMAIL_ADDRESS", "a.b@example.com"), ("PHONE_NUMBER", "+81-90-1234-5678")]
    assert scrub_text(text) == "メールは[EMAIL_ADDRESS]で、電話は[PHONE_NUMBER]です"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ab1+@. 中文カナ한글", max_size=40))
def test_pad_round_trip(text: str) -> None:
    padded, pads = scrub._pad_spaceless(text)
    assert all(padded[p] == " " for p in pads)
    assert "".join(c for i, c in enumerate(padded) if i not in set(pads)) == text
    for i, c in enumerate(padded):
        if i not in pads:
            assert text[scrub._unpad(i, pads)] == c
    assert scrub._unpad(len(padded), pads) == len(text)


@settings(max_examples=40, deadline=None)
@given(
    st.text(alphabet="中文字カナ한글 ", max_size=6),
    st.sampled_from(["jo@example.com", "4111111111111111", "DE89370400440532013000"]),
    st.text(alphabet="中文字カナ한글 ", max_size=6),
)
def test_glued_identifier_found_at_exact_offsets(left: str, value: str, right: str) -> None:
    text = left + value + right
    spans = find_pii(text)
    assert [(s.start, s.end) for s in spans] == [(len(left), len(left) + len(value))]


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="0123456789 +-().@:/xa中カ한\n", max_size=60))
def test_spans_are_sorted_disjoint_and_exact(text: str) -> None:
    spans = find_pii(text, threshold=0.0)
    for s in spans:
        assert 0 <= s.start < s.end <= len(text) and s.text == text[s.start : s.end]
    assert all(a.end <= b.start for a, b in zip(spans, spans[1:], strict=False))
    out = scrub_text(text, threshold=0.0)
    assert sum(len(s.text) - len(s.entity_type) - 2 for s in spans) == len(text) - len(out)


# --------------------------------------------------------------------------- false positives


CODE_AND_PROSE = [
    """import numpy as np
def f(a):
    x = a[1::2] + a[::3] + a[10:20]
    y = np.arange(0, 1000000, 25)
    return x.reshape(-1, 128) * 0.74269533 - 1.8002026
print(f"{3.14159:.2f}", 1e-10, 0x7fffffff, 2**31 - 1)
timeout = 30_000  # ms
assert sys.version_info >= (3, 11, 7)
""",
    """const server = app.listen(8080, "0.0.0.0", () => console.log("up on :8080"));
let id = 1700000000123; // Date.now()
const uuid = "550e8400-e29b-41d4-a716-446655440000";
fetch(`/api/v2/orders/${orderId}?page=2&limit=50`).then(r => r.json());
const sha = "3f786850e387550fdab836ed7e6dc881de23001b";
npm install lodash@4.17.21 react@18.2.0 @types/node@20.11.5
pip install torch==2.1.0+cu118 numpy>=1.26.4
""",
    """Python 3.11.7 was released on 2023-12-04. Node v20.11.1, Chrome 120.0.6099.109.
Meeting on 12/05/2023 at 10:30, deadline 2024-01-15T10:30:00Z.
The price is $1,299.99 (was €1.499,00); we sold 1,234,567 units in Q3 2023.
Order #123456789 shipped; order number 1002003004 and tracking 1Z999AA10123456784.
ISBN 978-3-16-148410-0, DOI 10.1000/182, lat 48.8566, lon 2.3522.
Invoice INV-2024-000123, part no. 4412-3342-12, SKU 12345-678, ref 2023-1234-56.
""",
    "0.2   0    192.65 10 3\n66   27   719.63 3\n-0.74269533 -1.8002026 3.1285145 -0.6962907",
]


@pytest.mark.parametrize("text", CODE_AND_PROSE)
def test_code_and_prose_are_left_alone(text: str) -> None:
    assert find_pii(text) == []
    assert scrub_text(text) == text


def test_url_and_driver_licence_misfire_on_code() -> None:
    code = 'df = pd.read_csv("data.csv")\nresult = self.model.fit(X)\nlicense_id = "D1234567"'
    assert "URL" not in DEFAULT_ENTITIES and "US_DRIVER_LICENSE" not in DEFAULT_ENTITIES
    assert find_pii(code) == []
    assert find_pii(code, entities=["URL"])  # "pd.re", "self.model.fit"
    assert find_pii(code, entities=["US_DRIVER_LICENSE"])  # "D1234567"


def test_fast_path_skips_the_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(entities: tuple[str, ...]) -> None:
        raise AssertionError("engine used")

    monkeypatch.setattr(scrub, "_engine", boom)
    assert find_pii("No digits and no at-sign here. " * 1000) == []


# --------------------------------------------------------------------------- threshold


def test_threshold_behaviour() -> None:
    # Very weak patterns (an SSN as any 9 digits, a bare digit run as a phone) fire at 0 only.
    assert types("ref 536221234", threshold=0.0) == [("US_SSN", "536221234")]
    assert find_pii("ref 536221234") == []
    assert types("values 16929656 end", threshold=0.0) == [("PHONE_NUMBER", "16929656")]
    assert find_pii("values 16929656 end") == []
    text = "jane@example.com, 212-555-0134"
    assert types(text) == [("EMAIL_ADDRESS", "jane@example.com"), ("PHONE_NUMBER", "212-555-0134")]
    assert types(text, threshold=0.5) == [("EMAIL_ADDRESS", "jane@example.com")]


@pytest.mark.parametrize("bad", [-0.1, 1.5, float("nan"), True, "0.3"])
def test_bad_threshold(bad: object) -> None:
    with pytest.raises(ConfigError, match="threshold"):
        find_pii("x", threshold=bad)  # type: ignore[arg-type]


def test_bad_entities() -> None:
    with pytest.raises(ConfigError, match="PERSON"):
        find_pii("x", entities=["PERSON"])
    with pytest.raises(ConfigError, match="sequence"):
        find_pii("x", entities="EMAIL_ADDRESS")


def test_entity_selection() -> None:
    text = "jane@example.com 212-555-0134"
    assert types(text, entities=["PHONE_NUMBER"]) == [("PHONE_NUMBER", "212-555-0134")]
    assert find_pii(text, entities=[]) == []


# --------------------------------------------------------------------------- NER hook and overlaps


def names_hook(text: str) -> list[PiiSpan]:
    spans = []
    for name in ("Alice Smith", "Bob"):
        i = text.find(name)
        if i >= 0:
            spans.append(PiiSpan(i, i + len(name), "PERSON", 0.85, name))
    return spans


def test_ner_hook_spans_are_replaced() -> None:
    text = "Alice Smith wrote to Bob at bob@example.com"
    assert scrub_text(text) == "Alice Smith wrote to Bob at [EMAIL_ADDRESS]"
    assert scrub_text(text, ner_hook=names_hook) == "[PERSON] wrote to [PERSON] at [EMAIL_ADDRESS]"
    # Hook spans obey the threshold too, and run even when the fast path skips Presidio.
    assert scrub_text("Bob said hi", ner_hook=names_hook) == "[PERSON] said hi"
    assert scrub_text("Bob said hi", ner_hook=names_hook, threshold=0.9) == "Bob said hi"


def test_ner_hook_errors() -> None:
    with pytest.raises(ConfigError, match="outside"):
        find_pii("short", ner_hook=lambda t: [PiiSpan(2, 99, "PERSON", 1.0, "")])
    with pytest.raises(ConfigError, match="PiiSpan"):
        find_pii("short", ner_hook=lambda t: [(0, 1)])  # type: ignore[list-item]


def test_overlapping_spans_merge_to_highest_score() -> None:
    text = "Alice <alice@example.com> paid"

    def hook(t: str) -> list[PiiSpan]:  # a PERSON span overlapping the email's first half
        return [PiiSpan(0, 12, "PERSON", 0.9, t[0:12])]

    spans = find_pii(text, ner_hook=hook)
    assert spans == [PiiSpan(0, 24, "EMAIL_ADDRESS", 1.0, "Alice <alice@example.com")]
    assert scrub_text(text, ner_hook=hook) == "[EMAIL_ADDRESS]> paid"


def test_merge_unit() -> None:
    text = "0123456789abcdef"

    def sp(start: int, end: int, kind: str, score: float) -> PiiSpan:
        return PiiSpan(start, end, kind, score, text[start:end])

    merged = scrub._merge(
        [
            sp(2, 6, "A", 0.4),
            sp(4, 9, "B", 0.9),
            sp(8, 10, "C", 0.5),
            sp(10, 12, "D", 0.3),  # touches, does not overlap
            sp(13, 14, "E", 0.6),
            sp(13, 14, "F", 0.6),  # tie: the first one wins
        ],
        text,
    )
    assert merged == [sp(2, 10, "B", 0.9), sp(10, 12, "D", 0.3), sp(13, 14, "E", 0.6)]
    assert scrub._replace(text, merged) == "01[B][D]c[E]ef"


def test_phone_inside_card_is_not_double_replaced() -> None:
    assert scrub_text("cc 4111 1111 1111 1111, tel 212-555-0134") == "cc [CREDIT_CARD], tel [PHONE_NUMBER]"


# --------------------------------------------------------------------------- conversations


def make_conversations() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "conversation_id": ["a", "b", "c", "d"],
            "messages": [
                [
                    {"role": "user", "content": "Mail me: jane@example.com"},
                    {"role": "assistant", "content": "Sure.", "name": "bot"},
                ],
                [{"role": "user", "content": "Call +49 30 12345678 or IBAN DE89370400440532013000"}],
                [{"role": "user", "content": "No PII here."}, {"role": "assistant", "content": None}],
                np.array([{"role": "user", "content": "Mail me: jane@example.com"}], dtype=object),
            ],
        },
        index=[10, 11, 12, 13],
    )


def test_scrub_conversations() -> None:
    df = make_conversations()
    before = copy.deepcopy([list(m) for m in df["messages"]])
    out, counts = scrub_conversations(df, progress=False)

    assert [list(m) for m in df["messages"]] == before  # input untouched
    assert out is not df and list(out.index) == [10, 11, 12, 13]
    assert out["conversation_id"].tolist() == ["a", "b", "c", "d"]
    assert out.loc[10, "messages"] == [
        {"role": "user", "content": "Mail me: [EMAIL_ADDRESS]"},
        {"role": "assistant", "content": "Sure.", "name": "bot"},
    ]
    assert out.loc[11, "messages"] == [{"role": "user", "content": "Call [PHONE_NUMBER] or IBAN [IBAN_CODE]"}]
    assert out.loc[12, "messages"] == [
        {"role": "user", "content": "No PII here."},
        {"role": "assistant", "content": None},
    ]
    assert out.loc[13, "messages"] == [{"role": "user", "content": "Mail me: [EMAIL_ADDRESS]"}]
    assert counts == {
        "CREDIT_CARD": 0,
        "CRYPTO": 0,
        "EMAIL_ADDRESS": 2,
        "IBAN_CODE": 1,
        "IP_ADDRESS": 0,
        "PHONE_NUMBER": 1,
        "US_SSN": 0,
        "conversations_with_pii": 3,
    }


def test_scrub_conversations_with_hook_counts_hook_types() -> None:
    df = pd.DataFrame({"messages": [[{"role": "user", "content": "Bob here"}]]})
    out, counts = scrub_conversations(df, entities=["EMAIL_ADDRESS"], ner_hook=names_hook, progress=False)
    assert out["messages"][0] == [{"role": "user", "content": "[PERSON] here"}]
    assert counts == {"EMAIL_ADDRESS": 0, "PERSON": 1, "conversations_with_pii": 1}


def test_scrub_conversations_errors() -> None:
    with pytest.raises(InputError, match="messages"):
        scrub_conversations(pd.DataFrame({"text": ["hi"]}), progress=False)
    bad = pd.DataFrame({"messages": [[{"role": "user", "content": "ok"}], [{"role": "user", "content": 3}]]})
    with pytest.raises(InputError, match=r"<dataframe>:2: message content must be a str"):
        scrub_conversations(bad, progress=False)
    with pytest.raises(InputError, match="'content'"):
        scrub_conversations(pd.DataFrame({"messages": [[{"role": "user"}]]}), progress=False)
    with pytest.raises(InputError, match="list of dicts"):
        scrub_conversations(pd.DataFrame({"messages": ["just a string"]}), progress=False)


# --------------------------------------------------------------------------- speed-ups change nothing


def reference_phones(text: str) -> set[tuple[int, int, float]]:
    """The phone recogniser as it was before line gating: every region's matcher over the whole text."""
    import phonenumbers
    from presidio_analyzer import EntityRecognizer, RecognizerResult

    from cliokit import _scrub_recognizers as rec

    if not rec._PHONE_GATE_RE.search(text):
        return set()

    def res(start: int, end: int) -> RecognizerResult:
        return RecognizerResult("PHONE_NUMBER", start, end, 0.4)

    found = EntityRecognizer.remove_duplicates(
        [
            res(m.start, m.end)
            for r in rec._PHONE_REGIONS
            for m in phonenumbers.PhoneNumberMatcher(text, r, leniency=2)
        ]
    )
    if "+" in text:
        plus = phonenumbers.PhoneNumberMatcher(text, "ZZ", leniency=phonenumbers.Leniency.POSSIBLE)
        found += [res(m.start, m.end) for m in plus if m.raw_string.startswith("+")]
    for m in rec._LOCAL_PHONE_RE.finditer(text):
        digits = sum(len(g) for g in rec._DIGITS_RE.findall(m.group().partition("x")[0]))
        if 6 <= digits <= 15 and rec._has_phone_context(text, m.start(), m.end()):
            found.append(res(m.start(), m.end()))
    for r in found:
        r.score = rec._phone_score(text, r.start, r.end, 0.4)
    kept = EntityRecognizer.remove_duplicates([r for r in found if r.score > 0])
    return {(r.start, r.end, r.score) for r in kept}


def phones(text: str) -> set[tuple[int, int, float]]:
    engine = scrub._engine(("PHONE_NUMBER",))
    recognizer = engine.registry.recognizers[0]
    return {(r.start, r.end, r.score) for r in recognizer.analyze(text, ["PHONE_NUMBER"], None)}


PHONE_EDGE_CASES = [
    "Q13442814 -0.74269533 -1.8002026 3.1285145\n2050151 32",  # a float vector, then a count
    "rgb (255, 153, 0), (0, 255, 10)\ncall me on 020 7946 0958",
    "id 123456\nTel: 467 3395",  # a local number on another line than the six digits
    "call +49 12 now, ref 123456",  # a possible local-only number after a "+"
    "ref 123456\n電話 ０９０-１２３４-５６７８",  # full-width digits
    "v1.2.3 build 20240611 (555) 123-4567 x12",
    "0.2   0   192.65\n12.34.56.78 x 555x1234 ext. 99",
    "amounts: 1,234,567.89 and 4 000 000; phone 06 12 34 56 78",
    "IDs: A-0401000, J-0401000; fax 3660170548-Fax",
]


@pytest.mark.parametrize("text", PHONE_EDGE_CASES)
def test_line_gated_phone_recogniser_finds_what_the_whole_text_matcher_finds(text: str) -> None:
    assert phones(text) == reference_phones(text)


PIECES = st.sampled_from(
    [" ", " ", "-", ".", "/", "(", ")", "+", "x", " ext ", ", ", "\n", "  ", "#", "_", ":", "a", "Q",
     "call ", "tel: ", "office", "０１２", "٣٤٥", "0.", "-0.", "xxx", "$", "%"]
)  # fmt: skip
DIGITS = st.text(alphabet="0123456789", min_size=1, max_size=12)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(DIGITS, PIECES), min_size=3, max_size=25).map("".join))
def test_phone_gates_change_nothing(text: str) -> None:
    assert phones(text) == reference_phones(text)


def test_full_width_phone_digits_next_to_an_ascii_number_do_not_crash() -> None:
    # Before: IndexError in the weak-number check (no ASCII digit group in the candidate).
    assert types("ref 123456 電話 ０９０-１２３４-５６７８") == [("PHONE_NUMBER", "０９０-１２３４-５６７８")]


def test_phone_digit_floors_match_phonenumbers_metadata() -> None:
    import phonenumbers
    from phonenumbers.phonenumberutil import COUNTRY_CODES_FOR_NON_GEO_REGIONS

    from cliokit import _scrub_recognizers as rec

    regions = [phonenumbers.PhoneMetadata.metadata_for_region(r) for r in phonenumbers.SUPPORTED_REGIONS]
    regions += [
        phonenumbers.PhoneMetadata.metadata_for_nongeo_region(c) for c in COUNTRY_CODES_FOR_NON_GEO_REGIONS
    ]
    shortest = min(n for m in regions for n in m.general_desc.possible_length if n > 0)
    assert rec._SHORTEST_VALID_NUMBER == shortest
    local = min(n for m in regions for n in (m.general_desc.possible_length_local_only or ()) if n > 0)
    assert rec._PLUS_MIN_DIGITS == 1 + local
    for region in rec._PHONE_REGIONS:  # the floors assume an international prefix of two digits or more
        idd = phonenumbers.PhoneMetadata.metadata_for_region(region).international_prefix
        assert not any(re.fullmatch(idd, d) for d in ["", *"0123456789"]), region
        assert 4 <= rec._min_phone_digits(region) <= 7


GATED = [
    ("IpRecognizer", {}, "_IP_GATE_RE"),
    ("IbanRecognizer", {"regex_flags": 0}, "_IBAN_GATE_RE"),  # flags set below
    ("UsSsnRecognizer", {}, "_SSN_GATE_RE"),
    ("EmailRecognizer", {}, "_EMAIL_GATE_RE"),
]
GATE_PIECES = st.sampled_from(
    ["192.168.1.20", "::1", "fe80::1", "2001:db8::ff00:42:8329", ":", "::", ".", "-", " ", "a@b.io",
     "GB82WEST12345698765432", "de44 5001 0517 5407 3249 31", "123-45-6789", "123 45 6789", "k", "ſ"]
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.one_of(GATE_PIECES, DIGITS, st.text(alphabet="0123456789abcdefx:.-@ ", max_size=8)), max_size=8
    ).map("".join)
)
def test_recogniser_gates_never_hide_a_finding(text: str) -> None:
    import regex
    from presidio_analyzer import predefined_recognizers

    from cliokit import _scrub_recognizers as rec

    for name, kwargs, gate in GATED:
        if name == "IbanRecognizer":
            kwargs = {"regex_flags": regex.DOTALL | regex.MULTILINE | regex.IGNORECASE}
        recognizer = getattr(predefined_recognizers, name)(**kwargs)
        if recognizer.analyze(text, recognizer.supported_entities):
            assert getattr(rec, gate).search(text), (name, text)


def _example_numbers() -> list[str]:
    import phonenumbers

    formats = [phonenumbers.PhoneNumberFormat.NATIONAL, phonenumbers.PhoneNumberFormat.INTERNATIONAL]
    out = []
    for region in ("US", "GB", "DE", "FR", "IL", "IN", "BR", "JP", "AU", "ES", "IT", "CH", "SH", "NU"):
        for kind in (phonenumbers.PhoneNumberType.FIXED_LINE, phonenumbers.PhoneNumberType.MOBILE):
            number = phonenumbers.example_number_for_type(region, kind)
            if number is not None:
                out += [phonenumbers.format_number(number, f) for f in formats]
    return out


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(_example_numbers()),
    st.lists(st.sampled_from([" ", "-", " - ", ". ", " / ", "  ", "x", "", ") ("]), min_size=8, max_size=8),
    st.sampled_from(["", "x", "Q", "(", "+", "call ", "-", "a-", "0.", "ref 1.5 "]),
    st.sampled_from(["", ".5", "x12", " ext 3", ")", "a", " office", "\n2050151 32"]),
)
def test_phone_gates_change_nothing_around_real_numbers(
    number: str, seps: list[str], before: str, after: str
) -> None:
    parts = re.split(r"[ -]", number)
    text = (
        before
        + "".join(p + (seps[i % len(seps)] if i < len(parts) - 1 else "") for i, p in enumerate(parts))
        + after
    )
    assert phones(text) == reference_phones(text)
