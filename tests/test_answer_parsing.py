"""Answers as real models write them: every tolerated shape is read, the rest fail (then one repair)."""

import pandas as pd
import pytest

from cliokit.backends.calls import StageUsage
from cliokit.backends.scripted import ScriptedBackend
from cliokit.config import CustomFacet, FacetsConfig
from cliokit.facets import ModelFacets, extract_facets, language_code, parse_facets
from cliokit.hierarchy import parse_assignment, parse_categories
from cliokit.name import parse_name
from cliokit.privacy import parse_audit
from cliokit.prompts import clean_label, list_items, read_int, tag

HEAD = "<request>Fix code</request><task>debug</task><language>en</language>"


@pytest.mark.parametrize(
    ("answer", "score"),
    [
        ("2", 2),
        ("Score: 1", 1),
        ("1 (not concerning)", 1),
        ("4/5", 4),
        ("4 / 5", 4),
        ("4 out of 5", 4),
        ("Score: 4", 4),
        ("4 (general)", 4),
        ("**4**", 4),
        ("`3`", 3),
        ("4.0", 4),
        ("4.", 4),
        ("four", 4),
        ("Four (very concerning)", 4),
        ("Rating: five.", 5),
        ("\n  2\n", 2),
        ("**Score: 3** - moderate; 3 = could cause harm", 3),
    ],
)
def test_concerning_score_shapes(answer, score):
    assert parse_facets(f"{HEAD}<concerning>{answer}</concerning>")["concerning"] == score


@pytest.mark.parametrize(
    "answer", ["4.5", "2-3", "2 or 3", "6", "0", "-1", "4/10", "high", "", "One could argue it is benign"]
)
def test_unreadable_or_out_of_range_scores_fail(answer):
    with pytest.raises(ValueError, match="1-5"):
        parse_facets(f"{HEAD}<concerning>{answer}</concerning>")


@pytest.mark.parametrize(
    ("answer", "rating"), [("Score: 4", 4), ("**5**", 5), ("4 (general)", 4), ("five", 5)]
)
def test_audit_rating_shapes(answer, rating):
    assert parse_audit(f"<justification>x</justification><rating>{answer}</rating>") == rating


@pytest.mark.parametrize("answer", ["6", "3/10", "safe"])
def test_bad_audit_ratings_fail(answer):
    with pytest.raises(ValueError, match="1-5"):
        parse_audit(f"<justification>x</justification><rating>{answer}</rating>")


def test_read_int_respects_the_scale():
    assert read_int("-2", -3, 3) == -2
    assert read_int("3/3", 1, 3) == 3 and read_int("3/5", 1, 3) is None
    assert read_int(None, 1, 5) is None


@pytest.mark.parametrize(
    ("answer", "code"),
    [
        ("en", "en"),
        ("EN", "en"),
        ("en-US", "en"),
        ("pt_BR", "pt"),
        ("zh-Hans", "zh"),
        ("zh-TW", "zh"),
        ("eng", "en"),
        ("es.", "es"),
        ("English", "en"),
        ("english", "en"),
        ("Español", "es"),
        ("français", "fr"),
        ("Deutsch", "de"),
        ("日本語", "ja"),
        ("한국어", "ko"),
        ("русский", "ru"),
        ("Chinese (Simplified)", "zh"),
        ("Português (Brasil)", "pt"),
        ("Mandarin", "zh"),
        ("ES (Spanish)", "es"),
        ("**Japanese**", "ja"),
        ("iw", "he"),
        ("unknown", "und"),
        ("mixed", "und"),
        ("und", "und"),
        ("", "und"),
    ],
)
def test_language_answers_map_to_iso_639_1(answer, code):
    assert (
        parse_facets(f"<request>r</request><language>{answer}</language><concerning>1</concerning>")[
            "language"
        ]
        == code
    )
    assert language_code(answer) == code


@pytest.mark.parametrize(
    "answer",
    [
        # prose and a code fence around tags, the prefilled opening repeated, any tag case
        "<request>Sure! Here are the answers:\n```xml\n<Request>Fix code</Request>\n<TASK>debug</TASK>\n"
        "<Language>en</Language>\n<CONCERNING>1</CONCERNING>\n```",
        # whitespace and newlines inside tags, spaces inside the closing tag
        "<request>\n   Fix code\n</request >\n<task>\n debug \n</task><language> en </language>"
        "<concerning>\n1\n</concerning>",
        # the final tag left open at the end of the text (also inside a fence)
        "<request>Fix code</request><task>debug</task><language>en</language><concerning>1",
        "```\n<request>Fix code</request><task>debug</task><language>en</language><concerning>1\n```",
    ],
)
def test_facets_answer_shapes(answer):
    assert parse_facets(answer) == {"request": "Fix code", "task": "debug", "language": "en", "concerning": 1}


def test_a_tag_cut_off_inside_its_closing_fails():
    with pytest.raises(ValueError, match="1-5"):
        parse_facets(f"{HEAD}<concerning>1</concer")
    assert tag("<a>x</a><b>y", "a") == "x" and tag("<a>x<b>y</b>", "a") is None


def test_custom_facet_shapes():
    mood = CustomFacet(name="mood", kind="categorical", question="?", values=("happy", "sad"))
    effort = CustomFacet(name="effort", kind="numeric", question="?", min_value=1, max_value=3)
    base = HEAD + "<concerning>1</concerning>"
    out = parse_facets(
        base + "<facet name='effort'>Score: 2</facet><facet name=mood>**Happy.**</facet>", [mood, effort]
    )
    assert out["effort"] == 2 and out["mood"] == "happy"
    out = parse_facets(
        base + '<FACET name="effort">"N/A"</FACET><facet name="mood">*Unknown*</facet>', [mood, effort]
    )
    assert out["effort"] is None and out["mood"] is None
    with pytest.raises(ValueError, match="1..3"):
        parse_facets(base + '<facet name="mood">sad</facet><facet name="effort">2/5</facet>', [mood, effort])


@pytest.mark.parametrize(
    "name",
    [
        "Help with Python code",
        "**Help with Python code**",
        "*Help with Python code*",
        "__Help with Python code__",
        "`Help with Python code`",
        '"Help with Python code"',
        "'Help with Python code.'",
        "“Help with Python code.”",
        "Name: Help with Python code",
        "Cluster name: Help with Python code.",
        "**Name:** Help with Python code",
        "**Cluster name**: *Help with Python code*",
        "## Help with Python code",
        "\n  Help with\n   Python code \n",
    ],
)
def test_name_shapes(name):
    assert parse_name(f"<summary>S.</summary><name>{name}</name>") == ("Help with Python code", "S.")


@pytest.mark.parametrize(
    "answer",
    [
        "<summary>Here is my answer:\n```xml\n<summary>S.</summary>\n<name>Help with code</name>\n```",
        "<Summary>S.</Summary>\n<NAME>Help with code</NAME>",
        "<summary>S.</summary>\n<name>Help with code",
        "<summary>S.</summary>\n\nName: Help with code",
        "<summary>S.</summary>\n\n**Cluster name:** Help with code.",
        "<summary>S.\n\nName: Help with code",
    ],
)
def test_naming_answer_shapes(answer):
    assert parse_name(answer) == ("Help with code", "S.")


def test_names_keep_what_belongs_to_them():
    assert clean_label("Write C#") == "Write C#"
    assert clean_label('Explain "async" in Python') == 'Explain "async" in Python'
    assert clean_label("Explain Python's __init__") == "Explain Python's __init__"


@pytest.mark.parametrize(
    "answer",
    [
        "<summary>S.</summary><name>Help with co</nam",
        "<summary>S.</summary><name>** **</name>",
        "<summary>S.</summary>",
        "<name>Help with code</name>",
    ],
)
def test_unreadable_names_fail(answer):
    with pytest.raises(ValueError):
        parse_name(answer)


@pytest.mark.parametrize(
    "answer",
    [
        "<scratchpad>t</scratchpad><answer><category>Cook food</category>"
        "<category>Write code</category></answer>",
        "<scratchpad>t</scratchpad>```xml\n<ANSWER><Category>Cook food</Category>\n"
        '<category>"Write code."</category></ANSWER>\n```',
        "<scratchpad>t</scratchpad><answer><category>Cook food</category><category>Write code",
        "<scratchpad>t</scratchpad><answer>\n1. Cook food\n2. Write code\n</answer>",
        "<scratchpad>t</scratchpad><answer>\n1) Cook food\n2) Write code\n</answer>",
        "<scratchpad>t</scratchpad>\nCategories:\n- Cook food\n- Write code",
        "<scratchpad>t</scratchpad><answer>\n* **Cook food**: meals and recipes\n* Write code\n</answer>",
        "<scratchpad>t</scratchpad><answer>\n• Cook food\n• Write code\n</answer>",
        "<scratchpad>t</scratchpad><answer>\nCook food\nWrite code\n</answer>",
    ],
)
def test_category_list_shapes(answer):
    assert parse_categories(answer) == ["Cook food", "Write code"]


@pytest.mark.parametrize(
    "answer",
    [
        "<scratchpad>- a thought\n- another thought",  # a list still inside the scratchpad is thinking
        "<scratchpad>t</scratchpad><answer></answer>",
        "<scratchpad>t</scratchpad>No categories fit.",
    ],
)
def test_unreadable_category_lists_fail(answer):
    with pytest.raises(ValueError, match="category"):
        parse_categories(answer)


def test_list_items():
    assert list_items("intro\n1. A\n2) B\n- C\n* D\n• E\n**not an item**") == ["A", "B", "C", "D", "E"]


@pytest.mark.parametrize(
    "answer",
    [
        "<scratchpad>t</scratchpad><answer>Cook food</answer>",
        "<scratchpad>t</scratchpad><answer>**Cook food**</answer>",
        '<scratchpad>t</scratchpad><answer>Category: "Cook food."</answer>',
        "<scratchpad>t</scratchpad><ANSWER>Cook food",
        "<scratchpad>t</scratchpad>\nCook food\n",
    ],
)
def test_assignment_shapes(answer):
    assert parse_assignment(answer) == "Cook food"


def test_unreadable_assignment_fails():
    for answer in ("<scratchpad>Cook food or Write code?", "<scratchpad>t</scratchpad>\nA\nB"):
        with pytest.raises(ValueError, match="answer"):
            parse_assignment(answer)


def test_still_unreadable_answers_get_one_repair_then_fail():
    conversations = pd.DataFrame(
        {
            "conversation_id": ["a", "b"],
            "user_id": ["u1", "u2"],
            "messages": [[{"role": "user", "content": text}] for text in ("fix my code", "fix my bike")],
        }
    )
    answers = {
        "a": "The user wants help with code.",  # no tags: asked again
        "a#repair1": "Fix code</request><task>debug</task><language>English</language>"
        "<concerning>Score: 1 (not concerning)</concerning>",
        "b": "Fix code</request><concerning>2-3</concerning>",
        "b#repair1": "Fix code</request><concerning>somewhat</concerning>",
    }
    backend = ScriptedBackend(lambda r: answers[r.id])
    usage = StageUsage()
    out = extract_facets(conversations, ModelFacets(backend), FacetsConfig(), usage)
    assert out.loc[0, ["request", "language", "concerning"]].tolist() == ["Fix code", "en", 1]
    assert pd.isna(out.loc[0, "facet_error"])
    assert pd.isna(out.loc[1, "concerning"]) and "1-5" in out.loc[1, "facet_error"]
    assert usage.calls == 4 and usage.repairs == 2 and usage.failures == 1
