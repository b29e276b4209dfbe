"""The model seam: requests, results, the ``Backend`` protocol and the one wrapper that runs them.

Every stage that needs model work builds :class:`ModelRequest` objects and hands them to
:func:`complete`. A request carries two views of the same question:

* ``messages`` / ``system`` / ``prefill``: the rendered prompt a real language model reads;
* ``task`` / ``payload``: the structured inputs, which the offline and scripted backends read.

Every backend answers in the same XML-tagged text, so one parser per stage serves all of them.
Concurrency, retries and logging live here, once; providers only translate (inspect_ai's
``ModelAPI`` split).
"""

from __future__ import annotations

import asyncio
import logging
import random
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from cliokit.errors import BackendError
from cliokit.progress import progress_bar

logger = logging.getLogger(__name__)

T = TypeVar("T")


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
    payload : mapping, default={}
        Structured inputs for the offline and scripted backends. Never sent to a provider.
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
    payload: Mapping[str, Any] = field(default_factory=dict)
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

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.input_tokens + other.input_tokens,
            self.output_tokens + other.output_tokens,
            self.cache_read_tokens + other.cache_read_tokens,
        )


@dataclass(frozen=True)
class ModelResult:
    """The answer to one :class:`ModelRequest`.

    ``text`` is the answer without the prefill. ``error`` is set (and ``text`` empty) when the
    request failed for good; callers record such items as failures, never drop them.
    """

    id: str
    text: str
    model: str = ""
    usage: Usage = field(default_factory=Usage)
    latency_s: float = 0.0
    cache_hit: bool = False
    retries: int = 0
    error: str | None = None


class RetryableError(BackendError):
    """A transient failure (rate limit, overload, timeout); ``retry_after`` in seconds if known."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Backend(ABC):
    """A model provider.

    Subclasses implement :meth:`complete_one`; everything else has working defaults. A backend
    must be safe to call concurrently from one event loop.
    """

    #: Short name used in config, manifests and cache keys.
    name: str = "backend"
    #: How many requests may be in flight at once.
    max_concurrency: int = 8
    #: How many times a :class:`RetryableError` is retried before the item fails.
    max_retries: int = 4
    #: First backoff delay in seconds; doubled per retry, with jitter (tests set 0).
    retry_base_s: float = 1.0
    #: True for backends whose answers are heuristics rather than a language model's.
    heuristic: bool = False

    @abstractmethod
    async def complete_one(self, request: ModelRequest) -> ModelResult:
        """Answer one request, raising :class:`RetryableError` for transient failures."""

    def model_id(self, task: str) -> str:
        """The model id this backend uses for ``task`` (recorded in the manifest)."""
        return self.name

    def describe(self) -> dict[str, Any]:
        """What the manifest records about this backend (never secrets)."""
        return {"name": self.name, "heuristic": self.heuristic}


def _backoff(attempt: int, retry_after: float | None, base: float) -> float:
    if retry_after is not None:
        return retry_after
    return base * (2**attempt) * (0.5 + random.random())  # noqa: S311 - jitter, not crypto


async def _complete_async(
    backend: Backend,
    requests: Sequence[ModelRequest],
    *,
    retry_base_s: float,
    progress: bool | None,
    desc: str,
) -> list[ModelResult]:
    semaphore = asyncio.Semaphore(max(1, backend.max_concurrency))
    bar = progress_bar(total=len(requests), desc=desc, enabled=progress)

    async def one(request: ModelRequest) -> ModelResult:
        async with semaphore:
            attempt = 0
            while True:
                start = time.perf_counter()
                try:
                    result = await backend.complete_one(request)
                except RetryableError as exc:
                    if attempt >= backend.max_retries:
                        logger.warning("request %s failed after %d retries: %s", request.id, attempt, exc)
                        bar.update(1)
                        return ModelResult(id=request.id, text="", retries=attempt, error=str(exc))
                    await asyncio.sleep(_backoff(attempt, exc.retry_after, retry_base_s))
                    attempt += 1
                    continue
                except BackendError as exc:
                    logger.warning("request %s failed: %s", request.id, exc)
                    bar.update(1)
                    return ModelResult(id=request.id, text="", retries=attempt, error=str(exc))
                latency = result.latency_s or (time.perf_counter() - start)
                bar.update(1)
                return ModelResult(
                    id=request.id,
                    text=result.text,
                    model=result.model or backend.model_id(request.task),
                    usage=result.usage,
                    latency_s=latency,
                    cache_hit=result.cache_hit,
                    retries=attempt,
                    error=result.error,
                )

    try:
        return list(await asyncio.gather(*(one(r) for r in requests)))
    finally:
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

    Transient failures are retried with exponential backoff and jitter (honouring
    ``retry_after``); items that still fail come back with ``error`` set, never raised.

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
    """
    ids = [r.id for r in requests]
    if len(set(ids)) != len(ids):
        raise ValueError("request ids passed to complete() must be unique")
    if not requests:
        return []
    return _run_coroutine(
        lambda: _complete_async(
            backend, requests, retry_base_s=backend.retry_base_s, progress=progress, desc=desc
        )
    )
