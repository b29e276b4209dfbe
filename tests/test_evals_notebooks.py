"""Both evaluation notebooks (package data in cliokit/evals/notebooks/) end to end, on tiny parameters."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cliokit.evals.runner import notebook_path, run_grid
from cliokit.synthetic import available_languages


def _generator_languages() -> list[str]:
    langs = list(available_languages())
    preferred = [x for x in ("en", "de", "ja", "ar", "es", "zh") if x in langs]
    return (preferred or langs)[:3]


TINY = {"n_conversations": 200, "backend": "offline", "embedder": "hash", "projection": "none", "seed": 0}


@pytest.fixture(scope="module")
def recon_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    languages = _generator_languages()
    out = tmp_path_factory.mktemp("evals")
    table = run_grid(
        "reconstruction",  # a packaged notebook, by name
        [{**TINY, "languages": ",".join(languages), "name": "tiny"}],
        out / "reconstruction",
    )
    assert table.loc[0, "status"] == "ok", table.loc[0, "error"]
    return out / "reconstruction" / "tiny"


@pytest.mark.slow
def test_reconstruction_notebook(recon_run: Path):
    m = json.loads((recon_run / "metrics.json").read_text())
    assert m["notebook"] == "reconstruction" and m["parameters"]["n_conversations"] == 200
    run_config = json.loads((recon_run / "run" / "manifest.json").read_text())["config"]
    assert m["parameters"]["embedder"] == run_config["embed"]["model"] == "hash"
    assert run_config["project"]["method"] == "none" and run_config["progress"] is False
    acc = m["accuracy"]
    assert acc["n"] == 200 and 0.0 <= acc["accuracy"] <= 1.0
    assert 0.0 <= m["centroid_mapping"]["accuracy"] <= 1.0 and m["headline"]["accuracy_centroid"] is not None
    assert set(acc["per_language"]) == set(m["parameters"]["languages"].split(","))
    assert acc["random_baseline"] == pytest.approx(1 / 25)  # 20 ordinary + 5 concerning categories
    assert 0 < acc["majority_baseline"] < 1
    assert m["mapping"]["method"] == "embedding" and m["mapping"]["n_mapped"] >= 1
    levels = m["levels"]
    assert [(r["level"], r["target"]) for r in levels[:2]] == [(0, "subtopic"), (0, "category")]
    assert all(-1 <= r["ari"] <= 1 and 0 <= r["nmi"] <= 1 for r in levels)
    assert m["timings"]["total"] > 0 and {s["stage"] for s in m["stage_costs"]} >= {"facets", "embed"}
    for name in ("accuracy_by_language", "accuracy_by_category", "level_scores"):
        for ext in ("png", "svg"):
            assert (recon_run / f"{name}.{ext}").stat().st_size > 1000
    assert (recon_run / "clusters_mapped.csv").exists()
    assert (recon_run / "reconstruction.ipynb").exists()  # the executed copy


@pytest.mark.slow
def test_privacy_notebook_reusing_the_data(recon_run: Path, tmp_path: Path):
    table = run_grid(
        notebook_path("privacy"),
        [{**TINY, "synth_dir": str(recon_run / "data"), "n_audit_items": 40, "name": "tiny"}],
        tmp_path,
    )
    assert table.loc[0, "status"] == "ok", table.loc[0, "error"]
    out = tmp_path / "tiny"
    assert not (out / "data").exists()  # the data set was reused
    m = json.loads((out / "metrics.json").read_text())
    leak = m["leakage"]
    stages = {s["stage"]: s for s in leak["stages"]}
    assert stages["raw"]["values_found"] == leak["n_values"] - leak["n_skipped"]  # by construction
    assert stages["raw"]["share"] <= leak["n_with_planted"] / leak["n_conversations"]
    assert stages["raw"]["share"] >= stages["facets"]["share"] >= stages["cluster_summaries"]["share"]
    assert stages["exported"]["conversations_leaking"] == 0
    assert leak["canary"]["found_exported"] == 0 and leak["canary"]["found_raw"] == leak["canary"]["n_tokens"]
    auditor = m["auditor"]
    assert auditor["n"] == 40 and auditor["heuristic"] is True and 0 <= auditor["agreement"] <= 1
    assert sum(auditor["confusion"].values()) == 40
    for name in ("leakage_by_stage", "leakage_by_kind"):
        for ext in ("png", "svg"):
            assert (out / f"{name}.{ext}").stat().st_size > 1000
    assert (tmp_path / "metrics.csv").exists() and (tmp_path / "metrics.md").exists()
