"""Model backends, picked by name from lazy ``"module:Class"`` strings.

An SDK is imported only when its backend is chosen.
"""

from __future__ import annotations

import importlib
from typing import Any

from cliokit.backends.base import Backend, ModelRequest, ModelResult, RetryableError, Usage, complete
from cliokit.errors import ConfigError

#: Backend name → ``"module:Class"``; imported only when asked for.
BACKENDS: dict[str, str] = {
    "offline": "cliokit.backends.offline:OfflineBackend",
    "scripted": "cliokit.backends.scripted:ScriptedBackend",
}


def get_backend(spec: str | Backend, **kwargs: Any) -> Backend:
    """A backend instance from a name in :data:`BACKENDS` (or pass an instance through)."""
    if isinstance(spec, Backend):
        return spec
    if spec not in BACKENDS:
        raise ConfigError(f"`backend.name` must be one of {sorted(BACKENDS)}; got {spec!r}")
    module, cls = BACKENDS[spec].split(":")
    backend_cls = getattr(importlib.import_module(module), cls)
    instance: Backend = backend_cls(**kwargs)
    return instance


__all__ = [
    "BACKENDS",
    "Backend",
    "ModelRequest",
    "ModelResult",
    "RetryableError",
    "Usage",
    "complete",
    "get_backend",
]
