"""Vectors computed elsewhere, handed to the pipeline in place of an embedding step."""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from cliokit.embedders.base import Embedder, check_texts, l2_normalize
from cliokit.errors import ConfigError

logger = logging.getLogger(__name__)


class PrecomputedEmbeddings(Embedder):
    """Returns given vectors instead of computing them (BERTopic's "skip this step" component).

    Parameters
    ----------
    vectors : numpy.ndarray
        Shape ``(n, dim)``.
    texts : sequence of str, optional
        The text of each row. When given, :meth:`embed` looks texts up (any order, any subset);
        otherwise it returns the rows in order and requires exactly ``n`` texts.

    Notes
    -----
    Rows are L2-normalised like every embedder's output. The on-disk cache is not used.
    """

    name = "precomputed"
    embeds_new_texts = False

    def __init__(self, vectors: np.ndarray, texts: Sequence[str] | None = None) -> None:
        arr = np.asarray(vectors, dtype=np.float32)
        if arr.ndim != 2 or arr.shape[1] < 1:
            raise ConfigError(f"PrecomputedEmbeddings `vectors` must have shape (n, dim); got {arr.shape}")
        self._vectors = l2_normalize(arr)
        self._index: dict[str, int] | None = None
        if texts is not None:
            items = check_texts(texts)
            if len(items) != arr.shape[0]:
                raise ConfigError(
                    f"PrecomputedEmbeddings got {arr.shape[0]} vectors but {len(items)} texts; "
                    "they must match"
                )
            self._index = {}
            for i, text in enumerate(items):
                self._index.setdefault(text, i)
        self._sha256 = self._hash(items if texts is not None else None)

    def _hash(self, texts: list[str] | None) -> str:
        digest = hashlib.sha256()
        digest.update(repr(self._vectors.shape).encode("ascii"))
        digest.update(np.ascontiguousarray(self._vectors, dtype="<f4").tobytes())
        if texts is not None:
            for text in texts:
                digest.update(hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest())
        return digest.hexdigest()

    @property
    def dim(self) -> int:
        return int(self._vectors.shape[1])

    def __len__(self) -> int:
        return int(self._vectors.shape[0])

    def weights_sha256(self) -> str:
        """Sha256 of the vectors (and of the texts' hashes when texts were given)."""
        return self._sha256

    def settings(self) -> dict[str, Any]:
        return {"lookup": "text" if self._index is not None else "order"}

    def _lookup(self, texts: list[str]) -> np.ndarray:
        if self._index is None:
            if len(texts) != len(self):
                raise ConfigError(
                    f"PrecomputedEmbeddings holds {len(self)} vectors but was asked for {len(texts)} texts; "
                    "without `texts` the count must match exactly (pass `texts` to look vectors up by text)"
                )
            return self._vectors.copy()
        missing = [i for i, text in enumerate(texts) if text not in self._index]
        if missing:
            shown = ", ".join(str(i) for i in missing[:10])
            raise ConfigError(
                f"PrecomputedEmbeddings has no vector for {len(missing)} of {len(texts)} texts "
                f"(positions {shown}{', ...' if len(missing) > 10 else ''})"
            )
        return self._vectors[[self._index[text] for text in texts]]

    def embed_batch(self, texts: list[str]) -> np.ndarray:
        return self._lookup(texts)

    def embed(
        self,
        texts: Sequence[str],
        *,
        batch_size: int = 64,
        progress: bool | None = None,
        cache_dir: str | os.PathLike[str] | None = None,
    ) -> np.ndarray:
        """Return the stored unit vectors for ``texts`` (the keyword arguments are unused)."""
        if cache_dir is not None:
            logger.debug("PrecomputedEmbeddings ignores cache_dir")
        return self._lookup(check_texts(texts))

    def __repr__(self) -> str:
        return f"PrecomputedEmbeddings(n={len(self)}, dim={self.dim})"
