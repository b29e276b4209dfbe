import pytest

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
    with pytest.raises(ConfigError, match=r"`cluster.nope`"):
        Config.build({"cluster": {"nope": 1}})


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
    assert resolve_thresholds(10, 10, PrivacyConfig(min_conversations=2, min_users=1)) == (2, 1)


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
