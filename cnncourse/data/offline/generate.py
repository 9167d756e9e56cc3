"""Generate offline images deterministically and cache them as .npz under the cnncourse cache."""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np

from cnncourse.data.errors import DataError
from cnncourse.data.offline.drawing import image_rng
from cnncourse.data.offline.registry import offline_set
from cnncourse.paths import cache_dir

# Part of every cache name, with a checksum of the drawing code (OfflineSet.fingerprint).
VERSION = 1
MIN_SIZE, MAX_SIZE = 16, 256


def _check(count: int, image_size: int, split: str) -> None:
    if int(count) < 0:
        raise DataError(f"image count must be at least 0, got {count}")
    if not MIN_SIZE <= int(image_size) <= MAX_SIZE:
        raise DataError(f"image_size must be between {MIN_SIZE} and {MAX_SIZE}, got {image_size}")
    if not re.fullmatch(r"[A-Za-z0-9_-]+", split):
        raise DataError(f"split must be a plain name such as 'train' or 'test', got {split!r}")


def render_images(
    dataset: str, split: str, start: int, stop: int, image_size: int
) -> tuple[np.ndarray, np.ndarray]:
    """Images ``start..stop-1`` of a split, drawn now (no cache): uint8 and int64 labels."""
    spec = offline_set(dataset)
    _check(stop - start, image_size, split)
    images = np.empty((max(stop - start, 0), image_size, image_size, 3), dtype=np.uint8)
    labels = np.empty(max(stop - start, 0), dtype=np.int64)
    for position, index in enumerate(range(start, stop)):
        labels[position] = spec.label_of(index)
        rng = image_rng(dataset, split, index)
        images[position] = spec.draw(rng, spec.classes[labels[position]], image_size)
    return images, labels


def cache_folder() -> Path:
    """Where generated arrays are cached."""
    return cache_dir("data", "offline")


def cache_tag(dataset: str) -> str:
    """``v<VERSION>-<checksum of the drawing code>``: changes whenever the drawings do."""
    return f"v{VERSION}-{offline_set(dataset).fingerprint()}"


def _stem(dataset: str, split: str, image_size: int) -> str:
    return f"{dataset}-{split}-{image_size}px-{cache_tag(dataset)}"


def _cached(dataset: str, split: str, image_size: int) -> list[tuple[int, Path]]:
    stem = _stem(dataset, split, image_size)
    pattern = re.compile(rf"{re.escape(stem)}-n(\d+)\.npz")
    found = []
    for path in cache_folder().glob(f"{stem}-n*.npz"):
        match = pattern.fullmatch(path.name)
        if match:
            found.append((int(match.group(1)), path))
    return sorted(found)


def generate(
    dataset: str, split: str, count: int, image_size: int | None = None, cache: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """The first ``count`` images of an offline dataset's split, and their labels.

    Image ``i`` depends only on (dataset, split, i, image_size), so a smaller set is a
    prefix of a larger one. With ``cache`` the arrays are kept as .npz and reused (a cached
    larger set serves a smaller request, and a larger request extends the cache).
    """
    spec = offline_set(dataset)
    image_size = int(image_size or spec.default_size)
    count = int(count)
    _check(count, image_size, split)
    if not cache:
        return render_images(dataset, split, 0, count, image_size)
    existing = _cached(dataset, split, image_size)
    have_images = np.empty((0, image_size, image_size, 3), np.uint8)
    have_labels = np.empty(0, np.int64)
    if existing:
        _stored, path = existing[-1]
        try:
            with np.load(path) as content:
                have_images, have_labels = content["images"], content["labels"]
        except (OSError, ValueError, KeyError, EOFError):
            path.unlink(missing_ok=True)  # a broken cache file is regenerated
            have_images = have_images[:0]
            have_labels = have_labels[:0]
        if len(have_images) >= count:
            return have_images[:count].copy(), have_labels[:count].copy()
    more_images, more_labels = render_images(dataset, split, len(have_images), count, image_size)
    images = np.concatenate([have_images, more_images])
    labels = np.concatenate([have_labels, more_labels])
    target = cache_folder() / f"{_stem(dataset, split, image_size)}-n{count}.npz"
    temporary = target.with_name(target.name + f".{os.getpid()}.tmp.npz")
    np.savez(temporary, images=images, labels=labels)
    os.replace(temporary, target)
    for old in cache_folder().glob(f"{dataset}-{split}-{image_size}px-*.npz"):
        if old != target and not old.name.endswith(".tmp.npz"):
            old.unlink(missing_ok=True)  # smaller sets, or drawings of older code
    return images, labels
