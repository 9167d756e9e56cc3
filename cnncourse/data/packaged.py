"""Real images that ship inside installed packages: scikit-learn's digits, scikit-image's photos."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from cnncourse.data.errors import DataError
from cnncourse.data.imageset import ImageSet

# scikit-image sample images bundled in its wheel (no download needed): name -> file.
SKIMAGE_PHOTOS = {
    "astronaut": "astronaut.png",
    "chelsea": "chelsea.png",  # a cat
    "coffee": "coffee.png",
    "rocket": "rocket.jpg",
    "hubble_deep_field": "hubble_deep_field.jpg",
    "immunohistochemistry": "ihc.png",
    "retina": "retina.jpg",
    "colorwheel": "color.png",
    "camera": "camera.png",
    "coins": "coins.png",
    "moon": "moon.png",
    "brick": "brick.png",
    "grass": "grass.png",
    "gravel": "gravel.png",
    "text": "text.png",
    "page": "page.png",
}
DIGIT_CLASSES = tuple(str(digit) for digit in range(10))


def _as_rgb(array: np.ndarray) -> np.ndarray:
    if array.ndim == 2:
        array = np.stack([array] * 3, axis=-1)
    return np.ascontiguousarray(array[..., :3]).astype(np.uint8)


def _square(image: np.ndarray, size: int) -> np.ndarray:
    """Centre crop to a square, then resize to ``size`` x ``size``."""
    from PIL import Image

    height, width = image.shape[:2]
    side = min(height, width)
    top, left = (height - side) // 2, (width - side) // 2
    crop = Image.fromarray(image[top : top + side, left : left + side])
    return np.asarray(crop.resize((size, size), Image.Resampling.BILINEAR))


def sample_photos(names=None, size: int | None = None) -> dict[str, np.ndarray]:
    """scikit-image's bundled sample photos as uint8 RGB arrays, by name.

    ``names`` picks some (default: all of ``SKIMAGE_PHOTOS``); ``size`` centre-crops and
    resizes each to ``size`` x ``size``. Grayscale photos are repeated into three channels.
    """
    import skimage.data
    from PIL import Image

    folder = Path(skimage.data.__file__).parent
    names = list(SKIMAGE_PHOTOS) if names is None else [str(name) for name in names]
    photos = {}
    for name in names:
        if name not in SKIMAGE_PHOTOS:
            raise DataError(
                f"unknown sample photo {name!r}: choose from {', '.join(SKIMAGE_PHOTOS)}"
            )
        path = folder / SKIMAGE_PHOTOS[name]
        if not path.is_file():
            raise DataError(
                f"scikit-image sample photo {str(path)!r} is missing from the "
                "installed scikit-image"
            )
        with Image.open(path) as image:
            array = _as_rgb(np.asarray(image.convert("RGB" if image.mode != "L" else "L")))
        photos[name] = _square(array, size) if size else array
    return photos


def load_digits_images(size: int = 32, test_fraction: float = 0.2, seed: int = 0) -> ImageSet:
    """scikit-learn's 1,797 handwritten digits (8x8, 0..16) as uint8 RGB images of ``size``.

    Split into train and test with ``test_fraction`` of every digit in the test set.
    """
    from PIL import Image
    from sklearn.datasets import load_digits

    if not 0 < test_fraction < 1:
        raise DataError(f"test_fraction must be between 0 and 1, got {test_fraction}")
    if size < 8:
        raise DataError(f"size must be at least 8, got {size}")
    digits = load_digits()
    small = np.round(digits.images * (255 / 16)).astype(np.uint8)
    images = np.stack(
        [
            np.asarray(Image.fromarray(image).resize((size, size), Image.Resampling.BILINEAR))
            for image in small
        ]
    )
    images = np.repeat(images[..., None], 3, axis=-1)
    labels = digits.target.astype(np.int64)
    rng = np.random.default_rng(seed)
    test = np.zeros(len(labels), dtype=bool)
    for digit in range(10):
        indices = rng.permutation(np.flatnonzero(labels == digit))
        test[indices[: round(len(indices) * test_fraction)]] = True
    return ImageSet(
        images[~test],
        labels[~test],
        images[test],
        labels[test],
        list(DIGIT_CLASSES),
        source="scikit-learn digits",
        name="digits",
    )
