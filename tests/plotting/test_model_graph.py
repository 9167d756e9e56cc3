"""Tests of cnncourse.plotting.model_graph: a Keras model's layers and connections as data."""

import keras
from keras import layers

from cnncourse.plotting import model_graph
from tests.plotting.helpers import RESIDUAL_EDGES, residual_model


def test_layer_graph_of_a_residual_block():
    model = residual_model()
    graph = model_graph.layer_graph(model)
    assert [node.name for node in graph.nodes] == [layer.name for layer in model.layers]
    assert set(graph.edges) == RESIDUAL_EDGES
    assert graph.parents("add") == ["shortcut", "norm"]  # argument order
    assert graph.node("pool").output_shape == "(None, 8, 8, 8)"
    assert graph.node("conv").params == 3 * 3 * 3 * 8 + 8


def test_nested_model_is_one_box():
    base = keras.Sequential([keras.Input((8, 8, 3)), layers.Conv2D(2, 3)], name="base")
    inputs = keras.Input((8, 8, 3))
    outputs = layers.Dense(1)(layers.Flatten()(base(inputs)))
    graph = model_graph.layer_graph(keras.Model(inputs, outputs))
    assert [node.kind for node in graph.nodes] == ["InputLayer", "Sequential", "Flatten", "Dense"]
