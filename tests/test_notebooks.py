"""The notebooks in notebooks/ end to end under papermill, on small, quick parameters.

Each runs with ``cwd`` set to notebooks/ (as Jupyter does) and an absolute ``output_dir`` in
tmp_path, the offline backend, the hash embedder and a PCA map. The public-data notebooks skip
when the public data folder is absent: notebook 03 then stops with ``ExternalDataMissing``, which
is turned into a skip here (and checked on purpose by pointing it at an empty folder).
"""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

import pytest

from cliokit import datasets
from tests.public_data import SHARED_DATA, public_data

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
NAMES = (
    "01_quickstart.ipynb",
    "02_explore_a_run.ipynb",
    "03_reproduce_paper_figures.ipynb",
    "04_safety_monitoring.ipynb",
)
QUICK = {"embedder": "hash", "projection": "pca"}


def _execute(name: str, out: Path, **parameters: Any) -> Path:
    """Run notebook ``name`` into ``out`` (its ``output_dir``); return the executed notebook."""
    import papermill

    out.mkdir(parents=True, exist_ok=True)
    executed = out / f"executed_{name}"
    papermill.execute_notebook(
        str(NOTEBOOKS / name),
        str(executed),
        parameters={**QUICK, "output_dir": str(out), **parameters},
        cwd=str(NOTEBOOKS),
        progress_bar=False,
    )
    return executed


def _figures(out: Path, *names: str) -> None:
    for name in names:
        assert (out / name).stat().st_size > 1000, name


def _parameters(name: str) -> dict[str, Any]:
    """The literal defaults of notebook ``name``'s parameters cell."""
    nb = json.loads((NOTEBOOKS / name).read_text(encoding="utf-8"))
    code = next(c for c in nb["cells"] if c["cell_type"] == "code")
    return {
        t.id: node.value.value
        for node in ast.parse("".join(code["source"])).body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
        for t in node.targets
        if isinstance(t, ast.Name)
    }


@pytest.mark.parametrize("name", NAMES)
def test_notebooks_are_stored_thin_and_without_outputs(name: str):
    nb = json.loads((NOTEBOOKS / name).read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code[0]["metadata"].get("tags") == ["parameters"]
    assert all(not c["outputs"] and c["execution_count"] is None for c in code)
    params = set()
    for node in ast.parse("".join(code[0]["source"])).body:  # plain literals only
        assert isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant), ast.dump(node)
        params.update(t.id for t in node.targets if isinstance(t, ast.Name))
    assert {"output_dir", "seed"} <= params
    assert not any(c.get("metadata", {}).get("tags") == ["parameters"] for c in code[1:])


@pytest.mark.parametrize("name", NAMES)
def test_default_paths_are_relative_to_the_notebook_folder(name: str):
    params = _parameters(name)
    assert not str(params["output_dir"]).startswith("notebooks/")
    assert (NOTEBOOKS / params["output_dir"]).resolve().parent == NOTEBOOKS / "outputs"
    example = NOTEBOOKS.parent / "examples" / "conversations.jsonl"
    for key in ("data", "example"):
        if key in params:
            assert (NOTEBOOKS / params[key]).resolve() == example
    if "docs_dir" in params:
        assert (NOTEBOOKS / params["docs_dir"]).resolve() == NOTEBOOKS.parent / "docs"
    if "fallback_data_dir" in params:  # the same folder the tests use
        assert (NOTEBOOKS / params["fallback_data_dir"]).resolve() == SHARED_DATA.resolve()
    assert params.get("embedder", "") == ""  # cliokit's default embedder, not a copy of its name


@pytest.fixture(scope="module")
def quickstart(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("nb") / "01"
    _execute("01_quickstart.ipynb", out, max_conversations=120)
    return out


def test_quickstart(quickstart: Path):
    _figures(quickstart, "linked_view.png", "linked_view.html", "facet_breakdown.png")
    manifest = json.loads((quickstart / "run" / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["counts"]["accepted"] == 120
    assert manifest["config"]["embed"]["model"] == "hash"


def test_explore_a_run(quickstart: Path, tmp_path: Path):
    _execute("02_explore_a_run.ipynb", tmp_path, run_dir=str(quickstart / "run"))
    _figures(
        tmp_path,
        "map_by_cluster.png",
        "map_by_language.png",
        "icicle.png",
        "treemap.png",
        "cluster_breakdown.png",
        "cluster_selected.png",
        "compare.png",
    )
    assert not (tmp_path / "run").exists()  # the given run was used


def test_reproduce_paper_figures(tmp_path: Path):
    from papermill.exceptions import PapermillExecutionError

    out, docs = tmp_path / "out", tmp_path / "docs"
    try:
        _execute(
            "03_reproduce_paper_figures.ipynb",
            out,
            max_conversations=40,
            xsid_languages="en,de,ja",
            xsid_per_language=60,
            min_conversations=3,
            save_docs=True,
            docs_dir=str(docs),
        )
    except PapermillExecutionError as exc:
        if exc.ename == "ExternalDataMissing":
            pytest.skip(f"public data folder absent: {exc.evalue}")
        raise
    _figures(
        out,
        "top_level_shares.png",
        "concerning_clusters.png",
        "map.png",
        "map_concerning.png",
        "datasets_compare.png",
        "language_overrepresentation.png",
    )
    assert sorted(p.name for p in docs.iterdir()) == [
        "concerning_clusters.png",
        "language_overrepresentation.png",
        "map.png",
        "top_level_shares.png",
    ]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["sources"] == {"oasst1": 40, "hh-rlhf": 40}
    assert summary["counts"]["accepted"] == 80
    assert 0 < sum(c["share"] for c in summary["top_level"]) <= 1 + 1e-9
    assert summary["most_concerning"] and summary["language_figure"]["languages"] >= 1
    assert set(summary["language_figure"]["planted"]) == {"en", "de", "ja"}


def test_paper_figures_stop_cleanly_without_the_data(tmp_path: Path):
    from papermill.exceptions import PapermillExecutionError

    with pytest.raises(PapermillExecutionError) as info:
        _execute("03_reproduce_paper_figures.ipynb", tmp_path / "out", data_dir=str(tmp_path / "absent"))
    assert info.value.ename == "ExternalDataMissing"
    assert "public data folder is absent" in info.value.evalue
    assert not (tmp_path / "out" / "run").exists()


def test_safety_monitoring_synthetic(tmp_path: Path):
    _execute(
        "04_safety_monitoring.ipynb", tmp_path, source="synthetic", n_conversations=150, min_conversations=5
    )
    _figures(tmp_path, "concerning_clusters.png", "classifier_monitoring.png")
    manifest = json.loads((tmp_path / "run" / "manifest.json").read_text())
    assert manifest["counts"]["accepted"] == 150


def test_safety_monitoring_hh_rlhf(tmp_path: Path):
    public_data(datasets.HH_RLHF_FILE)
    _execute("04_safety_monitoring.ipynb", tmp_path, source="hh", n_conversations=120, min_conversations=5)
    _figures(tmp_path, "concerning_clusters.png", "classifier_monitoring.png")
    manifest = json.loads((tmp_path / "run" / "manifest.json").read_text())
    assert manifest["counts"]["accepted"] == 120
