"""The embedder seam: ``Embedder.embed`` batches, de-duplicates, caches and L2-normalises.

A concrete embedder implements only :meth:`Embedder.embed_batch` and :attr:`Embedder.dim`, and
reports what determines its output (model id, weights hash, settings) so that
:attr:`Embedder.fingerprint` can key resumable runs and the on-disk cache.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any

import numpy as np

from cliokit.embedders.cache import EmbeddingCache
from cliokit.errors import BackendError, ConfigError
from cliokit.progress import progress_bar

logger = logging.getLogger(__name__)


def l2_normalize(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit L2 norm as float32; an all-zero (or non-finite norm) row stays zero."""
    x = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(x.astype(np.float64), axis=1, keepdims=True)
    ok = np.isfinite(norms) & (norms > 0)
    out = np.zeros_like(x)
    np.divide(x, norms.astype(np.float32), out=out, where=ok)
    return out


def check_texts(texts: Sequence[str]) -> list[str]:
    """Return ``texts`` as a list; raise ``TypeError`` for a bare string or a non-string item."""
    if isinstance(texts, str):
        raise TypeError("texts must be a sequence of strings, not a single string; wrap it in a list")
    out = list(texts)
    for i, text in enumerate(out):
        if not isinstance(text, str):
            raise TypeError(f"texts[{i}] is {type(text).__name__}, expected str")
    return out


class Embedder(ABC):
    """Turns texts into vectors.

    Subclasses set :attr:`name` (a short id), implement :meth:`embed_batch` and :attr:`dim`, and
    override :meth:`settings` / :meth:`weights_sha256` when something else shapes their output.
    """

    #: Short id, e.g. ``"use-multilingual"``.
    name: str = "embedder"
    #: False for embedders that only return vectors computed elsewhere (they cannot embed a new
    #: text such as a cluster name; the pipeline then embeds names with ``embed.model``).
    embeds_new_texts: bool = True
    #: Model identifier recorded in the manifest (hub id, folder name, ...).
    model_id: str = ""
    #: Distribution that provides the model, whose version goes to :meth:`describe`.
    package: str | None = None

    @abstractmethod
    def embed_batch(self, texts: list[str]) -> np.ndarray:
        """Raw vectors of one batch, shape ``(len(texts), dim)``; need not be normalised."""

    @property
    @abstractmethod
    def dim(self) -> int:
        """Length of the vectors."""

    def settings(self) -> dict[str, Any]:
        """Return the settings that change the output (part of the fingerprint); JSON-serialisable."""
        return {}

    def weights_sha256(self) -> str | None:
        """Sha256 of the model weights, or ``None`` for embedders without weights files."""
        return None

    def package_version(self) -> str | None:
        """Installed version of :attr:`package`."""
        if self.package is None:
            return None
        from cliokit.embedders._files import package_version

        return package_version(self.package)

    def _fingerprint_fields(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "model_id": self.model_id,
            "weights_sha256": self.weights_sha256(),
            "settings": self.settings(),
        }

    @property
    def fingerprint(self) -> str:
        """Stable sha256 (hex) of model id, weights hash and output-affecting settings."""
        payload = json.dumps(self._fingerprint_fields(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    def describe(self) -> dict[str, Any]:
        """Return what the run manifest records about this embedder."""
        return {
            "name": self.name,
            "class": f"{type(self).__module__}.{type(self).__qualname__}",
            "model_id": self.model_id,
            "dim": self.dim,
            "weights_sha256": self.weights_sha256(),
            "package": self.package,
            "package_version": self.package_version(),
            "settings": self.settings(),
            "fingerprint": self.fingerprint,
        }

    def _embed_checked(self, texts: list[str]) -> np.ndarray:
        vectors = np.asarray(self.embed_batch(texts), dtype=np.float32)
        if vectors.shape != (len(texts), self.dim):
            raise BackendError(
                f"embedder {self.name!r} returned shape {vectors.shape} for {len(texts)} texts; "
                f"expected ({len(texts)}, {self.dim})"
            )
        return l2_normalize(vectors)

    def embed(
        self,
        texts: Sequence[str],
        *,
        batch_size: int = 64,
        progress: bool | None = None,
        cache_dir: str | os.PathLike[str] | None = None,
    ) -> np.ndarray:
        """Unit-norm float32 vectors of ``texts``, shape ``(len(texts), dim)``.

        Parameters
        ----------
        texts : sequence of str
            Texts to embed; duplicates are embedded once.
        batch_size : int, default=64
            Texts per :meth:`embed_batch` call.
        progress : bool, optional
            Draw a progress bar; ``None`` follows ``CLIOKIT_DISABLE_PROGRESS_BARS``.
        cache_dir : str or path-like, optional
            Folder of an on-disk cache (``embeddings-<fingerprint[:16]>.sqlite``); only misses are
            embedded. The cache stores hashes of texts, never the texts.

        Returns
        -------
        numpy.ndarray
            Rows of norm 1 (an all-zero vector stays zero).
        """
        items = check_texts(texts)
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
            raise ConfigError(f"`batch_size` must be a positive integer; got {batch_size!r}")
        unique: dict[str, int] = {}
        inverse = np.fromiter(
            (unique.setdefault(t, len(unique)) for t in items), dtype=np.int64, count=len(items)
        )
        uniq = list(unique)
        dim = self.dim
        out = np.zeros((len(uniq), dim), dtype=np.float32)

        cache = EmbeddingCache(cache_dir, self.fingerprint, dim) if cache_dir is not None else None
        try:
            keys: list[str] = []
            todo = list(range(len(uniq)))
            if cache is not None:
                keys = [cache.key(t) for t in uniq]
                found = cache.get_many(keys)
                todo = [i for i, k in enumerate(keys) if k not in found]
                for i, k in enumerate(keys):
                    if k in found:
                        out[i] = found[k]
                logger.debug("%s: %d cached, %d to embed", self.name, len(uniq) - len(todo), len(todo))
            if todo:
                with progress_bar(total=len(todo), desc=f"Embedding ({self.name})", enabled=progress) as bar:
                    for start in range(0, len(todo), batch_size):
                        idx = todo[start : start + batch_size]
                        vectors = self._embed_checked([uniq[i] for i in idx])
                        out[idx] = vectors
                        if cache is not None:
                            cache.put_many({keys[i]: vec for i, vec in zip(idx, vectors, strict=True)})
                        bar.update(len(idx))
        finally:
            if cache is not None:
                cache.close()
        logger.debug("%s: embedded %d texts (%d unique)", self.name, len(items), len(uniq))
        return out[inverse]

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r})"
