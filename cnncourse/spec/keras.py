"""Keras layers as spec layers and back: the one mapping, for specs and checks alike.

`layer_spec` maps one Keras layer to its plain-data spec; `network_layers` reads a model's
graph (`cnncourse.keras_graph`) into specs that record which layer reads which;
`from_keras` makes a `Network` of them and `to_keras` builds a network with Keras.
The architecture check (`cnncourse.checks.keras_reader`) reads a student's model with the
same `network_layers`, so a model read for a check equals the same model read here.
"""

from __future__ import annotations

from cnncourse import keras_graph
from cnncourse.keras_graph import activation_name, weights_size
from cnncourse.spec import layers as kinds
from cnncourse.spec.network import Network, input_names, layer_names


def _activation(value) -> str | None:
    """A spec's activation: the name, or None for a linear (or unknown) one."""
    name = activation_name(value)
    return None if name in (None, "linear") else name


def _block(layer, output_shape, inputs) -> kinds.Block:
    import keras

    kind = type(layer).__name__
    label = f"{layer.name} ({kind})" if isinstance(layer, keras.Model) else kind
    frozen = weights_size(getattr(layer, "non_trainable_weights", []))
    return kinds.Block(
        name=layer.name,
        inputs=inputs,
        label=label,
        params=weights_size(getattr(layer, "weights", [])),
        non_trainable_params=frozen,
        output_shape=output_shape,
        trainable=bool(getattr(layer, "trainable", True)),
    )


def _config(layer) -> dict:
    try:
        return layer.get_config()
    except (AttributeError, NotImplementedError):  # a keras.ops operation may have none
        return {}


def layer_spec(
    layer, output_shape: tuple | None = None, inputs: tuple[str, ...] | None = None
) -> kinds.Layer:
    """The spec of one Keras layer: its dataclass, or a `Block` when none can say it.

    A nested model, a frozen layer with weights (so that the counts of what trains add up)
    and a layer of another kind or with settings the specs do not have (dilation,
    channels_first, ...) become a Block with Keras' counts. ``output_shape`` (without the
    batch axis) goes into a Block; ``inputs`` names the layers read when not the previous one.
    """
    from keras import layers as kl

    kind = type(layer)
    common = {"name": layer.name, "inputs": inputs}
    if kind is kl.InputLayer:
        return kinds.Input(name=layer.name, shape=tuple(layer.batch_shape[1:]))
    if not getattr(layer, "trainable", True) and weights_size(getattr(layer, "weights", [])):
        return _block(layer, output_shape, inputs)
    config = _config(layer)
    channels_last = config.get("data_format", "channels_last") == "channels_last"
    if (
        kind is kl.Conv2D
        and channels_last
        and tuple(config["dilation_rate"]) == (1, 1)
        and config.get("groups", 1) == 1
    ):
        return kinds.Conv2D(
            filters=config["filters"],
            kernel_size=tuple(config["kernel_size"]),
            strides=tuple(config["strides"]),
            padding=config["padding"],
            activation=_activation(config["activation"]),
            use_bias=config["use_bias"],
            **common,
        )
    if kind is kl.Dense:
        return kinds.Dense(
            units=config["units"],
            activation=_activation(config["activation"]),
            use_bias=config["use_bias"],
            **common,
        )
    if kind in (kl.MaxPooling2D, kl.AveragePooling2D) and channels_last:
        target = kinds.MaxPooling2D if kind is kl.MaxPooling2D else kinds.AveragePooling2D
        return target(
            pool_size=tuple(config["pool_size"]),
            strides=tuple(config["strides"]),
            padding=config["padding"],
            **common,
        )
    if (
        kind in (kl.GlobalAveragePooling2D, kl.GlobalMaxPooling2D)
        and channels_last
        and not config.get("keepdims", False)
    ):
        target = (
            kinds.GlobalAveragePooling2D
            if kind is kl.GlobalAveragePooling2D
            else kinds.GlobalMaxPooling2D
        )
        return target(**common)
    if kind is kl.Flatten and channels_last:
        return kinds.Flatten(**common)
    if kind is kl.Dropout and config.get("noise_shape") is None:
        return kinds.Dropout(rate=float(config["rate"]), **common)
    rank = None if output_shape is None else len(output_shape)
    if (
        kind is kl.BatchNormalization
        and config["axis"] in (-1, rank)
        and not config.get("renorm", False)
    ):
        return kinds.BatchNormalization(center=config["center"], scale=config["scale"], **common)
    if kind is kl.Activation and _activation(config["activation"]):
        return kinds.Activation(activation=_activation(config["activation"]), **common)
    if kind is kl.Concatenate:
        return kinds.Concatenate(axis=config["axis"], **common)
    if kind is kl.Add:
        return kinds.Add(**common)
    return _block(layer, output_shape, inputs)


def network_layers(model, nodes=None) -> tuple[kinds.Layer, ...]:
    """The spec of every call in ``model``'s graph (`keras_graph.graph_nodes` order).

    A layer's ``inputs`` name the layers it reads, or are None when it reads the layer just
    before it (a plain chain has no ``inputs`` at all). ``nodes``: the graph, if read already.
    """
    nodes = keras_graph.graph_nodes(model) if nodes is None else nodes
    layers: list[kinds.Layer] = []
    previous: str | None = None
    for node in nodes:
        sources = tuple(nodes[parent].layer.name for parent in node.parents)
        inputs = None if sources in ((), (previous,)) else sources
        layers.append(layer_spec(node.layer, node.output_shape, inputs))
        previous = node.layer.name
    return tuple(layers)


def from_keras(model, name: str | None = None, description: str = "") -> Network:
    """Read a built Keras model (Functional or Sequential) into a `Network`.

    Each layer becomes what `layer_spec` says (a `Block` carrying Keras' own counts and
    output shape when the plain dataclasses cannot say it, so the parameter counter still
    adds up). Shared layers (one layer called twice) and layers with several outputs are
    refused (`keras_graph.ModelReadError`, a ValueError).
    """
    nodes = keras_graph.graph_nodes(model)
    keras_graph.refuse_shared(model, nodes, "described")
    for node in nodes:
        if len(node.outputs) != 1:
            raise keras_graph.ModelReadError(
                f"model {model.name!r}, layer {node.layer.name!r}: layers with "
                f"{len(node.outputs)} outputs cannot be described"
            )
    return Network(
        name=name or model.name, layers=network_layers(model, nodes), description=description
    )


def to_keras(network: Network):
    """Build ``network`` with the Keras Functional API (an uncompiled `keras.Model`).

    Every layer becomes its Keras namesake; the model's outputs are the layers no other layer
    reads. A `Block` cannot be built (it only records counts) and raises ValueError.
    """
    import keras

    names = layer_names(network)
    sources = input_names(network)
    tensors: dict = {}
    inputs = []
    for layer, name, reads in zip(network.layers, names, sources):
        if isinstance(layer, kinds.Input):
            tensors[name] = keras.Input(shape=layer.shape, name=layer.name)
            inputs.append(tensors[name])
            continue
        keras_layer = _keras_layer(layer, network.name, name)
        arguments = [tensors[source] for source in reads]
        tensors[name] = keras_layer(arguments[0] if len(arguments) == 1 else arguments)
    read = {source for reads in sources for source in reads}
    outputs = [tensors[name] for name in names if name not in read]
    return keras.Model(
        inputs=inputs[0] if len(inputs) == 1 else inputs,
        outputs=outputs[0] if len(outputs) == 1 else outputs,
        name=network.name,
    )


def _keras_layer(layer: kinds.Layer, network: str, name: str):
    from keras import layers as kl

    settings = layer.settings()
    simple = {
        kinds.Conv2D: kl.Conv2D,
        kinds.Dense: kl.Dense,
        kinds.MaxPooling2D: kl.MaxPooling2D,
        kinds.AveragePooling2D: kl.AveragePooling2D,
        kinds.GlobalAveragePooling2D: kl.GlobalAveragePooling2D,
        kinds.GlobalMaxPooling2D: kl.GlobalMaxPooling2D,
        kinds.Flatten: kl.Flatten,
        kinds.Dropout: kl.Dropout,
        kinds.BatchNormalization: kl.BatchNormalization,
        kinds.Activation: kl.Activation,
        kinds.Concatenate: kl.Concatenate,
        kinds.Add: kl.Add,
    }
    if type(layer) in simple:
        return simple[type(layer)](name=layer.name, **settings)
    raise ValueError(
        f"network {network!r}, layer {name!r}: a {layer.kind} cannot be built "
        "with Keras (a Block only records the counts of a sub-model)"
    )
