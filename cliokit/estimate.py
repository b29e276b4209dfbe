"""Expected calls, tokens and cost of a run, computed before anything is spent.

Facet extraction is estimated from the conversations themselves (every prompt is rendered and
counted with :func:`cliokit.load.estimate_tokens`, the ``o200k_base`` BPE tokenizer: exact for
GPT-4o-family models, an estimate for Claude, whose tokenizer is not public).
Later stages depend on answers not yet written, so they use the resolved cluster counts and the
typical answer lengths in :data:`ASSUMED_TOKENS`. Repair retries, 429 retries and prompt-cache
discounts are not included, so real costs can be somewhat lower (cache reads) or higher (repairs).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

from cliokit.backends.base import Usage, prompt_tokens
from cliokit.backends.calls import call_cost, price_for
from cliokit.config import Config, resolve_k, resolve_levels
from cliokit.facets import facet_requests
from cliokit.load import estimate_tokens
from cliokit.prompts import ASSIGN, AUDIT, DEDUPE, NAME_CLUSTER, PROPOSE, RENAME, Template

#: Typical lengths (tokens) assumed for text that does not exist before the run.
ASSUMED_TOKENS = {
    "facet_answer": 110,  # request + task + language + concern, with tags
    "custom_facet_answer": 40,
    "facet_text": 35,  # one request facet shown to the namer
    "cluster_text": 45,  # a cluster's name and description
    "category_name": 12,
    "name_answer": 90,  # summary + name
    "propose_answer": 350,  # scratchpad + categories
    "dedupe_answer": 350,
    "assign_answer": 60,
    "audit_answer": 60,
}


def _template_tokens(t: Template) -> int:
    return estimate_tokens(t.system + t.user + t.prefill)


def _row(
    task: str, model: str, calls: float, input_tokens: float, output_tokens: float, cfg: Config
) -> dict[str, object]:
    usage = Usage(input_tokens=round(input_tokens), output_tokens=round(output_tokens))
    price = price_for(model, cfg.backend.prices)
    discount = cfg.backend.batch_discount
    return {
        "task": task,
        "model": model,
        "calls": int(calls),
        "input_tokens": usage.input_tokens,
        "output_tokens": usage.output_tokens,
        "cost_usd": call_cost(usage, price) if price else math.nan,
        "cost_batch_usd": call_cost(usage, price, batch=True, batch_discount=discount) if price else math.nan,
    }


def estimate_run(
    conversations: pd.DataFrame, cfg: Config, models: Mapping[str, str], *, scale_to: int | None = None
) -> pd.DataFrame:
    """Expected calls, tokens and cost per task for running ``cfg`` on ``conversations``.

    Parameters
    ----------
    conversations : DataFrame
        Loaded (and truncated) conversations, as from :func:`cliokit.load_conversations`.
    cfg : Config
        The run's configuration (cluster counts, sample sizes, prices).
    models : mapping
        Task → model id (from the backend).
    scale_to : int, optional
        Extrapolate to this many conversations (facet tokens scale per conversation; cluster
        counts are resolved for the larger size).

    Returns
    -------
    DataFrame
        One row per task plus a ``total`` row: task, model, calls, input_tokens, output_tokens,
        cost_usd (standard API) and cost_batch_usd (everything through the batch API), NaN where
        the model has no price.
    """
    n_loaded = len(conversations)
    n = scale_to or n_loaded
    factor = n / max(1, n_loaded)
    requests = facet_requests(conversations, cfg.facets)
    facet_in = sum(prompt_tokens(r) for r in requests) * factor
    a = ASSUMED_TOKENS
    facet_out = n * (a["facet_answer"] + a["custom_facet_answer"] * len(cfg.facets.custom))
    rows = [_row("facets", models["facets"], n, facet_in, facet_out, cfg)]

    k = resolve_k(n, cfg.cluster)
    samples = min(cfg.name.n_samples, max(1, n // max(1, k)))
    shown = samples + min(cfg.name.n_contrast, samples)  # contrast scales with the samples shown
    rows.append(
        _row(
            "name_cluster",
            models["name_cluster"],
            k,
            k * (_template_tokens(NAME_CLUSTER) + shown * a["facet_text"]),
            k * a["name_answer"],
            cfg,
        )
    )
    audits = k
    children = k
    propose, dedupe, assign, rename = ([0.0, 0.0, 0.0] for _ in range(4))
    for parents in resolve_levels(k, cfg.hierarchy):
        hood = cfg.hierarchy.neighbourhood_size
        n_hoods = math.ceil(children / hood)
        per_hood = min(children, hood) + cfg.hierarchy.n_outside
        _add(propose, n_hoods, _template_tokens(PROPOSE) + per_hood * a["cluster_text"], a["propose_answer"])
        candidates = max(parents, n_hoods * math.ceil(parents / max(1, n_hoods)))
        _add(dedupe, 1, _template_tokens(DEDUPE) + candidates * a["category_name"], a["dedupe_answer"])
        _add(
            assign,
            children,
            _template_tokens(ASSIGN) + parents * a["category_name"] + a["cluster_text"],
            a["assign_answer"],
        )
        per_parent = children / max(1, parents)
        _add(rename, parents, _template_tokens(RENAME) + per_parent * a["cluster_text"], a["name_answer"])
        audits += parents
        children = parents
    for task, (calls, tin, tout) in zip(
        ("propose", "dedupe", "assign", "rename"), (propose, dedupe, assign, rename), strict=True
    ):
        rows.append(_row(task, models[task], calls, tin, tout, cfg))
    rows.append(
        _row(
            "audit",
            models["audit"],
            audits,
            audits * (_template_tokens(AUDIT) + a["cluster_text"]),
            audits * a["audit_answer"],
            cfg,
        )
    )
    out = pd.DataFrame(rows)
    out = out[out["calls"] > 0].reset_index(drop=True)
    total = {
        "task": "total",
        "model": "",
        **{c: out[c].sum(min_count=1) for c in ("calls", "input_tokens", "output_tokens")},
        "cost_usd": out["cost_usd"].sum(min_count=len(out)),
        "cost_batch_usd": out["cost_batch_usd"].sum(min_count=len(out)),
    }
    return pd.concat([out, pd.DataFrame([total])], ignore_index=True)


def _add(acc: list[float], calls: int, input_per_call: float, output_per_call: float) -> None:
    acc[0] += calls
    acc[1] += calls * input_per_call
    acc[2] += calls * output_per_call
