"""Groups: connected components of the graph of confirmed pairs."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from dupecheck.model import Group


def groups_of(ids: Sequence[str], edges: Sequence[tuple[int, int]]) -> tuple[Group, ...]:
    """Groups of two or more ids joined by edges, members in input order, groups by first member.

    >>> groups_of(["a", "b", "c", "d"], [(0, 2), (2, 3)])
    (Group(members=('a', 'c', 'd')),)
    """
    if not edges:
        return ()
    # Imported here: scipy takes a tenth of a second to import, paid only when there are edges.
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    rows = np.array([i for i, _ in edges])
    cols = np.array([j for _, j in edges])
    graph = coo_matrix((np.ones(len(edges)), (rows, cols)), shape=(len(ids), len(ids)))
    _, labels = connected_components(graph, directed=False)
    members: dict[int, list[int]] = {}
    for index, label in enumerate(labels):
        members.setdefault(int(label), []).append(index)
    return tuple(
        Group(tuple(ids[i] for i in component))
        for component in sorted(members.values())
        if len(component) > 1
    )
