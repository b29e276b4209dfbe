"""Differentially private export: thresholds, budget record, contribution bound, error vs epsilon, CLI."""

from __future__ import annotations

import json
import logging
import math
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import cliokit
from cliokit.cli import main
from cliokit.errors import ConfigError
from cliokit.export import export_run
from cliokit.monitor.dp import (
    LEDGER,
    DPParams,
    bound_contributions,
    dp_params,
    dp_release,
    read_releases,
)
from cliokit.result import CLUSTER_COLUMNS, ClioResult
from cliokit.rundir import Manifest
from cliokit.viz.report import build_report

from .conftest import make_conversations
from .test_lifecycle import FAST

#: Base clusters of the in-memory run, their parent and their share of the ordinary users' conversations.
BASE = {"0-0": ("1-0", 0.4), "0-1": ("1-0", 0.3), "0-2": ("1-1", 0.2), "0-3": ("1-1", 0.1)}


def fake_result(
    run_dir: Path,
    *,
    n_users: int = 3000,
    per_user: int = 3,
    heavy: int = 0,
    tiny_users: int = 0,
    suppressed: tuple[str, ...] = (),
) -> ClioResult:
    """A two-level run built in memory: ``n_users`` users with ``per_user`` conversations each,
    optionally one user with ``heavy`` conversations in 0-3 and a cluster 0-4 of ``tiny_users`` users."""
    rng = np.random.default_rng(0)
    ids, probs = list(BASE), [p for _, p in BASE.values()]
    users = [f"u{i}" for i in range(n_users) for _ in range(per_user)]
    base = list(rng.choice(ids, size=len(users), p=probs))
    users += ["heavy"] * heavy + [f"t{i}" for i in range(tiny_users)]
    base += ["0-3"] * heavy + ["0-4"] * tiny_users
    n = len(users)
    facets = pd.DataFrame(
        {
            "conversation_id": [f"c{i}" for i in range(n)],
            "user_id": users,
            "language": rng.choice(["en", "fr"], size=n, p=[0.7, 0.3]),
            "concerning": pd.array(np.ones(n, dtype=int), dtype="Int64"),
            "n_turns": rng.integers(1, 3, size=n),
        }
    )
    parent = {**{k: v for k, (v, _) in BASE.items()}, "0-4": "1-1"}
    assignments = pd.DataFrame(
        {"conversation_id": facets["conversation_id"], "level_0": base, "level_1": [parent[b] for b in base]}
    )
    rows = []
    for level in (0, 1):
        col = assignments[f"level_{level}"]
        for cid in sorted(set(col)):
            members = facets[(col == cid).to_numpy()]
            hidden = cid in suppressed
            rows.append(
                {
                    "cluster_id": cid,
                    "level": level,
                    "parent_id": parent.get(cid),
                    "name": None if hidden else f"Topic {cid}",
                    "description": None if hidden else f"About {cid}.",
                    "n_conversations": len(members),
                    "n_users": members["user_id"].nunique(),
                    "suppressed": hidden,
                    "suppressed_reason": "size" if hidden else None,
                    "audit_rating": pd.NA,
                    "keywords": [] if hidden else [cid],
                }
            )
    clusters = pd.DataFrame(rows)[CLUSTER_COLUMNS].astype({"audit_rating": "Int64"})
    run_dir.mkdir(parents=True, exist_ok=True)
    projection = pd.DataFrame(columns=["conversation_id", "x", "y"])
    return ClioResult(run_dir, facets, assignments, clusters, projection, Manifest(config={"seed": 0}))


def thresholds(budget: dict, table: str) -> dict[int, int]:
    return {q["level"]: q["threshold"] for q in budget["queries"] if q["table"] == table}


@pytest.fixture(scope="module")
def result(tmp_path_factory) -> ClioResult:
    return fake_result(tmp_path_factory.mktemp("fake"), tiny_users=5)


def test_published_clusters_and_cells_reach_their_thresholds(result):
    release = dp_release(result, DPParams(epsilon=1.0))
    users_tau = thresholds(release.budget, "users")
    assert set(users_tau) == {0, 1} and min(users_tau.values()) > 5
    c = release.clusters
    assert set(c["cluster_id"]) >= {"0-0", "0-1", "1-0", "1-1"}  # clusters of hundreds of users
    assert "0-4" not in set(c["cluster_id"])  # 5 users: far below the threshold
    assert (c["n_users"] >= c["level"].map(users_tau)).all()
    b = release.breakdowns.merge(c[["cluster_id", "level"]], on="cluster_id")
    assert len(b) and set(b["cluster_id"]) <= set(c["cluster_id"])
    for facet, cells in b.groupby("facet"):
        tau = thresholds(release.budget, f"facet:{facet}")
        assert (cells["count"] >= cells["level"].map(tau)).all(), facet
    assert ((b["share"] >= 0) & (b["share"] <= 1)).all()


def test_summary_records_budget_and_ledger_adds_up(result, tmp_path):
    files = export_run(result, tmp_path / "exp", dp=DPParams(epsilon=1.0, delta=1e-7))
    assert {f.name for f in files} == {
        "clusters.parquet",
        "clusters.csv",
        "facet_breakdowns.parquet",
        "summary.json",
    }
    summary = json.loads((tmp_path / "exp" / "summary.json").read_text())
    assert "counts" not in summary and "clusters_suppressed" not in summary  # exact counts stay out
    d = summary["differential_privacy"]
    assert d["epsilon"] == 1.0 and d["delta"] == 1e-7
    assert 0.999 < d["epsilon_spent"] <= 1.0 + 1e-9 and 0 < d["delta_spent"] <= 1e-7
    assert d["rho"] == pytest.approx(sum(q["rho"] for q in d["queries"]))
    assert d["library"] == "opendp" and d["library_version"] == version("opendp")
    assert "zCDP" in d["mechanism"] and d["max_conversations_per_user"] == 4 and d["seed"] == 0
    assert "not reproducible" in d["seed_covers"] and "names" in d["not_covered"]
    assert {q["table"] for q in d["queries"]} == {
        "total",
        "users",
        "conversations",
        "facet:language",
        "facet:concerning",
        "facet:n_turns",
    }
    exported = pd.read_parquet(tmp_path / "exp" / "clusters.parquet")
    assert summary["clusters_exported"] == len(exported) > 0
    export_run(result, tmp_path / "exp2", dp=DPParams(epsilon=0.5))
    ledger = read_releases(result.run_dir)
    assert [r["epsilon"] for r in ledger[-2:]] == [1.0, 0.5]
    assert ledger[-1]["out"] == str(tmp_path / "exp2") and "queries" not in ledger[-1]


def test_noise_is_fresh_but_the_bound_follows_the_seed(result):
    a, b = (dp_release(result, DPParams(epsilon=1.0, seed=3)) for _ in range(2))
    assert a.budget["queries"] == b.budget["queries"]
    merged = a.clusters.merge(b.clusters, on="cluster_id")
    assert not np.allclose(merged["share_x"], merged["share_y"])  # OpenDP's CSPRNG, no seed


def test_error_shrinks_as_epsilon_grows(result):
    truth = result.clusters.set_index("cluster_id")
    total = truth.loc[truth["level"] == 0, "n_conversations"].sum()

    def errors(epsilon: float) -> list[float]:
        out = []
        for rep in range(8):
            c = dp_release(result, DPParams(epsilon=epsilon, seed=rep)).clusters.set_index("cluster_id")
            out += list((c["share"] - truth.loc[c.index, "n_conversations"] / total).abs())
            out += list((c["n_users"] - truth.loc[c.index, "n_users"]).abs() / truth.loc[c.index, "n_users"])
        return out

    low, high = errors(0.5), errors(4.0)
    assert len(low) >= 8 * 2 * 6 and len(high) >= len(low)  # both publish the six big clusters
    # the noise scale shrinks about 7 times from 0.5 to 4 (rho 0.0062 -> 0.30)
    assert np.mean(high) < np.mean(low) / 3


def test_contribution_bound_caps_a_heavy_user(tmp_path):
    users = ["h"] * 50 + ["a", "b", "b"] + ["g"] * 30
    rows = pd.DataFrame({"conversation_id": [f"c{i}" for i in range(len(users))], "user_id": users})
    kept = bound_contributions(rows, 4, seed=1)
    assert kept["user_id"].value_counts().to_dict() == {"h": 4, "g": 4, "b": 2, "a": 1}
    assert kept.equals(bound_contributions(rows, 4, seed=1))
    assert not kept.equals(bound_contributions(rows, 4, seed=2))
    # removing one user leaves every other user's choice as it was (what the sensitivity assumes)
    without_h = bound_contributions(rows[rows["user_id"] != "h"], 4, seed=1)
    assert without_h.equals(kept[kept["user_id"] != "h"])
    heavy = fake_result(tmp_path / "run", heavy=2000)
    truth = heavy.clusters.set_index("cluster_id").loc["0-3"]
    c = dp_release(heavy, DPParams(epsilon=4.0)).clusters.set_index("cluster_id").loc["0-3"]
    others = truth["n_conversations"] - 2000
    assert abs(c["n_conversations"] - (others + 4)) < 200  # noise sd ~16; unbounded would be +2000
    assert abs(c["n_users"] - truth["n_users"]) < 100


def test_text_only_where_the_run_showed_it(tmp_path):
    r = fake_result(tmp_path / "run", suppressed=("0-2",))
    c = dp_release(r, DPParams(epsilon=2.0)).clusters.set_index("cluster_id")
    assert (
        c.loc["0-2", "text_withheld"]
        and pd.isna(c.loc["0-2", "name"])
        and pd.isna(c.loc["0-2", "description"])
    )
    assert list(c.loc["0-2", "keywords"]) == []
    assert not c.loc["0-0", "text_withheld"] and c.loc["0-0", "name"] == "Topic 0-0"
    assert c.loc["0-2", "parent_id"] == "1-1"


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"epsilon": 0}, "dp.epsilon"),
        ({"epsilon": -1.0}, "dp.epsilon"),
        ({"epsilon": math.inf}, "dp.epsilon"),
        ({"epsilon": math.nan}, "dp.epsilon"),
        ({"epsilon": True}, "dp.epsilon"),
        ({"epsilon": 1, "delta": 0}, "dp.delta"),
        ({"epsilon": 1, "delta": 1.5}, "dp.delta"),
        ({"epsilon": 1, "max_conversations_per_user": 0}, "dp.max_conversations_per_user"),
        ({"epsilon": 1, "seed": "x"}, "dp.seed"),
    ],
)
def test_params_reject_out_of_range(kwargs, field):
    with pytest.raises(ConfigError, match=f"`{field}`.*got"):
        DPParams(**kwargs)


def test_flags_need_epsilon():
    assert dp_params(None) is None
    with pytest.raises(ConfigError, match="need `--dp-epsilon`"):
        dp_params(None, delta="1e-5")
    with pytest.raises(ConfigError, match="`--dp-max-conversations` must be an int >= 1; got '2.5'"):
        dp_params("1", max_conversations="2.5")


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    cliokit.run(make_conversations(160, n_users=40).drop(columns=["topic"]), out=out, **FAST)
    return out


def test_cli_export_dp_end_to_end_and_report(run_dir, tmp_path, capsys):
    out = tmp_path / "dp"
    assert main(["export", str(run_dir), "--out", str(out), "--dp-epsilon", "1"]) == 0
    assert str(out / "summary.json") in capsys.readouterr().out
    summary = json.loads((out / "summary.json").read_text())
    assert summary["differential_privacy"]["epsilon"] == 1.0
    tau = thresholds(summary["differential_privacy"], "users")
    c = pd.read_parquet(out / "clusters.parquet")
    assert (c["n_users"] >= c["level"].map(tau)).all()  # 40 users: likely nothing passes at epsilon 1
    assert (run_dir / LEDGER).exists()
    html = build_report(ClioResult.load(run_dir), include_map=False)
    assert "Differential privacy" in html and "epsilon 1," in html and "not differentially private" in html


@pytest.mark.parametrize(
    "flags, message",
    [
        (["--dp-epsilon", "0"], "`dp.epsilon` (--dp-epsilon) must be a finite number > 0; got 0.0"),
        (["--dp-epsilon", "-2"], "`dp.epsilon` (--dp-epsilon) must be a finite number > 0; got -2.0"),
        (["--dp-epsilon", "abc"], "`--dp-epsilon` must be a number > 0; got 'abc'"),
        (["--dp-epsilon", "1", "--dp-delta", "x"], "`--dp-delta` must be a number in (0, 1); got 'x'"),
    ],
)
def test_cli_bad_epsilon_is_one_line(run_dir, tmp_path, caplog, flags, message):
    with caplog.at_level(logging.ERROR):
        assert main(["export", str(run_dir), "--out", str(tmp_path / "x"), *flags]) == 1
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [message]
    assert not (tmp_path / "x").exists()
