"""The OpenAI-compatible backend: chat completions through the official ``openai`` SDK.

Works with any server that speaks the chat completions API (vLLM, Ollama, llama.cpp server,
OpenAI itself). It assumes no tools, no JSON mode and no assistant prefill: the prefill becomes an
instruction ("Start your answer with ...") and is stripped from the answer when the model repeats
it. ``OPENAI_BASE_URL`` and ``OPENAI_API_KEY`` are honoured; local servers need no key.
"""

from __future__ import annotations

import time
from typing import Any

from cliokit.backends._sdk import PREFILL_NOTE, SDKBackend, redact, strip_prefill, translate
from cliokit.backends.base import ModelRequest, ModelResult, Usage
from cliokit.errors import ConfigError


class OpenAICompatibleBackend(SDKBackend):
    """Any OpenAI-compatible chat completions server.

    Parameters
    ----------
    model : str
        Model id for every task (required unless ``models`` names one for every task used).
    models : mapping, optional
        Per-task model ids; win over ``model``.
    base_url : str, optional
        Server URL, e.g. ``http://localhost:8000/v1`` (default: ``OPENAI_BASE_URL`` or OpenAI's).
    api_key : str, optional
        API key (default: ``OPENAI_API_KEY``; local servers need none). Never logged or written.
    timeout_s : float, default=120.0
        Seconds per call.
    max_concurrency : int, default=8
        Calls in flight.
    max_retries : int, default=4
        Retries after transient failures.
    """

    name = "openai"

    sdk_module = "openai"
    sdk_extra = "openai"
    env_key = "OPENAI_API_KEY"
    env_url = "OPENAI_BASE_URL"

    def __init__(self, **common: Any) -> None:
        if not common.get("model") and not common.get("models"):
            raise ConfigError(
                "the openai backend needs a model id: set `backend.model` (or `--model`), e.g. the name "
                "your vLLM / Ollama / llama.cpp server serves"
            )
        super().__init__(**common)
        kwargs: dict[str, Any] = {
            "timeout": self.timeout_s,
            "max_retries": 0,
            "api_key": self._api_key or "no-key",  # local servers ignore it; the SDK insists on one
        }
        if self.base_url:
            kwargs["base_url"] = self.base_url
        try:
            self._client = self._sdk.AsyncOpenAI(**kwargs)
        except self._sdk.OpenAIError as exc:
            raise ConfigError(redact(f"cannot set up the openai client: {exc}", [self._api_key])) from None

    def model_id(self, task: str) -> str:
        model = self.models.get(task) or self.model
        if not model:
            raise ConfigError(f"the openai backend has no model for task {task!r}: set `backend.model`")
        return model

    async def complete_one(self, request: ModelRequest) -> ModelResult:
        messages: list[dict[str, str]] = []
        if request.system:
            messages.append({"role": "system", "content": request.system})
        messages.extend(dict(m) for m in request.messages)
        if request.prefill and messages[-1]["role"] == "user":
            messages[-1]["content"] += PREFILL_NOTE.format(prefill=request.prefill)
        start = time.perf_counter()
        try:
            response = await self._client.chat.completions.create(
                model=request.model or self.model_id(request.task),
                messages=messages,
                max_tokens=request.max_tokens,
                temperature=request.temperature,
            )
        except self._sdk.OpenAIError as exc:
            raise translate(
                exc, self._sdk, [self._api_key], f"openai {request.id}", self.server_url()
            ) from None
        text = (response.choices[0].message.content or "") if response.choices else ""
        text = strip_prefill(text, request.prefill)
        usage = response.usage
        cached = 0
        if usage is not None and getattr(usage, "prompt_tokens_details", None) is not None:
            cached = int(getattr(usage.prompt_tokens_details, "cached_tokens", 0) or 0)
        return ModelResult(
            id=request.id,
            text=text,
            model=str(response.model or request.model or self.model_id(request.task)),
            usage=Usage(
                input_tokens=int(usage.prompt_tokens) - cached if usage else 0,
                output_tokens=int(usage.completion_tokens or 0) if usage else 0,
                cache_read_tokens=cached,
            ),
            latency_s=time.perf_counter() - start,
        )
