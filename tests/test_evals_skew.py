"""The planted language skew and its recovery, the keyword classifier and label shares per cluster.

Each function replaces code that notebooks 03 and 04 held inline; the ``_notebook_*`` references
below are that code, kept to check that the numbers did not change.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cliokit.errors import ConfigError
from cliokit.evals import keyword_flags, plant_skew, share_by_cluster, skew_recovery
from cliokit.load import messages_text
from cliokit.result import ClioResult
from cliokit.rundir import Manifest

# --------------------------------------------------------------------------------------------
# plant_skew
# --------------------------------------------------------------------------------------------


def _parallel(n_per_lang: int = 120, seed: int = 0) -> pd.DataFrame:
    """An xSID-like table: the same intents in every language, some rarer than others."""
    rng = np.random.default_rng(seed)
    intents = np.array(["alarm", "weather", "music", "reminder", "restaurant", "timer", "news", "other"])
    p = np.array([0.30, 0.15, 0.12, 0.12, 0.10, 0.09, 0.08, 0.04])
    rows = []
    for lang in ("en", "de", "ja", "ar"):
        for i, intent in enumerate(rng.choice(intents, size=n_per_lang, p=p)):
            rows.append({"conversation_id": f"xsid-{lang}-{i:04d}", "lang": lang, "intent": str(intent)})
    return pd.DataFrame(rows)


def _notebook_plant(x: pd.DataFrame, boost: float, seed: int) -> tuple[pd.DataFrame, dict[str, str]]:
    rng = np.random.default_rng(seed)
    share = x["intent"].value_counts(normalize=True)
    candidates = sorted(share[(share >= 0.05) & (share < 0.2)].index) or sorted(share.index)
    rng.shuffle(candidates)
    languages = list(dict.fromkeys(x["lang"]))
    planted = {lang: candidates[i % len(candidates)] for i, lang in enumerate(languages)}
    x = x[(x["intent"] == x["lang"].map(planted)) | (rng.random(len(x)) < 1 / boost)].reset_index(drop=True)
    return x, planted


@pytest.mark.parametrize(("boost", "seed"), [(3.0, 0), (2.0, 7), (1.0, 1)])
def test_plant_skew_matches_the_notebook_code(boost: float, seed: int):
    table = _parallel()
    kept, planted = plant_skew(table, boost=boost, seed=seed)
    ref, ref_planted = _notebook_plant(table, boost, seed)
    assert planted == ref_planted
    pd.testing.assert_frame_equal(kept, ref)


def test_plant_skew_keeps_each_planted_label_whole():
    table = _parallel()
    kept, planted = plant_skew(table, boost=4.0, seed=3)
    assert list(planted) == ["en", "de", "ja", "ar"]  # order of first appearance
    share = table["intent"].value_counts(normalize=True)
    assert all(0.05 <= share[v] < 0.2 for v in planted.values())
    assert len(set(planted.values())) == len(planted)  # enough candidates: one each
    for lang, intent in planted.items():
        whole = table[(table["lang"] == lang) & (table["intent"] == intent)]
        assert whole["conversation_id"].isin(kept["conversation_id"]).all()
        others = table[(table["lang"] == lang) & (table["intent"] != intent)]
        assert 0.1 < others["conversation_id"].isin(kept["conversation_id"]).mean() < 0.4  # ~1/4
    assert kept.index.equals(pd.RangeIndex(len(kept)))
    assert len(plant_skew(table, boost=1, seed=3)[0]) == len(table)  # boost 1: no skew


def test_plant_skew_falls_back_to_every_label_and_validates():
    table = pd.DataFrame({"lang": ["en", "en", "de", "de", "ja"], "intent": ["a", "b", "a", "b", "a"]})
    _, planted = plant_skew(table, seed=0)  # no share in [0.05, 0.2): every label is a candidate
    assert set(planted.values()) <= {"a", "b"} and list(planted) == ["en", "de", "ja"]
    assert planted["ja"] == planted["en"]  # more groups than candidates: they cycle
    with pytest.raises(ConfigError, match="`boost`"):
        plant_skew(table, boost=0.5)
    with pytest.raises(ConfigError, match="'language' column"):
        plant_skew(table, group="language")
    with pytest.raises(ConfigError, match="at least one row"):
        plant_skew(table.iloc[0:0])


# --------------------------------------------------------------------------------------------
# A hand-made run: 4 base clusters under 2 top-level clusters
# --------------------------------------------------------------------------------------------

# cluster, language, intent for 40 conversations
_ROWS = (
    [("0-0", "en", "alarm")] * 8
    + [("0-0", "de", "music")] * 2
    + [("0-1", "de", "weather")] * 9
    + [("0-1", "en", "weather")] * 1
    + [("0-2", "ja", "alarm")] * 6
    + [("0-2", "ja", "news")] * 4
    + [("0-3", "en", "music")] * 4
    + [("0-3", "de", "music")] * 3
    + [("0-3", "ja", "music")] * 3
)
_PARENT = {"0-0": "1-0", "0-1": "1-0", "0-2": "1-1", "0-3": "1-1"}


def _tiny() -> tuple[ClioResult, pd.Series]:
    ids = [f"c{i:02d}" for i in range(len(_ROWS))]
    base = [r[0] for r in _ROWS]
    facets = pd.DataFrame(
        {
            "conversation_id": ids,
            "user_id": ids,
            "request": "x",
            "language": [r[1] for r in _ROWS],
            "concerning": pd.array([1] * len(ids), dtype="Int64"),
            "n_turns": 1,
        }
    )
    assignments = pd.DataFrame(
        {"conversation_id": ids, "level_0": base, "level_1": [_PARENT[b] for b in base]}
    )
    sizes = pd.Series(base).value_counts()
    top_sizes = pd.Series([_PARENT[b] for b in base]).value_counts()
    cids = ["0-0", "0-1", "0-2", "0-3", "1-0", "1-1"]
    n = [int(sizes[c]) if c.startswith("0") else int(top_sizes[c]) for c in cids]
    clusters = pd.DataFrame(
        {
            "cluster_id": cids,
            "level": [0, 0, 0, 0, 1, 1],
            "parent_id": ["1-0", "1-0", "1-1", "1-1", None, None],
            "name": ["Alarms", "Weather", "Japanese", "Music", "Top A", "Top B"],
            "description": ["d"] * 6,
            "n_conversations": n,
            "n_users": n,
            "suppressed": [False] * 6,
            "suppressed_reason": [None] * 6,
            "audit_rating": pd.array([5] * 6, dtype="Int64"),
            "keywords": [["k"]] * 6,
        }
    )
    projection = pd.DataFrame({"conversation_id": ids, "x": 0.0, "y": 0.0})
    result = ClioResult(Path("tiny"), facets, assignments, clusters, projection, Manifest())
    intents = pd.Series([r[2] for r in _ROWS], index=pd.Index(ids, name="conversation_id"), name="intent")
    return result, intents


def test_skew_recovery_by_hand():
    result, intents = _tiny()
    planted = {"en": "alarm", "de": "weather", "ja": "news"}
    over = skew_recovery(result, intents, planted, min_conversations=5)
    rows = over.set_index("value")
    assert list(over["value"]) == ["de", "en", "ja"]  # one row per group, top ratio only
    assert rows.loc["en", "cluster_id"] == "0-0" and rows.loc["de", "cluster_id"] == "0-1"
    assert rows.loc["ja", "cluster_id"] == "0-2"  # 6 alarm, 4 news: dominated by alarm
    assert rows["dominant_label"].to_dict() == {"de": "weather", "en": "alarm", "ja": "alarm"}
    assert rows["planted_label"].to_dict() == planted | {}
    assert rows["recovered"].to_dict() == {"de": True, "en": True, "ja": False}
    assert over.attrs == {"recovered": 2, "groups": 3}
    # the notebook's code, on the same run
    from cliokit import viz

    intent_of = result.assignments["conversation_id"].map(intents)
    dominant = intent_of.groupby(result.assignments["level_0"]).agg(lambda s: s.mode().iloc[0])
    ref = viz.overrepresentation(
        result, "language", level=0, min_conversations=5, values=list(planted), top=1
    )
    assert (over["cluster_id"].map(dominant) == over["dominant_label"]).all()
    pd.testing.assert_frame_equal(over[list(ref.columns)], ref)


def test_skew_recovery_levels_and_small_clusters():
    result, intents = _tiny()
    top = skew_recovery(result, intents, {"en": "alarm"}, level=-1, min_conversations=1)
    assert top["cluster_id"].tolist() == ["1-0"] and top["dominant_label"].tolist() == ["weather"]
    assert skew_recovery(result, intents, {"en": "alarm"}, level=1, min_conversations=1).equals(top)
    none = skew_recovery(result, intents, {"en": "alarm"}, min_conversations=100)
    assert none.empty and none.attrs["groups"] == 0
    unlabelled = skew_recovery(result, intents.iloc[:0], {"en": "alarm"}, min_conversations=1)
    assert unlabelled["dominant_label"].isna().all() and not unlabelled["recovered"].any()
    with pytest.raises(ConfigError, match="`level`"):
        skew_recovery(result, intents, {"en": "alarm"}, level=2)


# --------------------------------------------------------------------------------------------
# share_by_cluster
# --------------------------------------------------------------------------------------------


def test_share_by_cluster_matches_the_notebook_code():
    result, intents = _tiny()
    is_alarm = intents.eq("alarm")
    shares = share_by_cluster(result, is_alarm)
    assert shares.name == "share" and shares.index.name == "cluster_id"
    assert shares.to_dict() == {"0-0": 0.8, "0-1": 0.0, "0-2": 0.6, "0-3": 0.0, "1-0": 0.4, "1-1": 0.3}
    # notebook 03: share of HH-RLHF conversations per cluster, every level
    conversations = pd.DataFrame({"conversation_id": intents.index, "hh": is_alarm.to_numpy()})
    origin = result.assignments.merge(conversations, on="conversation_id")
    ref = pd.concat([origin.groupby(f"level_{i}")["hh"].mean() for i in range(result.levels)])
    assert shares.to_dict() == ref.to_dict()
    # notebook 04: the true rate per cluster of one level, from labels of some conversations only
    truth = is_alarm.iloc[::3]
    assigned = result.assignments.set_index("conversation_id")["level_0"]
    ref0 = truth.groupby(assigned.reindex(truth.index)).mean()
    assert share_by_cluster(result, truth, levels=0).to_dict() == pytest.approx(ref0.to_dict())
    assert share_by_cluster(result, truth, levels=[-1]).index.tolist() == ["1-0", "1-1"]


def test_share_by_cluster_validates_levels():
    result, intents = _tiny()
    with pytest.raises(ConfigError, match="`levels`"):
        share_by_cluster(result, intents.eq("alarm"), levels=5)
    assert share_by_cluster(result, intents.eq("alarm").iloc[:0]).empty


# --------------------------------------------------------------------------------------------
# keyword_flags
# --------------------------------------------------------------------------------------------


def _conversations() -> pd.DataFrame:
    texts = [
        ("How do I KILL a stuck process?", "Use kill -9."),
        ("Skills to list on a CV", "Teamwork."),
        ("Is this a scam or fraudulent?", "Maybe."),
        ("What's the weather?", "I could steal a glance outside."),
        ("Tell me about manipulation tactics", "Sure."),
        ("a+b (regex) question", "ok"),
    ]
    return pd.DataFrame(
        {
            "conversation_id": [f"c{i}" for i in range(len(texts))],
            "messages": [
                [{"role": "user", "content": u}, {"role": "assistant", "content": a}] for u, a in texts
            ],
        }
    )


def _notebook_flags(conversations: pd.DataFrame, keywords: str) -> pd.Series:
    pattern = re.compile(
        r"\b(?:" + "|".join(re.escape(w.strip()) for w in keywords.split(",") if w.strip()) + ")", re.I
    )
    return pd.Series(
        [bool(pattern.search(messages_text(m, "user"))) for m in conversations["messages"]],
        index=conversations["conversation_id"],
        name="flag",
    )


def test_keyword_flags_match_the_notebook_code():
    conversations = _conversations()
    keywords = "kill,murder,steal,scam,fraud,manipulat, a+b ,"
    flags = keyword_flags(conversations, keywords)
    pd.testing.assert_series_equal(flags, _notebook_flags(conversations, keywords))
    assert flags.tolist() == [True, False, True, False, True, True]  # "Skills": word starts only
    assert keyword_flags(conversations, ["steal"]).sum() == 0  # only the user turns by default
    assert keyword_flags(conversations, ["steal"], roles=("user", "assistant")).tolist()[3]


def test_keyword_flags_validate():
    with pytest.raises(ConfigError, match="`keywords`"):
        keyword_flags(_conversations(), " , ")
    with pytest.raises(ConfigError, match="'messages' column"):
        keyword_flags(_conversations().drop(columns=["messages"]), "kill")
