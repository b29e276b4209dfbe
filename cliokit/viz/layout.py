"""Geometry of the tree views: the cluster tree, a squarified treemap and an icicle, in pixels.

Suppressed clusters never appear one by one: the suppressed children of each parent are merged
into one node (``cluster_id`` ``None``) that counts them, and unsuppressed descendants of
suppressed clusters hang below that merged node.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from cliokit.result import ClioResult
from cliokit.tables import cluster_names, level_total, resolve_level
from cliokit.viz._common import SUPPRESSED

#: Colour group of unsuppressed clusters whose top-level ancestor is suppressed.
UNDER_SUPPRESSED = "in a suppressed cluster"
RECT_COLUMNS = [
    "cluster_id",
    "name",
    "label",
    "text",
    "level",
    "group",
    "n_conversations",
    "n_users",
    "n_clusters",
    "share",
    "suppressed",
    "x0",
    "x1",
    "y0",
    "y1",
]


@dataclass(frozen=True)
class TreeNode:
    """One node of :func:`cluster_tree`: an unsuppressed cluster, or merged suppressed siblings.

    Attributes
    ----------
    cluster_id : str or None
        ``None`` for merged suppressed clusters.
    level : int
    n_conversations : int
    n_users : int or None
        ``None`` for merged suppressed clusters (users may overlap).
    n_clusters : int
        1, or how many suppressed clusters were merged.
    children : tuple of TreeNode
        Unsuppressed children largest first, then at most one merged suppressed node.
    """

    cluster_id: str | None
    level: int
    n_conversations: int
    n_users: int | None
    n_clusters: int = 1
    children: tuple[TreeNode, ...] = ()

    @property
    def suppressed(self) -> bool:
        """Whether this node stands for merged suppressed clusters."""
        return self.cluster_id is None


def cluster_tree(result: ClioResult) -> list[TreeNode]:
    """The hierarchy as :class:`TreeNode` roots (top-level clusters), suppressed siblings merged."""
    c = result.clusters
    rows = {
        str(cid): (int(lvl), int(n), int(u), bool(s))
        for cid, lvl, n, u, s in zip(
            c["cluster_id"], c["level"], c["n_conversations"], c["n_users"], c["suppressed"], strict=True
        )
    }
    kids: dict[str | None, list[str]] = {}
    for cid, pid in zip(c["cluster_id"], c["parent_id"], strict=True):
        kids.setdefault(None if pd.isna(pid) else str(pid), []).append(str(cid))
    top = result.levels - 1
    roots = [cid for cid, row in rows.items() if row[0] == top]

    def build(ids: Sequence[str], level: int) -> tuple[TreeNode, ...]:
        shown = sorted((i for i in ids if not rows[i][3]), key=lambda i: (-rows[i][1], i))
        hidden = [i for i in ids if rows[i][3]]
        nodes = [
            TreeNode(i, level, rows[i][1], rows[i][2], 1, build(kids.get(i, []), level - 1)) for i in shown
        ]
        if hidden:
            below = [k for i in sorted(hidden) for k in kids.get(i, [])]
            size = sum(rows[i][1] for i in hidden)
            nodes.append(TreeNode(None, level, size, None, len(hidden), build(below, level - 1)))
        return tuple(nodes)

    return list(build(roots, top))


def squarify(
    sizes: Sequence[float], x: float, y: float, width: float, height: float
) -> list[tuple[float, ...]]:
    """Squarified treemap (Bruls, Huizing and van Wijk, 2000) of ``sizes`` in a rectangle.

    Parameters
    ----------
    sizes : sequence of float
        Non-negative sizes, in the order the rectangles are wanted (largest first lays out best).
    x, y, width, height : float
        The rectangle to fill.

    Returns
    -------
    list of (x0, y0, x1, y1)
        One rectangle per size, in order; areas proportional to the sizes, filling the rectangle.
    """
    total = float(sum(sizes))
    if total <= 0 or width <= 0 or height <= 0:
        return [(x, y, x, y) for _ in sizes]
    scale = width * height / total
    areas = [max(float(s), 0.0) * scale for s in sizes]
    out: list[tuple[float, ...]] = []
    i = 0
    while i < len(areas):
        short = min(width, height)
        row = [areas[i]]
        j = i + 1
        while j < len(areas) and _worst([*row, areas[j]], short) <= _worst(row, short):
            row.append(areas[j])
            j += 1
        s = sum(row)
        if width >= height:  # a column on the left
            w = s / height if height else 0.0
            yy = y
            for a in row:
                h = a / w if w else 0.0
                out.append((x, yy, x + w, yy + h))
                yy += h
            x, width = x + w, width - w
        else:  # a row on top
            h = s / width if width else 0.0
            xx = x
            for a in row:
                w = a / h if h else 0.0
                out.append((xx, y, xx + w, y + h))
                xx += w
            y, height = y + h, height - h
        i = j
    return out


def _worst(row: Sequence[float], short: float) -> float:
    """Worst aspect ratio of a row of areas laid along a side of length ``short``."""
    s = sum(row)
    if s <= 0 or short <= 0 or min(row) <= 0:
        return float("inf") if len(row) > 1 else 1.0
    return max(max(short**2 * r / s**2, s**2 / (short**2 * r)) for r in row)


def _fit(label: str, width: float, height: float, char_px: float = 6.5) -> str:
    """``label`` cut to fit a ``width`` × ``height`` pixel box (empty when it does not fit)."""
    if height < 14 or width < 36:
        return ""
    n = int((width - 8) / char_px)
    if len(label) <= n:
        return label
    return label[: n - 1].rstrip() + "…" if n >= 4 else ""


def _row(
    node: TreeNode, names: dict[str, str], group: str, total: int, box: tuple[float, ...]
) -> dict[str, object]:
    if node.cluster_id is None:
        label = f"{node.n_clusters} suppressed cluster{'s' if node.n_clusters > 1 else ''}"
        name = None
    else:
        label = name = names[node.cluster_id]
    x0, y0, x1, y1 = box
    return {
        "cluster_id": node.cluster_id,
        "name": name,
        "label": label,
        "text": _fit(label, x1 - x0, y1 - y0),
        "level": node.level,
        "group": SUPPRESSED if node.suppressed else group,
        "n_conversations": node.n_conversations,
        "n_users": node.n_users,
        "n_clusters": node.n_clusters,
        "share": node.n_conversations / total if total else 0.0,
        "suppressed": node.suppressed,
        "x0": x0,
        "x1": x1,
        "y0": y0,
        "y1": y1,
    }


def _group(node: TreeNode, names: dict[str, str]) -> str:
    return UNDER_SUPPRESSED if node.cluster_id is None else names[node.cluster_id]


def icicle_rects(result: ClioResult, width: float = 720, row_height: float = 56) -> pd.DataFrame:
    """Rectangles of an icicle plot: one row per level (top level first), x spans ∝ size.

    Children lie within their parent's span. Suppressed siblings are one merged rectangle.

    Returns
    -------
    DataFrame
        ``cluster_id`` (``None`` for merged suppressed clusters), ``name``, ``label`` (name or
        "N suppressed clusters"), ``text`` (label cut to fit), ``level``, ``group`` (top-level
        ancestor's name, ``"suppressed"`` or ``"in a suppressed cluster"``), ``n_conversations``,
        ``n_users``, ``n_clusters``, ``share`` (of the level), ``suppressed``, ``x0``, ``x1``,
        ``y0``, ``y1`` in pixels.
    """
    names = cluster_names(result)
    top = result.levels - 1
    totals = {lvl: level_total(result, lvl) for lvl in range(result.levels)}
    rows: list[dict[str, object]] = []

    def place(nodes: Sequence[TreeNode], x0: float, x1: float, group: str | None) -> None:
        size = sum(n.n_conversations for n in nodes)
        x = x0
        for n in nodes:
            w = (x1 - x0) * n.n_conversations / size if size else 0.0
            g = group if group is not None else _group(n, names)
            y0 = (top - n.level) * row_height
            rows.append(_row(n, names, g, totals[n.level], (x, y0, x + w, y0 + row_height)))
            place(n.children, x, x + w, g)
            x += w

    place(cluster_tree(result), 0.0, float(width), None)
    return pd.DataFrame(rows, columns=RECT_COLUMNS)


def _at_level(node: TreeNode, level: int) -> list[TreeNode]:
    if node.level == level:
        return [node]
    return [d for child in node.children for d in _at_level(child, level)]


def _merge_hidden(nodes: list[TreeNode]) -> list[TreeNode]:
    shown = sorted((n for n in nodes if not n.suppressed), key=lambda n: -n.n_conversations)
    hidden = [n for n in nodes if n.suppressed]
    if hidden:
        shown.append(
            TreeNode(
                None,
                hidden[0].level,
                sum(n.n_conversations for n in hidden),
                None,
                sum(n.n_clusters for n in hidden),
            )
        )
    return shown


def treemap_rects(
    result: ClioResult, level: int | None = None, width: float = 720, height: float = 420, pad: float = 3
) -> pd.DataFrame:
    """Rectangles of a squarified treemap of one level's clusters, areas ∝ size.

    Below the top level, clusters are nested in their top-level ancestor's rectangle (inset by
    ``pad`` pixels). Suppressed clusters of each group are one merged rectangle.

    Returns
    -------
    DataFrame
        The columns of :func:`icicle_rects`, ``x0``…``y1`` in pixels within
        ``[0, width] × [0, height]``.
    """
    level = resolve_level(result, level)
    names = cluster_names(result)
    total = level_total(result, level)
    roots = cluster_tree(result)
    rows: list[dict[str, object]] = []
    if level == result.levels - 1:
        boxes = squarify([n.n_conversations for n in roots], 0, 0, width, height)
        rows = [_row(n, names, _group(n, names), total, b) for n, b in zip(roots, boxes, strict=True)]
        return pd.DataFrame(rows, columns=RECT_COLUMNS)
    boxes = squarify([n.n_conversations for n in roots], 0, 0, width, height)
    for root, (x0, y0, x1, y1) in zip(roots, boxes, strict=True):
        group = _group(root, names)
        leaves = _merge_hidden([d for d in _at_level(root, level)])
        w, h = max(x1 - x0 - 2 * pad, 0.0), max(y1 - y0 - 2 * pad, 0.0)
        inner = squarify([n.n_conversations for n in leaves], x0 + pad, y0 + pad, w, h)
        rows += [_row(n, names, group, total, b) for n, b in zip(leaves, inner, strict=True)]
    return pd.DataFrame(rows, columns=RECT_COLUMNS)
