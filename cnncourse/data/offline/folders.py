"""The offline pets and flowers sets written to disk in the real layouts, once, into the cache."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from cnncourse.data.offline.generate import cache_tag, generate
from cnncourse.data.offline.registry import offline_set
from cnncourse.data.writers import plant_bad_files, write_image_folder
from cnncourse.paths import cache_dir

COMPLETE = ".complete"
FLOWERS_LICENSE = """Offline stand-in for the TensorFlow Flowers dataset (flower_photos).

These images were drawn procedurally by cnncourse.data.offline.flowers; they are not
photographs. The real dataset's LICENSE.txt lists the Flickr authors and CC-BY licences.
"""


def extra_images(per_class: int) -> int:
    """How many more images than asked the offline folders hold, so a subset is really taken."""
    return max(2, per_class // 10)


def write_offline_folder(
    root,
    dataset: str,
    folder_name: str,
    class_names,
    per_class: int,
    image_size: int,
    bad_files: bool = False,
) -> Path:
    """Write ``root/folder_name/<class>/<n>.jpg`` with ``per_class`` images of each class."""
    spec = offline_set(dataset)
    count = per_class * len(spec.classes)
    images, labels = generate(dataset, "folder", count, image_size)
    folder = Path(root) / folder_name
    write_image_folder(folder, images, labels, list(class_names))
    if bad_files:
        plant_bad_files(folder, list(class_names))
    return folder


def cached_offline_folder(
    dataset: str,
    folder_name: str,
    class_names,
    per_class: int,
    image_size: int,
    bad_files: bool = False,
    license_text: str | None = None,
) -> Path:
    """The offline folder in the cache, written on first use.

    It is written under a temporary name and renamed when complete, so an interrupted or
    concurrent run never leaves a half-written folder behind.
    """
    total = per_class + extra_images(per_class)
    tag = cache_tag(dataset)
    root = cache_dir("data") / f"{folder_name}-offline-{image_size}px-{total}-{tag}"
    folder = root / folder_name
    if (root / COMPLETE).is_file() and folder.is_dir():
        return folder
    if root.exists():  # left over from an older layout or an interrupted run
        shutil.rmtree(root)
    temporary = root.with_name(f"{root.name}.{os.getpid()}.tmp")
    if temporary.exists():
        shutil.rmtree(temporary)
    written = write_offline_folder(
        temporary, dataset, folder_name, class_names, total, image_size, bad_files
    )
    if license_text:
        (written / "LICENSE.txt").write_text(license_text, encoding="utf-8")
    (temporary / COMPLETE).write_text("complete\n")
    try:
        os.rename(temporary, root)
    except OSError:  # another process finished first: use its folder
        shutil.rmtree(temporary, ignore_errors=True)
    return folder
