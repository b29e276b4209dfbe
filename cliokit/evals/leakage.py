"""Leakage: which planted private details survive each stage of a run.

A synthetic data set plants known private values (names, emails, card numbers, villages, ...) in
a share of its conversations, some of them carrying a unique canary token. This module searches
every stage's text for those values after a normalisation that ignores case, Unicode form,
whitespace and common separators, and reports the share of conversations whose details still
appear at each stage: the raw text, the facets, the published cluster summaries, the exported
files and everything in the run directory.
"""

from __future__ import annotations

import json
import logging
import os
import re
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from cliokit.errors import ConfigError

logger = logging.getLogger(__name__)

#: Normalised values shorter than this (CJK characters count twice) are not searched.
MIN_LENGTH = 4
#: Stages reported by :func:`leakage_by_stage`, in data-flow order.
STAGES = ("raw", "facets", "cluster_summaries", "exported", "run_dir_files")
#: Run-directory files never read as text: conversation text kept on purpose, vectors and caches.
SKIP_SUFFIXES = (".npy", ".sqlite", ".sqlite-wal", ".sqlite-shm", ".db", ".tmp")
_SEPARATORS = re.compile(r"[\s\-.()/_+\u00a0\u2010-\u2015\u2212\u30fb]+")
_ID_COLUMNS = {"conversation_id", "user_id", "facet_source"}


def normalise(text: str) -> str:
    """Casefold, NFKC-normalise and drop whitespace and the separators ``- . ( ) / _ +``.

    Examples
    --------
    >>> normalise("+1 (555) 010-2233")
    '15550102233'
    >>> normalise("Ana.Lopez@Example.COM") == normalise("ana.lopez@example.com")
    True
    """
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", str(text)).casefold())


def _width(text: str) -> int:
    """Length with wide (CJK) characters counted twice: a two-character Chinese name is specific."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _haystacks(texts: Mapping[str, Iterable[str]] | pd.DataFrame) -> dict[str, str]:
    """Stage → one normalised string (texts joined by NUL, so no match spans two texts)."""
    if isinstance(texts, pd.DataFrame):
        if not {"where", "text"} <= set(texts.columns):
            raise ConfigError(
                f"`texts` DataFrame needs 'where' and 'text' columns; got {list(texts.columns)}"
            )
        grouped: dict[str, list[str]] = {}
        for where, text in zip(texts["where"], texts["text"], strict=True):
            if not pd.isna(text):
                grouped.setdefault(str(where), []).append(str(text))
        return {k: "\x00".join(normalise(t) for t in v) for k, v in grouped.items()}
    return {str(k): "\x00".join(normalise(t) for t in v if t is not None) for k, v in texts.items()}


def find_leaks(
    planted: pd.DataFrame,
    texts: Mapping[str, Iterable[str]] | pd.DataFrame,
    *,
    min_length: int = MIN_LENGTH,
) -> pd.DataFrame:
    """Whether each planted value (and each canary token) occurs in each stage's text.

    Parameters
    ----------
    planted : DataFrame
        ``conversation_id``, ``kind``, ``value`` and optionally ``canary`` (bool) and ``token``
        (str or null): one row per planted value (``planted.jsonl``).
    texts : mapping or DataFrame
        Stage name → iterable of texts, or a DataFrame with ``where`` and ``text`` columns.
    min_length : int, default=4
        Needles whose normalised form is shorter are not searched (``skipped`` is true,
        ``found`` false): short values match unrelated text by chance. Wide (CJK) characters
        count twice, so two-character Chinese names are searched.

    Returns
    -------
    DataFrame
        One row per (needle, stage): ``conversation_id``, ``kind``, ``canary``, ``needle``
        (``"value"`` or ``"token"``), ``normalised``, ``stage``, ``skipped``, ``found``.

    Examples
    --------
    >>> planted = pd.DataFrame({"conversation_id": ["c1"], "kind": ["phone"], "value": ["+1 555 010 2233"]})
    >>> find_leaks(planted, {"facets": ["call +1 (555) 010-2233"]})["found"].tolist()
    [True]
    """
    for col in ("conversation_id", "kind", "value"):
        if col not in planted.columns:
            raise ConfigError(f"`planted` must have a {col!r} column; got {list(planted.columns)}")
    stacks = _haystacks(texts)
    canary = planted["canary"] if "canary" in planted.columns else pd.Series(False, index=planted.index)
    token = planted["token"] if "token" in planted.columns else pd.Series(None, index=planted.index)
    needles = []
    for cid, kind, value, is_canary, tok in zip(
        planted["conversation_id"], planted["kind"], planted["value"], canary, token, strict=True
    ):
        flag = bool(is_canary) if not pd.isna(is_canary) else False
        if not pd.isna(value):
            needles.append((str(cid), str(kind), flag, "value", normalise(str(value))))
        if not pd.isna(tok) and str(tok):
            needles.append((str(cid), str(kind), flag, "token", normalise(str(tok))))
    rows = []
    short = 0
    for cid, kind, flag, what, norm in needles:
        skipped = _width(norm) < min_length
        short += skipped
        for stage, stack in stacks.items():
            rows.append((cid, kind, flag, what, norm, stage, skipped, (not skipped) and norm in stack))
    if short:
        logger.info(
            "%d planted values are shorter than %d characters once normalised; skipped", short, min_length
        )
    columns = ["conversation_id", "kind", "canary", "needle", "normalised", "stage", "skipped", "found"]
    return pd.DataFrame(rows, columns=columns)


def _cell_texts(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, bytes):
        return [value.decode("utf-8", errors="replace")]
    if isinstance(value, Mapping):
        return [json.dumps(value, ensure_ascii=False, default=str)]
    if hasattr(value, "__iter__"):
        return [t for v in value for t in _cell_texts(v)]
    return [] if pd.isna(value) else [str(value)]


def frame_texts(df: pd.DataFrame, exclude: Iterable[str] = ()) -> list[str]:
    """Every string cell of ``df`` (lists and dicts of strings included), column by column."""
    skip = set(exclude)
    out: list[str] = []
    for col in df.columns:
        if col in skip or pd.api.types.is_numeric_dtype(df[col]) or pd.api.types.is_bool_dtype(df[col]):
            continue
        for value in df[col]:
            out.extend(_cell_texts(value))
    return out


def file_texts(path: Path) -> list[str]:
    """A file's text: parquet cells via pandas, everything else decoded as UTF-8 (lossy)."""
    if path.suffix == ".parquet":
        return frame_texts(pd.read_parquet(path))
    return [path.read_bytes().decode("utf-8", errors="replace")]


def _tree_texts(root: Path, skip: Iterable[str] = ()) -> list[str]:
    skipped = set(skip)
    out: list[str] = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = path.relative_to(root).as_posix()
        if rel in skipped or rel.split("/")[0] in skipped or path.name.endswith(SKIP_SUFFIXES):
            continue
        out.extend(file_texts(path))
    return out


def _read_synthetic(source: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(conversations, planted)`` from a data set directory or an object with those attributes."""
    if isinstance(source, str | os.PathLike):
        root = Path(source)
        for name in ("conversations.jsonl", "planted.jsonl"):
            if not (root / name).exists():
                raise ConfigError(f"{root} is not a synthetic data set: missing {name}")
        conversations = pd.read_json(root / "conversations.jsonl", lines=True, dtype=False)
        text = (root / "planted.jsonl").read_text(encoding="utf-8").strip()
        planted = (
            pd.read_json(root / "planted.jsonl", lines=True, dtype=False)
            if text
            else pd.DataFrame(columns=["conversation_id", "kind", "value", "canary", "token"])
        )
        return conversations, planted
    if hasattr(source, "conversations") and hasattr(source, "planted"):
        return source.conversations, source.planted
    raise ConfigError(
        f"expected a synthetic data set directory or SyntheticData; got {type(source).__name__}"
    )


def stage_texts(
    conversations: pd.DataFrame, run_dir: str | os.PathLike[str], export_dir: str | os.PathLike[str]
) -> dict[str, list[str]]:
    """The text visible at each of :data:`STAGES`.

    ``raw``: every message of every conversation. ``facets``: the string columns of
    ``facets.parquet`` except ids. ``cluster_summaries``: names, descriptions and keywords of
    unsuppressed clusters. ``exported``: every file under ``export_dir``. ``run_dir_files``:
    every file in the run directory except ``conversations.parquet`` (text kept on purpose with
    ``keep_text``), ``embeddings.npy`` and the embedding cache.
    """
    run, export = Path(run_dir), Path(export_dir)
    raw = [
        str(m.get("content", ""))
        for msgs in conversations["messages"]
        for m in msgs
        if isinstance(m, Mapping)
    ]
    clusters = pd.read_parquet(run / "clusters.parquet")
    visible = clusters[~clusters["suppressed"].astype(bool)]
    return {
        "raw": raw,
        "facets": frame_texts(pd.read_parquet(run / "facets.parquet"), exclude=_ID_COLUMNS),
        "cluster_summaries": frame_texts(visible[["name", "description", "keywords"]]),
        "exported": _tree_texts(export),
        "run_dir_files": _tree_texts(run, skip=("conversations.parquet", "embeddings.npy", "cache")),
    }


def leakage_by_stage(
    synthetic: Any,
    run_dir: str | os.PathLike[str],
    export_dir: str | os.PathLike[str],
    *,
    min_length: int = MIN_LENGTH,
) -> dict[str, Any]:
    """Share of conversations whose planted details appear at each stage of a run.

    The paper's view (about 10% of raw conversations hold private information; 1.5% of facet
    summaries; none in published clusters): here the raw share equals the data set's share of
    conversations with planted values, by construction.

    Parameters
    ----------
    synthetic : path or SyntheticData
        The data set directory (``conversations.jsonl``, ``planted.jsonl``) or an object with
        ``conversations`` and ``planted`` DataFrames.
    run_dir : path
        The run of :func:`cliokit.run` on that data set.
    export_dir : path
        Its export (:func:`cliokit.export_run`).
    min_length : int, default=4
        See :func:`find_leaks`.

    Returns
    -------
    dict
        Plain JSON: ``n_conversations``, ``n_with_planted``, ``n_values``, ``n_skipped``;
        ``stages`` (a list of ``{stage, conversations_leaking, share, share_of_planted,
        values_found}``), ``by_kind`` (stage → kind → share of that kind's values found),
        ``canary`` (``n_tokens``, ``found_raw``, ``found_exported`` (goal 0),
        ``found_anywhere_but_raw``) and ``suppressed`` (clusters by reason: ``size``,
        ``audit``, ``outliers``, plus ``total`` and ``clusters``).
    """
    conversations, planted = _read_synthetic(synthetic)
    texts = stage_texts(conversations, run_dir, export_dir)
    leaks = find_leaks(planted, texts, min_length=min_length)
    n_conv = len(conversations)
    n_planted_conv = int(planted["conversation_id"].nunique()) if len(planted) else 0
    values = leaks[(leaks["needle"] == "value") & ~leaks["skipped"]]
    stages = []
    by_kind: dict[str, dict[str, float]] = {}
    for stage in STAGES:
        hits = values[values["stage"] == stage]
        leaking = int(hits.loc[hits["found"], "conversation_id"].nunique())
        stages.append(
            {
                "stage": stage,
                "conversations_leaking": leaking,
                "share": leaking / n_conv if n_conv else 0.0,
                "share_of_planted": leaking / n_planted_conv if n_planted_conv else 0.0,
                "values_found": int(hits["found"].sum()),
            }
        )
        by_kind[stage] = {str(k): float(v) for k, v in hits.groupby("kind")["found"].mean().items()}
    tokens = leaks[leaks["needle"] == "token"]
    raw_values = leaks[(leaks["needle"] == "value") & (leaks["stage"] == "raw")]
    found_tokens = tokens[tokens["found"]]
    clusters = pd.read_parquet(Path(run_dir) / "clusters.parquet")
    reasons = clusters.loc[clusters["suppressed"].astype(bool), "suppressed_reason"]
    return {
        "n_conversations": n_conv,
        "n_with_planted": n_planted_conv,
        "n_values": len(raw_values),
        "n_skipped": int(raw_values["skipped"].sum()),
        "min_length": min_length,
        "stages": stages,
        "by_kind": by_kind,
        "canary": {
            "n_tokens": int(tokens["normalised"].nunique()),
            "found_raw": int(found_tokens.loc[found_tokens["stage"] == "raw", "normalised"].nunique()),
            "found_exported": int(
                found_tokens.loc[found_tokens["stage"] == "exported", "normalised"].nunique()
            ),
            "found_anywhere_but_raw": int(
                found_tokens.loc[found_tokens["stage"] != "raw", "normalised"].nunique()
            ),
        },
        "suppressed": {
            "clusters": len(clusters),
            "total": int(len(reasons)),
            **{r: int((reasons == r).sum()) for r in ("size", "audit", "outliers")},
        },
    }
