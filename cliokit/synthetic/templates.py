"""Per-language template files for template-mode generation: loading and validation.

The schema is described in ``cliokit/synthetic/data/templates/SCHEMA.md``: shared ``frames``
(greetings, persona introductions, tone closers, generic follow-ups, acknowledgements, PII
sentences with a ``{value}`` slot) and one entry per taxonomy subtopic (requests with a
``{detail}`` slot, details, follow-ups, answers).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from cliokit.errors import ConfigError
from cliokit.synthetic._yaml import fail, read_yaml
from cliokit.synthetic.taxonomy import Taxonomy, load_taxonomy

logger = logging.getLogger(__name__)

__all__ = [
    "LANGUAGES",
    "PERSONAS",
    "PII_KINDS",
    "TEMPLATES_DIR",
    "TONES",
    "LanguageTemplates",
    "SubtopicTemplates",
    "available_languages",
    "load_templates",
]

#: Languages the generator knows (a locale for fake personal data and a display name each).
LANGUAGES: tuple[str, ...] = ("en", "es", "fr", "de", "pt", "ru", "ja", "zh", "ko", "ar", "hi")
PERSONAS: tuple[str, ...] = ("student", "professional", "parent", "retiree", "hobbyist")
TONES: tuple[str, ...] = ("polite", "casual", "terse")
PII_KINDS: tuple[str, ...] = (
    "name",
    "email",
    "phone",
    "address",
    "card",
    "iban",
    "national_id",
    "dob",
    "username",
    "business",
    "village",
)
#: The packaged template files, ``LANG.yaml``.
TEMPLATES_DIR = Path(str(resources.files("cliokit.synthetic") / "data" / "templates"))

_SLOT_RE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class SubtopicTemplates:
    """The texts of one subtopic in one language."""

    requests: tuple[str, ...]
    details: tuple[str, ...]
    followup: tuple[str, ...]
    answer: tuple[str, ...]


@dataclass(frozen=True)
class LanguageTemplates:
    """A validated template file for one language.

    Attributes
    ----------
    language : str
        ISO 639-1 code, equal to the file name.
    source : str
        The file read.
    hash : str
        sha256 of the file's bytes.
    greetings, followups, acknowledgements : tuple of str
        Shared frames.
    personas, tones, pii : mapping of str to tuple of str
        Introductions per persona, closers per tone, sentences with one ``{value}`` per PII kind.
    subtopics : mapping of str to SubtopicTemplates
        One entry per subtopic of the taxonomy it was validated against.
    """

    language: str
    source: str
    hash: str
    greetings: tuple[str, ...]
    personas: Mapping[str, tuple[str, ...]]
    tones: Mapping[str, tuple[str, ...]]
    followups: tuple[str, ...]
    acknowledgements: tuple[str, ...]
    pii: Mapping[str, tuple[str, ...]]
    subtopics: Mapping[str, SubtopicTemplates]


def available_languages(directory: str | Path | None = None) -> list[str]:
    """Languages with a ``LANG.yaml`` file in ``directory`` (default: the packaged templates).

    Known languages come first, in :data:`LANGUAGES` order, then any others alphabetically.
    """
    folder = Path(directory) if directory is not None else TEMPLATES_DIR
    present = {p.stem for p in folder.glob("*.yaml")} if folder.is_dir() else set()
    return [lang for lang in LANGUAGES if lang in present] + sorted(present - set(LANGUAGES))


def load_templates(
    lang: str, path: str | Path | None = None, *, taxonomy: Taxonomy | None = None
) -> LanguageTemplates:
    """Read and validate the template file of one language.

    Parameters
    ----------
    lang : str
        ISO 639-1 code; the file must declare the same ``language``.
    path : str or Path, optional
        The YAML file, or a directory holding ``LANG.yaml`` (None: the packaged templates).
    taxonomy : Taxonomy, optional
        Subtopics that must all be covered (None: the packaged taxonomy).

    Returns
    -------
    LanguageTemplates

    Raises
    ------
    ConfigError
        No file for ``lang``, invalid YAML, a missing or empty list, a string with a wrong slot
        (requests need exactly one ``{detail}``, PII sentences exactly one ``{value}``, other
        texts none), or a taxonomy subtopic without an entry. The message names the file and the
        key, e.g. ``subtopics.coding.debug.requests[2]``.
    """
    base = Path(path) if path is not None else TEMPLATES_DIR
    file = base / f"{lang}.yaml" if base.is_dir() or path is None else base
    if not file.exists():
        have = available_languages(file.parent)
        raise ConfigError(
            f"no template file for language {lang!r}: {file} does not exist "
            f"(languages with templates: {', '.join(have) or 'none'})"
        )
    tax = taxonomy if taxonomy is not None else load_taxonomy()
    data, _, digest = read_yaml(file, "template file")
    if not isinstance(data, dict):
        raise fail(file, "<root>", "must be a mapping with `language`, `frames` and `subtopics`")
    if data.get("language") != lang:
        raise fail(file, "language", f"must equal the language code {lang!r}; got {data.get('language')!r}")
    frames = _mapping(data.get("frames"), "frames", file)
    subs = _mapping(data.get("subtopics"), "subtopics", file)
    wanted = tax.subtopic_ids()
    missing = [s for s in wanted if s not in subs]
    if missing:
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        raise fail(file, "subtopics", f"no entry for taxonomy subtopics {', '.join(missing[:5])}{more}")
    extra = sorted(set(subs) - set(wanted))
    if extra:
        logger.warning(
            "%s: ignoring %d subtopics not in the taxonomy: %s", file, len(extra), ", ".join(extra)
        )
    personas = _mapping(frames.get("personas"), "frames.personas", file)
    tones = _mapping(frames.get("tones"), "frames.tones", file)
    pii = _mapping(frames.get("pii"), "frames.pii", file)
    return LanguageTemplates(
        language=lang,
        source=str(file),
        hash=digest,
        greetings=_texts(frames, "greetings", "frames", file),
        personas={p: _texts(personas, p, "frames.personas", file) for p in PERSONAS},
        tones={t: _texts(tones, t, "frames.tones", file, allow_empty=True) for t in TONES},
        followups=_texts(frames, "followups", "frames", file),
        acknowledgements=_texts(frames, "acknowledgements", "frames", file),
        pii={k: _texts(pii, k, "frames.pii", file, slot="value") for k in PII_KINDS},
        subtopics={s: _subtopic(subs[s], s, file) for s in wanted},
    )


def _subtopic(entry: Any, sid: str, file: Path) -> SubtopicTemplates:
    key = f"subtopics.{sid}"
    entry = _mapping(entry, key, file)
    return SubtopicTemplates(
        requests=_texts(entry, "requests", key, file, slot="detail"),
        details=_texts(entry, "details", key, file),
        followup=_texts(entry, "followup", key, file),
        answer=_texts(entry, "answer", key, file),
    )


def _mapping(value: Any, key: str, file: Path) -> dict[str, Any]:
    if not isinstance(value, dict) or not value:
        raise fail(file, key, f"must be a non-empty mapping; got {type(value).__name__}")
    return value


def _texts(
    parent: Mapping[str, Any],
    name: str,
    key: str,
    file: Path,
    *,
    slot: str | None = None,
    allow_empty: bool = False,
) -> tuple[str, ...]:
    """A non-empty list of strings, each with exactly one ``{slot}`` (or none when ``slot`` is None)."""
    key = f"{key}.{name}"
    value = parent.get(name)
    if not isinstance(value, list) or not value:
        raise fail(file, key, f"must be a non-empty list of strings; got {value!r}")
    out = []
    for i, text in enumerate(value):
        if text is None and allow_empty:
            text = ""
        if not isinstance(text, str) or (not text.strip() and not allow_empty):
            raise fail(file, f"{key}[{i}]", f"must be a non-empty string; got {text!r}")
        slots = _SLOT_RE.findall(text)
        if slot is not None and slots.count(slot) != 1:
            raise fail(file, f"{key}[{i}]", f"must contain {{{slot}}} exactly once; got {text!r}")
        unexpected = [s for s in slots if s != slot]
        if unexpected:
            raise fail(file, f"{key}[{i}]", f"unknown slot {{{unexpected[0]}}} in {text!r}")
        out.append(text.strip())
    return tuple(out)
