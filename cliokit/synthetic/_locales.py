"""Per-language settings for fake personal data: Faker locales, phone regions, IBAN countries, formats.

Faker 40.54 has no Arabic address or phone provider for Saudi Arabia: Arabic conversations take
names from ``ar_SA``, street addresses and towns from ``ar_DZ`` (the only Arabic-script address
provider) and Saudi mobile numbers built from ``phonenumbers``' metadata. Countries without
domestic IBANs (Russia, Japan, China, Korea, India) get German IBANs, as for an account held in
Europe.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LocaleSpec:
    """Where each kind of fake value comes from for one conversation language."""

    name: str
    """English name of the language (for model prompts)."""
    person: str
    """Faker locale for people's names and e-mail domains."""
    address: str
    """Faker locale for street addresses and town names."""
    phone: str | None
    """Faker locale for phone numbers (None: built from phonenumbers metadata only)."""
    region: str
    """phonenumbers region the phone numbers must be valid for."""
    iban_country: str
    """Country of planted IBANs."""
    dob_format: str
    """Date format with ``{d}``, ``{m}``, ``{y}`` (zero-padded ``{dd}``, ``{mm}``)."""
    joiner: str
    """What joins sentences in a turn (no space in Japanese and Chinese)."""
    business: tuple[str, ...]
    """Tiny named businesses, ``{n}`` filled with a family name."""


LOCALES: dict[str, LocaleSpec] = {
    "en": LocaleSpec(
        "English", "en_US", "en_US", "en_US", "US", "GB", "{mm}/{dd}/{y}", " ",
        ("{n}'s Bakery", "{n} Plumbing & Heating", "{n} Bike Shop", "{n} Family Florist", "{n} Corner Cafe"),
    ),
    "es": LocaleSpec(
        "Spanish", "es_ES", "es_ES", "es_ES", "ES", "ES", "{dd}/{mm}/{y}", " ",
        ("Panadería {n}", "Fontanería {n}", "Taller de bicicletas {n}", "Floristería {n}", "Bar {n}"),
    ),
    "fr": LocaleSpec(
        "French", "fr_FR", "fr_FR", "fr_FR", "FR", "FR", "{dd}/{mm}/{y}", " ",
        ("Boulangerie {n}", "Plomberie {n}", "Atelier vélo {n}", "Fleurs {n}", "Café {n}"),
    ),
    "de": LocaleSpec(
        "German", "de_DE", "de_DE", "de_DE", "DE", "DE", "{dd}.{mm}.{y}", " ",
        ("Bäckerei {n}", "Sanitär {n}", "Fahrradwerkstatt {n}", "Blumen {n}", "Café {n}"),
    ),
    "pt": LocaleSpec(
        "Portuguese", "pt_BR", "pt_BR", "pt_BR", "BR", "PT", "{dd}/{mm}/{y}", " ",
        ("Padaria {n}", "Encanamentos {n}", "Bicicletaria {n}", "Floricultura {n}", "Lanchonete {n}"),
    ),
    "ru": LocaleSpec(
        "Russian", "ru_RU", "ru_RU", "ru_RU", "RU", "DE", "{dd}.{mm}.{y}", " ",
        ("ИП {n}", "Пекарня «{n}»", "Мастерская «{n}»", "Цветочная лавка «{n}»", "Кафе «{n}»"),
    ),
    "ja": LocaleSpec(
        "Japanese", "ja_JP", "ja_JP", "ja_JP", "JP", "DE", "{y}年{m}月{d}日", "",
        ("{n}ベーカリー", "{n}工務店", "{n}自転車店", "{n}生花店", "喫茶{n}"),
    ),
    "zh": LocaleSpec(
        "Chinese", "zh_CN", "zh_CN", "zh_CN", "CN", "DE", "{y}年{m}月{d}日", "",
        ("{n}记面包店", "{n}记水电维修", "{n}记自行车行", "{n}记花店", "{n}记小吃店"),
    ),
    "ko": LocaleSpec(
        "Korean", "ko_KR", "ko_KR", "ko_KR", "KR", "DE", "{y}년 {m}월 {d}일", " ",
        ("{n}네 빵집", "{n}네 설비", "{n}네 자전거", "{n}네 꽃집", "{n}네 분식"),
    ),
    "ar": LocaleSpec(
        "Arabic", "ar_SA", "ar_DZ", None, "SA", "SA", "{dd}/{mm}/{y}", " ",
        ("مخبز {n}", "ورشة {n} للسباكة", "محل {n} للدراجات", "زهور {n}", "مقهى {n}"),
    ),
    "hi": LocaleSpec(
        "Hindi", "hi_IN", "hi_IN", "hi_IN", "IN", "DE", "{dd}/{mm}/{y}", " ",
        ("{n} बेकरी", "{n} प्लंबिंग सर्विस", "{n} साइकिल स्टोर", "{n} फूल भंडार", "{n} टी स्टॉल"),
    ),
}  # fmt: skip
