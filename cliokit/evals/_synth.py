"""Access to :mod:`cliokit.synthetic` (the data set generator), imported only when needed."""

from __future__ import annotations

import importlib
from types import ModuleType, SimpleNamespace
from typing import Any

from cliokit.errors import CliokitError

_API = ("generate", "write_synthetic", "read_synthetic", "load_taxonomy")


def synthetic() -> Any:
    """The generator's API (``generate``, ``write_synthetic``, ``read_synthetic``, ``load_taxonomy``).

    Raises :class:`CliokitError` when :mod:`cliokit.synthetic` does not provide it. A name that
    resolves to a submodule of the same name (a lazily exported ``generate`` shadowed by the
    ``generate`` module once imported) is looked up inside that submodule.
    """
    module = importlib.import_module("cliokit.synthetic")
    api: dict[str, Any] = {}
    for name in _API:
        obj = getattr(module, name, None)
        if isinstance(obj, ModuleType):
            obj = getattr(obj, name, None)
        if not callable(obj):
            raise CliokitError(
                f"cliokit.synthetic does not provide {name}(); this cliokit has no data set generator"
            )
        api[name] = obj
    return SimpleNamespace(**api)
