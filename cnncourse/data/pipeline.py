"""The whole folder pipeline in one call: clean, take a subset, split, build the datasets."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from pathlib import Path

from cnncourse.data.cleaning import CleaningReport, clean_image_folder
from cnncourse.data.datasets import directory_dataset, files_dataset
from cnncourse.data.splits import DEFAULT_RATIOS, Split, split_files, take_per_class, write_split
from cnncourse.paths import cache_dir


@dataclass
class FolderDatasets:
    """Train, validation and test datasets of a class folder, and how they were made."""

    train: object
    val: object
    test: object
    class_names: tuple[str, ...]
    source: str
    report: CleaningReport
    split: Split
    split_folder: Path | None

    def __repr__(self) -> str:
        # The folder itself is in `split_folder`: a printed dataset shows no cache path.
        where = "on disk" if self.split_folder else "in memory"
        return (
            f"FolderDatasets(classes={list(self.class_names)}, source={self.source!r}, "
            f"split {where}: {self.split})"
        )


def default_split_folder(folder, per_class, ratios, seed) -> Path:
    """A cache folder for the on-disk split of ``folder`` with these settings."""
    key = zlib.crc32(f"{Path(folder).resolve()}|{per_class}|{tuple(ratios)}|{seed}".encode())
    return cache_dir("data", "splits") / f"{Path(folder).name}-{key:08x}"


def prepare_datasets(
    folder,
    per_class: int | None,
    image_size,
    batch_size: int | None = None,
    label_mode: str = "int",
    ratios=DEFAULT_RATIOS,
    seed: int = 0,
    on_disk: bool = True,
    destination=None,
    source: str | None = None,
) -> FolderDatasets:
    """Clean ``folder/<class>/``, keep ``per_class`` images per class, split, make datasets.

    ``on_disk=True`` writes ``train/ val/ test/`` class folders (to ``destination``, by
    default a cache folder) and reads them with ``image_dataset_from_directory``;
    ``on_disk=False`` keeps the split as file lists and reads them with tf.data. Only the
    training set is shuffled.
    """
    report = clean_image_folder(folder)
    files = take_per_class(report.kept, per_class)
    split = split_files(files, ratios, seed)
    datasets, split_folder = {}, None
    if on_disk:
        split_folder = write_split(
            split, destination or default_split_folder(folder, per_class, ratios, seed)
        )
        for name in ("train", "val", "test"):
            if len(split.parts()[name]):
                datasets[name] = directory_dataset(
                    split_folder / name,
                    image_size,
                    batch_size,
                    label_mode,
                    shuffle=name == "train",
                    seed=seed,
                    class_names=list(split.class_names),
                )
    else:
        for name, part in split.parts().items():
            if len(part):
                datasets[name] = files_dataset(
                    part, image_size, batch_size, label_mode, shuffle=name == "train", seed=seed
                )
    return FolderDatasets(
        datasets.get("train"),
        datasets.get("val"),
        datasets.get("test"),
        split.class_names,
        source or str(folder),
        report,
        split,
        split_folder,
    )
