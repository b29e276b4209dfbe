"""Synthetic evaluation conversations with known topics and planted personal data.

Generate labelled conversations (template files or a language model), write them to a dataset
directory and read them back::

    from cliokit.synthetic import generate, write_synthetic

    data = generate(n=1000, languages=("en", "es"), seed=0)
    write_synthetic(data, "synthetic/out")

Public names are imported lazily: ``import cliokit.synthetic`` loads neither Faker nor pandas.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cliokit._lazy import lazy_exports

_EXPORTS = {
    "load_taxonomy": "cliokit.synthetic.taxonomy",
    "Taxonomy": "cliokit.synthetic.taxonomy",
    "load_templates": "cliokit.synthetic.templates",
    "available_languages": "cliokit.synthetic.templates",
    "LanguageTemplates": "cliokit.synthetic.templates",
    "LANGUAGES": "cliokit.synthetic.templates",
    "PII_KINDS": "cliokit.synthetic.templates",
    "generate": "cliokit.synthetic.generator",
    "SyntheticData": "cliokit.synthetic.generator",
    "write_synthetic": "cliokit.synthetic.io",
    "read_synthetic": "cliokit.synthetic.io",
    "canary_token": "cliokit.synthetic.pii",
    "CANARY_KINDS": "cliokit.synthetic.pii",
}

__all__ = [
    "CANARY_KINDS",
    "LANGUAGES",
    "LanguageTemplates",
    "PII_KINDS",
    "SyntheticData",
    "Taxonomy",
    "available_languages",
    "canary_token",
    "generate",
    "load_taxonomy",
    "load_templates",
    "read_synthetic",
    "write_synthetic",
]

if TYPE_CHECKING:
    from cliokit.synthetic.generator import SyntheticData, generate
    from cliokit.synthetic.io import read_synthetic, write_synthetic
    from cliokit.synthetic.pii import CANARY_KINDS, canary_token
    from cliokit.synthetic.taxonomy import Taxonomy, load_taxonomy
    from cliokit.synthetic.templates import (
        LANGUAGES,
        PII_KINDS,
        LanguageTemplates,
        available_languages,
        load_templates,
    )


__getattr__ = lazy_exports(__name__, _EXPORTS)
