"""Labelled file lists of class-folder datasets (``root/<class>/<file>``) and how to list them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cnncourse.data.errors import DataError, require_folder


def natural_key(path) -> tuple:
    """Sort key that puts ``2.jpg`` before ``10.jpg``."""
    parts = re.split(r"(\d+)", Path(path).name)
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part.lower()) for part in parts)


@dataclass(frozen=True, eq=False)
class LabelledFiles:
    """Image file paths with int64 labels; ``class_names[label]`` names a file's class."""

    paths: tuple[Path, ...]
    labels: np.ndarray
    class_names: tuple[str, ...]

    def __post_init__(self):
        object.__setattr__(self, "paths", tuple(Path(path) for path in self.paths))
        object.__setattr__(self, "labels", np.asarray(self.labels, dtype=np.int64).reshape(-1))
        object.__setattr__(self, "class_names", tuple(str(name) for name in self.class_names))
        if len(self.paths) != len(self.labels):
            raise DataError(f"{len(self.paths)} files but {len(self.labels)} labels")
        bad = self.labels[(self.labels < 0) | (self.labels >= len(self.class_names))]
        if bad.size:
            raise DataError(f"label {int(bad[0])} is outside 0..{len(self.class_names) - 1}")

    def __len__(self) -> int:
        return len(self.paths)

    def counts(self) -> dict[str, int]:
        """Files per class."""
        counts = np.bincount(self.labels, minlength=len(self.class_names))
        return {name: int(count) for name, count in zip(self.class_names, counts)}

    def select(self, indices) -> LabelledFiles:
        """The files at ``indices``, in that order."""
        indices = np.asarray(indices, dtype=np.int64)
        return LabelledFiles(
            tuple(self.paths[i] for i in indices), self.labels[indices], self.class_names
        )

    def of_class(self, name: str) -> list[Path]:
        """The files of class ``name``."""
        if name not in self.class_names:
            raise DataError(f"unknown class {name!r}: the classes are {list(self.class_names)}")
        label = self.class_names.index(name)
        return [path for path, value in zip(self.paths, self.labels) if value == label]

    @classmethod
    def concatenate(cls, parts) -> LabelledFiles:
        """One list from several with the same classes."""
        parts = list(parts)
        names = parts[0].class_names
        for part in parts:
            if part.class_names != names:
                raise DataError(
                    f"cannot join file lists with classes {list(names)} and "
                    f"{list(part.class_names)}"
                )
        paths = tuple(path for part in parts for path in part.paths)
        labels = np.concatenate([part.labels for part in parts]).astype(np.int64)
        return cls(paths, labels, names)


def class_folders(folder, classes=None) -> list[str]:
    """The class subfolders of ``folder``, sorted (files at the top such as LICENSE.txt ignored).

    ``classes`` picks and orders some of them; an unknown one raises DataError.
    """
    folder = require_folder(folder, "image")
    found = sorted(
        entry.name
        for entry in folder.iterdir()
        if entry.is_dir() and not entry.name.startswith((".", "__"))
    )
    if not found:
        raise DataError(
            f"image folder {str(folder)!r} has no class subfolders (expected "
            "<folder>/<class>/<image files>)"
        )
    if classes is None:
        return found
    classes = [str(name) for name in classes]
    for name in classes:
        if name not in found:
            raise DataError(
                f"unknown class {name!r}: image folder {str(folder)!r} has the classes {found}"
            )
    return classes


def list_class_files(folder, classes=None) -> LabelledFiles:
    """Every file in each class subfolder of ``folder`` (images or not), naturally sorted."""
    folder = Path(folder)
    names = class_folders(folder, classes)
    paths, labels = [], []
    for label, name in enumerate(names):
        files = sorted(
            (entry for entry in (folder / name).iterdir() if entry.is_file()), key=natural_key
        )
        paths.extend(files)
        labels.extend([label] * len(files))
    return LabelledFiles(tuple(paths), np.asarray(labels, dtype=np.int64), tuple(names))
