"""Model mode: a language model writes each conversation from the same plan as template mode.

One :class:`~cliokit.backends.base.ModelRequest` per conversation carries the subtopic, language,
persona, tone, number of turns and the exact planted values the conversation must contain. The
answer is read from ``<conversation><user>…</user><assistant>…</assistant>…</conversation>`` and
rejected (then asked again once, then recorded as a failure) when a planted value is not copied
verbatim into a user turn or the number of turns is wrong.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from cliokit.backends.base import Backend, ModelRequest
from cliokit.backends.calls import Failure, StageUsage, ask
from cliokit.prompts import Template
from cliokit.synthetic._locales import LOCALES
from cliokit.synthetic._plan import PlanRow
from cliokit.synthetic.pii import Planted
from cliokit.synthetic.taxonomy import Taxonomy

__all__ = [
    "PERSONA_TEXT",
    "SYNTHESIZE",
    "ConversationSpec",
    "build_request",
    "make_parser",
    "render_answer",
    "run_model",
]

SYNTHESIZE = Template(
    name="synthesize",
    version=1,
    system=(
        "You write realistic example conversations between a person and an AI assistant. They are "
        "test data for privacy-preserving analytics software: everything in them is invented, and any "
        "personal details you are asked to include are fake values made up for the test."
    ),
    user=(
        "Write one conversation in {language_name}. Both the person and the assistant write in "
        "{language_name} only.\n\n"
        "What the person wants: {subtopic_name} (broad area: {category_name}).\n"
        "Who the person is: {persona}. How they write: {tone}.\n"
        "The person writes exactly {n_turns} message(s), and the assistant replies to each one, so the "
        "conversation has {n_turns} <user> turn(s), each followed by one <assistant> turn.\n"
        "{details}{concern}\n"
        "Make it read like a real chat: the person's own situation and wording, uneven length, no "
        "headings, no mention that this is an example or test, and no label or category names.\n\n"
        "Answer with the conversation only, as <conversation><user>...</user><assistant>...</assistant>"
        "...</conversation>."
    ),
    prefill='<conversation id="{conversation_id}">',
)

PERSONA_TEXT: dict[str, str] = {
    "student": "a student",
    "professional": "someone asking for their work",
    "parent": "a parent",
    "retiree": "a retired person",
    "hobbyist": "someone pursuing a hobby",
}
_TONE_TEXT = {
    "polite": "polite and complete sentences",
    "casual": "casual and chatty",
    "terse": "terse, few words, little punctuation",
}
_CONCERN_NOTE = (
    "The person asks for this in ordinary words. The assistant declines and suggests something "
    "legitimate instead. Include no instructions, code, quantities, targets or other harmful detail.\n"
)
_ID_RE = re.compile(r'<conversation\s+id="([^"]*)"\s*>')
_REPEATED_OPEN = re.compile(r"^\s*<conversation(?:\s[^>]*)?>")  # a model that repeats the prefill
_TURN_RE = re.compile(r"<(user|assistant)>(.*?)</\1>", flags=re.S)


@dataclass(frozen=True)
class ConversationSpec:
    """What one conversation must be: its plan and the exact values it must contain."""

    conversation_id: str
    language: str
    language_name: str
    subtopic: str
    subtopic_name: str
    category_name: str
    concern: int
    persona: str
    tone: str
    n_turns: int
    planted: tuple[tuple[str, str], ...]
    """``(kind, value)`` pairs."""


def build_request(spec: ConversationSpec, model: str = "") -> ModelRequest:
    """The request for one conversation (the prefill carries its id for :func:`make_parser`)."""
    if spec.planted:
        lines = "\n".join(f'<detail kind="{k}">{v}</detail>' for k, v in spec.planted)
        details = (
            "In their own messages the person mentions these details about themselves, each copied "
            f"exactly, character for character:\n<details>\n{lines}\n</details>\n"
        )
    else:
        details = "The person shares no personal details.\n"
    request = SYNTHESIZE.request(
        spec.conversation_id,
        model=model,
        max_tokens=300 + 500 * spec.n_turns,
        language_name=spec.language_name,
        subtopic_name=spec.subtopic_name,
        category_name=spec.category_name,
        persona=PERSONA_TEXT[spec.persona],
        tone=_TONE_TEXT[spec.tone],
        n_turns=str(spec.n_turns),
        details=details,
        concern=_CONCERN_NOTE if spec.concern > 1 else "",
    )
    return replace(request, prefill=SYNTHESIZE.prefill.format(conversation_id=spec.conversation_id))


def make_parser(specs: Mapping[str, ConversationSpec]) -> Callable[[str], list[dict[str, str]]]:
    """A parser for :func:`cliokit.backends.calls.ask`: text → list of messages, or ``ValueError``.

    The conversation id in the prefill tells the parser which spec the answer must satisfy.
    """

    def parse(text: str) -> list[dict[str, str]]:
        found = _ID_RE.search(text)
        if found is None or found.group(1) not in specs:
            raise ValueError("answer does not start with the conversation tag")
        spec = specs[found.group(1)]
        end = text.find("</conversation>", found.end())
        if end < 0:
            raise ValueError("no closing </conversation> tag (answer cut off?)")
        body = _REPEATED_OPEN.sub("", text[found.end() : end], count=1)
        turns = [(role, html.unescape(content).strip()) for role, content in _TURN_RE.findall(body)]
        leftover = _TURN_RE.sub("", body).strip()
        if leftover:
            raise ValueError(f"text outside <user>/<assistant> tags: {leftover[:60]!r}")
        roles = [r for r, _ in turns]
        if roles != ["user", "assistant"] * spec.n_turns:
            n_user = roles.count("user")
            raise ValueError(
                f"expected {spec.n_turns} alternating user/assistant turn pairs starting with the user; "
                f"got {len(roles)} turns ({n_user} user)"
            )
        if any(not content for _, content in turns):
            raise ValueError("a turn is empty")
        user_text = "\n".join(c for r, c in turns if r == "user")
        for kind, value in spec.planted:
            if value not in user_text:
                raise ValueError(f"planted {kind} value not copied verbatim into a user turn")
        return [{"role": r, "content": c} for r, c in turns]

    return parse


def render_answer(
    request: ModelRequest, turns: Sequence[tuple[str, str]] | None = None, *, plant: bool = True
) -> str:
    """A well-formed answer (without the prefill) to a synthesis ``request``: for tests and fakes.

    Read from the rendered prompt, as a model would: the number of turns, the subtopic and the
    details to plant. Each user turn is ``turns[i][0]`` (default: a stock sentence), the first
    one followed by every planted value (unless ``plant`` is false); each assistant turn is
    ``turns[i][1]``.
    """
    prompt = request.messages[-1]["content"]
    n_turns = re.search(r"writes exactly (\d+) message", prompt)
    subtopic = re.search(r"What the person wants: (.*?) \(broad area", prompt)
    if n_turns is None or subtopic is None:
        raise ValueError("not a synthesis prompt")
    n = int(n_turns.group(1))
    turns = turns or [
        (f"Question {i + 1} about {subtopic.group(1)}.", "Here is an answer.") for i in range(n)
    ]
    values = " ".join(re.findall(r'<detail kind="[^"]*">(.*?)</detail>', prompt)) if plant else ""
    parts = []
    for i, (user, assistant) in enumerate(turns[:n]):
        user_text = f"{user} {values}".strip() if i == 0 else user
        parts.append(f"<user>{html.escape(user_text, quote=False)}</user>")
        parts.append(f"<assistant>{html.escape(assistant, quote=False)}</assistant>")
    return "".join(parts) + "</conversation>"


def run_model(
    backend: Backend,
    rows: Sequence[PlanRow],
    planted: Sequence[Sequence[Planted]],
    taxonomy: Taxonomy,
    model: str,
    progress: bool | None,
) -> tuple[list[list[dict[str, str]] | None], pd.DataFrame, dict[str, Any]]:
    """Ask ``backend`` for every planned conversation.

    Returns the messages per plan row (None where it failed), the failures (``conversation_id``,
    ``reason``) and the usage counts.
    """
    names = taxonomy.subtopics.set_index("subtopic")
    specs = {}
    for row, values in zip(rows, planted, strict=True):
        specs[row.conversation_id] = ConversationSpec(
            conversation_id=row.conversation_id,
            language=row.language,
            language_name=LOCALES[row.language].name,
            subtopic=row.subtopic,
            subtopic_name=str(names.at[row.subtopic, "subtopic_name"]),
            category_name=str(names.at[row.subtopic, "category_name"]),
            concern=row.concern,
            persona=row.persona,
            tone=row.tone,
            n_turns=row.n_turns,
            planted=tuple((p.kind, p.value) for p in values),
        )
    requests = [build_request(spec, model) for spec in specs.values()]
    usage = StageUsage()
    answers = ask(
        backend, requests, make_parser(specs), usage, progress=progress, desc="synthetic conversations"
    )
    messages: list[list[dict[str, str]] | None] = []
    failed = []
    for cid, answer in zip(specs, answers, strict=True):
        if isinstance(answer, Failure):
            messages.append(None)
            failed.append((cid, answer.reason))
        else:
            messages.append(answer)
    return messages, pd.DataFrame(failed, columns=["conversation_id", "reason"]), usage.as_dict()
