"""Real images shipped in installed packages: scikit-image photos, scikit-learn digits."""

import numpy as np
import pytest

from cnncourse.data import SKIMAGE_PHOTOS, DataError, load_digits_images, packaged, sample_photos


def test_every_listed_photo_loads_as_uint8_rgb():
    photos = sample_photos()
    assert set(photos) == set(SKIMAGE_PHOTOS)
    for name, photo in photos.items():
        assert photo.dtype == np.uint8 and photo.ndim == 3 and photo.shape[2] == 3, name
    assert photos["chelsea"].shape == (300, 451, 3)
    camera = photos["camera"]
    np.testing.assert_array_equal(camera[..., 0], camera[..., 2])  # grayscale repeated


def test_photos_can_be_squared():
    photos = sample_photos(["chelsea", "coffee"], size=64)
    assert list(photos) == ["chelsea", "coffee"]
    assert all(photo.shape == (64, 64, 3) for photo in photos.values())


def test_unknown_photo_is_named():
    with pytest.raises(DataError, match="unknown sample photo 'lena'"):
        sample_photos(["lena"])


def write_digits(path, pixels, digits):
    """A digits file in scikit-learn's format: 64 pixels (0..16) and the digit per CSV row."""
    np.savetxt(
        path, np.column_stack([pixels.reshape(len(digits), 64), digits]), fmt="%d", delimiter=","
    )
    return path


def test_digits_as_images(tmp_path):
    rng = np.random.default_rng(3)
    digits = np.repeat(np.arange(10), 10)
    pixels = rng.integers(0, 17, size=(100, 8, 8))
    pixels[0] = 16  # a digit 0 all ink
    path = write_digits(tmp_path / "digits.csv.gz", pixels, digits)
    data = load_digits_images(size=32, path=path)
    assert data.x_train.shape[1:] == (32, 32, 3) and data.x_train.dtype == np.uint8
    assert len(data.x_train) + len(data.x_test) == 100
    assert data.class_names == [str(i) for i in range(10)]
    assert set(data.y_test.tolist()) == set(range(10))
    assert len(data.x_test) == 20  # 2 of every digit's 10
    images = np.concatenate([data.x_train, data.x_test])
    assert (images == 255).all(axis=(1, 2, 3)).sum() == 1  # 0..16 stretched to 0..255
    again = load_digits_images(size=32, path=path)
    np.testing.assert_array_equal(data.x_test, again.x_test)


def test_a_digits_file_of_another_format_is_named(tmp_path):
    path = tmp_path / "short.csv"
    np.savetxt(path, np.zeros((3, 64)), fmt="%d", delimiter=",")
    with pytest.raises(DataError, match=r"short\.csv' has 64 columns per row, expected 65"):
        load_digits_images(path=path)
    np.savetxt(path, np.full((3, 65), 20), fmt="%d", delimiter=",")
    with pytest.raises(DataError, match=r"short\.csv' has pixels outside 0\.\.16"):
        load_digits_images(path=path)
    with pytest.raises(DataError, match=r"nothing\.csv' does not exist"):
        load_digits_images(path=tmp_path / "nothing.csv")


def test_without_scikit_learn_the_error_says_what_to_install(monkeypatch):
    monkeypatch.setattr(packaged.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(
        DataError, match=r"scikit-learn is not installed: `pip install scikit-learn`"
    ):
        load_digits_images()
