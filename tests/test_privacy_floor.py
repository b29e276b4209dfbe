"""The privacy floor: thresholds below 2 need ``privacy.unsafe_allow_below_floor``, which is loud."""

from __future__ import annotations

import logging

import pytest

import cliokit
from cliokit import viz
from cliokit.config import PRIVACY_FLOOR, Config, PrivacyConfig, resolve_thresholds
from cliokit.errors import ConfigError
from cliokit.privacy import PrivacyFilter

from .conftest import make_conversations

FLOOR_TEXT = (
    "must be an int >= 2 or 'auto' (lower values switch the privacy filter off; "
    "`privacy.unsafe_allow_below_floor = true` allows 1)"
)
UNSAFE = {"unsafe_allow_below_floor": True, "min_conversations": 1, "min_users": 1}


@pytest.mark.parametrize("field", ["min_conversations", "min_users"])
@pytest.mark.parametrize("value", [1, 0, -3])
def test_thresholds_below_the_floor_are_refused(field, value):
    with pytest.raises(ConfigError) as exc:
        Config.build({"privacy": {field: value}})
    assert str(exc.value) == f"invalid config: `privacy.{field}` {FLOOR_TEXT}; got {value}."
    assert Config.build({"privacy": {field: PRIVACY_FLOOR}}).privacy.model_dump()[field] == PRIVACY_FLOOR


def test_the_override_allows_one_but_nothing_lower():
    cfg = Config.build({"privacy": UNSAFE})
    assert resolve_thresholds(1000, 500, cfg.privacy) == (1, 1)
    for bad in (0, -3):
        with pytest.raises(ConfigError) as exc:
            Config.build({"privacy": {**UNSAFE, "min_users": bad}})
        assert (
            str(exc.value) == f"invalid config: `privacy.min_users` must be an int >= 1 or 'auto'; got {bad}."
        )


def test_the_override_must_be_a_real_true():
    with pytest.raises(ConfigError) as exc:
        Config.build({"privacy": {**UNSAFE, "unsafe_allow_below_floor": "yes"}})
    text = str(exc.value)
    assert "`privacy.unsafe_allow_below_floor` must be true or false; got 'yes'." in text
    assert f"`privacy.min_users` {FLOOR_TEXT}; got 1." in text
    assert PrivacyConfig().unsafe_allow_below_floor is False


def test_floor_and_override_from_toml(tmp_path):
    p = tmp_path / "c.toml"
    p.write_text("[privacy]\nmin_users = 0\n")
    with pytest.raises(ConfigError, match=rf"^invalid {p}: `privacy.min_users` must be an int >= 2"):
        Config.from_toml(p)
    p.write_text("[privacy]\nunsafe_allow_below_floor = true\nmin_users = 1\nmin_conversations = 1\n")
    assert Config.from_toml(p).privacy.min_users == 1


def test_filter_warns_below_the_floor_only(caplog):
    with caplog.at_level(logging.WARNING, logger="cliokit.privacy"):
        PrivacyFilter(2, 2, None, 3)
    assert caplog.records == []
    with caplog.at_level(logging.WARNING, logger="cliokit.privacy"):
        PrivacyFilter(5, 1, None, 3)
    assert [r.levelno for r in caplog.records] == [logging.WARNING]
    assert "below the floor of 2 (min_conversations=5, min_users=1" in caplog.text


def test_unsafe_run_warns_is_recorded_and_shows_a_report_banner(tmp_path, caplog):
    df = make_conversations(60, n_users=30).drop(columns=["topic"])
    with caplog.at_level(logging.WARNING, logger="cliokit.privacy"):
        result = cliokit.run(
            df,
            out=tmp_path / "run",
            embed={"model": "hash"},
            project={"method": "pca"},
            cluster={"k": 12},
            privacy=UNSAFE,
            progress=False,
        )
    assert "privacy thresholds below the floor of 2 (min_conversations=1, min_users=1" in caplog.text
    m = result.manifest
    assert m.config["privacy"]["unsafe_allow_below_floor"] is True
    assert m.resolved["privacy"] == {"min_conversations": 1, "min_users": 1, "unsafe_allow_below_floor": True}
    c = result.clusters
    assert not (c["suppressed_reason"] == "size").any()
    auto_conv, auto_users = resolve_thresholds(len(df), df["user_id"].nunique(), PrivacyConfig())
    small = (c["n_conversations"] < auto_conv) | (c["n_users"] < auto_users)
    assert (small & ~c["suppressed"].astype(bool)).any()  # named, though the default would hide it

    text = viz.build_report(result, include_map=False)
    banner = text.index('id="privacy-floor"')
    assert banner < text.index('<table class="summary">')  # above everything else
    assert "privacy.unsafe_allow_below_floor = true" in text
    assert "as few as 1 conversations and 1 unique users" in text
