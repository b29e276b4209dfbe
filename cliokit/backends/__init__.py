"""Model backends, picked by name from lazy ``"module:Class"`` strings.

An SDK is imported only when its backend is chosen.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from cliokit.backends.base import (
    Backend,
    BackendUnreachable,
    CallPolicy,
    ConnectionFailed,
    FatalBackendError,
    ModelRequest,
    ModelResult,
    RetryableError,
    Usage,
    complete,
)
from cliokit.config import BackendConfig
from cliokit.errors import ConfigError

#: Backend name → ``"module:Class"``; imported only when asked for.
BACKENDS: dict[str, str] = {
    "offline": "cliokit.backends.offline:OfflineBackend",
    "anthropic": "cliokit.backends.claude:AnthropicBackend",
    "openai": "cliokit.backends.openai_compat:OpenAICompatibleBackend",
    "scripted": "cliokit.backends.scripted:ScriptedBackend",
}


def get_backend(spec: str | Backend, config: BackendConfig | None = None, **kwargs: Any) -> Backend:
    """A backend instance from a name in :data:`BACKENDS` (or pass an instance through).

    With ``config``, backends that read settings (models, URL, timeouts) build from it; other
    keyword arguments go to the constructor.
    """
    if isinstance(spec, Backend):
        return spec
    if spec not in BACKENDS:
        raise ConfigError(f"`backend.name` must be one of {sorted(BACKENDS)}; got {spec!r}")
    module, cls = BACKENDS[spec].split(":")
    backend_cls = getattr(importlib.import_module(module), cls)
    if config is not None and hasattr(backend_cls, "from_config"):
        instance: Backend = backend_cls.from_config(config)
    else:
        instance = backend_cls(**kwargs)
    if config is not None:
        instance.max_concurrency = min(instance.max_concurrency, config.max_concurrency)
        instance.max_retries = config.max_retries
    return instance


def call_policy(backend: Backend, cfg: BackendConfig, run_dir: Path) -> CallPolicy:
    """The response cache, rate limiter and batching a run in ``run_dir`` uses with ``backend``.

    Heuristic backends get none of them (they make no calls).
    """
    from cliokit.backends import batch as _batch
    from cliokit.backends import cache as _cache
    from cliokit.backends import ratelimit as _ratelimit

    if backend.heuristic:
        return CallPolicy()
    cache_dir = Path(cfg.cache_dir) if cfg.cache_dir else run_dir / "cache"
    return CallPolicy(
        cache=_cache.ResponseCache(cache_dir / "responses.sqlite") if cfg.cache else None,
        limiter=(
            _ratelimit.RateLimiter(cfg.requests_per_minute, cfg.tokens_per_minute)
            if cfg.requests_per_minute or cfg.tokens_per_minute
            else None
        ),
        batch=(
            _batch.BatchPolicy(frozenset(cfg.batch_tasks), run_dir / "batches", cfg.batch_poll_s)
            if cfg.batch and backend.supports_batch
            else None
        ),
    )


__all__ = [
    "BACKENDS",
    "Backend",
    "BackendUnreachable",
    "CallPolicy",
    "ConnectionFailed",
    "FatalBackendError",
    "ModelRequest",
    "ModelResult",
    "RetryableError",
    "Usage",
    "call_policy",
    "complete",
    "get_backend",
]
