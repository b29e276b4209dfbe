"""Ask a backend and parse its answers: one bounded repair retry, failures recorded, usage counted."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from cliokit.backends.base import Backend, ModelRequest, ModelResult, complete
from cliokit.prompts import REPAIR_NOTE

logger = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True)
class Failure:
    """An item that could not be answered: the backend failed or the answer stayed unreadable."""

    reason: str


@dataclass
class StageUsage:
    """Calls, tokens, cache hits, retries, repairs and failures of one stage (goes to the manifest)."""

    calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_hits: int = 0
    retries: int = 0
    repairs: int = 0
    failures: int = 0

    def add(self, result: ModelResult) -> None:
        """Count one result."""
        self.calls += 1
        self.input_tokens += result.usage.input_tokens
        self.output_tokens += result.usage.output_tokens
        self.cache_read_tokens += result.usage.cache_read_tokens
        self.cache_hits += int(result.cache_hit)
        self.retries += result.retries

    def as_dict(self) -> dict[str, Any]:
        """Plain dict for JSON."""
        return dict(vars(self))


def ask(
    backend: Backend,
    requests: Sequence[ModelRequest],
    parse: Callable[[str], T],
    usage: StageUsage,
    *,
    max_repairs: int = 1,
    progress: bool | None = None,
    desc: str = "model calls",
) -> list[T | Failure]:
    """Answer and parse ``requests``; each item is the parsed value or a :class:`Failure`.

    ``parse`` receives the prefill plus the answer and raises ``ValueError`` when it cannot read
    it; such items are asked again (at most ``max_repairs`` times) with a note asking for the
    format, then recorded as failures.
    """
    out: list[T | Failure] = [Failure("not asked")] * len(requests)
    pending = list(range(len(requests)))
    current = list(requests)
    for attempt in range(max_repairs + 1):
        results = complete(backend, [current[i] for i in pending], progress=progress, desc=desc)
        retry: list[int] = []
        for i, result in zip(pending, results, strict=True):
            usage.add(result)
            if result.error is not None:
                out[i] = Failure(f"backend error: {result.error}")
                continue
            try:
                out[i] = parse(current[i].prefill + result.text)
            except ValueError as exc:
                out[i] = Failure(f"unparseable answer: {exc}")
                retry.append(i)
        if not retry or attempt == max_repairs:
            break
        usage.repairs += len(retry)
        for i in retry:
            req = current[i]
            messages = list(req.messages)
            last = dict(messages[-1])
            last["content"] = last["content"] + REPAIR_NOTE
            messages[-1] = last
            current[i] = replace(req, id=f"{req.id}#repair{attempt + 1}", messages=tuple(messages))
        pending = retry
    usage.failures += sum(isinstance(v, Failure) for v in out)
    for i, v in enumerate(out):
        if isinstance(v, Failure):
            logger.warning("request %s failed: %s", requests[i].id, v.reason)
    return out
