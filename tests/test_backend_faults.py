"""Server faults that no retry fixes, and requests that need no call: the circuit breaker for an
unreachable server (real SDK clients against a closed port and an unresolvable host), resuming
after an outage from the response cache, and identical requests sent once."""

from __future__ import annotations

import socket
import time

import pytest

import cliokit
from cliokit.backends import (
    Backend,
    BackendUnreachable,
    CallPolicy,
    ConnectionFailed,
    RetryableError,
    complete,
    get_backend,
)
from cliokit.backends.base import MAX_CONNECT_FAILURES, ModelRequest
from cliokit.backends.batch import BatchPolicy
from cliokit.backends.cache import ResponseCache
from cliokit.backends.calls import StageUsage
from cliokit.backends.scripted import ScriptedBackend
from cliokit.config import Config
from cliokit.prompts import FACETS
from tests.conftest import make_conversations
from tests.llm_stub import StubLLM

KEY = "sk-ant-test-SECRET-0123456789"
SDKS = ["anthropic", "openai"]
#: The brief's bound: an unreachable server stops the run within this many seconds.
STOP_WITHIN_S = 30.0


@pytest.fixture(autouse=True)
def _no_retry_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Backend, "retry_base_s", 0.0)  # also for backends the pipeline builds


@pytest.fixture
def closed_port() -> int:
    """A local port with nothing listening (bound, read, closed)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _sdk_backend(name: str, url: str, **kwargs: float) -> Backend:
    if name == "openai":
        return get_backend("openai", None, model="local-model", base_url=url + "/v1", **kwargs)
    return get_backend("anthropic", None, base_url=url, api_key=KEY, **kwargs)


def _facets_request(i: int, text: str = "How do I bake sourdough bread at home?") -> ModelRequest:
    return FACETS.request(f"c{i}", conversation=f"User: {text} ({i})\n\nAssistant: Sure.", custom="")


def _stops_fast(backend: Backend, requests: list[ModelRequest]) -> tuple[str, float]:
    start = time.perf_counter()
    with pytest.raises(BackendUnreachable) as info:
        complete(backend, requests)
    return str(info.value), time.perf_counter() - start


# --- the circuit breaker, through the real SDK clients ---------------------------------------------


@pytest.mark.parametrize("name", SDKS)
def test_connection_refused_stops_the_run_with_one_line(name: str, closed_port: int) -> None:
    url = f"http://127.0.0.1:{closed_port}"
    message, elapsed = _stops_fast(_sdk_backend(name, url), [_facets_request(i) for i in range(300)])
    assert elapsed <= STOP_WITHIN_S
    assert "\n" not in message
    assert f"cannot reach the {name} server at {url}" in message and "connection refused" in message
    assert f"({MAX_CONNECT_FAILURES} connection attempt(s) in a row failed)" in message
    assert "running" in message and "base URL" in message and "proxy" in message
    assert KEY not in message


@pytest.mark.parametrize("name", SDKS)
def test_dns_failure_stops_the_run_with_one_line(name: str) -> None:
    message, elapsed = _stops_fast(
        _sdk_backend(name, "http://nonexistent.invalid"), [_facets_request(i) for i in range(300)]
    )
    assert elapsed <= STOP_WITHIN_S
    assert "\n" not in message
    assert "server at http://nonexistent.invalid" in message and "host name not found" in message


def test_batch_submission_to_an_unreachable_server_stops_the_run(closed_port: int, tmp_path) -> None:
    backend = _sdk_backend("anthropic", f"http://127.0.0.1:{closed_port}")
    backend.policy = CallPolicy(batch=BatchPolicy(frozenset({"facets"}), tmp_path, 0.0))
    message, _ = _stops_fast(backend, [_facets_request(i) for i in range(3)])
    assert "connection refused" in message and "proxy" in message


@pytest.mark.parametrize("name", SDKS)
def test_timeouts_and_server_errors_keep_normal_retries(name: str) -> None:
    n = MAX_CONNECT_FAILURES + 2
    with StubLLM() as stub:
        backend = _sdk_backend(name, stub.url, timeout_s=0.3, max_retries=1, max_concurrency=1)
        stub.slow_s = 0.6
        stub.faults = ["500", "slow"] * n  # every attempt fails, none with a connection failure
        results = complete(backend, [_facets_request(i) for i in range(n)])
        assert stub.settled_model_calls(2 * n) == 2 * n
    assert all(r.error and r.retries == 1 for r in results), "retried, then an item error; not stopped"


# --- the breaker's rules, with a scripted backend ------------------------------------------------


def _distinct(i: int) -> ModelRequest:
    return ModelRequest(id=str(i), task="t", messages=({"role": "user", "content": f"question {i}"},))


def _refused(request: ModelRequest) -> str:
    raise ConnectionFailed(f"{request.id}: connection error", "http://127.0.0.1:9", "connection refused")


def test_first_requests_go_one_at_a_time_until_the_server_answers() -> None:
    backend = ScriptedBackend(_refused, max_concurrency=8)
    backend.max_retries = 4
    with pytest.raises(BackendUnreachable, match="at http://127.0.0.1:9: connection refused"):
        complete(backend, [_distinct(i) for i in range(300)])
    # the pre-flight: the first request's attempts, then the next one's, and nothing in parallel
    assert [r.id for r in backend.requests] == ["0"] * 5 + ["1"] * (MAX_CONNECT_FAILURES - 5)
    assert not backend.reachable


def test_an_outage_after_the_server_answered_stops_after_a_few_failures() -> None:
    down = {"now": False}

    def script(request: ModelRequest) -> str:
        if down["now"]:
            _refused(request)
        down["now"] = request.id == "9"  # the server dies after answering request 9
        return "ok"

    backend = ScriptedBackend(script, max_concurrency=8)
    backend.max_retries = 0
    with pytest.raises(BackendUnreachable):
        complete(backend, [_distinct(i) for i in range(300)])
    assert backend.reachable
    assert len(backend.requests) == 10 + MAX_CONNECT_FAILURES


def test_an_answer_between_connection_failures_resets_the_count() -> None:
    def script(request: ModelRequest) -> str:
        if int(request.id) % MAX_CONNECT_FAILURES:  # one in MAX answered, the others refused
            _refused(request)
        return "ok"

    backend = ScriptedBackend(script)
    backend.max_retries = 0
    results = complete(backend, [_distinct(i) for i in range(5 * MAX_CONNECT_FAILURES)])
    assert sum(r.error is None for r in results) == 5
    assert all("connection error" in r.error for r in results if r.error)


def test_transient_errors_do_not_trip_the_breaker() -> None:
    def script(request: ModelRequest) -> str:
        raise RetryableError("HTTP 503: overloaded")

    backend = ScriptedBackend(script)
    backend.max_retries = 0
    results = complete(backend, [_distinct(i) for i in range(3 * MAX_CONNECT_FAILURES)])
    assert all(r.error == "HTTP 503: overloaded" for r in results)


# --- resuming after an outage ----------------------------------------------------------------------


def test_rerun_after_an_outage_repeats_no_answered_call(tmp_path, monkeypatch) -> None:
    df = make_conversations(60, n_users=20).drop(columns=["topic"])
    cfg = Config.build(
        {
            "embed": {"model": "hash"},
            "project": {"method": "pca"},
            "cluster": {"k": 4},
            "backend": {"name": "anthropic", "max_retries": 0},
        }
    )
    monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
    with StubLLM() as before:
        monkeypatch.setenv("ANTHROPIC_BASE_URL", before.url)
        before.down_after = 7  # the server dies in the middle of the facets stage
        start = time.perf_counter()
        with pytest.raises(BackendUnreachable, match=f"cannot reach the anthropic server at {before.url}"):
            cliokit.run(df, cfg, out=tmp_path / "run")
        assert time.perf_counter() - start <= STOP_WITHIN_S
    answered = [r["body"] for r in before.log if r["path"] == "/v1/messages"]
    assert len(answered) == 7
    port = int(before.url.rsplit(":", 1)[1])
    with StubLLM(port=port) as after:  # the same server, back up
        result = cliokit.run(df, cfg, out=tmp_path / "run")
    assert after.model_calls > 0
    asked_again = [r["body"] for r in after.log if r["body"] in answered]
    assert asked_again == [], "answers received before the outage come from the response cache"
    facets = result.manifest.usage["facets"]
    assert facets["cache_hits"] >= 7 and result.facets["facet_error"].isna().all()


# --- identical requests ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", SDKS)
def test_identical_requests_are_sent_once(name: str) -> None:
    with StubLLM() as stub:
        backend = _sdk_backend(name, stub.url)
        backend.max_concurrency = 3
        same = _facets_request(0)
        requests = [ModelRequest(**{**vars(same), "id": f"dup{i}"}) for i in range(20)]
        results = complete(backend, requests)
        assert stub.model_calls == 1
    assert [r.id for r in results] == [r.id for r in requests]
    assert len({r.text for r in results}) == 1 and all(r.error is None for r in results)
    assert [r.deduplicated for r in results] == [False] + [True] * 19
    usage = StageUsage()
    for r in results:
        usage.add(r)
    assert usage.calls == 1 and usage.deduplicated == 19
    assert usage.input_tokens == results[0].usage.input_tokens > 0, "tokens are counted once"


def test_a_failed_request_fails_its_copies_and_the_cache_holds_one_answer(tmp_path) -> None:
    backend = ScriptedBackend(lambda r: "answer to " + r.messages[0]["content"], max_concurrency=4)
    backend.policy = CallPolicy(cache=ResponseCache(tmp_path / "r.sqlite"))

    def ask(i: int, text: str) -> ModelRequest:
        return ModelRequest(id=f"{text}{i}", task="t", messages=({"role": "user", "content": text},))

    requests = [ask(i, text) for i in range(5) for text in ("a", "b")]
    first = complete(backend, requests)
    assert len(backend.requests) == 2 and len(backend.policy.cache) == 2
    assert [r.text for r in first] == ["answer to a", "answer to b"] * 5
    again = complete(backend, requests)
    assert len(backend.requests) == 2 and all(r.cache_hit for r in again)

    failing = ScriptedBackend(_refused)
    failing.max_retries = 0
    results = complete(failing, [ask(i, "c") for i in range(3)])
    assert len(failing.requests) == 1
    assert all(r.error and "connection error" in r.error for r in results)
