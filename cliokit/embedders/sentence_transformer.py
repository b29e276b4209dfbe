"""Any sentence-transformers model, from a local folder or the Hugging Face cache; never downloads by default.

cliokit runs offline. A model name is resolved at construction to a local folder (the path itself,
or a snapshot in the Hugging Face cache); a name found in neither fails at once with
:class:`~cliokit.errors.ConfigError` instead of retrying the hub for a minute.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import numpy as np

from cliokit.embedders._files import combined_sha256, file_sha256, package_version
from cliokit.embedders.base import Embedder
from cliokit.errors import BackendError, ConfigError, MissingDependencyError

logger = logging.getLogger(__name__)

#: Weight files hashed into the fingerprint (torch backend; ``onnx/`` and ``openvino/`` are unused).
_WEIGHT_SUFFIXES = (".safetensors", ".bin")
_SKIP_DIRS = {"onnx", "openvino", ".git", ".cache"}
#: Small files that shape the output besides the weights (tokenizer, pooling, dense layers).
_CONFIG_NAMES = {
    "modules.json",
    "config.json",
    "sentence_bert_config.json",
    "config_sentence_transformers.json",
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "vocab.txt",
    "sentencepiece.bpe.model",
    "spiece.model",
}


def _looks_like_path(name: str) -> bool:
    return (
        name.startswith(("/", ".", "~"))
        or "\\" in name
        or name.count("/") > 1
        or os.path.isabs(name)
        or Path(name).suffix in {".safetensors", ".bin"}
    )


def _hf_cache_dir(cache_folder: str | None) -> str:
    """Locate the Hugging Face hub cache the way ``huggingface_hub`` does.

    ``huggingface_hub`` itself is not imported here: it reads ``HF_HUB_OFFLINE`` once, at import,
    and :meth:`SentenceTransformerEmbedder._load` must set that first.
    """
    if cache_folder:
        return cache_folder
    if os.environ.get("HF_HUB_CACHE"):
        return os.environ["HF_HUB_CACHE"]
    xdg = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    home = os.environ.get("HF_HOME") or os.path.join(xdg, "huggingface")
    return os.path.join(os.path.expanduser(home), "hub")


def _find_in_hf_cache(name: str, cache_folder: str | None) -> Path | None:
    """Snapshot folder of ``name`` (or ``sentence-transformers/name``) in the Hugging Face cache."""
    candidates = [name] if "/" in name else [name, f"sentence-transformers/{name}"]
    cache_dir = _hf_cache_dir(cache_folder)
    for repo_id in candidates:
        repo = Path(cache_dir) / ("models--" + repo_id.replace("/", "--"))
        ref = repo / "refs" / "main"
        snapshots = repo / "snapshots"
        if not snapshots.is_dir():
            continue
        revision = ref.read_text().strip() if ref.is_file() else ""
        folders = [snapshots / revision] if revision else sorted(snapshots.iterdir())
        for folder in folders:
            if (folder / "modules.json").is_file() or (folder / "config.json").is_file():
                return folder
    return None


def _offline_help(name: str, cache_dir: str) -> str:
    return (
        f"sentence-transformers model {name!r} is neither a local folder nor in the Hugging Face cache "
        f"({cache_dir}); cliokit runs offline and does not download models. On a machine with network, "
        f"save it (`SentenceTransformer({name!r}).save('path/to/folder')` or "
        f"`hf download {name} --local-dir path/to/folder`), copy the folder here and pass its path: "
        "get_embedder('st:path/to/folder') or SentenceTransformerEmbedder('path/to/folder'). "
        "The bundled 'use-multilingual' and 'minilm' embedders need no download; "
        "allow_download=True lets sentence-transformers fetch the model when a network is reachable."
    )


class SentenceTransformerEmbedder(Embedder):
    """A sentence-transformers model by local path or by name (found in the Hugging Face cache).

    Parameters
    ----------
    model_name_or_path : str
        A model folder, or a hub id already in the Hugging Face cache.
    device : str, optional
        Torch device (``"cpu"``, ``"cuda"``, ...); ``None`` lets sentence-transformers choose.
    cache_folder : str, optional
        Hugging Face cache to look in (default: the hub's own setting, ``HF_HUB_CACHE``).
    allow_download : bool, default=False
        Let sentence-transformers download a model that is not available locally.

    Raises
    ------
    ConfigError
        The path does not exist, or the name is not cached and ``allow_download`` is false.
    """

    def __init__(
        self,
        model_name_or_path: str,
        device: str | None = None,
        *,
        cache_folder: str | None = None,
        allow_download: bool = False,
    ) -> None:
        if not isinstance(model_name_or_path, str) or not model_name_or_path.strip():
            raise ConfigError(
                f"sentence-transformers model must be a non-empty string; got {model_name_or_path!r}"
            )
        self.model_name_or_path = model_name_or_path
        self.device = device
        self.cache_folder = cache_folder
        self.package = "sentence-transformers"
        self._model: Any = None
        self.path = self._resolve(model_name_or_path, allow_download)
        if self.path is not None and Path(model_name_or_path).expanduser().is_dir():
            # A folder is identified by its name (and its files' hashes), not by where it lies.
            self.model_id = str(self.path)
            self._fingerprint_id = self.path.name
        else:
            self.model_id = self._fingerprint_id = model_name_or_path
        self.name = f"st:{self._fingerprint_id}"

    def _resolve(self, name: str, allow_download: bool) -> Path | None:
        local = Path(name).expanduser()
        if local.is_dir():
            if not ((local / "modules.json").is_file() or (local / "config.json").is_file()):
                raise ConfigError(
                    f"{name!r} is a folder but not a sentence-transformers/transformers model "
                    "(no modules.json or config.json in it)"
                )
            return local.resolve()
        if local.exists():
            raise ConfigError(f"sentence-transformers model {name!r} is a file; pass the model's folder")
        if _looks_like_path(name):
            raise ConfigError(f"sentence-transformers model folder {name!r} does not exist")
        cached = _find_in_hf_cache(name, self.cache_folder)
        if cached is not None:
            logger.debug("%s found in the Hugging Face cache at %s", name, cached)
            return cached
        if allow_download:
            logger.warning("%s is not available locally; sentence-transformers will try to download it", name)
            return None
        raise ConfigError(_offline_help(name, _hf_cache_dir(self.cache_folder)))

    def _model_files(self) -> tuple[dict[str, str], dict[str, str]]:
        """Hashes of weight files and of output-shaping config files (relative path -> sha256)."""
        weights: dict[str, str] = {}
        configs: dict[str, str] = {}
        if self.path is None:
            return weights, configs
        for root, dirs, files in os.walk(self.path, followlinks=True):
            dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS)
            for fname in sorted(files):
                full = Path(root) / fname
                rel = full.relative_to(self.path).as_posix()
                if fname.endswith(_WEIGHT_SUFFIXES) and not fname.startswith("training_args"):
                    weights[rel] = file_sha256(full)
                elif fname in _CONFIG_NAMES:
                    configs[rel] = file_sha256(full)
        return weights, configs

    def weights_sha256(self) -> str | None:
        """Return the combined sha256 of the weight files (``None`` while the model is not local)."""
        if self.path is None:
            return None
        weights, _ = self._model_files()
        if not weights:
            logger.warning("no weight files (%s) found under %s", ", ".join(_WEIGHT_SUFFIXES), self.path)
        return combined_sha256(weights)

    def settings(self) -> dict[str, Any]:
        _, configs = self._model_files()
        return {"config_sha256": combined_sha256(configs) if configs else None}

    def _fingerprint_fields(self) -> dict[str, Any]:
        fields = super()._fingerprint_fields()
        fields["model_id"] = self._fingerprint_id
        return fields

    def _load(self) -> Any:
        if self._model is not None:
            return self._model
        if self.path is not None:
            # huggingface_hub reads these at import: without them a local load still asks the hub
            # (and retries for about a minute when there is no network).
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise MissingDependencyError(
                "sentence-transformers", purpose="sentence-transformers embedders"
            ) from exc
        source = str(self.path) if self.path is not None else self.model_name_or_path
        try:
            self._model = SentenceTransformer(
                source,
                device=self.device,
                cache_folder=self.cache_folder,
                local_files_only=self.path is not None,
            )
        except (OSError, ValueError, RuntimeError) as exc:
            raise BackendError(
                f"could not load sentence-transformers model {self.model_id!r}: {exc}"
            ) from exc
        logger.debug("loaded sentence-transformers model %s on %s", self.model_id, self._model.device)
        return self._model

    @property
    def dim(self) -> int:
        model = self._load()
        get_dim = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        dim = get_dim()
        if dim is None:
            raise BackendError(f"sentence-transformers model {self.model_id!r} does not report its dimension")
        return int(dim)

    def embed_batch(self, texts: list[str]) -> np.ndarray:
        model = self._load()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = model.encode(
            texts,
            batch_size=len(texts),
            show_progress_bar=False,
            convert_to_numpy=True,
            normalize_embeddings=False,
        )
        return np.asarray(vectors, dtype=np.float32)

    def describe(self) -> dict[str, Any]:
        info = super().describe()
        info["sentence_transformers_version"] = package_version("sentence-transformers")
        info["device"] = str(self._model.device) if self._model is not None else self.device
        return info

    def __repr__(self) -> str:
        return f"SentenceTransformerEmbedder({self.model_name_or_path!r}, device={self.device!r})"
