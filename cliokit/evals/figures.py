"""Altair charts of evaluation metrics (functions return charts; :func:`save_chart` writes them)."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

logger = logging.getLogger(__name__)

_WIDTH = 420


def _alt() -> Any:
    import altair as alt

    return alt


def accuracy_by_language_chart(accuracy: Mapping[str, Any]) -> Any:
    """Bars of reconstruction accuracy per language, with rules for the baselines and the oracle.

    Parameters
    ----------
    accuracy : dict
        A :func:`cliokit.evals.reconstruction_accuracy` result.
    """
    alt = _alt()
    df = pd.DataFrame(
        [{"language": "all", "accuracy": accuracy["accuracy"]}]
        + [{"language": k, "accuracy": v} for k, v in sorted(accuracy["per_language"].items())]
    )
    names = {
        "random_baseline": "random",
        "majority_baseline": "majority",
        "oracle_accuracy": "oracle mapping",
    }
    base = pd.DataFrame(
        [{"baseline": label, "accuracy": accuracy[key]} for key, label in names.items() if key in accuracy]
    )
    bars = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X("language:N", sort=None, title="language", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("accuracy:Q", scale=alt.Scale(domain=[0, 1]), title="reconstruction accuracy"),
            color=alt.condition(alt.datum.language == "all", alt.value("#4c78a8"), alt.value("#9ecae9")),
            tooltip=["language", alt.Tooltip("accuracy:Q", format=".3f")],
        )
    )
    rules = (
        alt.Chart(base)
        .mark_rule(strokeDash=[4, 3])
        .encode(
            y="accuracy:Q",
            color=alt.Color("baseline:N", scale=alt.Scale(range=["#72b7b2", "#e45756", "#54a24b"])),
        )
    )
    return (bars + rules).properties(width=_WIDTH, title="Accuracy per language vs baselines")


def category_accuracy_chart(accuracy: Mapping[str, Any]) -> Any:
    """Horizontal bars of reconstruction accuracy (recall) per ground-truth category."""
    alt = _alt()
    df = pd.DataFrame(
        [{"category": k, "accuracy": v} for k, v in accuracy["per_category"].items()]
    ).sort_values("accuracy", ascending=False)
    return (
        alt.Chart(df)
        .mark_bar()
        .encode(
            y=alt.Y("category:N", sort="-x", title=None),
            x=alt.X("accuracy:Q", scale=alt.Scale(domain=[0, 1])),
            tooltip=["category", alt.Tooltip("accuracy:Q", format=".3f")],
        )
        .properties(width=_WIDTH, title="Accuracy per category")
    )


def level_scores_chart(scores: pd.DataFrame, metrics: Sequence[str] = ("ari", "nmi")) -> Any:
    """Grouped bars of partition scores per hierarchy level and target (:func:`level_scores`)."""
    alt = _alt()
    df = scores.assign(
        level_target=[f"L{lv} vs {t}" for lv, t in zip(scores["level"], scores["target"], strict=True)]
    )
    long = df.melt(id_vars=["level_target"], value_vars=list(metrics), var_name="metric", value_name="score")
    return (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X("level_target:N", sort=None, title=None, axis=alt.Axis(labelAngle=0)),
            xOffset="metric:N",
            y=alt.Y("score:Q", scale=alt.Scale(domain=[0, 1])),
            color="metric:N",
            tooltip=["level_target", "metric", alt.Tooltip("score:Q", format=".3f")],
        )
        .properties(width=_WIDTH, title="Partition scores per level")
    )


def leakage_chart(summary: Mapping[str, Any]) -> Any:
    """Bars of the share of conversations whose planted details appear at each stage."""
    alt = _alt()
    df = pd.DataFrame(summary["stages"])
    df["label"] = [f"{100 * s:.1f}%" for s in df["share"]]
    bars = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X("stage:N", sort=None, title=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("share:Q", axis=alt.Axis(format="%"), title="conversations with planted details found"),
            tooltip=["stage", "conversations_leaking", alt.Tooltip("share:Q", format=".2%")],
        )
    )
    text = bars.mark_text(dy=-6).encode(text="label:N")
    return (bars + text).properties(width=_WIDTH, title="Planted private details found, by stage")


def leakage_by_kind_chart(summary: Mapping[str, Any]) -> Any:
    """Heatmap of the share of planted values found, by stage and kind."""
    alt = _alt()
    rows = [
        {"stage": stage, "kind": kind, "share": share}
        for stage, kinds in summary["by_kind"].items()
        for kind, share in kinds.items()
    ]
    return (
        alt.Chart(pd.DataFrame(rows, columns=["stage", "kind", "share"]))
        .mark_rect()
        .encode(
            x=alt.X("stage:N", sort=list(summary["by_kind"]), axis=alt.Axis(labelAngle=-30)),
            y="kind:N",
            color=alt.Color("share:Q", scale=alt.Scale(domain=[0, 1])),
            tooltip=["stage", "kind", alt.Tooltip("share:Q", format=".2%")],
        )
        .properties(title="Share of planted values found, by kind")
    )


def save_chart(
    chart: Any, path: str | os.PathLike[str], formats: Sequence[str] = ("png", "svg")
) -> list[Path]:
    """Write ``chart`` as ``path.png`` and ``path.svg`` (headless, with vl-convert); returns the files.

    ``path`` is taken without its suffix.
    """
    import vl_convert as vlc

    stem = Path(path)
    stem = stem.with_suffix("") if stem.suffix in {".png", ".svg"} else stem
    stem.parent.mkdir(parents=True, exist_ok=True)
    spec = chart.to_json()
    written = []
    for fmt in formats:
        out = stem.with_name(f"{stem.name}.{fmt}")
        if fmt == "png":
            out.write_bytes(vlc.vegalite_to_png(spec, scale=2))
        elif fmt == "svg":
            out.write_text(vlc.vegalite_to_svg(spec), encoding="utf-8")
        else:
            raise ValueError(f"`formats` may hold 'png' and 'svg'; got {fmt!r}")
        written.append(out)
    logger.info("saved %s", ", ".join(str(w) for w in written))
    return written
