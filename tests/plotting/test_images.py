"""Tests of cnncourse.plotting.images: image grids titled with class names, display checks."""

import numpy as np
import pytest
from matplotlib.image import AxesImage

from cnncourse.plotting import figures
from cnncourse.plotting import images as images_module


def test_image_grid_shows_one_axes_per_image_titled_with_class_names():
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (10, 8, 8, 3), dtype=np.uint8)
    labels = np.array([0, 1, 2, 0, 1, 2, 0, 1, 2, 0])
    predictions = labels.copy()
    predictions[3] = 2
    names = ["cat", "dog", "frog"]
    fig = images_module.plot_images(
        images, labels, class_names=names, predictions=predictions, columns=4
    )
    assert len(fig.axes) == 10
    assert all(len(ax.get_images()) == 1 for ax in fig.axes)
    assert fig.axes[1].get_title() == "dog / dog"
    assert fig.axes[3].get_title() == "cat / frog"
    assert fig.axes[3].title.get_color() == "red"
    assert fig.axes[0].title.get_color() == "green"
    np.testing.assert_array_equal(fig.axes[5].get_images()[0].get_array(), images[5])


def test_image_grid_takes_floats_grey_images_and_one_hot_labels():
    floats = np.linspace(0, 1, 3 * 6 * 6).reshape(3, 6, 6, 1)
    one_hot = np.eye(2)[[1, 0, 1]]
    fig = images_module.plot_images(floats, one_hot, class_names=["no", "yes"], max_images=2)
    assert len(fig.axes) == 2
    image = fig.axes[0].get_images()[0]
    assert isinstance(image, AxesImage) and image.get_array().shape == (6, 6)
    assert fig.axes[0].get_title() == "yes"


def test_image_grid_refuses_floats_outside_zero_one():
    with pytest.raises(ValueError, match=r"\[255, 255\].*divide"):
        images_module.plot_images(np.full((2, 4, 4, 3), 255.0))
    with pytest.raises(ValueError, match="class name"):
        images_module.plot_images(np.zeros((1, 4, 4, 3), np.uint8), [5], class_names=["a"])


def test_the_one_grid_fills_a_figure_or_a_subfigure_row_by_row():
    fig = figures.new_figure()
    parent = fig.subfigures(2, 1)[1]
    pictures = [np.zeros((4, 4), np.uint8), np.ones((4, 4, 3), np.float32), np.eye(4)]
    axes = images_module.image_grid(
        parent, pictures, columns=2, titles=["a", None, "c"], title_colours=["red", None, None]
    )
    assert len(axes) == 3 and len(parent.axes) == 3  # the fourth cell is removed
    assert [ax.get_title() for ax in axes] == ["a", "", "c"]
    assert axes[0].title.get_color() == "red"
    assert axes[0].get_images()[0].get_cmap().name == "gray"
    assert all(ax.get_xticks().size == 0 and ax.get_yticks().size == 0 for ax in axes)
    shown = images_module.image_grid(
        figures.new_figure(), pictures[:1], columns=1, cmap="viridis", full_range=True
    )
    image = shown[0].get_images()[0]
    assert image.get_cmap().name == "viridis" and image.get_clim() == (0, 255)
    with pytest.raises(ValueError, match="columns"):
        images_module.image_grid(figures.new_figure(), pictures, columns=0)


def test_augmented_versions_come_after_the_original():
    versions = np.zeros((3, 4, 4, 3), np.uint8)
    fig = images_module.plot_augmented_versions(versions, versions[0], columns=2, title="t")
    assert [ax.get_title() for ax in fig.axes] == [
        "original",
        "augmented 1",
        "augmented 2",
        "augmented 3",
    ]
    assert fig.get_suptitle() == "t"
    assert len(images_module.plot_augmented_versions(versions).axes) == 3
