import json
import subprocess
import sys

import pandas as pd
import pytest

import cliokit
from cliokit.cli import main
from cliokit.export import export_run

from .conftest import make_conversations

FAST = {"project": {"method": "pca"}, "embed": {"model": "hash"}}


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    df = make_conversations(200, n_users=50).drop(columns=["topic"])
    # one lone user's odd request: its cluster (if any) must not reach the export
    cliokit.run(df, out=out, privacy={"min_users": 4}, **FAST)
    return out


def test_export_has_only_visible_cluster_level_rows(run_dir, tmp_path):
    files = export_run(run_dir, tmp_path / "exp")
    assert {f.name for f in files} == {
        "clusters.parquet",
        "clusters.csv",
        "facet_breakdowns.parquet",
        "summary.json",
    }
    result = cliokit.ClioResult.load(run_dir)
    exported = pd.read_parquet(tmp_path / "exp" / "clusters.parquet")
    visible = result.clusters[~result.clusters["suppressed"]]
    assert sorted(exported["cluster_id"]) == sorted(visible["cluster_id"])
    assert "conversation_id" not in exported.columns
    assert set(exported["parent_id"].dropna()) <= set(exported["cluster_id"])
    b = pd.read_parquet(tmp_path / "exp" / "facet_breakdowns.parquet")
    assert set(b["facet"]) == {"language", "concerning", "n_turns"}
    assert set(b["cluster_id"]) <= set(visible["cluster_id"])
    shares = b.groupby(["cluster_id", "facet"])["share"].sum()
    assert shares.round(6).eq(1).all()
    summary = json.loads((tmp_path / "exp" / "summary.json").read_text())
    assert summary["clusters_exported"] == len(visible)
    # no facet text (requests) of any conversation in the export
    requests = set(result.facets["request"])
    for f in files:
        text = f.read_bytes().decode("utf-8", "ignore")
        assert not any(r in text for r in requests if len(r) > 30)


def test_cli_run_info_export(tmp_path, capsys):
    df = make_conversations(120, n_users=40).drop(columns=["topic"])
    path = tmp_path / "in.jsonl"
    path.write_text(
        "".join(
            json.dumps({"id": r.conversation_id, "user_id": r.user_id, "messages": r.messages}) + "\n"
            for r in df.itertuples()
        )
    )
    out = tmp_path / "run"
    assert main(["-q", "run", str(path), "--out", str(out), "--embedder", "hash", "--projection", "pca"]) == 0
    assert "120 conversations" in capsys.readouterr().out
    assert main(["info", str(out)]) == 0
    assert "stage facets" in capsys.readouterr().out
    assert main(["export", str(out), "--out", str(tmp_path / "exp")]) == 0
    assert (tmp_path / "exp" / "clusters.csv").exists()


def test_cli_errors_exit_nonzero(tmp_path):
    assert main(["-q", "run", str(tmp_path / "missing.jsonl"), "--out", str(tmp_path / "r")]) == 1
    assert main(["info", str(tmp_path)]) == 1
    proc = subprocess.run([sys.executable, "-m", "cliokit.cli", "run"], capture_output=True, text=True)
    assert proc.returncode == 2 and "usage" in proc.stderr


FORMULAS = ['=HYPERLINK("http://x","y")', "+1+2", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]


def test_csv_cells_a_spreadsheet_would_run_are_neutralised(run_dir, tmp_path):
    import csv
    import shutil

    run = tmp_path / "run"
    shutil.copytree(run_dir, run)
    clusters = pd.read_parquet(run / "clusters.parquet")
    visible = clusters.index[~clusters["suppressed"]][: len(FORMULAS)]
    clusters.loc[visible, "name"] = FORMULAS
    clusters.loc[visible[0], "description"] = "-minus first"
    clusters.loc[visible[1], "keywords"] = ["=cmd", "ok"]
    clusters.to_parquet(run / "clusters.parquet", index=False)
    export_run(run, tmp_path / "exp")
    with open(tmp_path / "exp" / "clusters.csv", newline="", encoding="utf-8") as fh:
        rows = {r["cluster_id"]: r for r in csv.DictReader(fh)}
    ids = clusters.loc[visible, "cluster_id"].tolist()
    assert [rows[i]["name"] for i in ids] == ["'" + f for f in FORMULAS]
    assert rows[ids[0]]["description"] == "'-minus first"
    assert rows[ids[1]]["keywords"] == "'=cmd, ok"
    # every text cell is safe; numbers stay numbers
    for row in rows.values():
        assert not any(v.startswith(("=", "+", "-", "@", "\t", "\r")) for v in row.values())
        assert int(row["n_conversations"]) > 0
    # the parquet export keeps the names as written (no spreadsheet reads it)
    assert set(FORMULAS) <= set(pd.read_parquet(tmp_path / "exp" / "clusters.parquet")["name"])


def test_spreadsheet_safe_touches_only_text_cells():
    from cliokit.export import spreadsheet_safe

    df = pd.DataFrame({"text": ["-5", "a-b", None, "@x"], "num": [-5, 1, 2, 3], "f": [-0.5, 1.0, None, 2.0]})
    out = spreadsheet_safe(df)
    assert out["text"].tolist()[:2] == ["'-5", "a-b"] and out["text"].tolist()[3] == "'@x"
    assert pd.isna(out["text"][2])
    assert out["num"].tolist() == [-5, 1, 2, 3] and out["num"].dtype == df["num"].dtype
    assert out["f"].equals(df["f"])
    assert df["text"].tolist()[0] == "-5"  # the input is not changed
