"""Batch mode: submit a stage's requests through a provider's batch API, poll, collect by id.

The submitted batch ids are written to a state file in the run directory before polling starts,
keyed by a fingerprint of the requests, so a run stopped after submission and started again
finds its batches and waits for them instead of submitting twice. Answers go into the response
cache as they are collected. Requests the batch did not answer (expired, errored, cancelled)
are returned as missing; :func:`~cliokit.backends.base.complete` sends them through the
standard API.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from cliokit.backends.base import Backend, CallPolicy, ModelRequest, ModelResult
from cliokit.config import stable_hash
from cliokit.rundir import write_json

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class BatchPolicy:
    """Which tasks go through the batch API, where batch state lives and how often to poll.

    Parameters
    ----------
    tasks : frozenset of str
        Request tasks to batch (e.g. ``{"facets"}``).
    state_dir : Path
        Folder for the state files (``RUN_DIR/batches``).
    poll_s : float, default=30.0
        Seconds between status checks.
    max_requests : int, default=10000
        Requests per submitted batch (the API allows up to 100,000).
    """

    tasks: frozenset[str]
    state_dir: Path
    poll_s: float = 30.0
    max_requests: int = 10_000


def custom_id(key: str) -> str:
    """A batch ``custom_id`` (``[A-Za-z0-9_-]{1,64}``) for a request's cache key."""
    return "r" + key[:63]


def _load_state(path: Path, fingerprint: str) -> dict[str, Any] | None:
    try:
        state: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return state if state.get("fingerprint") == fingerprint else None


def run_batch(
    backend: Backend, requests: Sequence[ModelRequest], keys: Sequence[str | None], policy: CallPolicy
) -> dict[str, ModelResult]:
    """Answer ``requests`` through ``backend``'s batch API; returns results by request id.

    Identical requests (same cache key) are submitted once. Missing ids were not answered.
    """
    assert policy.batch is not None
    by_key: dict[str, list[ModelRequest]] = {}
    for request, key in zip(requests, keys, strict=True):
        assert key is not None, "batching needs request keys"
        by_key.setdefault(key, []).append(request)
    unique = sorted(by_key)
    fingerprint = stable_hash(unique)
    task = requests[0].task
    path = policy.batch.state_dir / f"{task}-{fingerprint[:16]}.json"
    state = _load_state(path, fingerprint)
    if state is None:
        state = {"fingerprint": fingerprint, "task": task, "n_requests": len(unique), "batches": []}
    else:
        logger.info("%s: found %d submitted batch(es) in %s", task, len(state["batches"]), path)
    size = policy.batch.max_requests
    chunks = [unique[i : i + size] for i in range(0, len(unique), size)]
    for chunk in chunks[len(state["batches"]) :]:
        batch_id = backend.submit_batch([(custom_id(k), by_key[k][0]) for k in chunk])
        state["batches"].append({"id": batch_id, "n": len(chunk), "submitted_at": time.time()})
        write_json(state, path)
        logger.info("%s: submitted batch %s with %d requests", task, batch_id, len(chunk))

    key_of = {custom_id(k): k for k in unique}
    out: dict[str, ModelResult] = {}
    failed: dict[str, int] = {}
    for entry in state["batches"]:
        while not (status := backend.batch_status(entry["id"])).ended:
            logger.info("%s: batch %s in progress %s", task, entry["id"], dict(status.counts))
            time.sleep(policy.batch.poll_s)
        for cid, outcome in backend.batch_results(entry["id"]):
            key = key_of.get(cid)
            if key is None:
                logger.warning("%s: batch %s returned an unknown custom_id %s", task, entry["id"], cid)
                continue
            if isinstance(outcome, str):
                failed[outcome] = failed.get(outcome, 0) + 1
                continue
            if policy.cache is not None:
                policy.cache.put(key, outcome)
            for request in by_key[key]:
                out[request.id] = replace(outcome, id=request.id, batch=True)
    state["failed"] = failed
    state["answered"] = sum(1 for k in unique if by_key[k][0].id in out)
    write_json(state, path)
    if failed:
        logger.warning(
            "%s: %d batch request(s) not answered (%s); sending them through the standard API",
            task,
            sum(failed.values()),
            ", ".join(f"{n} {why}" for why, n in sorted(failed.items())),
        )
    return out
