r"""Feature-hashing embedder: dependency-free, deterministic, instant; for tests and quick runs.

A text is NFKC-normalised and lowercased, split into ``\w+`` word tokens, and described by three feature
families: word unigrams, word bigrams and character 3-grams of each space-padded token (so scripts
without spaces, such as Chinese or Japanese, still share features). Each feature goes to bucket
``h % dim`` with sign ``±1`` from a keyed blake2b hash ``h`` (never Python's salted ``hash()``), so
vectors are identical across processes and machines. Each family is L2-normalised before the
families are summed, so long character n-gram lists do not drown the words.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from functools import lru_cache
from typing import Any

import numpy as np

from cliokit.embedders.base import Embedder
from cliokit.errors import ConfigError

_TOKEN = re.compile(r"\w+")
#: Version of the feature extraction; bump when it changes (it is part of the fingerprint).
FEATURES_VERSION = "1"
#: Weight of each feature family after its own L2 normalisation.
FAMILY_WEIGHTS: dict[str, float] = {"w": 1.0, "b": 0.5, "c": 1.0}


@lru_cache(maxsize=64)
def _hash_key(seed: int) -> bytes:
    return hashlib.blake2b(str(seed).encode("ascii"), digest_size=32).digest()


@lru_cache(maxsize=1 << 18)
def _bucket(seed: int, dim: int, feature: str) -> tuple[int, float]:
    digest = hashlib.blake2b(
        feature.encode("utf-8", "surrogatepass"), digest_size=8, key=_hash_key(seed)
    ).digest()
    h = int.from_bytes(digest, "little")
    return h % dim, (1.0 if h >> 63 else -1.0)


def features(text: str) -> dict[str, Counter[str]]:
    """Feature counts of ``text`` by family: ``"w"`` unigrams, ``"b"`` bigrams, ``"c"`` char 3-grams."""
    tokens = _TOKEN.findall(unicodedata.normalize("NFKC", text).lower())
    chars: Counter[str] = Counter()
    for token in tokens:
        padded = f" {token} "
        chars.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return {
        "w": Counter(tokens),
        "b": Counter(f"{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False)),
        "c": chars,
    }


class HashEmbedder(Embedder):
    """Signed feature hashing of word unigrams + bigrams and character 3-grams.

    Parameters
    ----------
    dim : int, default=256
        Number of hash buckets (vector length).
    seed : int, default=0
        Key of the hash; another seed gives another, equally good, projection.
    """

    name = "hash"
    model_id = f"feature-hashing-v{FEATURES_VERSION}"

    def __init__(self, dim: int = 256, seed: int = 0) -> None:
        if isinstance(dim, bool) or not isinstance(dim, int) or dim < 1:
            raise ConfigError(f"HashEmbedder `dim` must be a positive integer; got {dim!r}")
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise ConfigError(f"HashEmbedder `seed` must be an integer; got {seed!r}")
        self._dim = dim
        self.seed = seed

    @property
    def dim(self) -> int:
        return self._dim

    def settings(self) -> dict[str, Any]:
        return {"dim": self._dim, "seed": self.seed, "features": FEATURES_VERSION, "weights": FAMILY_WEIGHTS}

    def _vector(self, text: str) -> np.ndarray:
        out = np.zeros(self._dim, dtype=np.float64)
        for family, counts in features(text).items():
            if not counts:
                continue
            part = np.zeros(self._dim, dtype=np.float64)
            for feature, count in counts.items():
                index, sign = _bucket(self.seed, self._dim, f"{family}:{feature}")
                part[index] += sign * count
            norm = np.linalg.norm(part)
            if norm > 0:
                out += FAMILY_WEIGHTS[family] * part / norm
        return out

    def embed_batch(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        for i, text in enumerate(texts):
            out[i] = self._vector(text)
        return out

    def __repr__(self) -> str:
        return f"HashEmbedder(dim={self._dim}, seed={self.seed})"
