"""Structured numbers with valid check digits: phones, cards, IBANs and national ids.

Everything here is a pure function of a ``random.Random`` (and a canary token where one is
embedded), checked with ``phonenumbers`` or ``stdnum``. Dates come from fixed bounds, never from
today, so that runs stay reproducible.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
from collections.abc import Callable

import phonenumbers
from faker.providers.ssn.zh_CN import Provider as _ZhSsn
from stdnum import iban as std_iban
from stdnum import luhn, verhoeff
from stdnum.br import cpf
from stdnum.cn import ric
from stdnum.de import idnr
from stdnum.es import ccc
from stdnum.es import nif as es_nif
from stdnum.fr import nir
from stdnum.in_ import aadhaar
from stdnum.iso7064 import mod_11_10
from stdnum.jp import in_ as jp_in
from stdnum.kr import rrn
from stdnum.ru import inn
from stdnum.us import ssn

_DOB_RANGE = (dt.date(1940, 1, 1).toordinal(), dt.date(2006, 12, 31).toordinal())
_GB_BANKS = ("NWBK", "BARC", "LOYD", "HBUK", "MIDL", "NAIA")

#: Languages whose national ids come from a Faker method (checked, then redrawn if invalid).
FAKER_IDS = {"en": "ssn", "es": "nif", "fr": "ssn", "pt": "cpf", "ru": "individuals_inn"}


def digits(rng: random.Random, n: int) -> str:
    """``n`` random decimal digits."""
    return "".join(rng.choice("0123456789") for _ in range(n))


def birth_date(rng: random.Random) -> dt.date:
    """A date of birth from 1940 to 2006."""
    return dt.date.fromordinal(rng.randint(*_DOB_RANGE))


def phone_is_valid(value: str, region: str) -> bool:
    """Whether ``value`` parses as a valid phone number of ``region``."""
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return False
    return bool(phonenumbers.is_valid_number_for_region(number, region))


def phone_from_metadata(rng: random.Random, region: str, tries: int = 100) -> str | None:
    """A valid mobile number of ``region`` built from phonenumbers' example number, or None."""
    example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    if example is None:
        return None
    nsn = phonenumbers.national_significant_number(example)
    fmt = rng.choice((phonenumbers.PhoneNumberFormat.INTERNATIONAL, phonenumbers.PhoneNumberFormat.NATIONAL))
    for _ in range(tries):
        number = phonenumbers.PhoneNumber(
            country_code=example.country_code, national_number=int(nsn[:2] + digits(rng, len(nsn) - 2))
        )
        if phonenumbers.is_valid_number_for_region(number, region):
            return str(phonenumbers.format_number(number, fmt))
    return None


def card_number(rng: random.Random, token: str) -> str:
    """A 16-digit Visa/Mastercard-like number: 5-digit prefix, the 10-digit token, a Luhn digit."""
    prefix = rng.choice(("4", "51", "52", "53", "54", "55"))
    body = prefix + digits(rng, 5 - len(prefix)) + token
    return body + luhn.calc_check_digit(body)


def iban_number(rng: random.Random, country: str, token: str) -> str:
    """An IBAN of ``country`` (GB, ES, FR, PT, SA or DE) whose account number ends with ``token``.

    National check digits are computed too (Spanish CCC, French RIB key, Portuguese NIB).
    """
    d = digits
    if country == "GB":
        bban = rng.choice(_GB_BANKS) + d(rng, 4) + token
    elif country == "ES":
        bank_branch = d(rng, 8)
        bban = bank_branch + ccc.calc_check_digits(bank_branch + "00" + token) + token
    elif country == "FR":
        bank, branch, account = d(rng, 5), d(rng, 5), "0" + token
        key = 97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account)) % 97
        bban = f"{bank}{branch}{account}{key:02d}"
    elif country == "PT":
        base = d(rng, 8) + "0" + token
        bban = f"{base}{98 - int(base) * 100 % 97:02d}"
    elif country == "SA":
        bban = d(rng, 10) + token
    elif country == "DE":
        bban = d(rng, 8) + token
    else:
        raise ValueError(f"no IBAN builder for country {country!r}")
    return country + std_iban.calc_check_digits(country + "00" + bban) + bban


def _saudi_id(rng: random.Random) -> str:
    """A Saudi-style 10-digit id: 1, eight digits, a Luhn digit (stdnum has no Saudi module)."""
    body = "1" + digits(rng, 8)
    return body + luhn.calc_check_digit(body)


def _de_idnr(rng: random.Random) -> str:
    """A German tax id (Steuer-IdNr): one digit twice among the first ten, ISO 7064 check digit."""
    pool = list("0123456789")
    rng.shuffle(pool)
    first10 = [*pool[:9], rng.choice(pool[:9])]
    rng.shuffle(first10)
    while first10[0] == "0":
        rng.shuffle(first10)
    body = "".join(first10)
    return body + mod_11_10.calc_check_digit(body)


def _jp_my_number(rng: random.Random) -> str:
    body = digits(rng, 11)
    return str(jp_in.format(body + jp_in.calc_check_digit(body)))


@functools.cache
def _cn_area_codes() -> tuple[str, ...]:
    """Faker's Chinese area codes that stdnum knows (it checks the birth place)."""
    known = []
    for code in _ZhSsn.area_codes:
        try:
            ric.get_birth_place(code + "19800101001X")
        except (ValueError, KeyError):  # stdnum raises KeyError for some partial records
            continue
        known.append(code)
    return tuple(known)


def _cn_ric(rng: random.Random) -> str:
    body = rng.choice(_cn_area_codes()) + birth_date(rng).strftime("%Y%m%d") + digits(rng, 3)
    return body + ric.calc_check_digit(body + "0")


def _kr_rrn(rng: random.Random) -> str:
    born = birth_date(rng)
    sex = rng.choice("12") if born.year < 2000 else rng.choice("34")
    body = born.strftime("%y%m%d") + sex + f"{rng.randrange(97):02d}" + digits(rng, 3)
    value = body + rrn.calc_check_digit(body)
    return f"{value[:6]}-{value[6:]}"


def _in_aadhaar(rng: random.Random) -> str:
    body = rng.choice("23456789") + digits(rng, 10)
    return str(aadhaar.format(body + verhoeff.calc_check_digit(body)))


#: Languages whose national ids are built here.
BUILT_IDS: dict[str, Callable[[random.Random], str]] = {
    "de": _de_idnr,
    "ja": _jp_my_number,
    "zh": _cn_ric,
    "ko": _kr_rrn,
    "hi": _in_aadhaar,
    "ar": _saudi_id,
}

#: The check each language's national ids must pass.
ID_CHECKS: dict[str, Callable[[str], bool]] = {
    "en": ssn.is_valid,
    "es": es_nif.is_valid,
    "fr": nir.is_valid,
    "pt": cpf.is_valid,
    "ru": inn.is_valid,
    "de": idnr.is_valid,
    "ja": jp_in.is_valid,
    "zh": ric.is_valid,
    "ko": rrn.is_valid,
    "hi": aadhaar.is_valid,
    "ar": luhn.is_valid,
}


def national_id(rng: random.Random, language: str) -> str:
    """A national id built here for ``language`` (a Saudi-style one for languages without a builder)."""
    return BUILT_IDS.get(language, _saudi_id)(rng)


def check_value(kind: str, value: str, language: str, region: str) -> bool:
    """Whether a planted value of a structured kind validates (phone, card, IBAN, national id)."""
    if kind == "phone":
        return phone_is_valid(value, region)
    if kind == "card":
        return bool(luhn.is_valid(value))
    if kind == "iban":
        return bool(std_iban.is_valid(value))
    if kind == "national_id":
        return bool(ID_CHECKS.get(language, luhn.is_valid)(value))
    return True
