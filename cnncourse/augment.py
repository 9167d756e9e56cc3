"""Data augmentation with Keras 3 preprocessing layers: the CS577 ImageDataGenerator settings.

The CS577 report augments cats-vs-dogs with the legacy ``ImageDataGenerator(rotation_range=40,
width_shift_range=0.2, height_shift_range=0.2, shear_range=0.2, zoom_range=0.2,
horizontal_flip=True, fill_mode='nearest')``, which Keras 3 no longer has. `augmentation`
builds the same augmentation as a ``keras.Sequential`` of preprocessing layers:

| ImageDataGenerator argument | Keras 3 layer | notes |
| --- | --- | --- |
| ``rotation_range=40`` (degrees) | ``RandomRotation(40 / 360)`` | +-40/360 of a turn |
| ``width_shift_range=0.2`` | ``RandomTranslation(width_factor=0.2)`` | of the width, +-20% |
| ``height_shift_range=0.2`` | ``RandomTranslation(height_factor=0.2)`` | of the height, +-20% |
| ``shear_range=0.2`` | ``RandomShear(x_factor=0.2)`` | see below |
| ``zoom_range=0.2`` | ``RandomZoom(0.2, 0.2)`` | factors 0.8-1.2, each axis independently |
| ``horizontal_flip=True`` | ``RandomFlip("horizontal")`` | flips half of the images |
| ``fill_mode='nearest'`` | ``fill_mode="nearest"`` on every geometric layer | nearest edge pixel |
| ``rescale=1/255`` | ``Rescaling(1 / 255)`` | not augmentation (see below) |

``RandomRotation``'s factor is a fraction of a full turn: 40 / 360 is +-40 degrees. One
``RandomTranslation`` layer does both shifts. ``RandomZoom`` draws the factor for each axis
independently, as the generator did. The report's ``horizontal_flip=0.2`` was only "true": it
is not a probability. ``fill_mode="nearest"`` repeats the nearest edge pixel for pixels from
outside the image. ``Rescaling`` is not augmentation: it belongs to the model and runs at
inference too.

Shear: Keras 3.15 has ``keras.layers.RandomShear``, used here. Its factor is the shear
*slope* (0.2 moves a row by up to 20% of the image height), applied about the top-left
corner. The legacy generator read ``shear_range`` as an *angle in degrees* (so 0.2 meant a
0.2-degree shear, slope 0.0035: practically nothing), while Keras 1/2.0, where the value 0.2
comes from, read it in radians (slope tan 0.2 = 0.203). ``x_factor=0.2`` keeps the visible
shear the setting was chosen for; pass ``shear=0.0035`` for the TF 2.x generator's literal
behaviour.

Other differences: the generator composed one affine transform and resampled once; the
layers resample once each (slightly blurrier). The layers only act when called with
``training=True`` (inside ``fit``); at inference and in ``evaluate`` they pass images
through unchanged. Each layer gets its own seed (``seed``, ``seed + 1``, ...), so that
their random draws are not the same numbers.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from cnncourse.plotting import plot_augmented_versions

# The CS577 ImageDataGenerator settings (Task 1, frozen VGG16 base with augmentation).
CS577_SETTINGS = {
    "rotation_range": 40,
    "width_shift_range": 0.2,
    "height_shift_range": 0.2,
    "shear_range": 0.2,
    "zoom_range": 0.2,
    "horizontal_flip": True,
    "fill_mode": "nearest",
}


def augmentation(
    *,
    rotation_degrees: float = 40.0,
    width_shift: float = 0.2,
    height_shift: float = 0.2,
    shear: float = 0.2,
    zoom: float = 0.2,
    horizontal_flip: bool = True,
    fill_mode: str = "nearest",
    interpolation: str = "bilinear",
    seed: int = 0,
    name: str = "augmentation",
):
    """A ``keras.Sequential`` of seeded preprocessing layers; the defaults are the CS577 ones.

    A setting of 0 (or ``horizontal_flip=False``) leaves its layer out. Put the result at
    the start of a model (it acts in training only) or map it over a ``tf.data`` pipeline
    with ``training=True``.
    """
    import keras

    for label, value in (
        ("rotation_degrees", rotation_degrees),
        ("width_shift", width_shift),
        ("height_shift", height_shift),
        ("shear", shear),
        ("zoom", zoom),
    ):
        if not isinstance(value, (int, float)) or value < 0:
            raise ValueError(f"{label} must be a non-negative number, got {value!r}")
    if rotation_degrees > 180:
        raise ValueError(f"rotation_degrees must be at most 180, got {rotation_degrees}")
    for label, value in (
        ("width_shift", width_shift),
        ("height_shift", height_shift),
        ("shear", shear),
        ("zoom", zoom),
    ):
        if value > 1:
            raise ValueError(
                f"{label} is a fraction of the image and must be at most 1, got {value}"
            )
    geometry = {"fill_mode": fill_mode, "interpolation": interpolation}
    layers = []
    seeds = iter(range(seed, seed + 10))
    if rotation_degrees:
        layers.append(
            keras.layers.RandomRotation(
                rotation_degrees / 360.0, seed=next(seeds), name="rotation", **geometry
            )
        )
    if width_shift or height_shift:
        layers.append(
            keras.layers.RandomTranslation(
                height_shift, width_shift, seed=next(seeds), name="shift", **geometry
            )
        )
    if shear:
        layers.append(
            keras.layers.RandomShear(
                x_factor=shear, y_factor=0.0, seed=next(seeds), name="shear", **geometry
            )
        )
    if zoom:
        layers.append(
            keras.layers.RandomZoom(zoom, zoom, seed=next(seeds), name="zoom", **geometry)
        )
    if horizontal_flip:
        layers.append(keras.layers.RandomFlip("horizontal", seed=next(seeds), name="flip"))
    if not layers:
        raise ValueError("every augmentation is switched off: nothing to build")
    return keras.Sequential(layers, name=name)


def cs577_augmentation(seed: int = 0):
    """The CS577 report's augmentation (`CS577_SETTINGS`) as Keras 3 layers."""
    return augmentation(seed=seed)


def augmented_examples(image, pipeline=None, *, count: int = 8, seed: int = 0) -> np.ndarray:
    """``count`` augmented versions of one image, in the image's own dtype and range.

    ``pipeline`` defaults to a fresh `cs577_augmentation(seed)`; a given pipeline is called
    as it is (its seed generators move on, so calling it again gives new versions).
    """
    import tensorflow as tf

    array = np.asarray(image)
    if array.ndim == 2:
        array = array[..., np.newaxis]
    if array.ndim != 3:
        raise ValueError(f"image must be (H, W) or (H, W, C), got shape {np.shape(image)}")
    if count < 1:
        raise ValueError(f"count must be at least 1, got {count}")
    pipeline = pipeline if pipeline is not None else cs577_augmentation(seed)
    batch = tf.convert_to_tensor(np.repeat(array[np.newaxis], count, axis=0), dtype=tf.float32)
    result = np.asarray(pipeline(batch, training=True))
    if array.dtype == np.uint8:
        return np.clip(np.round(result), 0, 255).astype(np.uint8)
    return result.astype(array.dtype, copy=False)


def plot_augmented(
    image,
    pipeline=None,
    *,
    count: int = 8,
    columns: int = 4,
    seed: int = 0,
    include_original: bool = True,
    title: str | None = None,
    image_size: float = 1.8,
) -> Figure:
    """A grid of augmented versions of one image (the original first, titled "original").

    One axes per image: ``count`` (+1 with the original). uint8 images or floats in [0, 1].
    The versions are `augmented_examples`; `cnncourse.plotting.plot_augmented_versions`
    draws them.
    """
    versions = augmented_examples(image, pipeline, count=count, seed=seed)
    return plot_augmented_versions(
        versions,
        image if include_original else None,
        columns=columns,
        title=title,
        image_size=image_size,
    )
