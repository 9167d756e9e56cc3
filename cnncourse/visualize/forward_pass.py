"""A model run on images one layer at a time, keeping the outputs of the layers asked for.

How the layers are reached (one approach for Sequential, Functional and nested models):
`forward` runs the model *eagerly, one layer at a time*, in the order of the model's own
graph (`cnncourse.keras_graph.run_layers`), with ``training=False``. When a layer is itself a
Sequential or Functional model (a VGG-style base used as one layer) it descends into it and
runs its layers too. On the way it keeps the outputs of the layers asked for, addressed by a
*path* (`cnncourse.visualize.layers`): ``"conv2d"`` for a layer of the model,
``"vgg16/block5_conv3"`` for a layer inside the nested model ``vgg16`` (a plain name is
accepted too when only one layer in the whole model has it). Because everything runs under
one ``tf.GradientTape`` watching the input image, gradients flow from the prediction to any
inner layer, frozen bases included.

Why not ``keras.Model(model.input, layer.output)``: in Keras 3.15 a Sequential model's
``.input`` raises AttributeError ("never been called") even once it is built, trained or
called (only ``.inputs`` exists, and only once it is built), and the output of a layer inside
a nested model belongs to that model's own graph, not to the outer input. Rebuilding a
functional graph by calling the layers again would add nodes to them
and change the student's model. Walking the graph leaves the model untouched. Subclassed
models (a custom ``call``) cannot be looked into and are treated as one layer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from cnncourse.keras_graph import is_container, output_layer, run_layers, takes_training
from cnncourse.visualize.layers import find_layer


class _Stop(Exception):
    """Raised inside `forward` once every captured layer has run."""


@dataclass
class _WalkState:
    capture: frozenset
    stop_early: bool
    logit_layer: object = None
    captured: dict = field(default_factory=dict)


def _call_layer(layer, args, kwargs, path: str, state: _WalkState):
    if is_container(layer):
        if len(args) != 1:
            raise ValueError(
                f"nested model {path!r} takes {len(args)} inputs; only one is supported"
            )
        outputs = _walk(layer, args[0], path + "/", state)
    else:
        if takes_training(layer):
            kwargs = {**kwargs, "training": False}
        if layer is state.logit_layer:
            outputs = _call_without_activation(layer, args, kwargs)
        else:
            outputs = layer(*args, **kwargs)
    if path in state.capture:
        state.captured[path] = outputs
        if state.stop_early and len(state.captured) == len(state.capture):
            raise _Stop
    return outputs


def _walk(model, inputs, prefix: str, state: _WalkState):
    def call(layer, args, kwargs):
        return _call_layer(layer, args, kwargs, prefix + layer.name, state)

    return run_layers(model, inputs, call)


def _call_without_activation(layer, args, kwargs):
    """Call the output layer with its final softmax/sigmoid left out (its logits)."""
    import keras

    if type(layer).__name__ == "Softmax":
        return args[0]
    activation = getattr(layer, "activation", None)
    if activation is None:
        return layer(*args, **kwargs)
    layer.activation = keras.activations.linear
    try:
        return layer(*args, **kwargs)
    finally:
        layer.activation = activation


def _check_built(model) -> None:
    if not getattr(model, "built", False):
        raise ValueError(
            f"model {model.name!r} is not built: train it, call it on a batch, or call "
            "model.build((None, height, width, channels)) first"
        )


def forward(
    model, images, layers: Sequence[str] = (), *, logits: bool = False, stop_early: bool = False
):
    """Run ``model`` on ``images`` layer by layer (inference mode) and keep some layer outputs.

    Returns ``(outputs, captured)``: the model's outputs (None when ``stop_early`` ended the
    walk once every asked layer had run) and a dict path -> tensor for ``layers`` (paths or
    unique names, see `find_layer`). With ``logits=True`` the final softmax/sigmoid of the
    output layer is left out. Works under ``tf.GradientTape`` and inside ``tf.function``.
    """
    paths = [find_layer(model, name)[0] for name in layers]
    return forward_paths(
        model,
        images,
        paths,
        stop_early=stop_early,
        linear_layer=output_layer(model) if logits else None,
    )


def forward_paths(model, images, paths, *, stop_early: bool, linear_layer=None):
    """`forward` with resolved paths; ``linear_layer`` runs without its activation."""
    import tensorflow as tf

    _check_built(model)
    state = _WalkState(
        capture=frozenset(paths), stop_early=stop_early and bool(paths), logit_layer=linear_layer
    )
    x = images if tf.is_tensor(images) else tf.convert_to_tensor(images, dtype=tf.float32)
    try:
        outputs = _walk(model, x, "", state)
    except _Stop:
        outputs = None
    return outputs, state.captured


def input_shape(model, image_shape=None) -> tuple[int, ...]:
    """``image_shape`` as ints, or the model's fixed input shape without the batch axis.

    ValueError when neither is known (a model without a fixed input shape).
    """
    if image_shape is not None:
        return tuple(int(s) for s in image_shape)
    try:
        shape = tuple(model.inputs[0].shape[1:])
    except (AttributeError, ValueError, IndexError, TypeError):
        shape = ()
    if not shape or any(s is None for s in shape):
        raise ValueError(
            f"model {model.name!r} has no fixed input shape ({shape or 'none'}): pass "
            "image_shape=(height, width, channels)"
        )
    return tuple(int(s) for s in shape)


def one_image_batch(image, what: str = "image") -> np.ndarray:
    """One image ``(H, W, C)`` (or a batch of one) as a float32 batch ``(1, H, W, C)``."""
    array = np.asarray(image, dtype=np.float32)
    if array.ndim == 4 and array.shape[0] == 1:
        return array
    if array.ndim == 3:
        return array[np.newaxis]
    raise ValueError(
        f"{what} must be one image (H, W, C) or a batch of one, got shape {array.shape}"
    )
