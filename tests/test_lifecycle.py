"""The run lifecycle: status and counts of failed and interrupted runs, the run-directory lock,
atomic writes under a full disk, and SIGTERM through the command line (then a resume)."""

from __future__ import annotations

import errno
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import cliokit
from cliokit.cli import main
from cliokit.errors import OutputError, RunLockedError
from cliokit.evals.runner import write_tables
from cliokit.load import write_rejected
from cliokit.rundir import LOCK_NAME, RunLock, write_csv, write_npy, write_parquet

from .conftest import make_conversations

FAST = {
    "project": {"method": "pca"},
    "embed": {"model": "hash"},
    "scrub": {"enabled": False},
    "privacy": {"audit": False},
}
FAST_TOML = """
[project]
method = "pca"
[embed]
model = "hash"
[scrub]
enabled = false
[privacy]
audit = false
"""


class _Exploding:
    """A namer that raises ``exc`` when asked for names."""

    def __init__(self, exc: BaseException) -> None:
        self.exc = exc

    def key(self) -> dict[str, str]:
        return {"kind": "exploding"}

    def name(self, *_: object) -> list[object]:
        raise self.exc


@pytest.fixture(scope="module")
def conversations_df() -> pd.DataFrame:
    return make_conversations(120, n_users=40).drop(columns=["topic"])


def _manifest(run_dir: Path) -> dict:
    return json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _write_lock(run_dir: Path, pid: int, host: str | None = None) -> None:
    run_dir.mkdir(parents=True, exist_ok=True)
    holder = {"pid": pid, "host": host or socket.gethostname(), "started": "2026-01-01T00:00:00+00:00"}
    (run_dir / LOCK_NAME).write_text(json.dumps(holder), encoding="utf-8")


def test_failed_run_records_failed_one_line_error_and_counts(tmp_path, conversations_df):
    out = tmp_path / "run"
    with pytest.raises(RuntimeError, match="namer\nexploded"):
        cliokit.run(conversations_df, out=out, namer=_Exploding(RuntimeError("namer\nexploded")), **FAST)
    m = _manifest(out)
    assert m["status"] == "failed"
    assert m["error"] == "RuntimeError: namer exploded"
    assert m["counts"]["read"] == m["counts"]["accepted"] == 120 and m["counts"]["rejected"] == 0
    assert {"load", "facets", "embed", "cluster"} <= set(m["stages"]) and "name" not in m["stages"]
    assert not (out / LOCK_NAME).exists()


def test_run_with_no_accepted_conversation_keeps_its_counts(tmp_path):
    src = tmp_path / "bad.jsonl"
    src.write_text('{"nothing": 1}\n{"messages": 3}\n', encoding="utf-8")
    with pytest.raises(cliokit.CliokitError, match="no conversation was accepted"):
        cliokit.run(src, out=tmp_path / "run", **FAST)
    m = _manifest(tmp_path / "run")
    assert m["status"] == "failed" and m["error"].startswith("CliokitError: no conversation")
    assert (m["counts"]["read"], m["counts"]["accepted"], m["counts"]["rejected"]) == (2, 0, 2)


def test_interrupted_run_is_recorded_and_a_rerun_resumes(tmp_path, conversations_df):
    out = tmp_path / "run"
    with pytest.raises(KeyboardInterrupt):
        cliokit.run(conversations_df, out=out, namer=_Exploding(KeyboardInterrupt()), **FAST)
    first = _manifest(out)
    assert first["status"] == "interrupted" and first["error"] == "KeyboardInterrupt"
    assert not (out / LOCK_NAME).exists()
    result = cliokit.run(conversations_df, out=out, **FAST)
    m = result.manifest
    assert m.status == "complete" and m.error is None
    # the stages done before the interruption were reused, not recomputed
    assert m.stages["facets"].model_dump() == first["stages"]["facets"]


def test_second_run_into_a_held_directory_is_refused(tmp_path, conversations_df):
    out = tmp_path / "run"
    out.mkdir()
    with RunLock(out):
        with pytest.raises(RunLockedError) as info:
            cliokit.run(conversations_df, out=out, **FAST)
        assert str(out) in str(info.value) and f"pid {os.getpid()}" in str(info.value)
        assert "\n" not in str(info.value)
        assert not (out / "manifest.json").exists()  # the refused run wrote nothing
    assert not (out / LOCK_NAME).exists()


def test_lock_of_a_live_process_is_respected(tmp_path, conversations_df):
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        _write_lock(tmp_path / "run", sleeper.pid)
        with pytest.raises(RunLockedError, match=f"pid {sleeper.pid} on "):
            cliokit.run(conversations_df, out=tmp_path / "run", **FAST)
    finally:
        sleeper.kill()
        sleeper.wait()
    assert (tmp_path / "run" / LOCK_NAME).exists()


def test_stale_lock_is_logged_and_taken_over(tmp_path, conversations_df, caplog):
    pid = _dead_pid()
    _write_lock(tmp_path / "run", pid)
    caplog.set_level("WARNING", logger="cliokit.rundir")
    result = cliokit.run(conversations_df, out=tmp_path / "run", **FAST)
    assert result.manifest.status == "complete"
    assert f"taking over the stale lock of pid {pid}" in caplog.text
    assert not (tmp_path / "run" / LOCK_NAME).exists()


def test_lock_naming_this_pid_but_not_held_is_stale(tmp_path):
    # a container restarted with the same pid: the old lock names us, but we do not hold it
    _write_lock(tmp_path, os.getpid())
    with RunLock(tmp_path) as lock:
        assert json.loads(lock.path.read_text())["started"] != "2026-01-01T00:00:00+00:00"
        with pytest.raises(RunLockedError):  # while held, the same process is refused too
            RunLock(tmp_path).acquire()


def test_lock_of_another_host_is_never_taken_over(tmp_path):
    _write_lock(tmp_path, _dead_pid(), host="some-other-host")
    with pytest.raises(RunLockedError, match=f"delete {tmp_path / LOCK_NAME}"):
        RunLock(tmp_path).acquire()


def test_empty_lock_is_respected_while_fresh_then_stale(tmp_path, monkeypatch):
    (tmp_path / LOCK_NAME).write_text("", encoding="utf-8")
    with pytest.raises(RunLockedError, match="being locked"):
        RunLock(tmp_path).acquire()
    monkeypatch.setattr(RunLock, "unreadable_grace_s", 0.0)
    with RunLock(tmp_path):
        assert json.loads((tmp_path / LOCK_NAME).read_text())["pid"] == os.getpid()


def _disk_full_for(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """``os.replace`` onto a file called ``name`` fails as on a full disk."""
    real = os.replace

    def replace(src: str, dst: str) -> None:
        if Path(dst).name == name:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), src)
        real(src, dst)

    monkeypatch.setattr(os, "replace", replace)


@pytest.mark.parametrize(
    "write, name",
    [
        (lambda p: write_parquet(pd.DataFrame({"a": [1, 2]}), p), "t.parquet"),
        (lambda p: write_npy(np.zeros(3), p), "t.npy"),
        (lambda p: write_csv(pd.DataFrame({"a": [1, 2]}), p), "t.csv"),
        (
            lambda p: write_rejected(pd.DataFrame({"source": ["f"], "record": [1], "reason": ["r"]}), p),
            "r.jsonl",
        ),
        (lambda p: write_tables(pd.DataFrame({"status": ["ok"]}), p.parent), "metrics.csv"),
    ],
)
def test_full_disk_names_the_file_and_leaves_the_old_one(tmp_path, monkeypatch, write, name):
    target = tmp_path / name
    target.write_bytes(b"old")
    _disk_full_for(monkeypatch, name)
    with pytest.raises(OutputError) as info:
        write(target)
    assert str(info.value) == f"cannot write {target}: No space left on device"
    assert info.value.errno == errno.ENOSPC and isinstance(info.value, OSError)
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]  # no temporary file left


def test_writer_failing_midway_leaves_no_partial_file(tmp_path, monkeypatch):
    def half(self: pd.DataFrame, path: str, **_: object) -> None:
        Path(path).write_bytes(b"PAR1 half a file")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(pd.DataFrame, "to_parquet", half)
    with pytest.raises(OutputError, match="No space left on device"):
        write_parquet(pd.DataFrame({"a": [1]}), tmp_path / "x.parquet")
    assert list(tmp_path.iterdir()) == []


def test_full_disk_during_a_run_fails_it_cleanly(tmp_path, monkeypatch, conversations_df):
    out = tmp_path / "run"
    _disk_full_for(monkeypatch, "embeddings.npy")
    with pytest.raises(OutputError, match="embeddings.npy: No space left on device"):
        cliokit.run(conversations_df, out=out, **FAST)
    m = _manifest(out)
    assert m["status"] == "failed" and "embeddings.npy" in m["error"] and m["counts"]["accepted"] == 120
    assert not (out / "embeddings.npy").exists() and not (out / LOCK_NAME).exists()
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]


SLOW_EMBEDDER = """
import sys, time
from pathlib import Path
from cliokit.embedders.hashing import HashEmbedder

def slow(self, texts):
    Path(sys.argv[1]).touch()  # the embed stage is running
    time.sleep(300)

HashEmbedder.embed_batch = slow
from cliokit.cli import main
sys.exit(main(sys.argv[2:]))
"""


def test_sigterm_mid_stage_records_interrupted_then_resumes(tmp_path, conversations_df, caplog):
    src = tmp_path / "in.jsonl"
    src.write_text(
        "".join(
            json.dumps({"id": r.conversation_id, "user_id": r.user_id, "messages": r.messages}) + "\n"
            for r in conversations_df.itertuples()
        ),
        encoding="utf-8",
    )
    config, out, marker = tmp_path / "fast.toml", tmp_path / "run", tmp_path / "embedding"
    config.write_text(FAST_TOML, encoding="utf-8")
    (tmp_path / "slow.py").write_text(SLOW_EMBEDDER, encoding="utf-8")
    args = ["-q", "run", str(src), "--out", str(out), "--config", str(config)]
    proc = subprocess.Popen(
        [sys.executable, str(tmp_path / "slow.py"), str(marker), *args],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 180
        while not marker.exists():
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            assert time.monotonic() < deadline, "the embed stage never started"
            time.sleep(0.2)
        # a second run into the same directory meanwhile: one line naming it and the pid
        assert main(args) == 1
        assert f"{out} is in use by another cliokit run (pid {proc.pid} on " in caplog.text
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=120)
    finally:
        proc.kill()
    assert proc.returncode == 143
    assert stderr.strip().splitlines()[-1].endswith("ERROR cliokit: terminated (SIGTERM)")
    first = _manifest(out)
    assert first["status"] == "interrupted" and first["error"] == "Interrupted: SIGTERM"
    assert first["counts"]["accepted"] == 120 and "embed" not in first["stages"]
    assert not (out / LOCK_NAME).exists()
    assert main(args) == 0
    m = _manifest(out)
    assert m["status"] == "complete" and m["stages"]["facets"] == first["stages"]["facets"]
