"""Analytical parameter counts and output shapes of a `cnncourse.spec.Network`, explained in words.

No Keras here: every count is computed from the layer settings and the shapes that flow
through the network, so a student (or the autograder) can see where each number comes from::

    5x5 kernel x 16 input channels x 32 filters + 32 biases = 12,832
    Dense: 123,008 inputs x 5 units + 5 biases = 615,045
    'valid' 3x3 pool, stride 2: floor((64-3)/2)+1 = 31

Shapes never include the batch axis; ``None`` stands for a size that is not fixed.
`params.sizes` holds the window rule, `params.layers` one counter per layer kind,
`params.network` the walk over a network and its totals.
"""

from cnncourse.params.layers import WEIGHTED_KINDS, LayerCount, count_layer, weight_counts
from cnncourse.params.network import Totals, count, explain, output_shape, total, totals
from cnncourse.params.sizes import explain_output_size, format_shape, output_size
from cnncourse.spec import SpecError, input_names, layer_names

__all__ = [
    "WEIGHTED_KINDS",
    "LayerCount",
    "SpecError",
    "Totals",
    "count",
    "count_layer",
    "explain",
    "explain_output_size",
    "format_shape",
    "input_names",
    "layer_names",
    "output_shape",
    "output_size",
    "total",
    "totals",
    "weight_counts",
]
