"""Fashion-MNIST offline: Debian's `dataset-fashion-mnist` files, read by Keras' own loader.

Debian's package (MIT, Zalando SE) installs all 70,000 images as the four IDX files that
`keras.datasets.fashion_mnist.load_data()` downloads, under ``/usr/share/datasets/fashion-mnist``
(or the folder ``CNNCOURSE_FASHION_MNIST`` names). `load_fashion_mnist` copies any of them
that are missing into Keras' cache folder and then calls Keras' loader, which finds them there
and downloads nothing. Without the files it raises a `DataError` that says how to get them;
a chapter checks `fashion_mnist_available()` first.
"""

from __future__ import annotations

import gzip
import os
import shutil
from pathlib import Path

import numpy as np

from cnncourse.data.errors import DataError
from cnncourse.data.imageset import ImageSet

DEBIAN_FOLDER = Path("/usr/share/datasets/fashion-mnist")
FOLDER_VARIABLE = "CNNCOURSE_FASHION_MNIST"
FILES = (
    "train-labels-idx1-ubyte.gz",
    "train-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
)
CLASS_NAMES = [
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
]
# The first bytes of an IDX file: 0, 0, the type (8 = unsigned byte), the number of dimensions.
_MAGIC = {"labels": b"\x00\x00\x08\x01", "images": b"\x00\x00\x08\x03"}
INSTALL_HINT = (
    "install Debian's package with `apt-get install dataset-fashion-mnist`, or put "
    "the four files of keras.datasets.fashion_mnist in the folder "
    f"${FOLDER_VARIABLE}"
)


def source_folder() -> Path:
    """Where the course looks for the four IDX files (``$CNNCOURSE_FASHION_MNIST`` or Debian's)."""
    return Path(os.environ.get(FOLDER_VARIABLE) or DEBIAN_FOLDER)


def keras_folder() -> Path:
    """Keras' cache folder for Fashion-MNIST, by Keras' own rule (read when Keras is imported):
    ``$KERAS_HOME/datasets/fashion-mnist``, else ``~/.keras/...``, else ``/tmp/.keras/...``."""
    if "KERAS_HOME" in os.environ:
        home = Path(os.environ["KERAS_HOME"])
    else:
        base = os.path.expanduser("~")
        home = Path(base if os.access(base, os.W_OK) else "/tmp") / ".keras"
    if not os.access(home if home.exists() else home.parent, os.W_OK):
        home = Path("/tmp") / ".keras"
    return home / "datasets" / "fashion-mnist"


def _check_idx(path: Path) -> None:
    kind = "labels" if "labels" in path.name else "images"
    try:
        with gzip.open(path, "rb") as stream:
            head = stream.read(4)
    except (OSError, EOFError) as error:
        raise DataError(f"{path}: not a gzip-compressed IDX file ({error})") from error
    if head != _MAGIC[kind]:
        raise DataError(
            f"{path}: not an IDX {kind} file (it starts with {head!r}, expected {_MAGIC[kind]!r})"
        )


def fashion_mnist_available() -> bool:
    """Whether all four files are in Keras' cache or in the source folder."""
    return all(
        (keras_folder() / name).is_file() or (source_folder() / name).is_file() for name in FILES
    )


def install_into_keras_cache() -> Path:
    """Copy the files Keras' cache lacks from the source folder; Keras' folder, or a DataError."""
    target = keras_folder()
    missing = [name for name in FILES if not (target / name).is_file()]
    absent = [name for name in missing if not (source_folder() / name).is_file()]
    if absent:
        raise DataError(
            f"Fashion-MNIST: {', '.join(absent)} not in {source_folder()} nor in "
            f"{target}: {INSTALL_HINT}"
        )
    for name in missing:
        _check_idx(source_folder() / name)
        target.mkdir(parents=True, exist_ok=True)
        partial = target / f".{name}.partial"
        shutil.copyfile(source_folder() / name, partial)
        partial.replace(target / name)
    return target


def load_fashion_mnist(train: int | None = None, test: int | None = None) -> ImageSet:
    """Fashion-MNIST as an ImageSet of 28x28 RGB uint8 images (the first ``train``/``test``).

    The grey images are repeated over three channels, as every loader here gives RGB.
    """
    folder = install_into_keras_cache()
    for name in FILES:
        _check_idx(folder / name)
    import keras

    try:
        (x_train, y_train), (x_test, y_test) = keras.datasets.fashion_mnist.load_data()
    except (OSError, ValueError, EOFError) as error:
        raise DataError(
            f"Fashion-MNIST: Keras could not read the files in {folder}: {error}"
        ) from error

    def rgb(images):
        return np.repeat(images[..., None], 3, axis=-1)

    return ImageSet(
        rgb(x_train[:train]),
        y_train[:train],
        rgb(x_test[:test]),
        y_test[:test],
        CLASS_NAMES,
        source=str(source_folder()),
        name="Fashion-MNIST",
        notes={"licence": "MIT (Zalando SE)", "package": "dataset-fashion-mnist"},
    )


__all__ = [
    "CLASS_NAMES",
    "DEBIAN_FOLDER",
    "fashion_mnist_available",
    "install_into_keras_cache",
    "keras_folder",
    "load_fashion_mnist",
    "source_folder",
]
