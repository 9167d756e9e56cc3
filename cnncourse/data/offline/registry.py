"""The offline datasets by name: their classes, default image size and drawing function."""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import numpy as np

from cnncourse.data.errors import DataError
from cnncourse.data.offline import drawing, flowers, pets, shapes


@dataclass(frozen=True)
class OfflineSet:
    """A generated dataset: image ``index`` of a split shows class ``index % len(classes)``."""

    name: str
    classes: tuple[str, ...]
    draw: Callable[[np.random.Generator, str, int], np.ndarray]
    default_size: int
    description: str
    module: ModuleType

    def label_of(self, index: int) -> int:
        return int(index) % len(self.classes)

    def fingerprint(self) -> str:
        """A checksum of the drawing code, so caches of older drawings are never reused."""
        checksum = 0
        for module in (drawing, self.module):
            source = Path(module.__file__).read_bytes().replace(b"\r\n", b"\n")
            checksum = zlib.crc32(source, checksum)
        return f"{checksum:08x}"


def _pets(rng, name, size):
    return pets.render(rng, pets.CLASSES.index(name), size)


OFFLINE_SETS = {
    "pets": OfflineSet(
        "pets",
        pets.CLASSES,
        _pets,
        64,
        "cartoon cat and dog faces in clutter (cats-vs-dogs stand-in)",
        pets,
    ),
    "shapes32": OfflineSet(
        "shapes32",
        shapes.CIFAR_LIKE_CLASSES,
        shapes.render,
        32,
        "ten colour shapes at 32x32 (CIFAR-10 stand-in)",
        shapes,
    ),
    "shapes96": OfflineSet(
        "shapes96",
        shapes.STL_LIKE_CLASSES,
        shapes.render,
        96,
        "ten colour shapes at 96x96 (STL-10 stand-in)",
        shapes,
    ),
    "flowers": OfflineSet(
        "flowers",
        flowers.CLASSES,
        flowers.render,
        64,
        "daisies, dandelions, roses, sunflowers, tulips (TF Flowers stand-in)",
        flowers,
    ),
}


def offline_set(name: str) -> OfflineSet:
    """The offline dataset called ``name``."""
    try:
        return OFFLINE_SETS[name]
    except KeyError:
        raise DataError(
            f"unknown offline dataset {name!r}: choose one of {', '.join(OFFLINE_SETS)}"
        ) from None
