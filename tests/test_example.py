"""The README's main job: the bundled example with the default settings (real embedder, UMAP)."""

from pathlib import Path

import pytest

import cliokit

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "conversations.jsonl"


@pytest.mark.slow
def test_example_with_defaults(tmp_path):
    result = cliokit.run(EXAMPLE, out=tmp_path / "run")
    m = result.manifest
    assert m["status"] == "complete" and m["counts"]["rejected"] == 0
    assert m["embedder"]["name"] == "use-multilingual"
    assert result.levels >= 2
    top = result.visible_clusters(result.levels - 1)
    assert len(top) >= 3 and top["name"].notna().all()
    # UMAP coordinates for every conversation
    assert len(result.projection) == m["counts"]["accepted"]
    assert result.projection[["x", "y"]].std().gt(0).all()
    # planted identifiers never reach the run directory
    planted = [line for line in (EXAMPLE.parent / "planted_pii.jsonl").read_text().splitlines() if line]
    import json

    values = [json.loads(line)["value"] for line in planted]
    for path in result.run_dir.rglob("*"):
        if path.is_file() and path.suffix != ".npy":
            blob = path.read_text("utf-8", errors="ignore")
            leaked = [v for v in values if v in blob]
            assert not leaked, (path.name, leaked)
