"""Time: synthetic timestamps and trends, cluster shares over time with suppressed cells, growth, chart."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import altair as alt
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cliokit
from cliokit import viz
from cliokit.embedders import PrecomputedEmbeddings
from cliokit.errors import CliokitError, ConfigError
from cliokit.monitor.trends import cluster_shares_over_time, growth
from cliokit.result import ClioResult
from cliokit.rundir import Manifest
from cliokit.synthetic import generate

from .conftest import make_conversations

MONDAY = pd.Timestamp("2024-01-01", tz="UTC")


def make_result(
    rows: pd.DataFrame, parents: dict[str, str] | None = None, suppressed=(), **resolved
) -> ClioResult:
    """A finished run by hand: ``rows`` has user_id, timestamp, level_0 (and level_1 with ``parents``)."""
    rows = rows.reset_index(drop=True)
    rows["conversation_id"] = [f"c{i}" for i in range(len(rows))]
    levels = [c for c in ("level_0", "level_1") if c in rows]
    clusters = []
    for depth, col in enumerate(levels):
        for cid, size in rows[col].value_counts().items():
            clusters.append(
                {
                    "cluster_id": cid,
                    "level": depth,
                    "parent_id": (parents or {}).get(cid),
                    "name": f"cluster {cid}",
                    "n_conversations": size,
                    "suppressed": cid in suppressed,
                }
            )
    privacy = {"min_conversations": 5, "min_users": 3} | resolved
    return ClioResult(
        Path("hand-made"),
        rows[["conversation_id", "user_id", "timestamp"]],
        rows[["conversation_id", *levels]],
        pd.DataFrame(clusters),
        pd.DataFrame({"conversation_id": rows["conversation_id"], "x": 0.0, "y": 0.0}),
        Manifest(resolved={"privacy": privacy}),
    )


def cells(spec: dict[tuple[int, str], int], distinct_users: bool = True) -> pd.DataFrame:
    """Rows for ``{(week, cluster): conversations}``; every conversation its own user when asked."""
    rows = []
    for (week, cluster), n in spec.items():
        for i in range(n):
            user = f"u{week}-{cluster}-{i}" if distinct_users else "same"
            rows.append(
                {"user_id": user, "timestamp": MONDAY + pd.Timedelta(weeks=week, hours=i), "level_0": cluster}
            )
    return pd.DataFrame(rows)


# ----------------------------------------------------------------------------------------------
# shares over time
# ----------------------------------------------------------------------------------------------


def test_shares_divide_by_the_whole_bucket_and_a_lone_hidden_cell_takes_a_partner():
    # week 0: A 10, B 12, C 2 (too small); week 1: A 10, B 12, C 10
    result = make_result(
        cells({(0, "A"): 10, (0, "B"): 12, (0, "C"): 2, (1, "A"): 10, (1, "B"): 12, (1, "C"): 10})
    )
    out = cluster_shares_over_time(result, level=0)
    # C's week-0 cell is hidden; alone, week 0's total would give it away, so A (the smallest) is
    # hidden too; then A's column has one hidden cell, so A's week 1 goes, then C's week 1 (the
    # smallest left in week 1). B stays, with its share of the whole bucket.
    assert out[["bucket", "cluster_id", "conversations", "users"]].to_dict("records") == [
        {"bucket": MONDAY, "cluster_id": "B", "conversations": 12, "users": 12},
        {"bucket": MONDAY + pd.Timedelta(weeks=1), "cluster_id": "B", "conversations": 12, "users": 12},
    ]
    assert out["share"].tolist() == [12 / 24, 12 / 32]
    assert out["name"].tolist() == ["cluster B"] * 2
    assert str(out["bucket"].dtype) == "datetime64[ns, UTC]"
    assert out.attrs == {
        "level": 0,
        "freq": "W",
        "min_conversations": 5,
        "min_users": 3,
        "n_with_time": 56,
        "n_without_time": 0,
    }


def test_thresholds_default_to_the_run_and_count_users_too():
    spec = {(0, "A"): 6, (0, "B"): 20, (0, "C"): 25}
    assert set(cluster_shares_over_time(make_result(cells(spec)), 0)["cluster_id"]) == {"A", "B", "C"}
    strict = make_result(cells(spec), min_conversations=7)  # the run's own threshold
    assert set(cluster_shares_over_time(strict, 0)["cluster_id"]) == {"C"}  # A, then B to cover it
    assert set(cluster_shares_over_time(strict, 0, min_conversations=5)["cluster_id"]) == {"A", "B", "C"}
    one_user = make_result(
        pd.concat([cells({(0, "A"): 9}, distinct_users=False), cells({(0, "B"): 20, (0, "C"): 20})])
    )
    assert "A" not in set(cluster_shares_over_time(one_user, 0)["cluster_id"])  # 9 conversations, 1 user


def test_buckets_are_utc_weeks_from_monday_and_calendar_months():
    times = [
        "2024-01-07T23:59:59Z",
        "2024-01-08T00:30:00+01:00",
        "2024-01-08T00:00:00Z",
        "2024-01-31T23:59:00Z",
    ]
    rows = pd.DataFrame(
        {
            "user_id": [f"u{i}" for i in range(40)],
            "timestamp": pd.to_datetime([times[i % 4] for i in range(40)], utc=True),
            "level_0": "A",
        }
    )
    result = make_result(rows, min_conversations=2, min_users=2)
    weeks = cluster_shares_over_time(result, 0, "W").set_index("bucket")["conversations"]
    assert weeks.to_dict() == {
        MONDAY: 20,
        pd.Timestamp("2024-01-08", tz="UTC"): 10,
        pd.Timestamp("2024-01-29", tz="UTC"): 10,
    }
    months = cluster_shares_over_time(result, 0, "M")
    assert months[["bucket", "conversations", "share"]].to_dict("records") == [
        {"bucket": MONDAY, "conversations": 40, "share": 1.0}
    ]
    days = cluster_shares_over_time(result, 0, "D")["bucket"].dt.day.tolist()
    assert days == [7, 8, 31]


def test_conversations_without_a_time_are_left_out_and_counted():
    rows = cells({(0, "A"): 10, (0, "B"): 10})
    rows.loc[:3, "timestamp"] = pd.NaT
    out = cluster_shares_over_time(make_result(rows), 0)
    assert out.attrs["n_without_time"] == 4 and out.attrs["n_with_time"] == 16
    assert out["conversations"].sum() == 16 and out["share"].sum() == pytest.approx(1.0)


def test_errors_name_the_problem():
    result = make_result(cells({(0, "A"): 10}))
    with pytest.raises(ConfigError, match="`freq` must be one of D, W, M; got 'Y'"):
        cluster_shares_over_time(result, 0, "Y")
    with pytest.raises(ConfigError, match="`min_users` must be an int >= 2"):
        cluster_shares_over_time(result, 0, min_users=1)
    no_time = make_result(cells({(0, "A"): 10}).assign(timestamp=pd.NaT))
    with pytest.raises(CliokitError, match="none of the 10 clustered conversations has a timestamp"):
        cluster_shares_over_time(no_time, 0)
    old = replace(result, facets=result.facets.drop(columns="timestamp"))
    with pytest.raises(CliokitError, match="facets.parquet has no timestamp column"):
        cluster_shares_over_time(old, 0)
    bare = replace(result, manifest=Manifest())
    with pytest.raises(CliokitError, match="no resolved privacy.min_conversations"):
        cluster_shares_over_time(bare, 0)
    assert len(cluster_shares_over_time(bare, 0, min_conversations=5, min_users=3)) == 1
    with pytest.raises(ConfigError, match="`min_buckets` must be an int >= 2"):
        growth(cluster_shares_over_time(result, 0), min_buckets=1)
    with pytest.raises(ConfigError, match="must come from cluster_shares_over_time"):
        growth(pd.DataFrame({"cluster_id": []}))


@st.composite
def runs(draw):
    """A random two-level run: clusters, parents, users, times (some missing) and suppressed clusters."""
    n = draw(st.integers(20, 300))
    n_base = draw(st.integers(2, 8))
    parents = {f"0-{b}": f"1-{draw(st.integers(0, min(2, n_base - 1)))}" for b in range(n_base)}
    seed = draw(st.integers(0, 2**31))
    rng = np.random.default_rng(seed)
    base = rng.choice(n_base, size=n, p=rng.dirichlet(np.ones(n_base)))
    level_0 = np.array([f"0-{b}" for b in base])
    times = MONDAY + pd.to_timedelta(rng.integers(0, draw(st.integers(1, 6)) * 7 * 86400, size=n), unit="s")
    rows = pd.DataFrame(
        {
            "user_id": [f"u{u}" for u in rng.integers(0, draw(st.integers(3, 80)), size=n)],
            "timestamp": pd.Series(times).where(rng.random(n) > 0.1),
            "level_0": level_0,
            "level_1": [parents[c] for c in level_0],
        }
    )
    used = sorted({*rows["level_0"], *rows["level_1"]})
    suppressed = draw(st.sets(st.sampled_from(used), max_size=2))
    parents = {c: p for c, p in parents.items() if c in set(level_0)}
    return make_result(rows, parents, suppressed), draw(st.integers(2, 8)), draw(st.integers(2, 5))


@settings(max_examples=40, deadline=None)
@given(runs())
def test_no_suppressed_cell_is_shown_or_left_alone_to_be_subtracted(case):
    result, min_conv, min_users = case
    f = result.facets.merge(result.assignments, on="conversation_id").dropna(subset=["timestamp"])
    week = f["timestamp"].dt.tz_convert(None).dt.to_period("W-SUN").dt.start_time.dt.tz_localize("UTC")
    suppressed = set(result.clusters.loc[result.clusters["suppressed"], "cluster_id"])
    raw, shown = {}, {}
    for level in (0, 1):
        g = f.groupby([week, f[f"level_{level}"]])["user_id"]
        raw[level] = pd.DataFrame({"conversations": g.size(), "users": g.nunique()})
        out = cluster_shares_over_time(result, level, min_conversations=min_conv, min_users=min_users)
        shown[level] = set(zip(out["bucket"], out["cluster_id"], strict=True))
        totals = week.value_counts()
        for row in out.itertuples():
            truth = raw[level].loc[(row.bucket, row.cluster_id)]
            assert row.conversations == truth["conversations"] >= min_conv
            assert row.users == truth["users"] >= min_users
            assert row.cluster_id not in suppressed
            assert row.share == pytest.approx(row.conversations / totals[row.bucket])

    def check(group: list[tuple[int, object, str]]) -> None:
        hidden = [c for c in group if (c[1], c[2]) not in shown[c[0]]]
        assert len(hidden) != 1 or len(hidden) == len(group), group

    for level in (0, 1):
        keys = raw[level].index
        for bucket in keys.get_level_values(0).unique():
            check([(level, b, c) for b, c in keys if b == bucket])
        for cluster in set(keys.get_level_values(1)) - suppressed:
            check([(level, b, c) for b, c in keys if c == cluster])
    parent_of = result.clusters.set_index("cluster_id")["parent_id"]
    for bucket, parent in raw[1].index:
        children = [(0, b, c) for b, c in raw[0].index if b == bucket and parent_of[c] == parent]
        check([(1, bucket, parent), *children])


# ----------------------------------------------------------------------------------------------
# growth
# ----------------------------------------------------------------------------------------------


def test_growth_is_the_least_squares_slope_of_share_per_bucket():
    spec = {}
    for w in range(6):  # 150 conversations a week
        spec |= {(w, "up"): 20 + 10 * w, (w, "down"): 80 - 10 * w, (w, "flat"): 50}
    g = growth(cluster_shares_over_time(make_result(cells(spec)), 0))
    assert g["cluster_id"].tolist() == ["up", "flat", "down"]
    assert g["direction"].tolist() == ["growing", "flat", "shrinking"]
    up = g.iloc[0]
    assert up["slope"] == pytest.approx(10 / 150) and up["change"] == pytest.approx(50 / 150)
    assert up["first_share"] == pytest.approx(20 / 150) and up["last_share"] == pytest.approx(70 / 150)
    assert up["n_buckets"] == 6 and up["name"] == "cluster up"


def test_growth_spaces_buckets_by_time_and_skips_thin_clusters():
    spec = {(w, "steady"): 50 for w in range(6)}
    spec |= {(0, "gappy"): 30, (1, "gappy"): 30, (4, "gappy"): 30, (5, "gappy"): 60}  # weeks 2, 3 empty
    spec |= {(0, "rare"): 40, (5, "rare"): 40}  # two buckets: not ranked by default
    shares = cluster_shares_over_time(make_result(cells(spec)), 0)
    row = growth(shares).set_index("cluster_id")
    assert "rare" not in row.index and "rare" in set(growth(shares, min_buckets=2)["cluster_id"])
    s = shares[shares["cluster_id"] == "gappy"]
    x = ((s["bucket"] - MONDAY).dt.days // 7).to_numpy()
    slope, intercept = np.polyfit(x, s["share"].to_numpy(), 1)
    assert x.tolist() == [0, 1, 4, 5]
    assert row.loc["gappy", "slope"] == pytest.approx(slope)
    assert row.loc["gappy", "first_share"] == pytest.approx(intercept)
    assert row.loc["gappy", "last_share"] == pytest.approx(intercept + 5 * slope)
    assert row.loc["gappy", "n_buckets"] == 4
    empty = growth(shares.iloc[:0])
    assert empty.empty and list(empty.columns) == list(growth(shares).columns)


@pytest.mark.slow
def test_a_planted_trend_in_synthetic_data_is_the_fastest_growing_cluster(tmp_path):
    data = generate(
        1200, "en", seed=5, weeks=6, concern_rate=0.0, trend="travel", trend_ratio=6.0, progress=False
    )
    codes, categories = pd.factorize(data.labels["category"])
    noise = np.random.default_rng(0).normal(0, 0.05, (len(codes), len(categories)))
    result = cliokit.run(
        data.conversations,
        out=tmp_path / "r",
        embedder=PrecomputedEmbeddings(np.eye(len(categories))[codes] + noise),  # clusters = categories
        embed={"model": "hash"},
        project={"method": "pca"},
        scrub={"enabled": False},
        cluster={"k": len(categories)},
        progress=False,
    )
    given = data.conversations.set_index("conversation_id")["timestamp"]
    kept = result.facets.set_index("conversation_id")["timestamp"]
    assert kept.reindex(given.index).tolist() == given.tolist()
    assert result.manifest.counts["bad_timestamp"] == 0
    ranked = growth(cluster_shares_over_time(result, level=0))
    travel = (
        (data.labels.set_index("conversation_id")["category"] == "travel")
        .groupby(result.assignments.set_index("conversation_id")["level_0"])
        .mean()
    )
    assert travel[ranked["cluster_id"].iloc[0]] > 0.95
    assert travel[ranked["cluster_id"].iloc[-1]] < 0.05


def test_changing_only_timestamps_recomputes_the_facets(tmp_path):
    df = make_conversations(60, n_users=20).drop(columns=["topic"])
    df["created_at"] = [f"2024-01-{1 + i % 28:02d}T10:00:00Z" for i in range(len(df))]
    kw = {
        "embed": {"model": "hash"},
        "project": {"method": "pca"},
        "scrub": {"enabled": False},
        "progress": False,
    }
    first = cliokit.run(df, out=tmp_path / "r", **kw)
    assert first.facets["timestamp"].dt.day.tolist() == [1 + i % 28 for i in range(len(df))]
    df["created_at"] = "1714564800"
    second = cliokit.run(df, out=tmp_path / "r", **kw)
    assert (second.facets["timestamp"] == pd.Timestamp("2024-05-01 12:00", tz="UTC")).all()
    assert second.manifest.stages["facets"].fingerprint != first.manifest.stages["facets"].fingerprint


# ----------------------------------------------------------------------------------------------
# chart
# ----------------------------------------------------------------------------------------------


def test_share_over_time_chart_draws_only_published_cells():
    spec = {}
    for w in range(6):
        spec |= {(w, "up"): 20 + 10 * w, (w, "down"): 80 - 10 * w, (w, "flat"): 50}
    spec |= {(w, tiny): 2 for w in range(6) for tiny in ("tiny", "small")}  # always below the threshold
    spec[(3, "up")] = 0  # a gap
    result = make_result(cells({k: v for k, v in spec.items() if v}))
    chart = viz.share_over_time_chart(result, level=0, top=2)
    assert isinstance(chart, alt.LayerChart)
    d = chart.to_dict()  # validates against the Vega-Lite schema
    rows = [row for rows in d["datasets"].values() for row in rows]
    published = cluster_shares_over_time(result, 0)
    shown = {(pd.Timestamp(r["bucket"]), r["cluster_id"]) for r in rows if r["share"] is not None}
    assert shown <= set(zip(published["bucket"], published["cluster_id"], strict=True))
    assert {r["cluster_id"] for r in rows} <= {"up", "down", "flat"}
    assert "cluster tiny" not in json.dumps(d) and "cluster small" not in json.dumps(d)
    labels = {r["cluster_id"]: r["label"] for r in rows}
    assert labels["up"].startswith("▲") and labels["down"].startswith("▼")
    gap = [
        r
        for r in rows
        if r["cluster_id"] == "up" and pd.Timestamp(r["bucket"]) == MONDAY + pd.Timedelta(weeks=3)
    ]
    assert len(gap) == 1 and gap[0]["share"] is None
    assert not {"user_id", "conversation_id"} & {k for r in rows for k in r}
    with pytest.raises(ConfigError, match="`top` must be an int >= 1"):
        viz.share_over_time_chart(result, top=0)


# ----------------------------------------------------------------------------------------------
# synthetic timestamps
# ----------------------------------------------------------------------------------------------


def test_synthetic_timestamps_are_seeded_spread_and_optional():
    plain = generate(50, "en", seed=2, progress=False)
    assert "timestamp" not in plain.conversations and "weeks" not in plain.params
    a = generate(400, "en", seed=2, weeks=3, start="2024-03-04", progress=False)
    b = generate(400, "en", seed=2, weeks=3, start="2024-03-04", progress=False)
    ts = a.conversations["timestamp"]
    assert ts.equals(b.conversations["timestamp"]) and str(ts.dtype) == "datetime64[ns, UTC]"
    assert ts.min() >= pd.Timestamp("2024-03-04", tz="UTC") and ts.max() < pd.Timestamp(
        "2024-03-25", tz="UTC"
    )
    assert (ts.dt.microsecond == 0).all() and ts.dt.tz_convert(None).dt.to_period("W").nunique() == 3
    assert a.conversations.drop(columns="timestamp").equals(
        generate(400, "en", seed=2, progress=False).conversations
    )
    assert a.params["weeks"] == 3 and a.params["start"] == "2024-03-04T00:00:00+00:00"


@pytest.mark.parametrize("ratio", [6.0, 1 / 6])
def test_synthetic_trend_rises_or_falls_by_the_ratio(ratio):
    data = generate(4000, "en", seed=1, weeks=8, trend="cooking", trend_ratio=ratio, progress=False)
    late = data.conversations["timestamp"] >= pd.Timestamp("2024-01-29", tz="UTC")  # second half
    cooking = (data.labels["category"] == "cooking").to_numpy()
    early_share, late_share = cooking[~late.to_numpy()].mean(), cooking[late.to_numpy()].mean()
    # density 1 + (r - 1) x: the late half holds (3r + 1) / (r + 3) = 2.1 times the early one
    assert (late_share > 1.8 * early_share) if ratio > 1 else (early_share > 1.8 * late_share)
    other = (data.labels["category"] == "travel").to_numpy()
    assert other[late.to_numpy()].mean() == pytest.approx(other[~late.to_numpy()].mean(), rel=0.35)


def test_synthetic_time_arguments_are_checked():
    with pytest.raises(ConfigError, match="`trend` needs `weeks`"):
        generate(10, "en", trend="travel", progress=False)
    with pytest.raises(ConfigError, match="`trend` must be a subtopic or category id"):
        generate(10, "en", weeks=2, trend="nope", progress=False)
    with pytest.raises(ConfigError, match="`weeks` must be an integer from 1 to 520"):
        generate(10, "en", weeks=0, progress=False)
    with pytest.raises(ConfigError, match="`start` must be an ISO date"):
        generate(10, "en", weeks=2, start="someday", progress=False)
    with pytest.raises(ConfigError, match="`start` must be an ISO date"):
        generate(10, "en", weeks=2, start=None, progress=False)
    with pytest.raises(ConfigError, match="`trend_ratio` must be a number > 0"):
        generate(10, "en", weeks=2, trend="travel", trend_ratio=0, progress=False)
    subtopic = generate(600, "en", seed=3, weeks=4, trend="coding.debug", trend_ratio=10, progress=False)
    assert subtopic.params["trend"] == "coding.debug"
