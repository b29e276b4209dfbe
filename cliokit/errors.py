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
