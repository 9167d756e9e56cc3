"""A student's built Keras model as the architecture check sees it: layer specs, counts, edges.

The specs come from `cnncourse.spec.keras.network_layers`, the reading `cnncourse.spec.from_keras`
uses too, so a model read here and the same model read by `spec.from_keras` have equal specs.
`walk_layers`, `weights_size` and `layer_spec` are re-exported from where they live.
"""

from __future__ import annotations

from dataclasses import dataclass

from cnncourse import keras_graph, spec
from cnncourse.keras_graph import ModelReadError, walk_layers, weights_size
from cnncourse.spec.keras import layer_spec, network_layers

__all__ = [
    "ModelGraph",
    "ModelLayer",
    "ModelReadError",
    "layer_spec",
    "read_model",
    "walk_layers",
    "weights_size",
]


@dataclass(frozen=True)
class ModelLayer:
    """One layer of a student's model, with what Keras knows about it."""

    spec: spec.Layer
    name: str
    class_name: str
    params: int
    trainable_params: int
    input_shape: tuple | None
    output_shape: tuple | None
    parents: tuple[int, ...]


@dataclass(frozen=True)
class ModelGraph:
    """The layers of a model (in its graph's order) and the index of the output layer."""

    layers: tuple[ModelLayer, ...]
    output: int

    @property
    def total_params(self) -> int:
        return sum(layer.params for layer in self.layers)


def read_model(model) -> ModelGraph:
    """Read ``model``'s layers, counts, shapes and connections; ModelReadError when it cannot."""
    graph = keras_graph.functional(model)
    if len(graph.outputs) != 1:
        raise ModelReadError(
            f"your model has {len(graph.outputs)} outputs; the question asks for one"
        )
    nodes = keras_graph.graph_nodes(graph)
    specs = network_layers(graph, nodes)
    layers = []
    for node, layer_spec_ in zip(nodes, specs):
        counts = keras_graph.param_counts(node.layer)
        layers.append(
            ModelLayer(
                spec=layer_spec_,
                name=getattr(node.layer, "name", type(node.layer).__name__),
                class_name=type(node.layer).__name__,
                params=weights_size(getattr(node.layer, "weights", [])),
                trainable_params=counts.trainable,
                input_shape=node.input_shape,
                output_shape=node.output_shape,
                parents=node.parents,
            )
        )
    return ModelGraph(layers=tuple(layers), output=keras_graph.producer(nodes, graph.outputs[0]))
