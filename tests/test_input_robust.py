"""Any input record is accepted (cleaned, cut to the size limits) or rejected with a reason; none crashes.

The property tests feed random and mutated records (lone surrogates, controls, format characters,
random JSON shapes, huge and empty values) through ``load_conversations`` and through the offline
pipeline, and check ``read = accepted + rejected`` and that every good conversation gets through.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import unicodedata
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cliokit
from cliokit.cli import main
from cliokit.errors import InputError
from cliokit.load import ROLES, LoadResult, load_conversations, write_rejected
from cliokit.stages import _hash_conversations

SURROGATE_LINE = '{"id": "bad", "messages": [{"role": "user", "content": "\\ud800 broken emoji"}]}'


def conv(cid: str, text: str = "How do I bake sourdough bread at home?", **extra: Any) -> dict[str, Any]:
    return {
        "id": cid,
        "messages": [{"role": "user", "content": text}, {"role": "assistant", "content": "Like this."}],
        **extra,
    }


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def n_records(lines: list[str]) -> int:
    """Lines the loader reads: blank ones (ASCII whitespace only, as bytes) are skipped."""
    return sum(1 for line in lines if line.encode("utf-8").strip())


def reasons(result: LoadResult) -> dict[int, str]:
    return dict(zip(result.rejected["record"].tolist(), result.rejected["reason"].tolist(), strict=True))


def check_accepted(result: LoadResult, max_messages: int, max_chars: int) -> None:
    """read = accepted + rejected, and every accepted conversation is clean and within the limits."""
    assert result.n_read == len(result.conversations) + len(result.rejected)
    assert result.n_cut <= len(result.conversations) and result.n_cleaned <= len(result.conversations)
    for cid, uid, messages in result.conversations[["conversation_id", "user_id", "messages"]].itertuples(
        index=False
    ):
        cid.encode("utf-8")  # valid Unicode: no lone surrogate
        uid.encode("utf-8")
        assert 1 <= len(messages) <= max_messages
        assert sum(len(m["content"]) for m in messages) <= max_chars
        for m in messages:
            assert m["role"] in ROLES
            m["content"].encode("utf-8")
            assert not any(unicodedata.category(c) == "Cc" and c not in "\t\n" for c in m["content"])
        assert any(m["role"] == "user" and m["content"].strip() for m in messages)


def check_rejected_file(result: LoadResult, path: Path) -> None:
    """rejected.jsonl is ASCII JSON Lines, one line per rejected record, ids read back unchanged."""
    write_rejected(result.rejected, path)
    data = path.read_bytes()
    assert data.isascii()
    rows = [json.loads(line) for line in data.decode("ascii").splitlines()]
    assert len(rows) == len(result.rejected)
    assert [r["conversation_id"] for r in rows] == result.rejected["conversation_id"].tolist()
    assert all(0 < len(r["reason"]) <= 500 for r in rows)  # a huge value is elided, not copied


# ----------------------------------------------------------------------------------------------
# Each case, by hand
# ----------------------------------------------------------------------------------------------


def test_lone_surrogates_are_rejected_wherever_they_are(tmp_path: Path) -> None:
    lines = [
        json.dumps(conv("good")),
        SURROGATE_LINE,  # 2: escaped in the content, as in the issue
        json.dumps(conv("\udc80id")),  # 3
        json.dumps(conv("uid", user_id="u\udfff")),  # 4
        json.dumps(conv("sys", system="\ud83d")),  # 5
        json.dumps(  # 6: inside a tool call's arguments
            {
                "id": "tool",
                "messages": [
                    {"role": "user", "content": "q"},
                    {
                        "role": "assistant",
                        "content": [{"type": "tool_use", "name": "f", "input": {"a": "\ud800"}}],
                    },
                ],
            }
        ),
        json.dumps({"id": "share", "conversations": [{"from": "human", "value": "\udbff"}]}),  # 7
        json.dumps(conv("pair", text="a real pair \ud83d\ude00 is one emoji")),  # 8: accepted
    ]
    path = write_lines(tmp_path / "s.jsonl", lines)
    result = load_conversations(path)
    check_accepted(result, 2000, 1_000_000)
    assert result.conversations["conversation_id"].tolist() == ["good", "pair"]
    assert result.conversations["messages"].iloc[1][0]["content"] == "a real pair 😀 is one emoji"
    assert reasons(result) == {
        2: "message 1 has a lone surrogate U+D800 at character 0; text must be valid Unicode",
        3: "conversation id has a lone surrogate U+DC80 at character 0; text must be valid Unicode",
        4: "user_id has a lone surrogate U+DFFF at character 1; text must be valid Unicode",
        5: "'system' has a lone surrogate U+D83D at character 0; text must be valid Unicode",
        6: "message 2 has a lone surrogate U+D800 at character 19; text must be valid Unicode",
        7: "message 1 has a lone surrogate U+DBFF at character 0; text must be valid Unicode",
    }
    out = tmp_path / "rejected.jsonl"
    check_rejected_file(result, out)
    assert "\\udc80id" in out.read_text(encoding="utf-8")  # the id, as its JSON escape
    with pytest.raises(InputError, match=r"s\.jsonl:2: message 1 has a lone surrogate U\+D800"):
        load_conversations(path, strict=True)


def test_lone_surrogates_in_tables(tmp_path: Path) -> None:
    rows = pd.DataFrame(  # object columns: pandas' string dtype cannot hold a lone surrogate
        {"conversation_id": ["a", "b", "\ud800"], "role": ["user"] * 3, "content": ["ok", "x\udc00", "ok"]},
        dtype=object,
    )
    result = load_conversations(rows)
    assert result.conversations["conversation_id"].tolist() == ["a"]
    assert reasons(result) == {
        2: "row 2 has a lone surrogate U+DC00 at character 1; text must be valid Unicode",
        3: "conversation id has a lone surrogate U+D800 at character 0; text must be valid Unicode",
    }
    check_rejected_file(result, tmp_path / "r.jsonl")


def test_control_characters_are_cleaned_and_counted(tmp_path: Path) -> None:
    dirty = "How\x00 do\x07 I\x1b[0m fix\x7f\x9b it?\r\nline\rpage\x0cnext\x0bv\x85nel\ttab\x1c"
    path = write_lines(
        tmp_path / "c.jsonl",
        [
            json.dumps(conv("dirty", text=dirty)),
            json.dumps(conv("crlf", text="Windows\r\nline endings")),
            json.dumps(conv("only-controls", text="\x00\x01\x1b")),
        ],
    )
    result = load_conversations(path)
    check_accepted(result, 2000, 1_000_000)
    texts = {
        cid: messages[0]["content"]
        for cid, messages in zip(
            result.conversations["conversation_id"], result.conversations["messages"], strict=True
        )
    }
    assert texts == {
        "dirty": "How do I[0m fix it?\nline\npage\nnext\nv\nnel\ttab",
        "crlf": "Windows\nline endings",
    }
    assert reasons(result) == {3: "empty conversation: no user message with visible text"}
    assert result.n_cleaned == 1  # line endings alone do not count as cleaning


def test_invisible_only_text_counts_as_empty(tmp_path: Path) -> None:
    zero_width = "\u200b\u200c\u200d\ufeff\u2060 \u00a0\u3000\u2028"
    first_blank = {
        "id": "second-user-message",
        "messages": [
            {"role": "user", "content": zero_width},
            {"role": "assistant", "content": "?"},
            {"role": "user", "content": "Plan a trip to Lisbon"},
        ],
    }
    path = write_lines(
        tmp_path / "z.jsonl",
        [
            json.dumps(conv("zw", text=zero_width)),
            json.dumps(conv("ws", text=" \t\n ")),
            json.dumps(first_blank),
            json.dumps(conv("emoji", text="👩\u200d💻 and \u200bcafé")),  # joiners inside text are kept
        ],
    )
    result = load_conversations(path)
    check_accepted(result, 2000, 1_000_000)
    assert reasons(result) == {
        1: "empty conversation: no user message with visible text",
        2: "empty conversation: no user message with visible text",
    }
    kept = result.conversations.set_index("conversation_id")["messages"]
    assert kept["second-user-message"][0] == {"role": "user", "content": ""}
    assert kept["emoji"][0]["content"] == "👩\u200d💻 and \u200bcafé"
    assert result.n_cleaned == 1


def test_over_the_limits_is_cut_not_rejected(tmp_path: Path) -> None:
    turns = [{"role": "user" if i % 2 == 0 else "assistant", "content": f"turn {i}"} for i in range(10)]
    path = write_lines(
        tmp_path / "big.jsonl",
        [
            json.dumps({"id": "many", "messages": turns}),
            json.dumps(conv("long", text="y" * 150)),
            json.dumps(  # the crossing message is cut; the ones after it dropped
                {
                    "id": "cross",
                    "messages": [
                        {"role": "user", "content": "a" * 60},
                        {"role": "assistant", "content": "b" * 60},
                        {"role": "user", "content": "c"},
                    ],
                }
            ),
            json.dumps(  # the system prompt alone fills max_chars: no user text is left
                {"id": "sys", "system": "s" * 500, "messages": [{"role": "user", "content": "hi"}]}
            ),
            json.dumps(conv("fits", text="z" * 88)),
        ],
    )
    result = load_conversations(path, max_messages=4, max_chars=100, strict=False)
    check_accepted(result, 4, 100)
    kept = result.conversations.set_index("conversation_id")["messages"]
    assert kept["many"] == turns[:4]
    assert kept["long"] == [{"role": "user", "content": "y" * 88 + " [truncated]"}]
    assert kept["cross"] == [
        {"role": "user", "content": "a" * 60},
        {"role": "assistant", "content": "b" * 28 + " [truncated]"},
    ]
    assert kept["fits"][0]["content"] == "z" * 88
    assert result.n_cut == 3
    assert reasons(result) == {
        4: "huge conversation: no user message with visible text is left after cutting it to "
        "max_messages=4 and max_chars=100"
    }


def test_default_limits_cut_a_20_mb_message_and_10000_messages(tmp_path: Path) -> None:
    turns = [{"role": "user" if i % 2 == 0 else "assistant", "content": f"turn {i}"} for i in range(10_000)]
    big = "lorem ipsum " * 1_750_000  # 21 MB
    path = write_lines(
        tmp_path / "huge.jsonl",
        [
            json.dumps(conv("20mb", text=big)),
            json.dumps({"id": "10k", "messages": turns}),
        ],
    )
    result = load_conversations(path)
    check_accepted(result, 2000, 1_000_000)
    assert result.rejected.empty and result.n_cut == 2
    kept = result.conversations.set_index("conversation_id")["messages"]
    assert kept["20mb"][0]["content"] == big[: 1_000_000 - len(" [truncated]")] + " [truncated]"
    assert kept["10k"] == turns[:2000]


def test_numbers_and_nesting_python_cannot_parse_are_rejected(tmp_path: Path) -> None:
    too_many_digits = '{"id": 1' + "0" * 5000 + ', "messages": []}'
    path = write_lines(tmp_path / "n.jsonl", [too_many_digits, json.dumps(conv("ok"))])
    result = load_conversations(path)
    assert result.conversations["conversation_id"].tolist() == ["ok"]
    assert reasons(result)[1].startswith("invalid JSON: Exceeds the limit (4300 digits)")
    whole = tmp_path / "n.json"
    whole.write_text("[" + too_many_digits + "]", encoding="utf-8")
    with pytest.raises(InputError, match=r"n\.json: invalid JSON array: Exceeds the limit"):
        load_conversations(whole)
    whole.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(InputError, match=r"n\.json: invalid JSON array: nested too deeply"):
        load_conversations(whole)
    deep: Any = "x"
    for _ in range(sys.getrecursionlimit()):
        deep = [{"type": "tool_result", "content": deep}]
    frame = pd.DataFrame(
        {"id": ["deep", "ok"], "messages": [[{"role": "user", "content": deep}], conv("ok")["messages"]]}
    )
    result = load_conversations(frame)
    assert result.conversations["conversation_id"].tolist() == ["ok"]
    assert reasons(result) == {1: "record is nested too deeply"}
    rows = pd.DataFrame(
        {"conversation_id": ["deep", "ok"], "role": ["user", "user"], "content": [deep, "hi"]}
    )
    assert reasons(load_conversations(rows)) == {1: "a message's content is nested too deeply"}


@pytest.mark.skipif(sys.platform != "linux", reason="file names that are not UTF-8 need a Linux file system")
def test_file_name_that_is_not_utf8(tmp_path: Path) -> None:
    path = Path(os.fsdecode(os.fsencode(tmp_path) + b"/caf\xe9.jsonl"))
    write_lines(path, [json.dumps({"messages": [{"role": "user", "content": "hi"}]}), "{broken"])
    result = load_conversations(path)
    assert result.conversations["conversation_id"].tolist() == ["caf\\udce9:1"]
    assert result.rejected["source"].tolist() == [str(tmp_path / "caf\\udce9.jsonl")]
    check_rejected_file(result, tmp_path / "r.jsonl")


def test_input_hash_takes_any_string() -> None:
    frame = pd.DataFrame(
        {
            "conversation_id": ["a"],
            "user_id": ["u"],
            "messages": [[{"role": "user", "content": "\ud800"}]],
        }
    )
    other = frame.assign(messages=[[{"role": "user", "content": "\udc00"}]])
    assert _hash_conversations(frame) != _hash_conversations(other)


def test_cli_run_rejects_only_the_lone_surrogate_and_exits_0(tmp_path: Path) -> None:
    lines = [
        json.dumps(conv(f"g{i}", text=f"How do I bake bread, question {i}?", user_id=f"u{i}"))
        for i in range(3)
    ]
    path = write_lines(tmp_path / "in.jsonl", [*lines[:2], SURROGATE_LINE, lines[2]])
    out = tmp_path / "run"
    assert (
        main(["-q", "run", str(path), "--out", str(out), "--embedder", "hash", "--projection", "none"]) == 0
    )
    counts = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["counts"]
    assert (counts["read"], counts["accepted"], counts["rejected"]) == (4, 3, 1)
    assert sorted(pd.read_parquet(out / "assignments.parquet")["conversation_id"]) == ["g0", "g1", "g2"]
    rejected = [
        json.loads(line) for line in (out / "rejected.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert rejected == [
        {
            "source": str(path),
            "record": 3,
            "conversation_id": "bad",
            "reason": "message 1 has a lone surrogate U+D800 at character 0; text must be valid Unicode",
        }
    ]


# ----------------------------------------------------------------------------------------------
# Generated records
# ----------------------------------------------------------------------------------------------

#: Any code point, lone surrogates (Cs), controls (Cc) and format characters (Cf) included.
ANY_TEXT = st.text(alphabet=st.characters(exclude_categories=()), max_size=30)
NASTY_TEXT = st.text(alphabet=st.characters(categories=["Cs", "Cc", "Cf", "Zs"]), max_size=30)
TEXT = st.one_of(
    ANY_TEXT,
    NASTY_TEXT,
    st.builds(lambda a, b: a + b, ANY_TEXT, NASTY_TEXT),
    st.integers(150, 3000).map(lambda n: "w " * n),  # over max_chars
    st.just(""),
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)
MESSAGE_KEYS = ["role", "content", "from", "value", "type", "text"]


@st.composite
def bad_record(draw: st.DrawFn, index: int) -> Any:
    """A good record with one random change, a random record in a known layout, or any JSON value."""
    kind = draw(st.sampled_from(["mutate", "layout", "any"]))
    if kind == "any":
        return draw(JSON)
    if kind == "layout":
        key = draw(st.sampled_from(["messages", "conversations"]))
        messages = draw(st.lists(st.dictionaries(st.sampled_from(MESSAGE_KEYS), JSON | TEXT), max_size=12))
        return {"id": f"bad-{index}", key: messages, "system": draw(st.none() | TEXT)}
    record = conv(f"bad-{index}")
    where = draw(st.sampled_from(["content", "role", "id", "user_id", "messages", "drop", "blocks", "many"]))
    value = draw(JSON | TEXT)
    if where == "content":
        record["messages"][0]["content"] = value
    elif where == "role":
        record["messages"][0]["role"] = value
    elif where in ("id", "user_id", "messages"):
        record[where] = value
    elif where == "drop":
        del record["messages"][0][draw(st.sampled_from(["role", "content"]))]
    elif where == "blocks":
        record["messages"][0]["content"] = [
            {
                "type": draw(st.sampled_from(["text", "tool_use", "tool_result"])),
                "text": value,
                "input": value,
                "content": value,
            }
        ]
    else:
        record["messages"] = record["messages"] * draw(st.integers(3, 50))
    return record


@st.composite
def mixed_lines(draw: st.DrawFn, n_good: int, max_bad: int) -> tuple[list[str], list[str]]:
    """JSON Lines with ``n_good`` good conversations and generated bad ones; returns (lines, good ids)."""
    bad = [draw(bad_record(i)) for i in range(draw(st.integers(1, max_bad)))]
    lines = [json.dumps(record) for record in bad]  # ensure_ascii: lone surrogates as \udXXX escapes
    raw = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\n"), max_size=30)
    lines += draw(st.lists(raw, max_size=2))  # lines that are rarely JSON
    good = [f"good-{i}-7f3a" for i in range(n_good)]
    for i, cid in enumerate(good):
        record = conv(cid, text=f"How do I bake bread, question {i}?", user_id=f"user-{i}")
        lines.insert(draw(st.integers(0, len(lines))), json.dumps(record))
    return lines, good


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(mixed_lines(n_good=3, max_bad=6))
def test_property_any_record_is_accepted_or_rejected(case: tuple[list[str], list[str]]) -> None:
    lines, good = case
    with tempfile.TemporaryDirectory() as folder:
        path = write_lines(Path(folder) / "mixed.jsonl", lines)
        result = load_conversations(path, max_messages=20, max_chars=500)
        check_accepted(result, 20, 500)
        assert result.n_read == n_records(lines)
        assert set(good) <= set(result.conversations["conversation_id"])
        check_rejected_file(result, Path(folder) / "rejected.jsonl")


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(
    st.lists(st.tuples(JSON | TEXT, JSON | TEXT), max_size=10), st.lists(st.tuples(TEXT, JSON), max_size=4)
)
def test_property_any_dataframe_is_accepted_or_rejected(
    rows: list[tuple[Any, Any]], bad: list[tuple[str, Any]]
) -> None:
    good = [("good", "user", "Plan a trip to Lisbon")]
    frame = pd.DataFrame(
        [*good, *((f"r{i}", role, content) for i, (role, content) in enumerate(rows))],
        columns=["conversation_id", "role", "content"],
        dtype=object,
    )
    result = load_conversations(frame, max_messages=20, max_chars=500)
    check_accepted(result, 20, 500)
    assert "good" in set(result.conversations["conversation_id"])
    layout = pd.DataFrame(
        {
            "id": ["good", *(f"b{i}" for i in range(len(bad)))],
            "messages": [[{"role": "user", "content": "hi"}], *(m for _, m in bad)],
            "user_id": ["u", *(u for u, _ in bad)],
        },
        dtype=object,
    )
    result = load_conversations(layout, max_messages=20, max_chars=500)
    check_accepted(result, 20, 500)
    assert result.n_read == len(layout) and "good" in set(result.conversations["conversation_id"])


@settings(
    max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(mixed_lines(n_good=6, max_bad=4))
def test_property_pipeline_processes_every_good_conversation(case: tuple[list[str], list[str]]) -> None:
    lines, good = case
    with tempfile.TemporaryDirectory() as folder:
        path = write_lines(Path(folder) / "mixed.jsonl", lines)
        result = cliokit.run(
            path,
            out=Path(folder) / "run",
            backend="offline",
            embedder="hash",
            project={"method": "pca"},
            load={"max_messages": 20, "max_chars": 500},
        )
        counts = result.manifest.counts
        assert counts["read"] == counts["accepted"] + counts["rejected"] == n_records(lines)
        assert set(good) <= set(result.assignments["conversation_id"])
        rejected = (result.run_dir / "rejected.jsonl").read_bytes().decode("utf-8").splitlines()
        assert len(rejected) == counts["rejected"]
