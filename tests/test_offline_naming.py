"""PhraseNamer: offline cluster names from phrases shared by enough users."""

import re

import numpy as np
import pytest

from cliokit.backends.calls import StageUsage
from cliokit.config import FacetsConfig, NameConfig
from cliokit.embedders import HashEmbedder
from cliokit.errors import ConfigError
from cliokit.name import NamingInput
from cliokit.offline import OfflineFacets
from cliokit.offline.naming import PhraseNamer, _distinct_phrases, cluster_phrases, phrase_sets
from cliokit.synthetic import LANGUAGES, generate
from cliokit.text import content_runs, segment_words, stopwords, text_script

_EMBEDDER = HashEmbedder()


def _embed(texts):
    return _EMBEDDER.embed(texts, progress=False)


def _view(texts, tasks, labels):
    labels = np.asarray(labels, dtype=np.int64)
    X = _embed(texts)
    centres = np.stack([X[labels == c].mean(0) for c in range(labels.max() + 1)])
    centres /= np.maximum(np.linalg.norm(centres, axis=1, keepdims=True), 1e-12)
    return NamingInput(texts, tasks, labels, X, centres, {}, NameConfig(), 0)


def _name(view, users, min_users=2, **kwargs):
    namer = PhraseNamer(_embed, users=users, min_users=min_users, **kwargs)
    clusters = sorted(set(view.labels.tolist()))
    return namer.name(view, clusters, StageUsage(), False)


@pytest.fixture(scope="module")
def suite():
    """Synthetic conversations in every suite language, offline facets, k-means over hash embeddings."""
    from sklearn.cluster import KMeans

    data = generate(500, list(LANGUAGES), seed=0, progress=False)
    facets = OfflineFacets().extract(data.conversations, FacetsConfig(), StageUsage(), False)
    texts = [f["request"] for f in facets]
    labels = KMeans(16, random_state=0, n_init=2).fit_predict(_embed(texts))
    view = _view(texts, [f["task"] for f in facets], labels)
    users = data.conversations["user_id"].tolist()
    return view, users, _name(view, users)


def test_suite_covers_the_stopword_languages():
    assert set(LANGUAGES) == {"en", "es", "fr", "de", "pt", "ru", "ja", "zh", "ko", "ar", "hi"}
    assert stopwords() == stopwords(LANGUAGES)


def test_no_stop_word_of_any_suite_language_in_names(suite):
    import stopwordsiso

    _, _, answers = suite
    words = {w for name, _ in answers for w in segment_words(name)}
    assert words, "names have words"
    for lang in LANGUAGES:
        assert not words & {w.lower() for w in stopwordsiso.stopwords(lang)}, lang


def test_function_words_from_the_issue_are_stop_words():
    assert {"关于", "über", "如果", "the", "para", "что", "के", "في"} <= stopwords()
    assert content_runs("关于如果 über the para") == []


def test_sibling_names_are_unique_and_never_numbered(suite):
    _, _, answers = suite
    names = [name.lower() for name, _ in answers]
    assert len(set(names)) == len(names)
    for name, description in answers:
        assert name and description
        assert "varied topics" not in name.lower()
        assert not re.search(r"\(\d+\)$|\bcluster \d", name)


def test_clusters_sharing_their_leading_phrases_get_distinct_names_without_numbers():
    a = ["sourdough bread starter", "sourdough bread starter feeding", "sourdough bread starter jar"]
    b = ["sourdough bread oven", "sourdough bread oven temperature", "sourdough bread oven steam"]
    texts = a * 2 + b * 2
    users = [f"u{i}" for i in range(12)]
    answers = _name(_view(texts, [""] * 12, [0] * 6 + [1] * 6), users, min_users=2, n_phrases=1)
    (n0, _), (n1, _) = answers
    assert n0.lower() != n1.lower()
    assert not re.search(r"\d", n0 + n1)


def test_equal_leading_phrases_grow_with_each_clusters_next_phrase():
    ranked = {0: ["sourdough bread", "starter", "jar"], 1: ["sourdough bread", "oven"], 2: ["pasta"]}
    phrases, grown = _distinct_phrases([0, 1, 2], ranked, 1)
    assert phrases == {0: ["sourdough bread", "starter"], 1: ["sourdough bread", "oven"], 2: ["pasta"]}
    assert grown == {0, 1}


def test_phrase_used_by_one_user_never_appears():
    common = ["budget spreadsheet template", "monthly budget spreadsheet", "budget spreadsheet formulas"]
    texts = common * 3 + ["zanzibar quokka budget"] * 6 + ["marathon training plan"] * 6
    users = [f"u{i}" for i in range(9)] + ["lonely"] * 6 + [f"r{i}" for i in range(6)]
    labels = [0] * 15 + [1] * 6
    answers = _name(_view(texts, [""] * len(texts), labels), users, min_users=2)
    for name, description in answers:
        for word in ("zanzibar", "quokka"):
            assert word not in name.lower() and word not in description.lower()
    assert "budget" in answers[0][0].lower()


def test_cluster_without_shared_phrase_says_so():
    texts = ["marathon training plan"] * 4 + ["alpha beta", "gamma delta", "epsilon zeta", "theta kappa"]
    users = ["a", "b", "c", "d", "e", "f", "g", "h"]
    answers = _name(_view(texts, [""] * 8, [0] * 4 + [1] * 4), users, min_users=2)
    name, description = answers[1]
    assert description.startswith("Nothing in the text sets this cluster apart")
    assert name.lower().startswith("unspecific requests, closest «marathon")


def test_task_label_only_when_dominant_and_reliable():
    texts = ["pandas merge error traceback"] * 4 + ["sourdough bread recipe"] * 4
    tasks = ["debug code"] * 4 + ["give advice"] * 4
    view = _view(texts, tasks, [0] * 4 + [1] * 4)
    users = list("abcdefgh")
    named = _name(view, users, reliable_tasks={"debug code": "Debugging", "give advice": "Advice"})
    assert named[0][0].startswith("Debugging: ") and named[1][0].startswith("Advice: ")
    plain = _name(view, users, reliable_tasks={})
    assert not plain[0][0].lower().startswith("debug")
    assert "not a reliable offline label" in plain[0][1]
    rare = _name(view, users, reliable_tasks={"debug code": "Debugging"}, task_share=1.01)
    assert not rare[0][0].startswith("Debugging")
    # a rendering with a stop word ("the") is left out of the name
    stopped = _name(view, users, reliable_tasks={"debug code": "Debug the code"})
    assert not stopped[0][0].startswith("Debug")


@pytest.mark.parametrize(
    ("text", "script", "words"),
    [
        ("请帮我制定一个健身计划", "zh", {"健身", "计划"}),
        ("納期の延期をお願いするメールの文面を考えてください", "ja", {"納期", "延期", "メール", "文面"}),
        (
            "할머니와 손녀의 여름 이야기 줄거리를 같이 짜 봐요",
            "ko",
            {"할머니", "손녀", "여름", "이야기", "줄거리"},
        ),
    ],
)
def test_cjk_is_segmented_into_words(text, script, words):
    assert text_script(text) == script
    runs = content_runs(text)
    found = {w for run in runs for w in run}
    assert words <= found
    assert all(len(w) >= 2 for w in found)
    phrases = phrase_sets([text], progress=False)[0]
    assert all(len(p) >= 2 for p in phrases)


def test_cjk_names_are_words_not_characters(suite):
    _, _, answers = suite
    cjk = [n for n, _ in answers if text_script(n) in ("zh", "ja", "ko")]
    for name in cjk:
        for run in content_runs(name):
            assert all(len(w) >= 2 for w in run), name


def test_names_are_deterministic(suite):
    view, users, answers = suite
    assert _name(view, users) == answers
    namer = PhraseNamer(_embed, "hash", users=users, min_users=2)
    assert namer.key() == PhraseNamer(_embed, "hash", users=users, min_users=2).key()


def test_needs_users_and_valid_settings():
    view = _view(["a b"], [""], [0])
    with pytest.raises(ConfigError, match="user ids"):
        PhraseNamer(_embed).name(view, [0], StageUsage(), False)
    with pytest.raises(ConfigError, match="user ids"):
        PhraseNamer(_embed, users=["a", "b"], min_users=1).name(view, [0], StageUsage(), False)
    with pytest.raises(ConfigError, match="diversity"):
        PhraseNamer(_embed, diversity=2.0)


def test_no_candidates_when_no_phrase_is_shared_by_enough_users():
    # every phrase has one user: no cluster has a candidate (once crashed on scipy's empty indexing)
    got = cluster_phrases(
        phrase_sets(["bake bread", "bake bread", "grow tomatoes"], progress=False),
        np.array([0, 0, 1]),
        ["u1", "u1", "u2"],
        min_users=2,
    )
    assert got == {0: [], 1: []}


def test_every_level_of_an_offline_run_has_phrase_names_without_stop_words(tmp_path):
    """The default offline run names base clusters and their parents from shared phrases."""
    import cliokit

    data = generate(400, list(LANGUAGES), seed=1, progress=False)
    config = {
        "embed": {"model": "hash"},
        "project": {"method": "pca"},
        "privacy": {"min_users": 2, "min_conversations": 2},
        "hierarchy": {"top_k": 4},
    }
    result = cliokit.run(data.conversations, config, out=tmp_path / "r")
    shown = result.clusters[result.clusters["name"].notna()]
    assert shown["level"].max() >= 1, "a level above the base is named"
    stops = stopwords()
    for level, names in shown.groupby("level")["name"]:
        assert names.str.lower().is_unique, level
        for name in names:
            assert not set(segment_words(name)) & stops, (level, name)
    parents = shown[shown["level"] >= 1]
    assert parents["description"].str.startswith("Conversations about").any()
