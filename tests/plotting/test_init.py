"""Tests of cnncourse.plotting's package: the names the chapters use are importable from it."""

import cnncourse.plotting as plotting
from cnncourse.plotting import comparison, curves, figures, graph_drawing, images, model_graph


def test_the_public_names_are_those_of_the_modules():
    assert plotting.new_figure is figures.new_figure
    assert plotting.plot_history is curves.plot_history
    assert plotting.plot_images is images.plot_images
    assert plotting.as_display_image is images.as_display_image
    assert plotting.plot_comparison is comparison.plot_comparison
    assert plotting.layer_graph is model_graph.layer_graph
    assert plotting.plot_model_graph is graph_drawing.plot_model_graph
    assert all(hasattr(plotting, name) for name in plotting.__all__)
