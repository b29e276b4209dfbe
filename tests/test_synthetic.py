"""Synthetic conversation generator: taxonomy, templates, generation, PII, canaries, I/O, model mode, CLI."""

from __future__ import annotations

import hashlib
import os
import random
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import phonenumbers
import pytest
import yaml
from stdnum import iban, luhn

from cliokit.backends.base import ModelRequest
from cliokit.backends.scripted import ScriptedBackend
from cliokit.errors import ConfigError, InputError
from cliokit.synthetic import (
    CANARY_KINDS,
    LANGUAGES,
    PII_KINDS,
    canary_token,
    generate,
    load_taxonomy,
    load_templates,
    read_synthetic,
    write_synthetic,
)
from cliokit.synthetic.io import FILES
from cliokit.synthetic.model import render_answer
from cliokit.synthetic.pii import check_value
from cliokit.synthetic.templates import TEMPLATES_DIR, available_languages

TAX = load_taxonomy()
REGIONS = {"en": "US", "es": "ES", "fr": "FR", "de": "DE", "pt": "BR", "ru": "RU"}
REGIONS |= {"ja": "JP", "zh": "CN", "ko": "KR", "ar": "SA", "hi": "IN"}


def fixture_templates(lang: str) -> dict[str, Any]:
    """A small valid template file for ``lang`` (English text tagged with the language)."""
    subtopics = {}
    for i, sid in enumerate(TAX.subtopic_ids()):
        subtopics[sid] = {
            "requests": [
                f"[{lang}] Help me with task {i}: {{detail}}.",
                f"[{lang}] I need advice on problem {i}, specifically {{detail}}?",
                f"[{lang}] Quick question {i} about {{detail}}",
            ],
            "details": [f"item {i} alpha", f"item {i} beta", f"item {i} gamma"],
            "followup": [f"[{lang}] More on problem {i}?", f"[{lang}] And the other case {i}?"],
            "answer": [f"[{lang}] Answer {i}.", f"[{lang}] Here is what to do for {i}."],
        }
    return {
        "language": lang,
        "frames": {
            "greetings": ["Hello,", "Hi there!", "Good morning."],
            "personas": {
                p: [f"I am a {p}.", f"Speaking as a {p}:"] for p in ("student", "professional", "parent")
            }
            | {"retiree": ["I am retired."], "hobbyist": ["It is my hobby."]},
            "tones": {
                "polite": ["Thank you!", "Thanks in advance."],
                "casual": ["cheers", "thx"],
                "terse": ["", "asap"],
            },
            "followups": ["Can you make it shorter?", "Give me another example.", "Explain it again."],
            "acknowledgements": ["Of course.", "Sure, here it is."],
            "pii": {k: [f"My {k} is {{value}}.", f"Use {{value}} for my {k}."] for k in PII_KINDS},
        },
        "subtopics": subtopics,
    }


@pytest.fixture(scope="module")
def tdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("templates")
    for lang in LANGUAGES:
        (folder / f"{lang}.yaml").write_text(
            yaml.safe_dump(fixture_templates(lang), allow_unicode=True), "utf-8"
        )
    return folder


@pytest.fixture(scope="module")
def big(tdir: Path) -> Any:
    """2,000 conversations in all eleven languages (shared by the property tests)."""
    return generate(
        2000, LANGUAGES, seed=1, pii_rate=0.1, concern_rate=0.05, templates_dir=str(tdir), progress=False
    )


@pytest.fixture(scope="module")
def pii_all(tdir: Path) -> Any:
    """Every conversation has PII: exercises every kind in every language."""
    return generate(
        660, LANGUAGES, seed=2, pii_rate=1.0, templates_dir=str(tdir), secret="s3cret", progress=False
    )


def all_text(messages: list[dict[str, str]]) -> str:
    return "\n".join(m["content"] for m in messages)


def texts_by_id(data: Any) -> dict[str, str]:
    conv = data.conversations
    return dict(zip(conv["conversation_id"], conv["messages"].map(all_text), strict=True))


# --- taxonomy -------------------------------------------------------------------------------------


def test_packaged_taxonomy() -> None:
    cats = TAX.categories
    assert (cats["concern"] == 1).sum() == 20 and (cats["concern"] > 1).sum() == 5
    assert len(TAX.subtopics) == 98 and TAX.subtopics["subtopic"].is_unique
    assert list(TAX.subtopics.columns) == [
        "subtopic",
        "subtopic_name",
        "category",
        "category_name",
        "concern",
    ]
    for row in TAX.subtopics.itertuples():
        assert row.subtopic.startswith(row.category + ".")
    assert load_taxonomy().hash == TAX.hash and len(TAX.hash) == 64


BASE_TAX = "categories:\n  - id: a\n    name: A\n    subtopics:\n      - {id: a.x, name: X}\n"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        (BASE_TAX + "      - {id: a.x, name: Y}\n", "categories[0].subtopics[1].id"),
        (BASE_TAX.replace("a.x", "b.x"), "categories[0].subtopics[0].id"),
        (BASE_TAX.replace("name: X", "name: ''"), "categories[0].subtopics[0].name"),
        (BASE_TAX + "concerning:\n  - {id: c, name: C, concern: 7, subtopics: [{id: c.y, name: Y}]}\n",
         "concerning[0].concern"),
        (BASE_TAX.replace("    name: A\n", "    name: A\n    name: B\n"), "line 3"),
        (BASE_TAX + "  - {id: a, name: Again, subtopics: [{id: a.z, name: Z}]}\n", "categories[1].id"),
        ("categories: [\n", "invalid YAML"),
    ],
)  # fmt: skip
def test_bad_taxonomy_names_file_and_key(tmp_path: Path, text: str, key: str) -> None:
    path = tmp_path / "tax.yaml"
    path.write_text(text, "utf-8")
    with pytest.raises(ConfigError) as err:
        load_taxonomy(path)
    assert str(path) in str(err.value) and key in str(err.value)


# --- templates ------------------------------------------------------------------------------------


def test_packaged_templates_present() -> None:
    assert "en" in available_languages(), f"no en.yaml in {TEMPLATES_DIR}"


@pytest.mark.parametrize("lang", available_languages())
def test_packaged_templates_valid(lang: str) -> None:
    tpl = load_templates(lang)
    assert set(tpl.subtopics) == set(TAX.subtopic_ids())
    data = generate(150, [lang], seed=3, pii_rate=0.5, progress=False)
    assert len(data.conversations) == 150
    text = texts_by_id(data)
    for row in data.planted.itertuples():
        assert row.value in text[row.conversation_id]
    for sid in TAX.subtopics["subtopic"]:
        assert all(sid not in t for t in text.values())


def _mutate(tdir: Path, tmp_path: Path, change: Any) -> Path:
    data = yaml.safe_load((tdir / "es.yaml").read_text("utf-8"))
    change(data)
    path = tmp_path / "es.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (
            lambda d: d["subtopics"]["coding.debug"]["requests"].append("no slot"),
            "subtopics.coding.debug.requests[3]",
        ),
        (lambda d: d["frames"]["pii"]["email"].append("mail {value} {value}"), "frames.pii.email[2]"),
        (lambda d: d["frames"]["greetings"].append("Hi {name}"), "frames.greetings[3]"),
        (lambda d: d["subtopics"].pop("travel.visa"), "travel.visa"),
        (lambda d: d["frames"]["tones"].pop("terse"), "frames.tones.terse"),
        (lambda d: d.update(language="fr"), "language"),
    ],
)
def test_bad_templates_name_file_and_key(tdir: Path, tmp_path: Path, change: Any, key: str) -> None:
    path = _mutate(tdir, tmp_path, change)
    with pytest.raises(ConfigError) as err:
        load_templates("es", path)
    assert str(path) in str(err.value) and key in str(err.value)


def test_missing_template_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no template file for language 'xx'"):
        load_templates("xx", tmp_path)


# --- generation -----------------------------------------------------------------------------------


def test_same_seed_same_bytes_different_seed_differs(tdir: Path, tmp_path: Path) -> None:
    def files(seed: int, name: str) -> dict[str, bytes]:
        data = generate(
            300, ("en", "ja", "ar"), seed=seed, pii_rate=0.5, templates_dir=str(tdir), progress=False
        )
        write_synthetic(data, tmp_path / name)
        return {f: (tmp_path / name / f).read_bytes() for f in FILES}

    a, b, c = files(7, "a"), files(7, "b"), files(8, "c")
    assert a == b
    assert all(a[f] != c[f] for f in ("conversations.jsonl", "labels.csv", "planted.jsonl"))


def test_same_bytes_across_processes_and_hash_seeds(tdir: Path, tmp_path: Path) -> None:
    code = (
        "import sys; from cliokit.synthetic import generate, write_synthetic; "
        "d = generate(120, ('en', 'zh', 'ru'), seed=3, pii_rate=0.8, templates_dir=sys.argv[1], "
        "taxonomy=sys.argv[3], progress=False); write_synthetic(d, sys.argv[2])"
    )
    for h in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": h}
        argv = [sys.executable, "-c", code, str(tdir), str(tmp_path / h), TAX.source]
        subprocess.run(argv, check=True, env=env)
    assert all((tmp_path / "1" / f).read_bytes() == (tmp_path / "2" / f).read_bytes() for f in FILES)


def test_global_random_state_untouched(tdir: Path) -> None:
    random.seed(123)
    state = random.getstate()
    generate(50, ("en", "ru"), seed=0, pii_rate=1.0, templates_dir=str(tdir), progress=False)
    assert random.getstate() == state


def test_labels_match_conversations_and_taxonomy(big: Any) -> None:
    conv, labels = big.conversations, big.labels
    assert list(conv["conversation_id"]) == list(labels["conversation_id"])
    assert conv["conversation_id"].is_unique and len(conv) == 2000
    assert list(conv["user_id"]) == list(labels["user_id"])
    sub = TAX.subtopics.set_index("subtopic")
    assert (labels["category"].to_numpy() == sub.loc[labels["subtopic"], "category"].to_numpy()).all()
    assert (labels["concern"].to_numpy() == sub.loc[labels["subtopic"], "concern"].to_numpy()).all()
    n_user_turns = conv["messages"].map(lambda ms: sum(m["role"] == "user" for m in ms))
    assert (n_user_turns.to_numpy() == labels["n_turns"].to_numpy()).all()
    assert labels["n_turns"].between(1, 3).all() and set(labels["n_turns"]) == {1, 2, 3}
    assert set(labels["language"]) == set(LANGUAGES)
    assert labels.groupby("user_id")["language"].nunique().max() == 1  # one home language per user
    assert big.params["counts"]["conversations"] == 2000 and big.params["counts"]["failed"] == 0


def test_labels_never_in_text(big: Any) -> None:
    text = "\n".join(all_text(m) for m in big.conversations["messages"])
    for sid in TAX.subtopics["subtopic"]:
        assert sid not in text
    for cid in TAX.categories["category"]:
        if "." in cid:
            assert cid not in text
    for name in pd.concat([TAX.subtopics["subtopic_name"], TAX.categories["category_name"]]):
        assert name not in text


def test_users_have_several_conversations(big: Any) -> None:
    per_user = big.labels.groupby("user_id").size()
    assert len(per_user) == 500
    assert per_user.median() >= 3 and (per_user >= 2).mean() > 0.7


def test_rates_close_to_requested(big: Any) -> None:
    assert abs(big.labels["has_pii"].mean() - 0.1) < 0.03
    assert abs((big.labels["concern"] > 1).mean() - 0.05) < 0.02
    assert set(big.planted["conversation_id"]) == set(
        big.labels.loc[big.labels["has_pii"], "conversation_id"]
    )
    kinds_per_conv = big.planted.groupby("conversation_id").size()
    assert kinds_per_conv.between(1, 3).all()


def test_first_turns_vary_within_subtopic(big: Any) -> None:
    first = big.conversations["messages"].map(lambda ms: ms[0]["content"])
    frame = pd.DataFrame({"subtopic": big.labels["subtopic"], "first": first})
    stats = frame.groupby("subtopic")["first"].agg(["size", "nunique"])
    stats = stats[stats["size"] >= 10]
    assert (stats["nunique"] / stats["size"]).min() > 0.6


def test_planted_values_appear_verbatim(big: Any, pii_all: Any) -> None:
    for data in (big, pii_all):
        text = texts_by_id(data)
        for row in data.planted.itertuples():
            assert row.value in text[row.conversation_id], row
    assert set(pii_all.planted["kind"]) == set(PII_KINDS)


def test_canaries_recomputable_and_unique(pii_all: Any) -> None:
    planted = pii_all.planted
    canaries = planted[planted["canary"]]
    assert set(canaries["kind"]) == set(CANARY_KINDS)
    assert planted.loc[~planted["canary"], "token"].isna().all()
    for row in canaries.itertuples():
        assert row.token == canary_token(b"s3cret", row.conversation_id, row.kind)
        assert row.token in row.value
    assert canaries["token"].is_unique
    assert pii_all.params["canary"]["secret_source"] == "argument"


def test_structured_values_validate(pii_all: Any) -> None:
    lang = dict(zip(pii_all.labels["conversation_id"], pii_all.labels["language"], strict=True))
    seen = set()
    for row in pii_all.planted.itertuples():
        language = lang[row.conversation_id]
        if row.kind == "phone":
            number = phonenumbers.parse(row.value, REGIONS[language])
            assert phonenumbers.is_valid_number_for_region(number, REGIONS[language]), (language, row.value)
        elif row.kind == "card":
            assert luhn.is_valid(row.value) and len(row.value) == 16
        elif row.kind == "iban":
            assert iban.is_valid(row.value), row.value
        elif row.kind == "national_id":
            assert check_value("national_id", row.value, language), (language, row.value)
        seen.add((row.kind, language))
    assert {lg for k, lg in seen if k == "phone"} == set(LANGUAGES)
    assert {lg for k, lg in seen if k == "national_id"} == set(LANGUAGES)
    assert not [k for k in pii_all.params["counts"]["pii_fallbacks"] if k.startswith("national_id")]


def test_secret_from_env_and_seed_never_written(
    tdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLIOKIT_CANARY_SECRET", "env-secret-value")
    data = generate(40, ("en",), seed=0, pii_rate=1.0, templates_dir=str(tdir), progress=False)
    assert data.params["canary"]["secret_source"] == "env"
    row = data.planted[data.planted["canary"]].iloc[0]
    assert row.token == canary_token(b"env-secret-value", row.conversation_id, row.kind)
    for path in write_synthetic(data, tmp_path / "env"):
        assert b"env-secret-value" not in path.read_bytes()
    monkeypatch.delenv("CLIOKIT_CANARY_SECRET")
    seeded = generate(40, ("en",), seed=0, pii_rate=1.0, templates_dir=str(tdir), progress=False)
    assert seeded.params["canary"]["secret_source"] == "seed"
    assert not set(seeded.planted["token"].dropna()) & set(data.planted["token"].dropna())


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"n": 0}, "`n`"),
        ({"pii_rate": 1.5}, "`pii_rate`"),
        ({"min_turns": 3, "max_turns": 2}, "`min_turns`"),
        ({"languages": ("en", "xx")}, "unknown language 'xx'"),
        ({"mode": "magic"}, "`mode`"),
        ({"mode": "model"}, "needs a `backend`"),
        ({"mode": "model", "backend": "offline"}, "cannot write conversations"),
    ],
)
def test_invalid_arguments(tdir: Path, kwargs: dict[str, Any], field: str) -> None:
    args: dict[str, Any] = {"n": 10, "languages": ("en",), "templates_dir": str(tdir)} | kwargs
    with pytest.raises(ConfigError, match=re.escape(field)):
        generate(**args)


# --- files ----------------------------------------------------------------------------------------


def test_write_read_and_load_conversations(big: Any, tmp_path: Path) -> None:
    from cliokit.load import load_conversations

    paths = write_synthetic(big, tmp_path / "ds")
    assert [p.name for p in paths] == list(FILES)
    loaded = load_conversations(tmp_path / "ds" / "conversations.jsonl")
    assert len(loaded.rejected) == 0 and len(loaded.conversations) == 2000
    assert list(loaded.conversations["user_id"]) == list(big.labels["user_id"])
    back = read_synthetic(tmp_path / "ds")
    pd.testing.assert_frame_equal(back.labels, big.labels[back.labels.columns], check_dtype=False)
    assert list(back.labels.columns) == [
        "conversation_id", "user_id", "language", "category", "subtopic",
        "concern", "persona", "tone", "n_turns", "has_pii",
    ]  # fmt: skip
    assert back.planted.to_dict("records") == big.planted.to_dict("records")
    assert back.params == big.params and back.taxonomy is not None and back.taxonomy.hash == TAX.hash
    assert list(back.conversations["messages"]) == list(big.conversations["messages"])


def test_read_synthetic_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="labels.csv is missing|conversations.jsonl is missing"):
        read_synthetic(tmp_path)


# --- model mode -----------------------------------------------------------------------------------


def test_model_mode_with_scripted_backend(tmp_path: Path) -> None:
    calls: dict[str, int] = {}

    def script(request: ModelRequest) -> str:
        base = request.id.split("#")[0]
        calls[base] = calls.get(base, 0) + 1
        if base.endswith("-00003") and "#repair" not in request.id:
            return "<user>no closing tag"  # malformed once, then repaired
        if base.endswith("-00005"):
            return (
                render_answer(request, plant=False)
                if "<details>" in request.messages[0]["content"]
                else "oops"
            )
        return render_answer(request)

    backend = ScriptedBackend(script)
    data = generate(12, ("en", "ja"), seed=4, pii_rate=1.0, mode="model", backend=backend, progress=False)
    assert "s4-00005" in set(data.failed["conversation_id"])
    assert "s4-00003" in set(data.conversations["conversation_id"]) and calls["s4-00003"] == 2
    assert calls["s4-00005"] == 2
    counts = data.params["counts"]
    assert counts["conversations"] == 11 and counts["failed"] == 1 and counts["requested"] == 12
    assert "s4-00005" not in set(data.labels["conversation_id"]) | set(data.planted["conversation_id"])
    assert data.params["model_usage"]["repairs"] == 2 and data.params["prompt_hash"]
    request = backend.requests[0]
    assert request.task == "synthesize" and request.prefill.startswith("<conversation")
    spec_values = data.planted.loc[data.planted["conversation_id"] == request.id, "value"]
    assert len(spec_values) and all(v in request.messages[0]["content"] for v in spec_values)
    text = texts_by_id(data)
    for row in data.planted.itertuples():
        assert row.value in text[row.conversation_id]
    write_synthetic(data, tmp_path / "m")
    failed = (tmp_path / "m" / "failed.jsonl").read_text("utf-8")
    assert '"s4-00005"' in failed and "planted" in failed


def test_model_mode_rejects_wrong_turn_count() -> None:
    def script(request: ModelRequest) -> str:
        extra_turn = "<user>q</user><assistant>a</assistant></conversation>"
        return render_answer(request).replace("</conversation>", extra_turn)

    data = generate(
        3, ("en",), seed=0, pii_rate=0.0, mode="model", backend=ScriptedBackend(script), progress=False
    )
    assert len(data.conversations) == 0 and len(data.failed) == 3
    assert data.failed["reason"].str.contains("turn").all()


def test_model_parser_rules() -> None:
    from cliokit.synthetic.model import ConversationSpec, make_parser

    spec = ConversationSpec("c1", "en", "English", "x.y", "Do X", "X things", 1, "student", "polite", 1,
                            (("email", "a.b@x.org"),))  # fmt: skip
    parse = make_parser({"c1": spec})
    head = '<conversation id="c1">'
    good = "<user>mail me at a.b@x.org</user><assistant>ok</assistant></conversation>"
    assert parse(head + good)[0] == {"role": "user", "content": "mail me at a.b@x.org"}
    assert len(parse(head + "<conversation>" + good)) == 2  # a repeated opening tag is tolerated
    bad = {
        "cut off": "<user>mail me at a.b@x.org</user><assistant>ok</assistant>",
        "outside": "hello <user>a.b@x.org</user><assistant>ok</assistant></conversation>",
        "verbatim": "<user>mail me at a.b at x.org</user><assistant>ok</assistant></conversation>",
        "turn": "<user>a.b@x.org</user><assistant>ok</assistant><user>more</user><assistant>x</assistant>"
        "</conversation>",
        "empty": "<user>a.b@x.org</user><assistant> </assistant></conversation>",
    }
    for word, answer in bad.items():
        with pytest.raises(ValueError, match=word):
            parse(head + answer)
    with pytest.raises(ValueError, match="conversation tag"):
        parse('<conversation id="zz">' + good)


# --- CLI and imports ------------------------------------------------------------------------------


def test_cli_synth_writes_files(tdir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from cliokit.cli import main

    out = tmp_path / "cli"
    code = main(
        ["-q", "synth", "--n", "60", "--languages", "en,es", "--templates", str(tdir), "--out", str(out)]
    )
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)
    line = capsys.readouterr().out.strip()
    assert "60 conversations" in line and "en,es" in line and "canaries" in line
    bad = ["-q", "synth", "--n", "5", "--out", str(out)]
    assert main([*bad, "--languages", "en,xx", "--templates", str(tdir)]) == 1
    for backend in ("offline", "scripted"):
        assert main([*bad, "--mode", "model", "--backend", backend]) == 1


def test_import_is_light() -> None:
    code = (
        "import sys, cliokit.synthetic, cliokit.synthetic.cli; "
        "bad = [m for m in ('faker', 'pandas', 'numpy', 'yaml') if m in sys.modules]; "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_hash_helper_matches_file(tdir: Path) -> None:
    tpl = load_templates("en", tdir)
    assert tpl.hash == hashlib.sha256((tdir / "en.yaml").read_bytes()).hexdigest()
