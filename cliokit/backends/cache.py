"""A content-addressed response cache in SQLite: an unchanged request is never sent twice.

The key hashes everything that can change an answer: backend name, model id, system prompt,
messages, prefill, output budget, temperature and the template hash. Only successful answers are
stored (errors and refusals are not); a read that fails for any reason is a miss. Each answer is
committed as soon as it arrives, so a run killed mid-stage resumes without repeating calls.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from pathlib import Path

from cliokit.backends.base import ModelRequest, ModelResult, Usage
from cliokit.config import stable_hash

logger = logging.getLogger(__name__)

#: Bump when the key recipe or stored columns change.
CACHE_VERSION = 1


def request_key(backend: str, model: str, request: ModelRequest) -> str:
    """The cache key of ``request`` sent to ``model`` through ``backend`` (sha256 hex)."""
    return stable_hash(
        {
            "v": CACHE_VERSION,
            "backend": backend,
            "model": model,
            "system": request.system,
            "messages": [dict(m) for m in request.messages],
            "prefill": request.prefill,
            "max_tokens": request.max_tokens,
            "temperature": request.temperature,
            "prompt_hash": request.prompt_hash,
        }
    )


class ResponseCache:
    """Successful model answers keyed by :func:`request_key`, in one SQLite file.

    Parameters
    ----------
    path : path
        The database file (created with its folder).
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")  # WAL: survives a killed process, not a power cut
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS responses (key TEXT PRIMARY KEY, model TEXT, text TEXT, "
            "usage TEXT, created REAL)"
        )
        self._db.commit()

    def get(self, key: str, request_id: str) -> ModelResult | None:
        """The cached answer for ``key`` as a result for ``request_id``, or None."""
        try:
            with self._lock:
                row = self._db.execute("SELECT model, text FROM responses WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error as exc:
            logger.warning("response cache read failed (treated as a miss): %s", exc)
            return None
        if row is None:
            return None
        return ModelResult(id=request_id, text=row[1], model=row[0], usage=Usage(), cache_hit=True)

    def put(self, key: str, result: ModelResult) -> None:
        """Store a successful answer (results with ``error`` set are ignored)."""
        if result.error is not None:
            return
        usage = json.dumps(vars(result.usage))
        try:
            with self._lock:
                self._db.execute(
                    "INSERT OR REPLACE INTO responses VALUES (?, ?, ?, ?, ?)",
                    (key, result.model, result.text, usage, time.time()),
                )
                self._db.commit()
        except sqlite3.Error as exc:
            logger.warning("response cache write failed: %s", exc)

    def __len__(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM responses").fetchone()[0])

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()
