import re
from typing import get_args

import pytest
from pydantic import BaseModel

from cliokit._config_errors import describe
from cliokit.config import (
    ClusterConfig,
    Config,
    HierarchyConfig,
    PrivacyConfig,
    derive_seed,
    resolve_k,
    resolve_levels,
    resolve_thresholds,
    stable_hash,
)
from cliokit.errors import ConfigError


def test_defaults_are_offline_and_auto():
    cfg = Config()
    assert cfg.backend.name == "offline"
    assert cfg.cluster.k == "auto"
    assert cfg.scrub.enabled


def test_bad_values_name_the_field_and_value():
    with pytest.raises(ConfigError, match=r"`cluster.k`.*got -3"):
        Config.build({"cluster": {"k": -3}})
    with pytest.raises(ConfigError, match=r"`cluster.nope` is not a setting; `cluster` has method, k, "):
        Config.build({"cluster": {"nope": 1}})


_CUSTOM = {"name": "mood", "kind": "categorical", "question": "?", "values": ["a", "b"]}

#: (settings, the one line naming the setting, what it allows and the value given): every section.
BAD_SETTINGS = [
    ({"seed": -1}, "`seed` must be an int >= 0; got -1."),
    ({"keep_text": "maybe"}, "`keep_text` must be true or false; got 'maybe'."),
    ({"progress": 2}, "`progress` must be true or false; got 2."),
    (
        {"load": {"format": "csv"}},
        "`load.format` must be one of 'auto', 'openai', 'sharegpt', 'anthropic', "
        "'rows', 'dataframe'; got 'csv'.",
    ),
    ({"load": {"max_tokens": 10}}, "`load.max_tokens` must be an int >= 64; got 10."),
    ({"load": {"max_messages": 0}}, "`load.max_messages` must be an int >= 1; got 0."),
    ({"load": {"max_chars": 5}}, "`load.max_chars` must be an int >= 100; got 5."),
    ({"scrub": {"threshold": 1.5}}, "`scrub.threshold` must be a number in [0.0, 1.0]; got 1.5."),
    ({"scrub": {"threshold": float("nan")}}, "`scrub.threshold` must be a number in [0.0, 1.0]; got nan."),
    (
        {"scrub": {"entities": []}},
        "`scrub.entities` must be a non-empty list of entity names (`scrub.enabled = false` scrubs "
        "nothing); got [].",
    ),
    ({"facets": {"request_max_chars": 3}}, "`facets.request_max_chars` must be an int >= 20; got 3."),
    (
        {"facets": {"custom": [{**_CUSTOM, "name": "Mood"}]}},
        "`facets.custom.0.name` must be a string matching ^[a-z][a-z0-9_]*$; got 'Mood'.",
    ),
    (
        {"facets": {"custom": [{**_CUSTOM, "question": ""}]}},
        "`facets.custom.0.question` must be a non-empty string; got ''.",
    ),
    (
        {"facets": {"custom": [{**_CUSTOM, "values": ["a", "a"]}]}},
        "`facets.custom.0.values` needs at least 2 distinct values for a categorical facet; got ['a', 'a'].",
    ),
    (
        {"facets": {"custom": [{**_CUSTOM, "kind": "numeric", "min_value": 5, "max_value": 5}]}},
        "`facets.custom.0.max_value` must be an int > `min_value` (5) for a numeric facet; got 5.",
    ),
    (
        {"facets": {"custom": [_CUSTOM, _CUSTOM]}},
        "`facets.custom` must have distinct names (mood repeated); got [{'name': 'mood', 'kind': "
        "'categorical', 'question': '?', 'values': ['a', 'b'....",  # cut at 80 characters
    ),
    ({"embed": {"model": ""}}, "`embed.model` must be a non-empty string; got ''."),
    ({"embed": {"facet": ""}}, "`embed.facet` must be a non-empty string; got ''."),
    ({"embed": {"batch_size": 0}}, "`embed.batch_size` must be an int >= 1; got 0."),
    ({"embed": {"cache_dir": ""}}, "`embed.cache_dir` must be a non-empty string; got ''."),
    ({"cluster": {"method": "dbscan"}}, "`cluster.method` must be one of 'kmeans', 'hdbscan'; got 'dbscan'."),
    ({"cluster": {"k": 1}}, "`cluster.k` must be an int >= 2 or 'auto'; got 1."),
    ({"cluster": {"k": "many"}}, "`cluster.k` must be an int >= 2 or 'auto'; got 'many'."),
    ({"cluster": {"target_size": 0}}, "`cluster.target_size` must be an int >= 2 or 'auto'; got 0."),
    ({"cluster": {"minibatch_above": 0}}, "`cluster.minibatch_above` must be an int >= 1; got 0."),
    (
        {"cluster": {"hdbscan_min_cluster_size": 1}},
        "`cluster.hdbscan_min_cluster_size` must be an int >= 2; got 1.",
    ),
    ({"name": {"n_samples": 0}}, "`name.n_samples` must be an int >= 1; got 0."),
    ({"name": {"n_contrast": -1}}, "`name.n_contrast` must be an int >= 0; got -1."),
    ({"name": {"n_keywords": 0}}, "`name.n_keywords` must be an int >= 1; got 0."),
    (
        {"name": {"offline_namer": "llm"}},
        "`name.offline_namer` must be one of 'keywords', 'phrases'; got 'llm'.",
    ),
    ({"hierarchy": {"top_k": 1}}, "`hierarchy.top_k` must be an int >= 2 or 'auto'; got 1."),
    ({"hierarchy": {"levels": 0}}, "`hierarchy.levels` must be an int in [1, 10] or 'auto'; got 0."),
    ({"hierarchy": {"levels": 11}}, "`hierarchy.levels` must be an int in [1, 10] or 'auto'; got 11."),
    ({"hierarchy": {"max_ratio": 1}}, "`hierarchy.max_ratio` must be a number > 1.0; got 1."),
    ({"hierarchy": {"neighbourhood_size": 1}}, "`hierarchy.neighbourhood_size` must be an int >= 2; got 1."),
    (
        {"hierarchy": {"neighbourhoods": "words"}},
        "`hierarchy.neighbourhoods` must be one of 'names', 'centroids'; got 'words'.",
    ),
    ({"hierarchy": {"n_outside": -1}}, "`hierarchy.n_outside` must be an int >= 0; got -1."),
    ({"hierarchy": {"max_retries": -1}}, "`hierarchy.max_retries` must be an int >= 0; got -1."),
    ({"privacy": {"audit": "no way"}}, "`privacy.audit` must be true or false; got 'no way'."),
    ({"privacy": {"audit_threshold": 6}}, "`privacy.audit_threshold` must be an int in [1, 5]; got 6."),
    (
        {"privacy": {"unsafe_allow_below_floor": 1}},
        "`privacy.unsafe_allow_below_floor` must be true or false; got 1.",
    ),
    ({"project": {"method": "tsne"}}, "`project.method` must be one of 'umap', 'pca', 'none'; got 'tsne'."),
    ({"project": {"n_neighbors": 1}}, "`project.n_neighbors` must be an int >= 2; got 1."),
    ({"project": {"min_dist": 1.5}}, "`project.min_dist` must be a number in [0.0, 1.0]; got 1.5."),
    ({"backend": {"name": ""}}, "`backend.name` must be a non-empty string; got ''."),
    ({"backend": {"models": {"facets": ""}}}, "`backend.models.facets` must be a non-empty string; got ''."),
    (
        {"backend": {"base_url": "localhost:8000"}},
        "`backend.base_url` must be a string matching ^https?://\\S+$; got 'localhost:8000'.",
    ),
    ({"backend": {"max_concurrency": 0}}, "`backend.max_concurrency` must be an int >= 1; got 0."),
    ({"backend": {"requests_per_minute": 0}}, "`backend.requests_per_minute` must be an int >= 1; got 0."),
    ({"backend": {"tokens_per_minute": -5}}, "`backend.tokens_per_minute` must be an int >= 1; got -5."),
    ({"backend": {"timeout_s": 0}}, "`backend.timeout_s` must be a number > 0; got 0."),
    ({"backend": {"timeout_s": float("inf")}}, "`backend.timeout_s` must be a number > 0; got inf."),
    ({"backend": {"max_retries": -1}}, "`backend.max_retries` must be an int >= 0; got -1."),
    ({"backend": {"cache_dir": ""}}, "`backend.cache_dir` must be a non-empty string; got ''."),
    ({"backend": {"thinking": "on"}}, "`backend.thinking` must be one of 'off', 'model-default'; got 'on'."),
    ({"backend": {"effort": "max"}}, "`backend.effort` must be one of 'low', 'medium', 'high'; got 'max'."),
    (
        {"backend": {"batch_tasks": ["facet"]}},
        "`backend.batch_tasks` must name tasks among facets, "
        "name_cluster, propose, dedupe, assign, rename, audit, synthesize, map_category (unknown task(s): "
        "['facet']); got ['facet'].",
    ),
    ({"backend": {"batch_poll_s": -1}}, "`backend.batch_poll_s` must be a number >= 0; got -1."),
    ({"backend": {"batch_discount": 0}}, "`backend.batch_discount` must be a number in (0, 1]; got 0."),
    (
        {"backend": {"prices": {"m": {"input": -1, "output": 1}}}},
        "`backend.prices.m.input` must be a number >= 0; got -1.",
    ),
    (
        {"backend": {"prices": {"": {"input": 1, "output": 1}}}},
        "`backend.prices.` must be a non-empty string; got ''.",
    ),
    ({"backend": 5}, "`backend` must be a table; got 5."),
]


@pytest.mark.parametrize(
    ("settings", "line"), BAD_SETTINGS, ids=[line.split("`")[1] for _, line in BAD_SETTINGS]
)
def test_every_setting_is_bounded_with_a_one_line_message(settings, line):
    with pytest.raises(ConfigError) as exc:
        Config.build(settings)
    assert str(exc.value) == f"invalid config: {line}"


def _models(model):
    """``model`` and every model nested in its fields (sections, custom facets, prices)."""
    yield model
    for field in model.model_fields.values():
        for arg in (field.annotation, *get_args(field.annotation)):
            if isinstance(arg, type) and issubclass(arg, BaseModel):
                yield from _models(arg)


def test_every_numeric_field_declares_its_bounds():
    # privacy thresholds: bounded by the floor validator; facet scales: max_value > min_value
    checked_by_validators = {
        "PrivacyConfig.min_conversations",
        "PrivacyConfig.min_users",
        "CustomFacet.min_value",
        "CustomFacet.max_value",
    }
    numeric = {}
    for model in _models(Config):
        for name, field in model.model_fields.items():
            text = describe(field.annotation, list(field.metadata))
            if "an int" in text or "a number" in text:
                numeric[f"{model.__name__}.{name}"] = text
    unbounded = {
        k: v
        for k, v in numeric.items()
        if k not in checked_by_validators and not re.search(r"[<>]| in [([]", v)
    }
    assert len(numeric) >= 38 and unbounded == {}  # 38 numeric settings today


def test_several_errors_give_one_line_each_without_pydantic_noise():
    with pytest.raises(ConfigError) as exc:
        Config.build({"hierarchy": {"levels": 0}, "seed": -1, "backend": {"timeout_s": 0}})
    lines = str(exc.value).splitlines()
    assert lines[0] == "invalid config (3 errors):"
    assert [line.strip() for line in lines[1:]] == [
        "`seed` must be an int >= 0; got -1.",
        "`hierarchy.levels` must be an int in [1, 10] or 'auto'; got 0.",
        "`backend.timeout_s` must be a number > 0; got 0.",
    ]
    assert "pydantic" not in str(exc.value) and "Value error" not in str(exc.value)


def test_levels_zero_fails_at_build_time_not_later(tmp_path):
    with pytest.raises(ConfigError, match=r"^invalid config: `hierarchy.levels` must be an int in \[1, 10\]"):
        Config.build({"hierarchy": {"levels": 0}})
    p = tmp_path / "c.toml"
    p.write_text("[hierarchy]\nlevels = 0\n")
    with pytest.raises(ConfigError, match=rf"^invalid {p}: `hierarchy.levels` .*; got 0\.$"):
        Config.from_toml(p)
    assert resolve_levels(100, HierarchyConfig(top_k=4, levels=1)) == [4]


def test_toml_and_overrides(tmp_path):
    p = tmp_path / "c.toml"
    p.write_text(
        'seed = 7\n[cluster]\nk = 12\n[[facets.custom]]\nname = "mood"\nkind = "categorical"\n'
        'question = "How does the user feel?"\nvalues = ["happy", "sad"]\n'
    )
    cfg = Config.from_toml(p, cluster={"k": 20})
    assert cfg.seed == 7 and cfg.cluster.k == 20
    assert cfg.facets.custom[0].values == ("happy", "sad")


def test_categorical_facet_needs_values():
    with pytest.raises(ConfigError, match="needs at least 2"):
        Config.build({"facets": {"custom": [{"name": "x", "kind": "categorical", "question": "?"}]}})


def test_config_is_frozen_and_replace_copies():
    cfg = Config()
    with pytest.raises(ValueError):
        cfg.seed = 3  # type: ignore[misc]
    assert cfg.replace(seed=3).seed == 3 and cfg.seed == 0


def test_resolve_k():
    assert resolve_k(300, ClusterConfig()) == 18  # target int(sqrt(300)) = 17 -> 300 / 17 = 17.6
    assert resolve_k(100_000, ClusterConfig()) == 1000  # target capped at 100
    assert resolve_k(50, ClusterConfig(k=80)) == 50
    assert resolve_k(1000, ClusterConfig(target_size=50)) == 20


def test_resolve_thresholds():
    assert resolve_thresholds(300, 100, PrivacyConfig()) == (5, 3)
    assert resolve_thresholds(100_000, 20_000, PrivacyConfig()) == (50, 40)
    low = PrivacyConfig(min_conversations=2, min_users=1, unsafe_allow_below_floor=True)
    assert resolve_thresholds(10, 10, low) == (2, 1)


def test_resolve_levels_geometric():
    assert resolve_levels(100, HierarchyConfig()) == [10]
    assert resolve_levels(1000, HierarchyConfig()) == [141, 20]  # top capped at 20, ratio ~7 per level
    assert resolve_levels(17, HierarchyConfig()) == [4]
    assert resolve_levels(3, HierarchyConfig(top_k=5)) == []
    assert resolve_levels(100, HierarchyConfig(top_k=4, levels=2)) == [20, 4]


def test_hash_and_seeds_are_stable():
    assert stable_hash({"a": 1, "b": [1, 2]}) == stable_hash({"b": [1, 2], "a": 1})
    assert derive_seed(0, "cluster") != derive_seed(0, "name")
    assert derive_seed(0, "cluster") == derive_seed(0, "cluster")
    with pytest.raises(TypeError):
        stable_hash({"f": object()})


def test_shipped_example_config_is_valid():
    from pathlib import Path

    cfg = Config.from_toml(Path(__file__).resolve().parents[1] / "examples" / "cliokit.toml")
    assert cfg.facets.custom[0].name == "domain"
    defaults = Config().model_dump()
    assert {k: v for k, v in cfg.model_dump().items() if k != "facets"} == {
        k: v for k, v in defaults.items() if k != "facets"
    }
