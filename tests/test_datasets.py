"""Loaders of public data sets (cliokit.datasets): tiny hand-made files, plus the real files when present."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

import cliokit
from cliokit import datasets
from cliokit.datasets import DatasetLoad, load_hh_rlhf, load_oasst, load_xsid
from cliokit.errors import ConfigError, InputError
from tests.public_data import public_data


def _accounted(r: DatasetLoad) -> None:
    assert r.n_read == r.n_used + len(r.rejected) + len(r.skipped)
    assert list(r.rejected.columns) == ["source", "record", "conversation_id", "reason"]
    assert list(r.skipped.columns) == ["source", "record", "conversation_id", "reason"]
    c = r.conversations
    assert list(c.columns[:6]) == ["conversation_id", "user_id", "messages", "source", "record", "dataset"]
    assert c["conversation_id"].is_unique
    for messages in c["messages"]:
        assert messages and all(m["role"] in ("user", "assistant") and m["content"].strip() for m in messages)
    loaded = cliokit.load_conversations(c)  # what cliokit.run does with the table
    assert len(loaded.conversations) == len(c) and loaded.rejected.empty


def _msg(mid: str, parent: str | None, role: str, text: str, rank: Any = None, **kw: Any) -> dict[str, Any]:
    return {
        "message_id": mid,
        "parent_id": parent,
        "user_id": kw.pop("user_id", f"user-{mid}"),
        "created_date": kw.pop("created", f"2023-02-01T00:00:{len(mid):02d}+00:00"),
        "text": text,
        "role": role,
        "lang": "en",
        "rank": rank,
        **kw,
    }


def _write_jsonl(path: Path, rows: list[Any]) -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --------------------------------------------------------------------------------------------
# oasst1
# --------------------------------------------------------------------------------------------

TREE = [
    _msg("r", None, "prompter", "How do I bake bread?", user_id="alice"),
    _msg("a1", "r", "assistant", "Second-best answer.", rank=1),
    _msg("a0", "r", "assistant", "Best answer: flour, water, yeast.", rank=0),
    _msg("p1", "a0", "prompter", "And without yeast?"),
    _msg("b2", "p1", "assistant", "Unranked reply, created first.", created="2023-01-01T00:00:00+00:00"),
    _msg("b0", "p1", "assistant", "Use sourdough.", rank=0),
    _msg("x", "a1", "prompter", "A follow-up below the second-best answer."),
]


def test_oasst_follows_the_best_ranked_reply(tmp_path: Path):
    r = load_oasst(_write_jsonl(tmp_path / "t.jsonl", TREE))
    _accounted(r)
    assert r.dataset == "oasst1" and not r.pseudo_users
    (row,) = r.conversations.to_dict("records")
    assert row["conversation_id"] == "oasst-r" and row["user_id"] == "alice" and row["record"] == 1
    assert [(m["role"], m["content"]) for m in row["messages"]] == [
        ("user", "How do I bake bread?"),
        ("assistant", "Best answer: flour, water, yeast."),
        ("user", "And without yeast?"),
        ("assistant", "Use sourdough."),
    ]
    assert r.n_used == 4 and r.rejected.empty
    assert sorted(r.skipped["record"]) == [2, 5, 7]  # a1 and the reply below it, the unranked b2
    assert r.skipped["reason"].str.startswith("off the best-ranked path").all()


def test_oasst_ties_by_created_date_then_file_order(tmp_path: Path):
    rows = [
        _msg("r", None, "prompter", "Question?"),
        _msg("late", "r", "assistant", "Later.", created="2023-03-02T00:00:00+00:00"),
        _msg("early", "r", "assistant", "Earlier.", created="2023-03-01T00:00:00+00:00"),
    ]
    r = load_oasst(_write_jsonl(tmp_path / "t.jsonl", rows))
    assert r.conversations.loc[0, "messages"][1]["content"] == "Earlier."


def test_oasst_rejects_malformed_records_with_file_and_line(tmp_path: Path):
    rows: list[Any] = [
        *TREE[:3],
        "{not json",
        _msg("bad", "a0", "robot", "Who am I?"),
        _msg("below", "bad", "assistant", "Reply to a rejected message."),
        _msg("orphan", "nowhere", "assistant", "My parent is in another file."),
        _msg("same", "a0", "assistant", "An assistant replying to an assistant."),
        _msg("r", None, "prompter", "Duplicate id."),
        _msg("blank", "a0", "prompter", "   "),
        ["a", "list"],
        "",
    ]
    path = _write_jsonl(tmp_path / "bad.jsonl", rows)
    r = load_oasst(path)
    _accounted(r)
    assert r.n_read == 11  # the blank line is not a record
    reasons = dict(zip(r.rejected["record"], r.rejected["reason"], strict=True))
    assert set(reasons) == {4, 5, 6, 7, 8, 9, 10, 11}
    assert reasons[4].startswith("invalid JSON")
    assert "`role` must be 'prompter' or 'assistant'" in reasons[5]
    assert reasons[6] == f"below the rejected message at {path}:5"
    assert "parent message 'nowhere' is not in the file" in reasons[7]
    assert reasons[8] == f"an assistant message replies to an assistant message at {path}:3"
    assert reasons[9] == f"duplicate message_id 'r': first seen at {path}:1"
    assert reasons[10] == "empty `text`"
    assert "expected a JSON object" in reasons[11]
    assert (r.rejected["source"] == str(path)).all()
    assert len(r.conversations) == 1  # the valid tree is still there
    with pytest.raises(InputError, match=rf"^{path}:4: invalid JSON"):
        load_oasst(path, strict=True)


def test_oasst_deleted_and_review_failed_messages(tmp_path: Path):
    rows = [
        _msg("r", None, "prompter", "Question?"),
        _msg("a0", "r", "assistant", "Deleted best answer.", rank=0, deleted=True),
        _msg("p", "a0", "prompter", "Below the deleted one."),
        _msg("a1", "r", "assistant", "Kept answer.", rank=1, review_result=True),
        _msg("r2", None, "prompter", "Failed review.", review_result=False),
    ]
    path = _write_jsonl(tmp_path / "t.jsonl", rows)
    r = load_oasst(path)
    _accounted(r)
    assert r.conversations["conversation_id"].tolist() == ["oasst-r"]
    assert r.conversations.loc[0, "messages"][1]["content"] == "Kept answer."
    assert sorted(r.skipped["record"]) == [2, 3, 5]
    assert r.skipped["reason"].str.contains("deleted in oasst1|failed oasst1 review").all()
    every = load_oasst(path, only_reviewed=False)
    assert every.conversations.loc[0, "messages"][1]["content"] == "Deleted best answer."
    assert len(every.conversations) == 2


def test_oasst_sampling_is_seeded_and_accounted(tmp_path: Path):
    rows = []
    for i in range(10):
        rows += [
            _msg(f"r{i}", None, "prompter", f"Question {i}?"),
            _msg(f"a{i}", f"r{i}", "assistant", "Answer."),
        ]
    path = _write_jsonl(tmp_path / "t.jsonl", rows)
    a = load_oasst(path, max_conversations=3, seed=1)
    b = load_oasst(path, max_conversations=3, seed=1)
    _accounted(a)
    assert len(a.conversations) == 3 and a.conversations.equals(b.conversations)
    assert a.conversations["record"].is_monotonic_increasing  # file order kept
    assert len(a.skipped) == 14 and a.skipped["reason"].str.startswith("not sampled").all()
    assert len(load_oasst(path, max_conversations=50).conversations) == 10
    with pytest.raises(ConfigError, match="max_conversations"):
        load_oasst(path, max_conversations=0)


def test_missing_file_is_an_input_error(tmp_path: Path):
    with pytest.raises(InputError, match="file not found"):
        load_oasst(tmp_path / "nope.jsonl")
    with pytest.raises(InputError, match="xSID folder not found"):
        load_xsid(tmp_path / "nope")


# --------------------------------------------------------------------------------------------
# HH-RLHF
# --------------------------------------------------------------------------------------------


def test_hh_transcripts_with_odd_spacing(tmp_path: Path):
    rows = [
        {
            "chosen": "\n\nHuman: Hi there\n\nAssistant: Hello!",
            "rejected": "\n\nHuman: Hi there\n\nAssistant: Go.",
        },
        {"chosen": "Human:no space\r\n\r\nAssistant:   padded   \n \nHuman :  spaced tag\n\nAssistant: "},
        {"chosen": "\n\nHuman: quote a tag Human: inline stays\n\nAssistant: Human: an artifact kept"},
        {"chosen": "\n\nHuman: line one\nline two\n\nAssistant: a\n\nb"},
    ]
    path = tmp_path / "harmless-base_test.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as f:
        f.write("\n".join(json.dumps(r) for r in rows) + "\n")
    r = load_hh_rlhf(path)
    _accounted(r)
    assert r.pseudo_users and r.dataset == "hh-rlhf"
    c = r.conversations
    assert c["conversation_id"].tolist() == [f"hh-harmless-base_test-0000{i}" for i in (1, 2, 3, 4)]
    assert (c["user_id"] == c["conversation_id"]).all()
    msgs = c["messages"].tolist()
    assert msgs[0] == [{"role": "user", "content": "Hi there"}, {"role": "assistant", "content": "Hello!"}]
    assert msgs[1] == [
        {"role": "user", "content": "no space"},
        {"role": "assistant", "content": "padded"},
        {"role": "user", "content": "spaced tag"},
    ]
    assert msgs[2][0]["content"] == "quote a tag Human: inline stays"
    assert msgs[2][1]["content"] == "Human: an artifact kept"
    assert msgs[3] == [
        {"role": "user", "content": "line one\nline two"},
        {"role": "assistant", "content": "a\n\nb"},
    ]
    assert any("1 empty turns removed" in n for n in r.notes)
    assert any("pseudo-user" in n for n in r.notes)
    assert load_hh_rlhf(path, which="rejected").conversations["messages"][0][1]["content"] == "Go."


def test_hh_rejects_malformed_lines(tmp_path: Path):
    rows: list[Any] = [
        {"chosen": "\n\nHuman: fine\n\nAssistant: ok"},
        "[1, 2",
        {"rejected": "\n\nHuman: only the other key"},
        {"chosen": "preamble\n\nHuman: text before the first tag"},
        {"chosen": "\n\nAssistant: no human turn"},
        {"chosen": 42},
        "3",
    ]
    path = _write_jsonl(tmp_path / "hh.jsonl", rows)
    r = load_hh_rlhf(path)
    _accounted(r)
    assert len(r.conversations) == 1 and r.n_read == 7
    reasons = dict(zip(r.rejected["record"], r.rejected["reason"], strict=True))
    assert reasons[2].startswith("invalid JSON")
    assert reasons[3] == "`chosen` must be a transcript string; got missing"
    assert reasons[4].startswith("text before the first 'Human:'")
    assert reasons[5] == "no 'Human:' turn with text"
    assert reasons[6] == "`chosen` must be a transcript string; got int"
    assert reasons[7] == "expected a JSON object, got int"
    with pytest.raises(InputError, match=rf"{path}:2: invalid JSON"):
        load_hh_rlhf(path, strict=True)
    with pytest.raises(ConfigError, match="`which`"):
        load_hh_rlhf(path, which="both")
    s = load_hh_rlhf(path, max_conversations=1, seed=3)
    _accounted(s)


# --------------------------------------------------------------------------------------------
# xSID
# --------------------------------------------------------------------------------------------

EN = """# text = show all reminders
# intent = reminder/show_reminders
1\tshow\treminder/show_reminders\tO

# text = Do I need a sweater?
# intent = weather/find
1\tDo\tweather/find\tO
"""
DE = """# id: 1
# text-en: show all reminders
# text: Zeige alle Erinnerungen
# intent: reminder/show_reminders
1\tZeige\treminder/show_reminders\tO


# id: 2
# text:
# intent: weather/find

# id: 3
# intent: weather/find
1\tx\tweather/find\tO
"""


def test_xsid_blocks_and_header_styles(tmp_path: Path):
    (tmp_path / "en.test.conll").write_text(EN, encoding="utf-8")
    (tmp_path / "de.test.conll").write_text(DE, encoding="utf-8")
    r = load_xsid(tmp_path)
    _accounted(r)
    c = r.conversations
    assert c["lang"].tolist() == ["de", "en", "en"]
    assert c["conversation_id"].tolist() == ["xsid-de-test-0001", "xsid-en-test-0001", "xsid-en-test-0002"]
    assert c["messages"][0] == [{"role": "user", "content": "Zeige alle Erinnerungen"}]
    assert c["xsid_id"].tolist() == ["1", "1", "2"]  # English ids are positions
    assert c["intent"].tolist() == ["reminder/show_reminders", "reminder/show_reminders", "weather/find"]
    assert c["record"].tolist() == [1, 1, 5]
    reasons = dict(zip(r.rejected["record"], r.rejected["reason"], strict=True))
    assert reasons == {8: "empty `# text`", 12: "block has no `# text` header"}
    assert load_xsid(tmp_path, languages="en").conversations["lang"].eq("en").all()
    one = load_xsid(tmp_path, languages=["en", "de"], max_per_language=1)
    _accounted(one)
    assert one.conversations.groupby("lang").size().to_dict() == {"de": 1, "en": 1}
    with pytest.raises(InputError, match="fr.test.conll: file not found"):
        load_xsid(tmp_path, languages="fr")
    with pytest.raises(ConfigError, match="`split`"):
        load_xsid(tmp_path, split="train")


# --------------------------------------------------------------------------------------------
# Where the data are
# --------------------------------------------------------------------------------------------


def test_external_data_dir_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(datasets.ENV_VAR, str(tmp_path))
    assert datasets.external_data_dir() == tmp_path.resolve()
    assert datasets.external_data_dir(default=tmp_path / "other") == tmp_path.resolve()  # the variable wins
    with pytest.raises(datasets.ExternalDataMissing, match="lacks hh_rlhf"):
        datasets.require_external_data(datasets.HH_RLHF_FILE)
    monkeypatch.setenv(datasets.ENV_VAR, str(tmp_path / "absent"))
    assert datasets.external_data_dir() is None
    assert datasets.external_data_dir(default=tmp_path) is None  # a wrong variable is not papered over
    with pytest.raises(datasets.ExternalDataMissing, match="public data folder is absent") as info:
        datasets.require_external_data()
    assert isinstance(info.value, FileNotFoundError)
    assert f"${datasets.ENV_VAR}={tmp_path / 'absent'}" in str(info.value)
    (tmp_path / "x").mkdir()
    assert datasets.require_external_data("x", data_dir=tmp_path) == tmp_path


def test_external_data_dir_needs_the_variable_or_a_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv(datasets.ENV_VAR, raising=False)
    monkeypatch.chdir(tmp_path)
    assert datasets.external_data_dir() is None  # no guess from where cliokit is installed
    with pytest.raises(datasets.ExternalDataMissing, match="CLIOKIT_EXTERNAL_DATA, which is not set"):
        datasets.require_external_data()
    (tmp_path / "data" / "x").mkdir(parents=True)
    assert datasets.external_data_dir(default="data") == tmp_path / "data"  # relative: from the cwd
    assert datasets.require_external_data("x", default="data") == tmp_path / "data"
    with pytest.raises(datasets.ExternalDataMissing, match=r"absent \(looked for .*elsewhere"):
        datasets.require_external_data(default="elsewhere")
    assert datasets.require_external_data("x", data_dir="data", default="elsewhere") == tmp_path / "data"
    assert not hasattr(datasets, "repo_root") and not hasattr(datasets, "resolve_path")


# --------------------------------------------------------------------------------------------
# The real files, when present
# --------------------------------------------------------------------------------------------


def _real(*files: str) -> Path:
    return public_data(*files)


def test_real_oasst():
    r = load_oasst(_real(datasets.OASST_FILE) / datasets.OASST_FILE)
    _accounted(r)
    assert r.n_read == 2022 and len(r.conversations) == 188
    assert len(r.rejected) == 3  # replies whose tree's root is not in the English split
    assert r.conversations["messages"].map(len).min() >= 2
    assert r.conversations["user_id"].nunique() > 150


def test_real_hh_rlhf():
    r = load_hh_rlhf(_real(datasets.HH_RLHF_FILE) / datasets.HH_RLHF_FILE)
    _accounted(r)
    assert r.n_read == len(r.conversations) == 2312 and r.rejected.empty
    assert r.conversations["messages"].map(lambda m: m[0]["role"]).eq("user").all()


def test_real_xsid():
    r = load_xsid(_real(datasets.XSID_DIR) / datasets.XSID_DIR, languages="en,de,ja", max_per_language=100)
    _accounted(r)
    assert r.conversations.groupby("lang").size().to_dict() == {"de": 100, "en": 100, "ja": 100}
    assert r.conversations["intent"].nunique() > 5
