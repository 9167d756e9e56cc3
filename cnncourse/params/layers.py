"""Each layer kind's parameters and output shape, from the shapes it reads, in words.

One counter per kind of `cnncourse.spec` layer: "5x5 kernel x 16 input channels x 32
filters + 32 biases = 12,832", "Dense: 123,008 inputs x 5 units + 5 biases = 615,045".
`weight_counts` is the parameter rule of the layers with weights, for whoever knows only
the number of channels a layer reads.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from cnncourse import spec
from cnncourse.params.sizes import (
    count_of,
    dim_text,
    explain_output_size,
    format_shape,
    hw_text,
    output_size,
    thousands,
)

Shape = tuple

#: The kinds of layer that have weights (their count depends on the channels they read).
WEIGHTED_KINDS = (spec.Conv2D, spec.Dense, spec.BatchNormalization)


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


def weight_counts(layer: spec.Layer, channels: int) -> tuple[int, int]:
    """(trainable, non-trainable) parameters of ``layer`` when it reads ``channels`` values
    on its last axis (a Conv2D's input channels, a Dense layer's inputs); (0, 0) for a layer
    without weights. A `spec.Block` brings its own counts: see `count_layer`."""
    if isinstance(layer, spec.Conv2D):
        kernel_height, kernel_width = layer.kernel_size
        weights = kernel_height * kernel_width * channels * layer.filters
        return weights + (layer.filters if layer.use_bias else 0), 0
    if isinstance(layer, spec.Dense):
        return channels * layer.units + (layer.units if layer.use_bias else 0), 0
    if isinstance(layer, spec.BatchNormalization):
        return channels * (int(layer.scale) + int(layer.center)), 2 * channels
    return 0, 0


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
    total, _ = weight_counts(layer, channels)
    biases = layer.filters if layer.use_bias else 0
    text = (
        f"{kh}x{kw} kernel x {count_of(channels, 'input channel')} x "
        f"{count_of(layer.filters, 'filter')}"
    )
    text += f" + {count_of(biases, 'bias', 'biases')}" if layer.use_bias else " (no biases)"
    text += f" = {thousands(total)}"
    shape_text = explain_output_size((h, w), layer.kernel_size, layer.strides, layer.padding)
    shape_text += f"; {count_of(layer.filters, 'filter')} give {count_of(layer.filters, 'channel')}"
    return (out_h, out_w, layer.filters), total, 0, text, shape_text


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
    total, _ = weight_counts(layer, inputs)
    biases = layer.units if layer.use_bias else 0
    text = f"Dense: {count_of(inputs, 'input')} x {count_of(layer.units, 'unit')}"
    text += f" + {count_of(biases, 'bias', 'biases')}" if layer.use_bias else " (no biases)"
    text += f" = {thousands(total)}"
    return (layer.units,), total, 0, text, count_of(layer.units, "unit")


def _count_pooling(layer: spec.MaxPooling2D | spec.AveragePooling2D, shapes: list):
    h, w, channels = _image_input(shapes, layer.kind)
    out = (
        output_size(h, layer.pool_size[0], layer.strides[0], layer.padding),
        output_size(w, layer.pool_size[1], layer.strides[1], layer.padding),
        channels,
    )
    shape_text = explain_output_size(
        (h, w), layer.pool_size, layer.strides, layer.padding, what="pool"
    )
    shape_text += f"; channels stay {dim_text(channels)}"
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
        f"the {what} of each {hw_text(h, w)} channel: {dim_text(channels)} values",
    )


def _count_flatten(layer: spec.Flatten, shapes: list):
    shape = _one_input(shapes, "Flatten")
    size = None if any(v is None for v in shape) else math.prod(shape)
    if size is None:
        shape_text = f"{format_shape(shape)} has a size that is not fixed: the length is unknown"
    else:
        shape_text = f"{format_shape(shape)} = {thousands(size)} values"
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
    trainable, non_trainable = weight_counts(layer, channels)
    parts = [f"{thousands(channels)} {word}" for word in learned]
    text = f"BatchNormalization on {thousands(channels)} {unit}: "
    if parts:
        text += " + ".join(parts) + " (trainable) + "
    text += (
        f"{thousands(channels)} moving means + {thousands(channels)} moving variances"
        " (non-trainable)"
        f" = {thousands(trainable + non_trainable)}"
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
    summed = " + ".join(dim_text(size) for size in sizes) + f" = {dim_text(joined)}"
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
        f"{layer.label} ({state}): {thousands(layer.params)} parameters counted as one block "
        f"({thousands(trainable)} trainable, {thousands(non_trainable)} non-trainable)"
    )
    return out, trainable, non_trainable, text, shape_text


_COUNTERS: dict[type, Callable] = {
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


def countable(layer: spec.Layer) -> bool:
    """Whether `count_layer` knows the kind of ``layer``."""
    return type(layer) in _COUNTERS


def known_kinds() -> list[str]:
    """The names of the layer kinds `count_layer` counts."""
    return [kind.__name__ for kind in _COUNTERS]


def count_layer(layer: spec.Layer, name: str, inputs: tuple[str, ...], shapes: list) -> LayerCount:
    """Count ``layer`` (called ``name``) reading ``inputs``, whose output shapes are ``shapes``.

    Raises ValueError with the reason when the layer is impossible there, KeyError when
    its kind is not `countable`.
    """
    out, trainable, non_trainable, text, shape_text = _COUNTERS[type(layer)](layer, shapes)
    return LayerCount(
        name=name,
        kind=layer.kind,
        inputs=inputs,
        output_shape=tuple(out),
        params=trainable + non_trainable,
        trainable=trainable,
        non_trainable=non_trainable,
        explanation=text,
        shape_explanation=shape_text,
    )
