"""Move a trained network to another image size without resizing the images.

Convolution and pooling weights do not depend on the image size: a 3x3 filter is a 3x3
filter at 32x32 and at 96x96. So a trained conv base can be rebuilt on a new Input (same
layers, same settings) and its weights copied over. Only the part after a Flatten breaks:
the Flatten of a bigger image gives more values, and the trained Dense kernel no longer
fits. `rebuild_with_input` says so, naming the layers; `conv_base` cuts a model before its
Flatten, and `cnncourse.models.transfer.add_head` puts a global-pooling head (size-agnostic)
on the result. This is what the student project (seed 002) tried and could not do.
"""

from __future__ import annotations

import math

from cnncourse import keras_graph


class RebuildError(ValueError):
    """A trained layer's weights do not fit the network rebuilt at the new input size."""


def _check_shape(input_shape) -> tuple:
    try:
        shape = tuple(None if value is None else int(value) for value in input_shape)
    except (TypeError, ValueError):
        raise ValueError(
            f"input_shape must be a tuple such as (96, 96, 3), got {input_shape!r}"
        ) from None
    if len(shape) != 3 or any(value is not None and value < 1 for value in shape):
        raise ValueError(
            f"input_shape must be (height, width, channels) with positive sizes, "
            f"got {input_shape!r}"
        )
    return shape


def _graph(model):
    """``model``'s Functional graph and its calls, each layer called once (else ValueError)."""
    graph = keras_graph.functional(model)
    nodes = keras_graph.graph_nodes(graph)
    keras_graph.refuse_shared(model, nodes, "rebuilt")
    return graph, nodes


def _shape_text(shape) -> str:
    return "x".join("None" if value is None else str(value) for value in shape)


def _rebuild_graph(model, input_tensor, record: list):
    """Call fresh copies of ``model``'s layers on ``input_tensor``; returns the output tensor.

    ``record`` collects (old layer, new layer, old output shape, new output shape) for every
    layer with weights, nested models included (their layers, in order).
    """
    import keras
    from keras import tree

    graph, nodes = _graph(model)
    if len(graph.inputs) != 1:
        raise ValueError(
            f"model {model.name!r} has {len(graph.inputs)} inputs; only "
            "single-input models can be rebuilt"
        )
    tensors = {id(graph.inputs[0]): input_tensor}
    for node in nodes:
        if node.is_input:
            continue
        operation = node.layer
        args, kwargs = node.arguments(tensors)
        old_shape = node.output_shape
        if isinstance(operation, keras.Model):
            incoming = tree.flatten(args)[0]
            inner_input = keras.Input(
                shape=tuple(incoming.shape[1:]), name=f"{operation.name}_input"
            )
            inner_output = _rebuild_graph(operation, inner_input, record)
            copy = keras.Model(inner_input, inner_output, name=operation.name)
            if not operation.trainable:
                copy.trainable = False
        else:
            copy = operation.__class__.from_config(operation.get_config())
        try:
            outputs = copy(*args, **kwargs)
        except Exception as error:  # noqa: BLE001 - any failure: e.g. Dense on an unknown size
            message = (str(error).strip().splitlines() or [""])[0][:200]
            _explain_failure(operation, old_shape, record, f"cannot be called ({message})")
        first = tree.flatten(outputs)[0]
        if not isinstance(operation, keras.Model):
            record.append((operation, copy, old_shape, tuple(first.shape[1:])))
        for old, new in zip(node.outputs, tree.flatten(outputs)):
            tensors[id(old)] = new
    return tensors[id(graph.outputs[0])]


def _explain_failure(layer, old_shape, record, problem: str):
    flatten = next(
        (entry for entry in reversed(record) if type(entry[0]).__name__ == "Flatten"), None
    )
    text = f"rebuild_with_input: layer {layer.name!r} ({type(layer).__name__}) {problem}."
    if flatten is not None:
        (old_count,), (new_count,) = flatten[2], flatten[3]
        new_text = "an unknown number of" if new_count is None else f"{new_count:,}"
        text += (
            f" It comes after the Flatten layer {flatten[0].name!r}, which gave "
            f"{old_count:,} values when the model was trained and gives {new_text} values "
            "at the new input size, so its trained weights no longer fit."
        )
    text += (
        " Only the convolutional part moves to a new image size: take it with "
        "conv_base(model), rebuild that, and put a global-pooling head on it "
        "(cnncourse.models.transfer.add_head(base, head='avg', ...)), which works at any "
        "image size."
    )
    raise RebuildError(text)


def rebuild_with_input(model_or_base, input_shape, name: str | None = None):
    """The same network on a new Input of ``input_shape``, with the trained weights copied.

    No image is resized: every layer is rebuilt from its config and gets the weights of the
    original (nested models, such as a pretrained base inside a model, are rebuilt too).
    A conv base moves to any size; a model with a Flatten -> Dense head raises
    `RebuildError` naming the Dense and the Flatten whose size changed.
    """
    import keras

    shape = _check_shape(input_shape)
    graph = keras_graph.functional(model_or_base)
    old_channels = graph.inputs[0].shape[-1]
    if shape[-1] != old_channels:
        raise ValueError(
            f"input_shape {shape} has {shape[-1]} channels; model "
            f"{model_or_base.name!r} was built for {old_channels}"
        )
    record: list = []
    new_input = keras.Input(shape=shape, name="image")
    output = _rebuild_graph(model_or_base, new_input, record)
    for position, (old, new, old_shape, _) in enumerate(record):
        wanted = [tuple(weight.shape) for weight in old.weights]
        have = [tuple(weight.shape) for weight in new.weights]
        if wanted != have:
            _explain_failure(
                old,
                old_shape,
                record[:position],
                f"has trained weights of shape {wanted} but needs {have} at "
                f"input {_shape_text(shape)}",
            )
        new.set_weights(old.get_weights())
    rebuilt = keras.Model(new_input, output, name=name or model_or_base.name)
    if not model_or_base.trainable:
        rebuilt.trainable = False
    return rebuilt


def conv_base(model, name: str | None = None):
    """The part of ``model`` before its first Flatten or global-pooling layer (sharing its
    layers and weights): the piece that can move to another image size."""
    import keras
    from keras import layers as kl

    graph = keras_graph.functional(model)
    nodes = keras_graph.graph_nodes(graph)
    cut_kinds = (kl.Flatten, kl.GlobalAveragePooling2D, kl.GlobalMaxPooling2D)
    for node in nodes:
        if isinstance(node.layer, cut_kinds):
            keras_graph.refuse_shared(model, [n for n in nodes if n.layer is node.layer], "rebuilt")
            return keras.Model(graph.inputs[0], node.inputs[0], name=name or f"{model.name}_base")
    raise ValueError(
        f"model {model.name!r} has no Flatten or global pooling layer: it is a conv base already"
    )


def feature_count(model_or_base, input_shape) -> int:
    """How many values a Flatten would get from ``model_or_base`` at ``input_shape``."""
    output = rebuild_with_input(model_or_base, input_shape).output
    return math.prod(output.shape[1:])
