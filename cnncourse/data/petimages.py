"""Kaggle cats-vs-dogs (``PetImages/Cat``, ``PetImages/Dog``): find it, or write the offline one."""

from __future__ import annotations

from pathlib import Path

from cnncourse.data.offline_folders import cached_offline_folder
from cnncourse.data.pipeline import FolderDatasets, prepare_datasets
from cnncourse.data.sources import OFFLINE, DataFolder, resolve_source
from cnncourse.data.splits import DEFAULT_RATIOS
from cnncourse.profile import current_profile

PETS_FOLDER = "PetImages"
PETS_CLASSES = ("Cat", "Dog")


def find_pets_folder(root) -> Path | None:
    """The PetImages folder at or under ``root`` (``root``, ``root/PetImages``,
    ``root/*/PetImages``), or None."""
    root = Path(root)
    for candidate in (root, root / PETS_FOLDER, *sorted(root.glob(f"*/{PETS_FOLDER}"))):
        if all((candidate / name).is_dir() for name in PETS_CLASSES):
            return candidate
    return None


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
    real = resolve_source(source, find_pets_folder, "PetImages", keras_cache=False)
    if real is not None:
        return DataFolder(real, str(real), PETS_CLASSES)
    profile = current_profile()
    folder = cached_offline_folder(
        "pets",
        PETS_FOLDER,
        PETS_CLASSES,
        per_class or profile.pets_per_class,
        image_size or profile.pets_image_size,
        bad_files=True,
    )
    return DataFolder(folder, OFFLINE, PETS_CLASSES)


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
    profile = current_profile()
    per_class = per_class or profile.pets_per_class
    image_size = image_size or profile.pets_image_size
    folder = pets_folder(source, per_class, image_size)
    return prepare_datasets(
        folder.path,
        per_class,
        image_size,
        batch_size,
        label_mode,
        ratios,
        seed,
        on_disk,
        destination,
        source=folder.source,
    )
