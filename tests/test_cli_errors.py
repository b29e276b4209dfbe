"""Every error path of the command line: one line, a documented exit code, a traceback only with --debug."""

from __future__ import annotations

import errno
import importlib
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

import cliokit
from cliokit import cli
from cliokit.cli import main
from cliokit.errors import BackendError

from .conftest import make_conversations
from .test_lifecycle import FAST

#: Drops the capabilities that let root ignore file permissions (root cannot test a read-only folder).
DROP_ROOT_DAC = ["--inh-caps=-dac_override,-dac_read_search", "--bounding-set=-dac_override,-dac_read_search"]


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    cliokit.run(make_conversations(80, n_users=30).drop(columns=["topic"]), out=out, **FAST)
    return out


def _errors(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno >= logging.ERROR]


def _one_error(caplog: pytest.LogCaptureFixture) -> str:
    (record,) = _errors(caplog)
    assert "\n" not in record.getMessage() and record.exc_info is None
    return record.getMessage()


def _raising(exc: BaseException):
    def load(*_: object, **__: object) -> None:
        raise exc

    return load


@pytest.mark.parametrize(
    "exc, code, message",
    [
        (BackendError("anthropic: HTTP 401: invalid x-api-key"), 4, "anthropic: HTTP 401: invalid x-api-key"),
        (PermissionError(errno.EACCES, "Permission denied", "/x/run"), 3, "/x/run: Permission denied"),
        (KeyboardInterrupt(), 130, "interrupted"),
        (ZeroDivisionError("boom"), 1, "unexpected error: ZeroDivisionError: boom (rerun with --debug"),
    ],
)
def test_error_classes_map_to_their_exit_codes(monkeypatch, caplog, tmp_path, exc, code, message):
    monkeypatch.setattr(cliokit.ClioResult, "load", _raising(exc))
    assert main(["info", str(tmp_path)]) == code
    assert _one_error(caplog).startswith(message)


def test_debug_shows_the_traceback(monkeypatch, caplog, tmp_path):
    monkeypatch.setattr(cliokit.ClioResult, "load", _raising(ZeroDivisionError("boom")))
    assert main(["--debug", "info", str(tmp_path)]) == 1
    (record,) = _errors(caplog)
    assert record.exc_info is not None and record.exc_info[0] is ZeroDivisionError
    assert "rerun with --debug" not in record.getMessage()


def test_every_exit_code_is_documented():
    assert cli.__doc__ is not None
    for code in {0, 2, *(c for _, c in cli.EXIT_CODES)}:
        assert f"* {code} " in cli.__doc__, code


def test_sigterm_handler_is_restored_after_a_command(tmp_path):
    before = signal.getsignal(signal.SIGTERM)
    main(["info", str(tmp_path)])
    assert signal.getsignal(signal.SIGTERM) is before


def test_export_onto_a_full_disk(run_dir, tmp_path, monkeypatch, caplog):
    real = os.replace

    def replace(src: str, dst: str) -> None:
        if Path(dst).name == "clusters.csv":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), src)
        real(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    out = tmp_path / "exp"
    assert main(["-q", "export", str(run_dir), "--out", str(out)]) == 3
    assert _one_error(caplog) == f"cannot write {out / 'clusters.csv'}: No space left on device"
    assert sorted(p.name for p in out.iterdir()) == ["clusters.parquet"]  # whole files only


def _unprivileged() -> list[str]:
    """A command prefix under which file permissions apply (skips where none can be had)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None or subprocess.run([setpriv, *DROP_ROOT_DAC, "true"], check=False).returncode:
        pytest.skip("running as root, which ignores file permissions, and setpriv cannot drop that")
    return [setpriv, *DROP_ROOT_DAC]


@pytest.mark.parametrize("command", ["export", "run"])
def test_unwritable_out_is_one_line_exit_3(run_dir, tmp_path, command):
    prefix = _unprivileged()
    locked = tmp_path / "read-only"
    locked.mkdir()
    locked.chmod(0o555)
    src = run_dir if command == "export" else run_dir / "rejected.jsonl"
    proc = subprocess.run(
        [*prefix, sys.executable, "-m", "cliokit.cli", "-q", command, str(src), "--out", str(locked / "out")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 3, proc.stderr
    assert "Traceback" not in proc.stderr
    (line,) = [ln for ln in proc.stderr.splitlines() if "ERROR" in ln]
    assert line.endswith(f"cannot create {locked / 'out'}: Permission denied")
    assert list(locked.iterdir()) == []


def test_serve_on_a_busy_port_fails_before_building_the_report(run_dir, monkeypatch, caplog):
    def never(*_: object, **__: object) -> None:
        raise AssertionError("the report was built before the port was checked")

    # ``cliokit.viz.serve`` is also a function's name, hence the module from importlib
    monkeypatch.setattr(importlib.import_module("cliokit.viz.serve"), "_documents", never)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["serve", str(run_dir), "--port", str(port)]) == 3
    assert _one_error(caplog) == (
        f"cannot listen on 127.0.0.1:{port}: Address already in use; pass another port (0 picks a free one)"
    )
