"""One progress helper over ``tqdm.auto`` with a global off switch.

Set ``CLIOKIT_DISABLE_PROGRESS_BARS=1`` to silence every bar (CI, logs, papermill).
"""

from __future__ import annotations

import os
from typing import Any

from tqdm.auto import tqdm


def progress_enabled(enabled: bool | None = None) -> bool:
    """Whether to draw a bar: an explicit ``enabled`` wins, else the environment switch."""
    if enabled is not None:
        return enabled
    return os.environ.get("CLIOKIT_DISABLE_PROGRESS_BARS", "").lower() not in {"1", "true", "yes"}


def progress_bar(
    total: int | None = None, desc: str = "", enabled: bool | None = None, **kwargs: Any
) -> tqdm:
    """A ``tqdm`` bar, disabled when progress is switched off."""
    return tqdm(total=total, desc=desc, disable=not progress_enabled(enabled), leave=False, **kwargs)
