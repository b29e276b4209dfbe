import re

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from cliokit.backends.calls import StageUsage
from cliokit.backends.scripted import ScriptedBackend
from cliokit.cluster import centroids, cluster_embeddings
from cliokit.config import ClusterConfig, NameConfig
from cliokit.name import ModelNamer, cluster_keywords, contrast_indices, name_clusters, unique_names
from cliokit.offline import KeywordNamer
from cliokit.privacy import below_minimum, cluster_sizes
from cliokit.text import tokenize


def test_tokenize_scripts():
    assert tokenize("How do I fix too many errors in Python?") == ["fix", "errors", "python"]
    assert tokenize("我想吃的东西可以做什么菜？") == ["想吃", "东西"]
    assert tokenize("トレーニングのメニューを教えて") == ["トレーニング", "メニュー"]
    assert tokenize("Reply to [EMAIL_ADDRESS] now") == ["reply"]


def test_keywords_need_min_users_inside_the_cluster():
    texts = ["python pandas error"] * 3 + ["python numpy zebracorn"] * 3
    users = ["a", "b", "c", "d", "d", "d"]  # "zebracorn" is one user's word
    labels = np.zeros(6, dtype=int)
    kws = dict(cluster_keywords(texts, labels, users, min_users=2))[0]
    terms = [t for t, _ in kws]
    assert "python" in terms and "pandas" in terms
    assert "zebracorn" not in terms and "numpy" not in terms


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from("abcdef"), st.sampled_from(["alpha", "beta", "gamma", "delta"])),
        min_size=1,
        max_size=40,
    ),
    st.integers(1, 4),
)
def test_no_keyword_below_min_users(rows, min_users):
    users = [u for u, _ in rows]
    texts = [w for _, w in rows]
    labels = np.array([i % 2 for i in range(len(rows))])
    for label, kws in cluster_keywords(texts, labels, users, min_users).items():
        for term, _ in kws:
            inside = {u for u, t, lab in zip(users, texts, labels, strict=True) if t == term and lab == label}
            assert len(inside) >= min_users


def test_contrast_is_nearest_outside():
    emb = np.array([[1, 0], [0.9, 0.1], [0.8, 0.2], [0, 1], [0.1, 0.9]], dtype=np.float32)
    labels = np.array([0, 0, 1, 1, 1])
    idx = contrast_indices(emb, labels, np.array([1, 0], dtype=np.float32), 0, 2)
    assert idx.tolist() == [2, 4]
    assert contrast_indices(emb, labels, np.array([1, 0], dtype=np.float32), 0, 0).size == 0


def test_unique_names():
    assert unique_names(["A", "a", None, "A"], [["x"], ["y"], [], []]) == ["A", "a (y)", None, "A (2)"]


def test_cluster_embeddings_seeded_and_k():
    rng = np.random.default_rng(0)
    X = np.concatenate([rng.normal(loc=c, size=(30, 4)) for c in (-5, 0, 5)]).astype(np.float32)
    a, info = cluster_embeddings(X, ClusterConfig(k=3), seed=1)
    b, _ = cluster_embeddings(X, ClusterConfig(k=3), seed=1)
    assert (a == b).all() and info["n_clusters"] == 3 and info["method"] == "kmeans"
    assert len(set(a[:30])) == 1 and len(set(a[30:60])) == 1
    labels, info = cluster_embeddings(X, ClusterConfig(k=3, minibatch_above=10), seed=1)
    assert info["method"] == "minibatch_kmeans" and labels.max() == 2
    labels, info = cluster_embeddings(X, ClusterConfig(method="hdbscan", hdbscan_min_cluster_size=5), seed=1)
    assert info["method"] == "hdbscan" and info["n_clusters"] >= 3
    if info["outlier_cluster"] is not None:
        assert (labels == info["outlier_cluster"]).sum() == info["n_outliers"]


def test_sizes_and_thresholds():
    sizes = cluster_sizes(np.array([0, 0, 0, 1, 2, 2]), np.array(["a", "b", "b", "c", "d", "d"]), 4)
    assert sizes.to_dict("list") == {
        "cluster": [0, 1, 2, 3],
        "n_conversations": [3, 1, 2, 0],
        "n_users": [2, 1, 1, 0],
    }
    assert below_minimum(sizes, 2, 2).tolist() == [False, True, True, True]


def test_name_clusters_skips_suppressed_and_never_shows_them_to_the_namer():
    facets = pd.DataFrame(
        {
            "request": ["fix python code"] * 4 + ["bake a cake"] * 4,
            "task": ["debug code"] * 4 + ["give advice"] * 4,
            "user_id": list("abcdabcd"),
        }
    )
    labels = np.array([0] * 4 + [1] * 4)
    emb = np.eye(8, dtype=np.float32)
    args = (facets, labels, emb, centroids(emb, labels, 2), np.array([False, True]))
    named = name_clusters(
        *args, KeywordNamer(), NameConfig(), StageUsage(), facet="request", min_users=2, seed=0
    )
    assert named.loc[0, "name"] == "Debug code: code, fix, python"  # equal weights: alphabetical
    assert pd.isna(named.loc[1, "name"]) and named.loc[1, "keywords"] == []
    backend = ScriptedBackend(lambda r: "<summary>Fixed code.</summary><name>Fix Python code</name>")
    usage = StageUsage()
    named = name_clusters(
        *args, ModelNamer(backend), NameConfig(), usage, facet="request", min_users=2, seed=0
    )
    assert named.loc[0, "name"] == "Fix Python code" and pd.isna(named.loc[1, "name"])
    assert usage.calls == 1 and [r.id for r in backend.requests] == ["cluster-0"]


def test_contrast_skips_rows_that_are_not_allowed():
    emb = np.array([[1, 0], [0.9, 0.1], [0.8, 0.2], [0, 1], [0.1, 0.9]], dtype=np.float32)
    labels = np.array([0, 0, 1, 1, 1])
    allowed = np.array([True, True, False, True, True])
    idx = contrast_indices(emb, labels, np.array([1, 0], dtype=np.float32), 0, 2, allowed)
    assert idx.tolist() == [4, 3]


def _contrast_items(request):
    block = re.search(r"<contrast>(.*?)</contrast>", request.messages[-1]["content"], flags=re.S)
    assert block is not None
    return re.findall(r"<item>(.*?)</item>", block.group(1))


def test_contrast_scales_with_the_cluster_and_comes_only_from_clusters_that_pass():
    # cluster 0: 5 conversations along x; cluster 1 (below the thresholds) sits right next to it;
    # cluster 2: 60 conversations further off
    sizes, angles = (5, 20, 60), (0.0, 0.1, 0.6)
    labels = np.repeat([0, 1, 2], sizes)
    rng = np.random.default_rng(0)
    theta = np.concatenate([a + rng.normal(0, 0.01, n) for a, n in zip(angles, sizes, strict=True)])
    emb = np.stack([np.cos(theta), np.sin(theta)], axis=1).astype(np.float32)
    texts = [f"text {c}-{i}" for c, n in enumerate(sizes) for i in range(n)]
    facets = pd.DataFrame({"request": texts, "task": texts, "user_id": [f"u{i}" for i in range(len(texts))]})

    def requests(cfg):
        backend = ScriptedBackend(lambda r: "S.</summary><name>N</name>")
        args = (facets, labels, emb, centroids(emb, labels, 3), np.array([False, True, False]))
        named = name_clusters(
            *args, ModelNamer(backend), cfg, StageUsage(), facet="request", min_users=2, seed=0
        )
        assert named["name"].notna().tolist() == [True, False, True]
        return sorted(backend.requests, key=lambda r: r.id)

    small, large = requests(NameConfig())
    # 5 samples shown → 5 contrast texts, all from cluster 2, none from the suppressed cluster 1
    assert len(_contrast_items(small)) == 5
    assert all(t.startswith("text 2-") for t in _contrast_items(small))
    # cluster 2 shows 50 samples, but only cluster 0's 5 conversations may serve as its contrast
    assert sorted(_contrast_items(large)) == [f"text 0-{i}" for i in range(5)]
    assert [len(_contrast_items(r)) for r in requests(NameConfig(n_contrast=3))] == [3, 3]
