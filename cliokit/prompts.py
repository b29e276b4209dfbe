"""Prompt templates, one versioned template per stage, and the tag parsers that read every answer.

The wording is ours; the structure follows the Clio paper: the conversation or samples inside XML
tags, a criteria slot, an assistant prefill that starts the answer, and answers inside XML tags.
Each template's hash goes into the manifest; bump ``version`` when a template changes meaning.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cliokit.backends.base import ModelRequest

PRIVACY_RULE = (
    "Never include anything that could identify a person or an organisation: no names, contact details, "
    "account or card numbers, addresses, exact dates, or other specifics. Describe the kind of thing, "
    "not the particular instance."
)


@dataclass(frozen=True)
class Template:
    """A stage's prompt: system text, user text with ``{slots}``, and the answer prefill.

    The system text holds what every request of a stage shares (role, rules, rubric, the user's
    criteria), so that providers with prompt caching can reuse it; per-item text goes in ``user``.
    """

    name: str
    version: int
    system: str
    user: str
    prefill: str

    @property
    def hash(self) -> str:
        """sha256 (first 16 hex digits) of the template's text and version."""
        text = f"{self.name}@{self.version}\n{self.system}\n{self.user}\n{self.prefill}"
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]

    def render(self, **slots: str) -> tuple[str, tuple[Mapping[str, str], ...], str]:
        """``(system, messages, prefill)`` with the slots filled (in both system and user text)."""
        system_slots = {k: v for k, v in slots.items() if "{" + k + "}" in self.system}
        user_slots = {k: v for k, v in slots.items() if k not in system_slots}
        return (
            self.system.format(**system_slots),
            ({"role": "user", "content": self.user.format(**user_slots)},),
            self.prefill,
        )

    def request(self, id: str, *, model: str = "", max_tokens: int = 400, **slots: str) -> ModelRequest:
        """A :class:`ModelRequest` for this template (task = template name) with the slots filled."""
        system, messages, prefill = self.render(**slots)
        return ModelRequest(
            id=id,
            task=self.name,
            system=system,
            messages=messages,
            prefill=prefill,
            model=model,
            max_tokens=max_tokens,
            prompt_hash=self.hash,
        )


FACETS = Template(
    name="facets",
    version=2,
    system=(
        "You help researchers understand, in aggregate, how people use an AI assistant. You read one "
        "conversation and answer short questions about it. " + PRIVACY_RULE + "\n\n"
        "Answer each question inside its tag, in English, in at most two sentences, leaving out "
        "private details and proper nouns.\n\n"
        "<request>: What is the user's overall request to the assistant? Start with 'The user's overall "
        "request for the assistant is to'.\n"
        "<task>: What task is the assistant doing? Start with 'The task is to'.\n"
        "<language>: The main language the user writes in, as an ISO 639-1 code (e.g. en, es, ja).\n"
        "<concerning>: How concerning is the user's behaviour from a safety point of view, on this scale:\n"
        "  1 = not concerning at all (ordinary, benign use);\n"
        "  2 = slightly concerning (minor rule-bending, mild deception);\n"
        "  3 = moderately concerning (could cause real harm to the user or others);\n"
        "  4 = very concerning (clear intent or means to seriously harm people);\n"
        "  5 = extremely concerning (mass-casualty weapons, sexual content involving minors, or similar).\n"
        "Answer with one digit.\n"
        "{custom}"
    ),
    user=(
        "Here is a conversation between a user and an AI assistant:\n\n<conversation>\n{conversation}\n"
        "</conversation>\n\nAnswer the questions, each inside its tag."
    ),
    prefill="<request>",
)

NAME_CLUSTER = Template(
    name="name_cluster",
    version=1,
    system="You name groups of statements for an aggregate research report. " + PRIVACY_RULE,
    user=(
        "Here are statements from inside one group:\n\n<in_group>\n{samples}\n</in_group>\n\n"
        "For contrast, here are the most similar statements from OUTSIDE the group:\n\n<contrast>\n"
        "{contrast}\n</contrast>\n\n"
        "Write a two-sentence summary of what the group's statements have in common that sets them "
        "apart from the contrast, in the past tense. Then give the group a short, specific name of at "
        "most ten words, written as an imperative (e.g. 'Debug Python data-processing scripts'), that "
        "does not also describe the contrast statements. {criteria}\n\n"
        "Answer as <summary>...</summary> then <name>...</name>."
    ),
    prefill="<summary>",
)

PROPOSE = Template(
    name="propose",
    version=1,
    system="You organise named groups into broader categories for an aggregate research report. "
    + PRIVACY_RULE,
    user=(
        "Here are groups that sit close together:\n\n<groups>\n{children}\n</groups>\n\n"
        "Nearby groups outside this set, for context:\n<nearby>\n{outside}\n</nearby>\n\n"
        "Propose about {n_parents} broader categories that together cover every group above. Each "
        "category name is an imperative of at most ten words, specific enough to be useful and broad "
        "enough to hold several groups. Think in <scratchpad>...</scratchpad> first, then list the "
        "categories as <answer><category>NAME</category>...</answer>."
    ),
    prefill="<scratchpad>",
)

DEDUPE = Template(
    name="dedupe",
    version=1,
    system="You merge overlapping category names for an aggregate research report. " + PRIVACY_RULE,
    user=(
        "These candidate category names were proposed independently and overlap:\n\n<candidates>\n"
        "{candidates}\n</candidates>\n\n"
        "Merge names that mean the same thing and return about {n_parents} distinct categories that "
        "still cover every candidate. Keep names imperative, at most ten words. Think in "
        "<scratchpad>...</scratchpad>, then answer as <answer><category>NAME</category>...</answer>."
    ),
    prefill="<scratchpad>",
)

ASSIGN = Template(
    name="assign",
    version=1,
    system="You file a group under the best-fitting category. " + PRIVACY_RULE,
    user=(
        "Categories (in random order):\n<categories>\n{candidates}\n</categories>\n\n"
        "Group to file:\n<group>\n{child}\n</group>\n\n"
        "Which single category fits the group best? Copy its name exactly. Think briefly in "
        "<scratchpad>...</scratchpad>, then answer as <answer>CATEGORY NAME</answer>."
    ),
    prefill="<scratchpad>",
)

RENAME = Template(
    name="rename",
    version=1,
    system="You name a category from the groups it contains, for an aggregate research report. "
    + PRIVACY_RULE,
    user=(
        "This category contains these groups:\n\n<groups>\n{children}\n</groups>\n\n"
        "Write a two-sentence summary of what the groups share, in the past tense, then a short name "
        "of at most ten words, written as an imperative, that covers all of them. Answer as "
        "<summary>...</summary> then <name>...</name>."
    ),
    prefill="<summary>",
)

AUDIT = Template(
    name="audit",
    version=1,
    system="You check text that will be published in an aggregate report for private information.",
    user=(
        "Here is a cluster's name and summary, about to be shared:\n\n<cluster>\n{cluster}\n</cluster>\n\n"
        "Rate how safe it is to publish, on this scale:\n"
        "  1 = identifies a specific person or reveals their private details;\n"
        "  2 = probably narrows things down to a few people or a tiny organisation;\n"
        "  3 = mentions rare specifics, but not enough to identify anyone;\n"
        "  4 = general, with only widely shared details;\n"
        "  5 = fully general, nothing private.\n"
        "Justify briefly in <justification>...</justification>, then answer as <rating>N</rating>."
    ),
    prefill="<justification>",
)

TEMPLATES: dict[str, Template] = {
    t.name: t for t in (FACETS, NAME_CLUSTER, PROPOSE, DEDUPE, ASSIGN, RENAME, AUDIT)
}

REPAIR_NOTE = (
    "\n\nYour previous answer could not be read. Answer again, following the requested tag format exactly."
)


def prompt_hashes() -> dict[str, str]:
    """Template name → hash, for the manifest."""
    return {name: t.hash for name, t in TEMPLATES.items()}


_ANY_TAG = re.compile(r"<\s*/?\s*[A-Za-z]")
_FENCE_END = re.compile(r"\s*```\s*$")


def _elements(text: str, name: str, attrs: str = r"(?:\s[^>]*)?") -> list[str]:
    """Raw contents of every closed ``<name ...>`` element (any case), then of one left open at the end.

    A content never holds another opening of the same tag, so an answer that repeats the prefilled
    opening (``<summary>Sure: <summary>...</summary>``) yields the inner one. The final opening
    counts without its closing tag when no other tag follows it (a trailing code fence is dropped).
    """
    opening = rf"<\s*{name}{attrs}\s*>"
    found = re.findall(rf"{opening}((?:(?!<\s*{name}\b).)*?)<\s*/\s*{name}\s*>", text, flags=re.S | re.I)
    openings = list(re.finditer(opening, text, flags=re.I))
    if openings:
        rest = _FENCE_END.sub("", text[openings[-1].end() :])
        if not _ANY_TAG.search(rest):
            found.append(rest)
    return found


def tag(text: str, name: str) -> str | None:
    """Contents of the last ``<name>...</name>`` in ``text`` (stripped, unescaped), or None.

    Tolerates any tag case, prose or code fences around the tags, and an unclosed final tag.
    """
    found = _elements(text, re.escape(name))
    return html.unescape(found[-1]).strip() if found else None


def tags(text: str, name: str) -> list[str]:
    """Contents of every ``<name>...</name>`` in ``text``, stripped and unescaped, empties dropped."""
    found = (html.unescape(f).strip() for f in _elements(text, re.escape(name)))
    return [f for f in found if f]


def facet_tag(text: str, facet: str) -> str | None:
    """Contents of ``<facet name="NAME">...</facet>`` in ``text`` (any quotes or none), or None."""
    attrs = rf"""\s+name\s*=\s*["']?{re.escape(facet)}["']?"""
    found = _elements(text, "facet", attrs)
    return html.unescape(found[-1]).strip() if found else None


# A label a model puts before its answer: "Name:", "**Cluster name:**", "Category:", "Answer:".
_LABEL = re.compile(
    r"^(?:\*\*|__)?(?:(?:cluster|group|category|final)\s+)?(?:name|category|answer)(?:\*\*|__)?"
    r"\s*[:：]\s*(?:\*\*|__)?",
    re.I,
)
# Marks that wrap a whole answer: markdown emphasis, code, quotes.
_WRAPS = (
    ("**", "**"), ("__", "__"), ("*", "*"), ("_", "_"), ("```", "```"), ("`", "`"),
    ('"', '"'), ("'", "'"), ("\u201c", "\u201d"), ("\u2018", "\u2019"), ("\u00ab", "\u00bb"),
    ("\u201e", "\u201c"), ("\u300c", "\u300d"),
)  # fmt: skip


def clean_label(text: str) -> str:
    """A short answer (a name, a category) without what models wrap around it.

    Whitespace runs become one space; a markdown heading mark, a ``Name:``-style label (also
    ``Cluster name:``, ``Category:``, ``Answer:``, bold or not), wrapping quotes, emphasis or
    backticks, and final full stops are removed, repeatedly.

    Examples
    --------
    >>> clean_label('**Name:** "Help with Python code."')
    'Help with Python code'
    """
    text = " ".join(text.split())
    previous = None
    while text != previous:
        previous = text
        text = _LABEL.sub("", re.sub(r"^#+\s+", "", text)).strip().rstrip(" .\u3002")
        for start, end in _WRAPS:
            if len(text) > len(start) + len(end) and text.startswith(start) and text.endswith(end):
                text = text[len(start) : -len(end)].strip()
                break
    return text


_DENOMINATOR = re.compile(r"(?<=\d)\s*(?:/|out\s+of)\s*(\d+)(?!\w)", re.I)
_NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?!\w)")
_NUMBER_WORDS = {w: i for i, w in enumerate("zero one two three four five six seven eight nine ten".split())}
# A number word alone, after an optional label, before an optional comment: "Score: Four (high)".
_WORD_ANSWER = re.compile(r"(?:[^\W\d_][^:：]*[:：])?\s*([^\W\d_]+)\s*(?:[.,;:(\-\u2013\u2014].*)?", re.S)


def read_int(text: str | None, low: int, high: int) -> int | None:
    """The integer score in ``text`` if it is one within ``low..high``, else None.

    Reads what models write around a score: a label (``Score: 4``), markdown (``**4**``), a
    denominator equal to ``high`` (``4/5``, ``4 out of 5``), ``4.0``, a comment (``4 (general)``)
    and an English number word standing alone (``four``). Two different numbers (``2-3``), a
    fraction (``4.5``), another scale (``4/10``) or a value out of range give None.

    Examples
    --------
    >>> [read_int(t, 1, 5) for t in ["Score: 4", "**4**", "4/5", "four", "2-3", "6"]]
    [4, 4, 4, 4, None, None]
    """
    text = re.sub(r"[*_`]", "", text or "").strip()
    if any(int(d) != high for d in _DENOMINATOR.findall(text)):
        return None
    numbers = {float(n) for n in _NUMBER.findall(_DENOMINATOR.sub("", text))}
    if not numbers:
        word = _WORD_ANSWER.fullmatch(text)
        value = _NUMBER_WORDS.get(word.group(1).lower()) if word else None
        numbers = {float(value)} if value is not None else set()
    if len(numbers) != 1:
        return None
    (number,) = numbers
    return int(number) if number.is_integer() and low <= number <= high else None


_LIST_ITEM = re.compile(r"^\s*(?:\d+[.)]|[-*\u2022\u2023\u25e6\u25aa])\s+(.+?)\s*$", re.M)
_BOLD_HEAD = re.compile(r"(\*\*|__)(.+?)\1\s*[:\-\u2013\u2014]")


def list_items(text: str) -> list[str]:
    r"""Items of the numbered or bulleted lists in ``text`` (``1.``, ``1)``, ``-``, ``*``, ``•``).

    An item that starts with a bold head followed by ``:`` or a dash (``**Cook food**: meals``)
    is its head.

    Examples
    --------
    >>> list_items("Categories:\n1. Cook food\n2) **Write code** - scripts\n- Plan trips")
    ['Cook food', 'Write code', 'Plan trips']
    """
    items = []
    for item in _LIST_ITEM.findall(text):
        head = _BOLD_HEAD.match(item)
        items.append(head.group(2) if head else item)
    return items


def after_scratchpad(text: str) -> str:
    """The text after a closed ``<scratchpad>``; "" while it is still open; all of it without one."""
    parts = re.split(r"<\s*/\s*scratchpad\s*>", text, flags=re.I)
    if len(parts) > 1:
        return parts[-1]
    return "" if re.search(r"<\s*scratchpad", text, flags=re.I) else text


def bullet_list(items: Sequence[str]) -> str:
    """Items as lines wrapped in ``<item>`` tags (XML-escaped)."""
    return "\n".join(f"<item>{html.escape(s, quote=False)}</item>" for s in items)


def render_custom_facets(custom: Sequence[Any]) -> str:
    """The extra questions for user-declared facets, in the facets prompt's format."""
    lines = []
    for f in custom:
        if f.kind == "categorical":
            spec = "Answer with exactly one of: " + ", ".join(f.values) + "."
        elif f.kind == "numeric":
            spec = f"Answer with one integer from {f.min_value} to {f.max_value}. {f.criteria}".strip()
        else:
            spec = f"Answer in at most two sentences. {f.criteria}".strip()
        lines.append(f'<facet name="{f.name}">: {f.question} {spec}')
    return ("\n".join(lines) + "\n") if lines else ""
