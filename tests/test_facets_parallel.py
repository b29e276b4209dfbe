"""Scrub + facets in worker processes: the same outputs as one process, in the input order."""

from __future__ import annotations

import json
import os
from typing import Any

import pandas as pd
import pytest

import cliokit
from cliokit import datasets
from cliokit.backends.calls import StageUsage
from cliokit.backends.scripted import ScriptedBackend
from cliokit.config import Config, FacetsConfig, ScrubConfig
from cliokit.errors import ConfigError, InputError
from cliokit.facets import ModelFacets, resolve_workers, scrub_and_extract
from cliokit.offline import OfflineFacets
from cliokit.synthetic import generate
from tests.llm_stub import scripted_answer
from tests.public_data import public_data

from .conftest import make_conversations

FAST = {"project": {"method": "pca"}, "embed": {"model": "hash"}}


def _both(conversations: pd.DataFrame, extractor: Any = None, **kwargs: Any) -> list[tuple[Any, ...]]:
    """``scrub_and_extract`` with 1 and with 2 workers."""
    return [
        scrub_and_extract(
            conversations,
            extractor or OfflineFacets(),
            FacetsConfig(**kwargs),
            StageUsage(),
            scrub=ScrubConfig(),
            workers=workers,
            progress=False,
        )
        for workers in (1, 2)
    ]


def _assert_same(one: tuple[Any, ...], two: tuple[Any, ...]) -> None:
    pd.testing.assert_frame_equal(one[0], two[0])
    assert [list(m) for m in one[1]["messages"]] == [list(m) for m in two[1]["messages"]]
    assert list(one[2].items()) == list(two[2].items())  # same counts, same key order


def test_two_workers_match_one_on_public_conversations():
    root = public_data(datasets.HH_RLHF_FILE, datasets.OASST_FILE, "arena_hard")
    hh = datasets.load_hh_rlhf(root / datasets.HH_RLHF_FILE, max_conversations=200, seed=1).conversations
    oasst = datasets.load_oasst(root / datasets.OASST_FILE, max_conversations=60, seed=1).conversations
    lines = (root / "arena_hard" / "arena-hard-v2.0_question.jsonl").read_text(encoding="utf-8").split("\n")
    prompts = [json.loads(line)["prompt"] for line in lines if line.strip()][:120]
    arena = pd.DataFrame(
        {
            "conversation_id": [f"arena-{i}" for i in range(len(prompts))],
            "user_id": [f"arena-{i}" for i in range(len(prompts))],
            "messages": [[{"role": "user", "content": p}] for p in prompts],
        }
    )
    convs = pd.concat(
        [f[["conversation_id", "user_id", "messages"]] for f in (hh, oasst, arena)], ignore_index=True
    )
    one, two = _both(
        convs, custom=[{"name": "code", "kind": "categorical", "question": "?", "values": ["python", "sql"]}]
    )
    _assert_same(one, two)
    assert len(one[0]) == len(convs) and list(one[0]["conversation_id"]) == list(convs["conversation_id"])
    assert one[2]["conversations_with_pii"] > 0  # the scrub found something, in both


def test_two_workers_match_one_on_synthetic_conversations_with_pii():
    data = generate(400, ("en", "fr", "ja"), seed=5, pii_rate=0.5, progress=False)
    one, two = _both(data.conversations[["conversation_id", "user_id", "messages"]])
    _assert_same(one, two)
    assert one[2]["conversations_with_pii"] > 50


class PidFacets(OfflineFacets):
    """Offline facets, plus the process that extracted them."""

    def extract(self, conversations, cfg, usage, progress):
        return [{**row, "pid": os.getpid()} for row in super().extract(conversations, cfg, usage, progress)]


def test_parallel_extractors_run_in_the_workers_and_others_in_this_process():
    convs = make_conversations(300, n_users=50).drop(columns=["topic"])
    facets = scrub_and_extract(
        convs, PidFacets(), FacetsConfig(), StageUsage(), scrub=ScrubConfig(), workers=2, progress=False
    )[0]
    assert os.getpid() not in set(facets["pid"])
    assert facets["pid"].nunique() == 2  # both workers had chunks

    backend = ScriptedBackend(scripted_answer)
    convs.loc[0, "messages"][0]["content"] += " Mail me at jane.doe@example.com."
    one, two = _both(convs, ModelFacets(backend))
    _assert_same(one, two)
    prompts = " ".join(m["content"] for r in backend.requests for m in r.messages)
    assert "jane.doe@example.com" not in prompts and "[EMAIL_ADDRESS]" in prompts


def test_a_bad_row_is_reported_with_its_record_number_before_any_work():
    convs = make_conversations(200, n_users=40).drop(columns=["topic"])
    convs.loc[150, "messages"][0]["content"] = 42
    with pytest.raises(InputError, match=r"<dataframe>:151: message content must be a str, got int"):
        scrub_and_extract(
            convs,
            OfflineFacets(),
            FacetsConfig(),
            StageUsage(),
            scrub=ScrubConfig(),
            workers=2,
            progress=False,
        )


def test_resolve_workers(monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2}, raising=False)
    assert resolve_workers("auto", 10_000) == 3
    assert resolve_workers("auto", 100) == 2  # one worker per 64 conversations at most
    assert resolve_workers(1, 10_000) == 1
    assert resolve_workers(8, 10_000) == 8
    assert resolve_workers(8, 10) == 1


def test_workers_setting_is_checked_and_left_out_of_the_fingerprint(tmp_path):
    with pytest.raises(ConfigError, match=r"facets\.workers"):
        Config.build({"facets": {"workers": 0}})
    df = make_conversations(160, n_users=40).drop(columns=["topic"])
    out = tmp_path / "r"
    cliokit.run(df, {"facets": {"workers": 1}}, out=out, **FAST)
    first = json.loads((out / "manifest.json").read_text())
    cliokit.run(df, {"facets": {"workers": 2}}, out=out, **FAST)
    second = json.loads((out / "manifest.json").read_text())
    assert second["stages"]["facets"] == first["stages"]["facets"]  # reused, not recomputed
    assert first["resolved"]["facets"] == {"workers": 1}
