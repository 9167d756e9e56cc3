"""Figures produced and prepared arrays: both directions."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from cnncourse.checks import array, figure, one_hot


def test_a_figure_with_lines_or_images():
    fig = Figure()
    axes = fig.subplots(1, 2)
    axes[0].plot([1, 2, 3], label="train")
    axes[0].plot([1, 2, 2], label="validation")
    axes[1].imshow(np.zeros((4, 4)))
    assert figure(fig, lines=2, images=1, axes=2).passed
    assert figure(axes, lines=2).passed
    assert figure(axes[1], images=1).passed
    result = figure(axes[1], lines=2)
    assert result.message == (
        "your figure: expected at least 2 plotted lines, yours has 1 axes, 0 lines and 1 image"
    )


def test_an_empty_figure_or_no_figure_fails():
    empty = Figure()
    empty.subplots()
    assert "is empty" in figure(empty).message
    assert "expected a matplotlib Figure or Axes, got NoneType" in figure(None).message


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
