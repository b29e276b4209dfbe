"""``cliokit eval``: run the evaluation notebooks over parameter sets with papermill.

Examples::

    cliokit eval reconstruction --set n_conversations=500 --set languages=en,es --out eval_out
    cliokit eval all --grid grid.json --out eval_out

Imports stay light here (the main CLI imports this module at startup); the work is imported
when the command runs.
"""

from __future__ import annotations

import argparse
from typing import Any

NOTEBOOKS = ("reconstruction", "privacy")


def add_parser(sub: Any) -> None:
    """Register ``eval`` on ``sub`` (an argparse subparsers action)."""
    e = sub.add_parser(
        "eval",
        help="run the evaluation notebooks (reconstruction, privacy) with papermill",
        description=(
            "Execute the reconstruction and/or privacy evaluation notebook (shipped with cliokit) once "
            "per parameter set and collect every run's metrics.json into OUT/<notebook>/metrics.csv "
            "and metrics.md."
        ),
    )
    e.set_defaults(handler=run)
    e.add_argument("which", choices=[*NOTEBOOKS, "all"], help="which notebook to run")
    e.add_argument("--out", required=True, help="output folder (one subfolder per notebook and run)")
    e.add_argument(
        "--grid",
        help="JSON file: a list of parameter objects, or an object of lists (their product); "
        "an optional 'name' key names each run's folder",
    )
    e.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a notebook parameter for every run (VALUE read as JSON, else as a string); repeatable",
    )
    e.add_argument(
        "--notebook",
        help="the notebook (.ipynb) to run, or a folder holding reconstruction.ipynb and privacy.ipynb "
        "(default: the notebooks shipped in cliokit/evals/notebooks/)",
    )
    e.add_argument("--kernel", help="Jupyter kernel name (default: the notebook's, python3)")
    e.add_argument("--stop-on-error", action="store_true", help="stop at the first failed run")


def parse_set(items: list[str]) -> dict[str, Any]:
    """``["k=10", "languages=en,es"]`` → ``{"k": 10, "languages": "en,es"}`` (values as JSON, else str)."""
    import json

    from cliokit.errors import ConfigError

    out: dict[str, Any] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"`--set` takes KEY=VALUE; got {item!r}")
        try:
            value: Any = json.loads(raw)
        except json.JSONDecodeError:
            value = raw
        out[key.strip()] = value
    return out


def read_grid(path: str | None) -> list[dict[str, Any]]:
    """Parameter sets from a JSON grid file (a list of objects, or an object of lists: their product)."""
    import itertools
    import json
    from pathlib import Path

    from cliokit.errors import ConfigError

    if path is None:
        return [{}]
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ConfigError(f"cannot read grid {path}: {exc}") from exc
    if isinstance(data, list) and all(isinstance(d, dict) for d in data) and data:
        return [dict(d) for d in data]
    if isinstance(data, dict) and data:
        keys = list(data)
        values = [v if isinstance(v, list) else [v] for v in data.values()]
        return [dict(zip(keys, combo, strict=True)) for combo in itertools.product(*values)]
    raise ConfigError(f"grid {path} must be a non-empty list of objects or an object of lists")


def notebook_path(which: str, notebook: str | None) -> Any:
    """The notebook file for ``which``: from ``--notebook``, else the one shipped with cliokit."""
    from pathlib import Path

    from cliokit.errors import ConfigError
    from cliokit.evals.runner import notebook_path as packaged

    if notebook is not None:
        given = Path(notebook)
        path = given / f"{which}.ipynb" if given.is_dir() else given
        if not path.is_file():
            raise ConfigError(
                f"`--notebook` must be an .ipynb file or a folder holding {which}.ipynb; got {notebook!r}"
            )
        return path
    return packaged(which)


def run(args: argparse.Namespace) -> int:
    """Handle ``cliokit eval``: run the notebooks, print each metrics table's path; 1 if a run failed."""
    from pathlib import Path

    from cliokit.evals.runner import run_grid

    overrides = parse_set(args.set)
    grid = [{**entry, **overrides} for entry in read_grid(args.grid)]
    which = list(NOTEBOOKS) if args.which == "all" else [args.which]
    if args.notebook is not None and len(which) > 1 and not Path(args.notebook).is_dir():
        from cliokit.errors import ConfigError

        raise ConfigError(
            "with `all`, --notebook must be a folder holding reconstruction.ipynb and privacy.ipynb"
        )
    failed = 0
    for name in which:
        out = Path(args.out) / name
        table = run_grid(
            notebook_path(name, args.notebook),
            grid,
            out,
            kernel_name=args.kernel,
            stop_on_error=args.stop_on_error,
        )
        failed += int((table["status"] != "ok").sum())
        print(out.resolve() / "metrics.csv")
    return 1 if failed else 0
