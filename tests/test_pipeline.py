"""End to end on small data: the run-directory contract, privacy, resume."""

import json

import numpy as np
import pandas as pd
import pytest

import cliokit
from cliokit.backends.scripted import ScriptedBackend
from cliokit.embedders import HashEmbedder, PrecomputedEmbeddings
from cliokit.errors import CliokitError
from tests.llm_stub import scripted_answer

from .conftest import make_conversations

FAST = {"project": {"method": "pca"}, "embed": {"model": "hash"}}
CONTRACT = [
    "facets.parquet",
    "assignments.parquet",
    "clusters.parquet",
    "projection.parquet",
    "embeddings.npy",
    "manifest.json",
    "rejected.jsonl",
    "coordination.parquet",
]


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    df = make_conversations(240, n_users=60)
    # two planted emails: the pre-scrub must keep them out of every file in the run directory
    df.loc[0, "messages"][0]["content"] += " Reply to jane.doe@example.com please."
    df.loc[1, "messages"][0]["content"] += " My card is 4111 1111 1111 1111."
    result = cliokit.run(df.drop(columns=["topic"]), out=out, **FAST)
    return result, df


def test_writes_every_contract_file(finished):
    result, _ = finished
    for name in CONTRACT:
        assert (result.run_dir / name).exists(), name
    m = result.manifest.model_dump(mode="json")
    assert m["status"] == "complete"
    assert m["counts"]["read"] == m["counts"]["accepted"] + m["counts"]["rejected"] == 240
    assert set(m["stages"]) == {
        "load",
        "facets",
        "embed",
        "cluster",
        "name",
        "hierarchy",
        "coordination",
        "project",
    }
    assert m["backend"]["heuristic"] is True and m["notes"]
    assert set(m["prompts"]) >= {"facets", "name_cluster", "audit"}
    assert m["versions"]["cliokit"] == cliokit.__version__
    assert all(s["seconds"] >= 0 for s in m["stages"].values())


def test_facets_columns(finished):
    result, _ = finished
    f = result.facets
    assert list(f.columns[:6]) == ["conversation_id", "user_id", "request", "task", "language", "concerning"]
    assert f["language"].eq("en").all()
    assert f["concerning"].between(1, 5).all()
    assert (f["n_turns"] >= 1).all() and (f["user_chars"] > 0).all()
    assert f["facet_source"].eq("heuristic:offline").all()


def test_offline_runs_embed_the_topic_facet_and_model_runs_the_request(finished, tmp_path):
    result, _ = finished
    assert result.manifest.resolved["embed"] == {"facet": "topic"}
    assert result.facets["topic"].str.len().between(1, 1000).all()
    df = make_conversations(40, n_users=20).drop(columns=["topic"])
    model = cliokit.run(df, out=tmp_path / "m", backend=ScriptedBackend(scripted_answer), **FAST)
    assert model.manifest.resolved["embed"] == {"facet": "request"}
    assert "topic" not in model.facets.columns
    with pytest.raises(cliokit.ConfigError, match="embed.facet"):
        cliokit.run(
            df,
            out=tmp_path / "x",
            **{**FAST, "embed": {"model": "hash", "facet": "topic"}},
            backend=ScriptedBackend(scripted_answer),
        )


def test_hierarchy_has_two_levels_and_every_conversation_a_path(finished):
    result, df = finished
    c, a = result.clusters, result.assignments
    assert result.levels >= 2
    assert list(a.columns) == ["conversation_id"] + [f"level_{i}" for i in range(result.levels)]
    assert a.notna().all().all()
    ids = set(c["cluster_id"])
    for lvl in range(result.levels):
        assert set(a[f"level_{lvl}"]) <= ids
    # each child has exactly one parent, one level up; top level has none
    parents = c.set_index("cluster_id")["parent_id"]
    for cid, pid in parents.items():
        lvl = int(cid.split("-")[0])
        if lvl == result.levels - 1:
            assert pd.isna(pid)
        else:
            assert pid in ids and int(pid.split("-")[0]) == lvl + 1
    # sizes add up at every level
    for lvl in range(result.levels):
        assert c.loc[c["level"] == lvl, "n_conversations"].sum() == len(a)
    # conversation paths agree with parent links
    row = a.iloc[0]
    for lvl in range(result.levels - 1):
        assert parents[row[f"level_{lvl}"]] == row[f"level_{lvl + 1}"]
    # the four planted topics are separated at the base level: each base cluster is mostly one topic
    merged = a.merge(df[["conversation_id", "topic"]], on="conversation_id")
    purity = merged.groupby("level_0")["topic"].agg(lambda s: s.value_counts(normalize=True).iloc[0])
    assert purity.mean() > 0.9


def test_top_level_names_are_meaningful(finished):
    result, _ = finished
    top = result.visible_clusters(result.levels - 1)
    assert len(top) >= 2
    text = " ".join(top["name"]).lower()
    assert sum(w in text for w in ("python", "recipe", "travel", "workout")) >= 3


def test_privacy_thresholds_and_no_suppressed_text(finished):
    result, _ = finished
    c = result.clusters
    thresholds = result.manifest.resolved["privacy"]
    small = (c["n_conversations"] < thresholds["min_conversations"]) | (
        c["n_users"] < thresholds["min_users"]
    )
    assert c.loc[small, "suppressed"].all()
    sup = c[c["suppressed"]]
    assert sup["name"].isna().all() and sup["description"].isna().all()
    assert all(len(k) == 0 for k in sup["keywords"])


def test_no_planted_identifier_anywhere_in_the_run_directory(finished):
    result, _ = finished
    for path in result.run_dir.rglob("*"):
        if path.is_file() and path.suffix != ".npy":
            blob = path.read_bytes()
            assert b"jane.doe@example.com" not in blob, path
            assert b"4111 1111 1111 1111" not in blob and b"4111111111111111" not in blob, path
    assert not (result.run_dir / "conversations.parquet").exists()


def test_resume_recomputes_nothing_and_config_change_recomputes_downstream(finished, tmp_path):
    result, df = finished
    calls = []

    class Counting(HashEmbedder):
        def embed_batch(self, texts):
            calls.append(len(texts))
            return super().embed_batch(texts)

    data = df.drop(columns=["topic"])
    out = tmp_path / "r"
    cliokit.run(data, out=out, embedder=Counting(), **FAST)
    first = json.loads((out / "manifest.json").read_text())
    n_calls = len(calls)
    cliokit.run(data, out=out, embedder=Counting(), **FAST)
    second = json.loads((out / "manifest.json").read_text())
    assert len(calls) == n_calls  # nothing embedded again
    for stage in first["stages"]:
        assert second["stages"][stage]["fingerprint"] == first["stages"][stage]["fingerprint"]
        assert second["stages"][stage]["seconds"] == first["stages"][stage]["seconds"]  # not re-run
    cliokit.run(data, out=out, embedder=Counting(), cluster={"k": 6}, **FAST)
    third = json.loads((out / "manifest.json").read_text())
    assert third["stages"]["facets"] == first["stages"]["facets"]
    assert third["stages"]["cluster"]["fingerprint"] != first["stages"]["cluster"]["fingerprint"]
    assert third["resolved"]["cluster"]["k"] == 6


def test_bad_records_are_counted_and_written(tmp_path):
    df = make_conversations(60, n_users=20).drop(columns=["topic"])
    path = tmp_path / "in.jsonl"
    lines = [
        json.dumps({"id": r.conversation_id, "user_id": r.user_id, "messages": r.messages})
        for r in df.itertuples()
    ]
    lines.insert(3, "{not json")
    lines.insert(7, json.dumps({"id": "e", "messages": []}))
    path.write_text("\n".join(lines) + "\n")
    result = cliokit.run(path, out=tmp_path / "run", **FAST)
    m = result.manifest.counts
    assert (m["read"], m["accepted"], m["rejected"]) == (62, 60, 2)
    rejected = result.rejected
    assert sorted(rejected["record"]) == [4, 8]
    assert rejected["reason"].str.len().gt(0).all()
    with pytest.raises(cliokit.InputError, match=r"in.jsonl:4"):
        cliokit.run(path, out=tmp_path / "strict", load={"strict": True}, **FAST)


def test_failed_facets_are_recorded_not_dropped(tmp_path):
    df = make_conversations(80, n_users=20).drop(columns=["topic"])
    for i in (3, 4):  # made unique: identical prompts are sent once and share one answer
        df.loc[i, "messages"][0]["content"] += f" (conversation {i})"

    def script(request):
        if request.task == "facets" and request.id.split("#")[0] in {"c0003", "c0004"}:  # repairs fail too
            return "sorry, no tags"
        return scripted_answer(request)

    result = cliokit.run(df, out=tmp_path / "r", backend=ScriptedBackend(script), **FAST)
    f = result.facets
    failed = f[f["facet_error"].notna()]
    assert sorted(failed["conversation_id"]) == ["c0003", "c0004"]
    assert result.manifest.counts["facets_failed"] == 2
    assert result.manifest.usage["facets"]["failures"] == 2
    assert result.manifest.usage["facets"]["repairs"] == 2
    a = result.assignments.set_index("conversation_id")
    assert a.loc["c0003"].isna().all() and a.loc["c0005"].notna().all()


def test_keep_text_writes_scrubbed_conversations(tmp_path):
    df = make_conversations(60, n_users=20).drop(columns=["topic"])
    df.loc[0, "messages"][0]["content"] += " call me at +1 212-555-0198"
    result = cliokit.run(df, out=tmp_path / "r", keep_text=True, **FAST)
    conv = pd.read_parquet(result.run_dir / "conversations.parquet")
    first = conv.loc[conv["conversation_id"] == "c0000", "messages"].iloc[0][0]["content"]
    assert "212-555-0198" not in first and "[PHONE_NUMBER]" in first


def test_empty_input_is_a_clear_error(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text('{"id": "x", "messages": []}\n')
    with pytest.raises(CliokitError, match="no conversation was accepted"):
        cliokit.run(path, out=tmp_path / "r", **FAST)


def test_projection_aligned(finished):
    result, _ = finished
    p = result.projection
    assert list(p.columns) == ["conversation_id", "x", "y"]
    assert p["conversation_id"].tolist() == result.facets["conversation_id"].tolist()
    assert np.isfinite(p[["x", "y"]].to_numpy()).all()
    assert result.embeddings.shape[0] == len(p)


def test_audit_suppressed_text_appears_nowhere(tmp_path):
    """A name the auditor rejects must not reach any file, nor any parent's prompt."""
    df = make_conversations(160, n_users=40).drop(columns=["topic"])
    canary = "Zebracorn Canary Street 17"

    def script(request):
        answer = scripted_answer(request)
        if request.task == "name_cluster" and request.id == "cluster-0":
            answer = answer.replace("<name>", f"<name>{canary} ")
        if request.task == "audit" and canary in request.messages[-1]["content"]:
            return "<justification>names a street</justification><rating>1</rating>"
        if request.task in ("propose", "rename", "assign"):
            assert canary not in str(request.messages)
        return answer

    backend = ScriptedBackend(script)
    result = cliokit.run(df, out=tmp_path / "r", backend=backend, **FAST)
    c = result.clusters.set_index("cluster_id")
    assert c.loc["0-0", "suppressed"] and c.loc["0-0", "suppressed_reason"] == "audit"
    assert c.loc["0-0", "audit_rating"] == 1
    # cache/ keeps raw model answers for resuming (documented; never exported), so it is excluded
    exported = cliokit.export_run(result.run_dir, tmp_path / "export")
    run_files = [p for p in result.run_dir.rglob("*") if p.relative_to(result.run_dir).parts[0] != "cache"]
    for path in [*run_files, *exported]:
        if path.is_file():
            assert canary.encode() not in path.read_bytes(), path
    assert (result.run_dir / "cache" / "responses.sqlite").exists()
    # its conversations still have a full path through the tree
    a = result.assignments
    assert a.loc[a["level_0"] == "0-0"].notna().all().all()


def test_hdbscan_outliers_are_one_suppressed_cluster(tmp_path):
    df = make_conversations(160, n_users=40).drop(columns=["topic"])
    result = cliokit.run(
        df, out=tmp_path / "r", cluster={"method": "hdbscan", "hdbscan_min_cluster_size": 8}, **FAST
    )
    info = result.manifest.resolved["cluster"]
    assert info["method"] == "hdbscan"
    if info["outlier_cluster"] is not None:
        row = result.clusters.set_index("cluster_id").loc[f"0-{info['outlier_cluster']}"]
        assert row["suppressed"] and row["suppressed_reason"] == "outliers" and pd.isna(row["name"])
    assert result.levels >= 1 and result.assignments["level_0"].notna().all()


def test_run_with_precomputed_embeddings(tmp_path):
    df = make_conversations(120, n_users=40).drop(columns=["topic"])
    vectors = np.random.default_rng(0).normal(size=(len(df), 16)).astype(np.float32)
    result = cliokit.run(df, out=tmp_path / "r", embedder=PrecomputedEmbeddings(vectors), **FAST)
    m = result.manifest.model_dump(mode="json")
    assert m["embedder"]["name"] == "precomputed" and m["status"] == "complete"
    # cluster names cannot be looked up in the given vectors: they are embedded with embed.model
    assert m["components"]["name_embedder"]["name"] == "hash"
    assert np.allclose(result.embeddings, vectors / np.linalg.norm(vectors, axis=1, keepdims=True), atol=1e-6)
    assert result.clusters["level"].max() >= 1


def test_rename_reuses_facets_and_clusters_and_renames_with_a_model(tmp_path):
    df = make_conversations(160, n_users=40).drop(columns=["topic"])
    first = cliokit.run(df, out=tmp_path / "r", **FAST)
    before = {s: r.fingerprint for s, r in first.manifest.stages.items()}
    backend = ScriptedBackend(scripted_answer)
    renamed = cliokit.rename(first.run_dir, backend, data=df)
    after = {s: r.fingerprint for s, r in renamed.manifest.stages.items()}
    for stage in ("load", "facets", "embed", "cluster", "project"):
        assert after[stage] == before[stage], stage
    assert after["name"] != before["name"] and after["hierarchy"] != before["hierarchy"]
    assert {r.task for r in backend.requests} >= {"name_cluster", "audit", "propose", "assign", "rename"}
    assert "facets" not in {r.task for r in backend.requests}
    pd.testing.assert_frame_equal(renamed.facets, first.facets)
    named = renamed.clusters[renamed.clusters["name"].notna()]
    assert named["name"].str.match(r"(Help|Assist) with ").all()
    assert renamed.manifest.backend["name"] == "scripted"


def test_offline_phrase_names_through_the_pipeline(tmp_path):
    from cliokit.text import stopwords

    df = make_conversations(160, n_users=40).drop(columns=["topic"])
    result = cliokit.run(df, out=tmp_path / "r", name={"offline_namer": "phrases"}, **FAST)
    assert result.manifest.components["namer"]["kind"] == "offline-phrases"
    base = result.clusters[(result.clusters["level"] == 0) & result.clusters["name"].notna()]
    assert len(base) and base["name"].str.lower().is_unique
    stop = stopwords(("en",))
    for name in base["name"]:
        words = {w.strip("·:,«»").lower() for w in name.split()}
        assert not words & stop, name
