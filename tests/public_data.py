"""Where the tests find the public data sets, which live outside the repository.

cliokit does not guess the folder from where it is installed; the tests know the layout of this
checkout: ``$CLIOKIT_EXTERNAL_DATA`` when set, else ``../shared/external_data`` next to the
repository (the notebooks' ``fallback_data_dir``, seen from ``notebooks/``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cliokit import datasets

#: ``../shared/external_data`` next to the repository.
SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "external_data"


def public_data(*files: str) -> Path:
    """The public data folder holding ``files``; skips the calling test when it is absent."""
    try:
        return datasets.require_external_data(*files, default=SHARED_DATA)
    except datasets.ExternalDataMissing as exc:
        pytest.skip(str(exc))
