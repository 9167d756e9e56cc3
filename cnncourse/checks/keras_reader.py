"""Read a built Keras model (Functional or Sequential) into plain-data layer specs and a graph.

Kept on its own on purpose: the architecture check needs, besides each layer's settings
(`cnncourse.spec`), its parameter counts, shapes and the layers it reads.
"""

from __future__ import annotations

from dataclasses import dataclass

from cnncourse import spec


class ModelReadError(ValueError):
    """The object cannot be read as a built Keras model; the message says why."""


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
    """The layers of a model (in Keras' order) and the index of the output layer."""

    layers: tuple[ModelLayer, ...]
    output: int

    @property
    def total_params(self) -> int:
        return sum(layer.params for layer in self.layers)


def _shape(value) -> tuple | None:
    shape = getattr(value, "shape", None)
    if shape is None:
        return None
    return tuple(None if d is None else int(d) for d in shape)[1:]


def _activation_name(value) -> str:
    if value is None:
        return "linear"
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        config = value.get("config")
        if isinstance(config, dict) and isinstance(config.get("name"), str):
            return config["name"]
        return str(value.get("class_name", value))
    return getattr(value, "__name__", str(value))


def weights_size(weights) -> int:
    """The number of values in a list of weights (variables or arrays)."""
    total = 0
    for weight in weights:
        size = 1
        for dim in weight.shape:
            size *= int(dim)
        total += size
    return total


def walk_layers(layer):
    """``layer`` and every layer nested in it, in the order of their ``layers`` lists."""
    yield layer
    for child in getattr(layer, "layers", []) or []:
        yield from walk_layers(child)


def layer_spec(operation) -> spec.Layer:
    """The plain-data spec of one Keras layer (or an opaque `spec.Block` when unknown)."""
    import keras

    kind = type(operation).__name__
    config = operation.get_config() if hasattr(operation, "get_config") else {}
    name = getattr(operation, "name", None)
    if kind == "InputLayer":
        return spec.Input(name=name, shape=tuple(config.get("batch_shape", (None,)))[1:])
    if kind == "Conv2D" and tuple(config.get("dilation_rate", (1, 1))) == (1, 1) and \
            config.get("groups", 1) == 1:
        return spec.Conv2D(name=name, filters=config["filters"], kernel_size=config["kernel_size"],
                           strides=config["strides"], padding=config["padding"],
                           activation=_activation_name(config.get("activation")),
                           use_bias=bool(config.get("use_bias", True)))
    if kind == "Dense":
        return spec.Dense(name=name, units=config["units"],
                          activation=_activation_name(config.get("activation")),
                          use_bias=bool(config.get("use_bias", True)))
    if kind in ("MaxPooling2D", "AveragePooling2D"):
        layer_class = getattr(spec, kind)
        return layer_class(name=name, pool_size=config["pool_size"],
                           strides=config.get("strides"), padding=config["padding"])
    if kind in ("GlobalAveragePooling2D", "GlobalMaxPooling2D", "Flatten", "Add"):
        return getattr(spec, kind)(name=name)
    if kind == "Dropout":
        return spec.Dropout(name=name, rate=float(config["rate"]))
    if kind == "BatchNormalization":
        return spec.BatchNormalization(name=name, center=bool(config.get("center", True)),
                                       scale=bool(config.get("scale", True)))
    if kind == "Activation":
        return spec.Activation(name=name, activation=_activation_name(config.get("activation")))
    if kind == "Concatenate":
        return spec.Concatenate(name=name, axis=int(config.get("axis", -1)))
    # A nested model (a pretrained base, an augmentation pipeline) or a layer the specs do
    # not describe: an opaque block with its counts.
    params = weights_size(getattr(operation, "weights", []))
    trainable = weights_size(getattr(operation, "trainable_weights", []))
    label = name if isinstance(operation, keras.Model) else kind
    return spec.Block(name=name, label=label or kind, params=params,
                      non_trainable_params=params - trainable,
                      output_shape=None, trainable=trainable > 0 or params == 0)


def _functional(model):
    import keras
    from keras.src.models.functional import Functional

    if isinstance(model, keras.Sequential):
        functional = getattr(model, "_functional", None)
        if functional is None:
            raise ModelReadError(
                "your Sequential model has no input shape yet: start it with "
                "keras.Input(shape=...) so that its layers can be read")
        return functional
    if isinstance(model, Functional):
        return model
    if isinstance(model, keras.Model):
        raise ModelReadError(
            f"your model {getattr(model, 'name', '')!r} is a subclassed keras.Model: build it "
            "with the Functional API (keras.Model(inputs, outputs)) or keras.Sequential")
    raise ModelReadError(f"expected a Keras model, got {type(model).__name__} {model!r:.80}")


def read_model(model) -> ModelGraph:
    """Read ``model``'s layers, counts, shapes and connections; ModelReadError when it cannot."""
    functional = _functional(model)
    if len(functional.outputs) != 1:
        raise ModelReadError(
            f"your model has {len(functional.outputs)} outputs; the question asks for one")
    ordered = [node for depth in sorted(functional._nodes_by_depth, reverse=True)
               for node in functional._nodes_by_depth[depth]]
    index = {id(node): i for i, node in enumerate(ordered)}
    layers = []
    for node in ordered:
        operation = node.operation
        parents = tuple(index[id(parent)] for parent in node.parent_nodes if id(parent) in index)
        inputs = list(node.input_tensors) if not node.is_input else []
        weights = getattr(operation, "weights", [])
        trainable_weights = getattr(operation, "trainable_weights", [])
        outputs = list(node.outputs)
        layers.append(ModelLayer(
            spec=layer_spec(operation),
            name=getattr(operation, "name", type(operation).__name__),
            class_name=type(operation).__name__,
            params=weights_size(weights),
            trainable_params=weights_size(trainable_weights),
            input_shape=_shape(inputs[0]) if inputs else None,
            output_shape=_shape(outputs[0]) if outputs else None,
            parents=parents,
        ))
    output_operation, node_index, _ = functional.outputs[0]._keras_history
    output_node = output_operation._inbound_nodes[node_index]
    return ModelGraph(layers=tuple(layers), output=index[id(output_node)])
