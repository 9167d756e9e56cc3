"""Real images that ship inside installed packages: scikit-image's photos, scikit-learn's digits."""

from __future__ import annotations

import importlib.util
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
DIGITS_FILE = "digits.csv.gz"  # in scikit-learn's sklearn/datasets/data


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


def digits_file() -> Path:
    """The digits file of an installed scikit-learn, found without importing scikit-learn."""
    spec = importlib.util.find_spec("sklearn")
    if spec is None or not spec.submodule_search_locations:
        raise DataError(
            "load_digits_images reads scikit-learn's digits file and scikit-learn is not "
            "installed: `pip install scikit-learn`, or pass path= a digits.csv.gz. (The course "
            "does not install it: Keras imports scikit-learn on every start when it is there.)"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "datasets" / "data" / DIGITS_FILE
    if not path.is_file():
        raise DataError(f"the installed scikit-learn has no digits file {str(path)!r}")
    return path


def read_digits(path: str | Path) -> tuple[np.ndarray, np.ndarray]:
    """The 8x8 images (0..16) and labels of a digits file in scikit-learn's format.

    That format is CSV (gzipped when the name ends in .gz): one row per image, its 64 pixels
    row by row, then its digit."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"digits file {str(path)!r} does not exist")
    try:
        rows = np.loadtxt(path, delimiter=",", ndmin=2)
    except (OSError, ValueError, EOFError) as error:
        raise DataError(f"digits file {str(path)!r} is not a CSV of numbers: {error}") from None
    if rows.shape[1] != 65:
        raise DataError(
            f"digits file {str(path)!r} has {rows.shape[1]} columns per row, expected 65 "
            "(64 pixels, then the digit)"
        )
    pixels, digits = rows[:, :64], rows[:, 64]
    if pixels.min() < 0 or pixels.max() > 16:
        raise DataError(f"digits file {str(path)!r} has pixels outside 0..16")
    if not np.isin(digits, np.arange(10)).all():
        raise DataError(f"digits file {str(path)!r} has labels that are not the digits 0..9")
    return pixels.reshape(-1, 8, 8), digits.astype(np.int64)


def load_digits_images(
    size: int = 32, test_fraction: float = 0.2, seed: int = 0, path: str | Path | None = None
) -> ImageSet:
    """scikit-learn's 1,797 handwritten digits (8x8, 0..16) as uint8 RGB images of ``size``.

    Read from ``path`` or the installed scikit-learn's file (`digits_file`), without importing
    scikit-learn. Split into train and test with ``test_fraction`` of every digit in the test
    set.
    """
    from PIL import Image

    if not 0 < test_fraction < 1:
        raise DataError(f"test_fraction must be between 0 and 1, got {test_fraction}")
    if size < 8:
        raise DataError(f"size must be at least 8, got {size}")
    pixels, labels = read_digits(digits_file() if path is None else path)
    small = np.round(pixels * (255 / 16)).astype(np.uint8)
    images = np.stack(
        [
            np.asarray(Image.fromarray(image).resize((size, size), Image.Resampling.BILINEAR))
            for image in small
        ]
    )
    images = np.repeat(images[..., None], 3, axis=-1)
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
