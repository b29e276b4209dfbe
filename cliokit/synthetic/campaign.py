"""Plant a coordinated campaign into synthetic conversations: many accounts, one templated request.

The campaign is what Clio's analysts look for when they check a cluster for coordinated or
automated use: ``accounts`` new users each send about ``per_account`` requests filled from a few
spam templates (fake reviews and testimonials with a product, a brand, a claim, a city and a
discount code), so the requests are near-duplicates of each other. When the frame has a
``timestamp`` column, the campaign's conversations arrive in one burst of ``burst_hours``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cliokit.errors import ConfigError

__all__ = ["PlantedCampaign", "plant_campaign"]

#: The spam requests; each ``{slot}`` is filled from :data:`SLOTS` (``code`` is random).
TEMPLATES = (
    "Write a glowing five-star review of the {product} from {brand}. Say that it {claim}, that I "
    "bought it in {city}, and end with the discount code {code}.",
    "Write a short customer testimonial for the {brand} {product} saying it {claim}. Sign it as a "
    "happy customer from {city} and add the promo code {code}.",
    "Give me an enthusiastic product review for the {product} by {brand}: it {claim}. Mention {city} "
    "and the coupon {code} so readers can order it.",
)
SLOTS: dict[str, tuple[str, ...]] = {
    "product": (
        "air fryer",
        "wireless earbuds",
        "standing desk",
        "robot vacuum",
        "smart watch",
        "electric toothbrush",
        "phone charger",
        "yoga mat",
    ),
    "brand": ("Zentrix", "Koralux", "Bravio", "Nordlane", "Quilly", "Vexora"),
    "claim": (
        "changed my life",
        "works better than anything I have tried",
        "is worth every penny",
        "beats every other brand",
        "arrived fast and works perfectly",
    ),
    "city": ("Denver", "Leeds", "Toronto", "Austin", "Perth", "Dublin", "Boston", "Cardiff"),
}
#: The assistant's reply (the campaign is about the requests, not the answers).
REPLY = "Here is a review you can post: a short, upbeat paragraph about the product and the code."
_CODE_CHARS = np.array(list("ABCDEFGHJKLMNPQRSTUVWXYZ23456789"))


@dataclass(frozen=True, eq=False)
class PlantedCampaign:
    """A frame with a planted campaign.

    Attributes
    ----------
    conversations : DataFrame
        The input's rows, then the campaign's rows (same columns; ids ``{prefix}-00000`` …, users
        ``{prefix}-u000`` …).
    conversation_ids : frozenset of str
        The campaign's conversation ids.
    """

    conversations: pd.DataFrame
    conversation_ids: frozenset[str]


def plant_campaign(
    conversations: pd.DataFrame,
    *,
    accounts: int = 40,
    per_account: int = 10,
    burst_hours: float = 6.0,
    seed: int = 0,
    prefix: str = "campaign",
) -> PlantedCampaign:
    """Add a templated spam campaign from ``accounts`` new users to ``conversations``.

    Parameters
    ----------
    conversations : DataFrame
        ``conversation_id``, ``user_id``, ``messages`` (e.g.
        :attr:`~cliokit.synthetic.SyntheticData.conversations`), optionally ``timestamp``.
    accounts : int, default=40
        New users that run the campaign.
    per_account : int, default=10
        Mean requests per account; each account sends between half and one and a half times it.
    burst_hours : float, default=6.0
        With a ``timestamp`` column, every campaign conversation falls in one window of this many
        hours, placed at random within the input's time range (same type as the column: datetimes,
        epoch seconds or ISO 8601 strings).
    seed : int, default=0
    prefix : str, default="campaign"
        Start of the campaign's conversation and user ids (must not start an existing id).

    Returns
    -------
    PlantedCampaign

    Raises
    ------
    ConfigError
        A missing column, a non-positive count or window, a prefix already in use, or a
        ``timestamp`` column without any readable time.

    Examples
    --------
    >>> from cliokit.synthetic import generate
    >>> data = generate(200, "en", progress=False)
    >>> planted = plant_campaign(data.conversations, accounts=5, per_account=4)
    >>> len(planted.conversations) - 200 == len(planted.conversation_ids)
    True
    """
    missing = [c for c in ("conversation_id", "user_id", "messages") if c not in conversations.columns]
    if missing:
        raise ConfigError(
            f"`conversations` must have columns conversation_id, user_id, messages; missing {missing}"
        )
    for name, value in (("accounts", accounts), ("per_account", per_account)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ConfigError(f"`{name}` must be an int >= 1; got {value!r}")
    if isinstance(burst_hours, bool) or not isinstance(burst_hours, int | float) or not burst_hours > 0:
        raise ConfigError(f"`burst_hours` must be a number > 0; got {burst_hours!r}")
    taken = pd.concat([conversations["conversation_id"], conversations["user_id"]]).astype(str)
    if not prefix or taken.str.startswith(prefix).any():
        raise ConfigError(f"`prefix` must be non-empty and start no existing id; got {prefix!r}")
    rng = np.random.default_rng(seed)
    low, high = max(1, per_account // 2), per_account + per_account // 2
    counts = rng.integers(low, high + 1, size=accounts)
    users = np.repeat([f"{prefix}-u{a:03d}" for a in range(accounts)], counts)
    rng.shuffle(users)
    n = len(users)
    rows = pd.DataFrame(
        {
            "conversation_id": [f"{prefix}-{i:05d}" for i in range(n)],
            "user_id": users,
            "messages": [
                [{"role": "user", "content": _spam(rng)}, {"role": "assistant", "content": REPLY}]
                for _ in range(n)
            ],
        }
    )
    if "timestamp" in conversations.columns:
        rows["timestamp"] = _burst(conversations["timestamp"], n, burst_hours, rng)
    out = pd.concat([conversations, rows], ignore_index=True)
    return PlantedCampaign(out, frozenset(rows["conversation_id"]))


def _spam(rng: np.random.Generator) -> str:
    """One filled spam request."""
    values = {slot: options[rng.integers(len(options))] for slot, options in SLOTS.items()}
    code = "".join(rng.choice(_CODE_CHARS, size=6))
    return TEMPLATES[rng.integers(len(TEMPLATES))].format(code=code, **values)


def _burst(column: pd.Series, n: int, hours: float, rng: np.random.Generator) -> pd.Series:
    """``n`` sorted times in one window of ``hours`` inside the range of ``column``, in its type."""
    numeric = pd.api.types.is_numeric_dtype(column)
    if numeric:
        times = pd.to_datetime(column, unit="s", utc=True, errors="coerce").dropna()
    else:
        times = pd.to_datetime(column, utc=True, errors="coerce", format="ISO8601").dropna()
    if times.empty:
        raise ConfigError("`conversations.timestamp` holds no readable time to place the campaign's burst in")
    window = pd.Timedelta(hours=hours)
    span = max(times.max() - times.min() - window, pd.Timedelta(0))
    start = times.min() + span * float(rng.random())
    burst = pd.Series(start + pd.to_timedelta(np.sort(rng.random(n)) * hours, unit="h")).dt.floor("s")
    if numeric:
        return burst.map(lambda t: t.timestamp())
    if isinstance(column.dtype, pd.DatetimeTZDtype):
        return burst.dt.tz_convert(column.dtype.tz)
    if pd.api.types.is_datetime64_dtype(column):
        return burst.dt.tz_localize(None)
    aware = column.dropna().astype(str).str.contains(r"(?:Z|[+-]\d\d:?\d\d)$").any()
    return burst.map(lambda t: t.isoformat() if aware else t.tz_localize(None).isoformat())
