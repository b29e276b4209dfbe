"""The offline backend: no model at all.

Choosing it (the default) tells the stages to use cliokit's offline heuristics
(:mod:`cliokit.offline`) instead of model calls: extractive facets, keyword names, a k-means
hierarchy and a pattern-based audit. The backend itself answers no prompt; a request that reaches
it fails as a per-item error, like any other backend failure. Every output of such a run is
labelled as heuristic (``facet_source = "heuristic:offline"``, ``backend.heuristic = true`` in the
manifest).
"""

from __future__ import annotations

from typing import Any

from cliokit.backends.base import Backend, ModelRequest, ModelResult
from cliokit.errors import BackendError


class OfflineBackend(Backend):
    """No model: the stages run the offline heuristics instead; needs no key or network."""

    name = "offline"
    heuristic = True
    max_concurrency = 1

    def __init__(self, **_: Any) -> None:
        pass

    def model_id(self, task: str) -> str:
        return "offline-heuristic"

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "heuristic": True,
            "note": "facets, names and hierarchy are heuristic approximations, not model outputs",
        }

    async def complete_one(self, request: ModelRequest) -> ModelResult:
        raise BackendError(
            f"the offline backend answers no prompts (request {request.id!r}); cliokit's stages use "
            "the offline heuristics in cliokit.offline directly"
        )
