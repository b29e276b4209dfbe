"""The offline stand-ins for model calls: facets, keyword names, hierarchy steps and the audit."""

import numpy as np
import pandas as pd

from cliokit.backends.calls import StageUsage
from cliokit.config import FacetsConfig, HierarchyConfig, NameConfig
from cliokit.hierarchy import LevelInput
from cliokit.name import NamingInput
from cliokit.offline import KeywordNamer, OfflineFacets, OfflineSteps, PatternAuditor
from cliokit.offline.hierarchy import dedupe_names, propose_names


def test_offline_facets_answer_every_builtin_and_custom_facet():
    convs = pd.DataFrame(
        {
            "conversation_id": ["a", "b"],
            "messages": [
                [{"role": "user", "content": "Please translate this poem into French for my class."}],
                [{"role": "assistant", "content": "Hello!"}],
            ],
        }
    )
    cfg = FacetsConfig(
        custom=[
            {"name": "lang_pair", "question": "Which?", "kind": "categorical", "values": ["french", "german"]}
        ]
    )
    a, b = OfflineFacets().extract(convs, cfg, StageUsage(), False)
    assert a["language"] == "en" and a["concerning"] == 1 and a["task"] == "translate text"
    assert a["lang_pair"] == "french" and len(a["request"]) <= cfg.request_max_chars
    assert b["request"] == "(no user text)" and b["language"] == "und" and b["lang_pair"] is None


def _view(tasks, keywords):
    n = len(tasks)
    return NamingInput(
        texts=[""] * n,
        tasks=tasks,
        labels=np.zeros(n, dtype=np.int64),
        embeddings=np.zeros((n, 2), dtype=np.float32),
        centres=np.zeros((1, 2), dtype=np.float32),
        keywords={0: [(k, 1.0) for k in keywords]},
        cfg=NameConfig(),
        seed=0,
    )


def test_keyword_namer_uses_keywords_and_dominant_task():
    view = _view(["debug code"] * 8 + ["write code"] * 2, ["python", "pandas", "error", "merge"])
    ((name, summary),) = KeywordNamer().name(view, [0], StageUsage(), False)
    assert name == "Debug code: python, pandas, error"
    assert "80%" in summary and "heuristic" in summary


def test_keyword_namer_without_a_dominant_task():
    view = _view(["debug code", "translate", "other", "other", ""], [])
    ((name, summary),) = KeywordNamer().name(view, [0], StageUsage(), False)
    assert name == "Requests about varied topics" and "mixed task types" in summary


def test_offline_propose_dedupe_assign():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=8), rng.normal(size=8)
    vectors = np.stack([(a if i < 3 else b) + 0.01 * rng.normal(size=8) for i in range(6)])
    keywords = [["python", "code"] if i < 3 else ["cake", "recipe"] for i in range(6)]
    names = propose_names(vectors, [f"c{i}" for i in range(6)], keywords, [5] * 6, 2, seed=0)
    assert sorted(names) == ["Cake, recipe", "Python, code"]
    vecs = np.stack([a, a + 0.01, b]).astype(np.float32)
    assert sorted(dedupe_names(["x", "x2", "y"], vecs, 2, seed=0)) in (["x", "y"], ["x2", "y"])
    lv = LevelInput(
        level=1,
        seed=0,
        names=["Bake cakes"],
        descriptions=[None],
        keywords=[["cake"]],
        sizes=[5],
        named=np.array([0]),
        named_vecs=b[None, :].astype(np.float32),
        conv_vecs=b[None, :].astype(np.float32),
    )
    cands = ["Python code", "Cake recipes", "Travel"]
    cand_vecs = np.stack([a, b, -b]).astype(np.float32)
    (answer,) = OfflineSteps().assign(lv, [[2, 0, 1]], cands, cand_vecs, StageUsage(), False)
    assert answer == "Cake recipes"


def test_offline_hierarchy_steps_rename_from_shared_keywords():
    lv = LevelInput(
        level=1,
        seed=0,
        names=["Python, pandas", "Python, numpy"],
        descriptions=[None, None],
        keywords=[["python", "pandas"], ["python", "numpy"]],
        sizes=[3, 2],
        named=np.array([0, 1]),
        named_vecs=np.eye(2, dtype=np.float32),
        conv_vecs=np.eye(2, dtype=np.float32),
    )
    ((name, summary),) = OfflineSteps().rename(lv, [("Candidate", [0, 1])], [[]], StageUsage(), False)
    assert name.startswith("Python") and "Groups 2 clusters" in summary
    assert HierarchyConfig().neighbourhood_size > 0


def test_pattern_auditor_flags_pattern_pii():
    texts = ["Name: Help with email to jane.doe@example.com", "Name: Debug python code"]
    assert PatternAuditor().rate(["1", "2"], texts, StageUsage(), False) == [1, 5]
