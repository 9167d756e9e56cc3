"""Real images shipped in installed packages: scikit-image photos, scikit-learn digits."""

import numpy as np
import pytest

from cnncourse.data import SKIMAGE_PHOTOS, DataError, load_digits_images, sample_photos


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


def test_digits_as_images():
    data = load_digits_images(size=32)
    assert data.x_train.shape[1:] == (32, 32, 3) and data.x_train.dtype == np.uint8
    assert len(data.x_train) + len(data.x_test) == 1797
    assert data.class_names == [str(i) for i in range(10)]
    assert set(data.y_test.tolist()) == set(range(10))
    assert 0.18 < len(data.x_test) / 1797 < 0.22
    assert data.x_train.max() > 200  # the 0..16 range was stretched to 0..255
    again = load_digits_images(size=32)
    np.testing.assert_array_equal(data.x_test, again.x_test)
