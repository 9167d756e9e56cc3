"""CIFAR-10 from its python pickle batches (data_batch_1..5, test_batch, batches.meta)."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np

from cnncourse.data.errors import DataError, require_file, require_folder
from cnncourse.data.imageset import ImageSet

CIFAR10_CLASSES = [
    "airplane",
    "automobile",
    "bird",
    "cat",
    "deer",
    "dog",
    "frog",
    "horse",
    "ship",
    "truck",
]
FOLDER_NAME = "cifar-10-batches-py"
TRAIN_BATCHES = [f"data_batch_{number}" for number in range(1, 6)]
TEST_BATCH = "test_batch"
META_FILE = "batches.meta"
IMAGE_BYTES = 3 * 32 * 32

# The only globals a CIFAR-10 pickle needs (NumPy arrays, Python 2 byte strings).
_ALLOWED_GLOBALS = {
    ("numpy.core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "_reconstruct"),
    ("numpy.core.multiarray", "scalar"),
    ("numpy._core.multiarray", "scalar"),
    ("numpy", "ndarray"),
    ("numpy", "dtype"),
    ("_codecs", "encode"),
}


class _BatchUnpickler(pickle.Unpickler):
    """An unpickler that builds NumPy arrays and plain containers and nothing else."""

    def find_class(self, module, name):
        if (module, name) not in _ALLOWED_GLOBALS:
            raise pickle.UnpicklingError(f"refusing to load object {module}.{name}")
        return super().find_class(module, name)


def _unpickle(path: Path) -> dict:
    """The dictionary stored in a CIFAR pickle file, with str keys; DataError when unreadable."""
    try:
        with path.open("rb") as handle:
            content = _BatchUnpickler(handle, encoding="bytes").load()
    except EOFError:
        raise DataError(
            f"CIFAR-10 file {str(path)!r} is truncated (ends in the middle of the pickle)"
        ) from None
    except (
        pickle.UnpicklingError,
        ValueError,
        TypeError,
        AttributeError,
        ImportError,
        IndexError,
        KeyError,
        MemoryError,
        OverflowError,
    ) as error:
        raise DataError(
            f"CIFAR-10 file {str(path)!r} is not a readable CIFAR-10 pickle batch: {error}"
        ) from None
    if not isinstance(content, dict):
        raise DataError(
            f"CIFAR-10 file {str(path)!r} holds a {type(content).__name__}, "
            "expected a dict with keys b'data' and b'labels'"
        )
    return {
        key.decode("latin1") if isinstance(key, bytes) else str(key): value
        for key, value in content.items()
    }


def read_cifar10_batch(path) -> tuple[np.ndarray, np.ndarray]:
    """Images (N, 32, 32, 3) uint8 and labels (N,) int64 of one CIFAR-10 pickle batch."""
    path = require_file(path, "CIFAR-10 batch")
    content = _unpickle(path)
    for key in ("data", "labels"):
        if key not in content:
            raise DataError(
                f"CIFAR-10 file {str(path)!r} has no b'{key}' entry (keys: {sorted(content)})"
            )
    data = np.asarray(content["data"])
    if data.dtype != np.uint8:
        raise DataError(f"CIFAR-10 file {str(path)!r}: b'data' must be uint8, got {data.dtype}")
    if data.ndim != 2 or data.shape[1] != IMAGE_BYTES:
        raise DataError(
            f"CIFAR-10 file {str(path)!r}: b'data' must have shape (N, {IMAGE_BYTES})"
            f", got {data.shape}"
        )
    try:
        labels = np.asarray(content["labels"], dtype=np.int64)
    except (TypeError, ValueError):
        raise DataError(
            f"CIFAR-10 file {str(path)!r}: b'labels' is not a list of integers"
        ) from None
    if labels.shape != (len(data),):
        raise DataError(f"CIFAR-10 file {str(path)!r}: {len(data)} images but {labels.size} labels")
    bad = labels[(labels < 0) | (labels > 9)]
    if bad.size:
        raise DataError(f"CIFAR-10 file {str(path)!r}: label {int(bad[0])} is outside 0..9")
    # Each row is 1024 red, then 1024 green, then 1024 blue values, each a row-major 32x32 plane.
    images = data.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
    return np.ascontiguousarray(images), labels


def read_cifar10_class_names(folder) -> list[str]:
    """The class names in ``batches.meta`` (the standard ten when the file is absent)."""
    path = Path(folder) / META_FILE
    if not path.exists():
        return list(CIFAR10_CLASSES)
    content = _unpickle(path)
    names = content.get("label_names")
    if not isinstance(names, (list, tuple)) or len(names) != 10:
        raise DataError(f"CIFAR-10 file {str(path)!r}: b'label_names' must list 10 class names")
    return [name.decode("utf-8") if isinstance(name, bytes) else str(name) for name in names]


def find_cifar10_folder(folder) -> Path:
    """The ``cifar-10-batches-py`` folder at or directly inside ``folder``."""
    folder = require_folder(folder, "CIFAR-10")
    inner = folder / FOLDER_NAME
    return inner if inner.is_dir() else folder


def _read_batches(folder: Path, names: list[str], limit: int | None):
    images, labels, total = [], [], 0
    for name in names:
        if limit is not None and total >= limit:
            break
        path = folder / name
        if not path.is_file():
            raise DataError(
                f"CIFAR-10 folder {str(folder)!r} has no file {name!r} "
                f"(expected {', '.join(TRAIN_BATCHES)}, {TEST_BATCH})"
            )
        batch_images, batch_labels = read_cifar10_batch(path)
        images.append(batch_images)
        labels.append(batch_labels)
        total += len(batch_labels)
    return np.concatenate(images)[:limit], np.concatenate(labels)[:limit]


def read_cifar10(folder, train: int | None = None, test: int | None = None) -> ImageSet:
    """CIFAR-10 from a local ``cifar-10-batches-py`` folder (or its parent).

    ``train`` and ``test`` keep the first so many images (None: all 50,000 and 10,000);
    only the batches needed are read.
    """
    folder = find_cifar10_folder(folder)
    class_names = read_cifar10_class_names(folder)
    x_train, y_train = _read_batches(folder, TRAIN_BATCHES, train)
    x_test, y_test = _read_batches(folder, [TEST_BATCH], test)
    return ImageSet(
        x_train, y_train, x_test, y_test, class_names, source=str(folder), name="CIFAR-10"
    )


def download_cifar10(train: int | None = None, test: int | None = None) -> ImageSet:
    """CIFAR-10 through ``keras.datasets.cifar10.load_data()`` (downloads it once, ~170 MB)."""
    import keras

    try:
        (x_train, y_train), (x_test, y_test) = keras.datasets.cifar10.load_data()
    except Exception as error:  # noqa: BLE001  (network, checksum or extraction failures)
        raise DataError(
            f"could not download CIFAR-10 with keras.datasets.cifar10: {error}"
        ) from None
    return ImageSet(
        x_train[:train],
        y_train[:train, 0],
        x_test[:test],
        y_test[:test, 0],
        list(CIFAR10_CLASSES),
        source="keras",
        name="CIFAR-10",
    )
