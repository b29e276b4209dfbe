"""cliokit: privacy-preserving insights into AI assistant use, after Anthropic's Clio.

Public names are imported lazily, so ``import cliokit`` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cliokit._lazy import lazy_exports

__version__ = "0.1.0"

_EXPORTS = {
    "run": "cliokit.pipeline",
    "rename": "cliokit.pipeline",
    "Components": "cliokit.runner",
    "ModelFacets": "cliokit.facets",
    "ModelNamer": "cliokit.name",
    "ClioHierarchy": "cliokit.hierarchy",
    "ModelSteps": "cliokit.hierarchy",
    "ModelAuditor": "cliokit.privacy",
    "OfflineFacets": "cliokit.offline",
    "KeywordNamer": "cliokit.offline",
    "OfflineSteps": "cliokit.offline",
    "PatternAuditor": "cliokit.offline",
    "PhraseNamer": "cliokit.offline",
    "CentroidHierarchy": "cliokit.offline",
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

#: Subpackages reachable as attributes after ``import cliokit`` (imported on first access).
_SUBMODULES = ("viz", "evals", "synthetic", "datasets", "offline", "backends", "embedders")

__all__ = ["__version__", *_EXPORTS, *_SUBMODULES]

if TYPE_CHECKING:
    from cliokit.backends import get_backend
    from cliokit.backends.base import Backend, ModelRequest, ModelResult
    from cliokit.config import Config
    from cliokit.embedders import Embedder, get_embedder
    from cliokit.errors import BackendError, CliokitError, ConfigError, InputError, MissingDependencyError
    from cliokit.export import export_run
    from cliokit.facets import ModelFacets
    from cliokit.hierarchy import ClioHierarchy, ModelSteps
    from cliokit.load import load_conversations
    from cliokit.name import ModelNamer
    from cliokit.offline import (
        CentroidHierarchy,
        KeywordNamer,
        OfflineFacets,
        OfflineSteps,
        PatternAuditor,
        PhraseNamer,
    )
    from cliokit.pipeline import rename, run
    from cliokit.privacy import ModelAuditor
    from cliokit.result import ClioResult
    from cliokit.runner import Components


__getattr__ = lazy_exports(__name__, _EXPORTS, _SUBMODULES)
