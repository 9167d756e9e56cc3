"""Read built Keras models: nested layers, the functional graph in order, weight counts.

The one module of the course that looks at how Keras stores a model's graph. Everything else
(`cnncourse.spec`, the checks, the plots, `cnncourse.models.rebuild`, ...) asks it.
Public Keras 3 API is used wherever it exists (``model.layers``, ``model.operations``,
``model.inputs``/``outputs``, ``layer.trainable_weights``, ``layer.get_config()``, ...).
Keras 3 has no public API for the edges of a graph (which call of a layer belongs to which
model, and what a call read): the few private attributes needed for that are read here
only, each with a comment saying why.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from dataclasses import dataclass


class ModelReadError(ValueError):
    """The object cannot be read as a built Functional or Sequential model; the message says why."""


# ----------------------------------------------------------------------------- what a model is


def _functional_class():
    # Keras 3 does not export the class of ``keras.Model(inputs, outputs)`` (nor of
    # ``keras.applications`` models); it only lives in keras.src.
    from keras.src.models.functional import Functional

    return Functional


def is_functional(model) -> bool:
    """Whether ``model`` is a Functional model (``keras.Model(inputs, outputs)``)."""
    return isinstance(model, _functional_class())


def is_container(layer) -> bool:
    """Whether ``layer`` is a Sequential or Functional model whose layers can be walked."""
    import keras

    return isinstance(layer, keras.Sequential) or is_functional(layer)


def functional(model):
    """The Functional graph of a Functional or built Sequential model (ModelReadError if none)."""
    import keras

    name = getattr(model, "name", "")
    if isinstance(model, keras.Sequential):
        # A built Sequential keeps its graph (a Functional over the same layers and nodes) in
        # the private ``_functional``; no public attribute gives it, and building a new
        # keras.Model over ``model.inputs`` would use up an auto-generated model name.
        graph = getattr(model, "_functional", None)
        if graph is None:
            raise ModelReadError(
                f"Sequential model {name!r} is not built (it has no input shape yet): start it "
                "with keras.Input(shape=...) so that its layers can be read"
            )
        return graph
    if is_functional(model):
        return model
    if isinstance(model, keras.Model):
        raise ModelReadError(
            f"model {name!r} is a subclassed keras.Model, whose layers cannot be read: build it "
            "with the Functional API (keras.Model(inputs, outputs)) or keras.Sequential"
        )
    raise ModelReadError(f"expected a Keras model, got {type(model).__name__} {model!r:.80}")


def children(model) -> list:
    """The layers a container runs, in its graph's order (Input layers left out)."""
    import keras

    if isinstance(model, keras.Sequential):
        return list(model.layers)
    return [op for op in model.operations if type(op).__name__ != "InputLayer"]


def walk_layers(layer) -> Iterator:
    """``layer`` and every layer nested in it, in the order of their ``layers`` lists."""
    yield layer
    for child in getattr(layer, "layers", []) or []:
        yield from walk_layers(child)


def takes_training(layer) -> bool:
    """Whether ``layer.call`` takes a ``training`` argument (as Keras itself decides it)."""
    names = getattr(layer, "call_signature_parameters", None)  # public, set by keras.Layer
    if names is None:
        try:
            names = inspect.signature(layer.call).parameters
        except (TypeError, ValueError, AttributeError):
            return False
    return "training" in names


# ----------------------------------------------------------------------------- counts, names


def weights_size(weights) -> int:
    """The number of values in a list of weights (variables or arrays)."""
    total = 0
    for weight in weights:
        size = 1
        for dim in weight.shape:
            size *= int(dim)
        total += size
    return total


@dataclass(frozen=True)
class ParamCounts:
    """A layer's (or a model's) parameters: all of them, those that train, the others."""

    total: int
    trainable: int
    non_trainable: int


def param_counts(layer) -> ParamCounts:
    """``layer``'s parameter counts (its ``trainable_weights`` and ``non_trainable_weights``)."""
    trainable = weights_size(getattr(layer, "trainable_weights", []))
    frozen = weights_size(getattr(layer, "non_trainable_weights", []))
    return ParamCounts(total=trainable + frozen, trainable=trainable, non_trainable=frozen)


def activation_name(value) -> str | None:
    """The name of an activation (a config string or dict, or a function); None if it has none.

    ``None`` (no activation given) is ``"linear"``, as in Keras.
    """
    if value is None:
        return "linear"
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        config = value.get("config")
        if isinstance(config, dict) and isinstance(config.get("name"), str):
            return config["name"]
        return str(value.get("class_name", value))
    return getattr(value, "__name__", None)


def shape_of(tensor) -> tuple | None:
    """The shape of ``tensor`` without the batch axis (None when it has no shape)."""
    shape = getattr(tensor, "shape", None)
    if shape is None:
        return None
    return tuple(None if d is None else int(d) for d in shape)[1:]


# ----------------------------------------------------------------------------- the graph


@dataclass(frozen=True, eq=False)
class GraphNode:
    """One call of a layer (or a ``keras.ops`` operation) in a model's graph."""

    layer: object
    inputs: tuple  # the KerasTensors the call read
    outputs: tuple  # the KerasTensors it made
    parents: tuple[int, ...]  # positions (in the graph) of the calls that made its inputs
    node: object  # Keras' own Node, for the arguments of the call

    @property
    def is_input(self) -> bool:
        return bool(self.node.is_input)

    @property
    def input_shape(self) -> tuple | None:
        """The shape of the first input, without the batch axis (None for an Input layer)."""
        return shape_of(self.inputs[0]) if self.inputs and not self.is_input else None

    @property
    def output_shape(self) -> tuple | None:
        """The shape of the first output, without the batch axis."""
        return shape_of(self.outputs[0]) if self.outputs else None

    def arguments(self, values: dict) -> tuple[tuple, dict]:
        """The call's ``(args, kwargs)`` with each input replaced by ``values[id(input)]``."""
        return self.node.arguments.fill_in(values)


def _calls_in(graph, operation) -> list:
    # Keras 3 has no public API saying which calls of a layer belong to a model: a layer
    # called in two models has a node per call in the private ``_inbound_nodes``, and a
    # model keeps the keys of its own nodes in the private ``_nodes``
    # (keras.src.ops.function.make_node_key: f"{id(operation)}_ib-{index}").
    keys = graph._nodes
    return [
        node
        for index, node in enumerate(operation._inbound_nodes)
        if f"{id(operation)}_ib-{index}" in keys
    ]


def graph_nodes(model) -> tuple[GraphNode, ...]:
    """Every call in ``model``'s graph, inputs before the calls reading them.

    In the order of ``model.operations`` (a layer called twice gives two nodes, one after
    the other). ModelReadError when ``model`` is not a Functional or built Sequential model.
    """
    graph = functional(model)
    raw = [node for operation in graph.operations for node in _calls_in(graph, operation)]
    position = {id(node): index for index, node in enumerate(raw)}
    return tuple(
        GraphNode(
            layer=node.operation,
            inputs=tuple(node.input_tensors),
            outputs=tuple(node.outputs),
            parents=tuple(
                position[id(parent)] for parent in node.parent_nodes if id(parent) in position
            ),
            node=node,
        )
        for node in raw
    )


def refuse_shared(model, nodes, what: str) -> None:
    """ModelReadError when a layer is called more than once in ``nodes`` (``model``'s graph)."""
    calls: dict[int, int] = {}
    for node in nodes:
        calls[id(node.layer)] = calls.get(id(node.layer), 0) + 1
    for node in nodes:
        if calls[id(node.layer)] != 1:
            raise ModelReadError(
                f"model {model.name!r}: layer {node.layer.name!r} is called "
                f"{calls[id(node.layer)]} times in it; shared layers cannot be {what}"
            )


def layer_node(model, layer, nodes=None) -> GraphNode:
    """The one call of ``layer`` in ``model``'s graph (ModelReadError when shared or absent)."""
    nodes = graph_nodes(model) if nodes is None else nodes
    mine = [node for node in nodes if node.layer is layer]
    if len(mine) != 1:
        raise ModelReadError(
            f"model {model.name!r}: layer {layer.name!r} is called {len(mine)} times in it"
        )
    return mine[0]


def producer(nodes, tensor) -> int | None:
    """The position in ``nodes`` of the call that made ``tensor`` (None when none did)."""
    for index, node in enumerate(nodes):
        if any(output is tensor for output in node.outputs):
            return index
    return None


def run_graph(model, inputs, operation_fn):
    """Run a Functional ``model`` on ``inputs``, each layer called as ``operation_fn(layer)``.

    Eagerly, in the graph's order; returns the outputs as the model gives them.
    """
    # Keras 3 has no public "call each layer through this function" API; the private
    # ``_run_through_graph`` is what Functional.call uses (output structure included).
    return functional(model)._run_through_graph(inputs, operation_fn=operation_fn)


def run_layers(model, inputs, call):
    """Run a Sequential or Functional ``model`` on ``inputs`` eagerly, one layer at a time.

    Each layer is called as ``call(layer, args, kwargs)`` in the graph's order (a Sequential's
    layers in turn, each with ``(x,)`` and ``{}``); a nested model is one layer, for ``call``
    to run as it likes. Returns the outputs as the model gives them.
    """
    import keras

    if isinstance(model, keras.Sequential):
        x = inputs
        for layer in model.layers:
            x = call(layer, (x,), {})
        return x

    def operation_fn(layer):
        def run(*args, **kwargs):
            return call(layer, args, kwargs)

        return run

    return run_graph(model, inputs, operation_fn)


def output_layer(model):
    """The layer that produces the (first) output of ``model``, looking inside nested models.

    Returns None when it cannot be told (an unbuilt or subclassed model).
    """
    import keras

    layer = model
    for _ in range(100):  # nested models, innermost last
        if isinstance(layer, keras.Sequential):
            if not layer.layers:
                return None
            layer = layer.layers[-1]
        elif isinstance(layer, keras.Model):
            try:
                nodes = graph_nodes(layer)
                outputs = layer.outputs
            except (AttributeError, ValueError):
                return None
            found = producer(nodes, outputs[0]) if outputs else None
            if found is None:
                return None
            layer = nodes[found].layer
            if type(layer).__name__ == "InputLayer":
                return None
        else:
            return layer
    return None


def output_activation(model) -> str | None:
    """The name of the activation applied last by ``model`` ("softmax", "sigmoid", "linear"...).

    None when it cannot be told (e.g. a final ``keras.ops`` call or a subclassed model).
    """
    layer = output_layer(model)
    if layer is None:
        return None
    kind = type(layer).__name__
    if kind == "Softmax":
        return "softmax"
    activation = getattr(layer, "activation", None)
    if activation is None:
        return "linear" if kind in ("Dense", "Conv2D", "Conv1D", "Conv3D") else None
    return activation_name(activation)
