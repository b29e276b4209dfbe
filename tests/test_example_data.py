"""The bundled example dataset in ``examples/``: committed files, determinism, ground truth, planted PII."""

from __future__ import annotations

import csv
import importlib.util
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
GENERATED = ("conversations.jsonl", "labels.csv", "planted_pii.jsonl")
LANGS = ("en", "es", "fr", "de", "ja", "zh")
# Written out here (not imported from the generator) so that a change to the taxonomy subset is a
# deliberate change to this test too. Topics are the synthetic taxonomy's categories.
TAXONOMY = {
    "coding": {"coding.debug", "coding.sql", "coding.web"},
    "writing": {"writing.email", "writing.edit", "writing.summary"},
    "cooking": {"cooking.recipe", "cooking.baking", "cooking.mealprep"},
    "travel": {"travel.itinerary", "travel.visa", "travel.packing"},
    "health": {"health.nutrition", "health.sleep", "health.symptoms"},
    "finance": {"finance.budget", "finance.invest", "finance.tax"},
    "education": {"education.math", "education.physics", "education.history"},
    "language": {"language.translate", "language.grammar", "language.vocab"},
    "concern.cheating": {"concern.cheating.exam", "concern.cheating.sicknote"},
    "concern.deception": {"concern.deception.reviews", "concern.deception.manipulate"},
}
ORDINARY = {topic for topic in TAXONOMY if not topic.startswith("concern.")}
# The kinds cliokit.synthetic plants ("card" renamed "credit_card"); the pre-scrub targets the first four.
STRUCTURED = {"email", "phone", "credit_card", "iban"}
PII_TYPES = STRUCTURED | {"name", "address", "national_id", "dob", "username", "business", "village"}
REGION = {"en": "US", "es": "ES", "fr": "FR", "de": "DE", "ja": "JP", "zh": "CN"}
IBAN_LENGTH = {"DE": 22, "FR": 27, "GB": 22, "ES": 24}
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef\u3000-\u303f]")


def _load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "cliokit_examples_make_example", EXAMPLES / "make_example.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses need the module registered
    spec.loader.exec_module(module)
    return module


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _read_labels(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _luhn_ok(number: str) -> bool:
    digits = [int(c) for c in number if c.isdigit()]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return 13 <= len(digits) <= 19 and total % 10 == 0


def _iban_ok(value: str) -> bool:
    iban = value.replace(" ", "")
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]+", iban) or len(iban) != IBAN_LENGTH.get(iban[:2], -1):
        return False
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


@pytest.fixture(scope="module")
def generator() -> ModuleType:
    return _load_generator()


@pytest.fixture(scope="module")
def conversations() -> list[dict[str, Any]]:
    return _read_jsonl(EXAMPLES / "conversations.jsonl")


@pytest.fixture(scope="module")
def labels() -> list[dict[str, str]]:
    return _read_labels(EXAMPLES / "labels.csv")


@pytest.fixture(scope="module")
def planted() -> list[dict[str, str]]:
    return _read_jsonl(EXAMPLES / "planted_pii.jsonl")


# --- files and format ------------------------------------------------------------------------


def test_committed_files_exist_and_parse(conversations: list[dict[str, Any]]) -> None:
    for name in (*GENERATED, "make_example.py"):
        assert (EXAMPLES / name).is_file(), name
    assert 400 <= len(conversations) <= 560
    ids = [c["id"] for c in conversations]
    assert len(set(ids)) == len(ids)
    for conv in conversations:
        assert set(conv) == {"id", "user_id", "messages"}
        assert re.fullmatch(r"ex-\d{4}", conv["id"])
        assert re.fullmatch(r"u-\d{3}", conv["user_id"])
        messages = conv["messages"]
        for m in messages:
            assert set(m) == {"role", "content"}, "labels must never ride along as message fields"
            assert isinstance(m["content"], str) and m["content"].strip()
        roles = [m["role"] for m in messages]
        if roles[0] == "system":
            roles = roles[1:]
        assert "system" not in roles
        assert roles == ["user", "assistant"] * (len(roles) // 2), conv["id"]
        assert 1 <= len(roles) // 2 <= 4


def test_jsonl_is_utf8_unescaped_and_small() -> None:
    raw = (EXAMPLES / "conversations.jsonl").read_bytes()
    assert len(raw) < 600 * 1024
    text = raw.decode("utf-8")
    assert "\\u" not in text, "written with ensure_ascii=False"
    assert text.endswith("\n") and "\r" not in text


def test_regenerating_gives_byte_identical_files(generator: ModuleType, tmp_path: Path) -> None:
    assert generator.main(["--seed", "0", "--out", str(tmp_path), "--quiet"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(GENERATED)
    for name in GENERATED:
        assert (tmp_path / name).read_bytes() == (EXAMPLES / name).read_bytes(), (
            f"{name} differs: rerun make_example.py"
        )


def test_other_seeds_keep_the_invariants(generator: ModuleType, tmp_path: Path) -> None:
    generator.main(["--seed", "1", "--out", str(tmp_path), "--quiet"])
    convs = _read_jsonl(tmp_path / "conversations.jsonl")
    assert (tmp_path / "conversations.jsonl").read_bytes() != (EXAMPLES / "conversations.jsonl").read_bytes()
    per_user = Counter(c["user_id"] for c in convs)
    assert sum(n >= 2 for n in per_user.values()) >= len(per_user) // 2
    text = {c["id"]: "\n".join(m["content"] for m in c["messages"] if m["role"] == "user") for c in convs}
    for row in _read_jsonl(tmp_path / "planted_pii.jsonl"):
        assert row["value"] in text[row["conversation_id"]]
    assert {r["conversation_id"] for r in _read_labels(tmp_path / "labels.csv")} == set(text)


def test_templates_are_plentiful_and_fillable(generator: ModuleType, tmp_path: Path) -> None:
    from cliokit.synthetic import load_taxonomy, load_templates

    # load_templates validates every slot; the subset taxonomy is the one written out above.
    taxonomy = load_taxonomy(generator.subset_taxonomy(tmp_path / "taxonomy.yaml"))
    assert set(taxonomy.subtopic_ids()) == set().union(*TAXONOMY.values())
    for lang in LANGS:
        templates = load_templates(lang, taxonomy=taxonomy)
        for sub, texts in templates.subtopics.items():
            assert len(texts.requests) >= 3 and len(texts.details) >= 3, (sub, lang)
            assert len(set(texts.requests)) == len(texts.requests), (sub, lang)


def test_generator_is_a_thin_script_over_cliokit_synthetic() -> None:
    source = (EXAMPLES / "make_example.py").read_text(encoding="utf-8")
    assert len(source.splitlines()) < 150
    imported = set(re.findall(r"^(?:from|import) ([a-zA-Z_]+)", source, flags=re.MULTILINE))
    allowed = set(sys.stdlib_module_names) | {"__future__", "cliokit", "yaml"}
    assert imported <= allowed, imported - allowed
    assert "from cliokit.synthetic import" in source
    assert "random" not in imported and "datetime" not in source and "time.time" not in source


# --- ground truth ----------------------------------------------------------------------------


def test_every_conversation_has_exactly_one_label(
    conversations: list[dict[str, Any]], labels: list[dict[str, str]]
) -> None:
    header = (EXAMPLES / "labels.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == "conversation_id,topic,subtopic,language,concern"
    label_ids = [row["conversation_id"] for row in labels]
    assert len(set(label_ids)) == len(label_ids)
    assert set(label_ids) == {c["id"] for c in conversations}


def test_taxonomy_and_languages(labels: list[dict[str, str]]) -> None:
    assert {row["topic"] for row in labels} == set(TAXONOMY)
    for row in labels:
        assert row["subtopic"] in TAXONOMY[row["topic"]], row
        assert row["language"] in LANGS
    n = len(labels)
    by_lang = Counter(row["language"] for row in labels)
    assert set(by_lang) == set(LANGS)
    for lang in LANGS:
        assert 0.08 <= by_lang[lang] / n <= 0.30, lang
    assert (by_lang["ja"] + by_lang["zh"]) / n >= 0.15
    by_topic = Counter(row["topic"] for row in labels)
    assert min(by_topic[topic] for topic in ORDINARY) >= 0.08 * n


def test_every_subtopic_clears_the_privacy_thresholds(
    labels: list[dict[str, str]], conversations: list[dict[str, Any]]
) -> None:
    user_of = {c["id"]: c["user_id"] for c in conversations}
    users: dict[str, set[str]] = defaultdict(set)
    for row in labels:
        users[row["subtopic"]].add(user_of[row["conversation_id"]])
    assert set(users) == set().union(*TAXONOMY.values())
    for topic in ORDINARY:  # the few concerning conversations are meant to be rare
        for sub in TAXONOMY[topic]:
            assert len(users[sub]) >= 8, sub


def test_counts_are_as_documented(labels: list[dict[str, str]]) -> None:
    readme = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    assert "synthetic" in readme.lower() and "fake" in readme.lower()
    header = re.search(r"^\| topic \| (.+) \| total \|$", readme, flags=re.MULTILINE)
    assert header and tuple(c.strip() for c in header.group(1).split("|")) == LANGS
    counts = Counter((row["topic"], row["language"]) for row in labels)
    documented_topics = set()
    for line in readme.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if cells[0] in TAXONOMY and len(cells) == len(LANGS) + 2:
            topic = cells[0]
            documented_topics.add(topic)
            assert [int(c) for c in cells[1:-1]] == [counts[(topic, lang)] for lang in LANGS], topic
            assert int(cells[-1]) == sum(counts[(topic, lang)] for lang in LANGS)
        if cells[0] == "**total**":
            by_lang = Counter(row["language"] for row in labels)
            assert [int(c) for c in cells[1:]] == [by_lang[lang] for lang in LANGS] + [len(labels)]
    assert documented_topics == set(TAXONOMY)


def test_users_have_several_conversations_and_a_main_language(
    conversations: list[dict[str, Any]], labels: list[dict[str, str]]
) -> None:
    lang_of = {row["conversation_id"]: row["language"] for row in labels}
    by_user: dict[str, list[str]] = defaultdict(list)
    for conv in conversations:
        by_user[conv["user_id"]].append(lang_of[conv["id"]])
    assert 100 <= len(by_user) <= 140
    for user, langs in by_user.items():
        assert Counter(langs).most_common(1)[0][1] / len(langs) >= 0.5, user
    sizes = [len(langs) for langs in by_user.values()]
    assert sum(size >= 2 for size in sizes) >= 0.6 * len(sizes) and max(sizes) >= 8


def test_labels_never_appear_in_the_text(
    conversations: list[dict[str, Any]], labels: list[dict[str, str]]
) -> None:
    slugs = set().union(*TAXONOMY.values()) | {t for t in TAXONOMY if "." in t}
    for conv in conversations:
        text = json.dumps(conv, ensure_ascii=False)
        assert not any(slug in text for slug in slugs), conv["id"]
        assert '"concern"' not in text and '"topic"' not in text and '"language"' not in text


def test_concerning_requests(labels: list[dict[str, str]]) -> None:
    levels = Counter(int(row["concern"]) for row in labels)
    assert set(levels) <= {1, 2, 3}
    flagged = levels[2] + levels[3]
    assert 0.01 * len(labels) <= flagged <= 0.04 * len(labels)
    assert levels[3] >= 1
    for row in labels:
        assert (int(row["concern"]) > 1) == row["topic"].startswith("concern."), row


# --- planted PII -----------------------------------------------------------------------------


def test_planted_pii_appears_verbatim_in_a_user_turn(
    conversations: list[dict[str, Any]], planted: list[dict[str, str]]
) -> None:
    user_text = {c["id"]: [m["content"] for m in c["messages"] if m["role"] == "user"] for c in conversations}
    assert planted
    for row in planted:
        assert set(row) == {"conversation_id", "type", "value"}
        assert row["type"] in PII_TYPES
        assert any(row["value"] in turn for turn in user_text[row["conversation_id"]]), row
    n_conv = len({row["conversation_id"] for row in planted})
    assert 0.05 * len(conversations) <= n_conv <= 0.11 * len(conversations)
    assert STRUCTURED <= {row["type"] for row in planted} <= PII_TYPES


def test_planted_values_are_valid_and_fake(
    planted: list[dict[str, str]], labels: list[dict[str, str]]
) -> None:
    import phonenumbers

    lang_of = {row["conversation_id"]: row["language"] for row in labels}
    for row in planted:
        value = row["value"]
        if row["type"] == "credit_card":
            assert re.fullmatch(r"[\d -]+", value) and _luhn_ok(value), value
        elif row["type"] == "iban":
            assert _iban_ok(value), value
        elif row["type"] == "email":
            # Faker's local part and free-mail domain, with an 8-letter canary token marking it fake
            assert re.fullmatch(r"[a-z0-9._]+\.[a-z2-7]{8}@[a-z0-9.-]+\.[a-z]{2,}", value), value
        elif row["type"] == "phone":
            region = REGION[lang_of[row["conversation_id"]]]
            assert phonenumbers.is_valid_number(phonenumbers.parse(value, region)), value


def test_pii_is_glued_to_cjk_text(
    conversations: list[dict[str, Any]], labels: list[dict[str, str]], planted: list[dict[str, str]]
) -> None:
    lang_of = {row["conversation_id"]: row["language"] for row in labels}
    text = {c["id"]: "\n".join(m["content"] for m in c["messages"]) for c in conversations}
    glued = 0
    for row in planted:
        if lang_of[row["conversation_id"]] not in ("ja", "zh"):
            continue
        body = text[row["conversation_id"]]
        i = body.index(row["value"])
        before, after = body[i - 1 : i], body[i + len(row["value"]) : i + len(row["value"]) + 1]
        glued += bool(CJK.match(before) or CJK.match(after))
    assert glued >= 2


def test_pii_stays_out_of_the_labels(planted: list[dict[str, str]]) -> None:
    labels_text = (EXAMPLES / "labels.csv").read_text(encoding="utf-8")
    for row in planted:
        assert row["value"] not in labels_text
