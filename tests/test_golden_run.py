"""The offline pipeline's output on a fixed synthetic input, locked against a recorded run.

Refactors must leave it unchanged. A change that alters what the pipeline says on purpose records
the new tables with ``CLIOKIT_UPDATE_GOLDEN=1 python -m pytest tests/test_golden_run.py`` and
states the before → after numbers in its closing note.
"""

import json
import os
from pathlib import Path

import cliokit
from cliokit.synthetic import generate

GOLDEN = Path(__file__).parent / "data" / "golden_offline_run.json"


def _tables(result: cliokit.ClioResult) -> dict:
    c = result.clusters
    return {
        "clusters": json.loads(c.assign(keywords=c["keywords"].map(list)).to_json(orient="records")),
        "assignments": json.loads(result.assignments.to_json(orient="records")),
    }


def test_offline_run_matches_the_recorded_tables(tmp_path):
    data = generate(300, ("en", "fr", "ja", "es"), seed=7, pii_rate=0.2, progress=False)
    result = cliokit.run(
        data.conversations, out=tmp_path / "r", embed={"model": "hash"}, project={"method": "pca"}
    )
    got = json.loads(json.dumps(_tables(result), ensure_ascii=False, sort_keys=True))
    if os.environ.get("CLIOKIT_UPDATE_GOLDEN"):
        GOLDEN.write_text(json.dumps(got, indent=0, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    want = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert got["assignments"] == want["assignments"]
    assert got["clusters"] == want["clusters"]
