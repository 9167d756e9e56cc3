"""Offline datasets drawn procedurally: no download, same bytes for the same arguments.

``generate(name, split, count, image_size)`` returns ``(images, labels)``; image ``i`` of a
split is drawn from a random generator seeded by (name, split, i) alone, so a smaller set is
a prefix of a larger one. Names: see ``OFFLINE_SETS``.
"""

from cnncourse.data.offline.generate import VERSION, cache_folder, generate, render_images
from cnncourse.data.offline.registry import OFFLINE_SETS, OfflineSet, offline_set

__all__ = [
    "OFFLINE_SETS",
    "VERSION",
    "OfflineSet",
    "cache_folder",
    "generate",
    "offline_set",
    "render_images",
]
