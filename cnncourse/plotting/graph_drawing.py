"""`plot_model_graph`: a Keras model's layer graph drawn with matplotlib alone (no graphviz)."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from cnncourse.plotting.figures import new_figure
from cnncourse.plotting.graph_layout import layout
from cnncourse.plotting.model_graph import GraphNode, layer_graph

_KIND_COLOURS = {
    "InputLayer": "#dddddd",
    "Conv": "#aec7e8",
    "Pool": "#98df8a",
    "Dense": "#ffbb78",
    "BatchNormalization": "#fff5a5",
    "Dropout": "#eeeeee",
    "Add": "#f7b6d2",
    "Concatenate": "#f7b6d2",
    "Multiply": "#f7b6d2",
    "Functional": "#c5b0d5",
    "Sequential": "#c5b0d5",
}


def _box_colour(kind: str) -> str:
    if kind in _KIND_COLOURS:
        return _KIND_COLOURS[kind]
    for part, colour in _KIND_COLOURS.items():
        if part in kind:
            return colour
    return "white"


def _clip(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def plot_model_graph(
    model,
    *,
    show_shapes: bool = True,
    show_params: bool = False,
    title: str | None = None,
) -> Figure:
    """A drawing of a Keras model's layer graph with matplotlib alone (no graphviz).

    Layers are boxes (name, class, output shape; parameters with ``show_params``) in rows
    from the input down: each layer sits one row below its lowest input, so branches
    (an inception block) sit side by side and a skip connection (a residual block) is an
    arrow routed around the rows it jumps over. Rows are ordered to reduce crossings.
    Each box patch has the gid ``"layer:<name>"`` and each arrow ``"edge:<from>-><to>"``
    (one arrow per connected pair of layers; its polyline in inches is ``arrow.route``).
    """
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
    from matplotlib.path import Path

    graph = layer_graph(model)
    rows, routes = layout(graph)
    by_name = {node.name: node for node in graph.nodes}

    def label(node: GraphNode) -> str:
        lines = [_clip(node.name), node.kind]
        if show_shapes:
            lines.append(_clip(node.output_shape, 34))
        if show_params and node.params is not None:
            lines.append(f"{node.params:,} params")
        return "\n".join(lines)

    lines = 2 + int(show_shapes) + int(show_params)
    slot, box_width = 2.3, 2.05  # inches
    box_height = 0.16 * lines + 0.12
    row_height = box_height + 0.42
    widest = max(len(row) for row in rows)
    margin = 0.25
    title_space = 0.4 if title else 0.0
    width = widest * slot + 2 * margin
    height = len(rows) * row_height - 0.42 + 2 * margin + title_space
    fig = new_figure(figsize=(width, height))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.set_axis_off()

    centre: dict = {}
    for index, row in enumerate(rows):
        y = height - margin - title_space - box_height / 2 - index * row_height
        start = (width - len(row) * slot) / 2 + slot / 2
        for position, item in enumerate(row):
            centre[item] = (start + position * slot, y)

    for name, node in by_name.items():
        x, y = centre[name]
        box = FancyBboxPatch(
            (x - box_width / 2, y - box_height / 2),
            box_width,
            box_height,
            boxstyle="round,pad=0.02,rounding_size=0.06",
            facecolor=_box_colour(node.kind),
            edgecolor="#333333",
            linewidth=0.8,
            gid=f"layer:{name}",
        )
        ax.add_patch(box)
        ax.text(x, y, label(node), ha="center", va="center", fontsize=7, family="sans-serif")

    # Spread the ends of several arrows along the bottom / top edge of a box.
    outgoing: dict[str, list] = {}
    incoming: dict[str, list] = {}
    for (source, target), chain in routes.items():
        outgoing.setdefault(source, []).append(((source, target), centre[chain[1]][0]))
        incoming.setdefault(target, []).append(((source, target), centre[chain[-2]][0]))

    def anchors(groups: dict) -> dict:
        placed = {}
        for name, items in groups.items():
            items.sort(key=lambda pair: pair[1])
            for k, (edge, _) in enumerate(items):
                fraction = (k + 1) / (len(items) + 1) - 0.5
                placed[(name, edge)] = centre[name][0] + fraction * box_width * 0.7
        return placed

    out_x, in_x = anchors(outgoing), anchors(incoming)
    for (source, target), chain in routes.items():
        points = [(out_x[(source, (source, target))], centre[source][1] - box_height / 2)]
        points += [centre[item] for item in chain[1:-1]]
        points.append((in_x[(target, (source, target))], centre[target][1] + box_height / 2))
        path = Path(points, [Path.MOVETO] + [Path.LINETO] * (len(points) - 1))
        arrow = FancyArrowPatch(
            path=path,
            arrowstyle="-|>",
            mutation_scale=9,
            color="#444444",
            linewidth=0.9,
            shrinkA=0,
            shrinkB=0,
            gid=f"edge:{source}->{target}",
        )
        arrow.route = np.asarray(points)  # the polyline, for tests and for readers
        ax.add_patch(arrow)
    if title:
        ax.text(
            width / 2, height - margin, title, ha="center", va="top", fontsize=10, weight="bold"
        )
    return fig
