"""Image grids: one image per axes, drawn by `image_grid`, which every grid of the course uses."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

from cnncourse.plotting.figures import new_figure


def as_display_image(image: np.ndarray, what: str = "image") -> np.ndarray:
    """An image ready for ``imshow``: uint8 as is, floats checked to lie in [0, 1].

    A trailing channel axis of 1 is dropped (shown in grey). Floats outside [0, 1] raise a
    ValueError naming the range found (divide 0-255 floats by 255 first).
    """
    array = np.asarray(image)
    if array.ndim == 3 and array.shape[-1] == 1:
        array = array[..., 0]
    if array.ndim not in (2, 3) or (array.ndim == 3 and array.shape[-1] not in (3, 4)):
        raise ValueError(f"{what} must be (H, W), (H, W, 1) or (H, W, 3), got shape {array.shape}")
    if array.dtype == np.uint8:
        return array
    if np.issubdtype(array.dtype, np.integer) or array.dtype == bool:
        low, high = int(array.min()), int(array.max())
        if low < 0 or high > 255:
            raise ValueError(f"{what} has integer values in [{low}, {high}], outside 0..255")
        return array.astype(np.uint8)
    low, high = float(np.nanmin(array)), float(np.nanmax(array))
    if low < -1e-3 or high > 1 + 1e-3:
        raise ValueError(
            f"{what} has float values in [{low:.3g}, {high:.3g}]: float images must lie in "
            "[0, 1] (divide 0-255 values by 255) or be uint8"
        )
    return np.clip(array, 0.0, 1.0)


def image_grid(
    parent,
    images: Sequence[np.ndarray],
    *,
    columns: int,
    titles: Sequence[str | None] | None = None,
    title_colours: Sequence[str | None] | None = None,
    cmap: str | None = "gray",
    full_range: bool = False,
) -> list:
    """Draw ``images`` in a grid of ``columns`` into ``parent`` (a Figure or a SubFigure).

    One axes per image, without ticks, row by row; the axes of the last row's empty cells
    are removed. ``images`` are ready for ``imshow`` (see `as_display_image`). ``cmap``
    colours the 2-D (single-channel) images; colour images ignore it. ``full_range`` fixes
    the colour scale to 0-255 (uint8) or 0-1 (floats) instead of each image's own range.
    ``titles[i]`` (None: no title) titles image ``i`` in small type, in ``title_colours[i]``
    when given. Returns the axes that hold an image, in order.
    """
    if columns < 1:
        raise ValueError(f"columns must be at least 1, got {columns}")
    count = len(images)
    rows = math.ceil(count / columns)
    grid = parent.subplots(rows, columns, squeeze=False)
    shown = []
    for index, ax in enumerate(grid.ravel()):
        if index >= count:
            parent.delaxes(ax)
            continue
        image = images[index]
        scale = {}
        if full_range:
            scale = {"vmin": 0, "vmax": 255 if image.dtype == np.uint8 else 1}
        ax.imshow(image, cmap=cmap if image.ndim == 2 else None, **scale)
        ax.set_xticks([])
        ax.set_yticks([])
        text = titles[index] if titles is not None else None
        if text is not None:
            colour = title_colours[index] if title_colours is not None else None
            ax.set_title(text, fontsize="small", **({"color": colour} if colour else {}))
        shown.append(ax)
    return shown


def _class_index(label) -> int:
    array = np.asarray(label)
    if array.ndim == 0:
        return int(array)
    return int(np.argmax(array))  # one-hot labels or a probability vector


def _class_text(index: int, class_names: Sequence[str] | None) -> str:
    if class_names is None:
        return str(index)
    if not 0 <= index < len(class_names):
        raise ValueError(f"label {index} has no class name: there are {len(class_names)} names")
    return str(class_names[index])


def _caption(index: int, labels, predictions, class_names) -> tuple[str | None, str | None]:
    """The title of image ``index`` and its colour: "label / prediction", green or red."""
    if labels is not None:
        truth = _class_index(labels[index])
        text = _class_text(truth, class_names)
        if predictions is None:
            return text, "black"
        guess = _class_index(predictions[index])
        return f"{text} / {_class_text(guess, class_names)}", "green" if guess == truth else "red"
    if predictions is not None:
        return _class_text(_class_index(predictions[index]), class_names), None
    return None, None


def plot_images(
    images,
    labels=None,
    *,
    class_names: Sequence[str] | None = None,
    predictions=None,
    columns: int | None = None,
    max_images: int = 32,
    title: str | None = None,
    image_size: float = 1.6,
) -> Figure:
    """A grid of images titled with their class names (one axes per image shown).

    ``images``: ``(N, H, W, 3)`` or ``(N, H, W)`` uint8, or floats in [0, 1]. ``labels`` and
    ``predictions``: class indices, one-hot vectors or probability vectors. With predictions,
    each title reads "label / prediction", green when right and red when wrong. At most
    ``max_images`` are shown, the first ones.
    """
    array = np.asarray(images)
    if array.ndim not in (3, 4) or len(array) == 0:
        raise ValueError(
            f"images must be a non-empty batch (N, H, W[, C]), got shape {array.shape}"
        )
    count = min(len(array), max_images)
    for name, values in (("labels", labels), ("predictions", predictions)):
        if values is not None and len(values) < count:
            raise ValueError(f"{len(values)} {name} for {count} images")
    columns = columns or min(count, 8)
    rows = math.ceil(count / columns)
    shown, titles, colours = [], [], []
    for index in range(count):  # image by image, so the first bad image or label is named
        shown.append(as_display_image(array[index], f"image {index}"))
        text, colour = _caption(index, labels, predictions, class_names)
        titles.append(text)
        colours.append(colour)
    fig = new_figure(
        figsize=(image_size * columns, (image_size + 0.3) * rows), layout="constrained"
    )
    image_grid(fig, shown, columns=columns, titles=titles, title_colours=colours, full_range=True)
    if title:
        fig.suptitle(title)
    return fig


def plot_augmented_versions(
    versions: Sequence[np.ndarray],
    original: np.ndarray | None = None,
    *,
    columns: int = 4,
    title: str | None = None,
    image_size: float = 1.8,
) -> Figure:
    """A grid of augmented versions of one image, the original first (titled "original").

    Versions are titled "augmented 1", "augmented 2", ...; uint8 images or floats in [0, 1]
    (negative values, from resampling, are cut to 0). One axes per image.
    """
    images = list(versions)
    titles = [f"augmented {i}" for i in range(1, len(images) + 1)]
    if original is not None:
        images.insert(0, np.asarray(original))
        titles.insert(0, "original")
    shown = [as_display_image(np.clip(image, 0, None), text) for image, text in zip(images, titles)]
    columns = min(columns, len(shown))
    rows = math.ceil(len(shown) / columns)
    fig = new_figure(
        figsize=(image_size * columns, (image_size + 0.3) * rows), layout="constrained"
    )
    image_grid(fig, shown, columns=columns, titles=titles)
    if title:
        fig.suptitle(title)
    return fig
