"""Generate labelled synthetic conversations with planted PII (template or model mode).

The plan (users, languages, subtopics, personas, tones, turns, PII kinds) is drawn first from one
seeded numpy generator; each conversation then gets its own seed, so its text and planted values do
not depend on the other conversations. Same arguments and seed, same data, byte for byte.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from cliokit.backends.base import Backend
from cliokit.errors import ConfigError
from cliokit.progress import progress_bar
from cliokit.synthetic._locales import LOCALES
from cliokit.synthetic._plan import PlanRow, derive_seed, plan_conversations, plan_rows
from cliokit.synthetic.model import SYNTHESIZE, run_model
from cliokit.synthetic.pii import CANARY_KINDS, FakerPool, Planted, plant, resolve_secret, secret_fingerprint
from cliokit.synthetic.taxonomy import Taxonomy, load_taxonomy
from cliokit.synthetic.templates import LanguageTemplates, load_templates

logger = logging.getLogger(__name__)

__all__ = ["FORMAT_VERSION", "LABEL_COLUMNS", "PLANTED_COLUMNS", "SyntheticData", "generate"]

#: Version of the on-disk layout and of the generation scheme (bump when either changes meaning).
FORMAT_VERSION = 1
LABEL_COLUMNS = [
    "conversation_id",
    "user_id",
    "language",
    "category",
    "subtopic",
    "concern",
    "persona",
    "tone",
    "n_turns",
    "has_pii",
]
PLANTED_COLUMNS = ["conversation_id", "kind", "value", "canary", "token"]


def _empty_failed() -> pd.DataFrame:
    return pd.DataFrame({"conversation_id": pd.Series(dtype=str), "reason": pd.Series(dtype=str)})


@dataclass(frozen=True, eq=False)
class SyntheticData:
    """A synthetic dataset.

    Attributes
    ----------
    conversations : DataFrame
        ``conversation_id``, ``user_id``, ``messages`` (list of ``{"role", "content"}``), and
        ``timestamp`` (``datetime64[ns, UTC]``) when generated with ``weeks``.
    labels : DataFrame
        One row per conversation: :data:`LABEL_COLUMNS`.
    planted : DataFrame
        One row per planted value: ``conversation_id``, ``kind``, ``value`` (the exact string in
        the text), ``canary`` (bool), ``token`` (the canary token inside ``value``, or None).
    params : dict
        Arguments, package versions, taxonomy and template hashes, counts.
    failed : DataFrame
        Model mode: ``conversation_id``, ``reason`` of conversations that could not be written.
    taxonomy : Taxonomy or None
        The taxonomy used.
    """

    conversations: pd.DataFrame
    labels: pd.DataFrame
    planted: pd.DataFrame
    params: dict[str, Any]
    failed: pd.DataFrame = field(default_factory=_empty_failed)
    taxonomy: Taxonomy | None = None


def generate(
    n: int = 5000,
    languages: Sequence[str] | str = ("en", "es"),
    *,
    seed: int = 0,
    pii_rate: float = 0.1,
    concern_rate: float = 0.05,
    users: int | None = None,
    min_turns: int = 1,
    max_turns: int = 3,
    taxonomy: Taxonomy | str | None = None,
    mode: str = "template",
    backend: Backend | str | None = None,
    model: str = "",
    secret: str | bytes | None = None,
    progress: bool | None = None,
    templates_dir: str | None = None,
    category_skew: float = 0.0,
    weeks: int | None = None,
    start: str = "2024-01-01",
    trend: str | None = None,
    trend_ratio: float = 4.0,
) -> SyntheticData:
    """Generate ``n`` labelled conversations with planted personal data.

    Parameters
    ----------
    n : int, default=5000
        Conversations to plan.
    languages : sequence of str or comma-separated str, default=("en", "es")
        Languages; each user has one home language, spread evenly over these.
    seed : int, default=0
        Seed of everything (and of the canary secret when none is given).
    pii_rate : float, default=0.1
        Probability that a conversation gets planted PII (one to three kinds).
    concern_rate : float, default=0.05
        Probability that a conversation is about a concerning subtopic.
    users : int, optional
        Distinct users (default ``n // 4``, at least 1, at most ``n``). Every user gets at least one
        conversation; the rest go to users in proportion to a log-normal activity level.
    min_turns, max_turns : int, default=1, 3
        Range of the number of user turns.
    taxonomy : Taxonomy or str, optional
        A taxonomy or its file (None: the packaged one).
    mode : {"template", "model"}, default="template"
        ``template`` fills the per-language template files; ``model`` asks ``backend`` to write
        each conversation.
    backend : Backend or str, optional
        Model mode only: the backend (a heuristic backend such as ``offline`` cannot write).
    model : str, default=""
        Model id for the backend.
    secret : str or bytes, optional
        Canary secret (default: ``$CLIOKIT_CANARY_SECRET``, else derived from ``seed``).
    progress : bool, optional
        Progress bar (None: the global default).
    templates_dir : str, optional
        Directory of ``LANG.yaml`` template files (None: the packaged ones).
    category_skew : float, default=0.0
        Zipf exponent over ordinary categories in file order (0: uniform categories).
    weeks : int, optional
        Give every conversation a ``timestamp`` (UTC, whole seconds), spread evenly over this many
        weeks from ``start`` (None: no ``timestamp`` column).
    start : str, default="2024-01-01"
        ISO date or date-time the time span starts at (UTC when it has no zone).
    trend : str, optional
        A subtopic or category id of the taxonomy (e.g. ``"coding.debug"`` or ``"travel"``) whose
        conversations are planted as a trend over the ``weeks``: their rate over time rises (or
        falls) linearly, by ``trend_ratio`` from the first instant to the last, while the others
        stay even. Needs ``weeks``.
    trend_ratio : float, default=4.0
        The trend's rate at the end over its rate at the start (> 1 grows, < 1 shrinks).

    Returns
    -------
    SyntheticData
        Model mode leaves failed conversations out of ``conversations``, ``labels`` and
        ``planted`` and lists them in ``failed``.

    Raises
    ------
    ConfigError
        An invalid argument, a language without a template file (template mode), an invalid
        template or taxonomy file, or a heuristic or missing backend in model mode.
    """
    languages = _check_args(n, languages, seed, pii_rate, concern_rate, users, min_turns, max_turns, mode)
    if isinstance(category_skew, bool) or not isinstance(category_skew, int | float) or category_skew < 0:
        raise ConfigError(f"`category_skew` must be a number >= 0; got {category_skew!r}")
    tax = taxonomy if isinstance(taxonomy, Taxonomy) else load_taxonomy(taxonomy)
    origin, trend_column = _check_time_args(weeks, start, trend, trend_ratio, tax)
    chosen: Backend | None = None
    templates: dict[str, LanguageTemplates] = {}
    if mode == "model":
        chosen = _model_backend(backend, model)
    else:
        templates = {lang: load_templates(lang, templates_dir, taxonomy=tax) for lang in languages}
    plan = plan_conversations(
        n, languages, seed, pii_rate, concern_rate, users, min_turns, max_turns, tax, category_skew
    )
    if weeks is not None:
        plan["timestamp"] = _timestamps(plan, seed, weeks, origin, trend_column, trend, trend_ratio)
    key, secret_source = resolve_secret(secret, seed)
    pool = FakerPool()
    planted: list[list[Planted]] = []
    messages: list[list[dict[str, str]] | None] = []
    rows = plan_rows(plan)
    bar = progress_bar(total=n, desc="synthetic conversations", enabled=progress)
    try:
        for i, row in enumerate(rows):
            values = plant(list(row.pii_kinds), row.language, row.conversation_id, row.seed + 1, key, pool)
            planted.append(values)
            if mode == "template":
                messages.append(_render(templates[row.language], row, values, random.Random(row.seed)))
            if i % 256 == 255:
                bar.update(256)
        bar.update(n - bar.n)
    finally:
        bar.close()
    usage: dict[str, Any] = {}
    failed = _empty_failed()
    if chosen is not None:
        messages, failed, usage = run_model(chosen, rows, planted, tax, model, progress)
    args = {
        "mode": mode,
        "n": int(n),
        "languages": languages,
        "seed": int(seed),
        "pii_rate": float(pii_rate),
        "concern_rate": float(concern_rate),
        "users": None if users is None else int(users),
        "users_resolved": int(plan["user_id"].nunique()),
        "min_turns": int(min_turns),
        "max_turns": int(max_turns),
        "category_skew": float(category_skew),
        "model": model,
    }
    if weeks is not None:
        args.update(weeks=int(weeks), start=origin.isoformat(), trend=trend, trend_ratio=float(trend_ratio))
    if chosen is not None:
        args["backend"] = chosen.describe()
        args["prompt_hash"] = SYNTHESIZE.hash
    return _assemble(plan, messages, planted, failed, tax, templates, args, pool, secret_source, key, usage)


def _check_args(
    n: int,
    languages: Sequence[str] | str,
    seed: int,
    pii_rate: float,
    concern_rate: float,
    users: int | None,
    min_turns: int,
    max_turns: int,
    mode: str,
) -> list[str]:
    """Validated languages; raises :class:`ConfigError` naming the bad argument."""

    def is_int(v: Any) -> bool:
        return isinstance(v, int | np.integer) and not isinstance(v, bool)

    if not is_int(n) or n < 1:
        raise ConfigError(f"`n` must be an integer >= 1; got {n!r}")
    if not is_int(seed) or seed < 0:
        raise ConfigError(f"`seed` must be an integer >= 0; got {seed!r}")
    for name, rate in (("pii_rate", pii_rate), ("concern_rate", concern_rate)):
        if isinstance(rate, bool) or not isinstance(rate, int | float) or not 0.0 <= rate <= 1.0:
            raise ConfigError(f"`{name}` must be a number from 0 to 1; got {rate!r}")
    if users is not None and (not is_int(users) or users < 1):
        raise ConfigError(f"`users` must be an integer >= 1 or None; got {users!r}")
    if not is_int(min_turns) or not is_int(max_turns) or not 1 <= min_turns <= max_turns <= 50:
        raise ConfigError(
            f"`min_turns` and `max_turns` must be integers with 1 <= min_turns <= max_turns <= 50; "
            f"got {min_turns!r} and {max_turns!r}"
        )
    if mode not in ("template", "model"):
        raise ConfigError(f"`mode` must be 'template' or 'model'; got {mode!r}")
    langs = [s.strip() for s in languages.split(",")] if isinstance(languages, str) else list(languages)
    if not langs or any(not isinstance(x, str) or not x for x in langs):
        raise ConfigError(f"`languages` must be a non-empty list of language codes; got {languages!r}")
    unknown = [x for x in langs if x not in LOCALES]
    if unknown:
        raise ConfigError(f"`languages`: unknown language {unknown[0]!r}; known: {', '.join(LOCALES)}")
    if len(set(langs)) != len(langs):
        raise ConfigError(f"`languages` lists a language twice: {langs}")
    return langs


def _check_time_args(
    weeks: int | None, start: str, trend: str | None, trend_ratio: float, tax: Taxonomy
) -> tuple[pd.Timestamp, str]:
    """The span's start (UTC) and the trend's column; raises :class:`ConfigError` naming a bad argument."""
    if weeks is not None and (
        isinstance(weeks, bool) or not isinstance(weeks, int | np.integer) or not 1 <= weeks <= 520
    ):
        raise ConfigError(f"`weeks` must be an integer from 1 to 520 or None; got {weeks!r}")
    try:
        origin = pd.Timestamp(start)
        if pd.isna(origin):
            raise ValueError(start)
    except (TypeError, ValueError):
        raise ConfigError(f"`start` must be an ISO date or date-time; got {start!r}") from None
    if trend is not None:
        if weeks is None:
            raise ConfigError("`trend` needs `weeks`: a trend is planted over the weeks of the data")
        if trend not in {*tax.subtopics["subtopic"], *tax.categories["category"]}:
            raise ConfigError(
                f"`trend` must be a subtopic or category id of the taxonomy (e.g. "
                f"{tax.subtopics['subtopic'].iloc[0]!r}); got {trend!r}"
            )
    if isinstance(trend_ratio, bool) or not isinstance(trend_ratio, int | float) or not trend_ratio > 0:
        raise ConfigError(f"`trend_ratio` must be a number > 0; got {trend_ratio!r}")
    column = "subtopic" if trend in set(tax.subtopics["subtopic"]) else "category"
    return origin.tz_localize("UTC") if origin.tzinfo is None else origin.tz_convert("UTC"), column


def _timestamps(
    plan: pd.DataFrame,
    seed: int,
    weeks: int,
    origin: pd.Timestamp,
    column: str,
    trend: str | None,
    ratio: float,
) -> pd.Series:
    """A time for each planned conversation: uniform over the span, rising by ``ratio`` for ``trend``."""
    rng = np.random.default_rng(derive_seed(seed, "time"))
    n = len(plan)
    position = rng.random(n)  # where in the span, 0 to 1
    if trend is not None:
        r = max(ratio, 1 / ratio)
        # density 1 + (r - 1) x on [0, 1]: uniform with weight 2 / (r + 1), else density 2x (sqrt of U)
        rising = np.where(rng.random(n) < 2 / (r + 1), rng.random(n), np.sqrt(rng.random(n)))
        position = np.where(plan[column].to_numpy() == trend, rising if ratio >= 1 else 1 - rising, position)
    seconds = np.floor(position * weeks * 7 * 86400).astype(np.int64)
    return pd.Series(origin + pd.to_timedelta(seconds, unit="s"), index=plan.index).astype(
        "datetime64[ns, UTC]"
    )


def _model_backend(backend: Backend | str | None, model: str) -> Backend:
    from cliokit.backends import get_backend

    if backend is None:
        raise ConfigError("mode='model' needs a `backend` that can write text (a language model)")
    if isinstance(backend, Backend):
        chosen = backend
    else:
        from pydantic import ValidationError

        from cliokit.config import BackendConfig

        try:
            config = BackendConfig(name=backend, model=model)
            chosen = get_backend(backend, config)
        except ValidationError as exc:
            raise ConfigError(f"invalid backend settings: {exc.errors()[0]['msg']}") from None
        except TypeError as exc:
            raise ConfigError(f"backend {backend!r} cannot be built from its name alone: {exc}") from None
    if chosen.heuristic:
        raise ConfigError(
            f"backend {chosen.name!r} answers with heuristics and cannot write conversations; "
            "use mode='template' or a language-model backend"
        )
    return chosen


def _render(
    tpl: LanguageTemplates, row: PlanRow, values: list[Planted], r: random.Random
) -> list[dict[str, str]]:
    """The messages of one template-mode conversation."""
    sep = LOCALES[tpl.language].joiner
    st = tpl.subtopics[row.subtopic]
    n_turns = int(row.n_turns)
    pii_by_turn: list[list[str]] = [[] for _ in range(n_turns)]
    for p in values:
        turn = 0 if n_turns == 1 or r.random() < 0.7 else r.randrange(1, n_turns)
        pii_by_turn[turn].append(r.choice(tpl.pii[p.kind]).replace("{value}", p.value))
    request = r.choice(st.requests).replace("{detail}", r.choice(st.details))
    first: list[str] = []
    if r.random() < 0.5:
        first.append(r.choice(tpl.greetings))
    if r.random() < 0.6:
        first.append(r.choice(tpl.personas[row.persona]))
    if pii_by_turn[0] and r.random() < 0.3:
        first += [*pii_by_turn[0], request]
    else:
        first += [request, *pii_by_turn[0]]
    first.append(r.choice(tpl.tones[row.tone]))
    used: set[str] = set()
    messages = [
        {"role": "user", "content": sep.join(s for s in first if s)},
        {"role": "assistant", "content": _fresh(r, st.answer, used)},
    ]
    for turn in range(1, n_turns):
        topical = [f for f in st.followup if f not in used]
        if topical and r.random() < 0.5:
            user, reply = _fresh(r, topical, used), _fresh(r, st.answer, used)
        else:
            ack = r.choice(tpl.acknowledgements)
            user, reply = _fresh(r, tpl.followups, used), sep.join((ack, _fresh(r, st.answer, used)))
        messages.append({"role": "user", "content": sep.join([user, *pii_by_turn[turn]])})
        messages.append({"role": "assistant", "content": reply})
    return messages


def _fresh(r: random.Random, options: Sequence[str], used: set[str]) -> str:
    """A random option not used yet in this conversation (any option once all are used)."""
    unused = [o for o in options if o not in used]
    pick = r.choice(unused or list(options))
    used.add(pick)
    return pick


def _assemble(
    plan: pd.DataFrame,
    messages: list[list[dict[str, str]] | None],
    planted: list[list[Planted]],
    failed: pd.DataFrame,
    tax: Taxonomy,
    templates: dict[str, LanguageTemplates],
    args: dict[str, Any],
    pool: FakerPool,
    secret_source: str,
    key: bytes,
    usage: dict[str, Any],
) -> SyntheticData:
    """The dataset's tables and params from the plan and the written conversations."""
    import faker
    import phonenumbers
    import stdnum

    from cliokit import __version__

    ok = np.array([m is not None for m in messages], dtype=bool)
    kept = plan[ok].reset_index(drop=True)
    conversations = pd.DataFrame(
        {
            "conversation_id": kept["conversation_id"],
            "user_id": kept["user_id"],
            "messages": [m for m in messages if m is not None],
        }
    )
    if "timestamp" in kept:
        conversations["timestamp"] = kept["timestamp"]
    labels = kept[LABEL_COLUMNS].copy()
    rows = [
        (cid, p.kind, p.value, p.canary, p.token)
        for cid, good, values in zip(plan["conversation_id"], ok, planted, strict=True)
        if good
        for p in values
    ]
    planted_df = pd.DataFrame(
        {
            "conversation_id": pd.Series([r[0] for r in rows], dtype=object),
            "kind": pd.Series([r[1] for r in rows], dtype=object),
            "value": pd.Series([r[2] for r in rows], dtype=object),
            "canary": pd.Series([r[3] for r in rows], dtype=bool),
            "token": pd.Series([r[4] for r in rows], dtype=object),
        }
    )
    counts = {
        "requested": len(plan),
        "conversations": len(conversations),
        "failed": len(failed),
        "users": int(labels["user_id"].nunique()),
        "with_pii": int(labels["has_pii"].sum()),
        "planted": len(planted_df),
        "canaries": int(planted_df["canary"].sum()),
        "concerning": int((labels["concern"] > 1).sum()),
        "by_language": {k: int(v) for k, v in labels["language"].value_counts().sort_index().items()},
        "pii_fallbacks": dict(sorted(pool.fallbacks.items())),
    }
    params: dict[str, Any] = {
        "format_version": FORMAT_VERSION,
        **args,
        "canary": {
            "scheme": "HMAC-SHA256(secret, 'CONVERSATION_ID:KIND'): 8 base32 chars, 10 digits for card/iban",
            "kinds": sorted(CANARY_KINDS),
            "secret_source": secret_source,
            "secret_fingerprint": secret_fingerprint(key),
        },
        "versions": {
            "cliokit": __version__,
            "faker": faker.VERSION,
            "phonenumbers": phonenumbers.__version__,
            "python-stdnum": stdnum.__version__,
        },
        "taxonomy_hash": tax.hash,
        "template_hashes": {lang: t.hash for lang, t in sorted(templates.items())},
        "counts": counts,
    }
    if usage:
        params["model_usage"] = usage
    logger.info(
        "generated %d conversations (%d failed), %d planted values",
        len(conversations),
        len(failed),
        len(planted_df),
    )
    return SyntheticData(conversations, labels, planted_df, params, failed, tax)
