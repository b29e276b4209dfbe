"""Embedders by name: ``get_embedder("use-multilingual")``, ``"hash:128"``, ``"st:path/to/model"``."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from cliokit.config import DEFAULT_EMBEDDER as _CONFIG_DEFAULT
from cliokit.embedders.base import Embedder
from cliokit.errors import ConfigError

#: Embedder name -> ``"module:Class"``; imported only when asked for.
EMBEDDERS: dict[str, str] = {
    "use-multilingual": "cliokit.embedders.use:UniversalSentenceEncoder",
    "minilm": "cliokit.embedders.minilm:MiniLMEmbedder",
    "e5-small": "cliokit.embedders.e5:E5SmallEmbedder",
    "hash": "cliokit.embedders.hashing:HashEmbedder",
}
ALIASES: dict[str, str] = {"use": "use-multilingual", "multilingual-e5-small": "e5-small"}

#: The embedder cliokit uses unless told otherwise. Offline facets keep the conversation's language,
#: so the default must group same-meaning requests across languages. ``bench/bench_embedders.py`` on
#: the xSID test sets (13 languages: en de da it nl id tr zh ja ar sr kk lt; 6,250 parallel
#: assistant requests, 15 intents; k-means k=15, seed 0, n_init=3; 2 shared CPU cores):
#:
#:   embedder          dim  load s   texts/s   NMI intent  NMI lang  NMI en-only  en-ja cos   en-de cos
#:                                                                                par / rand  par / rand
#:   use-multilingual  512  1.2-1.8    1,740       0.512     0.204        0.758  0.74 / 0.22  0.77 / 0.12
#:   minilm            384  4.4-5.1      179       0.133     0.666        0.801  0.11 / 0.07  0.31 / 0.05
#:   hash              256  0.0       13,500+      0.154     0.406        0.666  -.02 / -.02  0.23 / 0.02
#:
#: (texts/s of use/minilm: best of three interleaved passes in one process; the machine was shared,
#: so single runs ranged 200-1,500 and 70-190.) English-only MiniLM clusters English slightly better
#: (NMI 0.80 vs 0.76) but across languages it clusters by language (NMI lang 0.67) and barely aligns
#: translations (en-ja top-1 retrieval 4% vs 63% for USE). USE is also ~10x faster on CPU and loads
#: without torch. Hence the multilingual USE.
#:
#: USE was not trained on Hindi (en-hi same-meaning top-1 retrieval 0.17). The optional ``e5-small``
#: (multilingual-e5-small, ``cliokit[e5]``) covers it (top-1 1.00; k-means NMI against the subtopic on
#: synthetic Hindi 0.82 vs 0.64), but on mixed-language sets it groups by language (xSID en de zh ja
#: ar: NMI lang 0.65 vs 0.08, NMI intent 0.44 vs 0.73) and it is 3.5-5.5x slower on 2 cores
#: (``bench/bench_embedders_hindi.py``). Offline runs on synthetic data: 11 languages, 10,000
#: conversations, accuracy 0.13 vs 0.42 (oracle 0.31 vs 0.64); Hindi only, 2,000 conversations,
#: oracle 0.55 vs 0.23 and base-cluster NMI vs subtopic 0.64 vs 0.35. Hence an option for data in one
#: language, not the default.
DEFAULT_EMBEDDER: str = _CONFIG_DEFAULT

_ALLOWED = (
    "'use-multilingual' (alias 'use'), 'minilm', 'e5-small' (alias 'multilingual-e5-small'), 'hash', "
    "'hash:<dim>', 'st:<model-name-or-path>', "
    "a path to a local sentence-transformers folder, or an Embedder instance"
)


def _build(name: str, **kwargs: Any) -> Embedder:
    module, cls = EMBEDDERS[name].split(":")
    instance: Embedder = getattr(importlib.import_module(module), cls)(**kwargs)
    return instance


def get_embedder(spec: str | Embedder | None = None, **kwargs: Any) -> Embedder:
    """Build an embedder from a name (or pass an instance through).

    Parameters
    ----------
    spec : str or Embedder, optional
        ``"use-multilingual"`` (alias ``"use"``), ``"minilm"``, ``"e5-small"`` (needs ``cliokit[e5]``),
        ``"hash"``, ``"hash:<dim>"``,
        ``"st:<name-or-path>"``, a path to a local sentence-transformers folder, or an
        :class:`Embedder`. ``None`` means :data:`DEFAULT_EMBEDDER`.
    **kwargs
        Passed to the embedder's constructor (e.g. ``device="cuda"``).

    Raises
    ------
    ConfigError
        Unknown name (the message lists the allowed values) or invalid ``hash:<dim>``.
    """
    if isinstance(spec, Embedder):
        if kwargs:
            raise ConfigError("get_embedder: keyword arguments cannot be applied to an Embedder instance")
        return spec
    if spec is None:
        spec = DEFAULT_EMBEDDER
    if not isinstance(spec, str):
        raise ConfigError(
            f"`embedder` must be a name or an Embedder; got {type(spec).__name__}. Allowed: {_ALLOWED}"
        )
    text = spec.strip()
    key = ALIASES.get(text.lower(), text.lower())
    if key in EMBEDDERS:
        return _build(key, **kwargs)
    if key.startswith("hash:"):
        raw = text.split(":", 1)[1].strip()
        if not raw.isdigit() or int(raw) < 1:
            raise ConfigError(f"`embedder` 'hash:<dim>' needs a positive integer dim; got {spec!r}")
        return _build("hash", dim=int(raw), **kwargs)
    if key.startswith("st:"):
        target = text.split(":", 1)[1].strip()
        if not target:
            raise ConfigError(f"`embedder` 'st:<model-name-or-path>' needs a model; got {spec!r}")
        from cliokit.embedders.sentence_transformer import SentenceTransformerEmbedder

        return SentenceTransformerEmbedder(target, **kwargs)
    if text and Path(text).expanduser().is_dir():
        from cliokit.embedders.sentence_transformer import SentenceTransformerEmbedder

        return SentenceTransformerEmbedder(text, **kwargs)
    raise ConfigError(f"`embedder` must be one of {_ALLOWED}; got {spec!r}")
