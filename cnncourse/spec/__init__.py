"""Plain-data layer specifications: what a network should be, and Keras models read into one.

The parameter counter (`cnncourse.params`) and the architecture check (`cnncourse.checks`)
both read these. A `Network` (`spec.network`) is an ordered tuple of layers
(`spec.layers`); each layer takes the previous one as input unless `inputs` names other
layers (branches, skips). `from_keras` reads a built Keras model into a `Network` and
`to_keras` builds one with Keras (`spec.keras`, the one mapping between the two).
"""

from cnncourse.spec.keras import from_keras, layer_spec, network_layers, to_keras
from cnncourse.spec.layers import (
    Activation,
    Add,
    AveragePooling2D,
    BatchNormalization,
    Block,
    Concatenate,
    Conv2D,
    Dense,
    Dropout,
    Flatten,
    GlobalAveragePooling2D,
    GlobalMaxPooling2D,
    Input,
    Layer,
    MaxPooling2D,
    Pair,
)
from cnncourse.spec.network import Network, SpecError, input_names, layer_names

__all__ = [
    "Activation",
    "Add",
    "AveragePooling2D",
    "BatchNormalization",
    "Block",
    "Concatenate",
    "Conv2D",
    "Dense",
    "Dropout",
    "Flatten",
    "GlobalAveragePooling2D",
    "GlobalMaxPooling2D",
    "Input",
    "Layer",
    "MaxPooling2D",
    "Network",
    "Pair",
    "SpecError",
    "from_keras",
    "input_names",
    "layer_names",
    "layer_spec",
    "network_layers",
    "to_keras",
]
