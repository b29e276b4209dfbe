"""cliokit: privacy-preserving insights into AI assistant use, after Anthropic's Clio.

Public names are imported lazily, so ``import cliokit`` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cliokit._lazy import lazy_exports

__version__ = "0.1.0"

_EXPORTS = {
    "run": "cliokit.pipeline",
    "ClioResult": "cliokit.result",
    "Config": "cliokit.config",
    "load_conversations": "cliokit.load",
    "export_run": "cliokit.export",
    "get_backend": "cliokit.backends",
    "get_embedder": "cliokit.embedders",
    "Backend": "cliokit.backends.base",
    "ModelRequest": "cliokit.backends.base",
    "ModelResult": "cliokit.backends.base",
    "Embedder": "cliokit.embedders",
    "CliokitError": "cliokit.errors",
    "ConfigError": "cliokit.errors",
    "InputError": "cliokit.errors",
    "BackendError": "cliokit.errors",
    "MissingDependencyError": "cliokit.errors",
}

__all__ = ["__version__", *_EXPORTS]

if TYPE_CHECKING:
    from cliokit.backends import get_backend
    from cliokit.backends.base import Backend, ModelRequest, ModelResult
    from cliokit.config import Config
    from cliokit.embedders import Embedder, get_embedder
    from cliokit.errors import BackendError, CliokitError, ConfigError, InputError, MissingDependencyError
    from cliokit.export import export_run
    from cliokit.load import load_conversations
    from cliokit.pipeline import run
    from cliokit.result import ClioResult


__getattr__ = lazy_exports(__name__, _EXPORTS)
