"""Intermediate activations: the output maps of a model's layers for one image, and their grid."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

from cnncourse.plotting import image_grid, new_figure
from cnncourse.visualize.forward_pass import forward, one_image_batch
from cnncourse.visualize.layers import conv_layer_names, find_layer


def activations(model, image, layers: Sequence[str] | None = None) -> dict[str, np.ndarray]:
    """The outputs of ``layers`` (default: every conv layer) for one image, batch axis removed.

    ``image``: ``(H, W, C)`` (or ``(1, H, W, C)``) prepared exactly as the model expects it
    (e.g. scaled to [0, 1] if it was trained on such images). Keys are layer paths.
    """
    names = conv_layer_names(model) if layers is None else list(layers)
    if not names:
        raise ValueError(f"model {model.name!r} has no conv layers; name the layers to show")
    _, captured = forward(model, one_image_batch(image), names, stop_early=True)
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
    for subfigure, (path, array, count, _) in zip(subfigures, blocks):
        image_grid(
            subfigure, [array[..., index] for index in range(count)], columns=width, cmap=cmap
        )
        subfigure.suptitle(
            f"{path}  {array.shape[0]}x{array.shape[1]}, {array.shape[-1]} channels",
            fontsize="small",
        )
    if title:
        fig.suptitle(title)
    return fig
