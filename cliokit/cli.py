"""Command line: ``cliokit run``, ``cliokit export``, ``cliokit info``.

Every error is one line on stderr (``--debug`` adds the traceback). Exit codes:

* 0 success;
* 1 a cliokit error (bad input or config, run directory in use by another run) or an
  unexpected one;
* 2 usage error (bad arguments);
* 3 a file, directory or port cannot be written to or opened (permission denied, disk full,
  port in use);
* 4 the model backend or embedder failed in a way retries cannot fix (bad credentials,
  unknown model);
* 130 interrupted (Ctrl-C);
* 143 terminated (SIGTERM).

An interrupted or terminated run records ``interrupted`` in its manifest; re-running the same
command resumes it.

Logs go to stderr; ``-v`` for more, ``-q`` for warnings only.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from types import FrameType
from typing import Any

from cliokit import __version__
from cliokit.errors import BackendError, CliokitError, Interrupted, OutputError
from cliokit.evals import cli as evals_cli
from cliokit.synthetic import cli as synth_cli
from cliokit.viz import cli as viz_cli

logger = logging.getLogger("cliokit")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="cliokit", description="Privacy-preserving insights into AI assistant use."
    )
    p.add_argument("--version", action="version", version=f"cliokit {__version__}")
    p.add_argument("-v", "--verbose", action="count", default=0, help="more logging (-vv for debug)")
    p.add_argument("-q", "--quiet", action="store_true", help="warnings and errors only, no progress bars")
    p.add_argument("--debug", action="store_true", help="show the traceback of an error")
    sub = p.add_subparsers(dest="command", required=True)

    r = sub.add_parser("run", help="run the whole pipeline on conversations")
    r.set_defaults(handler=_cmd_run)
    r.add_argument("input", nargs="+", help="conversation file(s): JSONL, JSON, parquet or CSV")
    r.add_argument("--out", required=True, help="run directory (re-running into it resumes)")
    r.add_argument("--config", help="TOML config file")
    _backend_args(r)
    r.add_argument("--batch", action="store_true", help="send facet extraction through the batch API")
    r.add_argument("--no-cache", action="store_true", help="do not keep model answers in the response cache")
    r.add_argument("--embedder", help="use-multilingual, minilm, hash, st:NAME_OR_PATH or a local folder")
    r.add_argument("--format", help="input format (default: auto)")
    r.add_argument("--strict", action="store_true", help="stop at the first rejected record")
    r.add_argument("--keep-text", action="store_true", help="also store the scrubbed conversations")
    r.add_argument("--no-scrub", action="store_true", help="skip the pattern-based PII pre-scrub")
    r.add_argument("--k", type=int, help="number of base clusters (default: from the data size)")
    r.add_argument("--seed", type=int, help="run seed (default: 0)")
    r.add_argument("--projection", choices=["umap", "pca", "none"], help="2-D projection method")

    e = sub.add_parser("export", help="write the shareable cluster-level tables of a run")
    e.set_defaults(handler=_cmd_export)
    e.add_argument("run_dir")
    e.add_argument("--out", required=True, help="output directory")
    e.add_argument("--dp-epsilon", metavar="E", help="release differentially private counts, budget E > 0")
    e.add_argument("--dp-delta", metavar="D", help="DP failure probability (default: 1e-6)")
    e.add_argument(
        "--dp-max-conversations", metavar="N", help="DP: conversations counted per user (default: 4)"
    )

    est = sub.add_parser("estimate", help="print expected calls, tokens and cost before running")
    est.set_defaults(handler=_cmd_estimate)
    est.add_argument("input", nargs="+", help="conversation file(s)")
    est.add_argument("--config", help="TOML config file")
    _backend_args(est)
    est.add_argument("--format", help="input format (default: auto)")
    est.add_argument("--k", type=int, help="number of base clusters (default: from the data size)")
    est.add_argument("--scale-to", type=int, help="extrapolate to this many conversations")
    est.add_argument("--json", action="store_true", help="print JSON records instead of a table")

    i = sub.add_parser("info", help="summarise a run directory")
    i.set_defaults(handler=_cmd_info)
    i.add_argument("run_dir")
    i.add_argument("--level", type=int, help="show clusters of this level (default: top)")

    synth_cli.add_parser(sub)
    evals_cli.add_parser(sub)
    viz_cli.add_parser(sub)
    return p


def _backend_args(p: argparse.ArgumentParser) -> None:
    from cliokit.backends import BACKENDS

    names = sorted(n for n in BACKENDS if n != "scripted")
    p.add_argument("--backend", choices=names, help="model backend (default: offline)")
    p.add_argument("--model", help="model id for every task (default: the backend's per-task models)")
    p.add_argument("--base-url", help="server URL (default: ANTHROPIC_BASE_URL / OPENAI_BASE_URL)")


def _overrides(args: argparse.Namespace) -> dict[str, Any]:
    o: dict[str, Any] = {}

    def put(section: str, key: str, value: Any) -> None:
        if value is not None:
            o.setdefault(section, {})[key] = value

    put("backend", "name", args.backend)
    put("backend", "model", args.model)
    put("backend", "base_url", args.base_url)
    put("load", "format", args.format)
    put("cluster", "k", args.k)
    if args.command == "run":
        put("embed", "model", args.embedder)
        put("project", "method", args.projection)
        if args.batch:
            put("backend", "batch", True)
        if args.no_cache:
            put("backend", "cache", False)
        if args.strict:
            put("load", "strict", True)
        if args.no_scrub:
            put("scrub", "enabled", False)
        if args.keep_text:
            o["keep_text"] = True
        if args.seed is not None:
            o["seed"] = args.seed
    if args.quiet:
        o["progress"] = False
    return o


def _config(args: argparse.Namespace) -> Any:
    from cliokit.config import Config

    overrides = _overrides(args)
    return Config.from_toml(args.config, **overrides) if args.config else Config.build(overrides)


def _cmd_run(args: argparse.Namespace) -> int:
    from cliokit.pipeline import run

    cfg = _config(args)
    data = args.input[0] if len(args.input) == 1 else args.input
    result = run(data, cfg, out=args.out)
    counts = result.manifest.counts
    total = result.manifest.usage.get("this_run", {})
    print(
        f"{result.run_dir}: {counts['accepted']} conversations ({counts['rejected']} rejected, "
        f"{counts.get('facets_failed', 0)} facet failures), {result.levels} levels, "
        f"{counts['clusters'] - counts['clusters_suppressed']} clusters shown, "
        f"{counts['clusters_suppressed']} suppressed; "
        + (
            "offline heuristics, no model calls"
            if result.manifest.backend.get("heuristic")
            else f"{total.get('calls', 0)} model calls, {total.get('cache_hits', 0)} cached, "
            f"${total.get('cost_usd', 0):.4f}"
        )
    )
    return 0


def _cmd_estimate(args: argparse.Namespace) -> int:
    import json

    from cliokit.backends import get_backend
    from cliokit.config import TASKS
    from cliokit.estimate import estimate_run
    from cliokit.load import load_conversations, truncate_conversations

    cfg = _config(args)
    data = args.input[0] if len(args.input) == 1 else args.input
    loaded = load_conversations(
        data, cfg.load.format, max_messages=cfg.load.max_messages, max_chars=cfg.load.max_chars
    )
    conversations, _ = truncate_conversations(loaded.conversations, cfg.load.max_tokens)
    if conversations.empty:
        raise CliokitError(
            f"no conversation was accepted ({loaded.n_read} read, {len(loaded.rejected)} rejected)"
        )
    backend = get_backend(cfg.backend.name, cfg.backend)
    table = estimate_run(conversations, cfg, {t: backend.model_id(t) for t in TASKS}, scale_to=args.scale_to)
    if args.json:
        print(json.dumps(table.to_dict(orient="records"), default=str))
        return 0
    n = args.scale_to or len(conversations)
    print(
        f"{n} conversations ({len(conversations)} read), backend {backend.name}; estimates, not measurements:"
    )
    print(table.to_string(index=False, float_format=lambda v: f"{v:,.4f}"))
    if table["cost_usd"].isna().any():
        print("NaN cost: no price for that model; add it under [backend.prices] in your config")
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from cliokit.export import export_run
    from cliokit.monitor.dp import dp_params

    dp = dp_params(args.dp_epsilon, args.dp_delta, args.dp_max_conversations)
    for path in export_run(args.run_dir, args.out, dp=dp):
        print(path)
    return 0


def _cmd_info(args: argparse.Namespace) -> int:
    from cliokit.result import ClioResult

    result = ClioResult.load(args.run_dir)
    level = result.levels - 1 if args.level is None else args.level
    m = result.manifest
    print(f"status: {m.status}  backend: {m.backend.get('name')}  embedder: {m.embedder.get('name')}")
    print("counts: " + ", ".join(f"{k}={v}" for k, v in m.counts.items()))
    for name, stage in m.stages.items():
        print(f"stage {name:<10} {stage.seconds:>8.2f} s  peak RSS {stage.peak_rss_mb} MB")
    print(f"\nlevel {level} clusters (suppressed ones hidden):")
    for row in result.visible_clusters(level).itertuples():
        print(f"{row.n_conversations:>7} conv {row.n_users:>6} users  {row.cluster_id:<8} {row.name}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``cliokit`` command."""
    args = _parser().parse_args(argv)
    level = logging.WARNING if args.quiet else logging.DEBUG if args.verbose > 1 else logging.INFO
    logging.basicConfig(
        level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    if args.verbose < 2:
        for noisy in ("presidio-analyzer", "httpx", "numba", "sentence_transformers"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
    if args.quiet:
        import os

        os.environ["CLIOKIT_DISABLE_PROGRESS_BARS"] = "1"
    try:
        with _sigterm_raises():
            code: int = args.handler(args)
        return code
    except (Exception, KeyboardInterrupt) as exc:  # noqa: BLE001 - the boundary: every error, one line
        return _fail(exc, args.debug)


#: Exit codes by error class, first match wins (the module docstring lists them).
EXIT_CODES: tuple[tuple[type[BaseException], int], ...] = (
    (Interrupted, 143),
    (KeyboardInterrupt, 130),
    (OutputError, 3),
    (BackendError, 4),
    (CliokitError, 1),
    (OSError, 3),
    (Exception, 1),
)


def _fail(exc: BaseException, debug: bool) -> int:
    """Log ``exc`` in one line (with the traceback under ``--debug``); its exit code."""
    code = next(c for cls, c in EXIT_CODES if isinstance(exc, cls))
    if isinstance(exc, KeyboardInterrupt):
        message = "interrupted" if code == 130 else "terminated (SIGTERM)"
    elif isinstance(exc, CliokitError):
        message = str(exc)
    elif isinstance(exc, OSError):
        message = f"{exc.filename}: {exc.strerror}" if exc.filename and exc.strerror else str(exc)
    else:
        message = f"unexpected error: {type(exc).__name__}: {exc}"
    message = " ".join(message.split())
    if not debug and code == 1 and not isinstance(exc, CliokitError):
        message += " (rerun with --debug for the traceback)"
    logger.error("%s", message, exc_info=exc if debug else None)
    return code


@contextmanager
def _sigterm_raises() -> Iterator[None]:
    """While a command runs, SIGTERM raises :class:`Interrupted` (a run then records it and stops)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        raise Interrupted("SIGTERM")

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    sys.exit(main())
