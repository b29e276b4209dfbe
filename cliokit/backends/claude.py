"""The Anthropic backend: Claude through the official ``anthropic`` SDK (Messages and Message Batches).

Credentials and the server URL come from the SDK's usual sources (``ANTHROPIC_API_KEY``,
``ANTHROPIC_BASE_URL``) unless given. Each request's system prompt (the stage's shared
instructions) is marked for prompt caching; Anthropic caches it once it is longer than the
model's minimum cacheable prompt. Models that reject an assistant prefill (Claude 4.6 and later
answer 400) are asked to start with the opening tag instead, for the rest of the run. The SDK
takes no ``temperature`` (current models reject sampling parameters); thinking is disabled by
default so that short extraction answers stay short and ``max_tokens`` is not spent on thinking.
The SDK's own retries are off: the wrapper in :mod:`cliokit.backends.base` retries with backoff
and jitter, honouring ``retry-after``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

from cliokit.backends._sdk import PREFILL_NOTE, SDKBackend, redact, strip_prefill, translate
from cliokit.backends.base import BatchStatus, FatalBackendError, ModelRequest, ModelResult, Usage
from cliokit.config import BackendConfig
from cliokit.errors import ConfigError

logger = logging.getLogger(__name__)

#: Default model per task: a small fast model for facets, a larger one for the rest (as in the paper).
DEFAULT_MODELS: dict[str, str] = {
    "facets": "claude-haiku-5-5",
    "synthesize": "claude-haiku-5-5",
}
DEFAULT_MODEL = "claude-sonnet-5-5"


def _usage(u: Any) -> Usage:
    return Usage(
        input_tokens=int(getattr(u, "input_tokens", 0) or 0),
        output_tokens=int(getattr(u, "output_tokens", 0) or 0),
        cache_read_tokens=int(getattr(u, "cache_read_input_tokens", 0) or 0),
        cache_write_tokens=int(getattr(u, "cache_creation_input_tokens", 0) or 0),
    )


def _text(message: Any) -> str:
    return "".join(getattr(b, "text", "") for b in message.content if getattr(b, "type", "") == "text")


class AnthropicBackend(SDKBackend):
    """Claude via the Messages API, with per-task models, prompt caching and the batch API.

    Parameters
    ----------
    model : str, default=""
        Model for every task ("" : :data:`DEFAULT_MODELS`, else :data:`DEFAULT_MODEL`).
    models : mapping, optional
        Per-task model ids; win over ``model``.
    base_url : str, optional
        Server URL (default: ``ANTHROPIC_BASE_URL`` or the SDK's).
    api_key : str, optional
        API key (default: ``ANTHROPIC_API_KEY``). Never logged or written.
    timeout_s : float, default=120.0
        Seconds per call.
    max_concurrency : int, default=8
        Calls in flight.
    max_retries : int, default=4
        Retries after transient failures.
    prompt_caching : bool, default=True
        Mark the system prompt with ``cache_control``.
    thinking : {"off", "model-default"}, default="off"
        ``off`` disables extended/adaptive thinking (cliokit's answers are short extractions).
    effort : str, optional
        ``output_config.effort`` for models that take it.
    """

    name = "anthropic"
    supports_batch = True

    sdk_module = "anthropic"
    env_key = "ANTHROPIC_API_KEY"
    env_url = "ANTHROPIC_BASE_URL"

    def __init__(
        self, *, prompt_caching: bool = True, thinking: str = "off", effort: str | None = None, **common: Any
    ) -> None:
        super().__init__(**common)
        self.prompt_caching = prompt_caching
        self.thinking = thinking
        self.effort = effort
        self._no_prefill: set[str] = set()  # models that reject an assistant prefill (Claude 4.6 and later)
        kwargs: dict[str, Any] = {"timeout": self.timeout_s, "max_retries": 0}
        if self._api_key:
            kwargs["api_key"] = self._api_key
        if self.base_url:
            kwargs["base_url"] = self.base_url
        try:
            self._client = self._sdk.AsyncAnthropic(**kwargs)
            self._sync = self._sdk.Anthropic(**kwargs)
        except self._sdk.AnthropicError as exc:
            raise ConfigError(redact(f"cannot set up the anthropic client: {exc}", [self._api_key])) from None

    @classmethod
    def config_kwargs(cls, cfg: BackendConfig) -> dict[str, Any]:
        return {
            **super().config_kwargs(cfg),
            "prompt_caching": cfg.prompt_caching,
            "thinking": cfg.thinking,
            "effort": cfg.effort,
        }

    def model_id(self, task: str) -> str:
        return self.models.get(task) or self.model or DEFAULT_MODELS.get(task, DEFAULT_MODEL)

    def describe(self) -> dict[str, Any]:
        return {
            **super().describe(),
            "prompt_caching": self.prompt_caching,
            "thinking": self.thinking,
            "effort": self.effort,
        }

    def _params(self, request: ModelRequest) -> dict[str, Any]:
        model = request.model or self.model_id(request.task)
        messages = [dict(m) for m in request.messages]
        prefill = request.prefill.rstrip()  # the API rejects a final assistant turn ending in whitespace
        if prefill and model in self._no_prefill:
            messages[-1]["content"] += PREFILL_NOTE.format(prefill=prefill)
        elif prefill:
            messages.append({"role": "assistant", "content": prefill})
        params: dict[str, Any] = {"model": model, "max_tokens": request.max_tokens, "messages": messages}
        if self.thinking == "off":
            params["thinking"] = {"type": "disabled"}
        if self.effort:
            params["output_config"] = {"effort": self.effort}
        if request.system:
            params["system"] = (
                [{"type": "text", "text": request.system, "cache_control": {"type": "ephemeral"}}]
                if self.prompt_caching
                else request.system
            )
        return params

    def _result(self, request_id: str, message: Any, *, batch: bool = False) -> ModelResult:
        return ModelResult(
            id=request_id, text=_text(message), model=message.model, usage=_usage(message.usage), batch=batch
        )

    async def complete_one(self, request: ModelRequest) -> ModelResult:
        start = time.perf_counter()
        params = self._params(request)
        try:
            message = await self._client.messages.create(**params)
        except self._sdk.BadRequestError as exc:
            sent_prefill = params["messages"][-1]["role"] == "assistant"
            if "prefill" not in str(exc).lower() or not sent_prefill:
                raise translate(
                    exc, self._sdk, [self._api_key], f"anthropic {request.id}", self.server_url()
                ) from None
            logger.info(
                "model %s takes no assistant prefill; asking for the opening tag instead", params["model"]
            )
            self._no_prefill.add(params["model"])
            return await self.complete_one(request)
        except self._sdk.AnthropicError as exc:
            raise translate(
                exc, self._sdk, [self._api_key], f"anthropic {request.id}", self.server_url()
            ) from None
        except TypeError as exc:  # the SDK's "Could not resolve authentication method"
            if "authentication" not in str(exc).lower():
                raise
            raise FatalBackendError(
                "no Anthropic credentials: set ANTHROPIC_API_KEY (or pass api_key)"
            ) from None
        result = self._result(request.id, message)
        if params["model"] in self._no_prefill:  # the model wrote the opening tag itself
            result = replace(result, text=strip_prefill(result.text, request.prefill))
        return replace(result, latency_s=time.perf_counter() - start)

    def submit_batch(self, items: Sequence[tuple[str, ModelRequest]]) -> str:
        try:
            batch = self._sync.messages.batches.create(
                requests=[{"custom_id": cid, "params": self._params(r)} for cid, r in items]
            )
        except self._sdk.AnthropicError as exc:
            raise translate(
                exc, self._sdk, [self._api_key], "anthropic batch create", self.server_url()
            ) from None
        return str(batch.id)

    def batch_status(self, batch_id: str) -> BatchStatus:
        try:
            batch = self._sync.messages.batches.retrieve(batch_id)
        except self._sdk.AnthropicError as exc:
            raise translate(
                exc, self._sdk, [self._api_key], f"anthropic batch {batch_id}", self.server_url()
            ) from None
        counts = batch.request_counts
        return BatchStatus(
            ended=batch.processing_status == "ended",
            counts={k: int(getattr(counts, k, 0) or 0) for k in ("processing", "succeeded", "errored")},
        )

    def batch_results(self, batch_id: str) -> Iterator[tuple[str, ModelResult | str]]:
        try:
            for item in self._sync.messages.batches.results(batch_id):
                outcome = item.result
                if outcome.type == "succeeded":
                    yield item.custom_id, self._result(item.custom_id, outcome.message, batch=True)
                elif outcome.type == "errored":
                    error = getattr(getattr(outcome, "error", None), "error", None)
                    yield item.custom_id, f"errored ({getattr(error, 'type', 'unknown')})"
                else:
                    yield item.custom_id, str(outcome.type)
        except self._sdk.AnthropicError as exc:
            raise translate(
                exc, self._sdk, [self._api_key], f"anthropic batch {batch_id} results", self.server_url()
            ) from None
