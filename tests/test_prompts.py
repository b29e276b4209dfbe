import pytest

from cliokit.config import CustomFacet
from cliokit.facets import parse_facets
from cliokit.hierarchy import parse_assignment, parse_categories
from cliokit.name import parse_name
from cliokit.privacy import parse_audit
from cliokit.prompts import PRIVACY_RULE, TEMPLATES, prompt_hashes, tag, tags


def test_every_template_renders_and_has_a_stable_hash():
    hashes = prompt_hashes()
    assert set(hashes) == {"facets", "name_cluster", "propose", "dedupe", "assign", "rename", "audit"}
    assert len(set(hashes.values())) == len(hashes)
    for t in TEMPLATES.values():
        assert t.prefill.startswith("<")
        # every prompt tells the model to leave private details out (the audit asks to find them)
        assert PRIVACY_RULE in t.system or (t.name == "audit" and "private" in t.user)


def test_tag_helpers_take_last_and_unescape():
    assert tag("<a>1</a> <a> 2 &amp; 3 </a>", "a") == "2 & 3"
    assert tag("nothing", "a") is None
    assert tags("<c>x</c><c> </c><c>y</c>", "c") == ["x", "y"]


def test_parse_facets_validates_concerning():
    text = "<request>Fix code</request><task>debug</task><language>EN</language><concerning>2</concerning>"
    assert parse_facets(text) == {"request": "Fix code", "task": "debug", "language": "en", "concerning": 2}
    for bad in ("7", "0", "high", ""):
        with pytest.raises(ValueError, match="1-5"):
            parse_facets(text.replace("<concerning>2", f"<concerning>{bad}"))
    with pytest.raises(ValueError, match="request"):
        parse_facets("<task>x</task><concerning>1</concerning>")


def test_parse_custom_facets():
    mood = CustomFacet(name="mood", kind="categorical", question="?", values=("happy", "sad"))
    score = CustomFacet(name="effort", kind="numeric", question="?", min_value=1, max_value=3)
    base = "<request>r</request><task>t</task><language>fr</language><concerning>1</concerning>"
    out = parse_facets(
        base + '<facet name="mood">Happy.</facet><facet name="effort">3</facet>', [mood, score]
    )
    assert out["mood"] == "happy" and out["effort"] == 3
    out = parse_facets(
        base + '<facet name="mood">unknown</facet><facet name="effort">n/a</facet>', [mood, score]
    )
    assert out["mood"] is None and out["effort"] is None
    with pytest.raises(ValueError, match="not one of"):
        parse_facets(base + '<facet name="mood">angry</facet><facet name="effort">1</facet>', [mood, score])
    with pytest.raises(ValueError, match="1..3"):
        parse_facets(base + '<facet name="mood">sad</facet><facet name="effort">9</facet>', [mood, score])


def test_other_parsers():
    assert parse_name('<summary>S.</summary><name>"Write code."</name>') == ("Write code", "S.")
    with pytest.raises(ValueError):
        parse_name("<name>x</name>")
    assert parse_categories(
        "<scratchpad>..</scratchpad><answer><category>A</category><category>B</category></answer>"
    ) == ["A", "B"]
    with pytest.raises(ValueError):
        parse_categories("<answer></answer>")
    assert parse_assignment("<answer> A </answer>") == "A"
    assert parse_audit("<justification>x</justification><rating>4</rating>") == 4
    with pytest.raises(ValueError):
        parse_audit("<rating>6</rating>")
