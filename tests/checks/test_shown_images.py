"""images_from: a figure of test images must show test images (the seed plotted training ones)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from cnncourse.checks import images_from  # noqa: E402

RANDOM = np.random.default_rng(0)
TRAIN = RANDOM.integers(0, 256, size=(20, 8, 8, 3), dtype=np.uint8)
TEST = RANDOM.integers(0, 256, size=(10, 8, 8, 3), dtype=np.uint8)


def grid(images):
    figure, axes = plt.subplots(1, len(images))
    for axis, image in zip(np.ravel(axes), images):
        axis.imshow(image)
    plt.close(figure)
    return figure


@pytest.mark.parametrize("scaled", [False, True])
def test_images_of_the_array_pass_scaled_or_not(scaled):
    shown = TEST / 255 if scaled else TEST
    figure = grid([shown[3], shown[7]])
    result = images_from(figure, TEST / 255, name="test_figure", source="x_test")
    assert result.passed
    assert result.message == "test_figure shows 2 images of x_test"


def test_training_images_on_the_test_figure_are_named():
    figure = grid([TEST[0] / 255, TRAIN[12] / 255])
    result = images_from(
        figure,
        TEST / 255,
        name="test_figure",
        source="x_test",
        others=TRAIN / 255,
        others_name="x_train",
    )
    assert not result.passed
    assert result.message == "test_figure: image 2 is x_train[12], not one of x_test"


def test_an_image_from_nowhere_fails():
    figure = grid([TEST[0].astype(float) / 255 * 0.5])
    result = images_from(figure, TEST, source="x_test")
    assert not result.passed
    assert "image 1 is not one of x_test" in result.message


def test_a_figure_without_images_or_no_figure_fails():
    figure, axis = plt.subplots()
    axis.plot([1, 2])
    plt.close(figure)
    assert "shows no image" in images_from(figure, TEST).message
    assert "expected a matplotlib Figure" in images_from([1, 2], TEST).message
