"""Shared fixtures: fakes, not mocks (a scripted backend, a hash embedder, generated conversations)."""

from __future__ import annotations

import random

import pandas as pd
import pytest

TOPICS = {
    "python": [
        "How do I fix this python traceback in my pandas dataframe code?",
        "My python script raises a KeyError when reading the dataframe, how do I debug it?",
        "Can you explain this python error message from my pandas merge?",
    ],
    "recipe": [
        "Give me a recipe for a vegetarian lasagna with spinach and ricotta.",
        "What is a quick recipe for dinner with chicken, rice and vegetables?",
        "Suggest a recipe for chocolate cake without eggs.",
    ],
    "travel": [
        "Plan a three day travel itinerary for a trip to the mountains by train.",
        "What should I pack for a travel trip to a beach city in summer?",
        "Help me plan travel between two cities on a budget with trains and hostels.",
    ],
    "fitness": [
        "Write a weekly workout plan for running and strength training at the gym.",
        "How many workout sessions per week should a beginner do for strength?",
        "Create a fitness workout routine with squats, pushups and running.",
    ],
}


def make_conversations(n: int = 160, n_users: int = 40, seed: int = 0) -> pd.DataFrame:
    """Conversations over four known topics, several per user, with a topic column for checks."""
    rng = random.Random(seed)
    rows = []
    topics = sorted(TOPICS)
    for i in range(n):
        topic = topics[i % len(topics)]
        user = f"u{(i * 7 + rng.randrange(3)) % n_users:03d}"
        text = rng.choice(TOPICS[topic])
        messages = [
            {"role": "user", "content": text},
            {"role": "assistant", "content": f"Sure, here is some help about {topic}."},
        ]
        if rng.random() < 0.3:
            messages += [
                {"role": "user", "content": "Thanks, can you make it shorter?"},
                {"role": "assistant", "content": "Of course."},
            ]
        rows.append({"conversation_id": f"c{i:04d}", "user_id": user, "messages": messages, "topic": topic})
    return pd.DataFrame(rows)


@pytest.fixture(autouse=True)
def _quiet(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLIOKIT_DISABLE_PROGRESS_BARS", "1")


@pytest.fixture
def conversations() -> pd.DataFrame:
    return make_conversations()
