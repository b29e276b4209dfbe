"""Static layering checks over ``cliokit/`` (STYLE.md rules 1, 4, 5, 7), read with ``ast``, never imported.

* Nothing under ``cliokit/backends/`` imports a stage module: the model seam knows no stage.
* No stage module imports a concrete backend: stages reach providers only through the registry
  (``cliokit.backends``), the request/result types (``cliokit.backends.base``) and the shared
  call helpers (``cliokit.backends.calls``).
* No module is longer than :data:`MAX_LINES` lines.

Every ``import`` / ``from ... import`` counts, wherever it sits (module level, inside a function,
under ``TYPE_CHECKING``), relative imports are resolved, and ``importlib.import_module("...")`` /
``__import__("...")`` with a literal module name counts as an import too.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "cliokit"
MAX_LINES = 600

#: Modules that make up the stages and their orchestration: the model seam must not import them.
STAGE_MODULES = tuple(
    f"cliokit.{name}"
    for name in (
        "load",
        "scrub",
        "facets",
        "embed",
        "cluster",
        "name",
        "hierarchy",
        "privacy",
        "project",
        "export",
        "stages",
        "pipeline",
        "runner",
        "offline",
    )
)
#: Stage files (relative to ``cliokit/``; a folder means every module in it) that must not import
#: a concrete backend.
STAGE_FILES = (
    "load.py",
    "scrub.py",
    "facets.py",
    "cluster.py",
    "name.py",
    "hierarchy.py",
    "privacy.py",
    "project.py",
    "export.py",
    "stages.py",
    "runner.py",
    "offline",
)
#: Concrete backend modules. Stages may import ``cliokit.backends`` (the registry),
#: ``cliokit.backends.base`` and ``cliokit.backends.calls``.
CONCRETE_BACKENDS = tuple(
    f"cliokit.backends.{name}" for name in ("offline", "claude", "openai_compat", "scripted", "_sdk")
)


@dataclass(frozen=True)
class Import:
    """One imported module name, where it was imported."""

    module: str
    path: Path
    line: int

    def __str__(self) -> str:
        where = self.path.relative_to(ROOT) if self.path.is_relative_to(ROOT) else self.path
        return f"{where}:{self.line} imports {self.module}"


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _package_of(path: Path, root: Path) -> str:
    name = _module_name(path, root)
    return name if path.name == "__init__.py" else name.rpartition(".")[0]


def _resolve(path: Path, root: Path, module: str | None, level: int) -> str:
    """The absolute module a ``from`` import names (relative imports resolved against ``path``)."""
    if level == 0:
        return module or ""
    base = _package_of(path, root).split(".")
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join([*base, module] if module else base)


def _literal_import(node: ast.Call) -> str | None:
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    if name not in ("import_module", "__import__") or not node.args:
        return None
    arg = node.args[0]
    return arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else None


def imports_of(path: Path, root: Path = ROOT) -> Iterator[Import]:
    """Every module ``path`` imports (``from a import b`` yields ``a`` and ``a.b``: b may be a module)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(alias.name, path, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(path, root, node.module, node.level)
            yield Import(base, path, node.lineno)
            for alias in node.names:
                if alias.name != "*":
                    yield Import(f"{base}.{alias.name}", path, node.lineno)
        elif isinstance(node, ast.Call) and (target := _literal_import(node)):
            yield Import(target, path, node.lineno)


def _is_within(module: str, targets: tuple[str, ...]) -> bool:
    return any(module == t or module.startswith(t + ".") for t in targets)


def _modules(*relative: str) -> list[Path]:
    out: list[Path] = []
    for rel in relative:
        target = PACKAGE / rel
        if target.is_dir():
            out.extend(sorted(target.rglob("*.py")))
        elif target.is_file():
            out.append(target)
    return out


def _violations(paths: list[Path], targets: tuple[str, ...]) -> list[Import]:
    """Imports of ``targets`` in ``paths``, one per import line (the shortest matching name)."""
    found: dict[tuple[Path, int], Import] = {}
    for path in paths:
        for imp in imports_of(path):
            key = (imp.path, imp.line)
            if _is_within(imp.module, targets) and (
                key not in found or len(imp.module) < len(found[key].module)
            ):
                found[key] = imp
    return sorted(found.values(), key=lambda i: (str(i.path), i.line))


def _import_graph() -> dict[str, set[str]]:
    """Module -> the cliokit modules it imports (the top-level ``cliokit`` facade left out: every
    import runs it, and it re-exports everything)."""
    paths = {_module_name(p, ROOT): p for p in PACKAGE.rglob("*.py")}
    return {
        name: {i.module for i in imports_of(path) if i.module in paths and i.module != "cliokit"}
        for name, path in paths.items()
    }


def _reaches(graph: dict[str, set[str]], start: str, targets: tuple[str, ...]) -> list[str] | None:
    """The first import chain from ``start`` to a module within ``targets``, or None."""
    parent: dict[str, str] = {}
    queue = [start]
    seen = {start}
    while queue:
        module = queue.pop(0)
        if module != start and _is_within(module, targets):
            chain = [module]
            while chain[-1] != start:
                chain.append(parent[chain[-1]])
            return chain[::-1]
        for dep in sorted(graph.get(module, ())):
            if dep not in seen:
                seen.add(dep)
                parent[dep] = module
                queue.append(dep)
    return None


def _report(found: list[Import]) -> str:
    return "\n".join(f"  {f}" for f in found)


# --- the checker itself -----------------------------------------------------------------------------


def test_import_walker_sees_every_import_form(tmp_path: Path) -> None:
    pkg = tmp_path / "cliokit" / "offline"
    pkg.mkdir(parents=True)
    mod = pkg / "thing.py"
    mod.write_text(
        "import cliokit.backends.claude as c\n"
        "from cliokit.backends import offline, base\n"
        "from ..backends.scripted import ScriptedBackend\n"
        "from . import heuristics\n"
        "def f():\n"
        "    import importlib\n"
        "    return importlib.import_module('cliokit.backends._sdk')\n",
        encoding="utf-8",
    )
    names = {i.module for i in imports_of(mod, tmp_path)}
    assert {
        "cliokit.backends.claude",
        "cliokit.backends.offline",
        "cliokit.backends.base",
        "cliokit.backends.scripted",
        "cliokit.offline.heuristics",
        "cliokit.backends._sdk",
    } <= names
    bad = sorted({i.module for i in imports_of(mod, tmp_path) if _is_within(i.module, CONCRETE_BACKENDS)})
    assert bad == [
        "cliokit.backends._sdk",
        "cliokit.backends.claude",
        "cliokit.backends.offline",
        "cliokit.backends.scripted",
        "cliokit.backends.scripted.ScriptedBackend",
    ]
    graph = {"cliokit.backends.x": {"cliokit.config"}, "cliokit.config": {"cliokit.offline.heuristics"}}
    assert _reaches(graph, "cliokit.backends.x", STAGE_MODULES) == [
        "cliokit.backends.x",
        "cliokit.config",
        "cliokit.offline.heuristics",
    ]
    # cliokit.embedders is not the (absent) stage module cliokit.embed
    assert not _is_within("cliokit.embedders.base", STAGE_MODULES)
    assert _is_within("cliokit.offline.heuristics", STAGE_MODULES)


def test_stage_files_exist() -> None:
    """The lists above name real files, so a rename cannot silently empty a check."""
    missing = [rel for rel in STAGE_FILES if not (PACKAGE / rel).exists()]
    assert not missing, f"stage modules listed in this test but not in cliokit/: {missing}"
    assert _modules("backends"), "cliokit/backends/ holds no module"


# --- the rules -----------------------------------------------------------------------------------


def test_backends_import_no_stage_module() -> None:
    found = _violations(_modules("backends"), STAGE_MODULES)
    assert not found, "modules under cliokit/backends/ import stage modules:\n" + _report(found)


def test_stages_import_no_concrete_backend() -> None:
    found = _violations(_modules(*STAGE_FILES), CONCRETE_BACKENDS)
    assert not found, (
        "stage modules import concrete backends (use cliokit.backends, .base or .calls):\n" + _report(found)
    )


def test_no_import_chain_crosses_the_seam() -> None:
    """The same two rules through other cliokit modules (config, prompts, ...), statically."""
    graph = _import_graph()
    stages = {_module_name(p, ROOT) for p in _modules(*STAGE_FILES)}
    chains = []
    for module in sorted(graph):
        if _is_within(module, ("cliokit.backends",)):
            chain = _reaches(graph, module, STAGE_MODULES)
        elif module in stages:
            chain = _reaches(graph, module, CONCRETE_BACKENDS)
        else:
            continue
        if chain:
            chains.append(" -> ".join(chain))
    assert not chains, "import chains across the model seam:\n" + "\n".join(f"  {c}" for c in chains)


def test_no_module_longer_than_limit() -> None:
    lengths = {
        path.relative_to(ROOT).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
        for path in sorted(PACKAGE.rglob("*.py"))
    }
    assert lengths, "no modules found under cliokit/"
    over = {name: n for name, n in lengths.items() if n > MAX_LINES}
    assert not over, f"modules longer than {MAX_LINES} lines (STYLE.md rule 4): " + ", ".join(
        f"{name} ({n})" for name, n in sorted(over.items(), key=lambda kv: -kv[1])
    )
