"""Groups of articles connected by reuse: connected components of the copy/paraphrase graph (quotes excluded)."""

from __future__ import annotations

from typing import Iterable

from ..model import Match


def clusters(matches: Iterable[Match]) -> tuple[tuple[str, ...], ...]:
    """Connected components with two or more members, each sorted; largest first, then by first id."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        root = parent.setdefault(x, x)
        while root != parent[root]:
            root = parent[root]
        while x != root:  # path compression keeps later finds short on big clusters
            parent[x], x = root, parent[x]
        return root

    for match in matches:
        if match.kind == "quote":
            continue
        ra, rb = find(match.a), find(match.b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[str, list[str]] = {}
    for node in parent:
        groups.setdefault(find(node), []).append(node)
    found = [tuple(sorted(g)) for g in groups.values() if len(g) > 1]
    return tuple(sorted(found, key=lambda g: (-len(g), g)))
