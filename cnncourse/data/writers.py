"""Write arrays in the real on-disk formats: CIFAR-10 pickles, STL-10 binaries, image folders.

The tests and the book use them to run the real readers on small or offline data; the
offline PetImages folder gets the kinds of bad files the real Kaggle download contains.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np

from cnncourse.data.cifar10 import CIFAR10_CLASSES, META_FILE
from cnncourse.data.cifar10 import FOLDER_NAME as CIFAR_FOLDER
from cnncourse.data.errors import DataError
from cnncourse.data.imageset import check_images
from cnncourse.data.stl10 import CLASS_NAMES_FILE, STL10_CLASSES
from cnncourse.data.stl10 import FOLDER_NAME as STL_FOLDER

JPEG_QUALITY = 92


def _pickle(path: Path, content: dict) -> None:
    with path.open("wb") as handle:
        pickle.dump(content, handle, protocol=2)


def write_cifar10_batches(
    folder, x_train, y_train, x_test, y_test, class_names=CIFAR10_CLASSES, batches: int = 5
) -> Path:
    """Write ``folder/cifar-10-batches-py/`` (data_batch_1..N, test_batch, batches.meta).

    Same layout and pickle content as the real download: dicts with byte-string keys,
    b"data" (N, 3072) uint8 with each row the red, green, blue 32x32 planes, b"labels".
    """
    x_train, y_train = check_images(x_train, y_train, "CIFAR-10 training images", 10)
    x_test, y_test = check_images(x_test, y_test, "CIFAR-10 test images", 10)
    for what, images in (("training", x_train), ("test", x_test)):
        if images.shape[1:] != (32, 32, 3):
            raise DataError(f"CIFAR-10 {what} images must be 32x32x3, got {images.shape[1:]}")
    if len(class_names) != 10:
        raise DataError(f"CIFAR-10 needs 10 class names, got {len(class_names)}")
    target = Path(folder).expanduser() / CIFAR_FOLDER
    target.mkdir(parents=True, exist_ok=True)

    def batch(images, labels, label):
        rows = images.transpose(0, 3, 1, 2).reshape(len(images), -1)
        return {
            b"batch_label": label.encode(),
            b"labels": [int(v) for v in labels],
            b"data": np.ascontiguousarray(rows),
            b"filenames": [f"image_{i:05d}.png".encode() for i in range(len(images))],
        }

    parts = np.array_split(np.arange(len(x_train)), batches)
    for number, indices in enumerate(parts, start=1):
        _pickle(
            target / f"data_batch_{number}",
            batch(x_train[indices], y_train[indices], f"training batch {number} of {batches}"),
        )
    _pickle(target / "test_batch", batch(x_test, y_test, "testing batch 1 of 1"))
    _pickle(
        target / META_FILE,
        {
            b"label_names": [name.encode() for name in class_names],
            b"num_cases_per_batch": len(parts[0]),
            b"num_vis": 3072,
        },
    )
    return target


def write_stl10_binaries(
    folder, x_train, y_train, x_test, y_test, class_names=STL10_CLASSES
) -> Path:
    """Write ``folder/stl10_binary/`` (train_X.bin, train_y.bin, test_X.bin, test_y.bin,
    class_names.txt) in STL-10's format: 96x96 images, channel planes stored column-major,
    labels 1..10 as single bytes."""
    x_train, y_train = check_images(x_train, y_train, "STL-10 training images", 10)
    x_test, y_test = check_images(x_test, y_test, "STL-10 test images", 10)
    for what, images in (("training", x_train), ("test", x_test)):
        if images.shape[1:] != (96, 96, 3):
            raise DataError(f"STL-10 {what} images must be 96x96x3, got {images.shape[1:]}")
    if len(class_names) != 10:
        raise DataError(f"STL-10 needs 10 class names, got {len(class_names)}")
    target = Path(folder).expanduser() / STL_FOLDER
    target.mkdir(parents=True, exist_ok=True)
    for split, images, labels in (("train", x_train, y_train), ("test", x_test, y_test)):
        # image, row, column, channel -> image, channel, column, row (column-major planes)
        np.ascontiguousarray(images.transpose(0, 3, 2, 1)).tofile(target / f"{split}_X.bin")
        (labels + 1).astype(np.uint8).tofile(target / f"{split}_y.bin")
    (target / CLASS_NAMES_FILE).write_text("\n".join(class_names) + "\n", encoding="utf-8")
    return target


def save_jpeg(image: np.ndarray, path) -> None:
    """Save one uint8 RGB image as a JPEG."""
    from PIL import Image

    Image.fromarray(image).save(path, format="JPEG", quality=JPEG_QUALITY)


def write_image_folder(folder, images, labels, class_names, names=None) -> Path:
    """Write ``folder/<class>/<name>.jpg`` for every image (names default to 0, 1, 2, ...)."""
    images, labels = check_images(images, labels, "images to write", len(class_names))
    folder = Path(folder).expanduser()
    counters = {label: 0 for label in range(len(class_names))}
    for index, (image, label) in enumerate(zip(images, labels)):
        class_folder = folder / class_names[label]
        class_folder.mkdir(parents=True, exist_ok=True)
        name = names[index] if names is not None else f"{counters[label]}.jpg"
        counters[label] += 1
        save_jpeg(image, class_folder / name)
    return folder


def plant_bad_files(folder, class_names) -> list[Path]:
    """Add the bad files of the real PetImages: an empty .jpg, a truncated .jpg, a text
    file named .jpg, a corrupt .jpg and a Thumbs.db in each class. Returns their paths."""
    from io import BytesIO

    from PIL import Image

    folder = Path(folder)
    first, second = (folder / name for name in class_names[:2])
    start = 1 + max(int(p.stem) for p in first.glob("*.jpg") if p.stem.isdigit())
    buffer = BytesIO()
    gradient = np.linspace(0, 255, 64 * 64 * 3).reshape(64, 64, 3).astype(np.uint8)
    Image.fromarray(gradient).save(buffer, format="JPEG", quality=JPEG_QUALITY)
    jpeg = buffer.getvalue()
    planted = {
        first / f"{start}.jpg": b"",  # like Cat/666.jpg in the real download
        second / f"{start}.jpg": jpeg[: len(jpeg) // 2],  # truncated
        first / f"{start + 1}.jpg": b"This is not an image, only text with a .jpg name.\n",
        second / f"{start + 1}.jpg": jpeg[:20] + bytes(range(256)) * 4,  # corrupt data
    }
    for class_name in class_names:
        planted[folder / class_name / "Thumbs.db"] = bytes.fromhex("d0cf11e0a1b11ae1") + bytes(504)
    for path, content in planted.items():
        path.write_bytes(content)
    return sorted(planted)
