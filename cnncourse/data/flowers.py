"""TF Flowers (``flower_photos/<class>/*.jpg`` + LICENSE.txt): find it, or write the offline one."""

from __future__ import annotations

from pathlib import Path

from cnncourse.data.offline_folders import FLOWERS_LICENSE, cached_offline_folder
from cnncourse.data.pipeline import FolderDatasets, prepare_datasets
from cnncourse.data.sources import OFFLINE, DataFolder, resolve_source
from cnncourse.data.splits import DEFAULT_RATIOS
from cnncourse.profile import current_profile

FLOWERS_FOLDER = "flower_photos"
FLOWERS_CLASSES = ("daisy", "dandelion", "roses", "sunflowers", "tulips")
# Offline images per class when the profile asks for all of them (the real set has 633-898).
OFFLINE_ALL_PER_CLASS = 700


def find_flowers_folder(root) -> Path | None:
    """The flower_photos folder at or under ``root`` (also Keras' ``*_extracted`` layout)."""
    root = Path(root)
    candidates = (root, root / FLOWERS_FOLDER, *sorted(root.glob(f"*/{FLOWERS_FOLDER}")))
    for candidate in candidates:
        if all((candidate / name).is_dir() for name in FLOWERS_CLASSES):
            return candidate
    return None


def flowers_folder(
    source="auto", per_class: int | None = None, image_size: int | None = None
) -> DataFolder:
    """A flower_photos folder: the real one, or the offline one written into the cache.

    ``source``: "auto" (``$CNNCOURSE_DATA`` or Keras' cache ``~/.keras/datasets`` when they
    hold flower_photos, else offline), "offline", or the path of a real flower_photos folder.
    Offline: ``per_class`` (default the profile's ``flowers_per_class``) and ``image_size``
    (default ``flowers_image_size``).
    """
    real = resolve_source(source, find_flowers_folder, "flower_photos", keras_cache=True)
    if real is not None:
        return DataFolder(real, str(real), FLOWERS_CLASSES)
    profile = current_profile()
    per_class = per_class or profile.flowers_per_class or OFFLINE_ALL_PER_CLASS
    folder = cached_offline_folder(
        "flowers",
        FLOWERS_FOLDER,
        FLOWERS_CLASSES,
        per_class,
        image_size or profile.flowers_image_size,
        license_text=FLOWERS_LICENSE,
    )
    return DataFolder(folder, OFFLINE, FLOWERS_CLASSES)


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
    profile = current_profile()
    per_class = per_class or profile.flowers_per_class
    image_size = image_size or profile.flowers_image_size
    folder = flowers_folder(source, per_class, image_size)
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
