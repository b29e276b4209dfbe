"""Planted personal data: realistic fake values and HMAC canary tokens for leak tests.

Each conversation that gets PII receives one to three *kinds* (:data:`PII_KINDS`). Values come from
Faker in the conversation's locale (see :mod:`cliokit.synthetic._locales`) or are built here, and
structured ones are checked before use: phone numbers with ``phonenumbers`` for the locale's
region, national ids with their ``stdnum`` module, cards with Luhn and IBANs with ``stdnum.iban``.
A value that fails is redrawn (at most :data:`MAX_TRIES` times), then built from our own
generator, and each such fallback is counted.

Canaries: e-mail addresses, usernames, card numbers and IBANs embed a token derived from a secret,
``HMAC-SHA256(secret, "CONVERSATION_ID:KIND")``, as 8 base32 letters (e-mail, username) or 10
digits (card, IBAN; their check digits stay valid). Anyone holding the secret can recompute every
token and search outputs for it; a found token proves a leak of that very conversation's data.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import os
import random
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from faker import Faker
from faker.decode import unidecode

from cliokit.synthetic import _numbers as num
from cliokit.synthetic._locales import LOCALES, LocaleSpec
from cliokit.synthetic.templates import PII_KINDS

__all__ = [
    "CANARY_KINDS",
    "MAX_TRIES",
    "SECRET_ENV",
    "FakerPool",
    "Planted",
    "canary_token",
    "plant",
    "resolve_secret",
    "secret_fingerprint",
]

#: Kinds whose values embed a canary token.
CANARY_KINDS: frozenset[str] = frozenset({"email", "username", "card", "iban"})
#: Environment variable holding the canary secret.
SECRET_ENV = "CLIOKIT_CANARY_SECRET"  # noqa: S105 - a variable name, not a secret
#: Redraws of an invalid Faker value before our own generator takes over.
MAX_TRIES = 20
_MILITARY = re.compile(r"\b(APO|FPO|DPO)\b")


@dataclass(frozen=True)
class Planted:
    """One value planted in a conversation; ``token`` is the canary embedded in ``value``, if any."""

    kind: str
    value: str
    canary: bool
    token: str | None


def resolve_secret(secret: str | bytes | None, seed: int) -> tuple[bytes, str]:
    """``(secret, source)``: the argument, else ``$CLIOKIT_CANARY_SECRET``, else derived from the seed.

    The seed-derived secret makes datasets reproducible from the seed alone, so it is *not*
    secret: anyone who knows the seed can recompute the tokens. That is enough for leak tests.
    """
    if secret is not None:
        return (secret.encode("utf-8") if isinstance(secret, str) else bytes(secret)), "argument"
    env = os.environ.get(SECRET_ENV)
    if env:
        return env.encode("utf-8"), "env"
    return f"cliokit-synthetic-canary:{seed}".encode(), "seed"


def secret_fingerprint(secret: bytes) -> str:
    """A short hash identifying the secret (checks that tokens are recomputed with the right one)."""
    return hashlib.sha256(b"cliokit-canary-fingerprint:" + secret).hexdigest()[:12]


def canary_token(secret: bytes, conversation_id: str, kind: str) -> str:
    """The canary token of one planted value: 8 base32 letters, or 10 digits for cards and IBANs."""
    digest = hmac.new(secret, f"{conversation_id}:{kind}".encode(), hashlib.sha256).digest()
    if kind in ("card", "iban"):
        return str(int.from_bytes(digest[:8], "big") % 10**10).zfill(10)
    return base64.b32encode(digest).decode("ascii")[:8].lower()


class FakerPool:
    """One Faker per locale, created on first use and seeded once per conversation."""

    def __init__(self) -> None:
        self._fakers: dict[str, Any] = {}
        self._seed = 0
        self._seeded: set[str] = set()
        self.fallbacks: Counter[str] = Counter()

    @contextlib.contextmanager
    def seeded(self, seed: int) -> Iterator[None]:
        """A block for one conversation: Fakers seeded from ``seed``, global ``random`` restored after.

        Some Faker providers draw from the global ``random``; it is seeded too, then put back.
        """
        state = random.getstate()
        random.seed(seed)
        self._seed, self._seeded = seed, set()
        try:
            yield
        finally:
            random.setstate(state)

    def faker(self, locale: str) -> Any:
        """The Faker of ``locale``, seeded from the current conversation's seed on first use in it."""
        if locale not in self._fakers:
            self._fakers[locale] = Faker(locale)
        fake = self._fakers[locale]
        if locale not in self._seeded:
            fake.seed_instance(f"{self._seed}:{locale}")
            self._seeded.add(locale)
        return fake


def plant(
    kinds: list[str], language: str, conversation_id: str, seed: int, secret: bytes, pool: FakerPool
) -> list[Planted]:
    """Values of ``kinds`` for one conversation, deterministic in ``seed``.

    Parameters
    ----------
    kinds : list of str
        Kinds from :data:`PII_KINDS`.
    language : str
        Conversation language (a key of the locale table).
    conversation_id : str
        Used, with ``secret``, for canary tokens.
    seed : int
        The conversation's seed.
    secret : bytes
        Canary secret.
    pool : FakerPool
        Faker instances; fallbacks are counted in ``pool.fallbacks`` as ``"KIND:LANG"``.

    Returns
    -------
    list of Planted
        In the order of ``kinds``.
    """
    spec = LOCALES[language]
    rng = random.Random(seed)
    out = []
    with pool.seeded(seed):
        person = _Person(pool.faker(spec.person), rng, language)
        for kind in kinds:
            if kind not in PII_KINDS:
                raise ValueError(f"unknown PII kind {kind!r}")
            token = canary_token(secret, conversation_id, kind) if kind in CANARY_KINDS else None
            value = _VALUE[kind](_Ctx(spec, language, rng, pool, person, token))
            out.append(Planted(kind, value, token is not None, token))
    return out


class _Person:
    """The fake person behind one conversation's values (name, handle)."""

    def __init__(self, fake: Any, rng: random.Random, language: str) -> None:
        female = rng.random() < 0.5
        self.first = fake.first_name_female() if female else fake.first_name_male()
        self.last = fake.last_name_female() if female else fake.last_name_male()
        if language == "ja":
            self.name = f"{self.last} {self.first}"
            ascii_first, ascii_last = _ascii(fake.first_romanized_name()), _ascii(fake.last_romanized_name())
        else:
            self.name = (
                f"{self.last}{self.first}" if language in ("zh", "ko") else f"{self.first} {self.last}"
            )
            ascii_first, ascii_last = _ascii(self.first), _ascii(self.last)
        first, last = ascii_first or "user", ascii_last or "x"
        self.handle = rng.choice(
            (f"{first}.{last}", f"{first}{last}", f"{first[0]}{last}", f"{first}_{last}", f"{last}.{first}")
        )
        self.domain = fake.free_email_domain()


def _ascii(text: str) -> str:
    folded = unidecode(unicodedata.normalize("NFKC", text)).lower()
    return re.sub(r"[^a-z0-9]", "", folded)[:12]


@dataclass(frozen=True)
class _Ctx:
    spec: LocaleSpec
    language: str
    rng: random.Random
    pool: FakerPool
    person: _Person
    token: str | None

    def fallback(self, kind: str) -> None:
        self.pool.fallbacks[f"{kind}:{self.language}"] += 1


def _name(c: _Ctx) -> str:
    return c.person.name


def _email(c: _Ctx) -> str:
    return f"{c.person.handle}.{c.token}@{c.person.domain}"


def _username(c: _Ctx) -> str:
    return f"{c.person.handle}_{c.token}" if c.rng.random() < 0.5 else f"{c.person.handle}{c.token}"


def _phone(c: _Ctx) -> str:
    region = c.spec.region
    if c.spec.phone is not None:
        fake = c.pool.faker(c.spec.phone)
        for _ in range(MAX_TRIES):
            value = str(fake.phone_number())
            if num.phone_is_valid(value, region):
                return value
        c.fallback("phone")
    built = num.phone_from_metadata(c.rng, region)
    if built is None:  # pragma: no cover - every region we use has mobile metadata
        raise RuntimeError(f"cannot build a valid phone number for region {region}")
    return built


def _address(c: _Ctx) -> str:
    fake = c.pool.faker(c.spec.address)
    for _ in range(MAX_TRIES):
        value = ", ".join(line.strip() for line in str(fake.address()).splitlines() if line.strip())
        if not _MILITARY.search(value):
            return value
    c.fallback("address")
    return f"{fake.street_address()}, {fake.city()}"


def _card(c: _Ctx) -> str:
    assert c.token is not None
    return num.card_number(c.rng, c.token)


def _iban(c: _Ctx) -> str:
    assert c.token is not None
    return num.iban_number(c.rng, c.spec.iban_country, c.token)


def _national_id(c: _Ctx) -> str:
    check = num.ID_CHECKS.get(c.language)
    if c.language in num.FAKER_IDS and check is not None:
        make = getattr(c.pool.faker(c.spec.person), num.FAKER_IDS[c.language])
        for _ in range(MAX_TRIES):
            value = str(make())
            if check(value):
                return value
        c.fallback("national_id")
    return num.national_id(c.rng, c.language)


def _dob(c: _Ctx) -> str:
    born = num.birth_date(c.rng)
    return c.spec.dob_format.format(
        d=born.day, m=born.month, y=born.year, dd=f"{born.day:02d}", mm=f"{born.month:02d}"
    )


def _business(c: _Ctx) -> str:
    return c.rng.choice(c.spec.business).replace("{n}", c.person.last)


def _village(c: _Ctx) -> str:
    return str(c.pool.faker(c.spec.address).city())


_VALUE = {
    "name": _name,
    "email": _email,
    "phone": _phone,
    "address": _address,
    "card": _card,
    "iban": _iban,
    "national_id": _national_id,
    "dob": _dob,
    "username": _username,
    "business": _business,
    "village": _village,
}


def check_value(kind: str, value: str, language: str) -> bool:
    """Whether a planted value of a structured kind validates (phones, cards, IBANs, national ids)."""
    return num.check_value(kind, value, language, LOCALES[language].region)
