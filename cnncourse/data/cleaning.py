"""Cleaning an image folder: drop the files that are not images or that Pillow cannot decode."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from cnncourse.data.files import LabelledFiles, list_class_files

# What keras.utils.image_dataset_from_directory reads, and what TensorFlow can decode.
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".bmp", ".gif")
DECODABLE_FORMATS = ("JPEG", "PNG", "BMP", "GIF")


def check_image_file(path) -> str | None:
    """Why ``path`` is not a usable image, or None when Pillow opens, verifies and decodes it."""
    from PIL import Image, UnidentifiedImageError

    path = Path(path)
    if path.suffix.lower() not in IMAGE_EXTENSIONS:
        return f"not an image file (extension {path.suffix or 'none'!r})"
    size = path.stat().st_size
    if size == 0:
        return "empty file (0 bytes)"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # e.g. "Possibly corrupt EXIF data" on stderr
        try:
            with Image.open(path) as image:
                image_format = image.format
                image.verify()
            with Image.open(path) as image:
                image.load()
                mode = image.mode
        except UnidentifiedImageError:
            return f"not an image: Pillow cannot identify its format ({size} bytes)"
        except (
            OSError,
            SyntaxError,
            ValueError,
            EOFError,
            Image.DecompressionBombError,
            IndexError,
            TypeError,
        ) as error:
            return f"corrupt image data: {error}"
    if image_format not in DECODABLE_FORMATS:
        return f"format {image_format} cannot be decoded by TensorFlow"
    if mode not in ("RGB", "L", "RGBA", "P", "LA", "1", "I;16", "I", "CMYK"):
        return f"unusual pixel mode {mode}"
    return None


@dataclass(frozen=True)
class DroppedFile:
    """A file the cleaning step dropped, and why."""

    path: Path
    class_name: str
    reason: str


@dataclass
class CleaningReport:
    """What cleaning a class folder kept and dropped; ``print(report)`` lists every drop."""

    folder: Path
    kept: LabelledFiles
    dropped: list[DroppedFile] = field(default_factory=list)
    removed: bool = False

    @property
    def class_names(self) -> tuple[str, ...]:
        return self.kept.class_names

    @property
    def checked(self) -> int:
        """How many files were checked."""
        return len(self.kept) + len(self.dropped)

    def summary(self) -> str:
        """One line: files checked, kept per class, dropped."""
        counts = ", ".join(f"{name} {count}" for name, count in self.kept.counts().items())
        return (
            f"{self.checked} files checked in {str(self.folder)!r}: kept {len(self.kept)} "
            f"images ({counts}), dropped {len(self.dropped)}"
        )

    def __str__(self) -> str:
        verb = "removed" if self.removed else "dropped"
        lines = [self.summary()]
        for item in self.dropped:
            lines.append(f"  {verb} {item.class_name}/{item.path.name}: {item.reason}")
        return "\n".join(lines)

    def _repr_pretty_(self, printer, cycle):  # IPython display
        printer.text(str(self))


def clean_image_folder(folder, classes=None, remove: bool = False) -> CleaningReport:
    """Check every file of ``folder/<class>/``; keep the images, report the others.

    With ``remove=True`` the bad files are deleted from disk (as the original assignment
    did); by default the folder is left as it is and only the report's ``kept`` list is clean.
    """
    files = list_class_files(folder, classes)
    kept_paths, kept_labels, dropped = [], [], []
    for path, label in zip(files.paths, files.labels):
        reason = check_image_file(path)
        if reason is None:
            kept_paths.append(path)
            kept_labels.append(label)
        else:
            dropped.append(DroppedFile(path, files.class_names[label], reason))
            if remove:
                path.unlink()
    kept = LabelledFiles(
        tuple(kept_paths), np.asarray(kept_labels, dtype=np.int64), files.class_names
    )
    return CleaningReport(Path(folder), kept, dropped, removed=remove)
