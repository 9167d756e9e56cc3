"""Figures for the book and the notebooks: training curves, image grids, comparisons, layer graphs.

Every function returns a `matplotlib.figure.Figure` that is *not* registered with pyplot
(no global state, nothing to close, safe under the Agg backend and in loops). In a notebook,
leave the figure as the last expression of a cell or call ``display(fig)`` (it is shown
once); in the book, ``myst_nb.glue("name", fig)``; on disk, ``fig.savefig(path)``.
"""

from __future__ import annotations

import contextlib
import math
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
from matplotlib.figure import Figure

from cnncourse import keras_graph

# Colours of the runs in the curves (matplotlib's tab10 cycle).
_RUN_COLOURS = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
)
HIGHLIGHT_COLOUR = "red"


def new_figure(**kwargs) -> Figure:
    """A Figure outside pyplot; in a Jupyter kernel, one that displays as an image.

    IPython shows a bare Figure as an image only once the inline backend has registered its
    display formatters, which it does when its module is loaded: normally at the first
    pyplot figure. A notebook that never makes one would see "<Figure size ...>" instead,
    so load it here when the kernel's backend is the inline one.
    """
    if "ipykernel" in sys.modules and "matplotlib_inline.backend_inline" not in sys.modules:
        import matplotlib

        try:
            backend = matplotlib.get_backend(auto_select=False)
        except TypeError:  # matplotlib < 3.10
            backend = matplotlib.rcParams._get("backend")
        if "inline" in str(backend):
            with contextlib.suppress(ImportError):
                import matplotlib_inline.backend_inline  # noqa: F401
    return Figure(**kwargs)


# --------------------------------------------------------------------------- training curves


def _is_history(value) -> bool:
    """Whether ``value`` is one history: a mapping of metric name to a sequence of numbers."""
    if not isinstance(value, Mapping) or not value:
        return False
    return all(
        isinstance(v, (list, tuple, np.ndarray)) and all(np.isscalar(e) for e in v)
        for v in value.values()
    )


def _history_of(run, label: str) -> dict[str, list[float]]:
    history = getattr(run, "history", run)  # TrainingRun and keras History carry .history
    if not _is_history(history):
        raise TypeError(
            f"run {label!r} is a {type(run).__name__}: expected a TrainingRun, a keras History "
            "or a dict of metric name -> list of values"
        )
    return {name: [float(v) for v in values] for name, values in history.items()}


def _named_histories(runs) -> list[tuple[str, dict[str, list[float]]]]:
    if _is_history(runs) or hasattr(runs, "history"):
        return [("", _history_of(runs, "run"))]
    if isinstance(runs, Mapping):
        return [(str(name), _history_of(run, str(name))) for name, run in runs.items()]
    if isinstance(runs, Sequence) and not isinstance(runs, str):
        return [(f"run {i}", _history_of(run, f"run {i}")) for i, run in enumerate(runs, 1)]
    raise TypeError(f"cannot plot curves of a {type(runs).__name__}")


def plot_history(
    runs,
    *,
    metrics: Sequence[str] = ("accuracy", "loss"),
    title: str | None = None,
    panel_size: tuple[float, float] = (5.0, 3.6),
) -> Figure:
    """Training curves: one panel per metric, training solid and validation dashed.

    ``runs`` is one run (a `cnncourse.training.TrainingRun`, a keras ``History`` or a
    history dict) or several: a mapping name -> run (names become the legend) or a list.
    Every run gets its own colour; a metric's validation curve ("val_" + metric) is drawn
    when the run has one. Epochs are counted from 1.
    """
    named = _named_histories(runs)
    available = sorted({key for _, history in named for key in history})
    shown = [m for m in metrics if any(m in h or f"val_{m}" in h for _, h in named)]
    if not shown:
        raise ValueError(
            f"none of the metrics {list(metrics)} is in the runs; they have {available}"
        )
    fig = new_figure(figsize=(panel_size[0] * len(shown), panel_size[1]), layout="constrained")
    axes = fig.subplots(1, len(shown), squeeze=False)[0]
    for ax, metric in zip(axes, shown):
        for index, (name, history) in enumerate(named):
            colour = _RUN_COLOURS[index % len(_RUN_COLOURS)]
            prefix = f"{name} " if name else ""
            for key, style, part in ((metric, "-", "train"), (f"val_{metric}", "--", "validation")):
                if key in history:
                    values = history[key]
                    ax.plot(
                        range(1, len(values) + 1),
                        values,
                        style,
                        color=colour,
                        marker="o",
                        markersize=3,
                        label=f"{prefix}{part}",
                    )
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        ax.set_title(metric)
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.grid(alpha=0.3)
        if len(named) == 1:
            ax.legend(fontsize="small")
    if len(named) > 1:
        # One legend for all panels, outside them: a colour per run, a line style per part.
        from matplotlib.lines import Line2D

        handles = [
            Line2D([], [], color=_RUN_COLOURS[i % len(_RUN_COLOURS)], label=name)
            for i, (name, _) in enumerate(named)
        ]
        handles += [
            Line2D([], [], color="black", linestyle="-", label="train"),
            Line2D([], [], color="black", linestyle="--", label="validation"),
        ]
        fig.legend(handles=handles, loc="outside right upper", fontsize="small")
    if title:
        fig.suptitle(title)
    return fig


# --------------------------------------------------------------------------- image grids


def as_display_image(image: np.ndarray, what: str = "image") -> np.ndarray:
    """An image ready for ``imshow``: uint8 as is, floats checked to lie in [0, 1].

    A trailing channel axis of 1 is dropped (shown in grey). Floats outside [0, 1] raise a
    ValueError naming the range found (divide 0-255 floats by 255 first).
    """
    array = np.asarray(image)
    if array.ndim == 3 and array.shape[-1] == 1:
        array = array[..., 0]
    if array.ndim not in (2, 3) or (array.ndim == 3 and array.shape[-1] not in (3, 4)):
        raise ValueError(f"{what} must be (H, W), (H, W, 1) or (H, W, 3), got shape {array.shape}")
    if array.dtype == np.uint8:
        return array
    if np.issubdtype(array.dtype, np.integer) or array.dtype == bool:
        low, high = int(array.min()), int(array.max())
        if low < 0 or high > 255:
            raise ValueError(f"{what} has integer values in [{low}, {high}], outside 0..255")
        return array.astype(np.uint8)
    low, high = float(np.nanmin(array)), float(np.nanmax(array))
    if low < -1e-3 or high > 1 + 1e-3:
        raise ValueError(
            f"{what} has float values in [{low:.3g}, {high:.3g}]: float images must lie in "
            "[0, 1] (divide 0-255 values by 255) or be uint8"
        )
    return np.clip(array, 0.0, 1.0)


def _class_index(label) -> int:
    array = np.asarray(label)
    if array.ndim == 0:
        return int(array)
    return int(np.argmax(array))  # one-hot labels or a probability vector


def _class_text(index: int, class_names: Sequence[str] | None) -> str:
    if class_names is None:
        return str(index)
    if not 0 <= index < len(class_names):
        raise ValueError(f"label {index} has no class name: there are {len(class_names)} names")
    return str(class_names[index])


def plot_images(
    images,
    labels=None,
    *,
    class_names: Sequence[str] | None = None,
    predictions=None,
    columns: int | None = None,
    max_images: int = 32,
    title: str | None = None,
    image_size: float = 1.6,
) -> Figure:
    """A grid of images titled with their class names (one axes per image shown).

    ``images``: ``(N, H, W, 3)`` or ``(N, H, W)`` uint8, or floats in [0, 1]. ``labels`` and
    ``predictions``: class indices, one-hot vectors or probability vectors. With predictions,
    each title reads "label / prediction", green when right and red when wrong. At most
    ``max_images`` are shown, the first ones.
    """
    array = np.asarray(images)
    if array.ndim not in (3, 4) or len(array) == 0:
        raise ValueError(
            f"images must be a non-empty batch (N, H, W[, C]), got shape {array.shape}"
        )
    count = min(len(array), max_images)
    for name, values in (("labels", labels), ("predictions", predictions)):
        if values is not None and len(values) < count:
            raise ValueError(f"{len(values)} {name} for {count} images")
    columns = columns or min(count, 8)
    rows = math.ceil(count / columns)
    fig = new_figure(
        figsize=(image_size * columns, (image_size + 0.3) * rows), layout="constrained"
    )
    grid = fig.subplots(rows, columns, squeeze=False)
    for index, ax in enumerate(grid.ravel()):
        if index >= count:
            fig.delaxes(ax)
            continue
        shown = as_display_image(array[index], f"image {index}")
        ax.imshow(
            shown,
            cmap="gray" if shown.ndim == 2 else None,
            vmin=0,
            vmax=255 if shown.dtype == np.uint8 else 1,
        )
        ax.set_xticks([])
        ax.set_yticks([])
        if labels is not None:
            truth = _class_index(labels[index])
            text = _class_text(truth, class_names)
            colour = "black"
            if predictions is not None:
                guess = _class_index(predictions[index])
                text = f"{text} / {_class_text(guess, class_names)}"
                colour = "green" if guess == truth else "red"
            ax.set_title(text, fontsize="small", color=colour)
        elif predictions is not None:
            ax.set_title(
                _class_text(_class_index(predictions[index]), class_names), fontsize="small"
            )
    if title:
        fig.suptitle(title)
    return fig


# --------------------------------------------------------------------------- comparisons


def _comparison_table(results):
    import pandas as pd

    if isinstance(results, pd.DataFrame):
        return results
    if isinstance(results, pd.Series):
        return results.to_frame(name=results.name or "value")
    if isinstance(results, Mapping):
        rows = {}
        for name, value in results.items():
            if np.isscalar(value):
                rows[str(name)] = {"value": float(value)}
            elif hasattr(value, "summary") and hasattr(value, "history"):
                rows[str(name)] = value.summary()  # a TrainingRun
            elif isinstance(value, Mapping):
                rows[str(name)] = dict(value)
            else:
                raise TypeError(
                    f"result {name!r} is a {type(value).__name__}: expected a number,"
                    " a dict of metrics or a TrainingRun"
                )
        return pd.DataFrame.from_dict(rows, orient="index")
    raise TypeError(f"cannot compare a {type(results).__name__}: give a DataFrame or a dict")


def _row_labels(table, label) -> list[str]:
    if label is None:
        return [str(i) for i in table.index]
    columns = [label] if isinstance(label, str) else list(label)
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ValueError(f"label columns {missing} are not in the table: {list(table.columns)}")
    if len(columns) == 1:
        return [str(v) for v in table[columns[0]]]
    values = [table[c].tolist() for c in columns]  # per column: keeps ints as ints
    return [", ".join(f"{c}={v}" for c, v in zip(columns, row)) for row in zip(*values)]


def plot_comparison(
    results,
    value: str | Sequence[str] = "val_accuracy",
    *,
    label: str | Sequence[str] | None = None,
    kind: str = "bar",
    highlight: str | None = "max",
    title: str | None = None,
    ylabel: str | None = None,
) -> Figure:
    """Several results in one plot: bars (``kind="bar"``) or lines (``kind="line"``).

    ``results``: a DataFrame (one row per result, e.g. a grid-search table), a mapping
    name -> number, name -> dict of metrics, or name -> `TrainingRun` (its final and best
    values). ``value``: the column(s) to plot; several give grouped bars or several lines.
    ``label``: the column(s) naming each row (default the index). ``highlight``: "max" or
    "min" outlines the best result of each value in red (as in the CS577 report), None
    does not.
    """
    table = _comparison_table(results)
    values = [value] if isinstance(value, str) else list(value)
    if not values:
        raise ValueError("give at least one value column to plot")
    missing = [v for v in values if v not in table.columns]
    if missing:
        raise ValueError(f"columns {missing} are not in the results: {list(table.columns)}")
    if kind not in ("bar", "line"):
        raise ValueError(f"kind must be 'bar' or 'line', got {kind!r}")
    if highlight not in ("max", "min", None):
        raise ValueError(f"highlight must be 'max', 'min' or None, got {highlight!r}")
    names = _row_labels(table, label)
    positions = np.arange(len(table))
    width_in = max(4.0, 0.6 * len(table) * max(1, len(values)) + 1.5)
    fig = new_figure(figsize=(min(width_in, 14.0), 4.0), layout="constrained")
    ax = fig.subplots()
    bar_width = 0.8 / len(values)
    for index, column in enumerate(values):
        numbers = table[column].to_numpy(dtype=float)
        colour = _RUN_COLOURS[index % len(_RUN_COLOURS)]
        best = None
        if highlight and np.isfinite(numbers).any():
            best = int(np.nanargmax(numbers) if highlight == "max" else np.nanargmin(numbers))
        if kind == "bar":
            offsets = positions - 0.4 + bar_width * (index + 0.5)
            bars = ax.bar(offsets, numbers, bar_width, color=colour, label=column)
            ax.bar_label(bars, fmt="%.3g", fontsize="x-small")
            if best is not None:
                bars[best].set_edgecolor(HIGHLIGHT_COLOUR)
                bars[best].set_linewidth(2.5)
        else:
            ax.plot(positions, numbers, "-o", color=colour, label=column)
            if best is not None:
                ax.plot(
                    [positions[best]],
                    [numbers[best]],
                    "o",
                    markersize=12,
                    markerfacecolor="none",
                    markeredgecolor=HIGHLIGHT_COLOUR,
                    markeredgewidth=2,
                )
    ax.set_xticks(
        positions,
        names,
        rotation=30 if max(map(len, names)) > 8 else 0,
        ha="right" if max(map(len, names)) > 8 else "center",
        fontsize="small",
    )
    ax.set_ylabel(ylabel or (values[0] if len(values) == 1 else "value"))
    ax.grid(axis="y", alpha=0.3)
    ax.margins(y=0.12)
    if len(values) > 1:
        ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.0, 1.0))
    if title:
        ax.set_title(title)
    return fig


# --------------------------------------------------------------------------- layer graphs


@dataclass(frozen=True)
class GraphNode:
    """One box of a layer graph: the layer's name, class, output shape and parameter count."""

    name: str
    kind: str
    output_shape: str
    params: int | None


@dataclass(frozen=True)
class LayerGraph:
    """The layers of a Keras model (``nodes``) and their connections (``edges``: name pairs)."""

    nodes: tuple[GraphNode, ...]
    edges: tuple[tuple[str, str], ...]

    def node(self, name: str) -> GraphNode:
        for node in self.nodes:
            if node.name == name:
                return node
        raise KeyError(f"no layer {name!r} in the graph")

    def parents(self, name: str) -> list[str]:
        return [source for source, target in self.edges if target == name]


def _shape_text(tensors) -> str:
    shapes = [tuple(t.shape) for t in tensors if hasattr(t, "shape")]
    if not shapes:
        return "?"
    text = ", ".join(str(s) for s in shapes)
    return text if len(shapes) == 1 else f"[{text}]"


def _params_of(layer) -> int | None:
    try:
        return int(layer.count_params()) if getattr(layer, "built", False) else None
    except (ValueError, AttributeError):
        return None


def layer_graph(model) -> LayerGraph:
    """The layer graph of a Keras model, read from its nodes (no graphviz needed).

    Functional models: every operation (Input layers and ``keras.ops`` calls included) with
    the connections recorded when the model was built. Sequential models: an input box when
    the model is built, then its layers in a chain. A nested model is one box. A subclassed
    model is a single box (its ``call`` is opaque).
    """
    import keras

    if isinstance(model, keras.Sequential):
        if getattr(model, "built", False):
            try:
                return layer_graph(keras_graph.functional(model))
            except keras_graph.ModelReadError:
                pass
        names = [layer.name for layer in model.layers]
        nodes = tuple(
            GraphNode(layer.name, type(layer).__name__, "?", _params_of(layer))
            for layer in model.layers
        )
        return LayerGraph(nodes, tuple(pairwise(names)))
    if not keras_graph.is_functional(model):
        return LayerGraph(
            (GraphNode(model.name, type(model).__name__, "?", _params_of(model)),), ()
        )
    calls = keras_graph.graph_nodes(model)
    nodes = []
    edges: list[tuple[str, str]] = []
    for op in model.operations:
        outputs = []
        for call in calls:
            if call.layer is not op:
                continue
            outputs.extend(call.outputs)
            for parent in call.parents:
                edge = (calls[parent].layer.name, op.name)
                if edge not in edges:
                    edges.append(edge)
        nodes.append(GraphNode(op.name, type(op).__name__, _shape_text(outputs), _params_of(op)))
    return LayerGraph(tuple(nodes), tuple(edges))


def _ranks(graph: LayerGraph) -> dict[str, int]:
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


def _layout(graph: LayerGraph):
    """Rows of node ids (real names and dummy points on long edges) and every edge's route."""
    rank = _ranks(graph)
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
    rows, routes = _layout(graph)
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
