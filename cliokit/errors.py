"""Exception hierarchy.

Builtin bases are kept so that ``except ValueError`` / ``except ImportError`` in user code keeps
working (scikit-learn's habit).
"""

from __future__ import annotations


class CliokitError(Exception):
    """Base class of every error cliokit raises on purpose."""


class ConfigError(CliokitError, ValueError):
    """A configuration value is invalid; the message names the field, what is allowed and the value."""


class InputError(CliokitError, ValueError):
    """A conversation record could not be read.

    Parameters
    ----------
    reason : str
        What is wrong with the record.
    source : str, optional
        The file (or ``"<dataframe>"``) the record came from.
    record : int, optional
        1-based line number (JSONL/CSV) or record index (parquet, DataFrame, JSON array).
    """

    def __init__(self, reason: str, source: str | None = None, record: int | None = None) -> None:
        self.reason = reason
        self.source = source
        self.record = record
        where = source or "<input>"
        if record is not None:
            where = f"{where}:{record}"
        super().__init__(f"{where}: {reason}")


class BackendError(CliokitError, RuntimeError):
    """A model backend failed in a way retries could not fix."""


class MissingDependencyError(CliokitError, ImportError):
    """An optional dependency is missing; the message gives the pip command that installs it."""

    def __init__(self, package: str, extra: str | None = None, purpose: str = "") -> None:
        pip = f'pip install "cliokit[{extra}]"' if extra else f"pip install {package}"
        why = f" for {purpose}" if purpose else ""
        super().__init__(f"{package} is required{why}; install it with: {pip}")


class OutputError(CliokitError, OSError):
    """A file, directory or port cliokit must write to or listen on is unusable.

    Raised for permission errors, a full disk or a busy port; an :class:`OSError`, so
    ``except OSError`` keeps working.

    Parameters
    ----------
    target : str or path-like
        The file, directory or ``host:port``.
    reason : str
        What went wrong (the operating system's message).
    action : str, default="write"
        What cliokit tried to do, for the message: ``cannot {action} {target}: {reason}``.
    errno : int, optional
        The operating system's error number.
    """

    def __init__(self, target: object, reason: str, action: str = "write", errno: int | None = None) -> None:
        self.target = str(target)
        self.reason = reason
        super().__init__(f"cannot {action} {target}: {reason}")
        self.errno = errno


class RunLockedError(CliokitError):
    """Another process is running into the same run directory."""


class Interrupted(KeyboardInterrupt):
    """The process was asked to stop (the CLI raises it on SIGTERM); a run records ``interrupted``."""
