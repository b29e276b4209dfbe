"""On-disk embedding cache: one SQLite file per embedder fingerprint, keyed by hashes only.

The cache never stores a text: a row is ``sha256(fingerprint + text)`` and the vector's float32
bytes. The file name carries the first 16 hex digits of the fingerprint, so embedders with
different weights or settings never share a file.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np

from cliokit.errors import ConfigError

logger = logging.getLogger(__name__)

_SELECT_CHUNK = 500
_SCHEMA = """
CREATE TABLE IF NOT EXISTS embeddings (key TEXT PRIMARY KEY, vec BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def text_key(fingerprint: str, text: str) -> str:
    """Cache key of one text: ``sha256(fingerprint + text)`` as hex (lone surrogates are kept)."""
    return hashlib.sha256((fingerprint + text).encode("utf-8", "surrogatepass")).hexdigest()


def cache_path(cache_dir: str | os.PathLike[str], fingerprint: str) -> Path:
    """Where the cache of an embedder with this fingerprint lives."""
    return Path(cache_dir) / f"embeddings-{fingerprint[:16]}.sqlite"


class EmbeddingCache:
    """SQLite store of unit vectors for one embedder.

    Parameters
    ----------
    cache_dir : str or path-like
        Folder of the cache file (created when missing).
    fingerprint : str
        The embedder's :attr:`~cliokit.embedders.Embedder.fingerprint`.
    dim : int
        Vector length; rows of another length are treated as misses.
    """

    def __init__(self, cache_dir: str | os.PathLike[str], fingerprint: str, dim: int) -> None:
        self.fingerprint = fingerprint
        self.dim = dim
        self.path = cache_path(cache_dir, fingerprint)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(self.path, timeout=60)
        self._conn.executescript(_SCHEMA)
        self._check_meta()

    def _check_meta(self) -> None:
        rows = dict(self._conn.execute("SELECT name, value FROM meta").fetchall())
        if not rows:
            with self._conn:
                self._conn.executemany(
                    "INSERT INTO meta (name, value) VALUES (?, ?)",
                    [("fingerprint", self.fingerprint), ("dim", str(self.dim))],
                )
            return
        if rows.get("fingerprint") != self.fingerprint or rows.get("dim") != str(self.dim):
            raise ConfigError(
                f"embedding cache {self.path} belongs to another embedder (fingerprint "
                f"{rows.get('fingerprint')}, dim {rows.get('dim')}); expected fingerprint "
                f"{self.fingerprint}, dim {self.dim}. Delete the file or use another cache_dir."
            )

    def key(self, text: str) -> str:
        """Cache key of ``text``."""
        return text_key(self.fingerprint, text)

    def get_many(self, keys: Iterable[str]) -> dict[str, np.ndarray]:
        """Vectors found for ``keys`` (missing keys are absent from the result)."""
        wanted = list(keys)
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(wanted), _SELECT_CHUNK):
            chunk = wanted[start : start + _SELECT_CHUNK]
            marks = ",".join("?" * len(chunk))
            query = f"SELECT key, vec FROM embeddings WHERE key IN ({marks})"  # noqa: S608 (only placeholders)
            for key, blob in self._conn.execute(query, chunk):
                vec = np.frombuffer(blob, dtype="<f4")
                if vec.shape == (self.dim,):
                    found[key] = vec.astype(np.float32)
        return found

    def put_many(self, items: Mapping[str, np.ndarray]) -> None:
        """Store vectors under their keys (one transaction)."""
        rows = [(key, np.asarray(vec, dtype="<f4").tobytes()) for key, vec in items.items()]
        with self._conn:
            self._conn.executemany("INSERT OR REPLACE INTO embeddings (key, vec) VALUES (?, ?)", rows)

    def __len__(self) -> int:
        (count,) = self._conn.execute("SELECT COUNT(*) FROM embeddings").fetchone()
        return int(count)

    def close(self) -> None:
        """Close the database connection."""
        self._conn.close()

    def __enter__(self) -> EmbeddingCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
