"""Run an evaluation notebook over a grid of parameter sets with papermill and collect the metrics."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from cliokit.errors import ConfigError

logger = logging.getLogger(__name__)

#: Parameters holding paths that the runner makes absolute (the notebook runs in another folder).
PATH_PARAMETERS = ("synth_dir",)
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def _run_name(i: int, params: Mapping[str, Any]) -> str:
    name = str(params.get("name") or f"run-{i:03d}")
    if not _NAME.match(name):
        raise ConfigError(
            f"grid[{i}].name must be a plain folder name (letters, digits, . _ -); got {name!r}"
        )
    return name


def _parameters(params: Mapping[str, Any], output_dir: Path) -> dict[str, Any]:
    out = {k: v for k, v in params.items() if k != "name"}
    if "output_dir" in out:
        logger.warning("ignoring output_dir=%r in a grid entry: the runner sets it", out["output_dir"])
    for key in PATH_PARAMETERS:
        if out.get(key):
            out[key] = str(Path(out[key]).resolve())
    out["output_dir"] = str(output_dir)
    return out


def packaged_notebooks() -> list[str]:
    """Names of the evaluation notebooks shipped with cliokit (``cliokit/evals/notebooks/``)."""
    folder = resources.files("cliokit.evals").joinpath("notebooks")
    return sorted(p.name.removesuffix(".ipynb") for p in folder.iterdir() if p.name.endswith(".ipynb"))


def notebook_path(name: str) -> Path:
    """The file of a packaged evaluation notebook, found through :mod:`importlib.resources`.

    The notebooks are package data (``cliokit/evals/notebooks/*.ipynb``), so this works the same
    in a source checkout and in an installed (non-editable) package.

    Parameters
    ----------
    name : str
        ``"reconstruction"`` or ``"privacy"`` (see :func:`packaged_notebooks`).

    Returns
    -------
    Path
        The ``.ipynb`` file.

    Raises
    ------
    ConfigError
        An unknown name, or a package not installed as files on disk (e.g. imported from a zip).

    Examples
    --------
    >>> from cliokit.evals import notebook_path
    >>> notebook_path("privacy").name
    'privacy.ipynb'
    """
    available = packaged_notebooks()
    if name not in available:
        raise ConfigError(f"`notebook` must be one of {available} or an .ipynb path; got {name!r}")
    resource = resources.files("cliokit.evals").joinpath("notebooks", f"{name}.ipynb")
    path = Path(os.fspath(resource)) if isinstance(resource, os.PathLike) else None
    if path is None or not path.is_file():
        raise ConfigError(
            f"the packaged notebook {name!r} is not a file on disk ({resource}); pass a path to a copy"
        )
    return path


def run_grid(
    notebook: str | os.PathLike[str],
    grid: Sequence[Mapping[str, Any]],
    out_dir: str | os.PathLike[str],
    *,
    kernel_name: str | None = None,
    cwd: str | os.PathLike[str] | None = None,
    stop_on_error: bool = False,
    progress: bool = False,
) -> pd.DataFrame:
    """Execute ``notebook`` once per parameter set and collect every run's ``metrics.json``.

    Run ``i`` writes into ``out_dir/<name>`` (``name`` from the entry, default ``run-NNN``): its
    data, run directory, figures, ``metrics.json`` and the executed notebook. The runner sets
    ``output_dir`` to that folder as an absolute path, and makes ``synth_dir`` absolute, because
    the notebook runs in ``cwd``, not in the caller's directory.

    Parameters
    ----------
    notebook : path or str
        An evaluation notebook with a cell tagged ``parameters``, or the name of a packaged one
        (``"reconstruction"``, ``"privacy"``; :func:`notebook_path`).
    grid : list of dict
        Parameter sets; an optional ``name`` key names the run's folder and is not passed on.
    out_dir : path
        Where the runs and the tables go.
    kernel_name : str, optional
        Jupyter kernel (default: the notebook's, ``python3``). The kernel must run a Python
        that imports cliokit; ``python3`` from the environment papermill runs in does.
    cwd : path, optional
        Working directory of the notebook (default: the notebook's folder).
    stop_on_error : bool, default=False
        Raise the first failure instead of recording it and going on.
    progress : bool, default=False
        Papermill's per-cell progress bar.

    Returns
    -------
    DataFrame
        One row per run: ``name``, ``status`` (``ok`` or ``failed``), ``error``,
        ``output_notebook``, then the flattened ``metrics.json``
        (:func:`~cliokit.evals.runs.collect_metrics`). Also written to ``out_dir/metrics.csv``
        and, headline columns only, ``out_dir/metrics.md``.
    """
    import papermill

    from cliokit.evals.runs import collect_metrics

    if isinstance(notebook, str) and notebook in packaged_notebooks() and not Path(notebook).exists():
        notebook = notebook_path(notebook)
    nb = Path(notebook).resolve()
    if not nb.exists():
        raise ConfigError(f"`notebook` must be an existing .ipynb file; got {str(notebook)!r}")
    if not grid:
        raise ConfigError("`grid` must hold at least one parameter set")
    out = Path(out_dir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    names = [_run_name(i, p) for i, p in enumerate(grid)]
    if len(set(names)) != len(names):
        raise ConfigError(f"grid run names must be unique; got {names}")
    workdir = str(Path(cwd).resolve()) if cwd is not None else str(nb.parent)
    rows = []
    for name, params in zip(names, grid, strict=True):
        run_out = out / name
        run_out.mkdir(parents=True, exist_ok=True)
        executed = run_out / nb.name
        logger.info("running %s (%s) into %s", nb.name, name, run_out)
        row: dict[str, Any] = {"name": name, "status": "ok", "error": None, "output_notebook": str(executed)}
        try:
            papermill.execute_notebook(
                str(nb),
                str(executed),
                parameters=_parameters(params, run_out),
                kernel_name=kernel_name,
                cwd=workdir,
                progress_bar=progress,
            )
            row.update({str(k): v for k, v in collect_metrics([run_out / "metrics.json"]).iloc[0].items()})
        except Exception as exc:  # noqa: BLE001 - a failed run is recorded; the grid goes on
            if stop_on_error:
                raise
            logger.error("run %s failed: %s", name, str(exc).strip().splitlines()[-1] if str(exc) else exc)
            row.update(status="failed", error=f"{type(exc).__name__}: {str(exc).strip()[-500:]}")
        rows.append(row)
    table = pd.DataFrame(rows)
    write_tables(table, out)
    return table


def headline_columns(table: pd.DataFrame) -> list[str]:
    """The columns of a metrics table worth a glance: name, status, parameters and headline metrics."""
    keep = [c for c in ("name", "status", "notebook") if c in table.columns]
    keep += [c for c in table.columns if c.startswith(("parameters.", "headline."))]
    keep += [c for c in ("timings.total",) if c in table.columns]
    return keep


def write_tables(table: pd.DataFrame, out_dir: str | os.PathLike[str]) -> tuple[Path, Path]:
    """Write ``metrics.csv`` (every column) and ``metrics.md`` (headline columns) into ``out_dir``."""
    from cliokit.evals.runs import markdown_table
    from cliokit.rundir import write_text

    out = Path(out_dir)
    csv, md = out / "metrics.csv", out / "metrics.md"
    write_text(table.to_csv(index=False), csv)
    short = table[headline_columns(table)].rename(
        columns=lambda c: c.removeprefix("parameters.").removeprefix("headline.")
    )
    failed = table[table["status"] != "ok"] if "status" in table.columns else table.iloc[0:0]
    text = markdown_table(short)
    if len(failed):
        text += "\nFailed runs:\n\n" + "".join(f"- {r.name}: {r.error}\n" for r in failed.itertuples())
    write_text(text, md)
    return csv, md
