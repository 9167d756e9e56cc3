"""Tests of cnncourse.visualize's package: the names the chapters use are importable from it."""

import cnncourse.visualize as visualize
from cnncourse.visualize import activation_maps, filters, forward_pass, gradcam, layers


def test_the_public_names_are_those_of_the_modules():
    assert visualize.forward is forward_pass.forward
    assert visualize.activations is activation_maps.activations
    assert visualize.plot_activations is activation_maps.plot_activations
    assert visualize.filter_patterns is filters.filter_patterns
    assert visualize.maximize_filter is filters.maximize_filter
    assert visualize.plot_filter_patterns is filters.plot_filter_patterns
    assert visualize.grad_cam is gradcam.grad_cam
    assert visualize.plot_grad_cam is gradcam.plot_grad_cam
    assert visualize.overlay_heatmap is gradcam.overlay_heatmap
    assert visualize.find_layer is layers.find_layer
    assert visualize.conv_layer_names is layers.conv_layer_names
    assert all(hasattr(visualize, name) for name in visualize.__all__)
