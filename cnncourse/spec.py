"""Plain-data layer specifications: what a network should be, independent of Keras.

The parameter counter (`cnncourse.params`) and the architecture check
(`cnncourse.checks`) both read these. A `Network` is an ordered tuple of layers; each layer
takes the previous one as input unless `inputs` names other layers (branches, skips).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, fields

Pair = tuple[int, int]


def _pair(value, what: str) -> Pair:
    if isinstance(value, int):
        return (value, value)
    try:
        a, b = value
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be an int or a pair of ints, got {value!r}") from None
    return (int(a), int(b))


@dataclass(frozen=True, kw_only=True)
class Layer:
    """A layer. `name` is optional; `inputs` names the layers it reads (default: the previous)."""

    name: str | None = None
    inputs: tuple[str, ...] | None = None

    @property
    def kind(self) -> str:
        return type(self).__name__

    def settings(self) -> dict:
        """The layer's own settings (everything but name and inputs)."""
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if f.name not in ("name", "inputs")
        }

    def __post_init__(self) -> None:
        if self.inputs is not None and not isinstance(self.inputs, tuple):
            object.__setattr__(self, "inputs", tuple(self.inputs))


@dataclass(frozen=True, kw_only=True)
class Input(Layer):
    shape: tuple[int | None, ...]

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "shape", tuple(self.shape))


@dataclass(frozen=True, kw_only=True)
class Conv2D(Layer):
    filters: int
    kernel_size: Pair = (3, 3)
    strides: Pair = (1, 1)
    padding: str = "valid"
    activation: str | None = None
    use_bias: bool = True

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "kernel_size", _pair(self.kernel_size, "kernel_size"))
        object.__setattr__(self, "strides", _pair(self.strides, "strides"))
        _check_padding(self.padding)


@dataclass(frozen=True, kw_only=True)
class Dense(Layer):
    units: int
    activation: str | None = None
    use_bias: bool = True


@dataclass(frozen=True, kw_only=True)
class _Pooling2D(Layer):
    pool_size: Pair = (2, 2)
    strides: Pair | None = None  # None: equal to pool_size, as in Keras
    padding: str = "valid"

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "pool_size", _pair(self.pool_size, "pool_size"))
        strides = self.pool_size if self.strides is None else _pair(self.strides, "strides")
        object.__setattr__(self, "strides", strides)
        _check_padding(self.padding)


@dataclass(frozen=True, kw_only=True)
class MaxPooling2D(_Pooling2D):
    pass


@dataclass(frozen=True, kw_only=True)
class AveragePooling2D(_Pooling2D):
    pass


@dataclass(frozen=True, kw_only=True)
class GlobalAveragePooling2D(Layer):
    pass


@dataclass(frozen=True, kw_only=True)
class GlobalMaxPooling2D(Layer):
    pass


@dataclass(frozen=True, kw_only=True)
class Flatten(Layer):
    pass


@dataclass(frozen=True, kw_only=True)
class Dropout(Layer):
    rate: float


@dataclass(frozen=True, kw_only=True)
class BatchNormalization(Layer):
    center: bool = True
    scale: bool = True


@dataclass(frozen=True, kw_only=True)
class Activation(Layer):
    activation: str


@dataclass(frozen=True, kw_only=True)
class Concatenate(Layer):
    axis: int = -1


@dataclass(frozen=True, kw_only=True)
class Add(Layer):
    pass


@dataclass(frozen=True, kw_only=True)
class Block(Layer):
    """An opaque sub-model (a pretrained base, an augmentation pipeline) with known counts.

    `output_shape` is the block's output without the batch axis; `trainable` says
    whether its weights train.
    """

    label: str
    params: int
    non_trainable_params: int = 0
    output_shape: tuple[int | None, ...] | None = None
    trainable: bool = True


def _check_padding(padding: str) -> None:
    if padding not in ("valid", "same"):
        raise ValueError(f"padding must be 'valid' or 'same', got {padding!r}")


@dataclass(frozen=True)
class Network:
    """A network specification: a name, and layers in order, the first an `Input`."""

    name: str
    layers: tuple[Layer, ...] = field(default_factory=tuple)
    description: str = ""

    def __post_init__(self) -> None:
        layers = tuple(self.layers)
        object.__setattr__(self, "layers", layers)
        if not layers or not isinstance(layers[0], Input):
            raise ValueError(f"network {self.name!r}: the first layer must be an Input")

    def __iter__(self) -> Iterator[Layer]:
        return iter(self.layers)

    def __len__(self) -> int:
        return len(self.layers)

    @property
    def input_shape(self) -> tuple[int | None, ...]:
        return self.layers[0].shape  # type: ignore[attr-defined]


# ---------------------------------------------------------------------------------------------
# Reading a Keras model into a spec, and building a spec with Keras.


def from_keras(model, name: str | None = None, description: str = "") -> Network:
    """Read a built Keras model (Functional or Sequential) into a `Network`.

    Layers of the kinds above become their dataclass. A nested model (a pretrained base, an
    augmentation `Sequential`), a frozen layer, and any other layer (Rescaling, a layer with
    dilation, ...) become a `Block` carrying Keras' own counts and output shape, so the
    parameter counter still adds up. Shared layers (one layer called twice) are refused.
    """
    import keras

    if isinstance(model, keras.Sequential):
        functional = getattr(model, "_functional", None)
        if functional is None:
            raise ValueError(f"Sequential model {model.name!r} is not built: give it an "
                             "Input (keras.Input(shape=...)) as its first layer")
        return from_keras(functional, name=name or model.name, description=description)
    if not hasattr(model, "_nodes") or not hasattr(model, "operations"):
        raise ValueError(f"model {getattr(model, 'name', model)!r} is not a Functional or "
                         "Sequential Keras model: a subclassed model cannot be read")
    layers: list[Layer] = []
    previous: str | None = None
    for operation in model.operations:
        node = _model_node(model, operation)
        if len(node.outputs) != 1:
            raise ValueError(f"model {model.name!r}, layer {operation.name!r}: layers with "
                             f"{len(node.outputs)} outputs cannot be described")
        sources = tuple(tensor._keras_history.operation.name for tensor in node.input_tensors)
        inputs = None if sources in ((), (previous,)) else sources
        output_shape = tuple(node.outputs[0].shape[1:])
        layers.append(_layer_from_keras(operation, output_shape, inputs))
        previous = operation.name
    return Network(name=name or model.name, layers=tuple(layers), description=description)


def _model_node(model, operation):
    """The one node (call) of ``operation`` that belongs to ``model``'s graph."""
    keys = model._nodes  # Keras' node keys: f"{id(operation)}_ib-{node_index}"
    nodes = [node for index, node in enumerate(operation._inbound_nodes)
             if f"{id(operation)}_ib-{index}" in keys]
    if len(nodes) != 1:
        raise ValueError(f"model {model.name!r}: layer {operation.name!r} is called "
                         f"{len(nodes)} times in it; shared layers cannot be described")
    return nodes[0]


def _weight_count(weights) -> int:
    total = 0
    for weight in weights:
        size = 1
        for value in weight.shape:
            size *= int(value)
        total += size
    return total


def _activation_name(value) -> str | None:
    if isinstance(value, dict):
        value = value.get("config", {}).get("name") or value.get("class_name")
    if value in (None, "linear"):
        return None
    return str(value)


def _block_from_keras(layer, output_shape) -> Block:
    import keras

    kind = type(layer).__name__
    label = f"{layer.name} ({kind})" if isinstance(layer, keras.Model) else kind
    return Block(name=layer.name, label=label, params=_weight_count(layer.weights),
                 non_trainable_params=_weight_count(layer.non_trainable_weights),
                 output_shape=output_shape, trainable=bool(layer.trainable))


def _layer_from_keras(layer, output_shape, inputs) -> Layer:
    """The spec of one Keras layer (a `Block` when the plain dataclasses cannot say it)."""
    from keras import layers as kl

    kind = type(layer)
    common = {"name": layer.name, "inputs": inputs}
    if kind is kl.InputLayer:
        return Input(name=layer.name, shape=tuple(layer.batch_shape[1:]))
    if not layer.trainable and _weight_count(layer.weights):
        return _block_from_keras(layer, output_shape)
    config = layer.get_config()
    channels_last = config.get("data_format", "channels_last") == "channels_last"
    if kind is kl.Conv2D and channels_last and tuple(config["dilation_rate"]) == (1, 1) \
            and config.get("groups", 1) == 1:
        return Conv2D(filters=config["filters"], kernel_size=tuple(config["kernel_size"]),
                      strides=tuple(config["strides"]), padding=config["padding"],
                      activation=_activation_name(config["activation"]),
                      use_bias=config["use_bias"], **common)
    if kind is kl.Dense:
        return Dense(units=config["units"], activation=_activation_name(config["activation"]),
                     use_bias=config["use_bias"], **common)
    if kind in (kl.MaxPooling2D, kl.AveragePooling2D) and channels_last:
        target = MaxPooling2D if kind is kl.MaxPooling2D else AveragePooling2D
        return target(pool_size=tuple(config["pool_size"]), strides=tuple(config["strides"]),
                      padding=config["padding"], **common)
    if kind in (kl.GlobalAveragePooling2D, kl.GlobalMaxPooling2D) and channels_last \
            and not config.get("keepdims", False):
        target = GlobalAveragePooling2D if kind is kl.GlobalAveragePooling2D else GlobalMaxPooling2D
        return target(**common)
    if kind is kl.Flatten and channels_last:
        return Flatten(**common)
    if kind is kl.Dropout and config.get("noise_shape") is None:
        return Dropout(rate=float(config["rate"]), **common)
    if kind is kl.BatchNormalization and config["axis"] in (-1, len(output_shape)) \
            and not config.get("renorm", False):
        return BatchNormalization(center=config["center"], scale=config["scale"], **common)
    if kind is kl.Activation and _activation_name(config["activation"]):
        return Activation(activation=_activation_name(config["activation"]), **common)
    if kind is kl.Concatenate:
        return Concatenate(axis=config["axis"], **common)
    if kind is kl.Add:
        return Add(**common)
    block = _block_from_keras(layer, output_shape)
    return Block(**{**block.settings(), **common})


def to_keras(network: Network):
    """Build ``network`` with the Keras Functional API (an uncompiled `keras.Model`).

    Every layer becomes its Keras namesake; the model's outputs are the layers no other layer
    reads. A `Block` cannot be built (it only records counts) and raises ValueError.
    """
    import keras

    from cnncourse.params import input_names, layer_names

    names = layer_names(network)
    sources = input_names(network)
    tensors: dict = {}
    inputs = []
    for layer, name, reads in zip(network.layers, names, sources):
        if isinstance(layer, Input):
            tensors[name] = keras.Input(shape=layer.shape, name=layer.name)
            inputs.append(tensors[name])
            continue
        keras_layer = _keras_layer(layer, network.name, name)
        arguments = [tensors[source] for source in reads]
        tensors[name] = keras_layer(arguments[0] if len(arguments) == 1 else arguments)
    read = {source for reads in sources for source in reads}
    outputs = [tensors[name] for name in names if name not in read]
    return keras.Model(inputs=inputs[0] if len(inputs) == 1 else inputs,
                       outputs=outputs[0] if len(outputs) == 1 else outputs, name=network.name)


def _keras_layer(layer: Layer, network: str, name: str):
    from keras import layers as kl

    settings = layer.settings()
    if isinstance(layer, Conv2D):
        return kl.Conv2D(name=layer.name, **settings)
    if isinstance(layer, Dense):
        return kl.Dense(name=layer.name, **settings)
    if isinstance(layer, MaxPooling2D):
        return kl.MaxPooling2D(name=layer.name, **settings)
    if isinstance(layer, AveragePooling2D):
        return kl.AveragePooling2D(name=layer.name, **settings)
    simple = {GlobalAveragePooling2D: kl.GlobalAveragePooling2D,
              GlobalMaxPooling2D: kl.GlobalMaxPooling2D, Flatten: kl.Flatten,
              Dropout: kl.Dropout, BatchNormalization: kl.BatchNormalization,
              Activation: kl.Activation, Concatenate: kl.Concatenate, Add: kl.Add}
    if type(layer) in simple:
        return simple[type(layer)](name=layer.name, **settings)
    raise ValueError(f"network {network!r}, layer {name!r}: a {layer.kind} cannot be built "
                     "with Keras (a Block only records the counts of a sub-model)")
