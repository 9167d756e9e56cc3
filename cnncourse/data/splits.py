"""Per-class subsets and reproducible train/validation/test splits, in memory or on disk."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cnncourse.data.errors import DataError
from cnncourse.data.files import LabelledFiles, natural_key

DEFAULT_RATIOS = (0.7, 0.15, 0.15)
SPLIT_NAMES = ("train", "val", "test")
MANIFEST = "split.json"


def take_per_class(
    files: LabelledFiles, per_class: int | None, seed: int | None = None
) -> LabelledFiles:
    """Exactly ``per_class`` files of every class (None: all of them).

    Without a seed the first files in natural order are taken (``0.jpg``, ``1.jpg``, ...),
    as the original assignment did; with a seed, a random sample. A class with fewer files
    raises DataError.
    """
    if per_class is None:
        return files
    if int(per_class) < 1:
        raise DataError(f"per_class must be at least 1, got {per_class}")
    rng = None if seed is None else np.random.default_rng(seed)
    chosen = []
    for label, name in enumerate(files.class_names):
        indices = np.flatnonzero(files.labels == label)
        indices = np.array(
            sorted(indices, key=lambda i: natural_key(files.paths[i])), dtype=np.int64
        )
        if len(indices) < per_class:
            raise DataError(
                f"class {name!r} has only {len(indices)} usable images, fewer "
                f"than the {per_class} asked for"
            )
        if rng is not None:
            indices = np.sort(rng.choice(indices, size=per_class, replace=False))
        chosen.extend(indices[:per_class])
    return files.select(chosen)


def _check_ratios(ratios) -> tuple[float, float, float]:
    ratios = tuple(float(value) for value in ratios)
    if len(ratios) == 2:
        ratios = (ratios[0], ratios[1], 0.0)
    if len(ratios) != 3 or min(ratios) < 0 or abs(sum(ratios) - 1.0) > 1e-6:
        raise DataError(
            f"ratios must be 2 or 3 non-negative fractions (train, val, test) "
            f"summing to 1, got {ratios}"
        )
    return ratios


@dataclass(frozen=True, eq=False)
class Split:
    """Train, validation and test file lists, stratified by class."""

    train: LabelledFiles
    val: LabelledFiles
    test: LabelledFiles
    seed: int
    ratios: tuple[float, float, float]

    @property
    def class_names(self) -> tuple[str, ...]:
        return self.train.class_names

    def parts(self) -> dict[str, LabelledFiles]:
        """``{"train": ..., "val": ..., "test": ...}``."""
        return {"train": self.train, "val": self.val, "test": self.test}

    def __str__(self) -> str:
        parts = []
        for name, part in self.parts().items():
            counts = ", ".join(f"{label} {count}" for label, count in part.counts().items())
            parts.append(f"{name} {len(part)} ({counts})")
        return "; ".join(parts)


def _sizes(count: int, ratios) -> tuple[int, int, int]:
    """How many of a class's ``count`` files go to train, val and test."""
    n_train = round(count * ratios[0])
    n_val = count - n_train if ratios[2] == 0 else round(count * ratios[1])
    return n_train, n_val, count - n_train - n_val


def smallest_class(ratios) -> int:
    """The fewest files per class that give every split with a ratio above 0 a file."""
    ratios = _check_ratios(ratios)
    count = 1
    while any(size < 1 for size, ratio in zip(_sizes(count, ratios), ratios) if ratio > 0):
        count += 1
    return count


def _check_filled(files: LabelledFiles, ratios) -> None:
    """DataError when a class is too small to put a file in every split asked for."""
    for label, name in enumerate(files.class_names):
        count = int(np.count_nonzero(files.labels == label))
        sizes = dict(zip(SPLIT_NAMES, _sizes(count, ratios)))
        empty = [
            split for split, ratio in zip(SPLIT_NAMES, ratios) if ratio > 0 and sizes[split] < 1
        ]
        if empty:
            given = ", ".join(f"{split} {size}" for split, size in sizes.items())
            raise DataError(
                f"class {name!r} has {count} file{'s' * (count != 1)}, too few to fill the "
                f"{' and '.join(empty)} split{'s' * (len(empty) != 1)}: ratios "
                f"{'/'.join(f'{ratio:g}' for ratio in ratios)} give {given}; take at least "
                f"{smallest_class(ratios)} per class (per_class), or change the ratios"
            )


def split_files(files: LabelledFiles, ratios=DEFAULT_RATIOS, seed: int = 0) -> Split:
    """Split every class with the same ``ratios`` (train, val, test); same seed, same split.

    A class too small to give every split with a ratio above 0 at least one file raises
    DataError (an empty test set would only fail later, far from the cause).
    """
    ratios = _check_ratios(ratios)
    _check_filled(files, ratios)
    rng = np.random.default_rng(seed)
    parts = {name: [] for name in SPLIT_NAMES}
    for label in range(len(files.class_names)):
        indices = np.flatnonzero(files.labels == label)
        indices = np.array(
            sorted(indices, key=lambda i: natural_key(files.paths[i])), dtype=np.int64
        )
        indices = indices[rng.permutation(len(indices))]
        n_train, n_val, _ = _sizes(len(indices), ratios)
        parts["train"].extend(indices[:n_train])
        parts["val"].extend(indices[n_train : n_train + n_val])
        parts["test"].extend(indices[n_train + n_val :])
    chosen = {name: files.select(indices) for name, indices in parts.items()}
    return Split(chosen["train"], chosen["val"], chosen["test"], int(seed), ratios)


def _manifest(split: Split) -> dict:
    return {
        name: [[str(path), int(label)] for path, label in zip(part.paths, part.labels)]
        for name, part in split.parts().items()
    } | {"classes": list(split.class_names)}


def write_split(split: Split, destination, link: bool = False) -> Path:
    """Copy (or hard-link) the files into ``destination/{train,val,test}/<class>/``.

    Like the ``split-folders`` package the original assignment used. Folders already there
    from an earlier call are replaced; an identical earlier split is reused as it is.
    """
    destination = Path(destination).expanduser()
    manifest_path = destination / MANIFEST
    manifest = _manifest(split)
    if manifest_path.is_file():
        try:
            if json.loads(manifest_path.read_text()) == manifest:
                return destination
        except ValueError:
            pass
    if destination.exists() and not destination.is_dir():
        raise DataError(f"split destination {str(destination)!r} is a file, not a folder")
    manifest_path.unlink(missing_ok=True)
    for name, part in split.parts().items():
        target = destination / name
        if target.exists():
            shutil.rmtree(target)
        for class_name in part.class_names:
            (target / class_name).mkdir(parents=True, exist_ok=True)
        for path, label in zip(part.paths, part.labels):
            if not path.is_file():
                raise DataError(f"cannot copy {str(path)!r} into the split: the file is gone")
            copy = target / part.class_names[label] / path.name
            if link:
                copy.hardlink_to(path)
            else:
                shutil.copyfile(path, copy)
    manifest_path.write_text(json.dumps(manifest))
    return destination
