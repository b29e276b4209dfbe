import asyncio

import pytest

from cliokit.backends import get_backend
from cliokit.backends.base import ModelRequest, RetryableError, complete
from cliokit.backends.calls import Failure, StageUsage, ask
from cliokit.backends.offline import OfflineBackend
from cliokit.backends.scripted import ScriptedBackend
from cliokit.errors import BackendError, ConfigError
from cliokit.prompts import REPAIR_NOTE, tag


def req(i, task="t", prefill=""):
    return ModelRequest(
        id=str(i), task=task, messages=({"role": "user", "content": f"q{i}"},), prefill=prefill
    )


def test_results_come_back_in_request_order_with_usage():
    backend = ScriptedBackend(lambda r: "answer " + r.id, max_concurrency=4)
    results = complete(backend, [req(i) for i in range(20)])
    assert [r.text for r in results] == [f"answer {i}" for i in range(20)]
    assert all(r.usage.input_tokens > 0 and r.model == "scripted" for r in results)


def test_duplicate_ids_rejected():
    with pytest.raises(ValueError, match="unique"):
        complete(ScriptedBackend(["a", "b"]), [req(1), req(1)])


def test_retryable_errors_are_retried_then_recorded():
    calls = {"n": 0}

    def flaky(r):
        calls["n"] += 1
        if r.id == "bad" or calls["n"] <= 2:
            raise RetryableError("429 slow down", retry_after=0)
        return "ok"

    backend = ScriptedBackend(flaky)
    backend.retry_base_s = 0
    backend.max_retries = 3
    good, bad = complete(backend, [req("good"), req("bad")])
    assert good.text == "ok" and good.retries == 2 and good.error is None
    assert bad.error == "429 slow down" and bad.retries == 3 and bad.text == ""


def test_permanent_errors_are_not_retried():
    backend = ScriptedBackend([])
    (result,) = complete(backend, [req(1)])
    assert "ran out" in result.error and result.retries == 0


def test_complete_works_inside_a_running_event_loop():
    async def inside():
        return complete(ScriptedBackend(["x"]), [req(1)])

    assert asyncio.run(inside())[0].text == "x"


def test_ask_repairs_once_then_records_failure():
    # "a" answers badly first and well on repair; "b" never answers well
    answers = {"a": iter(["garbage", "<v>2</v>"]), "b": iter(["garbage", "still garbage"])}
    backend = ScriptedBackend(lambda r: next(answers[r.id.split("#")[0]]))

    def parse(text):
        v = tag(text, "v")
        if v is None:
            raise ValueError("no <v>")
        return int(v)

    usage = StageUsage()
    out = ask(backend, [req("a"), req("b")], parse, usage)
    assert out[0] == 2
    assert isinstance(out[1], Failure) and "no <v>" in out[1].reason
    assert usage.calls == 4 and usage.repairs == 2 and usage.failures == 1
    repair = [r for r in backend.requests if "#repair" in r.id]
    assert len(repair) == 2 and repair[0].messages[-1]["content"].endswith(REPAIR_NOTE)


def test_get_backend():
    assert isinstance(get_backend("offline"), OfflineBackend)
    with pytest.raises(ConfigError, match="backend.name"):
        get_backend("nope")


def test_offline_backend_answers_no_prompt():
    (r,) = complete(OfflineBackend(), [req(1, task="facets")])
    assert r.error and "answers no prompts" in r.error


def test_scripted_backend_raises_backend_error_type():
    assert issubclass(RetryableError, BackendError)
