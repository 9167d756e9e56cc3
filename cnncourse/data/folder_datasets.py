"""Class-per-folder datasets (PetImages, flower_photos): find the real folder or write one."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cnncourse.data.offline.folders import cached_offline_folder
from cnncourse.data.pipeline import FolderDatasets, prepare_datasets
from cnncourse.data.sources import OFFLINE, DataFolder, resolve_source
from cnncourse.data.splits import DEFAULT_RATIOS
from cnncourse.profile import current_profile


@dataclass(frozen=True)
class FolderDataset:
    """The constants of a dataset stored as ``<folder>/<class>/<image>`` files.

    - ``folder``: the folder's name (``"PetImages"``), also the dataset's name in messages;
    - ``classes``: the class folders, in label order;
    - ``offline``: the offline generator's name (`cnncourse.data.offline.OFFLINE_SETS`);
    - ``per_class_setting``, ``image_size_setting``: the `Profile` fields of its sizes;
    - ``keras_cache``: whether Keras' cache ``~/.keras/datasets`` is searched too;
    - ``bad_files``: whether the offline folder gets the bad files of the real download;
    - ``license_text``: the offline folder's LICENSE.txt (None: no licence file);
    - ``offline_all_per_class``: offline images per class when the profile asks for all.
    """

    folder: str
    classes: tuple[str, ...]
    offline: str
    per_class_setting: str
    image_size_setting: str
    keras_cache: bool
    bad_files: bool = False
    license_text: str | None = None
    offline_all_per_class: int | None = None


def find_folder(dataset: FolderDataset, root) -> Path | None:
    """The dataset's folder at or under ``root`` (``root``, ``root/<folder>``,
    ``root/*/<folder>``, as in Keras' ``*_extracted`` layout), or None."""
    root = Path(root)
    candidates = (root, root / dataset.folder, *sorted(root.glob(f"*/{dataset.folder}")))
    for candidate in candidates:
        if all((candidate / name).is_dir() for name in dataset.classes):
            return candidate
    return None


def dataset_folder(
    dataset: FolderDataset,
    source="auto",
    per_class: int | None = None,
    image_size: int | None = None,
    *,
    loader_depth: int = 0,
) -> DataFolder:
    """The real folder that ``source`` names or finds, else the offline one in the cache.

    ``loader_depth``: how many calls stand between the caller's line and this one (0: the
    caller calls this itself), so that a DataSourceWarning points at the caller's line.
    """
    real = resolve_source(
        source,
        lambda root: find_folder(dataset, root),
        dataset.folder,
        keras_cache=dataset.keras_cache,
        loader_depth=loader_depth + 1,
    )
    if real is not None:
        return DataFolder(real, str(real), dataset.classes)
    profile = current_profile()
    per_class = (
        per_class or getattr(profile, dataset.per_class_setting) or dataset.offline_all_per_class
    )
    folder = cached_offline_folder(
        dataset.offline,
        dataset.folder,
        dataset.classes,
        per_class,
        image_size or getattr(profile, dataset.image_size_setting),
        bad_files=dataset.bad_files,
        license_text=dataset.license_text,
    )
    return DataFolder(folder, OFFLINE, dataset.classes)


def folder_datasets(
    dataset: FolderDataset,
    source="auto",
    per_class: int | None = None,
    image_size: int | None = None,
    batch_size: int | None = None,
    label_mode: str = "int",
    ratios=DEFAULT_RATIOS,
    seed: int = 0,
    on_disk: bool = True,
    destination=None,
    *,
    loader_depth: int = 0,
) -> FolderDatasets:
    """Train/val/test datasets of the dataset's folder, with the profile's sizes by default.

    Cleans the folder, keeps ``per_class`` images of each class, splits them with ``seed``
    and builds Keras datasets of ``image_size`` and ``batch_size``; see `prepare_datasets`.
    ``loader_depth`` as in `dataset_folder`.
    """
    profile = current_profile()
    per_class = per_class or getattr(profile, dataset.per_class_setting)
    image_size = image_size or getattr(profile, dataset.image_size_setting)
    folder = dataset_folder(dataset, source, per_class, image_size, loader_depth=loader_depth + 1)
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
