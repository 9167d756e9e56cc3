"""Offline datasets: deterministic, prefix-stable, cached, balanced, at any image size."""

import numpy as np
import pytest

from cnncourse.data import DataError
from cnncourse.data.offline import OFFLINE_SETS, cache_folder, generate, render_images
from cnncourse.data.offline.generate import cache_tag


@pytest.mark.parametrize("name", sorted(OFFLINE_SETS))
def test_same_arguments_give_the_same_bytes(name):
    first = render_images(name, "train", 0, 6, 32)
    again = render_images(name, "train", 0, 6, 32)
    np.testing.assert_array_equal(first[0], again[0])
    np.testing.assert_array_equal(first[1], again[1])
    assert first[0].dtype == np.uint8 and first[0].shape == (6, 32, 32, 3)
    assert first[1].dtype == np.int64


@pytest.mark.parametrize("name", sorted(OFFLINE_SETS))
def test_a_smaller_set_is_a_prefix_of_a_larger_one(name):
    small, small_labels = render_images(name, "test", 0, 4, 40)
    large, large_labels = render_images(name, "test", 0, 9, 40)
    np.testing.assert_array_equal(small, large[:4])
    np.testing.assert_array_equal(small_labels, large_labels[:4])
    tail, _ = render_images(name, "test", 5, 9, 40)
    np.testing.assert_array_equal(tail, large[5:])


def test_splits_and_images_differ():
    train, _ = render_images("pets", "train", 0, 4, 32)
    test, _ = render_images("pets", "test", 0, 4, 32)
    assert not np.array_equal(train, test)
    assert len({image.tobytes() for image in train}) == 4


@pytest.mark.parametrize("name", sorted(OFFLINE_SETS))
def test_classes_are_balanced_and_in_order(name):
    classes = OFFLINE_SETS[name].classes
    _, labels = render_images(name, "train", 0, 3 * len(classes), 16)
    assert labels.tolist() == list(range(len(classes))) * 3


@pytest.mark.parametrize("size", [32, 64, 150])
def test_any_image_size(size):
    images, _ = render_images("pets", "train", 0, 2, size)
    assert images.shape == (2, size, size, 3)
    assert images.std() > 10  # not a blank canvas


def test_cache_serves_and_extends(tmp_path):
    first, first_labels = generate("flowers", "cachetest", 7, 24)
    files = list(cache_folder().glob("flowers-cachetest-24px-*.npz"))
    assert len(files) == 1 and files[0].name.endswith("-n7.npz")
    assert cache_tag("flowers") in files[0].name  # a change of drawing code changes the name
    smaller, _ = generate("flowers", "cachetest", 3, 24)
    np.testing.assert_array_equal(smaller, first[:3])
    larger, larger_labels = generate("flowers", "cachetest", 11, 24)
    files = list(cache_folder().glob("flowers-cachetest-24px-*.npz"))
    assert [path.name.rsplit("-", 1)[1] for path in files] == ["n11.npz"]
    uncached, uncached_labels = generate("flowers", "cachetest", 11, 24, cache=False)
    np.testing.assert_array_equal(larger, uncached)
    np.testing.assert_array_equal(larger_labels, uncached_labels)


def test_broken_cache_file_is_regenerated():
    generate("pets", "brokencache", 3, 20)
    path = next(cache_folder().glob("pets-brokencache-20px-*.npz"))
    path.write_bytes(b"not an npz")
    images, _ = generate("pets", "brokencache", 3, 20)
    np.testing.assert_array_equal(images, render_images("pets", "brokencache", 0, 3, 20)[0])


@pytest.mark.parametrize(
    "arguments, message",
    [
        (("cows", "train", 3, 32), "unknown offline dataset 'cows'"),
        (("pets", "train", 3, 4), "image_size"),
        (("pets", "train", -1, 32), "at least 0"),
        (("pets", "../x", 3, 32), "split"),
    ],
)
def test_bad_arguments_are_explained(arguments, message):
    with pytest.raises(DataError, match=message):
        generate(*arguments)
