"""Ask a backend and parse its answers: one bounded repair retry, failures recorded, usage counted."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from cliokit.backends.base import Backend, ModelRequest, ModelResult, Usage, complete
from cliokit.config import ModelPrice
from cliokit.prompts import REPAIR_NOTE

logger = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True)
class Failure:
    """An item that could not be answered: the backend failed or the answer stayed unreadable."""

    reason: str


def price_for(model: str, prices: Mapping[str, ModelPrice]) -> ModelPrice | None:
    """The price of ``model``: an exact key, else the longest key that prefixes the model id."""
    if model in prices:
        return prices[model]
    matches = [k for k in prices if model.startswith(k)]
    return prices[max(matches, key=len)] if matches else None


def call_cost(usage: Usage, price: ModelPrice, *, batch: bool = False, batch_discount: float = 0.5) -> float:
    """USD cost of one call's ``usage`` at ``price`` (batch answers at ``batch_discount``)."""
    cache_write = price.cache_write if price.cache_write is not None else 1.25 * price.input
    cache_read = price.cache_read if price.cache_read is not None else 0.1 * price.input
    cost = (
        usage.input_tokens * price.input
        + usage.output_tokens * price.output
        + usage.cache_write_tokens * cache_write
        + usage.cache_read_tokens * cache_read
    ) / 1e6
    return cost * batch_discount if batch else cost


@dataclass
class StageUsage:
    """Calls, tokens, cache hits, retries, repairs, failures and cost of one stage (for the manifest).

    ``calls`` counts requests sent to the provider; answers from the response cache count as
    ``cache_hits`` only, and copies of an identical request's answer as ``deduplicated`` only.
    ``input_tokens`` are uncached input tokens; prompt-cache reads and writes are counted apart.
    ``cost_usd`` covers priced models; ``unpriced_calls`` the rest.
    """

    calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    cache_hits: int = 0
    deduplicated: int = 0
    batch_calls: int = 0
    retries: int = 0
    repairs: int = 0
    failures: int = 0
    cost_usd: float = 0.0
    unpriced_calls: int = 0
    models: dict[str, int] = field(default_factory=dict)
    prices: Mapping[str, ModelPrice] = field(default_factory=dict, repr=False)
    batch_discount: float = field(default=0.5, repr=False)

    def add(self, result: ModelResult) -> None:
        """Count one result."""
        self.retries += result.retries
        if result.deduplicated:
            self.deduplicated += 1
            return
        if result.cache_hit:
            self.cache_hits += 1
            return
        self.calls += 1
        self.batch_calls += int(result.batch)
        self.input_tokens += result.usage.input_tokens
        self.output_tokens += result.usage.output_tokens
        self.cache_read_tokens += result.usage.cache_read_tokens
        self.cache_write_tokens += result.usage.cache_write_tokens
        if result.model:
            self.models[result.model] = self.models.get(result.model, 0) + 1
        price = price_for(result.model, self.prices) if result.model else None
        if price is None:
            self.unpriced_calls += 1
        else:
            self.cost_usd += call_cost(
                result.usage, price, batch=result.batch, batch_discount=self.batch_discount
            )

    def as_dict(self) -> dict[str, Any]:
        """Plain dict for JSON."""
        out = {k: v for k, v in vars(self).items() if k not in ("prices", "batch_discount")}
        out["cost_usd"] = round(self.cost_usd, 6)
        return out


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


def total_usage(usage: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """Sum of the numeric usage fields over stages."""
    total: dict[str, Any] = {}
    for stage in usage.values():
        for key, value in stage.items():
            if isinstance(value, int | float) and not isinstance(value, bool):
                total[key] = total.get(key, 0) + value
    if "cost_usd" in total:
        total["cost_usd"] = round(total["cost_usd"], 6)
    return total
