"""Filter patterns: gradient ascent on the input image to maximise one filter, and their grid."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure

from cnncourse.eager import traced
from cnncourse.plotting import image_grid, new_figure
from cnncourse.visualize.forward_pass import forward_paths, input_shape
from cnncourse.visualize.layers import find_layer, layer_at


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

    from cnncourse.quiet import silence_after_tensorflow

    # Each call compiles a new tf.function; repeated calls make TensorFlow log a retracing
    # notice to stderr unless its logger is quiet (it is not when TF came before cnncourse).
    silence_after_tensorflow()
    linear = layer_at(model, path) if pre_activation else None

    @tf.function(reduce_retracing=True)
    def step(image, filter_index):
        with tf.GradientTape() as tape:
            tape.watch(image)
            _, captured = forward_paths(model, image, [path], stop_early=True, linear_layer=linear)
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
    shape = input_shape(model, image_shape)
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
    with traced():  # one trace, then graph steps (the tiny profile runs functions eagerly)
        for _ in range(steps):
            loss, image = step(image, index)
            trace.append(float(loss))
    linear = found if pre_activation else None
    _, captured = forward_paths(model, image, [path], stop_early=True, linear_layer=linear)
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
    _, captured = forward_paths(model, np.zeros((1, *shape), np.float32), [path], stop_early=True)
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
    shape = input_shape(model, image_shape)
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
    patterns = [result.pattern for result in results]
    image_grid(
        fig,
        [pattern[..., 0] if pattern.shape[-1] == 1 else pattern for pattern in patterns],
        columns=columns,
        titles=[f"filter {result.filter_index}" for result in results],
    )
    fig.suptitle(title or f"filters of {results[0].layer}")
    return fig
