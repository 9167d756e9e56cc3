"""ImageSet: training and test images with labels, class names and where they came from."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from cnncourse.data.errors import DataError


def check_images(images, labels, what: str, class_count: int | None = None):
    """``(images, labels)`` as uint8 (N, H, W, 3) and int64 (N,), or a DataError naming ``what``."""
    images = np.asarray(images)
    labels = np.asarray(labels)
    if images.ndim != 4 or images.shape[-1] != 3:
        raise DataError(f"{what}: images must have shape (N, H, W, 3), got {images.shape}")
    if images.dtype != np.uint8:
        raise DataError(f"{what}: images must be uint8 (0..255), got dtype {images.dtype}")
    if labels.ndim == 2 and labels.shape[1] == 1:
        labels = labels[:, 0]
    if labels.ndim != 1 or len(labels) != len(images):
        raise DataError(
            f"{what}: labels must have shape ({len(images)},) to match the images, "
            f"got {labels.shape}"
        )
    if labels.size and not np.issubdtype(labels.dtype, np.integer):
        raise DataError(f"{what}: labels must be integers, got dtype {labels.dtype}")
    labels = labels.astype(np.int64)
    if class_count is not None and labels.size:
        bad = labels[(labels < 0) | (labels >= class_count)]
        if bad.size:
            raise DataError(
                f"{what}: label {int(bad[0])} is outside 0..{class_count - 1} "
                f"({class_count} classes)"
            )
    return images, labels


@dataclass
class ImageSet:
    """Train and test images (uint8, N x H x W x 3), int64 labels, class names and the source.

    ``source`` says where the images came from: ``"offline"`` for the generated stand-in,
    or the real folder's path, or ``"keras"`` for ``keras.datasets``.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    class_names: list[str]
    source: str
    name: str = ""
    notes: dict = field(default_factory=dict)

    def __post_init__(self):
        self.class_names = [str(name) for name in self.class_names]
        count = len(self.class_names)
        label = self.name or "ImageSet"
        self.x_train, self.y_train = check_images(
            self.x_train, self.y_train, f"{label} training set", count
        )
        self.x_test, self.y_test = check_images(
            self.x_test, self.y_test, f"{label} test set", count
        )

    @property
    def image_shape(self) -> tuple[int, int, int]:
        """The shape of one image, (H, W, 3)."""
        return tuple(self.x_train.shape[1:])

    @property
    def is_offline(self) -> bool:
        """True when the images are the generated offline stand-in, not the real dataset."""
        return self.source == "offline"

    def class_counts(self, split: str = "train") -> dict[str, int]:
        """Images per class in ``split`` ("train" or "test")."""
        labels = {"train": self.y_train, "test": self.y_test}.get(split)
        if labels is None:
            raise DataError(f"split must be 'train' or 'test', got {split!r}")
        counts = np.bincount(labels, minlength=len(self.class_names))
        return {name: int(n) for name, n in zip(self.class_names, counts)}

    def subset(self, train: int | None = None, test: int | None = None) -> ImageSet:
        """The first ``train`` training and ``test`` test images (None keeps them all)."""
        for what, value in (("train", train), ("test", test)):
            if value is not None and value < 0:
                raise DataError(f"{what} count must be at least 0, got {value}")
        return ImageSet(
            self.x_train[:train],
            self.y_train[:train],
            self.x_test[:test],
            self.y_test[:test],
            list(self.class_names),
            self.source,
            self.name,
            dict(self.notes),
        )

    def __repr__(self) -> str:
        return (
            f"ImageSet({self.name or 'images'}: {len(self.x_train)} train + "
            f"{len(self.x_test)} test images of {self.image_shape}, "
            f"{len(self.class_names)} classes, source={self.source!r})"
        )
