"""The papermill grid runner and ``cliokit eval`` (a tiny notebook; no generator needed)."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from cliokit.cli import _parser
from cliokit.errors import ConfigError
from cliokit.evals import cli as evals_cli
from cliokit.evals.runner import run_grid


def _tiny_notebook(path: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell('x = 1\noutput_dir = "out"\nsynth_dir = ""')
    params.metadata["tags"] = ["parameters"]
    body = nbformat.v4.new_code_cell(
        "import json, os, pathlib\n"
        "assert isinstance(x, int), 'x must be an int'\n"
        "out = pathlib.Path(output_dir)\n"
        "doc = {'parameters': {'x': x, 'synth_dir': synth_dir}, 'headline': {'double': 2 * x},\n"
        "       'cwd': os.getcwd(), 'levels': [1, 2]}\n"
        "(out / 'metrics.json').write_text(json.dumps(doc))"
    )
    nb.cells = [params, body]
    nbformat.write(nb, path)
    return path


def test_run_grid_records_metrics_failures_and_tables(tmp_path, monkeypatch):
    (tmp_path / "nb").mkdir()
    nb = _tiny_notebook(tmp_path / "nb" / "tiny.ipynb")
    monkeypatch.chdir(tmp_path)
    table = run_grid(nb, [{"x": 2, "name": "two", "synth_dir": "data"}, {"x": "boom"}], "grid")
    assert table["name"].tolist() == ["two", "run-001"]
    assert table["status"].tolist() == ["ok", "failed"]
    assert table.loc[0, "headline.double"] == 4
    assert table.loc[0, "parameters.synth_dir"] == str(tmp_path / "data")  # made absolute
    assert table.loc[0, "cwd"] == str(tmp_path / "nb")  # runs in the notebook's folder
    assert "x must be an int" in table.loc[1, "error"]
    out = tmp_path / "grid"
    assert (out / "two" / "tiny.ipynb").exists() and (out / "run-001" / "tiny.ipynb").exists()
    csv = pd.read_csv(out / "metrics.csv")
    assert csv["status"].tolist() == ["ok", "failed"]
    md = (out / "metrics.md").read_text()
    assert md.startswith("| name | status | x | synth_dir | double |") and "Failed runs" in md


def test_run_grid_validates(tmp_path):
    with pytest.raises(ConfigError, match="notebook"):
        run_grid(tmp_path / "missing.ipynb", [{}], tmp_path)
    with pytest.raises(ConfigError, match="notebook"):
        run_grid("no-such-notebook", [{}], tmp_path)
    nb = _tiny_notebook(tmp_path / "t.ipynb")
    with pytest.raises(ConfigError, match="at least one"):
        run_grid(nb, [], tmp_path)
    with pytest.raises(ConfigError, match="unique"):
        run_grid(nb, [{"name": "a"}, {"name": "a"}], tmp_path)
    with pytest.raises(ConfigError, match="folder name"):
        run_grid(nb, [{"name": "../escape"}], tmp_path)


def test_parse_set_and_read_grid(tmp_path):
    assert evals_cli.parse_set(["k=10", "languages=en,es", "describe_categories=false", "model="]) == {
        "k": 10,
        "languages": "en,es",
        "describe_categories": False,
        "model": "",
    }
    with pytest.raises(ConfigError, match="KEY=VALUE"):
        evals_cli.parse_set(["oops"])
    assert evals_cli.read_grid(None) == [{}]
    listed = tmp_path / "list.json"
    listed.write_text(json.dumps([{"seed": 0}, {"seed": 1, "name": "s1"}]))
    assert evals_cli.read_grid(str(listed)) == [{"seed": 0}, {"seed": 1, "name": "s1"}]
    product = tmp_path / "product.json"
    product.write_text(json.dumps({"seed": [0, 1], "embedder": ["hash", "use-multilingual"], "k": 5}))
    grid = evals_cli.read_grid(str(product))
    assert len(grid) == 4 and grid[0] == {"seed": 0, "embedder": "hash", "k": 5}
    bad = tmp_path / "bad.json"
    bad.write_text("[]")
    with pytest.raises(ConfigError, match="non-empty"):
        evals_cli.read_grid(str(bad))


def test_eval_subcommand_is_registered_and_finds_the_notebooks(tmp_path):
    args = _parser().parse_args(["eval", "privacy", "--out", str(tmp_path), "--set", "k=3"])
    assert args.handler is evals_cli.run and args.which == "privacy" and args.set == ["k=3"]
    import cliokit.evals

    for which in evals_cli.NOTEBOOKS:  # package data, found without the source checkout's layout
        path = evals_cli.notebook_path(which, None)
        assert path.name == f"{which}.ipynb" and path.is_file()
        assert path.parent == Path(cliokit.evals.__file__).parent / "notebooks"
    nb = _tiny_notebook(tmp_path / "t.ipynb")
    assert evals_cli.notebook_path("privacy", str(nb)) == nb
    with pytest.raises(ConfigError, match="--notebook"):
        evals_cli.notebook_path("privacy", str(tmp_path))


def test_eval_command_runs_a_grid(tmp_path, capsys):
    nb = _tiny_notebook(tmp_path / "t.ipynb")
    args = _parser().parse_args(
        ["eval", "reconstruction", "--out", str(tmp_path / "o"), "--notebook", str(nb)]
    )
    args.set = ["x=3"]
    assert args.handler(args) == 0
    printed = capsys.readouterr().out.strip()
    assert printed == str(tmp_path / "o" / "reconstruction" / "metrics.csv")
    assert pd.read_csv(printed)["headline.double"].tolist() == [6]
