"""Analytical parameter counts and output shapes of a `cnncourse.spec.Network`, explained in words.

No Keras here: every count is computed from the layer settings and the shapes that flow
through the network, so a student (or the autograder) can see where each number comes from::

    5x5 kernel x 16 input channels x 32 filters + 32 biases = 12,832
    Dense: 123,008 inputs x 5 units + 5 biases = 615,045
    'valid' 3x3 pool, stride 2: floor((64-3)/2)+1 = 31

Shapes never include the batch axis; ``None`` stands for a size that is not fixed.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from cnncourse import spec

Shape = tuple


class SpecError(ValueError):
    """An impossible layer specification; the message names the network and the layer."""


@dataclass(frozen=True)
class LayerCount:
    """The count of one layer: its parameters, its output shape, and both explained in words."""

    name: str
    kind: str
    inputs: tuple[str, ...]
    output_shape: Shape
    params: int
    trainable: int
    non_trainable: int
    explanation: str
    shape_explanation: str


@dataclass(frozen=True)
class Totals:
    """The three totals Keras' ``model.summary()`` prints."""

    total: int
    trainable: int
    non_trainable: int


# ---------------------------------------------------------------------------------------------
# Sizes and their explanation


def output_size(n: int | None, kernel: int, stride: int = 1, padding: str = "valid") -> int | None:
    """Output length of a convolution or pooling window along one axis (Keras' rule).

    'valid': floor((n - kernel) / stride) + 1, and the window must fit (kernel <= n);
    'same': ceil(n / stride). ``n=None`` (size not fixed) gives None.
    """
    if kernel < 1:
        raise ValueError(f"kernel size must be at least 1, got {kernel}")
    if stride < 1:
        raise ValueError(f"stride must be at least 1, got {stride}")
    if padding not in ("valid", "same"):
        raise ValueError(f"padding must be 'valid' or 'same', got {padding!r}")
    if n is None:
        return None
    if n < 1:
        raise ValueError(f"input size must be at least 1, got {n}")
    if padding == "same":
        return -(-n // stride)
    if kernel > n:
        raise ValueError(
            f"a {kernel}-wide window does not fit in {n} pixels with 'valid' padding "
            f"(floor(({n}-{kernel})/{stride})+1 = {(n - kernel) // stride + 1}); "
            "use padding='same' or a smaller kernel"
        )
    return (n - kernel) // stride + 1


def _size_formula(n: int | None, kernel: int, stride: int, padding: str) -> str:
    out = output_size(n, kernel, stride, padding)
    if n is None:
        return "unknown (None) stays unknown"
    if padding == "same":
        return f"ceil({n}/{stride}) = {out}"
    return f"floor(({n}-{kernel})/{stride})+1 = {out}"


def explain_output_size(
    size: tuple, kernel: tuple, strides: tuple, padding: str, what: str = "kernel"
) -> str:
    """Explain how a (height, width) window layer changes the spatial size, e.g.
    "'valid' 3x3 pool, stride 2: floor((64-3)/2)+1 = 31"."""
    (h, w), (kh, kw), (sh, sw) = size, kernel, strides
    out = (output_size(h, kh, sh, padding), output_size(w, kw, sw, padding))
    stride_text = f"stride {sh}" if sh == sw else f"strides {sh}x{sw}"
    if padding == "same":
        lead = f"'same' padding, {stride_text}"
    else:
        lead = f"'valid' {kh}x{kw} {what}, {stride_text}"
    if padding == "same" and sh == sw == 1:
        return f"{lead}: {_hw(h, w)} stays {_hw(*out)}"
    if h == w and kh == kw and sh == sw:
        return f"{lead}: {_size_formula(h, kh, sh, padding)}, so {_hw(h, w)} becomes {_hw(*out)}"
    return (
        f"{lead}: height {_size_formula(h, kh, sh, padding)}, "
        f"width {_size_formula(w, kw, sw, padding)}, so {_hw(h, w)} becomes {_hw(*out)}"
    )


def _dim(value) -> str:
    return "None" if value is None else str(value)


def _hw(h, w) -> str:
    return f"{_dim(h)}x{_dim(w)}"


def format_shape(shape: Shape) -> str:
    """A shape without the batch axis as text: (64, 64, 3) -> '64x64x3', (2048,) -> '2048'."""
    return "x".join(_dim(value) for value in shape) if shape else "scalar"


def _n(value: int) -> str:
    return f"{value:,}"


def _count_of(number: int, word: str, plural: str | None = None) -> str:
    """'1 unit', '5 units', '1 bias', '32 biases'."""
    return f"{_n(number)} {word if number == 1 else plural or word + 's'}"


def _snake(kind: str) -> str:
    return re.sub(r"(?<=[a-z])(?=[A-Z])", "_", kind).lower()


# ---------------------------------------------------------------------------------------------
# One counter per layer kind. Each returns (output_shape, trainable, non_trainable, explanation,
# shape_explanation) and raises ValueError with the reason (the caller adds the layer name).


def _one_input(shapes: list, kind: str) -> Shape:
    if len(shapes) != 1:
        raise ValueError(f"{kind} takes one input, got {len(shapes)}")
    return shapes[0]


def _image_input(shapes: list, kind: str) -> Shape:
    shape = _one_input(shapes, kind)
    if len(shape) != 3:
        raise ValueError(
            f"{kind} needs an image input (height, width, channels), got shape "
            f"{format_shape(shape)} (rank {len(shape)})"
        )
    return shape


def _count_input(layer: spec.Input, shapes: list):
    shape = tuple(layer.shape)
    for value in shape:
        if value is not None and (not isinstance(value, int) or value < 1):
            raise ValueError(f"Input shape {shape} has a size that is not a positive integer")
    return shape, 0, 0, "Input: no parameters", f"input {format_shape(shape)}"


def _count_conv(layer: spec.Conv2D, shapes: list):
    h, w, channels = _image_input(shapes, "Conv2D")
    if layer.filters < 1:
        raise ValueError(f"filters must be at least 1, got {layer.filters}")
    if channels is None:
        raise ValueError("the number of input channels is unknown (None)")
    kh, kw = layer.kernel_size
    out_h = output_size(h, kh, layer.strides[0], layer.padding)
    out_w = output_size(w, kw, layer.strides[1], layer.padding)
    weights = kh * kw * channels * layer.filters
    biases = layer.filters if layer.use_bias else 0
    text = (
        f"{kh}x{kw} kernel x {_count_of(channels, 'input channel')} x "
        f"{_count_of(layer.filters, 'filter')}"
    )
    text += f" + {_count_of(biases, 'bias', 'biases')}" if layer.use_bias else " (no biases)"
    text += f" = {_n(weights + biases)}"
    shape_text = explain_output_size((h, w), layer.kernel_size, layer.strides, layer.padding)
    shape_text += (
        f"; {_count_of(layer.filters, 'filter')} give {_count_of(layer.filters, 'channel')}"
    )
    return (out_h, out_w, layer.filters), weights + biases, 0, text, shape_text


def _count_dense(layer: spec.Dense, shapes: list):
    shape = _one_input(shapes, "Dense")
    if layer.units < 1:
        raise ValueError(f"units must be at least 1, got {layer.units}")
    if len(shape) != 1:
        raise ValueError(
            f"Dense gets a {format_shape(shape)} input (rank {len(shape)}); add Flatten or "
            "GlobalAveragePooling2D before it (Keras would apply it to the last axis only)"
        )
    (inputs,) = shape
    if inputs is None:
        raise ValueError(
            "the number of inputs is unknown (None): fix the input size "
            "or use a global pooling layer before Flatten"
        )
    weights = inputs * layer.units
    biases = layer.units if layer.use_bias else 0
    text = f"Dense: {_count_of(inputs, 'input')} x {_count_of(layer.units, 'unit')}"
    text += f" + {_count_of(biases, 'bias', 'biases')}" if layer.use_bias else " (no biases)"
    text += f" = {_n(weights + biases)}"
    return (layer.units,), weights + biases, 0, text, _count_of(layer.units, "unit")


def _count_pooling(layer: spec._Pooling2D, shapes: list):
    h, w, channels = _image_input(shapes, layer.kind)
    out = (
        output_size(h, layer.pool_size[0], layer.strides[0], layer.padding),
        output_size(w, layer.pool_size[1], layer.strides[1], layer.padding),
        channels,
    )
    shape_text = explain_output_size(
        (h, w), layer.pool_size, layer.strides, layer.padding, what="pool"
    )
    shape_text += f"; channels stay {_dim(channels)}"
    text = (
        f"{layer.kind}: no parameters (it takes the {'maximum' if 'Max' in layer.kind else 'mean'}"
    )
    text += " of each window)"
    return out, 0, 0, text, shape_text


def _count_global_pooling(layer: spec.Layer, shapes: list):
    h, w, channels = _image_input(shapes, layer.kind)
    what = "maximum" if "Max" in layer.kind else "mean"
    return (
        (channels,),
        0,
        0,
        f"{layer.kind}: no parameters",
        f"the {what} of each {_hw(h, w)} channel: {_dim(channels)} values",
    )


def _count_flatten(layer: spec.Flatten, shapes: list):
    shape = _one_input(shapes, "Flatten")
    size = None if any(v is None for v in shape) else math.prod(shape)
    if size is None:
        shape_text = f"{format_shape(shape)} has a size that is not fixed: the length is unknown"
    else:
        shape_text = f"{format_shape(shape)} = {_n(size)} values"
    return (size,), 0, 0, "Flatten: no parameters (it only reshapes)", shape_text


def _count_dropout(layer: spec.Dropout, shapes: list):
    shape = _one_input(shapes, "Dropout")
    if not 0 <= layer.rate < 1:
        raise ValueError(f"rate must be in [0, 1), got {layer.rate}")
    text = f"Dropout: no parameters (rate {layer.rate} zeroes activations while training only)"
    return shape, 0, 0, text, f"shape unchanged: {format_shape(shape)}"


def _count_batch_norm(layer: spec.BatchNormalization, shapes: list):
    shape = _one_input(shapes, "BatchNormalization")
    if not shape or shape[-1] is None:
        raise ValueError(f"the number of channels of input {format_shape(shape)} is unknown")
    channels = shape[-1]
    unit = "channels" if len(shape) > 1 else "features"
    learned = [word for word, on in (("gammas", layer.scale), ("betas", layer.center)) if on]
    trainable = channels * len(learned)
    non_trainable = 2 * channels
    parts = [f"{_n(channels)} {word}" for word in learned]
    text = f"BatchNormalization on {_n(channels)} {unit}: "
    if parts:
        text += " + ".join(parts) + " (trainable) + "
    text += (
        f"{_n(channels)} moving means + {_n(channels)} moving variances (non-trainable)"
        f" = {_n(trainable + non_trainable)}"
    )
    return shape, trainable, non_trainable, text, f"shape unchanged: {format_shape(shape)}"


def _count_activation(layer: spec.Activation, shapes: list):
    shape = _one_input(shapes, "Activation")
    return (
        shape,
        0,
        0,
        f"Activation {layer.activation!r}: no parameters",
        f"shape unchanged: {format_shape(shape)}",
    )


def _concat_axis(axis: int, rank: int) -> int:
    """Keras' axis (the batch axis is 0) as an index into a shape without the batch axis."""
    index = rank + axis if axis < 0 else axis - 1
    if not 0 <= index < rank:
        raise ValueError(f"axis {axis} does not exist for inputs of rank {rank} (+ batch)")
    return index


def _count_concatenate(layer: spec.Concatenate, shapes: list):
    if len(shapes) < 2:
        raise ValueError(f"Concatenate needs at least 2 inputs, got {len(shapes)}")
    ranks = {len(shape) for shape in shapes}
    listed = ", ".join(format_shape(shape) for shape in shapes)
    if len(ranks) != 1:
        raise ValueError(f"Concatenate inputs have different ranks: {listed}")
    index = _concat_axis(layer.axis, ranks.pop())
    for position in range(len(shapes[0])):
        if position != index and len({shape[position] for shape in shapes}) != 1:
            raise ValueError(f"Concatenate inputs {listed} differ outside axis {layer.axis}")
    sizes = [shape[index] for shape in shapes]
    joined = None if None in sizes else sum(sizes)
    out = shapes[0][:index] + (joined,) + shapes[0][index + 1 :]
    summed = " + ".join(_dim(size) for size in sizes) + f" = {_dim(joined)}"
    return (
        out,
        0,
        0,
        "Concatenate: no parameters",
        f"joins {listed} along axis {layer.axis}: {summed}, giving {format_shape(out)}",
    )


def _count_add(layer: spec.Add, shapes: list):
    if len(shapes) < 2:
        raise ValueError(f"Add needs at least 2 inputs, got {len(shapes)}")
    if len(set(shapes)) != 1:
        listed = ", ".join(format_shape(shape) for shape in shapes)
        raise ValueError(f"Add needs inputs of the same shape, got {listed}")
    return (
        shapes[0],
        0,
        0,
        "Add: no parameters (element-wise sum)",
        f"sum of {len(shapes)} inputs of shape {format_shape(shapes[0])}",
    )


def _count_block(layer: spec.Block, shapes: list):
    if layer.params < 0 or layer.non_trainable_params < 0:
        raise ValueError(
            f"Block counts must not be negative, got params={layer.params}, "
            f"non_trainable_params={layer.non_trainable_params}"
        )
    if layer.non_trainable_params > layer.params:
        raise ValueError(
            f"Block has more non-trainable parameters "
            f"({layer.non_trainable_params}) than parameters ({layer.params})"
        )
    non_trainable = layer.params if not layer.trainable else layer.non_trainable_params
    trainable = layer.params - non_trainable
    if layer.output_shape is not None:
        out = tuple(layer.output_shape)
        shape_text = f"output {format_shape(out)} (given by the block)"
    else:
        out = _one_input(shapes, "Block (without output_shape)")
        shape_text = f"output_shape not given: taken to be the input shape {format_shape(out)}"
    state = "frozen" if not layer.trainable else "trainable"
    text = (
        f"{layer.label} ({state}): {_n(layer.params)} parameters counted as one block "
        f"({_n(trainable)} trainable, {_n(non_trainable)} non-trainable)"
    )
    return out, trainable, non_trainable, text, shape_text


_COUNTERS = {
    spec.Input: _count_input,
    spec.Conv2D: _count_conv,
    spec.Dense: _count_dense,
    spec.MaxPooling2D: _count_pooling,
    spec.AveragePooling2D: _count_pooling,
    spec.GlobalAveragePooling2D: _count_global_pooling,
    spec.GlobalMaxPooling2D: _count_global_pooling,
    spec.Flatten: _count_flatten,
    spec.Dropout: _count_dropout,
    spec.BatchNormalization: _count_batch_norm,
    spec.Activation: _count_activation,
    spec.Concatenate: _count_concatenate,
    spec.Add: _count_add,
    spec.Block: _count_block,
}


# ---------------------------------------------------------------------------------------------
# The network walk


def layer_names(network: spec.Network) -> list[str]:
    """Each layer's name: its own, or kind_index (e.g. 'conv2d_3') when it has none."""
    names = [
        layer.name or f"{_snake(layer.kind)}_{index}" for index, layer in enumerate(network.layers)
    ]
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise SpecError(f"network {network.name!r}: two layers are called {name!r}")
        seen.add(name)
    return names


def input_names(network: spec.Network) -> list[tuple[str, ...]]:
    """The names of the layers each layer reads (the previous one unless `inputs` says)."""
    names = layer_names(network)
    result: list[tuple[str, ...]] = []
    for index, layer in enumerate(network.layers):
        if isinstance(layer, spec.Input):
            result.append(())
            continue
        chosen = tuple(layer.inputs) if layer.inputs else (names[index - 1],)
        earlier = set(names[:index])
        for source in chosen:
            if source not in earlier:
                where = "a later layer" if source in names else "no layer"
                raise SpecError(
                    f"network {network.name!r}, layer {names[index]!r}: "
                    f"input {source!r} is {where} (inputs must come earlier)"
                )
        result.append(chosen)
    return result


def count(network: spec.Network) -> list[LayerCount]:
    """Count every layer of ``network``: parameters, output shape and both in words."""
    names = layer_names(network)
    sources = input_names(network)
    shapes: dict[str, Shape] = {}
    counts: list[LayerCount] = []
    for layer, name, inputs in zip(network.layers, names, sources):
        counter = _COUNTERS.get(type(layer))
        if counter is None:
            raise SpecError(
                f"network {network.name!r}, layer {name!r}: cannot count a "
                f"{layer.kind} (known kinds: "
                f"{', '.join(kind.__name__ for kind in _COUNTERS)})"
            )
        try:
            out, trainable, non_trainable, text, shape_text = counter(
                layer, [shapes[source] for source in inputs]
            )
        except ValueError as error:
            raise SpecError(
                f"network {network.name!r}, layer {name!r} ({layer.kind}): {error}"
            ) from None
        out = tuple(out)
        shapes[name] = out
        counts.append(
            LayerCount(
                name=name,
                kind=layer.kind,
                inputs=inputs,
                output_shape=out,
                params=trainable + non_trainable,
                trainable=trainable,
                non_trainable=non_trainable,
                explanation=text,
                shape_explanation=shape_text,
            )
        )
    return counts


def totals(network: spec.Network) -> Totals:
    """Total, trainable and non-trainable parameters of ``network``."""
    counts = count(network)
    return Totals(
        total=sum(c.params for c in counts),
        trainable=sum(c.trainable for c in counts),
        non_trainable=sum(c.non_trainable for c in counts),
    )


def total(network: spec.Network) -> int:
    """The total number of parameters of ``network`` (what Keras' ``count_params`` gives)."""
    return totals(network).total


def output_shape(network: spec.Network) -> Shape:
    """The output shape of the network's last layer (without the batch axis)."""
    return count(network)[-1].output_shape


def explain(network: spec.Network) -> str:
    """Every layer's count and output shape in words, then the three totals."""
    counts = count(network)
    lines = [f"{network.name}: {network.description}" if network.description else network.name]
    width = max(len(c.name) for c in counts)
    for c in counts:
        lines.append(
            f"  {c.name:<{width}}  {c.kind:<22} -> {format_shape(c.output_shape):<14}"
            f" {_n(c.params):>12} params"
        )
        lines.append(f"  {'':<{width}}    count: {c.explanation}")
        lines.append(f"  {'':<{width}}    shape: {c.shape_explanation}")
    result = Totals(
        total=sum(c.params for c in counts),
        trainable=sum(c.trainable for c in counts),
        non_trainable=sum(c.non_trainable for c in counts),
    )
    lines.append(
        f"Total params: {_n(result.total)} (trainable {_n(result.trainable)}, "
        f"non-trainable {_n(result.non_trainable)})"
    )
    return "\n".join(lines)
