"""What the Anthropic and OpenAI SDK backends share: error translation, secret redaction, URLs."""

from __future__ import annotations

import email.utils
import importlib
import os
import socket
import time
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from cliokit.backends.base import Backend, ConnectionFailed, FatalBackendError, RetryableError
from cliokit.config import BackendConfig
from cliokit.errors import BackendError, MissingDependencyError

#: Longest wait taken from a ``retry-after`` header (seconds).
MAX_RETRY_AFTER_S = 300.0
_RETRYABLE_STATUS = {408, 409, 425, 429, 500, 502, 503, 504, 529}
_FATAL_STATUS = {401, 403, 404}
#: Appended to the last user message for servers and models that take no assistant prefill.
PREFILL_NOTE = "\n\nStart your answer with {prefill}"


def strip_prefill(text: str, prefill: str) -> str:
    """``text`` without a leading copy of ``prefill`` (models asked to start with it repeat it)."""
    stripped = text.lstrip()
    prefill = prefill.rstrip()
    return stripped[len(prefill) :] if prefill and stripped.startswith(prefill) else text


def redact(text: str, secrets: Iterable[str | None]) -> str:
    """``text`` with every secret (longer than 4 characters) replaced by ``[REDACTED]``."""
    for secret in secrets:
        if secret and len(secret) > 4:
            text = text.replace(secret, "[REDACTED]")
    return text


def public_url(url: str | None) -> str | None:
    """``url`` without user info, query or fragment (safe for manifests and logs)."""
    if not url:
        return None
    parts = urlsplit(str(url))
    host = parts.hostname or ""
    netloc = host + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def retry_after(headers: Mapping[str, str] | None) -> float | None:
    """Seconds to wait from ``retry-after-ms`` / ``retry-after`` (delta or HTTP date), capped."""
    if not headers:
        return None
    value = headers.get("retry-after-ms")
    if value is not None:
        try:
            return min(MAX_RETRY_AFTER_S, max(0.0, float(value) / 1000))
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return min(MAX_RETRY_AFTER_S, max(0.0, float(value)))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value) if value else None
        if parsed is None:
            return None
        return min(MAX_RETRY_AFTER_S, max(0.0, parsed.timestamp() - time.time()))


def connect_failure(exc: BaseException) -> str | None:
    """Why ``exc`` could not connect (``"connection refused"``), or None when it is no connect failure.

    The SDKs wrap the HTTP client's ``ConnectError`` (``httpx`` or ``httpx2``, by SDK version),
    which wraps the socket error; read timeouts and dropped connections are not connect failures.
    """
    chain: list[BaseException] = []
    cause: BaseException | None = exc
    while cause is not None and len(chain) < 16:
        chain.append(cause)
        cause = cause.__cause__ or cause.__context__
    connect = [c for c in chain if type(c).__name__ == "ConnectError"]
    if not connect:
        return None
    for cause in chain:
        if isinstance(cause, socket.gaierror):
            return f"host name not found ({cause.strerror or cause})"
        if isinstance(cause, OSError) and cause.errno:  # refused, reset, no route to host, ...
            return os.strerror(cause.errno).lower()
    return str(connect[-1]) or "cannot connect"


def translate(
    exc: Exception, sdk: Any, secrets: Iterable[str | None], what: str, server: str | None
) -> BackendError:
    """The cliokit error for an SDK exception (``sdk`` is the ``anthropic`` or ``openai`` module).

    A server that cannot be reached (refused, DNS) is a :class:`ConnectionFailed` naming
    ``server``; timeouts, other connection errors, 429, 5xx and overload are retryable;
    401/403/404 (credentials, permissions, unknown model or URL) are fatal; other statuses fail
    the one request.
    """
    secrets = list(secrets)
    if isinstance(exc, sdk.APITimeoutError):
        return RetryableError(f"{what}: request timed out")
    if isinstance(exc, sdk.APIConnectionError):
        message = redact(f"{what}: connection error: {exc}", secrets)
        reason = connect_failure(exc)
        if reason is not None:
            return ConnectionFailed(message, public_url(server) or "(unknown URL)", reason)
        return RetryableError(message)
    if isinstance(exc, sdk.APIStatusError):
        status = exc.status_code
        message = redact(f"{what}: HTTP {status}: {exc.message}", secrets)
        if status in _RETRYABLE_STATUS or status >= 500:
            return RetryableError(message, retry_after=retry_after(exc.response.headers))
        if status in _FATAL_STATUS:
            return FatalBackendError(message)
        return BackendError(message)
    return BackendError(redact(f"{what}: {type(exc).__name__}: {exc}", secrets))


class SDKBackend(Backend):
    """What the SDK backends share: per-task models, key and URL from arguments or the environment.

    Subclasses set ``name``, ``sdk_module`` (and the pip extra that provides it), ``env_key`` and
    ``env_url``, build their client in ``__init__`` after calling this one, and add their own
    settings through :meth:`config_kwargs` and :meth:`describe`.
    """

    sdk_module = ""
    sdk_extra = ""
    env_key = ""
    env_url = ""
    _client: Any  # the SDK's async client, built by the subclass

    def __init__(
        self,
        model: str = "",
        models: Mapping[str, str] | None = None,
        base_url: str | None = None,
        api_key: str | None = None,
        timeout_s: float = 120.0,
        max_concurrency: int = 8,
        max_retries: int = 4,
    ) -> None:
        try:
            self._sdk = importlib.import_module(self.sdk_module)
        except ImportError as exc:
            raise MissingDependencyError(self.sdk_module, self.sdk_extra, f"the {self.name} backend") from exc
        self.model = model
        self.models = dict(models or {})
        self.timeout_s = timeout_s
        self.max_concurrency = max_concurrency
        self.max_retries = max_retries
        self._api_key = api_key or os.environ.get(self.env_key)
        self.base_url = base_url or os.environ.get(self.env_url)

    @classmethod
    def config_kwargs(cls, cfg: BackendConfig) -> dict[str, Any]:
        """Constructor arguments from the ``[backend]`` config section."""
        return {
            "model": cfg.model,
            "models": cfg.models,
            "base_url": cfg.base_url,
            "timeout_s": cfg.timeout_s,
            "max_concurrency": cfg.max_concurrency,
            "max_retries": cfg.max_retries,
        }

    @classmethod
    def from_config(cls, cfg: BackendConfig) -> Any:
        """A backend from the ``[backend]`` config section."""
        return cls(**cls.config_kwargs(cfg))

    def server_url(self) -> str | None:
        """The base URL the client sends to (the SDK's default when none was given), without secrets."""
        return public_url(str(self._client.base_url))

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "heuristic": False,
            "base_url": public_url(self.base_url),
            "sdk": f"{self.sdk_module} {self._sdk.__version__}",
        }
