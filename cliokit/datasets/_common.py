"""Shared parts of the public-data loaders: where the data live, the load record, line reading."""

from __future__ import annotations

import gzip
import json
import logging
import os
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cliokit.errors import CliokitError, ConfigError, InputError

logger = logging.getLogger(__name__)

#: Environment variable naming the public data folder (used when no folder is passed).
ENV_VAR = "CLIOKIT_EXTERNAL_DATA"
#: Files inside the public data folder.
OASST_FILE = "oasst1_en_validation/en-validation.jsonl"
HH_RLHF_FILE = "hh_rlhf/harmless-base_test.jsonl.gz"
XSID_DIR = "xsid"

PSEUDO_USER_NOTE = (
    "no user ids in the data: each conversation is its own pseudo-user (user_id = conversation_id), "
    "so a cluster's user count equals its conversation count and `privacy.min_users` adds no "
    "protection beyond `privacy.min_conversations`"
)


class ExternalDataMissing(CliokitError, FileNotFoundError):
    """The public data folder, or a file in it, is absent; the message says where cliokit looked."""


@dataclass(frozen=True)
class DatasetLoad:
    """What a data set loader read.

    Attributes
    ----------
    conversations : pandas.DataFrame
        One row per conversation: ``conversation_id`` (str), ``user_id`` (str), ``messages``
        (list of ``{"role": "user" | "assistant", "content": str}``, no empty content), ``source``
        (str, the file), ``record`` (int, 1-based line of the conversation's first record),
        ``dataset`` (str), plus per-data-set columns (``lang``; xSID also ``intent``, ``split``,
        ``xsid_id``).
    rejected : pandas.DataFrame
        Malformed records: ``source``, ``record`` (1-based line), ``conversation_id`` (str or None)
        and ``reason``.
    skipped : pandas.DataFrame
        Valid records not used, same columns: oasst replies off the best-ranked path, deleted or
        review-failed oasst messages, conversations left out by ``max_conversations``.
    n_read : int
        Records read (oasst: messages; HH-RLHF: lines; xSID: sentence blocks).
    n_used : int
        Records inside :attr:`conversations`; ``n_read == n_used + len(rejected) + len(skipped)``.
    dataset : str
        ``"oasst1"``, ``"hh-rlhf"`` or ``"xsid"``.
    pseudo_users : bool
        True when the data have no user ids and ``user_id`` is the conversation id.
    notes : tuple of str
        What a reader of results should know (pseudo-users, removed empty turns, ...).
    """

    conversations: pd.DataFrame
    rejected: pd.DataFrame
    skipped: pd.DataFrame
    n_read: int
    n_used: int
    dataset: str
    pseudo_users: bool
    notes: tuple[str, ...] = ()


# --------------------------------------------------------------------------------------------
# Where the data are
# --------------------------------------------------------------------------------------------


def _where(path: str | os.PathLike[str]) -> Path:
    """``path`` with ``~`` expanded, made absolute against the working directory."""
    return Path(path).expanduser().resolve()


def external_data_dir(default: str | os.PathLike[str] | None = None) -> Path | None:
    """The public data folder, or None when it is absent.

    cliokit does not guess where the data are from where it is installed: the folder is
    ``$CLIOKIT_EXTERNAL_DATA`` when that is set, else ``default`` (a path the caller knows, e.g. a
    notebook's ``"../../shared/external_data"``; relative paths are taken from the working
    directory).

    Parameters
    ----------
    default : str or path-like, optional
        The folder to use when ``$CLIOKIT_EXTERNAL_DATA`` is not set.

    Returns
    -------
    Path or None
        An absolute path to an existing folder, or None: ``$CLIOKIT_EXTERNAL_DATA`` names no
        folder (a warning is logged; ``default`` is not tried), or it is unset and ``default`` is
        None or names no folder.

    Examples
    --------
    >>> from cliokit.datasets import external_data_dir
    >>> external_data_dir("../../shared/external_data")  # doctest: +SKIP
    PosixPath('/home/me/shared/external_data')
    """
    env = os.environ.get(ENV_VAR)
    if env:
        p = _where(env)
        if not p.is_dir():
            logger.warning("%s=%s is not a folder", ENV_VAR, env)
            return None
        return p
    if default is None:
        return None
    p = _where(default)
    return p if p.is_dir() else None


def require_external_data(
    *files: str,
    data_dir: str | os.PathLike[str] | None = None,
    default: str | os.PathLike[str] | None = None,
) -> Path:
    """The public data folder holding ``files``; raise :class:`ExternalDataMissing` otherwise.

    The folder is ``data_dir`` when given, else :func:`external_data_dir` (``$CLIOKIT_EXTERNAL_DATA``,
    else ``default``).

    Parameters
    ----------
    *files : str
        Paths inside the folder that must exist, e.g. :data:`OASST_FILE`.
    data_dir : str or path-like, optional
        The folder; relative paths are taken from the working directory.
    default : str or path-like, optional
        The folder to use when neither ``data_dir`` nor ``$CLIOKIT_EXTERNAL_DATA`` is given.

    Returns
    -------
    Path
        The folder, absolute.

    Raises
    ------
    ExternalDataMissing
        The folder or one of ``files`` is absent; the message names what was looked for.

    Examples
    --------
    >>> from cliokit import datasets
    >>> root = datasets.require_external_data(datasets.OASST_FILE, data_dir="data")  # doctest: +SKIP
    """
    if data_dir:
        base: Path | None = _where(data_dir)
        where = str(base)
    else:
        base = external_data_dir(default)
        if os.environ.get(ENV_VAR):
            where = f"${ENV_VAR}={os.environ[ENV_VAR]}"
        elif default is not None:
            where = f"{_where(default)} (${ENV_VAR} is not set)"
        else:
            where = f"${ENV_VAR}, which is not set"
    if base is None or not base.is_dir():
        raise ExternalDataMissing(
            f"the public data folder is absent (looked for {where}); set ${ENV_VAR} to the folder "
            "described in external_data/README.md, or pass its path"
        )
    missing = [f for f in files if not (base / f).exists()]
    if missing:
        raise ExternalDataMissing(f"the public data folder {base} lacks {', '.join(missing)}")
    return base


# --------------------------------------------------------------------------------------------
# Shared helpers
# --------------------------------------------------------------------------------------------


@dataclass
class _Log:
    """Rejected and skipped records of one load (raises the first rejection when strict)."""

    strict: bool
    rejected: list[tuple[str, int, str | None, str]] = field(default_factory=list)
    skipped: list[tuple[str, int, str | None, str]] = field(default_factory=list)

    def reject(self, source: str, record: int, conversation_id: str | None, reason: str) -> None:
        """Record a malformed record, or raise it as :class:`InputError` when strict."""
        if self.strict:
            raise InputError(reason, source, record)
        logger.debug("%s:%d rejected: %s", source, record, reason)
        self.rejected.append((source, record, conversation_id, reason))

    def skip(self, source: str, record: int, conversation_id: str | None, reason: str) -> None:
        """Record a valid record that is not used."""
        self.skipped.append((source, record, conversation_id, reason))

    @staticmethod
    def frame(rows: list[tuple[str, int, str | None, str]]) -> pd.DataFrame:
        """Rows as a table with the columns of :attr:`cliokit.load.LoadResult.rejected`."""
        cols = list(zip(*rows, strict=True)) if rows else [(), (), (), ()]
        return pd.DataFrame(
            {
                "source": pd.Series(cols[0], dtype="str"),
                "record": pd.Series(cols[1], dtype="int64"),
                "conversation_id": pd.Series(cols[2], dtype=object),
                "reason": pd.Series(cols[3], dtype="str"),
            }
        )


def _check_max(name: str, value: int | None) -> None:
    """Raise :class:`ConfigError` unless ``value`` is None or a positive int."""
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        raise ConfigError(f"`{name}` must be a positive int or None (all); got {value!r}")


def _sample(n: int, max_n: int | None, seed: int) -> np.ndarray:
    """Sorted indices of ``max_n`` of ``n`` items drawn without replacement (all if fewer)."""
    if max_n is None or max_n >= n:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, size=max_n, replace=False))


def _read_text(path: Path, source: str) -> str:
    """A UTF-8 file's text, gunzipped when gzip-compressed."""
    if not path.exists():
        raise InputError("file not found", source)
    if path.is_dir():
        raise InputError("is a directory, not a file", source)
    try:
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(f"cannot read file: {exc}", source) from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"file is not valid UTF-8 ({exc.reason} at byte offset {exc.start})", source
        ) from exc


def _json_lines(text: str) -> Iterator[tuple[int, Any, str | None]]:
    """``(line, object, None)`` or ``(line, None, reason)`` per non-blank line."""
    for lineno, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            yield lineno, json.loads(line), None
        except json.JSONDecodeError as exc:
            yield lineno, None, f"invalid JSON: {exc}"
        except RecursionError:
            yield lineno, None, "invalid JSON: nested too deeply"


def _finish(
    rows: list[dict[str, Any]], extra: Sequence[str], log: _Log, n_read: int, n_used: int, **info: Any
) -> DatasetLoad:
    """The :class:`DatasetLoad` of accepted ``rows`` and the log, with the accounting checked."""
    columns = ["conversation_id", "user_id", "messages", "source", "record", "dataset", *extra]
    conversations = pd.DataFrame(rows, columns=columns)
    conversations["messages"] = conversations["messages"].astype(object)
    conversations["record"] = conversations["record"].astype("int64")
    result = DatasetLoad(
        conversations=conversations,
        rejected=log.frame(log.rejected),
        skipped=log.frame(log.skipped),
        n_read=n_read,
        n_used=n_used,
        **info,
    )
    assert result.n_read == result.n_used + len(result.rejected) + len(result.skipped)
    logger.info(
        "%s: %d conversations from %d records (%d rejected, %d skipped)",
        result.dataset,
        len(conversations),
        n_read,
        len(result.rejected),
        len(result.skipped),
    )
    if len(result.rejected):
        logger.warning(
            "%d %s records rejected; see DatasetLoad.rejected", len(result.rejected), result.dataset
        )
    return result


# --------------------------------------------------------------------------------------------
# OpenAssistant oasst1
# --------------------------------------------------------------------------------------------
