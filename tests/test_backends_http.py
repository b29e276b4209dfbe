"""The Anthropic and OpenAI-compatible backends, driven through the real SDK clients against a stub
server on 127.0.0.1 (tests/llm_stub.py): wire formats, faults, caching, batching, the pipeline."""

from __future__ import annotations

import json
import logging

import pandas as pd
import pytest

import cliokit
from cliokit.backends import CallPolicy, FatalBackendError, RetryableError, complete, get_backend
from cliokit.backends._sdk import public_url, redact, retry_after
from cliokit.backends.batch import BatchPolicy, run_batch
from cliokit.backends.cache import ResponseCache, request_key
from cliokit.backends.calls import Failure, StageUsage, ask, call_cost, price_for
from cliokit.backends.ratelimit import RateLimiter
from cliokit.cli import main
from cliokit.config import DEFAULT_PRICES, Config, ModelPrice
from cliokit.errors import ConfigError
from cliokit.prompts import FACETS, tag
from tests.conftest import make_conversations
from tests.llm_stub import StubLLM

KEY = "sk-ant-test-SECRET-0123456789"
FAST = {"embed": {"model": "hash"}, "project": {"method": "pca"}, "cluster": {"k": 8}}


@pytest.fixture
def stub(monkeypatch):
    with StubLLM() as s:
        monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
        monkeypatch.setenv("ANTHROPIC_BASE_URL", s.url)
        monkeypatch.setenv("OPENAI_BASE_URL", s.url + "/v1")
        monkeypatch.delenv("OPENAI_API_KEY", raising=False)
        yield s


def _backend(name: str, **kwargs):
    backend = get_backend(name, None, **({"model": "local-model"} if name == "openai" else {}), **kwargs)
    backend.retry_base_s = 0.0
    return backend


def _facets_request(i: int = 0, text: str = "How do I bake sourdough bread at home?"):
    return FACETS.request(f"c{i}", conversation=f"User: {text} ({i})\n\nAssistant: Sure.", custom="")


@pytest.mark.parametrize("name", ["anthropic", "openai"])
def test_wire_format_answer_and_usage(stub, name):
    backend = _backend(name)
    [result] = complete(backend, [_facets_request()])
    assert result.error is None and result.retries == 0
    assert tag("<request>" + result.text, "request").startswith("The user's overall request")
    assert result.text.lstrip().startswith("The user's"), "the prefill is not repeated in the answer"
    assert result.usage.input_tokens > 0 and result.usage.output_tokens > 0
    body = stub.log[-1]["body"]
    headers = {k.lower(): v for k, v in stub.log[-1]["headers"].items()}
    if name == "anthropic":
        assert result.model == "claude-haiku-5-5"  # the small model for facets
        assert body["thinking"] == {"type": "disabled"} and "temperature" not in body
        assert body["messages"][-1] == {"role": "assistant", "content": "<request>"}
        assert body["system"][0]["cache_control"] == {"type": "ephemeral"}
        assert KEY in (headers.get("x-api-key", "") + headers.get("authorization", ""))
        assert result.usage.cache_write_tokens > 0
    else:
        assert result.model == "local-model"
        assert body["messages"][0]["role"] == "system" and body["messages"][-1]["role"] == "user"
        assert "Start your answer with <request>" in body["messages"][-1]["content"]
        assert not {"tools", "response_format", "tool_choice"} & set(body), "no tools or JSON mode assumed"


def test_anthropic_prompt_cache_reads_shared_system_prompt(stub):
    backend = _backend("anthropic")
    backend.max_concurrency = 1
    results = complete(backend, [_facets_request(i) for i in range(3)])
    assert [r.usage.cache_read_tokens > 0 for r in results] == [False, True, True]


def test_anthropic_model_without_prefill_is_asked_for_the_opening_tag(stub):
    stub.no_prefill_models = {"claude-new"}
    backend = _backend("anthropic", model="claude-new")
    results = complete(backend, [_facets_request(0), _facets_request(1)])
    assert all(tag("<request>" + r.text, "request") for r in results)
    sent = [r["body"]["messages"][-1] for r in stub.log]
    assert sent[-1]["role"] == "user" and "Start your answer with <request>" in sent[-1]["content"]


@pytest.mark.parametrize("name", ["anthropic", "openai"])
@pytest.mark.parametrize("fault", ["429", "500", "529", "slow"])
def test_transient_faults_are_retried(stub, name, fault):
    # a generous timeout unless timeouts are the fault: a loaded machine must not add any
    backend = _backend(name, timeout_s=1.0 if fault == "slow" else 30.0)
    stub.slow_s = 3.0
    stub.faults = [fault, fault]
    [result] = complete(backend, [_facets_request()])
    assert result.error is None and result.retries == 2
    assert stub.model_calls == 3


def test_429_retry_after_header_is_honoured(stub):
    stub.faults = ["429"]
    stub.retry_after = "7"
    backend = _backend("anthropic")
    with pytest.raises(RetryableError) as info:
        from cliokit.backends.base import _run_coroutine

        _run_coroutine(lambda: backend.complete_one(_facets_request()))
    assert info.value.retry_after == 7.0


def test_retry_after_parsing():
    assert retry_after({"retry-after": "3"}) == 3.0
    assert retry_after({"retry-after-ms": "1500", "retry-after": "9"}) == 1.5
    assert retry_after({"retry-after": "100000"}) == 300.0
    assert retry_after({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}) == 0.0
    assert retry_after({}) is None


@pytest.mark.parametrize("name", ["anthropic", "openai"])
def test_persistent_failure_becomes_an_item_error(stub, name):
    backend = _backend(name)
    backend.max_retries = 2
    backend.max_concurrency = 1  # the first request takes all three faults
    stub.faults = ["500"] * 3
    results = complete(backend, [_facets_request(0), _facets_request(1)])
    failed = [r for r in results if r.error]
    assert len(failed) == 1 and "HTTP 500" in failed[0].error and failed[0].retries == 2


@pytest.mark.parametrize("fault", ["malformed", "truncated"])
def test_malformed_output_is_repaired_then_recorded(stub, fault):
    backend = _backend("anthropic")
    parse = _parse_request
    usage = StageUsage()
    stub.faults = [fault]
    [ok] = ask(backend, [_facets_request()], parse, usage)
    assert ok.startswith("The user's") and usage.repairs == 1 and usage.failures == 0
    assert "could not be read" in stub.log[-1]["body"]["messages"][0]["content"]
    stub.faults = [fault, fault]
    usage = StageUsage()
    [bad] = ask(backend, [_facets_request(1)], parse, usage)
    assert isinstance(bad, Failure) and usage.failures == 1 and usage.calls == 2


def _parse_request(text: str) -> str:
    value = tag(text, "request")
    if not value or tag(text, "concerning") is None:
        raise ValueError("no <request> or <concerning>")
    return value


@pytest.mark.parametrize("name", ["anthropic", "openai"])
def test_bad_credentials_stop_the_run_and_the_key_is_redacted(stub, name, caplog, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    backend = _backend(name)
    stub.faults = ["401"]
    caplog.set_level(logging.DEBUG)
    with pytest.raises(FatalBackendError) as info:
        complete(backend, [_facets_request()])
    assert "401" in str(info.value)
    assert KEY not in str(info.value) and "[REDACTED]" in str(info.value)  # the stub echoes the key
    assert KEY not in caplog.text
    assert KEY not in json.dumps(backend.describe())


def test_missing_anthropic_key_is_a_clear_fatal_error(stub, monkeypatch):
    monkeypatch.delenv("ANTHROPIC_API_KEY")
    monkeypatch.delenv("ANTHROPIC_AUTH_TOKEN", raising=False)
    with pytest.raises(FatalBackendError, match="ANTHROPIC_API_KEY"):
        complete(_backend("anthropic"), [_facets_request()])
    assert stub.model_calls == 0


def test_redaction_and_public_urls():
    assert redact("token sk-abc123456 leaked", ["sk-abc123456", None, ""]) == "token [REDACTED] leaked"
    assert public_url("http://user:pw@host:8000/v1?key=x") == "http://host:8000/v1"


def test_many_concurrent_requests(stub):
    backend = _backend("openai", max_concurrency=32)
    results = complete(backend, [_facets_request(i) for i in range(96)])
    assert all(r.error is None for r in results) and stub.model_calls == 96


def test_openai_backend_needs_a_model():
    with pytest.raises(ConfigError, match="needs a model id"):
        get_backend("openai")


def test_user_prices_merge_over_the_defaults():
    cfg = Config.build({"backend": {"prices": {"my-model": {"input": 0.5, "output": 1.0}}}})
    assert cfg.backend.prices["my-model"].output == 1.0
    assert cfg.backend.prices["claude-haiku-5-5"] == DEFAULT_PRICES["claude-haiku-5-5"]


def test_unknown_task_in_models_is_a_config_error():
    with pytest.raises(ConfigError, match="unknown task"):
        Config.build({"backend": {"models": {"facet": "x"}}})


# response cache --------------------------------------------------------------------------------


def test_response_cache_makes_a_rerun_free(stub, tmp_path):
    backend = _backend("anthropic")
    cache = ResponseCache(tmp_path / "r.sqlite")
    backend.policy = CallPolicy(cache=cache)
    requests = [_facets_request(i) for i in range(4)]
    first = complete(backend, requests)
    assert stub.model_calls == 4 and len(cache) == 4
    second = complete(backend, requests)
    assert stub.model_calls == 4, "a cached re-run makes no request"
    assert all(r.cache_hit for r in second) and [r.text for r in second] == [r.text for r in first]
    usage = StageUsage()
    for r in second:
        usage.add(r)
    assert usage.calls == 0 and usage.cache_hits == 4 and usage.cost_usd == 0


def test_cache_key_covers_model_and_prompt():
    r = _facets_request()
    assert request_key("anthropic", "m1", r) != request_key("anthropic", "m2", r)
    assert request_key("anthropic", "m1", r) != request_key("openai", "m1", r)
    assert request_key("anthropic", "m1", r) != request_key("anthropic", "m1", _facets_request(1))
    assert request_key("anthropic", "m1", r) == request_key("anthropic", "m1", _facets_request())


def test_errors_are_not_cached(stub, tmp_path):
    backend = _backend("anthropic")
    backend.max_retries = 0
    backend.policy = CallPolicy(cache=ResponseCache(tmp_path / "r.sqlite"))
    stub.faults = ["500"]
    [failed] = complete(backend, [_facets_request()])
    assert failed.error and len(backend.policy.cache) == 0
    [ok] = complete(backend, [_facets_request()])
    assert ok.error is None and not ok.cache_hit


# rate limits ------------------------------------------------------------------------------------


def test_rate_limiter_spaces_requests_and_tokens():
    import asyncio

    now = [0.0]

    def clock():
        return now[0]

    async def fake_sleep(seconds):
        now[0] += seconds

    limiter = RateLimiter(requests_per_minute=60, tokens_per_minute=600, clock=clock)

    async def go():
        real = asyncio.sleep
        asyncio.sleep = fake_sleep  # type: ignore[assignment]
        try:
            for _ in range(65):
                await limiter.acquire(1)
            t_requests = now[0]
            await limiter.acquire(600)  # needs a full token bucket
            return t_requests, now[0]
        finally:
            asyncio.sleep = real  # type: ignore[assignment]

    t_requests, t_tokens = asyncio.run(go())
    assert t_requests == pytest.approx(5.0)  # 60 go at once, then one per second
    # by then 65 tokens were taken and 50 refilled (10/s): a 600-token request waits 1.5 s for a full bucket
    assert t_tokens == pytest.approx(6.5)


# batches -----------------------------------------------------------------------------------------


def test_batch_submits_once_collects_by_id_and_falls_back_for_expired(stub, tmp_path):
    backend = _backend("anthropic")
    requests = [_facets_request(i) for i in range(6)]
    cache = ResponseCache(tmp_path / "r.sqlite")
    backend.policy = CallPolicy(cache=cache, batch=BatchPolicy(frozenset({"facets"}), tmp_path / "b", 0.0))
    stub.polls_before_end = 2
    expired = {}

    def expire(cid: str) -> bool:
        expired.setdefault(cid, len(expired) < 2)
        return expired[cid]

    stub.expire = expire
    results = complete(backend, requests)
    assert all(r.error is None for r in results)
    assert stub.count("/v1/messages/batches") == 1
    assert sum(r.batch for r in results) == 4 and stub.model_calls == 2  # 2 expired → standard API
    assert (
        stub.batches[next(iter(stub.batches))]["requests"][0]["params"]["messages"][-1]["role"] == "assistant"
    )
    state = json.loads(next((tmp_path / "b").glob("facets-*.json")).read_text())
    assert state["answered"] == 4 and state["failed"] == {"expired": 2}
    usage = StageUsage(prices=DEFAULT_PRICES)
    for r in results:
        usage.add(r)
    assert usage.batch_calls == 4 and usage.cost_usd > 0


class _StopAfterSubmit(Exception):
    pass


def test_batch_restart_does_not_submit_twice(stub, tmp_path):
    backend = _backend("anthropic")
    policy = CallPolicy(batch=BatchPolicy(frozenset({"facets"}), tmp_path / "b", 0.0))
    requests = [_facets_request(i) for i in range(5)]
    keys = [request_key("anthropic", "claude-haiku-5-5", r) for r in requests]
    real_status = backend.batch_status

    def stop(batch_id):
        raise _StopAfterSubmit

    backend.batch_status = stop  # the run is stopped while polling
    with pytest.raises(_StopAfterSubmit):
        run_batch(backend, requests, keys, policy)
    assert stub.count("/v1/messages/batches") == 1
    backend.batch_status = real_status
    got = run_batch(backend, requests, keys, policy)
    assert stub.count("/v1/messages/batches") == 1, "the restarted run found its batch"
    assert sorted(got) == sorted(r.id for r in requests) and stub.model_calls == 0


# pricing ------------------------------------------------------------------------------------------


def test_prices_match_by_prefix_and_cost_adds_up():
    assert price_for("claude-haiku-4-5-20251001", DEFAULT_PRICES) == DEFAULT_PRICES["claude-haiku-4-5"]
    assert price_for("llama3", DEFAULT_PRICES) is None
    from cliokit.backends.base import Usage

    p = ModelPrice(input=1.0, output=5.0)
    u = Usage(
        input_tokens=1_000_000, output_tokens=200_000, cache_read_tokens=1_000_000, cache_write_tokens=0
    )
    assert call_cost(u, p) == pytest.approx(1.0 + 1.0 + 0.1)
    assert call_cost(u, p, batch=True, batch_discount=0.5) == pytest.approx(1.05)


# the whole pipeline through each backend -----------------------------------------------------------


@pytest.mark.parametrize("name", ["anthropic", "openai"])
def test_pipeline_end_to_end_through_the_stub(stub, tmp_path, name):
    df = make_conversations(120, n_users=40).drop(columns=["topic"])
    model = {"model": "local-model"} if name == "openai" else {}
    cfg = Config.build({**FAST, "backend": {"name": name, **model, "max_retries": 0}})
    result = cliokit.run(df, cfg, out=tmp_path / "r")
    f = result.facets
    assert f["request"].str.startswith("The user's overall request").all()
    assert f["facet_error"].isna().all()
    c = result.clusters
    named = c[c["name"].notna()]
    assert named["name"].str.match(r"(Help|Assist) with ").all(), "names written by the (stub) model"
    assert c.loc[~c["suppressed"], "audit_rating"].notna().all()
    m = result.manifest.model_dump(mode="json")
    assert m["backend"]["name"] == name and "api_key" not in json.dumps(m["backend"])
    for stage in ("facets", "name", "hierarchy", "audit"):
        usage = m["usage"][stage]
        assert usage["calls"] > 0 and usage["input_tokens"] > 0 and usage["output_tokens"] > 0
        assert {"cache_hits", "retries", "failures", "cost_usd"} <= set(usage)
    facets = m["usage"]["facets"]
    # the generated conversations repeat: each distinct prompt is sent once, the copies share its answer
    assert facets["calls"] + facets["deduplicated"] == 120 and 0 < facets["calls"] < 120
    if name == "anthropic":
        assert m["usage"]["total"]["cost_usd"] > 0
        assert m["backend"]["models"]["facets"] == "claude-haiku-5-5"
        assert m["backend"]["models"]["name_cluster"] == "claude-sonnet-5-5"
    else:
        assert m["usage"]["total"]["unpriced_calls"] == m["usage"]["total"]["calls"]
    # a re-run with a fresh run directory but the same response cache makes zero requests
    calls = stub.model_calls
    cfg2 = cfg.replace(backend={"cache_dir": str(tmp_path / "r" / "cache")})
    again = cliokit.run(df, cfg2, out=tmp_path / "r2")
    assert stub.model_calls == calls
    assert again.manifest.usage["total"]["calls"] == 0
    assert again.manifest.usage["facets"]["cache_hits"] == 120
    # resuming into the same directory skips every stage: no call this run, the old usage is kept
    resumed = cliokit.run(df, cfg, out=tmp_path / "r")
    assert stub.model_calls == calls
    assert resumed.manifest.usage["this_run"] == {}
    assert resumed.manifest.usage["total"]["calls"] == m["usage"]["total"]["calls"]
    pd.testing.assert_frame_equal(
        again.clusters.drop(columns=["keywords"]), result.clusters.drop(columns=["keywords"])
    )


def test_cli_run_with_anthropic_batch_and_estimate(stub, tmp_path, capsys):
    df = make_conversations(80, n_users=30).drop(columns=["topic"])
    path = tmp_path / "in.jsonl"
    df.to_json(path, orient="records", lines=True)
    out = tmp_path / "run"
    args = ["-q", "run", str(path), "--out", str(out), "--backend", "anthropic", "--batch"]
    args += ["--embedder", "hash", "--projection", "pca", "--k", "6"]
    assert main(args) == 0
    assert "model calls" in capsys.readouterr().out
    m = json.loads((out / "manifest.json").read_text())
    facets = m["usage"]["facets"]
    assert stub.count("/v1/messages/batches") == 1
    [batch] = stub.batches.values()
    assert facets["batch_calls"] == len(batch["requests"]), "usage counts the requests billed, once"
    assert facets["batch_calls"] + facets["deduplicated"] == 80
    assert KEY not in "".join(p.read_text(errors="ignore") for p in out.rglob("*.json"))
    assert main(["-q", "estimate", str(path), "--backend", "anthropic", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    by_task = {r["task"]: r for r in rows}
    assert (
        by_task["facets"]["calls"] == 80 and by_task["total"]["cost_batch_usd"] < by_task["total"]["cost_usd"]
    )
    assert stub.count("/v1/messages/batches") == 1, "estimate calls nothing"
