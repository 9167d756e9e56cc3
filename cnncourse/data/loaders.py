"""CIFAR-10 and STL-10 as ImageSets: the real files when present, the offline shapes otherwise."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from cnncourse.data.align import CIFAR_STL_ALIGNMENT, ClassAlignment
from cnncourse.data.cifar10 import CIFAR10_CLASSES, download_cifar10, read_cifar10
from cnncourse.data.errors import DataError
from cnncourse.data.imageset import ImageSet
from cnncourse.data.offline import generate, offline_set
from cnncourse.data.offline.shapes import CIFAR_LIKE_CLASSES, STL_LIKE_CLASSES, SYNONYMS
from cnncourse.data.sources import OFFLINE, resolve_source
from cnncourse.data.stl10 import STL10_CLASSES, read_stl10
from cnncourse.profile import current_profile

DOWNLOAD = "download"

# The offline pair aligns like the real one: crescent and ring dropped, box == square.
OFFLINE_ALIGNMENT = ClassAlignment(
    tuple(name for name in CIFAR_LIKE_CLASSES if name != "crescent"), dict(SYNONYMS)
)


def find_cifar10_files(root) -> Path | None:
    """The folder with ``data_batch_1`` and ``test_batch`` at or under ``root``, or None."""
    root = Path(root)
    for candidate in (
        root,
        root / "cifar-10-batches-py",
        root / "cifar-10-batches-py-target" / "cifar-10-batches-py",
    ):
        if (candidate / "data_batch_1").is_file() and (candidate / "test_batch").is_file():
            return candidate
    return None


def find_stl10_files(root) -> Path | None:
    """The folder with ``train_X.bin`` and ``test_X.bin`` at or under ``root``, or None."""
    root = Path(root)
    for candidate in (root, root / "stl10_binary", *sorted(root.glob("*/stl10_binary"))):
        if (candidate / "train_X.bin").is_file() and (candidate / "test_X.bin").is_file():
            return candidate
    return None


def offline_image_set(
    name: str, train: int, test: int, image_size: int | None = None, description: str = ""
) -> ImageSet:
    """Train and test images of an offline dataset as an ImageSet (source "offline")."""
    spec = offline_set(name)
    x_train, y_train = generate(name, "train", train, image_size)
    x_test, y_test = generate(name, "test", test, image_size)
    return ImageSet(
        x_train,
        y_train,
        x_test,
        y_test,
        list(spec.classes),
        OFFLINE,
        name,
        {"description": description or spec.description},
    )


def _resize(images: np.ndarray, size: int) -> np.ndarray:
    from PIL import Image

    if images.shape[1] == size:
        return images
    resized = np.empty((len(images), size, size, 3), dtype=np.uint8)
    for index, image in enumerate(images):
        resized[index] = np.asarray(
            Image.fromarray(image).resize((size, size), Image.Resampling.BILINEAR)
        )
    return resized


def load_cifar10(source="auto", train: int | None = None, test: int | None = None) -> ImageSet:
    """CIFAR-10 (32x32, 10 classes) with the profile's ``cifar_train``/``cifar_test`` sizes.

    ``source``: "auto" (``$CNNCOURSE_DATA/cifar-10-batches-py`` or Keras' cache when present,
    else the offline shapes32 stand-in), "offline", "download" (``keras.datasets``), or the
    path of a ``cifar-10-batches-py`` folder. ``.source`` of the result says which was used.
    """
    profile = current_profile()
    train = profile.cifar_train if train is None else train
    test = profile.cifar_test if test is None else test
    if str(source) == DOWNLOAD:
        return download_cifar10(train, test)
    real = resolve_source(source, find_cifar10_files, "CIFAR-10")
    if real is not None:
        return read_cifar10(real, train, test)
    return offline_image_set("shapes32", train, test, 32)


def load_stl10(
    source="auto", train: int | None = None, test: int | None = None, image_size: int | None = None
) -> ImageSet:
    """STL-10's labelled images with the profile's ``stl_train``/``stl_test`` sizes.

    ``source``: "auto" (``$CNNCOURSE_DATA/stl10_binary`` when present, else the offline
    shapes96 stand-in), "offline", or the path of an ``stl10_binary`` folder. Images are
    96x96, or resized to ``image_size`` (default: the profile's ``stl_image_size``).
    """
    profile = current_profile()
    train = profile.stl_train if train is None else train
    test = profile.stl_test if test is None else test
    image_size = image_size or profile.stl_image_size
    real = resolve_source(source, find_stl10_files, "STL-10", keras_cache=False)
    if real is None:
        return offline_image_set("shapes96", train, test, image_size)
    data = read_stl10(real, train, test)
    if image_size != data.x_train.shape[1]:
        data = ImageSet(
            _resize(data.x_train, image_size),
            data.y_train,
            _resize(data.x_test, image_size),
            data.y_test,
            data.class_names,
            data.source,
            data.name,
            dict(data.notes),
        )
    return data


def cifar_stl_alignment(cifar: ImageSet, stl: ImageSet) -> ClassAlignment:
    """The alignment for this CIFAR-10 / STL-10 pair: the real one or the offline one."""
    pairs = (
        (CIFAR10_CLASSES, STL10_CLASSES, CIFAR_STL_ALIGNMENT),
        (CIFAR_LIKE_CLASSES, STL_LIKE_CLASSES, OFFLINE_ALIGNMENT),
    )
    for first, second, alignment in pairs:
        if list(cifar.class_names) == list(first) and list(stl.class_names) == list(second):
            return alignment
    raise DataError(
        f"cannot align classes {cifar.class_names} (source {cifar.source!r}) with "
        f"{stl.class_names} (source {stl.source!r}): use both real sets or both "
        "offline sets, or build a ClassAlignment yourself"
    )


def align_cifar_stl(cifar: ImageSet, stl: ImageSet) -> tuple[ImageSet, ImageSet]:
    """Both sets reduced to their nine shared classes, relabelled in one order."""
    alignment = cifar_stl_alignment(cifar, stl)
    return alignment.apply_set(cifar), alignment.apply_set(stl)
