from __future__ import annotations

import gzip
import json
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cliokit.errors import ConfigError, InputError
from cliokit.load import (
    LoadResult,
    estimate_tokens,
    load_conversations,
    messages_text,
    truncate_conversations,
    write_rejected,
)


def write_jsonl(path: Path, records: list[Any]) -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def conv(cid: str, text: str = "hello", **extra: Any) -> dict[str, Any]:
    return {
        "id": cid,
        "messages": [{"role": "user", "content": text}, {"role": "assistant", "content": "hi"}],
        **extra,
    }


def check_invariant(result: LoadResult) -> None:
    assert result.n_read == len(result.conversations) + len(result.rejected)
    assert list(result.conversations.columns) == [
        "conversation_id",
        "user_id",
        "messages",
        "source",
        "record",
        "timestamp",
    ]
    assert str(result.conversations["timestamp"].dtype) == "datetime64[ns, UTC]"
    assert list(result.rejected.columns) == ["source", "record", "conversation_id", "reason"]


def rejections(result: LoadResult) -> dict[int, str]:
    return dict(zip(result.rejected["record"].tolist(), result.rejected["reason"].tolist(), strict=True))


# ----------------------------------------------------------------------------------------------
# openai
# ----------------------------------------------------------------------------------------------


def test_openai_jsonl_roles_content_parts_and_tool(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "chats.jsonl",
        [
            {
                "id": "a",
                "user_id": "u1",
                "messages": [
                    {"role": "developer", "content": "Be brief."},
                    {
                        "role": "user",
                        "content": [
                            {"type": "text", "text": "What is in"},
                            {"type": "image_url", "image_url": {"url": "http://x/y.png"}},
                            {"type": "text", "text": "this image?"},
                        ],
                    },
                    {"role": "assistant", "content": None, "tool_calls": [{"id": "t1"}]},
                    {"role": "tool", "content": "a cat"},
                    {"role": "function", "content": "legacy"},
                    {"role": "assistant", "content": "A cat."},
                ],
            },
            {"id": 7, "messages": [{"role": "user", "content": "int id"}]},
        ],
    )
    result = load_conversations(path)
    check_invariant(result)
    assert result.format == "openai"
    assert result.n_read == 2
    assert result.rejected.empty
    first = result.conversations.iloc[0]
    assert first["conversation_id"] == "a"
    assert first["user_id"] == "u1"
    assert first["source"] == str(path)
    assert first["record"] == 1
    assert first["messages"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "What is in\nthis image?"},
        {"role": "assistant", "content": ""},
        {"role": "tool", "content": "a cat"},
        {"role": "tool", "content": "legacy"},
        {"role": "assistant", "content": "A cat."},
    ]
    second = result.conversations.iloc[1]
    assert second["conversation_id"] == "7"
    assert second["user_id"] == "7"
    assert result.n_user_id_missing == 1


def test_missing_id_falls_back_to_stem_and_record(tmp_path: Path) -> None:
    path = tmp_path / "logs.jsonl.gz"
    body = "\n".join(json.dumps({"messages": [{"role": "user", "content": f"q{i}"}]}) for i in range(2))
    path.write_bytes(gzip.compress(("\n" + body + "\n").encode()))
    result = load_conversations(path)
    check_invariant(result)
    assert result.conversations["conversation_id"].tolist() == ["logs:2", "logs:3"]
    assert result.conversations["user_id"].tolist() == ["logs:2", "logs:3"]
    assert result.conversations["record"].tolist() == [2, 3]
    assert result.n_user_id_missing == 2


def test_json_array_file(tmp_path: Path) -> None:
    path = tmp_path / "arr.json"
    path.write_text(json.dumps([conv("a"), "oops", conv("b", user_id="")]), encoding="utf-8")
    result = load_conversations(path)
    check_invariant(result)
    assert result.conversations["conversation_id"].tolist() == ["a", "b"]
    assert result.conversations["record"].tolist() == [1, 3]
    assert rejections(result) == {2: "record is not a JSON object (got string)"}
    assert result.n_user_id_missing == 2


def test_json_file_with_single_object_and_with_jsonl_body(tmp_path: Path) -> None:
    single = tmp_path / "one.json"
    single.write_text(json.dumps(conv("solo"), indent=2), encoding="utf-8")
    assert load_conversations(single).conversations["conversation_id"].tolist() == ["solo"]
    lines = write_jsonl(tmp_path / "lines.json", [conv("a"), conv("b")])
    assert load_conversations(lines).conversations["conversation_id"].tolist() == ["a", "b"]


def test_broken_json_array_is_input_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('[{"id": "a", ', encoding="utf-8")
    with pytest.raises(InputError, match="bad.json: invalid JSON array"):
        load_conversations(path)


def test_gzip_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl.gz"
    path.write_bytes(gzip.compress((json.dumps(conv("g1")) + "\n" + json.dumps(conv("g2")) + "\n").encode()))
    result = load_conversations(path)
    assert result.format == "openai"
    assert result.conversations["conversation_id"].tolist() == ["g1", "g2"]


# ----------------------------------------------------------------------------------------------
# sharegpt / anthropic
# ----------------------------------------------------------------------------------------------


def test_sharegpt(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "share.jsonl",
        [
            {
                "id": "s1",
                "conversations": [
                    {"from": "system", "value": "sys"},
                    {"from": "human", "value": "Hi"},
                    {"from": "gpt", "value": "Hello"},
                    {"from": "function_call", "value": "{}"},
                    {"from": "observation", "value": "42"},
                    {"from": "chatgpt", "value": "done"},
                ],
            },
            {"id": "s2", "conversations": [{"from": "user", "value": "a"}, {"from": "bard", "value": "b"}]},
            {"id": "s3", "conversations": [{"from": "alien", "value": "a"}]},
        ],
    )
    result = load_conversations(path)
    check_invariant(result)
    assert result.format == "sharegpt"
    assert result.conversations.iloc[0]["messages"] == [
        {"role": "system", "content": "sys"},
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "Hello"},
        {"role": "tool", "content": "{}"},
        {"role": "tool", "content": "42"},
        {"role": "assistant", "content": "done"},
    ]
    assert [m["role"] for m in result.conversations.iloc[1]["messages"]] == ["user", "assistant"]
    reason = rejections(result)[3]
    assert "unknown role 'alien'" in reason
    assert "human" in reason and "gpt" in reason
    assert result.rejected.iloc[0]["conversation_id"] == "s3"


def test_explicit_format_rejects_other_layout(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "x.jsonl", [conv("a"), {"id": "b", "conversations": [{"from": "human", "value": "x"}]}]
    )
    result = load_conversations(path, format="sharegpt")
    assert result.format == "sharegpt"
    assert rejections(result) == {1: "missing 'conversations'"}
    result = load_conversations(path, format="openai")
    assert rejections(result) == {2: "missing 'messages'"}
    mixed = load_conversations(path)
    assert mixed.conversations["conversation_id"].tolist() == ["a", "b"]


def test_anthropic_blocks(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "claude.jsonl",
        [
            {
                "id": "m1",
                "user_id": 99,
                "system": [{"type": "text", "text": "You are"}, {"type": "text", "text": "helpful."}],
                "messages": [
                    {
                        "role": "user",
                        "content": [
                            {"type": "image", "source": {"type": "base64", "data": "..."}},
                            {"type": "text", "text": "Weather in Paris?"},
                        ],
                    },
                    {
                        "role": "assistant",
                        "content": [
                            {"type": "thinking", "thinking": "secret"},
                            {"type": "text", "text": "Checking."},
                            {
                                "type": "tool_use",
                                "id": "t",
                                "name": "weather",
                                "input": {"city": "Paris", "n": 1},
                            },
                        ],
                    },
                    {
                        "role": "user",
                        "content": [
                            {
                                "type": "tool_result",
                                "tool_use_id": "t",
                                "content": [{"type": "text", "text": "18C"}],
                            }
                        ],
                    },
                    {
                        "role": "user",
                        "content": [
                            {"type": "tool_result", "tool_use_id": "t", "content": "raw"},
                            {"type": "text", "text": "Thanks"},
                        ],
                    },
                    {"role": "assistant", "content": "It is 18C."},
                ],
            },
            {"id": "m2", "system": "Short.", "messages": [{"role": "user", "content": "plain"}]},
        ],
    )
    result = load_conversations(path)
    check_invariant(result)
    assert result.format == "anthropic"
    first = result.conversations.iloc[0]
    assert first["user_id"] == "99"
    assert first["messages"] == [
        {"role": "system", "content": "You are\nhelpful."},
        {"role": "user", "content": "Weather in Paris?"},
        {"role": "assistant", "content": 'Checking.\n[tool_use weather] {"city":"Paris","n":1}'},
        {"role": "tool", "content": "18C"},
        {"role": "user", "content": "raw\nThanks"},
        {"role": "assistant", "content": "It is 18C."},
    ]
    assert result.conversations.iloc[1]["messages"] == [
        {"role": "system", "content": "Short."},
        {"role": "user", "content": "plain"},
    ]


def test_auto_detection_from_first_parseable_record(tmp_path: Path) -> None:
    anthropic = write_jsonl(
        tmp_path / "a.jsonl",
        ["{broken", {"id": "x", "messages": [{"role": "user", "content": [{"type": "text", "text": "hi"}]}]}],
    )
    assert load_conversations(anthropic).format == "anthropic"
    openai = write_jsonl(
        tmp_path / "o.ndjson", [{"id": "x", "messages": [{"role": "system", "content": "s"}]}]
    )
    assert load_conversations(openai).format == "openai"
    sharegpt = write_jsonl(tmp_path / "s.jsonl", [{"conversations": [{"from": "human", "value": "q"}]}])
    assert load_conversations(sharegpt).format == "sharegpt"


# ----------------------------------------------------------------------------------------------
# rows / dataframe
# ----------------------------------------------------------------------------------------------


def test_rows_csv_with_aliases_and_ordering(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_text(
        "id,speaker,text,turn,user_id\n"
        "c1,assistant,second,2,\n"  # line 2
        "c2,human,other,1,u2\n"  # line 3
        "c1,user,first,1,u1\n"  # line 4
        "c1,gpt,third,10,u1\n"  # line 5
        ",user,orphan,1,\n"  # line 6
        "c3,robot,x,1,\n"  # line 7
        "c4,assistant,only the assistant,1,\n",  # line 8
        encoding="utf-8",
    )
    result = load_conversations(path)
    check_invariant(result)
    assert result.format == "rows"
    assert result.n_read == 5
    convs = result.conversations.set_index("conversation_id")
    assert convs.loc["c1", "messages"] == [
        {"role": "user", "content": "first"},
        {"role": "assistant", "content": "second"},
        {"role": "assistant", "content": "third"},
    ]
    assert convs.loc["c1", "record"] == 2
    assert convs.loc["c1", "user_id"] == "u1"
    assert convs.loc["c2", "record"] == 3
    assert convs.loc["c2", "user_id"] == "u2"
    rejected = rejections(result)
    assert rejected[6] == "row 6 has no conversation_id"
    assert "row 7 has unknown role 'robot'" in rejected[7]
    assert rejected[8].startswith("empty conversation")


def test_rows_parquet_with_timestamp_ordering(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "conversation": [1, 1, 2, 2],
            "from": ["assistant", "user", "user", "assistant"],
            "message": ["answer", "question", "q2", "a2"],
            "timestamp": pd.to_datetime(
                ["2024-01-01 10:05", "2024-01-01 10:00", "2024-01-02 09:00", "2024-01-02 09:01"]
            ),
        }
    )
    path = tmp_path / "rows.parquet"
    frame.to_parquet(path)
    result = load_conversations(path)
    check_invariant(result)
    assert result.format == "rows"
    assert result.conversations["conversation_id"].tolist() == ["1", "2"]
    assert result.conversations["record"].tolist() == [1, 3]
    assert [m["content"] for m in result.conversations.iloc[0]["messages"]] == ["question", "answer"]
    assert result.n_user_id_missing == 2


def test_rows_string_timestamps_and_message_index(tmp_path: Path) -> None:
    path = tmp_path / "t.tsv"
    path.write_text(
        "conversation_id\trole\tcontent\ttimestamp\n"
        "a\tassistant\tlater\t2024-03-01T10:00:05Z\n"
        "a\tuser\tearlier\t2024-03-01T10:00:00Z\n",
        encoding="utf-8",
    )
    result = load_conversations(path)
    assert [m["content"] for m in result.conversations.iloc[0]["messages"]] == ["earlier", "later"]
    frame = pd.DataFrame(
        {
            "conversation_id": ["z", "z"],
            "role": ["assistant", "user"],
            "value": ["b", "a"],
            "message_index": [1, 0],
        }
    )
    result = load_conversations(frame)
    assert result.format == "dataframe"
    assert [m["content"] for m in result.conversations.iloc[0]["messages"]] == ["a", "b"]
    assert result.conversations.iloc[0]["source"] == "<dataframe>"


def test_rows_file_order_without_ordering_column_and_missing_columns(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {"conversation_id": ["a", "a"], "role": ["user", "assistant"], "content": ["1", "2"]}
    )
    result = load_conversations(frame, format="rows")
    assert result.format == "rows"
    assert [m["content"] for m in result.conversations.iloc[0]["messages"]] == ["1", "2"]
    with pytest.raises(InputError, match="missing column"):
        load_conversations(pd.DataFrame({"role": ["user"], "content": ["x"]}))


def test_dataframe_messages_layout() -> None:
    frame = pd.DataFrame(
        {
            "id": ["a", None, "c"],
            "user_id": ["u", None, "w"],
            "messages": [
                [{"role": "user", "content": "hi"}],
                [{"role": "user", "content": "no id"}],
                [{"role": "assistant", "content": "only assistant"}],
            ],
        }
    )
    result = load_conversations(frame)
    check_invariant(result)
    assert result.format == "dataframe"
    assert result.conversations["conversation_id"].tolist() == ["a", "dataframe:2"]
    assert result.conversations["user_id"].tolist() == ["u", "dataframe:2"]
    assert result.conversations["source"].tolist() == ["<dataframe>", "<dataframe>"]
    assert rejections(result) == {3: "empty conversation: no user message with visible text"}
    assert result.rejected.iloc[0]["conversation_id"] == "c"


def test_parquet_messages_layout_roundtrip(tmp_path: Path) -> None:
    frame = pd.DataFrame({"id": ["p1"], "messages": [[{"role": "user", "content": "from parquet"}]]})
    path = tmp_path / "conv.parquet"
    frame.to_parquet(path)
    result = load_conversations(path)
    assert result.conversations.iloc[0]["messages"] == [{"role": "user", "content": "from parquet"}]


def test_list_of_paths(tmp_path: Path) -> None:
    first = write_jsonl(tmp_path / "one.jsonl", [conv("a"), conv("b")])
    second = tmp_path / "two.csv"
    second.write_text("conversation_id,role,content\nc,user,hey\na,user,dup\n", encoding="utf-8")
    result = load_conversations([first, str(second)])
    check_invariant(result)
    assert result.format == "mixed"
    assert result.conversations["conversation_id"].tolist() == ["a", "b", "c"]
    assert result.conversations["source"].tolist() == [str(first), str(first), str(second)]
    assert result.rejected.iloc[0]["source"] == str(second)
    assert result.rejected.iloc[0]["record"] == 3
    assert result.rejected.iloc[0]["reason"] == f"duplicate conversation id 'a': first seen at {first}:1"


# ----------------------------------------------------------------------------------------------
# timestamps
# ----------------------------------------------------------------------------------------------

UTC = "2024-05-01 12:00:00+00:00"


def stamps(result: LoadResult) -> dict[str, str]:
    """``{conversation_id: timestamp as str}`` ("NaT" where absent)."""
    ts = result.conversations.set_index("conversation_id")["timestamp"]
    return {cid: str(t) for cid, t in ts.items()}


def test_timestamps_from_openai_records_iso_and_epoch(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "t.jsonl",
        [
            conv("zulu", timestamp="2024-05-01T12:00:00Z"),
            conv("zoned", created_at="2024-05-01T14:00:00+02:00"),
            conv("naive", time="2024-05-01T12:00:00"),  # no zone: UTC
            conv("space", date="2024-05-01 12:00:00"),
            conv("day", date="2024-05-01"),
            conv("seconds", created_at=1714564800),
            conv("seconds_float", create_time=1714564800.25),
            conv("millis", timestamp=1714564800000),
            conv("millis_string", timestamp="1714564800000"),
            conv("micros", timestamp=1714564800000000),
            conv("none"),
            conv("null", timestamp=None),
            conv("first_wins", timestamp="2024-05-01T12:00:00Z", created_at="1999-01-01"),
        ],
    )
    result = load_conversations(path)
    check_invariant(result)
    got = stamps(result)
    for cid in (
        "zulu",
        "zoned",
        "naive",
        "space",
        "seconds",
        "millis",
        "millis_string",
        "micros",
        "first_wins",
    ):
        assert got[cid] == UTC, cid
    assert got["day"] == "2024-05-01 00:00:00+00:00"
    assert got["seconds_float"] == "2024-05-01 12:00:00.250000+00:00"
    assert got["none"] == got["null"] == "NaT"
    assert result.n_bad_timestamp == 0


def test_epoch_unit_is_chosen_by_magnitude(tmp_path: Path) -> None:
    records = [
        conv("s", timestamp=9_000_000_000),
        conv("s_out_of_range", timestamp=99_999_999_999),  # seconds: the year 5138
        conv("ms", timestamp=100_000_000_000),  # one more: milliseconds
        conv("neg", timestamp=-86400),
    ]
    result = load_conversations(write_jsonl(tmp_path / "t.jsonl", records))
    assert stamps(result) == {
        "s": "2255-03-14 16:00:00+00:00",
        "s_out_of_range": "NaT",
        "ms": "1973-03-03 09:46:40+00:00",
        "neg": "1969-12-31 00:00:00+00:00",
    }
    assert result.n_bad_timestamp == 1


def test_timestamp_from_the_first_message_that_has_one(tmp_path: Path) -> None:
    records = [
        {
            "id": "openai",
            "messages": [
                {"role": "system", "content": "be brief"},
                {"role": "user", "content": "hello", "timestamp": "2024-05-01T12:00:00Z"},
                {"role": "assistant", "content": "hi", "timestamp": "2024-05-02T00:00:00Z"},
            ],
        },
        {
            "id": "sharegpt",
            "conversations": [
                {"from": "human", "value": "hello", "create_time": 1714564800},
                {"from": "gpt", "value": "hi", "create_time": 1714564900},
            ],
        },
        {
            "id": "anthropic",
            "system": "be brief",
            "created_at": "2024-05-01T12:00:00Z",
            "messages": [{"role": "user", "content": [{"type": "text", "text": "hello"}], "timestamp": 0}],
        },
    ]
    result = load_conversations(write_jsonl(tmp_path / "t.jsonl", records))
    assert stamps(result) == {"openai": UTC, "sharegpt": UTC, "anthropic": UTC}  # the record's field first
    share = load_conversations(write_jsonl(tmp_path / "s.jsonl", records[1:2]), format="sharegpt")
    assert stamps(share) == {"sharegpt": UTC}


def test_bad_timestamp_keeps_the_conversation_counts_and_warns(tmp_path: Path, caplog) -> None:
    path = write_jsonl(
        tmp_path / "t.jsonl",
        [
            conv("good", timestamp="2024-05-01T12:00:00Z"),
            conv("words", timestamp="yesterday"),
            conv("us_date", timestamp="05/01/2024"),
            conv("bool", created_at=True),
            conv("range", timestamp="9999-01-01"),
            conv("list", timestamp=[2024, 5, 1]),
            conv("blank", timestamp="  "),  # blank: no time, not a bad one
        ],
    )
    with caplog.at_level("WARNING", logger="cliokit.load"):
        result = load_conversations(path)
    check_invariant(result)
    assert len(result.conversations) == 7 and result.rejected.empty
    got = stamps(result)
    assert got["good"] == UTC
    assert all(got[c] == "NaT" for c in ("words", "us_date", "bool", "range", "list", "blank"))
    assert result.n_bad_timestamp == 5
    warning = [r.getMessage() for r in caplog.records if "unreadable timestamp" in r.getMessage()]
    assert len(warning) == 1 and "5 accepted conversations" in warning[0]
    assert f"{path}:2: timestamp 'timestamp': unreadable timestamp 'yesterday'" in warning[0]
    with pytest.raises(
        InputError, match=r"t\.jsonl:2: timestamp 'timestamp': unreadable timestamp 'yesterday'"
    ):
        load_conversations(path, strict=True)


def test_timestamps_from_rows_tables(tmp_path: Path) -> None:
    csv = tmp_path / "rows.csv"
    csv.write_text(
        "conversation_id,role,content,turn,created_at\n"
        "a,assistant,later,2,1714564900\n"
        "a,user,earlier,1,1714564800\n"  # the first message in turn order gives the time
        "b,user,hi,1,\n"
        "b,assistant,yo,2,2024-05-01T14:00:00+02:00\n"  # blank first: the first message that has one
        "c,user,hi,1,\n"
        "d,user,hi,1,soon\n",
        encoding="utf-8",
    )
    result = load_conversations(csv)
    check_invariant(result)
    assert stamps(result) == {"a": UTC, "b": UTC, "c": "NaT", "d": "NaT"}
    assert result.n_bad_timestamp == 1
    with pytest.raises(InputError, match=r"rows\.csv:7: timestamp row 7 'created_at'"):
        load_conversations(csv, strict=True)
    frame = pd.DataFrame(
        {
            "conversation_id": ["p", "p", "q"],
            "role": ["user", "assistant", "user"],
            "content": ["x", "y", "z"],
            "timestamp": pd.to_datetime(["2024-05-01 14:00", "2024-05-01 15:00", None]).tz_localize(
                "Europe/Paris"
            ),
        }
    )
    parquet = tmp_path / "rows.parquet"
    frame.to_parquet(parquet)
    assert stamps(load_conversations(parquet)) == {"p": UTC, "q": "NaT"}


def test_timestamps_from_one_conversation_per_row_tables(tmp_path: Path) -> None:
    messages = [{"role": "user", "content": "hello"}]
    frame = pd.DataFrame(
        {
            "id": ["naive", "zoned", "epoch", "none"],
            "messages": [messages] * 4,
            "created_at": [
                pd.Timestamp("2024-05-01 12:00"),
                pd.Timestamp("2024-05-01 14:00", tz="Europe/Paris"),
                1714564800000,
                None,
            ],
        }
    )
    result = load_conversations(frame)
    check_invariant(result)
    assert stamps(result) == {"naive": UTC, "zoned": UTC, "epoch": UTC, "none": "NaT"}
    typed = frame.iloc[:2].assign(created_at=pd.to_datetime(["2024-05-01 12:00", None]))
    parquet = tmp_path / "conversations.parquet"
    typed.to_parquet(parquet)
    assert stamps(load_conversations(parquet)) == {"naive": UTC, "zoned": "NaT"}


def test_no_timestamp_anywhere_gives_a_nat_column(tmp_path: Path) -> None:
    result = load_conversations(write_jsonl(tmp_path / "t.jsonl", [conv("a"), conv("b")]))
    check_invariant(result)
    assert result.conversations["timestamp"].isna().all() and result.n_bad_timestamp == 0


# ----------------------------------------------------------------------------------------------
# rejections
# ----------------------------------------------------------------------------------------------


def test_every_rejection_reason_with_record_numbers(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    lines = [
        json.dumps(conv("ok1")),  # 1
        "",  # 2 blank: skipped
        "{not json",  # 3
        json.dumps([1, 2]),  # 4
        json.dumps({"id": "nomsg"}),  # 5
        json.dumps({"id": "empty", "messages": []}),  # 6
        json.dumps({"id": "notobj", "messages": ["hi"]}),  # 7
        json.dumps({"id": "role", "messages": [{"role": "wizard", "content": "x"}]}),  # 8
        json.dumps({"id": "ctype", "messages": [{"role": "user", "content": 5}]}),  # 9
        json.dumps(
            {
                "id": "blank",
                "messages": [{"role": "user", "content": "   "}, {"role": "assistant", "content": "x"}],
            }
        ),  # 10
        json.dumps({"id": "many", "messages": [{"role": "user", "content": "x"}] * 6}),  # 11
        json.dumps({"id": "long", "messages": [{"role": "user", "content": "x" * 101}]}),  # 12
        json.dumps(conv("ok1")),  # 13
        "   ",  # 14 blank
        json.dumps({"messages": [{"role": "user", "content": "ok"}], "id": "ok2"}),  # 15
        json.dumps({"id": "neither"}).replace("}", ', "turns": []}'),  # 16
    ]
    data = ("\n".join(lines) + "\n").encode()
    bad_utf8 = b'{"id": "u", "messages": [{"role": "user", "content": "caf\xe9"}]}\n'  # line 17
    path.write_bytes(data + bad_utf8)
    result = load_conversations(path, format="openai", max_messages=5, max_chars=100)
    check_invariant(result)
    assert result.n_read == 15
    assert result.conversations["conversation_id"].tolist() == ["ok1", "many", "long", "ok2"]
    assert result.conversations["record"].tolist() == [1, 11, 12, 15]
    assert result.n_cut == 2  # over max_messages / max_chars: cut, not rejected
    many, long = result.conversations["messages"].iloc[1:3]
    assert many == [{"role": "user", "content": "x"}] * 5
    assert long == [{"role": "user", "content": "x" * 88 + " [truncated]"}]
    reasons = rejections(result)
    assert sorted(reasons) == [3, 4, 5, 6, 7, 8, 9, 10, 13, 16, 17]
    assert reasons[3].startswith("invalid JSON: Expecting property name enclosed in double quotes")
    assert reasons[4] == "record is not a JSON object (got array)"
    assert reasons[5] == "missing 'messages'"
    assert reasons[6] == "'messages' is empty"
    assert reasons[7] == "message 1 is not an object (got string)"
    assert reasons[8].startswith(
        "message 1 has unknown role 'wizard'; allowed roles: system, user, assistant, tool"
    )
    assert reasons[9].startswith("message 1 has content of unsupported type number")
    assert reasons[10] == "empty conversation: no user message with visible text"
    assert reasons[13] == f"duplicate conversation id 'ok1': first seen at {path}:1"
    assert reasons[16] == "missing 'messages'"
    offset = len(data) + bad_utf8.index(b"\xe9")
    assert "UTF-8" in reasons[17] and f"byte offset {offset}" in reasons[17]
    ids = dict(zip(result.rejected["record"], result.rejected["conversation_id"], strict=True))
    assert ids[3] is None and ids[4] is None
    assert ids[8] == "role" and ids[13] == "ok1"


def test_auto_record_without_messages_or_conversations(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "n.jsonl", [{"id": "x", "turns": []}, conv("y")])
    result = load_conversations(path)
    assert rejections(result) == {1: "record has neither 'messages' nor 'conversations'"}
    assert result.format == "openai"


def test_bad_id_and_user_id_types(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "ids.jsonl", [conv("a", user_id={"x": 1}), {**conv("b"), "id": [1]}])
    reasons = rejections(load_conversations(path))
    assert reasons == {
        1: "user_id must be a string or an integer; got object",
        2: "conversation id must be a string or an integer; got array",
    }


def test_strict_mode_raises_with_location(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "s.jsonl", [conv("a"), "{bad"])
    with pytest.raises(InputError) as info:
        load_conversations(path, strict=True)
    assert f"{path}:2" in str(info.value)
    assert info.value.record == 2
    assert info.value.source == str(path)
    assert info.value.reason.startswith("invalid JSON")


def test_missing_and_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="nope.jsonl: file not found"):
        load_conversations(tmp_path / "nope.jsonl")
    with pytest.raises(InputError, match="is a directory"):
        load_conversations(tmp_path)
    corrupt = tmp_path / "c.jsonl.gz"
    corrupt.write_bytes(b"\x1f\x8b\x08garbage")
    with pytest.raises(InputError, match="c.jsonl.gz"):
        load_conversations(corrupt)


def test_config_errors(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "a.jsonl", [conv("a")])
    with pytest.raises(ConfigError, match="auto, openai, sharegpt, anthropic, rows, dataframe"):
        load_conversations(path, format="xml")
    with pytest.raises(ConfigError, match="max_messages"):
        load_conversations(path, max_messages=0)
    with pytest.raises(ConfigError, match="DataFrame"):
        load_conversations(path, format="dataframe")
    with pytest.raises(ConfigError, match="rows"):
        load_conversations(path, format="rows")
    odd = tmp_path / "a.txt"
    odd.write_text(json.dumps(conv("t")) + "\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="extension"):
        load_conversations(odd)
    assert load_conversations(odd, format="openai").conversations["conversation_id"].tolist() == ["t"]


GOOD = json.dumps(conv("X"))
BAD_LINES = [
    "{oops",
    "[]",
    '{"id": "e", "messages": []}',
    '{"messages": [{"role": "bot", "content": "x"}]}',
    "42",
]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(["good", "blank", *BAD_LINES]), max_size=25))
def test_property_counts_add_up(kinds: list[str]) -> None:
    lines = []
    for i, kind in enumerate(kinds):
        lines.append(GOOD.replace('"X"', f'"c{i}"') if kind == "good" else "" if kind == "blank" else kind)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "p.jsonl"
        path.write_text("\n".join(lines), encoding="utf-8")
        result = load_conversations(path)
    check_invariant(result)
    expected_good = [i + 1 for i, k in enumerate(kinds) if k == "good"]
    expected_bad = [i + 1 for i, k in enumerate(kinds) if k not in ("good", "blank")]
    assert result.n_read == len(expected_good) + len(expected_bad)
    assert result.conversations["record"].tolist() == expected_good
    assert result.rejected["record"].tolist() == expected_bad


# ----------------------------------------------------------------------------------------------
# write_rejected
# ----------------------------------------------------------------------------------------------


def test_write_rejected_roundtrip(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "r.jsonl", ["{x", conv("ünï", text=" ")])
    result = load_conversations(path)
    out = tmp_path / "out" / "rejected.jsonl"
    write_rejected(result.rejected, out)
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["record"] for r in rows] == [1, 2]
    assert [r["source"] for r in rows] == [str(path), str(path)]
    assert rows[0]["conversation_id"] is None
    assert rows[1]["conversation_id"] == "ünï"
    assert rows[1]["reason"].startswith("empty conversation")
    assert list(out.parent.iterdir()) == [out]  # no temp file left behind
    write_rejected(result.rejected.iloc[:0], out)
    assert out.read_text(encoding="utf-8") == ""


# ----------------------------------------------------------------------------------------------
# truncate / estimate_tokens / messages_text
# ----------------------------------------------------------------------------------------------


def test_estimate_tokens_scripts() -> None:
    # o200k_base BPE counts, not characters / 4
    assert estimate_tokens("The quick brown fox jumps over the lazy dog.") == 10  # 44 chars
    assert estimate_tokens("今日はとても良い天気ですね") == 8  # 13 chars
    assert estimate_tokens("Привет, мир") == 4
    assert estimate_tokens("مرحبا") == 2
    assert estimate_tokens("| 1234.56 | 7890.12 |") == 13  # 21 chars: digits go in groups of 1-3
    assert estimate_tokens("") == 0
    assert estimate_tokens("a") == 1


def make_frame(messages: list[dict[str, str]]) -> pd.DataFrame:
    return pd.DataFrame({"conversation_id": ["a"], "messages": [messages]})


def test_truncate_at_turn_boundaries() -> None:
    messages = [
        {"role": "system", "content": " system" * 10},  # 10 tokens
        {"role": "user", "content": " user" * 10},  # 10
        {"role": "assistant", "content": " assistant" * 10},  # 10
        {"role": "user", "content": " again" * 10},  # 10
    ]
    short = [{"role": "user", "content": "fits"}]
    frame = pd.DataFrame({"conversation_id": ["a", "b"], "messages": [messages, short]})
    out, n = truncate_conversations(frame, max_tokens=30)
    assert n == 1
    assert out.iloc[0]["messages"] == messages[:3]
    assert out.iloc[1]["messages"] == short
    assert frame.iloc[0]["messages"] == messages  # input unchanged
    assert len(frame.iloc[0]["messages"]) == 4
    untouched, n = truncate_conversations(frame, max_tokens=1000)
    assert n == 0 and untouched.iloc[0]["messages"] == messages


def test_truncate_keeps_and_cuts_first_user_message() -> None:
    words = " ".join(f"w{i:03d}" for i in range(200))  # 999 chars, ~250 tokens
    messages = [{"role": "user", "content": words}, {"role": "assistant", "content": "ok"}]
    frame = make_frame(messages)
    out, n = truncate_conversations(frame, max_tokens=20)
    assert n == 1
    kept = out.iloc[0]["messages"]
    assert len(kept) == 1 and kept[0]["role"] == "user"
    content = kept[0]["content"]
    assert content.endswith(" [truncated]")
    body = content[: -len(" [truncated]")]
    assert words.startswith(body)
    assert words[len(body)] == " "  # cut at a whitespace boundary
    assert estimate_tokens(content) <= 20
    assert frame.iloc[0]["messages"][0]["content"] == words


def test_truncate_cjk_without_spaces_cuts_hard() -> None:
    text = "漢" * 100
    out, n = truncate_conversations(make_frame([{"role": "user", "content": text}]), max_tokens=10)
    assert n == 1
    assert out.iloc[0]["messages"][0]["content"] == "漢" * 6 + " [truncated]"  # 6 + 4 tokens


def test_truncate_forces_first_user_after_long_preamble() -> None:
    messages = [
        {"role": "assistant", "content": "greeting " * 50},
        {"role": "user", "content": "short question"},
        {"role": "assistant", "content": "answer"},
    ]
    out, n = truncate_conversations(make_frame(messages), max_tokens=20)
    assert n == 1
    assert out.iloc[0]["messages"] == [messages[1]]
    with pytest.raises(ConfigError):
        truncate_conversations(make_frame(messages), max_tokens=0)


def test_messages_text() -> None:
    messages = [
        {"role": "system", "content": "s"},
        {"role": "user", "content": "one"},
        {"role": "assistant", "content": ""},
        {"role": "user", "content": "two"},
        {"role": "assistant", "content": "three"},
    ]
    assert messages_text(messages) == "one\n\ntwo"
    assert messages_text(messages, roles=("user", "assistant")) == "one\n\ntwo\n\nthree"
    assert messages_text(messages, roles="system") == "s"


def test_block_type_that_is_not_a_string_is_rejected_not_a_crash(tmp_path):
    import json as _json

    from cliokit.load import load_conversations as _load

    path = tmp_path / "bad.jsonl"
    good = {"id": "g", "messages": [{"role": "user", "content": "hello there, how are you?"}]}
    bad = {"id": "b", "messages": [{"role": "user", "content": [{"type": ["x"], "text": "hi"}]}]}
    path.write_text(_json.dumps(bad) + "\n" + _json.dumps(good) + "\n")
    result = _load(path)
    assert result.n_read == 2 and len(result.conversations) == 1
    assert "not a string" in result.rejected["reason"].iloc[0]
