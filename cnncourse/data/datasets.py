"""Keras/tf.data datasets and NumPy arrays from class folders or labelled file lists."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from cnncourse.data.errors import DataError, require_folder
from cnncourse.data.files import LabelledFiles, class_folders
from cnncourse.profile import current_profile

LABEL_MODES = ("int", "binary", "categorical")
#: What keras.utils.image_dataset_from_directory reads (its ALLOWLIST_FORMATS).
KERAS_EXTENSIONS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")
#: The first bytes of the formats TensorFlow's decode_image reads.
_MAGIC = (
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"BM", "BMP"),
)


def unreadable_image(path) -> str | None:
    """Why TensorFlow cannot decode ``path`` (empty, or not JPEG/PNG/GIF/BMP by its first
    bytes), or None. Cheap: it reads 8 bytes; `clean_image_folder` checks more deeply."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(8)
    except OSError as error:
        return f"cannot be opened: {error.strerror or error}"
    if not head:
        return "is empty (0 bytes)"
    if not any(head.startswith(magic) for magic, _ in _MAGIC):
        return f"is not a JPEG, PNG, GIF or BMP image (it starts with {head[:4]!r})"
    return None


def check_images(paths, where: str) -> None:
    """DataError naming the first files TensorFlow could not decode (and how many there are)."""
    bad = []
    for path in paths:
        reason = unreadable_image(path)
        if reason:
            bad.append(f"{str(path)!r} {reason}")
    if bad:
        shown = "; ".join(bad[:3]) + (f"; and {len(bad) - 3} more" if len(bad) > 3 else "")
        raise DataError(
            f"{len(bad)} file{'s' * (len(bad) != 1)} in {where} cannot be read as "
            f"images: {shown} (remove them, or run clean_image_folder first)"
        )


def _size_pair(image_size) -> tuple[int, int]:
    if isinstance(image_size, int):
        image_size = (image_size, image_size)
    try:
        height, width = (int(value) for value in image_size)
    except (TypeError, ValueError):
        raise DataError(
            f"image_size must be an int or (height, width), got {image_size!r}"
        ) from None
    if height < 1 or width < 1:
        raise DataError(f"image_size must be positive, got {image_size!r}")
    return height, width


def _check_label_mode(label_mode: str, class_count: int) -> None:
    if label_mode not in LABEL_MODES:
        raise DataError(f"label_mode must be one of {LABEL_MODES}, got {label_mode!r}")
    if label_mode == "binary" and class_count != 2:
        raise DataError(f"label_mode 'binary' needs 2 classes, found {class_count}")


def directory_dataset(
    folder,
    image_size,
    batch_size: int | None = None,
    label_mode: str = "int",
    shuffle: bool = True,
    seed: int = 0,
    class_names=None,
):
    """``keras.utils.image_dataset_from_directory`` on ``folder/<class>/`` (quiet, checked).

    Yields float32 images 0..255 of ``image_size`` and labels as ``label_mode`` says;
    ``batch_size`` defaults to the profile's.
    """
    import keras

    folder = require_folder(folder, "image")
    names = class_folders(folder, class_names)
    _check_label_mode(label_mode, len(names))
    check_images(
        sorted(
            path
            for name in names
            for path in (folder / name).rglob("*")
            if path.suffix.lower() in KERAS_EXTENSIONS and path.is_file()
        ),
        f"image folder {str(folder)!r}",
    )
    batch_size = batch_size or current_profile().batch_size
    return keras.utils.image_dataset_from_directory(
        str(folder),
        labels="inferred",
        label_mode=label_mode,
        class_names=names,
        batch_size=batch_size,
        image_size=_size_pair(image_size),
        shuffle=shuffle,
        seed=seed,
        verbose=False,
    )


def files_dataset(
    files: LabelledFiles,
    image_size,
    batch_size: int | None = None,
    label_mode: str = "int",
    shuffle: bool = True,
    seed: int = 0,
):
    """A batched ``tf.data.Dataset`` that reads, decodes and resizes the files of a list.

    The same images and labels as ``directory_dataset`` would give for the same files.
    """
    import tensorflow as tf

    if len(files) == 0:
        raise DataError("cannot build a dataset from an empty file list")
    _check_label_mode(label_mode, len(files.class_names))
    height, width = _size_pair(image_size)
    check_images(files.paths, "the file list")
    batch_size = batch_size or current_profile().batch_size
    class_count = len(files.class_names)
    paths = tf.constant([str(path) for path in files.paths])
    labels = tf.constant(files.labels)
    dataset = tf.data.Dataset.from_tensor_slices((paths, labels))
    if shuffle:
        dataset = dataset.shuffle(len(files), seed=seed, reshuffle_each_iteration=True)

    def load(path, label):
        image = tf.io.decode_image(tf.io.read_file(path), channels=3, expand_animations=False)
        image = tf.image.resize(image, (height, width), method="bilinear")
        image.set_shape((height, width, 3))
        if label_mode == "binary":
            label = tf.cast(tf.expand_dims(label, -1), tf.float32)
        elif label_mode == "categorical":
            label = tf.one_hot(label, class_count)
        return image, label

    return (
        dataset.map(load, num_parallel_calls=tf.data.AUTOTUNE)
        .batch(batch_size)
        .prefetch(tf.data.AUTOTUNE)
    )


def read_images(files: LabelledFiles, image_size) -> tuple[np.ndarray, np.ndarray]:
    """All files as uint8 arrays (N, H, W, 3), resized with Pillow, and their int64 labels."""
    from PIL import Image

    height, width = _size_pair(image_size)
    images = np.empty((len(files), height, width, 3), dtype=np.uint8)
    for index, path in enumerate(files.paths):
        try:
            with Image.open(Path(path)) as image:
                image = image.convert("RGB")
                if image.size != (width, height):
                    image = image.resize((width, height), Image.Resampling.BILINEAR)
                images[index] = np.asarray(image)
        except (OSError, ValueError, SyntaxError) as error:
            raise DataError(
                f"cannot read image {str(path)!r}: {error} (run clean_image_folder first)"
            ) from None
    return images, files.labels.copy()
