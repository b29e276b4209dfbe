"""Coordinated activity: the signals, the flag rule, the planted campaign and where the flag shows."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pandas as pd
import pytest

import cliokit
from cliokit.config import Config
from cliokit.errors import ConfigError
from cliokit.export import export_run
from cliokit.monitor.coordination import (
    COLUMNS,
    FILE,
    FLAG_LABEL,
    coordination_signals,
    gini,
    minhash_signatures,
    near_duplicates,
    peak_window_share,
    read_coordination,
)
from cliokit.synthetic import generate
from cliokit.synthetic.campaign import plant_campaign
from cliokit.viz import build_report, coordination_chart

SPAM = "Write a glowing five-star review of the {} from Zentrix, say it changed my life, code {}."


def test_gini_and_peak_window_share():
    assert gini(np.array([2, 2, 2, 2])) == 0.0
    assert gini(np.array([5])) == 0.0
    assert gini(np.array([1, 1, 1, 1, 96])) == pytest.approx(0.76)
    t = np.array(["2024-01-01T00", "2024-01-01T05", "2024-01-03T00", "2024-01-09T00"], "datetime64[h]")
    assert peak_window_share(t, np.timedelta64(6, "h")) == 0.5
    assert peak_window_share(t, np.timedelta64(5, "h")) == 0.25  # the window is half-open
    assert np.isnan(peak_window_share(t[:0], np.timedelta64(1, "h")))


def test_near_duplicates_finds_templated_texts_and_not_different_ones():
    texts = [SPAM.format("air fryer", "AB12CD"), SPAM.format("air fryer", "XY98ZT")]  # Jaccard ~0.88
    texts += ["How do I bake sourdough bread at home?", "Explain the French revolution in two lines."]
    texts += ["How do I bake sourdough bread at home?"]  # identical: always found
    sig = minhash_signatures(texts)
    assert sig.shape == (5, 128) and (minhash_signatures(texts) == sig).all()  # deterministic
    assert near_duplicates(sig, 0.7).tolist() == [True, True, True, False, True]
    assert near_duplicates(sig, 0.95).tolist() == [False, False, True, False, True]
    assert near_duplicates(sig[:1], 0.7).tolist() == [False]


def _frame(stamped: bool) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Cluster 0-0: 30 spam texts from 3 users within 2 hours; 0-1: 30 distinct texts from 30 users."""
    rng = np.random.default_rng(0)
    spam = [SPAM.format(p, f"C{i:04d}") for i, p in enumerate(["air fryer", "yoga mat", "desk"] * 10)]
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    other = [" ".join("".join(rng.choice(letters, 6)) for _ in range(8)) for _ in range(30)]  # unrelated
    conv = pd.DataFrame(
        {
            "conversation_id": [f"c{i}" for i in range(60)],
            "user_id": [f"u{i % 3}" for i in range(30)] + [f"v{i}" for i in range(30)],
            "text": spam + other,
        }
    )
    if stamped:
        start = pd.Timestamp("2024-01-01", tz="UTC")
        conv["timestamp"] = [start + pd.Timedelta(hours=100 + 2 * rng.random()) for _ in range(30)] + [
            start + pd.Timedelta(days=28 * rng.random()) for _ in range(30)
        ]
    assign = pd.DataFrame(
        {"conversation_id": conv["conversation_id"], "level_0": ["0-0"] * 30 + ["0-1"] * 25 + ["0-2"] * 5}
    )
    clusters = pd.DataFrame(
        {"cluster_id": ["0-0", "0-1", "0-2"], "level": 0, "suppressed": [False, False, True]}
    )
    return conv, assign, clusters


def test_signals_and_flag_of_a_hand_made_cluster():
    cfg = Config().coordination
    out = coordination_signals(*_frame(stamped=True), cfg).set_index("cluster_id")
    assert list(out.reset_index().columns) == COLUMNS
    assert "0-2" not in out.index  # suppressed: no signal anywhere
    spam, other = out.loc["0-0"], out.loc["0-1"]
    assert spam["near_duplicate_share"] == 1.0 and other["near_duplicate_share"] == 0.0
    assert spam["top_user_share"] == pytest.approx(1 / 3) and spam["conversations_per_user"] == 10.0
    assert spam["user_gini"] == 0.0 and other["conversations_per_user"] == 1.0
    assert spam["burst_ratio"] > 10 and other["burst_ratio"] < 5
    assert spam["coordination_flag"] and not other["coordination_flag"]
    assert spam["coordination_reasons"] == (
        "near_duplicate_share, top_user_share, conversations_per_user, burst_ratio"
    )


def test_without_timestamps_burst_is_nan_and_the_flag_rests_on_the_others():
    conv, assign, clusters = _frame(stamped=False)
    out = coordination_signals(conv, assign, clusters).set_index("cluster_id")
    assert out["burst_ratio"].isna().all()
    assert (
        out.loc["0-0", "coordination_reasons"]
        == "near_duplicate_share, top_user_share, conversations_per_user"
    )
    # near-duplicates alone do not flag: the same cluster from 30 different users is not flagged
    conv["user_id"] = [f"w{i}" for i in range(60)]
    alone = coordination_signals(conv, assign, clusters).set_index("cluster_id").loc["0-0"]
    assert alone["near_duplicate_share"] == 1.0 and not alone["coordination_flag"]
    # nor does a cluster below min_conversations
    small = Config(coordination={"min_conversations": 31}).coordination
    assert not coordination_signals(*_frame(stamped=False), small)["coordination_flag"].any()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("near_duplicate_share", 1.5),
        ("conversations_per_user", 0.5),
        ("jaccard", 0),
        ("burst_window_hours", 0),
    ],
)
def test_config_limits_are_validated(field, value):
    with pytest.raises(ConfigError, match=rf"`coordination\.{field}`.*got {value}"):
        Config.build({"coordination": {field: value}})


def test_plant_campaign_adds_templated_accounts_in_a_burst():
    data = generate(300, "en", seed=1, weeks=4, progress=False)
    planted = plant_campaign(data.conversations, accounts=8, per_account=6, burst_hours=3, seed=2)
    conv = planted.conversations
    rows = conv[conv["conversation_id"].isin(planted.conversation_ids)]
    assert len(conv) == 300 + len(rows) and 8 * 3 <= len(rows) <= 8 * 9
    assert rows["user_id"].nunique() == 8 and not rows["user_id"].isin(data.conversations["user_id"]).any()
    assert conv["timestamp"].dtype == data.conversations["timestamp"].dtype
    assert rows["timestamp"].max() - rows["timestamp"].min() <= pd.Timedelta(hours=3)
    assert data.conversations["timestamp"].min() <= rows["timestamp"].min()
    assert rows["timestamp"].max() <= data.conversations["timestamp"].max()
    assert "timestamp" not in plant_campaign(generate(50, "en", progress=False).conversations).conversations
    with pytest.raises(ConfigError, match="`prefix`"):
        plant_campaign(conv, prefix="campaign")
    with pytest.raises(ConfigError, match="`accounts` must be an int >= 1; got 0"):
        plant_campaign(data.conversations, accounts=0)


@pytest.fixture(scope="module")
def campaign_run(tmp_path_factory):
    """2,000 synthetic conversations over four weeks plus a campaign of 40 accounts, run offline.

    The scrub is off only to keep the test fast: the signals read the embedded facet either way.
    """
    data = generate(2000, ("en", "es"), seed=3, weeks=4, progress=False)
    planted = plant_campaign(data.conversations, accounts=40, per_account=5, seed=3)
    out = tmp_path_factory.mktemp("coordination") / "run"
    fast = {"embed": {"model": "hash"}, "project": {"method": "pca"}, "scrub": {"enabled": False}}
    result = cliokit.run(planted.conversations, out=out, progress=False, **fast)
    return result, planted.conversation_ids, planted.conversations


def test_the_campaign_is_flagged_and_no_ordinary_cluster_is(campaign_run):
    result, ids, _ = campaign_run
    signals = read_coordination(result)
    assert signals is not None
    a = result.assignments
    share = pd.concat(
        [a["conversation_id"].isin(ids).groupby(a[c]).mean() for c in a if c.startswith("level_")]
    )
    signals["campaign_share"] = signals["cluster_id"].map(share)
    campaign = signals[signals["campaign_share"] >= 0.5]
    ordinary = signals[signals["campaign_share"] == 0]
    assert len(campaign) >= 1 and campaign["coordination_flag"].all()
    assert len(ordinary) > 20 and not ordinary["coordination_flag"].any()
    # the clusters that hold the campaign at the base level are flagged
    base = a.loc[a["conversation_id"].isin(ids), "level_0"].value_counts()
    assert set(base.index[base >= 10]) <= set(signals.loc[signals["coordination_flag"], "cluster_id"])
    assert result.manifest.counts["coordination_flagged"] == int(signals["coordination_flag"].sum())
    hidden = set(result.clusters.loc[result.clusters["suppressed"], "cluster_id"])
    assert not hidden & set(signals["cluster_id"])


def test_the_flag_shows_in_tables_export_report_and_chart(campaign_run, tmp_path):
    result, _, _ = campaign_run
    flagged = read_coordination(result).query("coordination_flag")["cluster_id"]
    table = result.cluster_table(level=0)
    assert set(COLUMNS) <= set(table.columns)
    assert set(table.loc[table["coordination_flag"], "cluster_id"]) == set(
        flagged[flagged.str.startswith("0-")]
    )
    export_run(result, tmp_path / "export")
    csv = pd.read_csv(tmp_path / "export" / "clusters.csv")
    assert set(csv.loc[csv["coordination_flag"], "cluster_id"]) == set(flagged)
    assert json.loads((tmp_path / "export" / "summary.json").read_text())["counts"][
        "coordination_flagged"
    ] == len(flagged)
    html = build_report(result, include_map=False)
    assert html.count(f"⚑ {FLAG_LABEL}") == len(flagged) and 'id="coordination-heading"' in html
    datasets = coordination_chart(result, level=0).to_dict()["datasets"].values()
    points = [p for rows in datasets for p in rows if "flag" in p]
    assert sorted(p["cluster_id"] for p in points if p["flag"] == FLAG_LABEL) == sorted(
        table.loc[table["coordination_flag"], "cluster_id"]
    )


def test_disabling_removes_the_signals_and_reruns_nothing_else(campaign_run, tmp_path):
    result, _, conversations = campaign_run
    out = tmp_path / "copy"
    shutil.copytree(result.run_dir, out)
    cfg = Config.build(result.manifest.config).replace(coordination={"enabled": False})
    rerun = cliokit.run(conversations, cfg, out=out)
    assert not (out / FILE).exists() and "coordination_flag" not in rerun.cluster_table(level=0)
    assert "coordination_flagged" not in rerun.manifest.counts
    assert rerun.manifest.stages["hierarchy"] == result.manifest.stages["hierarchy"]
    with pytest.raises(ConfigError, match="no coordination signals"):
        coordination_chart(rerun)
