"""Writing and reading synthetic dataset directories.

A dataset directory holds:

* ``conversations.jsonl``: ``{"conversation_id", "user_id", "messages": [{"role", "content"}]}``
  per line (readable by :func:`cliokit.load_conversations`);
* ``labels.csv``: :data:`~cliokit.synthetic.generator.LABEL_COLUMNS`;
* ``planted.jsonl``: ``{"conversation_id", "kind", "value", "canary", "token"}`` per planted value;
* ``failed.jsonl``: ``{"conversation_id", "reason"}`` per conversation a model could not write
  (empty in template mode);
* ``taxonomy.yaml``: a copy of the taxonomy used;
* ``synth.json``: parameters, versions, hashes and counts (never the canary secret).
"""

from __future__ import annotations

import json
import logging
import os
import secrets
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from cliokit.errors import InputError
from cliokit.synthetic.generator import LABEL_COLUMNS, PLANTED_COLUMNS, SyntheticData
from cliokit.synthetic.taxonomy import load_taxonomy

logger = logging.getLogger(__name__)

__all__ = ["FILES", "read_synthetic", "write_synthetic"]

#: Files of a dataset directory, in the order they are written (``synth.json`` last).
FILES = ("conversations.jsonl", "labels.csv", "planted.jsonl", "failed.jsonl", "taxonomy.yaml", "synth.json")


def _write_text(path: Path, text: str) -> None:
    """Write UTF-8 text atomically: a temporary file in the same directory, then ``os.replace``.

    The temporary file is opened normally (not with ``mkstemp``), so the result gets the usual
    permissions under the user's umask instead of 0600.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        with open(tmp, "xb") as fh:
            fh.write(text.encode("utf-8"))
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _jsonl(records: Iterable[dict[str, Any]]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def write_synthetic(data: SyntheticData, out_dir: str | os.PathLike[str]) -> list[Path]:
    """Write ``data`` to a dataset directory (created if missing); same data, same bytes.

    Parameters
    ----------
    data : SyntheticData
        From :func:`~cliokit.synthetic.generator`.
    out_dir : str or path-like
        The directory.

    Returns
    -------
    list of Path
        The files written, in :data:`FILES` order (``taxonomy.yaml`` only when ``data`` has one).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    conv = data.conversations
    texts = {
        "conversations.jsonl": _jsonl(
            {"conversation_id": c, "user_id": u, "messages": [dict(m) for m in msgs]}
            for c, u, msgs in zip(conv["conversation_id"], conv["user_id"], conv["messages"], strict=True)
        ),
        "labels.csv": data.labels[LABEL_COLUMNS].to_csv(index=False, lineterminator="\n"),
        "planted.jsonl": _jsonl(
            {
                "conversation_id": r.conversation_id,
                "kind": r.kind,
                "value": r.value,
                "canary": bool(r.canary),
                "token": r.token if isinstance(r.token, str) else None,
            }
            for r in data.planted.itertuples(index=False)
        ),
        "failed.jsonl": _jsonl(
            {"conversation_id": c, "reason": reason}
            for c, reason in zip(data.failed["conversation_id"], data.failed["reason"], strict=True)
        ),
        "synth.json": json.dumps(data.params, indent=2, ensure_ascii=False) + "\n",
    }
    if data.taxonomy is not None:
        texts["taxonomy.yaml"] = data.taxonomy.text
    paths = []
    for name in FILES:
        if name in texts:
            _write_text(out / name, texts[name])
            paths.append(out / name)
    logger.info("wrote synthetic dataset %s (%d conversations)", out, len(conv))
    return paths


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    rows = []
    with path.open(encoding="utf-8") as fh:
        for line_no, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"invalid JSON: {exc.msg}", str(path), line_no) from None
            if not isinstance(obj, dict):
                raise InputError("expected a JSON object", str(path), line_no)
            rows.append(obj)
    return rows


def read_synthetic(directory: str | os.PathLike[str]) -> SyntheticData:
    """Read a dataset directory written by :func:`write_synthetic`.

    Parameters
    ----------
    directory : str or path-like
        The dataset directory.

    Returns
    -------
    SyntheticData

    Raises
    ------
    InputError
        A required file is missing or a line is not a JSON object (the message names file:line).
    """
    folder = Path(directory)
    for name in ("conversations.jsonl", "labels.csv", "planted.jsonl", "synth.json"):
        if not (folder / name).is_file():
            raise InputError(f"not a synthetic dataset directory: {name} is missing", str(folder))
    conversations = pd.DataFrame(
        _read_jsonl(folder / "conversations.jsonl"), columns=["conversation_id", "user_id", "messages"]
    )
    labels = pd.read_csv(
        folder / "labels.csv",
        dtype={
            c: str
            for c in ("conversation_id", "user_id", "language", "category", "subtopic", "persona", "tone")
        },
        keep_default_na=False,
    )
    missing = [c for c in LABEL_COLUMNS if c not in labels.columns]
    if missing:
        raise InputError(f"missing columns {missing}", str(folder / "labels.csv"))
    labels = labels.astype({"concern": int, "n_turns": int, "has_pii": bool})
    rows = _read_jsonl(folder / "planted.jsonl")
    planted = pd.DataFrame(
        {
            col: pd.Series([r.get(col) for r in rows], dtype=bool if col == "canary" else object)
            for col in PLANTED_COLUMNS
        }
    )
    failed_path = folder / "failed.jsonl"
    failed = pd.DataFrame(
        _read_jsonl(failed_path) if failed_path.is_file() else [], columns=["conversation_id", "reason"]
    )
    try:
        params = json.loads((folder / "synth.json").read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg}", str(folder / "synth.json"), exc.lineno) from None
    tax_path = folder / "taxonomy.yaml"
    taxonomy = load_taxonomy(tax_path) if tax_path.is_file() else None
    return SyntheticData(conversations, labels, planted, params, failed, taxonomy)
