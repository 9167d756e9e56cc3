"""Where the boxes of a layer graph go: rows by depth, ordered to cross little, long edges bent.

Plain data in and out: `layout` takes a `LayerGraph` and gives its rows, top to bottom, of
layer names and dummy points (where a long edge passes a row), and every edge's route.
"""

from __future__ import annotations

from itertools import pairwise

from cnncourse.plotting.model_graph import LayerGraph


def ranks(graph: LayerGraph) -> dict[str, int]:
    """Longest-path layering: every layer one row below its lowest parent."""
    order = [n.name for n in graph.nodes]
    parents = {name: graph.parents(name) for name in order}
    rank: dict[str, int] = {}
    pending = list(order)
    while pending:
        progressed = False
        for name in list(pending):
            if all(p in rank for p in parents[name]):
                rank[name] = 1 + max((rank[p] for p in parents[name]), default=-1)
                pending.remove(name)
                progressed = True
        if not progressed:  # a cycle cannot come from Keras; place the rest below
            base = 1 + max(rank.values(), default=-1)
            for offset, name in enumerate(pending):
                rank[name] = base + offset
            break
    return rank


def layout(graph: LayerGraph) -> tuple[list[list], dict[tuple[str, str], list]]:
    """Rows of node ids (real names and dummy points on long edges) and every edge's route.

    A dummy point is ``("dummy", source, target, row)``; an edge's route is the list of ids
    it passes, from its source to its target.
    """
    rank = ranks(graph)
    depth = 1 + max(rank.values(), default=0)
    rows: list[list] = [[] for _ in range(depth)]
    for node in graph.nodes:
        rows[rank[node.name]].append(node.name)
    routes: dict[tuple[str, str], list] = {}
    for source, target in graph.edges:
        chain = [source]
        for row in range(rank[source] + 1, rank[target]):
            dummy = ("dummy", source, target, row)
            rows[row].append(dummy)
            chain.append(dummy)
        chain.append(target)
        routes[(source, target)] = chain
    # Which input of its target each edge feeds: ties in the ordering follow the argument
    # order (the first branch of a concatenation is drawn leftmost).
    port: dict = {}
    for source, target in graph.edges:
        inputs = graph.parents(target)
        port[(source, target)] = (inputs.index(source) - (len(inputs) - 1) / 2) / (10 * len(inputs))
    up: dict = {}
    down: dict = {}
    for (source, target), chain in routes.items():
        for upper, lower in pairwise(chain):
            offset = port[(source, target)] if lower == target else 0.0
            down.setdefault(upper, []).append((lower, offset))
            up.setdefault(lower, []).append((upper, 0.0))
    # Barycentre sweeps: order each row by the mean position of its neighbours.
    for _ in range(4):
        for index in range(1, depth):
            _reorder(rows[index], rows[index - 1], up)
        for index in range(depth - 2, -1, -1):
            _reorder(rows[index], rows[index + 1], down)
    for index in range(1, depth):
        _reorder(rows[index], rows[index - 1], up)
    return rows, routes


def _reorder(row: list, neighbour_row: list, neighbours: dict) -> None:
    """Sort ``row`` in place by the mean position of each item's neighbours in ``neighbour_row``."""
    position = {item: i for i, item in enumerate(neighbour_row)}
    width = len(neighbour_row)

    def key(item_index):
        index, item = item_index
        linked = [position[n] + offset for n, offset in neighbours.get(item, []) if n in position]
        if not linked:
            return (index / max(len(row), 1)) * width
        return sum(linked) / len(linked)

    ordered = sorted(enumerate(row), key=lambda pair: (key(pair), pair[0]))
    row[:] = [item for _, item in ordered]
