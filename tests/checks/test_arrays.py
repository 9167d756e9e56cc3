"""cnncourse.checks.arrays: prepared arrays, one-hot rows, relabelled data, equal arrays."""

import numpy as np
import pytest

from cnncourse.checks import array, labels, one_hot, same_array


def test_array_ranges_and_shapes():
    images = np.random.default_rng(0).integers(0, 256, (4, 8, 8, 3)).astype("uint8")
    scaled = images / 255
    assert array(scaled, shape=(None, 8, 8, 3), low=0, high=1, floating=True).passed
    result = array(images, name="x_train", low=0, high=1)
    assert not result.passed and result.message.endswith("(did you divide by 255?)")
    assert "expected floating-point values" in array(images, floating=True).message
    assert "expected shape (None, 32, 32, 3)" in array(scaled, shape=(None, 32, 32, 3)).message


@pytest.mark.parametrize(
    "labels, passed",
    [
        (np.eye(10)[[1, 2, 3]], True),
        (np.array([[1], [2], [3]]), False),
        (np.eye(10)[[1, 2, 3]] * 2, False),
    ],
)
def test_one_hot(labels, passed):
    assert one_hot(labels, 10).passed is passed


# --------------------------------------------------------------------------- labels, same_array


NAMES = ["airplane", "automobile", "bird"]


def test_labels_right_and_wrong():
    truth = np.array([0, 1, 2, 1, 0, 2, 1])
    assert labels(truth.copy(), truth, class_names=NAMES).passed
    assert labels(truth.reshape(-1, 1), truth).passed
    swapped = np.where(truth == 1, 2, np.where(truth == 2, 1, truth))
    result = labels(swapped, truth, class_names=NAMES, name="y_stl_train")
    assert not result.passed
    assert result.message == (
        "y_stl_train: the 3 images of class 'automobile' should have "
        "label 1, 3 of yours have 2 ('bird'); 1 other classes are wrong too"
    )


def test_labels_of_the_wrong_length_or_form():
    truth = np.array([0, 1, 2, 1])
    result = labels(np.arange(5), truth, hint="did you drop the classes the sets do not share?")
    assert result.message == (
        "your labels: expected 4 labels, yours has 5 (did you drop the "
        "classes the sets do not share?)"
    )
    one_hot = np.eye(3)[truth]
    assert "one-hot" in labels(one_hot, truth, class_names=NAMES).message
    assert not labels(truth + 0.5, truth).passed


def test_same_array():
    images = np.arange(24).reshape(4, 2, 3)
    assert same_array(images.copy(), images).passed
    changed = images.copy()
    changed[2, 0, 0] = 99
    result = same_array(changed, images, name="x_cifar_train")
    assert result.message == (
        "x_cifar_train: 1 of 4 entries along the first axis differ from "
        "the expected ones (the first is number 2)"
    )
    result = same_array(images[:3], images, hint="keep only the shared classes")
    assert result.message == (
        "your array: expected shape (4, 2, 3), yours is (3, 2, 3) (keep only the shared classes)"
    )
