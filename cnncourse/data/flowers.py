"""TF Flowers (``flower_photos/<class>/*.jpg`` + LICENSE.txt): find it, or write the offline one."""

from __future__ import annotations

from pathlib import Path

from cnncourse.data.folder_datasets import (
    FolderDataset,
    dataset_folder,
    find_folder,
    folder_datasets,
)
from cnncourse.data.offline.folders import FLOWERS_LICENSE
from cnncourse.data.pipeline import FolderDatasets
from cnncourse.data.sources import DataFolder
from cnncourse.data.splits import DEFAULT_RATIOS

FLOWERS_FOLDER = "flower_photos"
FLOWERS_CLASSES = ("daisy", "dandelion", "roses", "sunflowers", "tulips")
# Offline images per class when the profile asks for all of them (the real set has 633-898).
OFFLINE_ALL_PER_CLASS = 700

FLOWERS = FolderDataset(
    folder=FLOWERS_FOLDER,
    classes=FLOWERS_CLASSES,
    offline="flowers",
    per_class_setting="flowers_per_class",
    image_size_setting="flowers_image_size",
    keras_cache=True,
    license_text=FLOWERS_LICENSE,
    offline_all_per_class=OFFLINE_ALL_PER_CLASS,
)


def find_flowers_folder(root) -> Path | None:
    """The flower_photos folder at or under ``root`` (also Keras' ``*_extracted`` layout)."""
    return find_folder(FLOWERS, root)


def flowers_folder(
    source="auto", per_class: int | None = None, image_size: int | None = None
) -> DataFolder:
    """A flower_photos folder: the real one, or the offline one written into the cache.

    ``source``: "auto" (``$CNNCOURSE_DATA`` or Keras' cache ``~/.keras/datasets`` when they
    hold flower_photos, else offline), "offline", or the path of a real flower_photos folder.
    Offline: ``per_class`` (default the profile's ``flowers_per_class``) and ``image_size``
    (default ``flowers_image_size``).
    """
    return dataset_folder(FLOWERS, source, per_class, image_size, loader_depth=1)


def flowers_datasets(
    source="auto",
    per_class: int | None = None,
    image_size: int | None = None,
    batch_size: int | None = None,
    label_mode: str = "int",
    ratios=DEFAULT_RATIOS,
    seed: int = 0,
    on_disk: bool = True,
    destination=None,
) -> FolderDatasets:
    """TF Flowers train/val/test datasets (clean, subset, split, read), profile sizes."""
    return folder_datasets(
        FLOWERS,
        source,
        per_class,
        image_size,
        batch_size,
        label_mode,
        ratios,
        seed,
        on_disk,
        destination,
        loader_depth=1,
    )
