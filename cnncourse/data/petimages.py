"""Kaggle cats-vs-dogs (``PetImages/Cat``, ``PetImages/Dog``): find it, or write the offline one."""

from __future__ import annotations

from pathlib import Path

from cnncourse.data.folder_datasets import (
    FolderDataset,
    dataset_folder,
    find_folder,
    folder_datasets,
)
from cnncourse.data.pipeline import FolderDatasets
from cnncourse.data.sources import DataFolder
from cnncourse.data.splits import DEFAULT_RATIOS

PETS_FOLDER = "PetImages"
PETS_CLASSES = ("Cat", "Dog")

PETS = FolderDataset(
    folder=PETS_FOLDER,
    classes=PETS_CLASSES,
    offline="pets",
    per_class_setting="pets_per_class",
    image_size_setting="pets_image_size",
    keras_cache=False,
    bad_files=True,
)


def find_pets_folder(root) -> Path | None:
    """The PetImages folder at or under ``root`` (``root``, ``root/PetImages``,
    ``root/*/PetImages``), or None."""
    return find_folder(PETS, root)


def pets_folder(
    source="auto", per_class: int | None = None, image_size: int | None = None
) -> DataFolder:
    """A PetImages folder: the real one, or the offline one written into the cache.

    ``source``: "auto" (``$CNNCOURSE_DATA/PetImages`` when present, else offline),
    "offline", or the path of a real PetImages folder. The offline folder holds a few more
    than ``per_class`` images of each class (default: the profile's ``pets_per_class``) of
    side ``image_size`` (default ``pets_image_size``), plus the bad files of the real
    download: an empty, a truncated, a corrupt and a text .jpg, and Thumbs.db files.
    """
    return dataset_folder(PETS, source, per_class, image_size, loader_depth=1)


def pets_datasets(
    source="auto",
    per_class: int | None = None,
    image_size: int | None = None,
    batch_size: int | None = None,
    label_mode: str = "binary",
    ratios=DEFAULT_RATIOS,
    seed: int = 0,
    on_disk: bool = True,
    destination=None,
) -> FolderDatasets:
    """Cats-vs-dogs train/val/test datasets, as the CS577 assignment prepared them.

    Cleans the folder, keeps ``per_class`` images of each class (profile default), splits
    them with ``seed`` and builds Keras datasets of ``image_size`` (profile default) and
    ``batch_size``; see ``prepare_datasets``.
    """
    return folder_datasets(
        PETS,
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
