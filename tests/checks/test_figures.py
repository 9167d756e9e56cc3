"""cnncourse.checks.figures: a figure with enough lines or images on it."""

import numpy as np
from matplotlib.figure import Figure

from cnncourse.checks import figure


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
