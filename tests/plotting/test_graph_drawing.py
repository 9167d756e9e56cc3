"""Tests of cnncourse.plotting.graph_drawing: a box per layer and an arrow per connection."""

import keras
from keras import layers

from cnncourse.plotting import graph_drawing, model_graph
from tests.plotting.helpers import RESIDUAL_EDGES, gids, residual_model


def test_drawing_has_one_box_per_layer_and_one_arrow_per_connection():
    model = residual_model()
    fig = graph_drawing.plot_model_graph(model, show_params=True, title="residual")
    assert sorted(gids(fig, "layer:")) == sorted(f"layer:{layer.name}" for layer in model.layers)
    assert sorted(gids(fig, "edge:")) == sorted(f"edge:{a}->{b}" for a, b in RESIDUAL_EDGES)
    texts = [text.get_text() for text in fig.axes[0].texts]
    assert any("shortcut" in t and "Conv2D" in t and "(None, 8, 8, 8)" in t for t in texts)


def test_sequential_models_drawn_built_or_not():
    built = keras.Sequential(
        [keras.Input((8, 8, 3)), layers.Conv2D(2, 3), layers.Flatten(), layers.Dense(2)]
    )
    fig = graph_drawing.plot_model_graph(built)
    assert len(gids(fig, "layer:")) == len(built.layers) + 1  # and the input box
    assert len(gids(fig, "edge:")) == len(built.layers)
    unbuilt = keras.Sequential([layers.Conv2D(2, 3), layers.Flatten(), layers.Dense(2)])
    graph = model_graph.layer_graph(unbuilt)
    assert [node.output_shape for node in graph.nodes] == ["?"] * 3
    assert len(graph.edges) == 2
    fig = graph_drawing.plot_model_graph(unbuilt)
    assert len(gids(fig, "layer:")) == 3
