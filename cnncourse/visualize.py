"""What a CNN sees: intermediate activations, filter patterns by gradient ascent, and Grad-CAM.

How the layers are reached (one approach for Sequential, Functional and nested models):
`forward` runs the model *eagerly, one layer at a time*, in the order of the model's own
graph, with ``training=False``. When a layer is itself a Sequential or Functional model (a
VGG-style base used as one layer) it descends into it and runs its layers too. On the way it
keeps the outputs of the layers asked for, addressed by a *path*: ``"conv2d"`` for a layer of
the model, ``"vgg16/block5_conv3"`` for a layer inside the nested model ``vgg16`` (a plain
name is accepted too when only one layer in the whole model has it). Because everything runs
under one ``tf.GradientTape`` watching the input image, gradients flow from the prediction
to any inner layer, frozen bases included.

Why not ``keras.Model(model.input, layer.output)``: in Keras 3.15 a Sequential model's
``.input`` raises AttributeError ("never been called") even once it is built, trained or
called (only ``.inputs`` exists, and only once it is built), and the output of a layer inside
a nested model belongs to that model's own graph, not to the outer input. Rebuilding a
functional graph by calling the layers again would add nodes to them
and change the student's model. Walking the graph leaves the model untouched. Subclassed
models (a custom ``call``) cannot be looked into and are treated as one layer.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from matplotlib.figure import Figure

from cnncourse.keras_graph import children, is_container, run_graph, takes_training
from cnncourse.plotting import as_display_image, new_figure

# ----------------------------------------------------------------------------- walking models


def layer_paths(model) -> list[str]:
    """Every layer of ``model`` in running order, nested layers as ``"outer/inner"`` paths.

    A nested model appears itself (``"vgg16"``) and is followed by its layers.
    """
    paths: list[str] = []

    def walk(container, prefix: str) -> None:
        for layer in children(container):
            path = prefix + layer.name
            paths.append(path)
            if is_container(layer):
                walk(layer, path + "/")

    if not is_container(model):
        raise TypeError(
            f"{type(model).__name__} {getattr(model, 'name', '')!r} is not a Sequential or "
            "Functional Keras model; its layers cannot be walked"
        )
    walk(model, "")
    return paths


def _layer_at(model, path: str):
    layer = model
    for part in path.split("/"):
        matches = [child for child in children(layer) if child.name == part]
        if not matches:
            raise KeyError(path)
        layer = matches[0]
    return layer


def find_layer(model, name: str) -> tuple[str, object]:
    """``(path, layer)`` for a path (``"vgg16/block5_conv3"``) or a unique plain layer name."""
    paths = layer_paths(model)
    if name in paths:
        return name, _layer_at(model, name)
    matches = [path for path in paths if path.rsplit("/", 1)[-1] == name]
    if len(matches) == 1:
        return matches[0], _layer_at(model, matches[0])
    if len(matches) > 1:
        raise ValueError(
            f"layer name {name!r} is ambiguous in model {model.name!r}: use one of "
            f"the paths {matches}"
        )
    raise ValueError(f"model {model.name!r} has no layer {name!r}; its layers are {paths}")


def _is_conv(layer) -> bool:
    import keras

    kinds = (keras.layers.Conv2D, keras.layers.SeparableConv2D, keras.layers.DepthwiseConv2D)
    return isinstance(layer, kinds) and not isinstance(layer, keras.layers.Conv2DTranspose)


def conv_layer_names(model) -> list[str]:
    """The paths of the 2-D convolution layers of ``model`` (nested ones too), in running order."""
    return [path for path in layer_paths(model) if _is_conv(_layer_at(model, path))]


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
    import keras

    if isinstance(model, keras.Sequential):
        x = inputs
        for layer in model.layers:
            x = _call_layer(layer, (x,), {}, prefix + layer.name, state)
        return x

    def operation_fn(op):
        def call(*args, **kwargs):
            return _call_layer(op, args, kwargs, prefix + op.name, state)

        return call

    return run_graph(model, inputs, operation_fn)


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
    from cnncourse.keras_graph import output_layer

    paths = [find_layer(model, name)[0] for name in layers]
    return _forward(
        model,
        images,
        paths,
        stop_early=stop_early,
        linear_layer=output_layer(model) if logits else None,
    )


def _forward(model, images, paths, *, stop_early: bool, linear_layer=None):
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


def _input_shape(model, image_shape=None) -> tuple[int, ...]:
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


def _one_image_batch(image, what: str = "image") -> np.ndarray:
    array = np.asarray(image, dtype=np.float32)
    if array.ndim == 4 and array.shape[0] == 1:
        return array
    if array.ndim == 3:
        return array[np.newaxis]
    raise ValueError(
        f"{what} must be one image (H, W, C) or a batch of one, got shape {array.shape}"
    )


# ----------------------------------------------------------------------------- activations


def activations(model, image, layers: Sequence[str] | None = None) -> dict[str, np.ndarray]:
    """The outputs of ``layers`` (default: every conv layer) for one image, batch axis removed.

    ``image``: ``(H, W, C)`` (or ``(1, H, W, C)``) prepared exactly as the model expects it
    (e.g. scaled to [0, 1] if it was trained on such images). Keys are layer paths.
    """
    names = conv_layer_names(model) if layers is None else list(layers)
    if not names:
        raise ValueError(f"model {model.name!r} has no conv layers; name the layers to show")
    _, captured = forward(model, _one_image_batch(image), names, stop_early=True)
    order = [find_layer(model, name)[0] for name in names]
    return {path: np.asarray(captured[path])[0] for path in order}


def plot_activations(
    maps: dict[str, np.ndarray],
    *,
    channels: int = 8,
    columns: int = 8,
    cmap: str = "viridis",
    title: str | None = None,
    image_size: float = 1.3,
) -> Figure:
    """A grid of channel maps: for every layer, its first ``channels`` maps (one axes each).

    ``maps`` is what `activations` returns. Each layer gets a titled block of rows; every map
    is scaled on its own (the colours compare places within a map, not maps).
    """
    blocks = []
    for path, values in maps.items():
        array = np.asarray(values)
        if array.ndim != 3:
            raise ValueError(f"layer {path!r} output has shape {array.shape}, not (H, W, C)")
        count = min(channels, array.shape[-1])
        blocks.append((path, array, count, math.ceil(count / columns)))
    if not blocks:
        raise ValueError("no activations to plot")
    total_rows = sum(rows for *_, rows in blocks)
    width = min(columns, max(count for _, _, count, _ in blocks))
    fig = new_figure(
        figsize=(image_size * width, (image_size + 0.25) * total_rows + 0.3 * len(blocks)),
        layout="constrained",
    )
    subfigures = fig.subfigures(
        len(blocks), 1, squeeze=False, height_ratios=[rows for *_, rows in blocks]
    )[:, 0]
    for subfigure, (path, array, count, rows) in zip(subfigures, blocks):
        axes = subfigure.subplots(rows, width, squeeze=False)
        for index, ax in enumerate(axes.ravel()):
            if index >= count:
                subfigure.delaxes(ax)
                continue
            ax.imshow(array[..., index], cmap=cmap)
            ax.set_xticks([])
            ax.set_yticks([])
        subfigure.suptitle(
            f"{path}  {array.shape[0]}x{array.shape[1]}, {array.shape[-1]} channels",
            fontsize="small",
        )
    if title:
        fig.suptitle(title)
    return fig


# ----------------------------------------------------------------------------- filter patterns


@dataclass
class FilterAscent:
    """The result of gradient ascent on the input for one filter of one layer.

    ``start`` and ``image`` are in the model's input scale, ``(H, W, C)``; ``trace`` holds the
    filter's mean activation before every step and after the last (``steps + 1`` values).
    """

    layer: str
    filter_index: int
    start: np.ndarray
    image: np.ndarray
    trace: list[float]

    @property
    def pattern(self) -> np.ndarray:
        """The image as uint8 for display (`deprocess_image`)."""
        return deprocess_image(self.image)


def deprocess_image(image) -> np.ndarray:
    """Normalise, scale, shift and clip an ascent result to a uint8 image (CS577 / Chollet).

    Zero mean, standard deviation 0.1, shifted to 0.5, clipped to [0, 1], times 255.
    """
    x = np.array(image, dtype=np.float64)
    x -= x.mean()
    x /= x.std() + 1e-5
    x *= 0.1
    x += 0.5
    x = np.clip(x, 0.0, 1.0) * 255.0
    return np.clip(x, 0, 255).astype(np.uint8)


def _ascent_step(model, path: str, step_size: float, pre_activation: bool):
    """A compiled step: mean activation of a filter, and the image moved up its gradient."""
    import tensorflow as tf

    from cnncourse._quiet import silence_after_tensorflow

    # Each call compiles a new tf.function; repeated calls make TensorFlow log a retracing
    # notice to stderr unless its logger is quiet (it is not when TF came before cnncourse).
    silence_after_tensorflow()
    linear = _layer_at(model, path) if pre_activation else None

    @tf.function(reduce_retracing=True)
    def step(image, filter_index):
        with tf.GradientTape() as tape:
            tape.watch(image)
            _, captured = _forward(model, image, [path], stop_early=True, linear_layer=linear)
            activation = captured[path]
            loss = tf.reduce_mean(tf.gather(activation, filter_index, axis=-1))
        gradient = tape.gradient(loss, image)
        gradient = gradient / (tf.sqrt(tf.reduce_mean(tf.square(gradient))) + 1e-5)
        return loss, image + step_size * gradient

    return step


def maximize_filter(
    model,
    layer: str,
    filter_index: int,
    *,
    steps: int = 40,
    step_size: float | None = None,
    input_range: tuple[float, float] = (0.0, 1.0),
    image_shape: Sequence[int] | None = None,
    seed: int = 0,
    pre_activation: bool = False,
    _step=None,
) -> FilterAscent:
    """Gradient ascent on the input image to maximise the mean activation of one filter.

    Starts from a grey image with a little seeded noise (the middle of ``input_range``, the
    range of pixel values the model was trained on, +-5% of it), then takes ``steps`` fixed
    steps along the gradient normalised to unit RMS; ``step_size`` defaults to 1% of the
    input range per step. ``layer`` is a path or a unique name (nested layers too).

    A ReLU filter that is zero everywhere on the start image has no gradient and stays
    there (its ``trace`` is flat at 0: a "dead" filter for this start). With
    ``pre_activation=True`` the mean of the layer's output *before* its activation is
    maximised instead, which always has a gradient. ``trace`` measures what is maximised.
    """
    import tensorflow as tf

    path, found = find_layer(model, layer)
    low, high = (float(v) for v in input_range)
    if not high > low:
        raise ValueError(f"input_range must be (low, high) with low < high, got {input_range}")
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps must be a positive integer, got {steps!r}")
    shape = _input_shape(model, image_shape)
    filters = _output_channels(model, path, found, shape)
    if not 0 <= filter_index < filters:
        raise ValueError(
            f"layer {path!r} has {filters} filters; filter_index {filter_index} is out of range"
        )
    size = (high - low) / 100.0 if step_size is None else float(step_size)
    step = _step or _ascent_step(model, path, size, pre_activation)
    rng = np.random.default_rng(seed)
    start = (low + (high - low) * (0.45 + 0.1 * rng.random((1, *shape)))).astype(np.float32)
    image = tf.constant(start)
    index = tf.constant(filter_index, dtype=tf.int32)
    trace = []
    for _ in range(steps):
        loss, image = step(image, index)
        trace.append(float(loss))
    linear = found if pre_activation else None
    _, captured = _forward(model, image, [path], stop_early=True, linear_layer=linear)
    trace.append(float(tf.reduce_mean(captured[path][..., filter_index])))
    return FilterAscent(
        layer=path,
        filter_index=int(filter_index),
        start=start[0],
        image=np.asarray(image)[0],
        trace=trace,
    )


def _output_channels(model, path: str, layer, shape) -> int:
    """The channel count of a layer's output (from its filters or by one forward pass)."""
    filters = getattr(layer, "filters", None)
    if isinstance(filters, int):
        return filters
    _, captured = _forward(model, np.zeros((1, *shape), np.float32), [path], stop_early=True)
    output = captured[path]
    if len(output.shape) != 4:
        raise ValueError(f"layer {path!r} output has shape {tuple(output.shape)}, not a 4-D map")
    return int(output.shape[-1])


def filter_patterns(
    model,
    layer: str,
    filters: int | Sequence[int] = 8,
    *,
    steps: int = 40,
    step_size: float | None = None,
    input_range: tuple[float, float] = (0.0, 1.0),
    image_shape: Sequence[int] | None = None,
    seed: int = 0,
    pre_activation: bool = False,
) -> list[FilterAscent]:
    """`maximize_filter` for several filters of one layer (the first ``filters`` or a list).

    Filter ``i`` starts from the noise of seed ``seed + i``. Display with
    `plot_filter_patterns`.
    """
    path, found = find_layer(model, layer)
    shape = _input_shape(model, image_shape)
    available = _output_channels(model, path, found, shape)
    indices = list(range(min(filters, available))) if isinstance(filters, int) else list(filters)
    low, high = input_range
    size = (high - low) / 100.0 if step_size is None else step_size
    step = _ascent_step(model, path, size, pre_activation)
    return [
        maximize_filter(
            model,
            path,
            index,
            steps=steps,
            step_size=step_size,
            input_range=input_range,
            image_shape=shape,
            seed=seed + index,
            pre_activation=pre_activation,
            _step=step,
        )
        for index in indices
    ]


def plot_filter_patterns(
    results: Sequence[FilterAscent],
    *,
    columns: int = 8,
    title: str | None = None,
    image_size: float = 1.4,
) -> Figure:
    """The patterns of `filter_patterns` in a grid, one axes per filter, titled by index."""
    if not results:
        raise ValueError("no filter patterns to plot")
    columns = min(columns, len(results))
    rows = math.ceil(len(results) / columns)
    fig = new_figure(
        figsize=(image_size * columns, (image_size + 0.25) * rows + 0.3), layout="constrained"
    )
    axes = fig.subplots(rows, columns, squeeze=False)
    for index, ax in enumerate(axes.ravel()):
        if index >= len(results):
            fig.delaxes(ax)
            continue
        pattern = results[index].pattern
        ax.imshow(
            pattern[..., 0] if pattern.shape[-1] == 1 else pattern,
            cmap="gray" if pattern.shape[-1] == 1 else None,
        )
        ax.set_title(f"filter {results[index].filter_index}", fontsize="small")
        ax.set_xticks([])
        ax.set_yticks([])
    fig.suptitle(title or f"filters of {results[0].layer}")
    return fig


# ----------------------------------------------------------------------------- Grad-CAM


@dataclass
class GradCam:
    """A Grad-CAM heatmap for one image.

    ``heatmap``: ``(h, w)`` at the resolution of ``layer``'s output, in [0, 1] (all zeros
    when nothing in the layer speaks for the class). ``score`` is the class score that was
    differentiated (``score_kind`` "logit" or "output"), ``probabilities`` the model's output.
    """

    heatmap: np.ndarray
    class_index: int
    layer: str
    score: float
    score_kind: str
    probabilities: np.ndarray

    def resized(self, size: tuple[int, int]) -> np.ndarray:
        """The heatmap resized (bilinear) to ``size`` = (height, width)."""
        import tensorflow as tf

        resized = tf.image.resize(self.heatmap[..., np.newaxis], size, method="bilinear")
        return np.clip(np.asarray(resized)[..., 0], 0.0, 1.0)


def grad_cam(
    model,
    image,
    *,
    class_index: int | None = None,
    layer: str | None = None,
    use_logits: bool = True,
) -> GradCam:
    """Grad-CAM (Selvaraju et al. 2017) of ``model`` for one image.

    The gradient of the class score with respect to the output maps of ``layer`` (default:
    the last conv layer, looked for inside nested models too) is averaged over each map to
    weight it; the weighted sum of maps, with negative values cut to zero, is the heatmap,
    scaled so that its maximum is 1.

    ``class_index``: default the predicted class. For a model with one sigmoid output, class
    1 is the sigmoid's positive class and class 0 uses the negated score. With
    ``use_logits`` (default, as in the paper) the score is taken before the output layer's
    softmax/sigmoid, which does not saturate; otherwise the model's output is used.
    """
    import tensorflow as tf

    from cnncourse.keras_graph import output_activation

    if layer is None:
        names = conv_layer_names(model)
        if not names:
            raise ValueError(f"model {model.name!r} has no conv layer for Grad-CAM; pass layer=")
        path = names[-1]
    else:
        path = find_layer(model, layer)[0]
    activation = output_activation(model)
    logits = use_logits and activation in ("softmax", "sigmoid")
    batch = tf.convert_to_tensor(_one_image_batch(image), dtype=tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(batch)
        outputs, captured = forward(model, batch, [path], logits=logits)
        if isinstance(outputs, (list, tuple, dict)):
            raise TypeError(f"model {model.name!r} has several outputs; Grad-CAM needs one")
        maps = captured[path]
        if len(maps.shape) != 4:
            raise ValueError(
                f"layer {path!r} output has shape {tuple(maps.shape)}: Grad-CAM "
                "needs a conv layer's (1, h, w, channels) maps"
            )
        scores = tf.reshape(outputs, (-1,))
        if logits:
            probabilities = tf.nn.softmax(scores) if activation == "softmax" else tf.sigmoid(scores)
        else:
            probabilities = scores
        single = scores.shape[0] == 1
        if class_index is None:
            class_index = int(probabilities[0] > 0.5) if single else int(tf.argmax(probabilities))
        classes = 2 if single else int(scores.shape[0])
        if not 0 <= class_index < classes:
            raise ValueError(f"class_index {class_index} is out of range for {classes} classes")
        if single:
            positive = scores[0] if logits else probabilities[0]
            score = positive if class_index == 1 else (-positive if logits else 1.0 - positive)
        else:
            score = scores[class_index]
    gradients = tape.gradient(score, maps)
    if gradients is None:
        raise ValueError(f"the class score does not depend on layer {path!r}")
    weights = tf.reduce_mean(gradients, axis=(0, 1, 2))
    cam = tf.nn.relu(tf.reduce_sum(maps[0] * weights, axis=-1)).numpy()
    peak = float(cam.max())
    heatmap = cam / peak if peak > 0 else np.zeros_like(cam)
    return GradCam(
        heatmap=heatmap.astype(np.float32),
        class_index=int(class_index),
        layer=path,
        score=float(score),
        score_kind="logit" if logits else "output",
        probabilities=np.asarray(probabilities),
    )


def overlay_heatmap(image, heatmap, *, alpha: float = 0.4, colormap: str = "jet") -> np.ndarray:
    """The image (uint8 or floats in [0, 1]) with the heatmap coloured on top, as uint8."""
    import matplotlib

    base = as_display_image(image, "image")
    base = base.astype(np.float32) / 255.0 if base.dtype == np.uint8 else base.astype(np.float32)
    if base.ndim == 2:
        base = np.repeat(base[..., np.newaxis], 3, axis=-1)
    base = base[..., :3]
    if not 0.0 <= alpha <= 1.0:
        raise ValueError(f"alpha must be between 0 and 1, got {alpha}")
    heat = heatmap.resized(base.shape[:2]) if isinstance(heatmap, GradCam) else heatmap
    heat = np.asarray(heat, dtype=np.float32)
    if heat.shape != base.shape[:2]:
        import tensorflow as tf

        heat = np.asarray(tf.image.resize(heat[..., np.newaxis], base.shape[:2]))[..., 0]
    coloured = matplotlib.colormaps[colormap](np.clip(heat, 0.0, 1.0))[..., :3]
    blended = (1.0 - alpha) * base + alpha * coloured
    return np.clip(np.round(blended * 255.0), 0, 255).astype(np.uint8)


def plot_grad_cam(
    image,
    cam: GradCam,
    *,
    class_names: Sequence[str] | None = None,
    alpha: float = 0.4,
    image_size: float = 2.6,
) -> Figure:
    """Three panels: the image, the heatmap at the layer's resolution, and the overlay."""
    fig = new_figure(figsize=(3 * image_size, image_size + 0.5), layout="constrained")
    axes = fig.subplots(1, 3)
    shown = as_display_image(np.asarray(image)[0] if np.ndim(image) == 4 else image)
    axes[0].imshow(shown, cmap="gray" if shown.ndim == 2 else None)
    axes[0].set_title("image", fontsize="small")
    axes[1].imshow(cam.heatmap, cmap="jet", vmin=0, vmax=1)
    axes[1].set_title(f"Grad-CAM of {cam.layer}", fontsize="small")
    axes[2].imshow(overlay_heatmap(shown, cam, alpha=alpha))
    name = class_names[cam.class_index] if class_names else str(cam.class_index)
    probability = cam.probabilities
    if probability.size == 1:
        value = float(probability[0]) if cam.class_index == 1 else 1 - float(probability[0])
    else:
        value = float(probability[cam.class_index])
    axes[2].set_title(f"class {name} ({value:.2f})", fontsize="small")
    for ax in axes:
        ax.set_xticks([])
        ax.set_yticks([])
    return fig
