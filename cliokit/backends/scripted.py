"""A scripted backend for tests: answers from a list or a function of the request (a fake, not a mock)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

from cliokit.backends.base import Backend, ModelRequest, ModelResult, Usage
from cliokit.errors import BackendError

Script = Sequence[str] | Callable[[ModelRequest], str]


class ScriptedBackend(Backend):
    """Answers requests from ``script``: a list consumed in call order, or a function of the request.

    A function may raise :class:`~cliokit.backends.base.RetryableError` or
    :class:`~cliokit.errors.BackendError` to script failures. Every request is kept in
    ``requests`` so tests can assert on what the stages asked. Usage is filled from text lengths.

    Parameters
    ----------
    script : list of str or callable
        The answers.
    max_concurrency : int, default=1
        Requests in flight (1 keeps list scripts in a predictable order).
    """

    name = "scripted"

    def __init__(self, script: Script, max_concurrency: int = 1) -> None:
        self._script = script
        self._lock = threading.Lock()
        self._next = 0
        self.max_concurrency = max_concurrency
        self.requests: list[ModelRequest] = []

    async def complete_one(self, request: ModelRequest) -> ModelResult:
        with self._lock:
            self.requests.append(request)
            if callable(self._script):
                text = self._script(request)
            else:
                if self._next >= len(self._script):
                    raise BackendError(f"scripted backend ran out of answers at request {request.id!r}")
                text = self._script[self._next]
                self._next += 1
        prompt_chars = sum(len(m["content"]) for m in request.messages) + len(request.system)
        usage = Usage(input_tokens=prompt_chars // 4 + 1, output_tokens=len(text) // 4 + 1)
        return ModelResult(id=request.id, text=text, model="scripted", usage=usage)
