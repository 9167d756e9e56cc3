"""What a CNN sees: intermediate activations, filter patterns by gradient ascent, and Grad-CAM.

Every function takes Sequential, Functional and nested models alike and leaves them
untouched: the model is run eagerly one layer at a time (`forward`; `forward_pass` says how
and why), and layers are named by path, ``"vgg16/block5_conv3"`` for a layer inside a nested
model.

| module | job |
| --- | --- |
| `layers` | layer paths, `find_layer`, `conv_layer_names` |
| `forward_pass` | `forward`: the model run layer by layer, keeping the outputs asked for |
| `activation_maps` | `activations` of one image and `plot_activations` |
| `filters` | `maximize_filter`, `filter_patterns` (gradient ascent), `plot_filter_patterns` |
| `gradcam` | `grad_cam`, `overlay_heatmap`, `plot_grad_cam` |
"""

from cnncourse.visualize.activation_maps import activations, plot_activations
from cnncourse.visualize.filters import (
    FilterAscent,
    deprocess_image,
    filter_patterns,
    maximize_filter,
    plot_filter_patterns,
)
from cnncourse.visualize.forward_pass import forward
from cnncourse.visualize.gradcam import GradCam, grad_cam, overlay_heatmap, plot_grad_cam
from cnncourse.visualize.layers import conv_layer_names, find_layer, layer_paths

__all__ = [
    "FilterAscent",
    "GradCam",
    "activations",
    "conv_layer_names",
    "deprocess_image",
    "filter_patterns",
    "find_layer",
    "forward",
    "grad_cam",
    "layer_paths",
    "maximize_filter",
    "overlay_heatmap",
    "plot_activations",
    "plot_filter_patterns",
    "plot_grad_cam",
]
