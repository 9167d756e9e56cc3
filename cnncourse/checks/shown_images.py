"""Whether a figure shows images taken from a given array (the test images, not training ones)."""

from __future__ import annotations

from cnncourse.checks.result import Result, plural


def _as_bytes(image):
    """An image as 8-bit values (floats in [0, 1] scaled by 255), or None when it is no image."""
    import numpy as np

    data = np.asarray(image)
    if data.dtype == object or data.ndim not in (2, 3) or not data.size:
        return None
    data = np.ma.getdata(data)
    if np.issubdtype(data.dtype, np.integer):
        return np.clip(data, 0, 255).astype(np.uint8)
    data = data.astype(float)
    if np.nanmax(data) <= 1.0 + 1e-6:
        data = data * 255.0
    return np.clip(np.round(data), 0, 255).astype(np.uint8)


def _index(images) -> dict:
    """The images of an array (N, H, W[, C]) keyed by a hash of their bytes."""
    import numpy as np

    index = {}
    for position in range(len(images)):
        image = _as_bytes(np.asarray(images[position]))
        if image is not None:
            index.setdefault((image.shape, hash(image.tobytes())), position)
    return index


def _shown(figure) -> list | None:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, SubFigure

    if isinstance(figure, (Figure, SubFigure)):
        axes = figure.get_axes()
    elif isinstance(figure, Axes):
        axes = [figure]
    elif hasattr(figure, "ravel") and all(isinstance(a, Axes) for a in figure.ravel()):
        axes = list(figure.ravel())
    else:
        return None
    return [image.get_array() for axis in axes if axis.get_visible() for image in axis.images]


def images_from(
    figure,
    images,
    *,
    name: str = "your figure",
    source: str = "the images",
    others=None,
    others_name: str = "other images",
) -> Result:
    """Whether every image drawn (imshow) on ``figure`` is one of ``images``.

    ``images`` is an array (N, H, W[, C]) of 8-bit values or of floats in [0, 1];
    ``others`` (optional) is where a wrong image probably came from, named in the
    message (``others_name``), e.g. the training images on a figure of test images.
    """
    shown = _shown(figure)
    if shown is None:
        return Result.fail(
            f"{name}: expected a matplotlib Figure or Axes, got {type(figure).__name__}"
        )
    if not shown:
        return Result.fail(f"{name} shows no image (plot them with imshow)")
    wanted = _index(images)
    other = _index(others) if others is not None else {}
    for number, image in enumerate(shown, start=1):
        data = _as_bytes(image)
        key = None if data is None else (data.shape, hash(data.tobytes()))
        if key in wanted:
            continue
        if key in other:
            return Result.fail(
                f"{name}: image {number} is {others_name}[{other[key]}], not one of {source}"
            )
        return Result.fail(
            f"{name}: image {number} is not one of {source} (show them as "
            "they are, e.g. ax.imshow(images[i]))"
        )
    return Result.ok(f"{name} shows {plural(len(shown), 'image')} of {source}")
