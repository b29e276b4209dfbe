"""Command line: ``cliokit report`` (static HTML) and ``cliokit serve`` (local viewer).

Imports stay light here: the views are imported when a subcommand runs.
"""

from __future__ import annotations

import argparse
from typing import Any


def add_parser(sub: Any) -> None:
    """Register the ``report`` and ``serve`` subcommands on ``sub`` (an argparse subparsers action)."""
    r = sub.add_parser("report", help="write a self-contained HTML report of a run")
    r.set_defaults(handler=_cmd_report)
    r.add_argument("run_dir")
    r.add_argument("--out", help="HTML file to write (default: RUN_DIR/report.html)")
    r.add_argument("--max-points", type=int, default=5000, help="cap on map points (default: 5000)")
    r.add_argument(
        "--no-map", action="store_true", help="leave out the map (no per-conversation data in the file)"
    )

    s = sub.add_parser("serve", help="view a run's report and export on http://127.0.0.1 only")
    s.set_defaults(handler=_cmd_serve)
    s.add_argument("run_dir")
    s.add_argument("--port", type=int, default=8000, help="port (default: 8000; 0 picks a free one)")
    s.add_argument("--host", default="127.0.0.1", help="only 127.0.0.1 or localhost are accepted")
    s.add_argument("--max-points", type=int, default=5000, help="cap on map points (default: 5000)")


def _cmd_report(args: argparse.Namespace) -> int:
    from pathlib import Path

    from cliokit.viz.report import write_report

    out = args.out if args.out is not None else Path(args.run_dir) / "report.html"
    path = write_report(args.run_dir, out, max_points=args.max_points, include_map=not args.no_map)
    print(f"{path} ({path.stat().st_size / 1e6:.1f} MB)")
    return 0


def _cmd_serve(args: argparse.Namespace) -> int:
    from cliokit.viz.serve import make_server

    server = make_server(args.run_dir, args.host, args.port, max_points=args.max_points)
    try:
        print(f"serving {args.run_dir} on http://127.0.0.1:{server.server_address[1]}/ (Ctrl-C to stop)")
        server.serve_forever()
    finally:
        server.server_close()
    return 0
