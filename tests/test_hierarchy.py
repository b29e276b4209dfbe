"""The hierarchy must converge on adversarial answers: duplicates, paraphrases, garbage, empty parents."""

import re

import numpy as np
import pandas as pd

from cliokit.backends.calls import StageUsage
from cliokit.backends.scripted import ScriptedBackend
from cliokit.cluster import choose_top_k
from cliokit.config import HierarchyConfig, top_k_range
from cliokit.embedders import HashEmbedder
from cliokit.hierarchy import ClioHierarchy, ModelSteps, snap
from cliokit.offline import CentroidHierarchy, OfflineSteps

THEMES = {
    "cooking": [
        "Bake bread and cakes",
        "Cook pasta dinners",
        "Plan weekly meals recipes",
        "Make vegan recipes",
    ],
    "coding": [
        "Debug python code",
        "Write SQL queries code",
        "Fix javascript code bugs",
        "Refactor python code",
    ],
    "travel": [
        "Plan travel itineraries",
        "Book travel trains",
        "Pack for travel trips",
        "Find travel hostels",
    ],
}


def children_frame(with_hidden: bool = True) -> tuple[pd.DataFrame, np.ndarray]:
    rows, vecs = [], []
    emb = HashEmbedder(dim=64)
    for theme, names in THEMES.items():
        for n in names:
            rows.append(
                {
                    "name": n,
                    "description": f"Requests to {n.lower()}.",
                    "keywords": [theme],
                    "n_conversations": 10,
                }
            )
    if with_hidden:
        rows.append({"name": None, "description": None, "keywords": [], "n_conversations": 3})
    df = pd.DataFrame(rows)
    df.insert(0, "cluster", range(len(df)))
    texts = [r["name"] or "Cook pasta dinners" for r in rows]
    vecs = emb.embed(texts)
    return df, vecs


def embed(texts):
    return HashEmbedder(dim=64).embed(texts)


def offline(cfg=None):
    return ClioHierarchy(OfflineSteps(), cfg or HierarchyConfig())


def with_model(backend, cfg):
    return ClioHierarchy(ModelSteps(backend, cfg), cfg)


def prompt_items(request, tag):
    """The ``<item>`` texts inside ``<tag>`` of a rendered prompt (as a model would read them)."""
    block = re.search(rf"<{tag}>(.*?)</{tag}>", request.messages[-1]["content"], flags=re.S)
    return re.findall(r"<item>(.*?)</item>", block.group(1)) if block else []


def check_level(result, children):
    parents = result.parent_of_child
    assert parents.shape == (len(children),)
    assert (parents >= 0).all() and (parents < len(result.clusters)).all()
    # no empty parent: every parent has at least one child
    assert set(parents.tolist()) == set(range(len(result.clusters)))
    assert result.clusters["name"].notna().all()
    assert result.clusters["name"].str.lower().is_unique


def test_offline_steps_build_a_sensible_level():
    children, vecs = children_frame()
    result = offline().build_level(children, vecs, 3, embed, StageUsage(), level=1, seed=0)
    check_level(result, children)
    assert 2 <= len(result.clusters) <= 3
    # the hidden child (no name) was placed with the cooking children, by its embedding
    cooking = result.parent_of_child[:4]
    assert result.parent_of_child[-1] in set(cooking.tolist())


def adversarial(request):
    task = request.task
    if task == "propose":
        return (
            "<scratchpad>hmm</scratchpad><answer><category>Cooking</category><category>cooking </category>"
            "<category>Coding</category><category>Travel</category><category>Never used</category></answer>"
        )
    if task == "dedupe":
        return (
            "<answer><category>Cooking</category><category>COOKING</category><category>Coding</category>"
            "<category>Travel</category><category>Never used</category></answer>"
        )
    if task == "assign":
        child = re.search(r"<group>\n(.*?)\n</group>", request.messages[-1]["content"]).group(1)
        if "python" in child.lower():
            return "no idea"  # unparseable, even after repair
        if "code" in child.lower() or "sql" in child.lower():
            return "<answer>I would file this under coding tasks</answer>"  # paraphrase
        if "travel" in child.lower():
            return "<answer>Travel.</answer>"
        return "<answer>cooking</answer>"
    if task == "rename":
        if any("travel" in c.lower() for c in prompt_items(request, "groups")):
            return "garbage"  # rename fails: keeps the proposed name
        return "<summary>Same name twice.</summary><name>Duplicate name</name>"
    raise AssertionError(task)


def test_adversarial_answers_still_converge():
    children, vecs = children_frame()
    backend = ScriptedBackend(adversarial)
    usage = StageUsage()
    cfg = HierarchyConfig(max_retries=1)
    result = with_model(backend, cfg).build_level(children, vecs, 3, embed, usage, level=1, seed=0)
    check_level(result, children)
    assert len(result.clusters) == 3  # "Never used" was dropped as an empty parent
    names = result.clusters["name"].tolist()
    assert "Travel" in names  # kept proposed name after failed rename
    assert "Duplicate name" in names and any(n.startswith("Duplicate name (") for n in names)
    # paraphrased "coding" answers snapped onto the Coding candidate, with the python ones placed by embedding
    assert len(set(result.parent_of_child[4:8].tolist())) <= 2
    assert usage.failures >= 2 and any("assignments failed" in n for n in result.notes)
    # candidates were shuffled per assign request
    orders = {tuple(prompt_items(r, "categories")) for r in backend.requests if r.task == "assign"}
    assert len(orders) > 1


def test_garbage_proposals_fall_back_to_embeddings():
    children, vecs = children_frame(with_hidden=False)

    def script(request):
        if request.task in ("propose", "dedupe", "assign", "rename"):
            return "I refuse to use tags"
        raise AssertionError(request.task)

    cfg = HierarchyConfig(max_retries=0)
    result = with_model(ScriptedBackend(script), cfg).build_level(
        children, vecs, 3, embed, StageUsage(), level=1, seed=0
    )
    check_level(result, children)
    assert any("embedding fallback" in n for n in result.notes)


def test_no_named_child_returns_none():
    children, vecs = children_frame()
    children["name"] = None
    assert offline().build_level(children, vecs, 3, embed, StageUsage(), level=1, seed=0) is None


def test_snap():
    cands = ["Cook food", "Write code"]
    vecs = np.eye(2, dtype=np.float32)
    assert snap("write CODE.", cands, np.array([1, 0], dtype=np.float32), vecs) == 1
    assert snap("the answer is Cook food", cands, np.array([0, 1], dtype=np.float32), vecs) == 0
    assert snap("something else", cands, np.array([0.1, 0.9], dtype=np.float32), vecs) == 1


def test_centroid_hierarchy_groups_children_by_their_conversations():
    children, _ = children_frame()
    rng = np.random.default_rng(0)
    axes = np.eye(3, 16)
    # conversation centroids follow the themes (the hidden child sits with travel), names do not matter
    theme_of = [0] * 4 + [1] * 4 + [2] * 4 + [2]
    conv = np.stack([axes[t] + 0.05 * rng.normal(size=16) for t in theme_of])
    result = CentroidHierarchy().build_level(children, conv, 3, embed, StageUsage(), level=1, seed=0)
    check_level(result, children)
    groups = [set(result.parent_of_child[i : i + 4].tolist()) for i in (0, 4, 8)]
    assert all(len(g) == 1 for g in groups) and len(set.union(*groups)) == 3
    assert result.parent_of_child[12] == result.parent_of_child[8]
    names = dict(zip(result.clusters["cluster"], result.clusters["name"], strict=True))
    assert names[result.parent_of_child[0]].lower().startswith("cooking")


def test_top_k_is_chosen_by_silhouette_within_its_range():
    rng = np.random.default_rng(1)
    centres = np.concatenate([np.eye(5, 32)[g] + 0.02 * rng.normal(size=(8, 32)) for g in range(5)])
    k, info = choose_top_k(centres, HierarchyConfig())
    assert k == 5 and info["criterion"] == "silhouette" and info["range"] == list(top_k_range(40))
    assert choose_top_k(centres, HierarchyConfig(top_k=7))[0] == 7


def markdown_answers(request):
    """What chatty models write: lists instead of <category> tags, bold and quoted names, labels."""
    task = request.task
    if task == "propose":
        return "thinking</scratchpad>\nCategories:\n1. **Cook meals**\n2. `Write code`\n3. Plan trips."
    if task == "dedupe":
        return "merging</scratchpad>\n- Cook meals\n- Write code\n- Plan trips"
    if task == "assign":
        child = re.search(r"<group>\n(.*?)\n</group>", request.messages[-1]["content"]).group(1).lower()
        choice = "Write code" if "code" in child or "sql" in child else "Plan trips"
        choice = "Cook meals" if any(w in child for w in ("bake", "cook", "meal", "recipe")) else choice
        return f"ok</scratchpad>\n```xml\n<Answer>**{choice}**</Answer>\n```"
    if task == "rename":
        first = prompt_items(request, "groups")[0].split(":")[0]
        return f'They share a theme.</summary>\n\n**Name:** "{first} and more."'
    raise AssertionError(task)


def test_answers_in_markdown_build_a_level_without_repairs_or_fallbacks():
    children, vecs = children_frame(with_hidden=False)
    backend = ScriptedBackend(markdown_answers)
    usage = StageUsage()
    result = with_model(backend, HierarchyConfig()).build_level(
        children, vecs, 3, embed, usage, level=1, seed=0
    )
    check_level(result, children)
    assert usage.repairs == 0 and usage.failures == 0 and result.notes == []
    assert [len(set(result.parent_of_child[i : i + 4].tolist())) for i in (0, 4, 8)] == [1, 1, 1]
    assert all(n.endswith(" and more") and "*" not in n for n in result.clusters["name"])
