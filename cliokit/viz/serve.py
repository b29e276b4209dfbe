"""A local viewer: the report and the run's export over HTTP, on 127.0.0.1 only.

The run directory is private working data, so the viewer binds to the loopback interface and
refuses any other host, and it answers only for a ``Host`` header naming the loopback address (a
DNS-rebinding guard). It serves fixed, in-memory documents: the report at ``/`` and the export
tables under ``/export/``; no path reaches the file system. The port is bound before anything
heavy is imported or built, so a busy port is reported at once.
"""

from __future__ import annotations

import html
import logging
import os
import tempfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any, cast

from cliokit.errors import ConfigError, OutputError
from cliokit.viz.save import CSP

if TYPE_CHECKING:
    from cliokit.result import ClioResult

logger = logging.getLogger(__name__)

#: Hosts the viewer agrees to bind to; ``localhost`` is bound as 127.0.0.1.
LOCAL_HOSTS = ("127.0.0.1", "localhost")
_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".json": "application/json",
    ".parquet": "application/vnd.apache.parquet",
}


def _documents(result: ClioResult, **report_kw: Any) -> dict[str, tuple[bytes, str]]:
    """Every path the viewer answers, with its body and content type."""
    from cliokit.export import export_run
    from cliokit.viz.report import build_report

    report = build_report(result, **report_kw).encode("utf-8")
    docs = {"/": (report, _TYPES[".html"]), "/report.html": (report, _TYPES[".html"])}
    with tempfile.TemporaryDirectory(prefix="cliokit-export-") as tmp:
        files = export_run(result, tmp)
        for f in files:
            docs[f"/export/{f.name}"] = (f.read_bytes(), _TYPES.get(f.suffix, "application/octet-stream"))
    links = "".join(f'<li><a href="{html.escape(f.name)}">{html.escape(f.name)}</a></li>' for f in files)
    index = f"<!DOCTYPE html><meta charset=utf-8><title>export</title><h1>Export</h1><ul>{links}</ul>"
    docs["/export/"] = (index.encode("utf-8"), _TYPES[".html"])
    return docs


def make_server(
    run: str | os.PathLike[str] | ClioResult,
    host: str = "127.0.0.1",
    port: int = 8000,
    **report_kw: Any,
) -> ThreadingHTTPServer:
    """A viewer for a run, bound but not yet serving (call ``serve_forever``).

    Parameters
    ----------
    run : str, PathLike or ClioResult
    host : str, default="127.0.0.1"
        Must be ``127.0.0.1`` or ``localhost``; anything else (``0.0.0.0``, an interface
        address) is refused.
    port : int, default=8000
        0 picks a free port (read it from ``server.server_address``).
    **report_kw
        Passed to :func:`~cliokit.viz.build_report`.

    Returns
    -------
    ThreadingHTTPServer

    Raises
    ------
    ConfigError
        For a host other than the loopback address or a port outside 0–65535.
    OutputError
        When the port is in use; the port is bound before the report is built, so this fails fast.
    """
    if host not in LOCAL_HOSTS:
        raise ConfigError(
            f"`host` must be one of {', '.join(LOCAL_HOSTS)}: the viewer serves private run data to "
            f"this machine only; got {host!r}"
        )
    if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
        raise ConfigError(f"`port` must be an int in [0, 65535]; got {port!r}")
    docs: dict[str, tuple[bytes, str]] = {}  # filled once the port is bound

    class Handler(BaseHTTPRequestHandler):
        server_version = "cliokit"
        sys_version = ""

        def _answer(self, body: bool) -> None:
            bound = cast(tuple[str, int], self.server.server_address)[1]
            allowed = {f"{h}:{bound}" for h in LOCAL_HOSTS}
            if self.headers.get("Host", "") not in allowed:
                self.send_error(421, "Misdirected Request")
                return
            doc = docs.get(self.path.split("?", 1)[0])
            if doc is None:
                self.send_error(404, "Not Found")
                return
            data, ctype = doc
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("Referrer-Policy", "no-referrer")
            if ctype.startswith("text/html"):
                self.send_header("Content-Security-Policy", CSP)
            self.end_headers()
            if body:
                self.wfile.write(data)

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            self._answer(body=True)

        def do_HEAD(self) -> None:  # noqa: N802
            self._answer(body=False)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            logger.debug("%s " + format, self.address_string(), *args)

    try:
        server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    except OSError as exc:
        raise OutputError(
            f"127.0.0.1:{port}", f"{exc.strerror or exc}; pass another port (0 picks a free one)", "listen on"
        ) from exc
    server.daemon_threads = True
    try:
        from cliokit.result import ClioResult

        result = run if isinstance(run, ClioResult) else ClioResult.load(run)
        docs.update(_documents(result, **report_kw))
    except BaseException:
        server.server_close()
        raise
    logger.info("viewer for %s on http://127.0.0.1:%d/", result.run_dir, server.server_address[1])
    return server


def serve(run: str | os.PathLike[str] | ClioResult, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve the viewer until interrupted (Ctrl-C raises ``KeyboardInterrupt``)."""
    server = make_server(run, host, port)
    try:
        server.serve_forever()
    finally:
        server.server_close()
