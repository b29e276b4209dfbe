"""The ground-truth topic hierarchy of synthetic conversations: loading and validation.

A taxonomy file has ``categories`` (ordinary use, concern level 1) and ``concerning`` (categories
with a ``concern`` level from 2 to 5 on the facets prompt's scale), each with ``subtopics``. Every
subtopic id starts with its category id and a dot (``coding.debug``). See
``cliokit/synthetic/data/taxonomy.yaml`` for the packaged one.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from cliokit.synthetic._yaml import fail, read_yaml

logger = logging.getLogger(__name__)

__all__ = ["DEFAULT_TAXONOMY", "Taxonomy", "load_taxonomy"]

#: The packaged taxonomy (20 ordinary and 5 concerning categories).
DEFAULT_TAXONOMY = Path(str(resources.files("cliokit.synthetic") / "data" / "taxonomy.yaml"))

_ID_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")
_CATEGORY_KEYS = frozenset({"id", "name", "subtopics", "concern", "description"})
_SUBTOPIC_KEYS = frozenset({"id", "name", "description"})


@dataclass(frozen=True, eq=False)
class Taxonomy:
    """A validated taxonomy.

    Attributes
    ----------
    categories : DataFrame
        One row per category: ``category``, ``category_name``, ``concern`` (int, 1 for ordinary).
    subtopics : DataFrame
        One row per subtopic: ``subtopic``, ``subtopic_name``, ``category``, ``category_name``,
        ``concern``.
    hash : str
        sha256 of the canonical JSON of the file's content (formatting and comments ignored).
    version : int
        The file's ``version`` (0 when absent).
    text : str
        The file's text, copied verbatim into synthetic dataset directories.
    source : str
        Where it was read from.
    """

    categories: pd.DataFrame
    subtopics: pd.DataFrame
    hash: str
    version: int
    text: str
    source: str

    def subtopic_ids(self, concerning: bool | None = None) -> list[str]:
        """Subtopic ids in file order; only concerning (``True``) or ordinary (``False``) ones if given."""
        table = self.subtopics
        if concerning is not None:
            table = table[(table["concern"] > 1) == concerning]
        return [str(s) for s in table["subtopic"]]


def load_taxonomy(path: str | Path | None = None) -> Taxonomy:
    """Read and validate a taxonomy file.

    Parameters
    ----------
    path : str or Path, optional
        A taxonomy YAML file (None: the packaged one).

    Returns
    -------
    Taxonomy

    Raises
    ------
    ConfigError
        The file is missing or not valid YAML, or an entry is invalid (missing or empty name,
        duplicate id, a subtopic id not prefixed by its category id, a concern level outside
        2..5); the message names the file and the key, e.g. ``categories[3].subtopics[1].id``.

    Examples
    --------
    >>> tax = load_taxonomy()
    >>> tax.subtopics.loc[0, "subtopic"]
    'coding.debug'
    """
    file = Path(path) if path is not None else DEFAULT_TAXONOMY
    data, text, _ = read_yaml(file, "taxonomy")
    categories, subtopics = _validate(data, file)
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    version = data.get("version", 0)
    logger.debug("taxonomy %s: %d categories, %d subtopics", file, len(categories), len(subtopics))
    return Taxonomy(
        categories=pd.DataFrame(categories, columns=["category", "category_name", "concern"]),
        subtopics=pd.DataFrame(
            subtopics, columns=["subtopic", "subtopic_name", "category", "category_name", "concern"]
        ),
        hash=hashlib.sha256(canonical.encode("utf-8")).hexdigest(),
        version=version,
        text=text,
        source=str(file),
    )


def _validate(
    data: Any, file: Path
) -> tuple[list[tuple[str, str, int]], list[tuple[str, str, str, str, int]]]:
    """Category and subtopic rows of a parsed taxonomy; raises naming file and key."""
    if not isinstance(data, dict):
        raise fail(file, "<root>", f"must be a mapping with `categories`; got {type(data).__name__}")
    unknown = set(data) - {"version", "categories", "concerning"}
    if unknown:
        raise fail(
            file, sorted(map(str, unknown))[0], "unknown key (allowed: version, categories, concerning)"
        )
    version = data.get("version", 0)
    if isinstance(version, bool) or not isinstance(version, int):
        raise fail(file, "version", f"must be an integer; got {version!r}")
    if not isinstance(data.get("categories"), list) or not data["categories"]:
        raise fail(file, "categories", "must be a non-empty list of categories")
    concerning = data.get("concerning", [])
    if not isinstance(concerning, list):
        raise fail(file, "concerning", f"must be a list of categories; got {type(concerning).__name__}")
    seen: dict[str, str] = {}
    categories: list[tuple[str, str, int]] = []
    subtopics: list[tuple[str, str, str, str, int]] = []
    for section, entries in (("categories", data["categories"]), ("concerning", concerning)):
        for i, cat in enumerate(entries):
            key = f"{section}[{i}]"
            if not isinstance(cat, dict):
                raise fail(file, key, f"must be a mapping with id, name and subtopics; got {cat!r}")
            _no_unknown_keys(cat, _CATEGORY_KEYS, key, file)
            cid = _id(cat, key, file, seen)
            name = _name(cat, key, file)
            concern = _concern(cat, key, file, section == "concerning")
            categories.append((cid, name, concern))
            subs = cat.get("subtopics")
            if not isinstance(subs, list) or not subs:
                raise fail(file, f"{key}.subtopics", "must be a non-empty list of subtopics")
            for j, sub in enumerate(subs):
                skey = f"{key}.subtopics[{j}]"
                if not isinstance(sub, dict):
                    raise fail(file, skey, f"must be a mapping with id and name; got {sub!r}")
                _no_unknown_keys(sub, _SUBTOPIC_KEYS, skey, file)
                sid = _id(sub, skey, file, seen)
                if not sid.startswith(cid + "."):
                    raise fail(
                        file, f"{skey}.id", f"must start with its category id {cid + '.'!r}; got {sid!r}"
                    )
                subtopics.append((sid, _name(sub, skey, file), cid, name, concern))
    return categories, subtopics


def _no_unknown_keys(entry: dict[Any, Any], allowed: frozenset[str], key: str, file: Path) -> None:
    extra = [k for k in entry if k not in allowed]
    if not extra:
        return
    reason = f"unknown key (allowed: {', '.join(sorted(allowed))})"
    if entry[extra[0]] is None:
        reason += (
            "; a comma inside an unquoted value of a {...} mapping starts a new key: quote the value, "
            'e.g. name: "Books, films and series"'
        )
    raise fail(file, f"{key}.{extra[0]}", reason)


def _id(entry: dict[str, Any], key: str, file: Path, seen: dict[str, str]) -> str:
    value = entry.get("id")
    if not isinstance(value, str) or not _ID_RE.match(value):
        raise fail(
            file, f"{key}.id", f"must be a lowercase dotted identifier like 'coding.debug'; got {value!r}"
        )
    if value in seen:
        raise fail(file, f"{key}.id", f"duplicate id {value!r} (first at {seen[value]})")
    seen[value] = key
    return value


def _name(entry: dict[str, Any], key: str, file: Path) -> str:
    value = entry.get("name")
    if not isinstance(value, str) or not value.strip():
        raise fail(file, f"{key}.name", f"must be a non-empty string; got {value!r}")
    return value.strip()


def _concern(entry: dict[str, Any], key: str, file: Path, concerning: bool) -> int:
    value = entry.get("concern", None if concerning else 1)
    if concerning:
        if isinstance(value, bool) or not isinstance(value, int) or not 2 <= value <= 5:
            raise fail(file, f"{key}.concern", f"must be an integer from 2 to 5; got {value!r}")
    elif value != 1 or isinstance(value, bool):
        raise fail(
            file,
            f"{key}.concern",
            f"ordinary categories have concern 1 (list it under `concerning`); got {value!r}",
        )
    return int(value)
