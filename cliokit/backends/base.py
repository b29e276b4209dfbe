"""The model seam: requests, results, the ``Backend`` protocol and the one wrapper that runs them.

Every stage that needs model work builds :class:`ModelRequest` objects and hands them to
:func:`complete`. A request is the rendered prompt and nothing else (``system``, ``messages``,
``prefill``, plus the ``task`` name for per-task models and logs): every backend sees exactly what
a real model reads, and one parser per stage reads every backend's answer. The offline heuristics
are not a backend's answers: stages call them directly (:mod:`cliokit.offline`).
Concurrency, retries, the circuit breaker, de-duplication and logging live here, once; providers
only translate (inspect_ai's ``ModelAPI`` split).
"""

from __future__ import annotations

import asyncio
import logging
import random
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Coroutine, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, TypeVar

from cliokit.errors import BackendError
from cliokit.progress import progress_bar
from cliokit.text import estimate_tokens

if TYPE_CHECKING:
    from cliokit.backends.batch import BatchPolicy
    from cliokit.backends.cache import ResponseCache
    from cliokit.backends.ratelimit import RateLimiter

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: Connection failures in a row (refused, DNS, no route; no answer from the server in between)
#: after which :func:`complete` stops with :class:`BackendUnreachable`.
MAX_CONNECT_FAILURES = 6


@dataclass(frozen=True)
class ModelRequest:
    """One question for a model.

    Parameters
    ----------
    id : str
        Caller-chosen id, unique within one call of :func:`complete`.
    task : str
        Stage task name (``"facets"``, ``"name_cluster"``, ``"propose"``, ``"dedupe"``,
        ``"assign"``, ``"rename"``, ``"audit"``).
    messages : tuple of dict
        Chat messages (``{"role": "user"|"assistant", "content": str}``) for real models.
    system : str, default=""
        System prompt.
    prefill : str, default=""
        Text the assistant's answer starts with; the answer returned excludes it.
    model : str, default=""
        Model id for this request ("" lets the backend choose).
    max_tokens : int, default=1024
        Output budget.
    temperature : float, default=0.0
        Sampling temperature.
    prompt_hash : str, default=""
        Hash of the prompt template this request was rendered from.
    """

    id: str
    task: str
    messages: tuple[Mapping[str, str], ...] = ()
    system: str = ""
    prefill: str = ""
    model: str = ""
    max_tokens: int = 1024
    temperature: float = 0.0
    prompt_hash: str = ""


@dataclass(frozen=True)
class Usage:
    """Token counts of one call."""

    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.input_tokens + other.input_tokens,
            self.output_tokens + other.output_tokens,
            self.cache_read_tokens + other.cache_read_tokens,
            self.cache_write_tokens + other.cache_write_tokens,
        )


@dataclass(frozen=True)
class ModelResult:
    """The answer to one :class:`ModelRequest`.

    ``text`` is the answer without the prefill. ``error`` is set (and ``text`` empty) when the
    request failed for good; callers record such items as failures, never drop them.
    ``cache_hit`` answers came from the response cache (no call was made); ``batch`` answers came
    from a provider's batch API (billed at the batch discount); ``deduplicated`` answers are
    copies of the answer to an identical request in the same :func:`complete` call (no call was
    made, usage is zero: the original carries it).
    """

    id: str
    text: str
    model: str = ""
    usage: Usage = field(default_factory=Usage)
    latency_s: float = 0.0
    cache_hit: bool = False
    retries: int = 0
    error: str | None = None
    batch: bool = False
    deduplicated: bool = False


class RetryableError(BackendError):
    """A transient failure (rate limit, overload, timeout); ``retry_after`` in seconds if known."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ConnectionFailed(RetryableError):
    """The server could not be reached (connection refused, DNS failure): counts toward the breaker.

    Parameters
    ----------
    message : str
        What failed, for logs and item errors.
    server : str
        The server's base URL (without credentials).
    reason : str
        Why, in a few words (``"connection refused"``).
    """

    def __init__(self, message: str, server: str, reason: str) -> None:
        super().__init__(message)
        self.server = server
        self.reason = reason


class FatalBackendError(BackendError):
    """A failure no retry or later item can fix (bad API key, unknown model): stops the run."""


class BackendUnreachable(FatalBackendError):
    """The model server cannot be reached (connection refused, DNS failure): stops the run.

    Answers received before are in the response cache, so a rerun does not repeat them.
    """

    def __init__(self, backend: str, failure: ConnectionFailed, attempts: int) -> None:
        super().__init__(
            f"cannot reach the {backend} server at {failure.server}: {failure.reason} ({attempts} "
            "connection attempt(s) in a row failed); check that the server is running, that the base "
            "URL (`backend.base_url`, --base-url or the SDK's *_BASE_URL variable) is right and that no "
            "proxy (HTTPS_PROXY, HTTP_PROXY, NO_PROXY) is in the way; answers received so far are cached "
            "and a rerun does not ask for them again"
        )
        self.server = failure.server


@dataclass(frozen=True)
class BatchStatus:
    """Where a submitted batch stands: ``ended`` once every request has an outcome."""

    ended: bool
    counts: Mapping[str, int] = field(default_factory=dict)


@dataclass
class CallPolicy:
    """How :func:`complete` runs a backend's calls: response cache, rate limits and batching.

    The runner sets one per run on ``backend.policy``; the default does none of the three.
    """

    cache: ResponseCache | None = None
    limiter: RateLimiter | None = None
    batch: BatchPolicy | None = None


class Backend(ABC):
    """A model provider.

    Subclasses implement :meth:`complete_one`; everything else has working defaults. A backend
    must be safe to call concurrently from one event loop. Providers with a batch API set
    ``supports_batch`` and implement :meth:`submit_batch`, :meth:`batch_status` and
    :meth:`batch_results`.
    """

    #: Short name used in config, manifests and cache keys.
    name: str = "backend"
    #: How many requests may be in flight at once.
    max_concurrency: int = 8
    #: How many times a :class:`RetryableError` is retried before the item fails.
    max_retries: int = 4
    #: First backoff delay in seconds; doubled per retry, with jitter (tests set 0).
    retry_base_s: float = 1.0
    #: True for the offline backend: it answers no prompt, and the stages use the offline
    #: heuristics (:mod:`cliokit.offline`) in place of model calls.
    heuristic: bool = False
    #: True for backends that implement the batch methods.
    supports_batch: bool = False
    #: Cache, rate limits and batching for :func:`complete` (set by the runner).
    policy: CallPolicy | None = None
    #: True once the server has answered anything (set by :func:`complete`); until then
    #: requests go one at a time, so an unreachable server is found by the first one.
    reachable: bool = False

    @abstractmethod
    async def complete_one(self, request: ModelRequest) -> ModelResult:
        """Answer one request, raising :class:`RetryableError` for transient failures."""

    def model_id(self, task: str) -> str:
        """The model id this backend uses for ``task`` (recorded in the manifest)."""
        return self.name

    def describe(self) -> dict[str, Any]:
        """What the manifest records about this backend (never secrets)."""
        return {"name": self.name, "heuristic": self.heuristic}

    def submit_batch(self, items: Sequence[tuple[str, ModelRequest]]) -> str:
        """Submit ``(custom_id, request)`` pairs as one batch; returns the provider's batch id."""
        raise NotImplementedError(f"backend {self.name!r} has no batch API")

    def batch_status(self, batch_id: str) -> BatchStatus:
        """Where batch ``batch_id`` stands."""
        raise NotImplementedError(f"backend {self.name!r} has no batch API")

    def batch_results(self, batch_id: str) -> Iterator[tuple[str, ModelResult | str]]:
        """``(custom_id, result or failure reason)`` for every request of an ended batch."""
        raise NotImplementedError(f"backend {self.name!r} has no batch API")


def _backoff(attempt: int, retry_after: float | None, base: float) -> float:
    if retry_after is not None:
        return retry_after
    return base * (2**attempt) * (0.5 + random.random())  # noqa: S311 - jitter, not crypto


def prompt_tokens(request: ModelRequest) -> int:
    """Estimated input tokens of ``request`` (system + messages; :func:`cliokit.text.estimate_tokens`)."""
    return estimate_tokens(request.system + "".join(m["content"] for m in request.messages))


class _Breaker:
    """Counts connection failures in a row; :meth:`failed` raises once there are too many."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.failures = 0
        self.tripped: BackendUnreachable | None = None

    def check(self) -> None:
        """Raise again once tripped, so that no request is sent after the breaker opened."""
        if self.tripped is not None:
            raise self.tripped

    def answered(self) -> None:
        """The server answered (with anything, errors included)."""
        self.failures = 0
        self.backend.reachable = True

    def failed(self, exc: ConnectionFailed) -> None:
        """Count a connection failure; raise :class:`BackendUnreachable` at :data:`MAX_CONNECT_FAILURES`."""
        self.failures += 1
        if self.failures >= MAX_CONNECT_FAILURES:
            self.tripped = BackendUnreachable(self.backend.name, exc, self.failures)
            raise self.tripped


async def _complete_async(
    backend: Backend,
    requests: Sequence[ModelRequest],
    keys: Sequence[str],
    policy: CallPolicy,
    *,
    progress: bool | None,
    desc: str,
) -> list[ModelResult]:
    semaphore = asyncio.Semaphore(max(1, backend.max_concurrency))
    bar = progress_bar(total=len(requests), desc=desc, enabled=progress)
    breaker = _Breaker(backend)

    def failure(request: ModelRequest, attempt: int, exc: Exception) -> ModelResult:
        bar.update(1)
        return ModelResult(id=request.id, text="", retries=attempt, error=str(exc))

    async def one(request: ModelRequest, key: str) -> ModelResult:
        async with semaphore:
            attempt = 0
            while True:
                breaker.check()
                if policy.limiter is not None:
                    await policy.limiter.acquire(prompt_tokens(request) + request.max_tokens // 4)
                start = time.perf_counter()
                try:
                    result = await backend.complete_one(request)
                except ConnectionFailed as exc:
                    breaker.failed(exc)
                    error: RetryableError = exc
                    wait = backend.retry_base_s * (0.5 + random.random())  # noqa: S311 - short, no doubling
                except RetryableError as exc:
                    breaker.answered()
                    error, wait = exc, _backoff(attempt, exc.retry_after, backend.retry_base_s)
                except FatalBackendError:
                    raise
                except BackendError as exc:
                    breaker.answered()
                    logger.warning("request %s failed: %s", request.id, exc)
                    return failure(request, attempt, exc)
                else:
                    breaker.answered()
                    bar.update(1)
                    final = ModelResult(
                        id=request.id,
                        text=result.text,
                        model=result.model or backend.model_id(request.task),
                        usage=result.usage,
                        latency_s=result.latency_s or (time.perf_counter() - start),
                        cache_hit=result.cache_hit,
                        retries=attempt,
                        error=result.error,
                    )
                    if policy.cache is not None:
                        policy.cache.put(key, final)
                    return final
                if attempt >= backend.max_retries:
                    logger.warning("request %s failed after %d retries: %s", request.id, attempt, error)
                    return failure(request, attempt, error)
                await asyncio.sleep(wait)
                attempt += 1

    pending = list(zip(requests, keys, strict=True))
    first: list[ModelResult] = []
    tasks: list[asyncio.Task[ModelResult]] = []
    try:
        while pending and not backend.reachable:  # pre-flight: one at a time until the server answers
            first.append(await one(*pending.pop(0)))
        tasks = [asyncio.create_task(one(r, k)) for r, k in pending]
        return first + list(await asyncio.gather(*tasks))
    finally:
        for task in tasks:  # a fatal error or a tripped breaker: send nothing more
            task.cancel()
        bar.close()


def _run_coroutine(factory: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine to completion, also from inside a running loop (Jupyter)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(factory())
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = asyncio.run(factory())
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            box["error"] = exc

    thread = threading.Thread(target=target, name="cliokit-backend")
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box["value"]


def complete(
    backend: Backend,
    requests: Sequence[ModelRequest],
    *,
    progress: bool | None = None,
    desc: str = "model calls",
) -> list[ModelResult]:
    """Answer ``requests`` with ``backend``; results come back in request order.

    With ``backend.policy`` set, answers are first looked up in the response cache, requests of
    batched tasks go through the provider's batch API, and live calls respect the rate limiter.
    Identical requests (same cache key) are sent once: the copies get the answer with
    ``deduplicated`` set and zero usage. Transient failures are retried with exponential backoff
    and jitter (honouring ``retry_after``); items that still fail come back with ``error`` set,
    never raised. A :class:`FatalBackendError` (bad credentials, unknown model) is raised.

    Until the server has answered once, requests go one at a time. Connection failures (refused,
    DNS) are retried after about ``retry_base_s``; :data:`MAX_CONNECT_FAILURES` of them in a row
    raise :class:`BackendUnreachable` (one line naming the server and what to check), within
    seconds rather than after every request's retries. Answers received before are in the
    response cache.

    Parameters
    ----------
    backend : Backend
        The provider.
    requests : sequence of ModelRequest
        Request ids must be unique.
    progress : bool or None, default=None
        Show a progress bar (None: the global default).
    desc : str, default="model calls"
        Progress bar label.

    Returns
    -------
    list of ModelResult

    Raises
    ------
    FatalBackendError
        Bad credentials, an unknown model, or (:class:`BackendUnreachable`) a server that cannot be
        reached.
    """
    ids = [r.id for r in requests]
    if len(set(ids)) != len(ids):
        raise ValueError("request ids passed to complete() must be unique")
    if not requests:
        return []
    from cliokit.backends.cache import request_key

    policy = backend.policy or CallPolicy()
    keys = [request_key(backend.name, r.model or backend.model_id(r.task), r) for r in requests]
    done: dict[int, ModelResult] = {}
    if policy.cache is not None:
        for i, (r, k) in enumerate(zip(requests, keys, strict=True)):
            hit = policy.cache.get(k, r.id)
            if hit is not None:
                done[i] = hit
        if done:
            logger.info("%s: %d of %d answers from the response cache", desc, len(done), len(requests))
    sent: dict[str, int] = {}  # cache key -> index of the request that is sent
    copies: dict[int, int] = {}  # index of an identical request -> index of the one sent
    for i, key in enumerate(keys):
        if i not in done and sent.setdefault(key, i) != i:
            copies[i] = sent[key]
    if copies:
        logger.info("%s: %d identical request(s) sent once", desc, len(copies))
    if policy.batch is not None and backend.supports_batch:
        from cliokit.backends.batch import run_batch

        todo = [
            i
            for i in range(len(requests))
            if i not in done and i not in copies and requests[i].task in policy.batch.tasks
        ]
        if todo:
            try:
                got = run_batch(backend, [requests[i] for i in todo], [keys[i] for i in todo], policy)
            except ConnectionFailed as exc:
                raise BackendUnreachable(backend.name, exc, 1) from None
            done.update({i: got[requests[i].id] for i in todo if requests[i].id in got})
    live = [i for i in range(len(requests)) if i not in done and i not in copies]
    if live:
        results = _run_coroutine(
            lambda: _complete_async(
                backend,
                [requests[i] for i in live],
                [keys[i] for i in live],
                policy,
                progress=progress,
                desc=desc,
            )
        )
        done.update(zip(live, results, strict=True))
    for i, j in copies.items():
        done[i] = replace(
            done[j], id=requests[i].id, usage=Usage(), latency_s=0.0, retries=0, deduplicated=True
        )
    return [done[i] for i in range(len(requests))]
