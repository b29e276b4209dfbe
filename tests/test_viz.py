"""Views: every chart on one small run with suppressed clusters, data helpers on a hand-made run."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import warnings
from collections import Counter
from dataclasses import replace
from pathlib import Path

import altair as alt
import numpy as np
import pandas as pd
import pytest

import cliokit
from cliokit import viz
from cliokit.backends.scripted import ScriptedBackend
from cliokit.errors import ConfigError
from cliokit.result import ClioResult
from cliokit.rundir import Manifest
from cliokit.viz.save import javascript_bundle
from cliokit.viz.tables import map_domain as map_domain_of
from tests.llm_stub import scripted_answer

from .conftest import make_conversations

#: Names given to one base cluster and one top-level cluster; the audit rejects both.
CANARIES = ("Zebracorn Canary Street 17", "Quokka Canary Avenue 9")
#: A name with HTML metacharacters that passes the audit (the report must escape it).
MARKUP_NAME = "<b>Fish & Chips</b>"


def scripted_run(out: Path) -> ClioResult:
    """160 conversations, k=8; base cluster 0 and top-level cluster 0 suppressed by the audit."""

    def script(request):
        answer = scripted_answer(request)
        if request.task == "name_cluster" and request.id == "cluster-0":
            answer = answer.replace("<name>", f"<name>{CANARIES[0]} ")
        if request.task == "name_cluster" and request.id == "cluster-1":
            answer = answer.replace("<name>", "<name>&lt;b&gt;Fish &amp; Chips&lt;/b&gt; ")
        if request.task == "rename" and request.id == "rename-1-0":
            answer = answer.replace("<name>", f"<name>{CANARIES[1]} ")
        if request.task == "audit" and any(c in request.messages[-1]["content"] for c in CANARIES):
            return "<justification>names a street</justification><rating>1</rating>"
        return answer

    df = make_conversations(160, n_users=40).drop(columns=["topic"])
    return cliokit.run(
        df,
        out=out,
        backend=ScriptedBackend(script),
        embed={"model": "hash"},
        project={"method": "pca"},
        cluster={"k": 8},
        progress=False,
    )


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> ClioResult:
    result = scripted_run(tmp_path_factory.mktemp("viz") / "run")
    c = result.clusters.set_index("cluster_id")
    assert c.loc["0-0", "suppressed"] and c.loc["1-0", "suppressed"]
    return result


def leaks(text: str, result: ClioResult) -> list[str]:
    """Private strings found in ``text``: canaries, request texts, conversation and user ids."""
    f = result.facets
    found = [s for s in (*CANARIES, *f["request"].dropna().unique()) if s in text]
    ids = {*f["conversation_id"], *f["user_id"]}
    return found + [i for i in ids if re.search(rf"\b{re.escape(i)}\b", text)]


def flags_for(result: ClioResult) -> pd.Series:
    f = result.facets
    return pd.Series((f["n_turns"] > 1).to_numpy(), index=f["conversation_id"].to_numpy())


CHARTS = {
    "map": lambda r: viz.map_chart(r),
    "map_level0": lambda r: viz.map_chart(r, level=0),
    "map_language": lambda r: viz.map_chart(r, color="language"),
    "map_concerning": lambda r: viz.map_chart(r, color="concerning"),
    "map_chars": lambda r: viz.map_chart(r, color="user_chars"),
    "icicle": lambda r: viz.icicle_chart(r),
    "treemap": lambda r: viz.treemap_chart(r),
    "treemap_level0": lambda r: viz.treemap_chart(r, level=0),
    "linked": lambda r: viz.linked_view(r),
    "linked_treemap": lambda r: viz.linked_view(r, tree="treemap", level=0),
    "breakdown": lambda r: viz.facet_breakdown_chart(r, viz.cluster_table(r, 0)["cluster_id"].iloc[0]),
    "shares": lambda r: viz.top_level_shares_chart(r),
    "languages": lambda r: viz.language_overrepresentation_chart(r),
    "concerning": lambda r: viz.concerning_chart(r, min_conversations=1),
    "monitoring": lambda r: viz.classifier_monitoring_chart(r, flags_for(r)),
    "compare_subsets": lambda r: viz.compare_chart(r, subsets=flags_for(r)),
    "compare_runs": lambda r: viz.compare_chart(r, r, labels=("before", "after")),
}


def _records(spec: dict) -> list[dict]:
    return [row for rows in spec.get("datasets", {}).values() for row in rows]


def _fields(spec: object) -> set[str]:
    """Every ``field`` named anywhere in a spec (encodings, tooltips, sorts)."""
    out: set[str] = set()
    if isinstance(spec, dict):
        if isinstance(spec.get("field"), str):
            out.add(spec["field"])
        for v in spec.values():
            out |= _fields(v)
    elif isinstance(spec, list):
        for v in spec:
            out |= _fields(v)
    return out


@pytest.mark.parametrize("name", list(CHARTS))
def test_chart_validates_and_shows_nothing_private(run, name):
    chart = CHARTS[name](run)
    assert isinstance(chart, alt.TopLevelMixin)
    spec = chart.to_dict()  # validates against the Vega-Lite schema
    text = json.dumps(spec, allow_nan=False, ensure_ascii=False)
    assert not leaks(text, run), name
    forbidden = {"request", "task", "conversation_id", "user_id", "facet_error", "facet_source"}
    assert not _fields(spec) & forbidden
    assert not {k for row in _records(spec) for k in row} & forbidden


def test_package_exports_resolve_and_cli_import_is_light():
    assert set(viz.__all__) == set(viz._EXPORTS)
    for name in viz.__all__:
        assert getattr(viz, name) is not None
    code = "import sys, cliokit.viz.cli; print('altair' in sys.modules or 'pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_map_chart_encodings_title_and_grey_points(run):
    spec = viz.map_chart(run).to_dict()
    grey, shown = spec["layer"]
    assert {"x", "y", "opacity", "tooltip"} <= set(shown["encoding"])
    assert shown["encoding"]["color"]["field"] == "cluster"
    tips = {t["field"] for t in shown["encoding"]["tooltip"]}
    assert tips == {"cluster", "cluster_id", "language", "concerning", "n_turns"}
    assert "showing 160 of 160 conversations" in json.dumps(spec["title"])
    # the top-level cluster 1-0 is suppressed: its points are grey, unnamed, without facets
    size = int(run.clusters.set_index("cluster_id").loc["1-0", "n_conversations"])
    rows = spec["datasets"][grey["data"]["name"]]
    assert len(rows) == size and {r["cluster"] for r in rows} == {"suppressed"}
    assert set(rows[0]) == {"x", "y", "cluster", "path", "outside", "marker"}
    assert grey["encoding"]["tooltip"] == [{"field": "cluster", "title": "cluster", "type": "nominal"}]
    legend = shown["encoding"]["color"]["scale"]["domain"]
    assert set(legend) == set(viz.cluster_table(run)["label"])


def test_map_subsamples_deterministically_with_a_stated_cap(run):
    a = viz.map_points(run, max_points=50, seed=1)
    b = viz.map_points(run, max_points=50, seed=1)
    c = viz.map_points(run, max_points=50, seed=2)
    assert len(a) == 50 and a.attrs["n_total"] == 160
    pd.testing.assert_frame_equal(a, b)
    assert not a[["x", "y"]].equals(c[["x", "y"]])
    spec = viz.map_chart(run, max_points=50).to_dict()
    assert "showing 50 of 160 conversations" in json.dumps(spec["title"])
    assert len(_records(spec)) == 50
    with pytest.raises(ConfigError, match="max_points"):
        viz.map_points(run, max_points=0)


def spread(xy: np.ndarray) -> ClioResult:
    """A one-cluster run whose projection is ``xy`` (one conversation per row)."""
    n = len(xy)
    ids = [f"s{i:05d}" for i in range(n)]
    facets = pd.DataFrame(
        {"conversation_id": ids, "user_id": ids, "language": "en", "concerning": 1, "n_turns": 1}
    )
    assignments = pd.DataFrame({"conversation_id": ids, "level_0": "0-0", "level_1": "1-0"})
    clusters = pd.DataFrame(
        {
            "cluster_id": ["0-0", "1-0"],
            "level": [0, 1],
            "parent_id": ["1-0", None],
            "name": ["Bulk", "All"],
            "description": ["b", "a"],
            "n_conversations": [n, n],
            "n_users": [n, n],
            "suppressed": [False, False],
            "suppressed_reason": [None, None],
            "audit_rating": pd.array([5, 5], dtype="Int64"),
            "keywords": [["b"], ["a"]],
        }
    )
    projection = pd.DataFrame({"conversation_id": ids, "x": xy[:, 0], "y": xy[:, 1]})
    manifest = Manifest(config={"project": {"method": "umap"}})
    return ClioResult(Path("spread"), facets, assignments, clusters, projection, manifest)


def _bulk(kind: str, n: int, rng: np.random.Generator) -> np.ndarray:
    if kind == "normal":
        return rng.normal(size=(n, 2))
    if kind == "uniform":
        return rng.uniform(-1, 1, size=(n, 2))
    # a main body and a separate island of 4%, as UMAP draws them (docs/map.png)
    xy = rng.normal(size=(n, 2))
    island = rng.choice(n, size=n // 25, replace=False)
    xy[island] = rng.normal(size=(len(island), 2)) * 0.3 + [6.0, 0.0]
    return xy


@pytest.mark.parametrize("kind", ["normal", "uniform", "island"])
@pytest.mark.parametrize("sides", ["around", "one side"])
def test_map_axes_span_the_bulk_and_say_how_many_lie_beyond(kind, sides):
    rng = np.random.default_rng(7)
    n, k = 2000, 40  # 2% far-off points
    bulk = _bulk(kind, n - k, rng)
    angle = rng.uniform(0, 2 * np.pi, k) if sides == "around" else rng.uniform(-0.3, 0.3, k)
    far = np.c_[np.cos(angle), np.sin(angle)] * rng.uniform(40, 400, (k, 1))
    r = spread(np.vstack([bulk, far]))
    d = map_domain_of(r)
    assert d.n_total == n and d.n_outside == k  # every far-off point, none of the bulk
    assert not d.outside(bulk[:, 0], bulk[:, 1]).any() and d.outside(far[:, 0], far[:, 1]).all()
    for axis, (low, high) in enumerate((d.x, d.y)):
        # the bulk spans the axis (the whole data's range would leave it a sliver)
        assert (bulk[:, axis].max() - bulk[:, axis].min()) / (high - low) > 0.99
        everything = np.ptp(np.r_[bulk[:, axis], far[:, axis]])
        assert (high - low) / everything < 0.2 or sides == "one side"
    pts = viz.map_points(r)
    assert int(pts["outside"].sum()) == k and pts.attrs["n_outside"] == k
    spec = viz.map_chart(r).to_dict()
    assert "40 of 2,000 conversations (2.0%) lie far outside the rest" in json.dumps(spec["title"])
    layer = spec["layer"][-1]
    assert layer["encoding"]["x"]["scale"]["domain"] == list(d.x)
    assert layer["encoding"]["x"]["scale"]["clamp"] is True
    rows = [row for row in _records(spec) if row["outside"]]
    assert len(rows) == k and all(row["marker"].startswith("triangle-") for row in rows)
    # drawn on the edge of the axes, at least on one axis
    for row in rows:
        on_x = min(abs(row["x"] - d.x[0]), abs(row["x"] - d.x[1])) < 1e-9
        on_y = min(abs(row["y"] - d.y[0]), abs(row["y"] - d.y[1])) < 1e-9
        assert on_x or on_y
        assert d.x[0] - 1e-9 <= row["x"] <= d.x[1] + 1e-9 and d.y[0] - 1e-9 <= row["y"] <= d.y[1] + 1e-9
    # without the far-off points the axes are the data's range: nothing is left out
    r = spread(bulk)
    d = map_domain_of(r)
    assert d.n_outside == 0
    assert d.x == (bulk[:, 0].min(), bulk[:, 0].max()) and d.y == (bulk[:, 1].min(), bulk[:, 1].max())
    spec = viz.map_chart(r).to_dict()
    assert "outside" not in json.dumps(spec["title"])
    assert not any(row["outside"] for row in _records(spec))


def test_map_axes_of_a_run_without_projection():
    r = spread(np.zeros((30, 2)))
    with pytest.warns(UserWarning, match="no 2-D projection"):
        spec = viz.map_chart(r).to_dict()
    assert "domain" not in spec["layer"][-1]["encoding"]["x"]["scale"]
    assert map_domain_of(r).n_outside == 0


@pytest.mark.parametrize("facet", ["request", "task", "user_id", "conversation_id", "nope"])
def test_text_facets_and_ids_are_refused(run, facet):
    with pytest.raises(ConfigError, match="`color` must be one of"):
        viz.map_chart(run, color=facet)


def test_linked_view_highlights_the_selected_cluster_at_any_level(run):
    import vl_convert as vlc

    def opacities(selected, **kw):
        sg = vlc.vegalite_to_scenegraph(viz.linked_view(run, selected=selected, **kw).to_dict())
        marks: dict[str, Counter] = {}

        def walk(node):
            if isinstance(node, dict):
                if node.get("marktype") == "symbol" and str(node.get("name", "")).startswith("concat_1"):
                    marks[node["name"]] = Counter(round(i["opacity"], 2) for i in node["items"])
                for v in node.values():
                    walk(v)
            elif isinstance(node, list):
                for v in node:
                    walk(v)

        walk(sg)
        return sum((c for c in marks.values()), Counter())

    sizes = run.clusters.set_index("cluster_id")["n_conversations"]
    assert opacities(None) == Counter({0.85: 160})
    top = viz.cluster_table(run)["cluster_id"].iloc[0]
    assert opacities(top)[0.85] == sizes[top]
    # a visible base cluster under the suppressed top-level cluster: its (grey) points light up
    child = viz.cluster_table(run, 0).query("parent_id.isna()")["cluster_id"].iloc[0]
    assert opacities(child)[0.85] == sizes[child]
    assert opacities(child, tree="treemap", level=0)[0.85] == sizes[child]
    with pytest.raises(ConfigError, match="selected"):
        viz.linked_view(run, selected="0-0")


def test_cluster_table_and_suppressed_totals(run):
    t = viz.cluster_table(run, 0)
    assert "0-0" not in set(t["cluster_id"]) and len(t) == 7
    assert list(t["n_conversations"]) == sorted(t["n_conversations"], reverse=True)
    hidden = viz.suppressed_totals(run, 0)
    assert hidden["n_clusters"] == 1
    assert t["n_conversations"].sum() + hidden["n_conversations"] == 160
    assert t["share"].sum() == pytest.approx(1 - hidden["n_conversations"] / 160)
    assert t["parent_id"].isna().any()  # children of the suppressed 1-0 show no parent
    assert t.loc[t["parent_id"].isna(), "parent_name"].isna().all()
    assert {"mean_concerning", "share_concerning", "top_language", "mean_turns"} <= set(t.columns)
    assert all(isinstance(k, list) for k in t["keywords"])
    assert not set(CANARIES) & set(t["name"])


def test_cluster_tree_and_rects_merge_suppressed_clusters(run):
    roots = viz.cluster_tree(run)
    hidden = [n for n in roots if n.suppressed]
    assert len(hidden) == 1 and hidden[0].n_users is None and hidden[0].children
    seen = []

    def walk(n):
        if n.cluster_id:
            seen.append(n.cluster_id)
        for c in n.children:
            walk(c)

    for n in roots:
        walk(n)
    assert sorted(seen) == sorted(run.visible_clusters()["cluster_id"])

    ice = viz.icicle_rects(run, width=600, row_height=50)
    assert ice.loc[ice["suppressed"], "name"].isna().all()
    assert (
        ice.loc[ice["suppressed"], "label"].str.endswith(("suppressed cluster", "suppressed clusters")).all()
    )
    for _, rows in ice.groupby("level"):
        assert rows["x0"].min() == pytest.approx(0) and rows["x1"].max() == pytest.approx(600)
        assert (rows["x1"] - rows["x0"]).sum() == pytest.approx(600)
    parents = ice.dropna(subset=["cluster_id"]).set_index("cluster_id")
    for row in ice[ice["level"] == 0].dropna(subset=["cluster_id"]).itertuples():
        pid = run.clusters.set_index("cluster_id").loc[row.cluster_id, "parent_id"]
        if pid in parents.index:
            assert parents.loc[pid, "x0"] - 1e-9 <= row.x0 <= row.x1 <= parents.loc[pid, "x1"] + 1e-9

    tm = viz.treemap_rects(run, level=0, width=500, height=300)
    assert (
        (tm[["x0", "y0"]] >= 0).all().all()
        and (tm["x1"] <= 500 + 1e-9).all()
        and (tm["y1"] <= 300 + 1e-9).all()
    )
    assert tm["suppressed"].sum() == 1 and tm.loc[tm["suppressed"], "name"].isna().all()
    assert set(tm["cluster_id"].dropna()) == set(viz.cluster_table(run, 0)["cluster_id"])


@pytest.mark.parametrize("seed", range(5))
def test_squarify_fills_the_box_with_proportional_non_overlapping_rects(seed):
    rng = np.random.default_rng(seed)
    sizes = sorted(rng.integers(1, 100, size=int(rng.integers(1, 30))), reverse=True)
    rects = viz.squarify(sizes, 10, 20, 400, 250)
    areas = [(x1 - x0) * (y1 - y0) for x0, y0, x1, y1 in rects]
    assert sum(areas) == pytest.approx(400 * 250)
    np.testing.assert_allclose(np.array(areas) / sum(areas), np.array(sizes) / sum(sizes), rtol=1e-9)
    for x0, y0, x1, y1 in rects:
        assert 10 - 1e-9 <= x0 <= x1 <= 410 + 1e-9 and 20 - 1e-9 <= y0 <= y1 <= 270 + 1e-9
    for i, a in enumerate(rects):
        for b in rects[i + 1 :]:
            overlap_w = min(a[2], b[2]) - max(a[0], b[0])
            overlap_h = min(a[3], b[3]) - max(a[1], b[1])
            assert overlap_w <= 1e-6 or overlap_h <= 1e-6


def test_facet_breakdown_chart_data_and_refusals(run):
    cid = viz.cluster_table(run, 0)["cluster_id"].iloc[0]
    spec = viz.facet_breakdown_chart(run, cid).to_dict()
    rows = pd.DataFrame(_records(spec))
    assert set(rows["facet"]) == {"language", "concerning", "n_turns"}
    assert rows.groupby("facet")["share"].sum().to_numpy() == pytest.approx(1)
    assert rows["overall_share"].between(0, 1).all()
    with pytest.raises(ConfigError, match="unsuppressed"):
        viz.facet_breakdown_chart(run, "0-0")
    with pytest.raises(ConfigError, match="`facets`"):
        viz.facet_breakdown_chart(run, cid, facets=["request"])


def test_top_level_shares_chart_has_an_unnamed_suppressed_bar(run):
    rows = _records(viz.top_level_shares_chart(run).to_dict())
    assert sum(r["share"] for r in rows) == pytest.approx(1)
    hidden = [r for r in rows if r["suppressed"]]
    assert (
        len(hidden) == 1 and hidden[0]["label"] == "1 suppressed cluster" and hidden[0]["cluster_id"] is None
    )
    assert all(r["n_users"] is not None for r in rows if not r["suppressed"])
    assert all("%" in r["text"] for r in rows)


def test_compare_table_subset_forms(run):
    f = run.facets
    multi = pd.Series((f["n_turns"] > 1).to_numpy(), index=f["conversation_id"].to_numpy())
    a = viz.compare_table(run, subsets=multi)
    ids = (
        list(f.loc[multi.to_numpy(), "conversation_id"]),
        list(f.loc[~multi.to_numpy(), "conversation_id"]),
    )
    b = viz.compare_table(run, subsets=ids)
    pd.testing.assert_frame_equal(a, b)
    assert a.attrs["labels"] == ["selected", "rest"] and sum(a.attrs["totals"]) == 160
    assert a["share_a"].sum() == pytest.approx(1) and a["share_b"].sum() == pytest.approx(1)
    assert "(suppressed clusters)" in set(a["name"])
    assert a.loc[a["name"] == "(suppressed clusters)", "cluster_id"].isna().all()
    assert list(a["diff"].abs()) == sorted(a["diff"].abs(), reverse=True)
    with pytest.raises(ConfigError, match="exactly 2 values"):
        viz.compare_table(run, subsets="language")  # the run has one language
    with pytest.raises(ConfigError, match="exactly one"):
        viz.compare_table(run)
    same = viz.compare_table(run, run)
    assert (same["diff"] == 0).all() and len(same) == len(viz.cluster_table(run)) + 1


def test_flag_rates_forms_and_errors(run):
    s = flags_for(run)
    a = viz.flag_rates(run, s)
    b = viz.flag_rates(run, pd.DataFrame({"conversation_id": s.index, "flag": s.to_numpy()}))
    pd.testing.assert_frame_equal(a, b)
    assert a["n_judged"].sum() + viz.suppressed_totals(run, 0)["n_conversations"] == 160
    assert a.attrs["overall_flag_rate"] == pytest.approx(s.mean())
    with pytest.raises(ConfigError, match="conversation_id"):
        viz.flag_rates(run, pd.Series([True, False]))


# ---- exact numbers on a hand-made run ---------------------------------------------------------


def tiny() -> ClioResult:
    """20 conversations: 0-0 (10: en 8, fr 2), 0-1 (6: fr), 0-2 (4: en, suppressed); top 1-0, 1-1."""
    ids = [f"c{i:02d}" for i in range(20)]
    lang = ["en"] * 8 + ["fr"] * 2 + ["fr"] * 6 + ["en"] * 4
    base = ["0-0"] * 10 + ["0-1"] * 6 + ["0-2"] * 4
    top = ["1-0"] * 16 + ["1-1"] * 4
    facets = pd.DataFrame(
        {
            "conversation_id": ids,
            "user_id": [f"u{i % 10}" for i in range(20)],
            "request": [f"secret request {i}" for i in range(20)],
            "task": "other",
            "language": lang,
            "concerning": pd.array([4, 4] + [1] * 18, dtype="Int64"),
            "n_turns": [1] * 10 + [3] * 10,
            "user_chars": list(range(100, 120)),
            "mood": ["calm"] * 15 + ["upset"] * 5,
            "diary": "private text",
        }
    )
    assignments = pd.DataFrame({"conversation_id": ids, "level_0": base, "level_1": top})
    clusters = pd.DataFrame(
        {
            "cluster_id": ["0-0", "0-1", "0-2", "1-0", "1-1"],
            "level": [0, 0, 0, 1, 1],
            "parent_id": ["1-0", "1-0", "1-1", None, None],
            "name": ["Alpha", "Beta", None, "Greek", None],
            "description": ["a", "b", None, "g", None],
            "n_conversations": [10, 6, 4, 16, 4],
            "n_users": [10, 6, 4, 10, 4],
            "suppressed": [False, False, True, False, True],
            "suppressed_reason": [None, None, "size", None, "size"],
            "audit_rating": pd.array([5, 5, None, 5, None], dtype="Int64"),
            "keywords": [["a"], ["b"], None, ["g"], None],
        }
    )
    projection = pd.DataFrame({"conversation_id": ids, "x": np.arange(20.0), "y": np.arange(20.0) % 7})
    custom = [{"name": "mood", "kind": "categorical"}, {"name": "diary", "kind": "text"}]
    manifest = Manifest(config={"facets": {"custom": custom}, "project": {"method": "pca"}})
    return ClioResult(Path("tiny"), facets, assignments, clusters, projection, manifest)


def test_overrepresentation_ratios():
    df = viz.overrepresentation(tiny(), "language", level=0, min_conversations=1).set_index(
        ["value", "cluster_id"]
    )
    assert df.loc[("fr", "0-0"), "ratio"] == pytest.approx(0.2 / 0.4)
    assert df.loc[("fr", "0-1"), "ratio"] == pytest.approx(1.0 / 0.4)
    assert df.loc[("en", "0-1"), "ratio"] == 0 and df.loc[("en", "0-1"), "count"] == 0
    assert "0-2" not in df.index.get_level_values("cluster_id")  # suppressed
    small = viz.overrepresentation(tiny(), "language", level=0, min_conversations=8, top=1, min_count=1)
    assert list(small["cluster_id"]) == ["0-0", "0-0"]
    with pytest.raises(ConfigError):
        viz.overrepresentation(tiny(), "diary")  # custom text facet


def rare_language() -> ClioResult:
    """:func:`tiny` with 2 of cluster 0-0's conversations in German: en 12, fr 6, de 2 of 20."""
    r = tiny()
    lang = ["en"] * 8 + ["de"] * 2 + ["fr"] * 6 + ["en"] * 4
    return replace(r, facets=r.facets.assign(language=lang))


def test_overrepresentation_ranks_a_ratio_only_with_enough_conversations():
    r = rare_language()
    df = viz.overrepresentation(r, "language", level=0, min_conversations=1)
    assert list(df.columns[-2:]) == ["ratio", "ranked"]
    rows = df.set_index(["value", "cluster_id"])
    # 2 German conversations of 10 make 0-0 2x German, the highest ratio, but too few to rank
    assert rows.loc[("de", "0-0"), "ratio"] == pytest.approx(0.2 / 0.1)
    assert rows.loc[("de", "0-0"), "count"] == 2 and not rows.loc[("de", "0-0"), "ranked"]
    assert rows.loc[("fr", "0-1"), "ranked"] and rows.loc[("en", "0-0"), "ranked"]
    assert not rows.loc[("en", "0-1"), "ranked"]  # zero counts stay in the table, unranked
    # per value: ranked rows first, by ratio; `top` keeps ranked rows only
    for _, g in df.groupby("value"):
        assert list(g["ranked"]) == sorted(g["ranked"], reverse=True)
        ranked = g.loc[g["ranked"], "ratio"]
        assert list(ranked) == sorted(ranked, reverse=True)
    top = viz.overrepresentation(r, "language", level=0, min_conversations=1, top=3)
    assert set(top["value"]) == {"en", "fr"} and top["ranked"].all()
    assert set(zip(top["value"], top["cluster_id"], strict=True)) == {("en", "0-0"), ("fr", "0-1")}
    loose = viz.overrepresentation(r, "language", level=0, min_conversations=1, top=1, min_count=2)
    assert ("de", "0-0") in set(zip(loose["value"], loose["cluster_id"], strict=True))
    for bad in (-1, 2.5, True):
        with pytest.raises(ConfigError, match="min_count"):
            viz.overrepresentation(r, "language", min_count=bad)


def test_language_chart_shows_counts_beside_ratios_and_skips_thin_ones():
    r = rare_language()
    spec = viz.language_overrepresentation_chart(
        r, min_conversations=1, languages=["de", "fr", "en"]
    ).to_dict()
    rows = _records(spec)
    assert {(row["language"], row["cluster_id"]) for row in rows} == {("en", "0-0"), ("fr", "0-1")}
    fr = next(row for row in rows if row["language"] == "fr")
    assert fr["count"] == 6 and fr["n_conversations"] == 6 and fr["text"] == "3.3× (6 of 6)"
    text = json.dumps(spec, ensure_ascii=False)
    assert ">= 5 in the language" in text and "no cluster qualifies for: de" in text
    layers = spec["spec"]["layer"]
    assert any(layer["mark"]["type"] == "text" for layer in layers)
    tips = {t["field"] for layer in layers for t in layer.get("encoding", {}).get("tooltip", [])}
    assert {"count", "n_conversations", "ratio"} <= tips
    rows = _records(
        viz.language_overrepresentation_chart(r, min_conversations=1, languages=["de"], min_count=2).to_dict()
    )
    assert [(row["cluster_id"], row["text"]) for row in rows] == [("0-0", "2.0× (2 of 10)")]


def test_custom_facets_categorical_shown_text_refused():
    r = tiny()
    spec = viz.map_chart(r, color="mood").to_dict()
    assert "calm" in json.dumps(spec) and "private text" not in json.dumps(spec)
    with pytest.raises(ConfigError, match="per-conversation text"):
        viz.map_chart(r, color="diary")
    rows = _records(viz.facet_breakdown_chart(r, "0-0").to_dict())
    assert {row["facet"] for row in rows} == {"language", "concerning", "n_turns", "mood"}


def test_concerning_and_language_charts_on_tiny():
    r = tiny()
    rows = _records(viz.concerning_chart(r, min_conversations=1).to_dict())
    assert [row["cluster_id"] for row in rows] == ["0-0", "0-1"]
    assert rows[0]["mean_concerning"] == pytest.approx((4 * 2 + 8) / 10)
    assert rows[0]["share_concerning"] == pytest.approx(0.2)
    spec = viz.language_overrepresentation_chart(r, min_conversations=1).to_dict()
    assert {row["language"] for row in _records(spec)} == {"en", "fr"}


def test_compare_column_split_on_tiny():
    t = viz.compare_table(tiny(), subsets=("language", "en", "fr"), level=0).set_index("name")
    assert t.attrs["labels"] == ["language=en", "language=fr"] and t.attrs["totals"] == [12, 8]
    assert t.loc["Alpha", "count_a"] == 8 and t.loc["Alpha", "count_b"] == 2
    assert t.loc["(suppressed clusters)", "count_a"] == 4
    assert t.loc["Beta", "diff"] == pytest.approx(6 / 8)


def test_flag_rates_exact_on_tiny():
    r = tiny()
    flags = pd.Series([True] * 2 + [False] * 18, index=r.facets["conversation_id"])
    t = viz.flag_rates(r, flags).set_index("cluster_id")
    assert t.loc["0-0", "flag_rate"] == pytest.approx(0.2) and t.loc["0-1", "flag_rate"] == 0
    assert t.loc["0-0", "mean_concerning"] == pytest.approx(1.6)


# ---- saving --------------------------------------------------------------------------------------


def test_save_chart_formats(run, tmp_path):
    chart = viz.top_level_shares_chart(run)
    png = viz.save_chart(chart, tmp_path / "c.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 2000
    svg = viz.save_chart(chart, tmp_path / "c.svg").read_text()
    assert svg.lstrip().startswith("<svg") and ("<rect" in svg or "<path" in svg)
    page = viz.save_chart(viz.linked_view(run), tmp_path / "c.html").read_text()
    assert page.count(javascript_bundle()) == 1
    assert "https://cdn" not in page and "<script src" not in page.lower()
    assert "vegaEmbed" in page and "Content-Security-Policy" in page
    assert not any(c in page for c in CANARIES)
    spec = json.loads(viz.save_chart(chart, tmp_path / "c.json").read_text())
    assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
    with pytest.raises(ConfigError, match="must end in"):
        viz.save_chart(chart, tmp_path / "c.pdf")


def _edge(case: str) -> ClioResult:
    r = tiny()
    if case == "one_level":
        return replace(
            r,
            assignments=r.assignments[["conversation_id", "level_0"]],
            clusters=r.clusters[r.clusters["level"] == 0].assign(parent_id=None),
        )
    if case == "all_suppressed":
        return replace(
            r, clusters=r.clusters.assign(suppressed=True, name=None, description=None, keywords=None)
        )
    a = r.assignments.copy()
    a.loc[0, ["level_0", "level_1"]] = None  # facet extraction failed: no cluster
    return replace(r, assignments=a)


@pytest.mark.parametrize("case", ["one_level", "all_suppressed", "unassigned"])
def test_unusual_runs_still_draw(case):
    r = _edge(case)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for make in CHARTS.values():
            if make is CHARTS["breakdown"] and case == "all_suppressed":
                continue
            json.dumps(make(r).to_dict(), allow_nan=False)
        page = viz.build_report(r)
    named = '<span class="name">Alpha</span>' in page
    assert named is (case != "all_suppressed")
    if case == "unassigned":
        assert viz.map_points(r)["cluster"].value_counts()["unassigned"] == 1
