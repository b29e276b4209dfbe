"""The plan of a synthetic dataset: who talks about what, in which language, with which PII kinds.

Drawn from one seeded numpy generator before any text is written; each conversation also gets its
own seed, so its text and planted values do not depend on the other conversations.
"""

from __future__ import annotations

import hashlib
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cliokit.synthetic.taxonomy import Taxonomy
from cliokit.synthetic.templates import PERSONAS, PII_KINDS, TONES

__all__ = ["PlanRow", "derive_seed", "plan_conversations", "plan_rows"]


@dataclass(frozen=True)
class PlanRow:
    """One planned conversation."""

    conversation_id: str
    user_id: str
    language: str
    category: str
    subtopic: str
    concern: int
    persona: str
    tone: str
    n_turns: int
    has_pii: bool
    pii_kinds: tuple[str, ...]
    seed: int


def plan_rows(plan: pd.DataFrame) -> list[PlanRow]:
    """The rows of a plan table as :class:`PlanRow` objects."""
    return [
        PlanRow(
            conversation_id=str(r["conversation_id"]),
            user_id=str(r["user_id"]),
            language=str(r["language"]),
            category=str(r["category"]),
            subtopic=str(r["subtopic"]),
            concern=int(r["concern"]),
            persona=str(r["persona"]),
            tone=str(r["tone"]),
            n_turns=int(r["n_turns"]),
            has_pii=bool(r["has_pii"]),
            pii_kinds=tuple(r["pii_kinds"]),
            seed=int(r["seed"]),
        )
        for r in plan.to_dict("records")
    ]


def derive_seed(seed: int, stage: str) -> int:
    """A seed for one stage of generation, derived from the dataset seed."""
    return int(hashlib.sha256(f"{seed}:synthetic:{stage}".encode()).hexdigest()[:16], 16)


def plan_conversations(
    n: int,
    languages: list[str],
    seed: int,
    pii_rate: float,
    concern_rate: float,
    users: int | None,
    min_turns: int,
    max_turns: int,
    tax: Taxonomy,
    skew: float,
) -> pd.DataFrame:
    """One row per conversation: ids, user, language, labels, PII kinds and the conversation's seed."""
    rng = np.random.default_rng(derive_seed(seed, "plan"))
    n_users = min(users if users is not None else max(1, n // 4), n)
    user_lang = np.array(languages)[rng.permutation(np.arange(n_users) % len(languages))]
    activity = rng.lognormal(0.0, 1.0, n_users)
    extra = rng.choice(n_users, size=n - n_users, p=activity / activity.sum())
    conv_user = np.concatenate([np.arange(n_users), extra])
    rng.shuffle(conv_user)

    subs = tax.subtopics
    concern_pos = np.flatnonzero(subs["concern"].to_numpy() > 1)
    ordinary_pos = np.flatnonzero(subs["concern"].to_numpy() == 1)
    if concern_rate > 0 and len(concern_pos) == 0:
        warnings.warn("the taxonomy has no concerning subtopics; concern_rate is ignored", stacklevel=3)
    sub_cats = subs["category"].to_numpy()
    cats = list(dict.fromkeys(sub_cats[ordinary_pos]))
    by_cat = [ordinary_pos[sub_cats[ordinary_pos] == c] for c in cats]
    weights = 1.0 / np.arange(1, len(cats) + 1) ** skew
    cat_pick = rng.choice(len(cats), size=n, p=weights / weights.sum())
    within = (rng.random(n) * np.array([len(b) for b in by_cat])[cat_pick]).astype(int)
    sub_pos = np.array([by_cat[c][w] for c, w in zip(cat_pick, within, strict=True)], dtype=int)
    is_concern = rng.random(n) < concern_rate
    concern_pick = rng.integers(0, max(1, len(concern_pos)), size=n)
    if len(concern_pos):
        sub_pos = np.where(is_concern, concern_pos[concern_pick % len(concern_pos)], sub_pos)
    chosen = subs.iloc[sub_pos].reset_index(drop=True)

    has_pii = rng.random(n) < pii_rate
    n_kinds = rng.integers(1, 4, size=n)
    kind_order = np.argsort(rng.random((n, len(PII_KINDS))), axis=1)
    width, uwidth = max(5, len(str(n - 1))), max(4, len(str(n_users - 1)))
    return pd.DataFrame(
        {
            "conversation_id": [f"s{seed}-{i:0{width}d}" for i in range(n)],
            "user_id": [f"s{seed}-u{u:0{uwidth}d}" for u in conv_user],
            "language": user_lang[conv_user],
            "category": chosen["category"],
            "subtopic": chosen["subtopic"],
            "concern": chosen["concern"].astype(int),
            "persona": np.array(PERSONAS)[rng.integers(0, len(PERSONAS), size=n)],
            "tone": np.array(TONES)[rng.integers(0, len(TONES), size=n)],
            "n_turns": rng.integers(min_turns, max_turns + 1, size=n),
            "has_pii": has_pii,
            "pii_kinds": [
                tuple(PII_KINDS[j] for j in kind_order[i, : n_kinds[i]]) if has_pii[i] else ()
                for i in range(n)
            ],
            "seed": [int(s) for s in rng.integers(0, 2**62, size=n)],
        }
    )
