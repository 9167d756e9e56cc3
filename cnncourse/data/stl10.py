"""STL-10 from its binary files (train_X.bin, train_y.bin, test_X.bin, test_y.bin, class_names.txt).

Format (https://cs.stanford.edu/~acoates/stl10/): each image is 3*96*96 bytes, the red, green
then blue channel, and each channel is stored column by column (column-major, as MATLAB
writes it). Labels are one byte per image, 1..10; they become 0..9 here.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from cnncourse.data.errors import DataError, require_file, require_folder
from cnncourse.data.imageset import ImageSet

STL10_CLASSES = [
    "airplane",
    "bird",
    "car",
    "cat",
    "deer",
    "dog",
    "horse",
    "monkey",
    "ship",
    "truck",
]
FOLDER_NAME = "stl10_binary"
SIDE = 96
IMAGE_BYTES = 3 * SIDE * SIDE
CLASS_NAMES_FILE = "class_names.txt"


def count_stl10_images(path) -> int:
    """How many images an STL-10 ``*_X.bin`` file holds; DataError when it is truncated."""
    path = require_file(path, "STL-10 image")
    size = path.stat().st_size
    if size == 0 or size % IMAGE_BYTES:
        raise DataError(
            f"STL-10 image file {str(path)!r} is truncated or not an STL-10 file: its "
            f"{size} bytes are not a whole number of images of {IMAGE_BYTES} bytes "
            f"(3 x {SIDE} x {SIDE})"
        )
    return size // IMAGE_BYTES


def read_stl10_images(path, limit: int | None = None) -> np.ndarray:
    """Images (N, 96, 96, 3) uint8 of an STL-10 ``*_X.bin`` file (the first ``limit``)."""
    path = Path(path)
    total = count_stl10_images(path)
    count = total if limit is None else min(limit, total)
    flat = np.fromfile(path, dtype=np.uint8, count=count * IMAGE_BYTES)
    # Axes as stored: image, channel, column, row -> image, row, column, channel.
    images = flat.reshape(count, 3, SIDE, SIDE).transpose(0, 3, 2, 1)
    return np.ascontiguousarray(images)


def read_stl10_labels(path, limit: int | None = None) -> np.ndarray:
    """Labels (N,) int64 in 0..9 of an STL-10 ``*_y.bin`` file (stored as 1..10)."""
    path = require_file(path, "STL-10 label")
    raw = np.fromfile(path, dtype=np.uint8)
    if raw.size == 0:
        raise DataError(f"STL-10 label file {str(path)!r} is empty")
    bad = raw[(raw < 1) | (raw > 10)]
    if bad.size:
        raise DataError(
            f"STL-10 label file {str(path)!r}: label {int(bad[0])} is outside "
            "1..10 (is it really an STL-10 label file?)"
        )
    return raw[:limit].astype(np.int64) - 1


def read_stl10_class_names(folder) -> list[str]:
    """The ten class names of ``class_names.txt`` (the standard ten when the file is absent)."""
    path = Path(folder) / CLASS_NAMES_FILE
    if not path.exists():
        return list(STL10_CLASSES)
    names = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    names = [name for name in names if name]
    if len(names) != 10:
        raise DataError(
            f"STL-10 file {str(path)!r} must list 10 class names, one a line; found {len(names)}"
        )
    return names


def find_stl10_folder(folder) -> Path:
    """The ``stl10_binary`` folder at or directly inside ``folder``."""
    folder = require_folder(folder, "STL-10")
    inner = folder / FOLDER_NAME
    return inner if inner.is_dir() else folder


def _read_split(folder: Path, split: str, limit: int | None):
    images_path, labels_path = folder / f"{split}_X.bin", folder / f"{split}_y.bin"
    for path in (images_path, labels_path):
        if not path.is_file():
            raise DataError(
                f"STL-10 folder {str(folder)!r} has no file {path.name!r} (expected "
                "train_X.bin, train_y.bin, test_X.bin, test_y.bin)"
            )
    image_count = count_stl10_images(images_path)
    labels = read_stl10_labels(labels_path)
    if len(labels) != image_count:
        raise DataError(
            f"STL-10 folder {str(folder)!r}: {images_path.name} holds {image_count} "
            f"images but {labels_path.name} holds {len(labels)} labels"
        )
    return read_stl10_images(images_path, limit), labels[:limit]


def read_stl10(folder, train: int | None = None, test: int | None = None) -> ImageSet:
    """STL-10's labelled images from a local ``stl10_binary`` folder (or its parent).

    ``train`` and ``test`` keep the first so many images (None: all 5,000 and 8,000).
    """
    folder = find_stl10_folder(folder)
    class_names = read_stl10_class_names(folder)
    x_train, y_train = _read_split(folder, "train", train)
    x_test, y_test = _read_split(folder, "test", test)
    return ImageSet(
        x_train, y_train, x_test, y_test, class_names, source=str(folder), name="STL-10"
    )
