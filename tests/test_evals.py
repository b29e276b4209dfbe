"""Evaluation metrics against hand-computed values on tiny inputs (no generator, no notebooks)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as skm

from cliokit.backends.calls import StageUsage
from cliokit.backends.scripted import ScriptedBackend
from cliokit.embedders import Embedder, HashEmbedder
from cliokit.errors import CliokitError, ConfigError
from cliokit.evals import (
    audit_items,
    auditor_agreement,
    collect_metrics,
    find_leaks,
    leakage_by_stage,
    level_scores,
    map_clusters_to_categories,
    normalise,
    partition_scores,
    reconstruction_accuracy,
    stage_costs,
)
from cliokit.evals.mapping import map_clusters_by_centroid
from cliokit.evals.runs import flatten, markdown_table


class KeywordEmbedder(Embedder):
    """Counts three topic stems: a transparent embedding for mapping tests."""

    name = "keywords"
    STEMS = ("code", "cook", "travel")

    @property
    def dim(self) -> int:
        return len(self.STEMS) + 1

    def embed_batch(self, texts: list[str]) -> np.ndarray:
        rows = [[t.lower().count(s) for s in self.STEMS] + [0.01] for t in texts]
        return np.asarray(rows, dtype=np.float32)


CATEGORIES = pd.DataFrame(
    {
        "category": ["coding", "cooking", "travel"],
        "category_name": ["Write code", "Cook meals", "Plan travel"],
    }
)
CLUSTERS = pd.DataFrame(
    {
        "cluster_id": ["0-0", "0-1", "0-2", "0-3"],
        "name": ["Debug code", "Cook pasta", None, None],
        "description": ["Users fixed code.", "Users cooked dinners.", None, None],
        "keywords": [["code"], ["pasta"], ["travel", "trains"], []],
    }
)


# --- reconstruction -------------------------------------------------------------------------


def test_map_by_embedding_maps_keywords_of_suppressed_clusters_and_leaves_empty_ones_unmapped():
    mapping = map_clusters_to_categories(CLUSTERS, CATEGORIES, embedder=KeywordEmbedder())
    assert mapping.to_dict() == {"0-0": "coding", "0-1": "cooking", "0-2": "travel", "0-3": mapping["0-3"]}
    assert pd.isna(mapping["0-3"])
    assert mapping.attrs == {"method": "embedding", "fallbacks": 0, "unmapped": 1}


def test_map_with_hash_embedder_uses_category_descriptions():
    cats = CATEGORIES.assign(description=["debug python scripts", "bake bread and recipes", "book hostels"])
    clusters = pd.DataFrame(
        {"cluster_id": ["a"], "name": ["Bake bread recipes"], "description": ["Users baked bread."]}
    )
    assert map_clusters_to_categories(clusters, cats, embedder=HashEmbedder())["a"] == "cooking"


def test_map_with_backend_exact_paraphrase_and_garbage_fallback():
    def answer(request):
        text = re.search(r"<group>\n(.*?)\n</group>", request.messages[0]["content"], re.S).group(1)
        if text.startswith("Debug"):
            return "</scratchpad><answer>Write code</answer>"
        if text.startswith("Cook"):
            return "</scratchpad><answer>cooking meals, I think</answer>"  # paraphrase: snapped
        return "no idea"  # garbage twice (repair included): falls back to the embedding choice

    backend = ScriptedBackend(answer)
    usage = StageUsage()
    mapping = map_clusters_to_categories(
        CLUSTERS, CATEGORIES, embedder=KeywordEmbedder(), backend=backend, usage=usage, seed=1
    )
    assert mapping[["0-0", "0-1", "0-2"]].tolist() == ["coding", "cooking", "travel"]
    assert mapping.attrs["method"] == "backend" and mapping.attrs["fallbacks"] == 1
    assert usage.failures == 1 and usage.repairs == 1
    asked = [r for r in backend.requests if "#repair" not in r.id]
    assert len(asked) == 3 and {r.task for r in asked} == {"map_category"}
    for r in asked:
        block = re.search(r"<categories>(.*?)</categories>", r.messages[0]["content"], re.S).group(1)
        assert sorted(re.findall(r"<item>(.*?)</item>", block)) == sorted(CATEGORIES["category_name"])
        assert "<categories>" in r.messages[0]["content"]


def test_map_needs_an_embedder_or_backend():
    with pytest.raises(ConfigError, match="embedder"):
        map_clusters_to_categories(CLUSTERS, CATEGORIES)
    with pytest.raises(ConfigError, match="category_name"):
        map_clusters_to_categories(CLUSTERS, CATEGORIES[["category"]], embedder=HashEmbedder())


LABELS = pd.DataFrame(
    {
        "conversation_id": ["c1", "c2", "c3", "c4", "c5"],
        "language": ["en", "en", "fr", "fr", "fr"],
        "category": ["x", "y", "y", "x", "y"],
    }
)
# c4's facets failed (no cluster); c5's cluster has no category (suppressed, no text)
ASSIGN = pd.Series({"c1": "0-0", "c2": "0-0", "c3": "0-1", "c4": None, "c5": "0-2"})
MAPPING = pd.Series({"0-0": "x", "0-1": "y", "0-2": np.nan})


def test_reconstruction_accuracy_by_hand():
    acc = reconstruction_accuracy(LABELS, ASSIGN, MAPPING, n_categories=4)
    assert acc["accuracy"] == pytest.approx(2 / 5)
    assert (acc["n"], acc["n_correct"], acc["n_unassigned"], acc["n_unmapped"]) == (5, 2, 1, 1)
    assert acc["per_language"] == pytest.approx({"en": 1 / 2, "fr": 1 / 3})
    assert acc["per_category"] == pytest.approx({"x": 1 / 2, "y": 1 / 3})
    assert acc["random_baseline"] == pytest.approx(1 / 4)
    assert acc["majority_baseline"] == pytest.approx(3 / 5)
    # best mapping: 0-0 = {x, y} gets one right, 0-1 = {y} and 0-2 = {y} one each; c4 has no cluster
    assert acc["oracle_accuracy"] == pytest.approx(3 / 5)
    # default: categories seen in the labels
    assert reconstruction_accuracy(LABELS, ASSIGN, MAPPING)["random_baseline"] == pytest.approx(1 / 2)
    # a conversation missing from the assignments altogether (rejected) is unassigned too
    acc = reconstruction_accuracy(LABELS, ASSIGN.drop("c1"), MAPPING)
    assert acc["n_unassigned"] == 2 and acc["n_correct"] == 1


def test_purity_by_hand():
    # clusters: 1 = {a, a}, 2 = {a, a, b}, 3 = {b}
    true = ["a", "a", "a", "a", "b", "b"]
    pred = [1, 1, 2, 2, 2, 3]
    s = partition_scores(true, pred)
    assert s["purity"] == pytest.approx(5 / 6)  # (2 + 2 + 1) / 6
    assert s["inverse_purity"] == pytest.approx(3 / 6)  # a: 2, b: 1
    assert s["harmonic_purity"] == pytest.approx(2 * (5 / 6) * (1 / 2) / (5 / 6 + 1 / 2))  # 0.625
    assert s["ari"] == pytest.approx(skm.adjusted_rand_score(true, pred))
    assert s["nmi"] == pytest.approx(skm.normalized_mutual_info_score(true, pred))
    assert s["v_measure"] == pytest.approx(skm.v_measure_score(true, pred))
    assert s["homogeneity"] == pytest.approx(skm.homogeneity_score(true, pred))
    assert s["completeness"] == pytest.approx(skm.completeness_score(true, pred))


def test_perfect_partition_scores_one_and_lengths_checked():
    s = partition_scores(["a", "a", "b"], ["9", "9", "7"])
    assert all(v == pytest.approx(1.0) for v in s.values())
    with pytest.raises(ConfigError, match="length"):
        partition_scores(["a"], [1, 2])


def test_level_scores_rows_and_unassigned():
    labels = pd.DataFrame(
        {
            "conversation_id": list("abcdef"),
            "category": ["x", "x", "x", "y", "y", "y"],
            "subtopic": ["x1", "x1", "x2", "y1", "y1", "y2"],
        }
    )
    assignments = pd.DataFrame(
        {
            "conversation_id": list("abcdef"),
            "level_0": ["0-0", "0-0", "0-1", "0-2", "0-2", None],
            "level_1": ["1-0", "1-0", "1-0", "1-1", "1-1", None],
            "level_2": ["2-0"] * 5 + [None],
        }
    )
    df = level_scores(labels, assignments)
    assert list(zip(df["level"], df["target"], strict=True)) == [
        (0, "subtopic"),
        (0, "category"),
        (1, "category"),
        (2, "category"),
    ]
    assert df["n_clusters"].tolist() == [3, 3, 2, 1]
    assert df["n_unassigned"].tolist() == [1, 1, 1, 1]
    row = df.iloc[2]  # level 1 vs category: f is its own "(no cluster)" cluster
    assert row["purity"] == pytest.approx(1.0) and row["inverse_purity"] == pytest.approx(5 / 6)
    assert {"ari", "nmi", "harmonic_purity"} <= set(df.columns)


# --- leakage --------------------------------------------------------------------------------


def test_normalise():
    assert normalise("+1 (555) 010-2233") == "15550102233"
    assert normalise("DE89 3704 0044 0532 0130 00") == "de89370400440532013000"
    assert normalise("Ａｎａ  López") == normalise("ana lópez") == "analópez"
    assert normalise("a_b/c.d") == "abcd"


PLANTED = pd.DataFrame(
    {
        "conversation_id": ["c1", "c1", "c2", "c3"],
        "kind": ["phone", "email", "name", "village"],
        "value": ["+1 (555) 010-2233", "ana.x7Q2@example.org", "Li", "Oakhollow"],
        "canary": [False, True, False, False],
        "token": [None, "x7Q2", None, None],
    }
)


def test_find_leaks_positive_negative_short_and_tokens():
    texts = {
        "facets": ["Call me at 555 010 2233 or +1-555-010-2233", "nothing here"],
        "export": ["A cluster about OAK HOLLOW villages"],  # separators removed: matches
        "clean": ["Li is a common token in lists"],  # too short to search
    }
    leaks = find_leaks(PLANTED, texts)
    found = leaks.set_index(["conversation_id", "needle", "kind", "stage"])["found"]
    assert found[("c1", "value", "phone", "facets")]
    assert not found[("c1", "value", "phone", "export")]
    assert found[("c3", "value", "village", "export")]
    assert not found[("c1", "value", "email", "facets")]
    assert not found[("c1", "token", "email", "facets")]
    short = leaks[leaks["kind"] == "name"]
    assert short["skipped"].all() and not short["found"].any()
    cjk = pd.DataFrame({"conversation_id": ["c9"], "kind": ["name"], "value": ["宋莉"]})
    assert find_leaks(cjk, {"facets": ["用户宋莉问了"]})["found"].item()  # CJK characters count twice
    assert len(leaks) == 5 * 3  # 4 values + 1 token, 3 stages


def test_find_leaks_accepts_a_where_text_frame():
    frame = pd.DataFrame({"where": ["a", "b"], "text": ["x7q2 leaked", None]})
    leaks = find_leaks(PLANTED, frame)
    assert leaks.loc[(leaks["needle"] == "token") & (leaks["stage"] == "a"), "found"].item()


def _fake_run(tmp_path: Path) -> tuple[Path, Path, Path]:
    data = tmp_path / "data"
    data.mkdir()
    convs = [
        {"conversation_id": f"c{i}", "user_id": f"u{i}", "messages": [{"role": "user", "content": text}]}
        for i, text in enumerate(
            [
                "My name is Ana Lopez, mail ana.x7Q2@example.org",
                "I live in Oakhollow, plan my garden",
                "Plan meals",
                "Plan a trip",
            ],
            start=1,
        )
    ]
    (data / "conversations.jsonl").write_text("".join(json.dumps(c) + "\n" for c in convs))
    planted = [
        {"conversation_id": "c1", "kind": "name", "value": "Ana Lopez", "canary": False, "token": None},
        {
            "conversation_id": "c1",
            "kind": "email",
            "value": "ana.x7Q2@example.org",
            "canary": True,
            "token": "x7Q2",
        },
        {"conversation_id": "c2", "kind": "village", "value": "Oakhollow", "canary": False, "token": None},
    ]
    (data / "planted.jsonl").write_text("".join(json.dumps(p) + "\n" for p in planted))
    run = tmp_path / "run"
    (run / "stages").mkdir(parents=True)
    (run / "cache").mkdir()
    pd.DataFrame(
        {
            "conversation_id": ["c1", "c2", "c3", "c4"],
            "user_id": ["u1", "u2", "u3", "u4"],
            "request": ["My name is Ana Lopez, mail [EMAIL]", "Plan my garden", "Plan meals", "Plan a trip"],
            "concerning": [1, 1, 1, 1],
        }
    ).to_parquet(run / "facets.parquet")
    pd.DataFrame(
        {
            "cluster_id": ["0-0", "0-1", "0-2", "1-0"],
            "level": [0, 0, 0, 1],
            "name": ["Plan meals and trips", None, "Garden in Oakhollow", "Plan things"],
            "description": ["Users planned.", None, "Users gardened.", "Plans."],
            "keywords": [["plan"], [], ["garden"], ["plan"]],
            "suppressed": [False, True, True, False],
            "suppressed_reason": [None, "size", "audit", None],
        }
    ).to_parquet(run / "clusters.parquet")
    pd.DataFrame({"cluster": [0], "name": ["Garden in Oakhollow"]}).to_parquet(
        run / "stages/base_clusters.parquet"
    )
    (run / "conversations.parquet").write_text("Ana Lopez Oakhollow x7Q2")  # kept text: not searched
    (run / "cache" / "embeddings-x.sqlite").write_text("Ana Lopez")
    np.save(run / "embeddings.npy", np.zeros((4, 2), dtype=np.float32))
    (run / "manifest.json").write_text(json.dumps({"status": "complete"}))
    export = tmp_path / "export"
    export.mkdir()
    pd.DataFrame(
        {"cluster_id": ["0-0"], "name": ["Plan meals and trips"], "keywords": [["plan"]]}
    ).to_parquet(export / "clusters.parquet")
    (export / "summary.json").write_text(json.dumps({"clusters_exported": 2}))
    return data, run, export


def test_leakage_by_stage_on_a_fake_run(tmp_path):
    data, run, export = _fake_run(tmp_path)
    out = leakage_by_stage(data, run, export)
    shares = {s["stage"]: (s["conversations_leaking"], s["share"]) for s in out["stages"]}
    assert shares == {
        "raw": (2, 0.5),
        "facets": (1, 0.25),  # the name survives the scrubbed facet; the email does not
        "cluster_summaries": (0, 0.0),  # the suppressed cluster's text is not published
        "exported": (0, 0.0),
        "run_dir_files": (2, 0.5),  # facets.parquet and the stage file; not conversations.parquet
    }
    assert (out["n_conversations"], out["n_with_planted"], out["n_values"], out["n_skipped"]) == (4, 2, 3, 0)
    assert out["by_kind"]["facets"] == {"email": 0.0, "name": 1.0, "village": 0.0}
    assert out["canary"] == {"n_tokens": 1, "found_raw": 1, "found_exported": 0, "found_anywhere_but_raw": 0}
    assert out["suppressed"] == {"clusters": 4, "total": 2, "size": 1, "audit": 1, "outliers": 0}
    json.dumps(out)  # plain JSON


def test_leakage_by_stage_rejects_a_non_dataset(tmp_path):
    with pytest.raises(ConfigError, match="planted.jsonl|conversations.jsonl"):
        leakage_by_stage(tmp_path, tmp_path, tmp_path)


# --- auditor --------------------------------------------------------------------------------


def test_auditor_agreement_with_scripted_ratings():
    items = pd.DataFrame(
        {
            "text": [
                "Users wrote from ana@example.org",
                "Users named Ana Lopez",
                "Users cooked",
                "Users baked",
            ],
            "has_private": [True, True, False, False],
            "kind": ["email", "name", None, None],
        }
    )

    def rate(request):
        text = request.messages[0]["content"]
        if "@" in text:
            return "</justification><rating>1</rating>"
        if "baked" in text:
            return "</justification><rating>9</rating>"  # unreadable twice: a failed audit counts as flagged
        return "</justification><rating>5</rating>"

    usage = StageUsage()
    out = auditor_agreement(ScriptedBackend(rate), items, threshold=3, usage=usage)
    assert out["confusion"] == {"tp": 1, "fp": 1, "fn": 1, "tn": 1}
    assert out["agreement"] == pytest.approx(0.5)
    assert out["precision"] == pytest.approx(0.5) and out["recall"] == pytest.approx(0.5)
    assert out["n_failed"] == 1 and usage.failures == 1
    assert out["mean_rating"] == {"private": 3.0, "clean": 5.0}
    assert out["per_kind"] == {"(none)": 0.5, "email": 1.0, "name": 0.0}


def test_audit_items_insert_planted_values():
    items = audit_items(
        PLANTED, 40, seed=3, private_share=0.25, subtopics=["Plan weekly meals", "Debug code"]
    )
    assert len(items) == 40 and items["has_private"].sum() == 10
    private = items[items["has_private"]]
    assert all(v in d for v, d in zip(private["value"], private["description"], strict=True))
    assert items.loc[~items["has_private"], "value"].isna().all()
    assert set(items["name"]) <= {"Plan weekly meals", "Debug code"}
    assert items["description"].str.startswith("Users wanted to ").all()
    assert audit_items(PLANTED, 40, seed=3, subtopics=["x"]).equals(
        audit_items(PLANTED, 40, seed=3, subtopics=["x"])
    )


@pytest.mark.slow  # loads Presidio
def test_offline_auditor_catches_structured_identifiers_only():
    from cliokit.backends.offline import OfflineBackend

    planted = pd.DataFrame(
        {
            "conversation_id": ["a", "b"],
            "kind": ["email", "village"],
            "value": ["jo.smith@example.com", "Oakhollow"],
        }
    )
    items = audit_items(planted, 20, seed=0, private_share=1.0, subtopics=["Plan weekly meals"])
    out = auditor_agreement(OfflineBackend(), items)  # the offline pattern auditor
    assert out["per_kind"]["email"] == 1.0 and out["per_kind"]["village"] == 0.0


# --- runs -----------------------------------------------------------------------------------


def test_stage_costs():
    manifest = {
        "stages": {"facets": {"seconds": 2.5, "peak_rss_mb": 300.0}, "embed": {"seconds": 1.0}},
        "usage": {
            "facets": {"calls": 10, "input_tokens": 900, "output_tokens": 50, "failures": 1},
            "audit": {"calls": 3},
            "this_run": {"calls": 13},
        },
    }
    df = stage_costs(manifest)
    assert df["stage"].tolist() == ["facets", "embed", "audit"]
    assert df.loc[0, ["seconds", "calls", "input_tokens", "failures"]].tolist() == [2.5, 10, 900, 1]
    assert df.loc[1, "calls"] == 0 and pd.isna(df.loc[2, "seconds"])
    assert "cost_usd" not in df.columns
    manifest["usage"]["facets"]["cost_usd"] = 0.25
    assert stage_costs(manifest)["cost_usd"].tolist() == [0.25, 0.0, 0.0]


def test_collect_metrics(tmp_path):
    for name, acc, extra in (("a", 0.5, {"fr": 0.4}), ("b", 0.75, {})):
        (tmp_path / name).mkdir()
        doc = {
            "parameters": {"seed": 1},
            "accuracy": {"accuracy": acc, "per_language": {"en": acc, **extra}},
            "levels": [1, 2],
        }
        (tmp_path / name / "metrics.json").write_text(json.dumps(doc))
    df = collect_metrics([tmp_path / "a", tmp_path / "b" / "metrics.json"])
    assert df["accuracy.accuracy"].tolist() == [0.5, 0.75]
    assert df["parameters.seed"].tolist() == [1, 1]
    assert df.loc[0, "accuracy.per_language.fr"] == 0.4 and pd.isna(df.loc[1, "accuracy.per_language.fr"])
    assert df.loc[0, "levels"] == "[1, 2]"
    with pytest.raises(CliokitError, match="metrics"):
        collect_metrics([tmp_path / "missing"])


def test_flatten_and_markdown():
    assert flatten({"a": {"b": 1}, "c": [1]}) == {"a.b": 1, "c": "[1]"}
    md = markdown_table(pd.DataFrame({"x": [0.12345, np.nan], "y": ["a|b", None]}))
    assert md.splitlines() == ["| x | y |", "|---|---|", "| 0.123 | a\\|b |", "|  |  |"]


# --- suite helpers and figures --------------------------------------------------------------


def test_write_metrics_is_plain_json(tmp_path):
    from cliokit.evals.suite import parse_languages, stopwatch, write_metrics

    timings: dict[str, float] = {}
    with stopwatch(timings, "step"):
        pass
    path = write_metrics(
        tmp_path,
        notebook="x",
        parameters={"languages": "en,es"},
        metrics={"headline": {"a": np.float64("nan"), "b": np.int64(3), "c": np.bool_(True)}, "p": tmp_path},
        timings=timings,
    )
    doc = json.loads(path.read_text())
    assert doc["headline"] == {"a": None, "b": 3, "c": True} and doc["p"] == str(tmp_path)
    assert doc["notebook"] == "x" and doc["timings"]["step"] >= 0 and doc["metrics_version"] == 1
    assert "NaN" not in path.read_text()
    assert parse_languages(" en, es ,") == ["en", "es"]
    with pytest.raises(ConfigError, match="languages"):
        parse_languages(" , ")


def test_eval_config_maps_notebook_parameters_onto_one_config():
    from cliokit.config import Config
    from cliokit.embedders import DEFAULT_EMBEDDER
    from cliokit.evals.suite import CONFIG_PARAMETERS, eval_config

    params = {
        "n_conversations": 500,  # a data setting: ignored
        "backend": "offline",
        "model": "",
        "embedder": "",
        "seed": 3,
        "k": 0,
        "projection": "none",
    }
    cfg = eval_config(params)
    assert cfg.embed.model == Config().embed.model == DEFAULT_EMBEDDER  # "" leaves cliokit's default
    assert cfg.cluster.k == "auto" and cfg.seed == 3 and cfg.project.method == "none"
    assert cfg.backend.name == "offline" and cfg.backend.model == "" and cfg.progress is False
    # what run_pipeline built from its keywords before it took a Config
    before = Config.build(
        {
            "seed": 3,
            "progress": False,
            "backend": {"name": "offline", "model": ""},
            "embed": {"model": DEFAULT_EMBEDDER},
            "cluster": {"k": "auto"},
            "project": {"method": "none"},
        }
    )
    assert cfg == before and cfg.section_hash("embed", "cluster") == before.section_hash("embed", "cluster")
    cfg = eval_config({"embedder": "hash", "k": 12, "model": "m"}, base=Config(seed=9))
    assert (cfg.embed.model, cfg.cluster.k, cfg.backend.model, cfg.seed) == ("hash", 12, "m", 9)
    assert set(CONFIG_PARAMETERS) == {"seed", "backend", "model", "embedder", "k", "projection"}
    with pytest.raises(ConfigError, match="cluster.k"):
        eval_config({"k": 1})
    with pytest.raises(ConfigError, match="project.method"):
        eval_config({"projection": "tsne"})


def test_evaluations_default_to_the_run_config_and_copy_no_default():
    import inspect

    from cliokit.config import Config
    from cliokit.embedders import DEFAULT_EMBEDDER
    from cliokit.evals import suite
    from cliokit.result import ClioResult
    from cliokit.rundir import Manifest

    cfg = Config(seed=4).replace(embed={"model": "hash:64"}, privacy={"audit_threshold": 2})
    empty = pd.DataFrame()
    manifest = Manifest(config=cfg.model_dump(mode="json"))
    result = ClioResult(Path("r"), empty, empty, empty, empty, manifest)
    assert suite.run_config(result) == cfg
    for fn in (suite.run_pipeline, suite.evaluate_reconstruction, suite.evaluate_privacy):
        params = inspect.signature(fn).parameters
        assert "config" in params and not {"backend", "model", "embedder", "seed"} & set(params)
        assert DEFAULT_EMBEDDER not in [p.default for p in params.values()]
    assert inspect.signature(suite.run_pipeline).parameters["config"].default is inspect.Parameter.empty
    with pytest.raises(ConfigError, match="config of"):
        suite.run_config(ClioResult(Path("r"), empty, empty, empty, empty, Manifest(config={"seed": "x"})))


def test_packaged_notebooks_take_the_run_settings_as_config():
    import ast

    from cliokit.evals.runner import notebook_path, packaged_notebooks
    from cliokit.evals.suite import CONFIG_PARAMETERS

    assert packaged_notebooks() == ["privacy", "reconstruction"]
    for name in packaged_notebooks():
        path = notebook_path(name)
        assert path.is_file() and path.parent.name == "notebooks" and path.parent.parent.name == "evals"
        nb = json.loads(path.read_text(encoding="utf-8"))
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        assert code[0]["metadata"]["tags"] == ["parameters"]
        params = {
            t.id: n.value.value
            for n in ast.parse("".join(code[0]["source"])).body
            if isinstance(n, ast.Assign) and isinstance(n.value, ast.Constant)
            for t in n.targets
            if isinstance(t, ast.Name)
        }
        assert set(CONFIG_PARAMETERS) <= set(params) and params["embedder"] == ""
        body = "".join("".join(c["source"]) for c in code[1:])
        assert "suite.eval_config(parameters)" in body
        assert 'suite.run_pipeline(data_dir, out / "run", config)' in body
        assert all(not c["outputs"] and c["execution_count"] is None for c in code)
    with pytest.raises(ConfigError, match="must be one of"):
        notebook_path("nope")


def test_figures_build_and_save(tmp_path):
    from cliokit.evals import figures

    acc = reconstruction_accuracy(LABELS, ASSIGN, MAPPING, n_categories=4)
    levels = pd.DataFrame(
        [
            {"level": 0, "target": "subtopic", "ari": 0.2, "nmi": 0.5},
            {"level": 1, "target": "category", "ari": 0.1, "nmi": 0.3},
        ]
    )
    leak = {
        "stages": [
            {"stage": "raw", "conversations_leaking": 2, "share": 0.1},
            {"stage": "facets", "conversations_leaking": 1, "share": 0.05},
        ],
        "by_kind": {"raw": {"name": 1.0}, "facets": {"name": 0.5}},
    }
    charts = [
        figures.accuracy_by_language_chart(acc),
        figures.category_accuracy_chart(acc),
        figures.level_scores_chart(levels),
        figures.leakage_chart(leak),
        figures.leakage_by_kind_chart(leak),
    ]
    written = figures.save_chart(charts[0], tmp_path / "acc.png")
    assert [p.name for p in written] == ["acc.png", "acc.svg"]
    assert written[0].read_bytes()[:4] == b"\x89PNG" and "<svg" in written[1].read_text()
    for chart in charts[1:]:
        assert chart.to_dict()["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
    with pytest.raises(ValueError, match="formats"):
        figures.save_chart(charts[0], tmp_path / "x", formats=("pdf",))


def test_map_clusters_by_centroid_uses_member_embeddings_and_skips_excluded():
    class Fixed(HashEmbedder):
        """Category texts embed to fixed unit vectors."""

        def embed(self, texts, **kwargs):
            table = {"Cooking": [1.0, 0.0], "Coding": [0.0, 1.0]}
            return np.array([table[t] for t in texts], dtype=np.float32)

    categories = pd.DataFrame({"category": ["cook", "code"], "category_name": ["Cooking", "Coding"]})
    emb = np.array([[0.9, 0.1], [0.8, 0.2], [0.1, 0.9], [0.3, 0.7], [0.2, 0.8]], dtype=np.float32)
    ids = ["0-0", "0-0", "0-1", "0-1", "0-2"]
    m = map_clusters_by_centroid(emb, ids, categories, Fixed(), exclude={"0-2"})
    assert m.to_dict() == {"0-0": "cook", "0-1": "code", "0-2": m["0-2"]} and pd.isna(m["0-2"])
    assert m.attrs["method"] == "centroid"
    with pytest.raises(ConfigError):
        map_clusters_by_centroid(emb, ids[:3], categories, Fixed())
