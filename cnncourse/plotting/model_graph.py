"""The layer graph of a Keras model as plain data: a box per layer, a pair of names per arrow."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from cnncourse import keras_graph


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
