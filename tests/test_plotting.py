"""Tests of cnncourse.plotting: curves, image grids, comparisons and the layer-graph drawing."""

from types import SimpleNamespace

import keras
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from keras import layers
from matplotlib.image import AxesImage
from matplotlib.patches import Rectangle

from cnncourse import plotting
from cnncourse.training import TrainingRun

HISTORY_A = {
    "accuracy": [0.5, 0.6, 0.7],
    "val_accuracy": [0.4, 0.5, 0.55],
    "loss": [1.0, 0.8, 0.6],
    "val_loss": [1.1, 0.9, 0.85],
}
HISTORY_B = {"accuracy": [0.6, 0.8], "loss": [0.9, 0.5]}


# ----------------------------------------------------------------------------- curves


def test_curves_have_one_panel_per_metric_and_train_and_validation_lines():
    fig = plotting.plot_history({"a": HISTORY_A, "b": SimpleNamespace(history=HISTORY_B)})
    assert len(fig.axes) == 2
    accuracy, loss = fig.axes
    assert accuracy.get_ylabel() == "accuracy" and loss.get_ylabel() == "loss"
    # run a: train + validation; run b has no validation curves.
    assert len(accuracy.get_lines()) == 3
    labels = [line.get_label() for line in accuracy.get_lines()]
    assert labels == ["a train", "a validation", "b train"]
    first = accuracy.get_lines()[0]
    assert list(first.get_xdata()) == [1, 2, 3]
    assert list(first.get_ydata()) == HISTORY_A["accuracy"]
    assert accuracy.get_lines()[1].get_linestyle() == "--"
    # the two runs get different colours, explained by one legend outside the panels
    assert accuracy.get_lines()[0].get_color() != accuracy.get_lines()[2].get_color()
    assert len(fig.legends) == 1
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["a", "b", "train", "validation"]


def test_curves_accept_a_single_run_and_a_list():
    run = TrainingRun(history=HISTORY_A, epochs=3, seconds=1.0, seconds_per_epoch=[0.4, 0.3, 0.3])
    single = plotting.plot_history(run)
    assert len(single.axes[0].get_lines()) == 2
    assert single.axes[0].get_legend() is not None and not single.legends
    fig = plotting.plot_history([HISTORY_A, HISTORY_A], metrics=("loss",))
    assert len(fig.axes) == 1 and len(fig.axes[0].get_lines()) == 4


def test_curves_name_the_metrics_a_run_has():
    with pytest.raises(ValueError, match="auc.*accuracy"):
        plotting.plot_history(HISTORY_A, metrics=("auc",))
    with pytest.raises(TypeError, match="History"):
        plotting.plot_history({"a": 3})


def test_figures_are_not_left_open_in_pyplot():
    before = plt.get_fignums()
    plotting.plot_history(HISTORY_A)
    plotting.plot_images(np.zeros((2, 4, 4, 3), np.uint8))
    assert plt.get_fignums() == before


# ----------------------------------------------------------------------------- image grids


def test_image_grid_shows_one_axes_per_image_titled_with_class_names():
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (10, 8, 8, 3), dtype=np.uint8)
    labels = np.array([0, 1, 2, 0, 1, 2, 0, 1, 2, 0])
    predictions = labels.copy()
    predictions[3] = 2
    names = ["cat", "dog", "frog"]
    fig = plotting.plot_images(
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
    fig = plotting.plot_images(floats, one_hot, class_names=["no", "yes"], max_images=2)
    assert len(fig.axes) == 2
    image = fig.axes[0].get_images()[0]
    assert isinstance(image, AxesImage) and image.get_array().shape == (6, 6)
    assert fig.axes[0].get_title() == "yes"


def test_image_grid_refuses_floats_outside_zero_one():
    with pytest.raises(ValueError, match=r"\[255, 255\].*divide"):
        plotting.plot_images(np.full((2, 4, 4, 3), 255.0))
    with pytest.raises(ValueError, match="class name"):
        plotting.plot_images(np.zeros((1, 4, 4, 3), np.uint8), [5], class_names=["a"])


# ----------------------------------------------------------------------------- comparisons


def _grid_table():
    return pd.DataFrame(
        {
            "learning_rate": [1e-3, 1e-4, 1e-3, 1e-4],
            "units": [32, 32, 64, 64],
            "val_accuracy": [0.70, 0.72, 0.69, 0.71],
            "accuracy": [0.90, 0.95, 0.99, 0.93],
        }
    )


def _bars(ax):
    return [
        patch for container in ax.containers for patch in container if isinstance(patch, Rectangle)
    ]


def test_comparison_bars_one_per_row_and_value_best_outlined_in_red():
    fig = plotting.plot_comparison(
        _grid_table(), ["val_accuracy", "accuracy"], label=["learning_rate", "units"]
    )
    ax = fig.axes[0]
    bars = _bars(ax)
    assert len(bars) == 8
    heights = [bar.get_height() for bar in bars]
    assert heights[:4] == [0.70, 0.72, 0.69, 0.71]
    red = [i for i, bar in enumerate(bars) if bar.get_edgecolor()[:3] == (1.0, 0.0, 0.0)]
    assert red == [1, 4 + 2]  # best val_accuracy is row 1, best accuracy row 2
    assert ax.get_xticklabels()[2].get_text() == "learning_rate=0.001, units=64"


def test_comparison_lines_and_dicts_of_numbers_and_runs():
    fig = plotting.plot_comparison(
        {"scratch": 0.7, "transfer": 0.9}, "value", kind="line", highlight="min"
    )
    ax = fig.axes[0]
    line, marker = ax.get_lines()
    assert list(line.get_ydata()) == [0.7, 0.9]
    assert list(marker.get_ydata()) == [0.7]
    run = TrainingRun(history=HISTORY_A, epochs=3, seconds=1.0, seconds_per_epoch=[1.0] * 3)
    fig = plotting.plot_comparison({"a": run}, "val_accuracy", highlight=None)
    assert [bar.get_height() for bar in _bars(fig.axes[0])] == [0.55]


def test_comparison_names_missing_columns():
    with pytest.raises(ValueError, match="val_loss"):
        plotting.plot_comparison(_grid_table(), "val_loss")
    with pytest.raises(ValueError, match="kind"):
        plotting.plot_comparison(_grid_table(), kind="pie")


# ----------------------------------------------------------------------------- layer graphs


def _residual_model():
    inputs = keras.Input((16, 16, 3), name="image")
    x = layers.Conv2D(8, 3, padding="same", activation="relu", name="conv")(inputs)
    x = layers.MaxPooling2D(2, name="pool")(x)
    x = layers.BatchNormalization(name="norm")(x)
    shortcut = layers.Conv2D(8, 1, strides=2, padding="same", name="shortcut")(inputs)
    x = layers.add([shortcut, x], name="add")
    x = layers.Flatten(name="flatten")(x)
    outputs = layers.Dense(10, activation="softmax", name="dense")(x)
    return keras.Model(inputs, outputs, name="residual")


RESIDUAL_EDGES = {
    ("image", "conv"),
    ("conv", "pool"),
    ("pool", "norm"),
    ("image", "shortcut"),
    ("shortcut", "add"),
    ("norm", "add"),
    ("add", "flatten"),
    ("flatten", "dense"),
}


def _inception_model():
    inputs = keras.Input((16, 16, 8), name="image")
    one = layers.Conv2D(4, 1, name="b1_1x1")(inputs)
    three = layers.Conv2D(4, 3, padding="same", name="b2_3x3")(
        layers.Conv2D(4, 1, name="b2_1x1")(inputs)
    )
    five = layers.Conv2D(4, 5, padding="same", name="b3_5x5")(
        layers.Conv2D(4, 1, name="b3_1x1")(inputs)
    )
    pool = layers.Conv2D(4, 1, name="b4_1x1")(
        layers.MaxPooling2D(3, strides=1, padding="same", name="b4_pool")(inputs)
    )
    outputs = layers.concatenate([one, three, five, pool], name="concat")
    return keras.Model(inputs, outputs, name="inception")


def _gids(fig, prefix):
    return [p.get_gid() for p in fig.axes[0].patches if (p.get_gid() or "").startswith(prefix)]


def test_layer_graph_of_a_residual_block():
    model = _residual_model()
    graph = plotting.layer_graph(model)
    assert [node.name for node in graph.nodes] == [layer.name for layer in model.layers]
    assert set(graph.edges) == RESIDUAL_EDGES
    assert graph.parents("add") == ["shortcut", "norm"]  # argument order
    assert graph.node("pool").output_shape == "(None, 8, 8, 8)"
    assert graph.node("conv").params == 3 * 3 * 3 * 8 + 8


def test_drawing_has_one_box_per_layer_and_one_arrow_per_connection():
    model = _residual_model()
    fig = plotting.plot_model_graph(model, show_params=True, title="residual")
    assert sorted(_gids(fig, "layer:")) == sorted(f"layer:{layer.name}" for layer in model.layers)
    assert sorted(_gids(fig, "edge:")) == sorted(f"edge:{a}->{b}" for a, b in RESIDUAL_EDGES)
    texts = [text.get_text() for text in fig.axes[0].texts]
    assert any("shortcut" in t and "Conv2D" in t and "(None, 8, 8, 8)" in t for t in texts)


def test_skip_connection_is_routed_around_the_rows_it_jumps():
    fig = plotting.plot_model_graph(_residual_model())
    arrows = {
        p.get_gid(): p for p in fig.axes[0].patches if (p.get_gid() or "").startswith("edge:")
    }
    skip = arrows["edge:shortcut->add"].route
    direct = arrows["edge:conv->pool"].route
    assert len(direct) == 2
    assert len(skip) > 2  # bends through the rows of pool and norm
    boxes = {
        p.get_gid(): p for p in fig.axes[0].patches if (p.get_gid() or "").startswith("layer:")
    }
    pool_box = boxes["layer:pool"].get_bbox()
    inner_x = skip[1:-1, 0]
    assert all(x < pool_box.x0 or x > pool_box.x1 for x in inner_x)


def test_inception_branches_sit_side_by_side_in_argument_order():
    model = _inception_model()
    fig = plotting.plot_model_graph(model)
    boxes = {
        p.get_gid(): p.get_bbox()
        for p in fig.axes[0].patches
        if (p.get_gid() or "").startswith("layer:")
    }
    assert len(boxes) == len(model.layers)
    firsts = ["b1_1x1", "b2_1x1", "b3_1x1", "b4_pool"]
    centres = [(boxes[f"layer:{n}"].x0 + boxes[f"layer:{n}"].x1) / 2 for n in firsts]
    tops = {round(boxes[f"layer:{n}"].y1, 6) for n in firsts}
    assert len(tops) == 1  # one row
    assert centres == sorted(centres)  # left to right as concatenated
    assert len(_gids(fig, "edge:")) == 4 + 3 + 4  # input->4 branches, 3 inner, 4 into concat


def test_sequential_models_drawn_built_or_not():
    built = keras.Sequential(
        [keras.Input((8, 8, 3)), layers.Conv2D(2, 3), layers.Flatten(), layers.Dense(2)]
    )
    fig = plotting.plot_model_graph(built)
    assert len(_gids(fig, "layer:")) == len(built.layers) + 1  # and the input box
    assert len(_gids(fig, "edge:")) == len(built.layers)
    unbuilt = keras.Sequential([layers.Conv2D(2, 3), layers.Flatten(), layers.Dense(2)])
    graph = plotting.layer_graph(unbuilt)
    assert [node.output_shape for node in graph.nodes] == ["?"] * 3
    assert len(graph.edges) == 2
    fig = plotting.plot_model_graph(unbuilt)
    assert len(_gids(fig, "layer:")) == 3


def test_nested_model_is_one_box():
    base = keras.Sequential([keras.Input((8, 8, 3)), layers.Conv2D(2, 3)], name="base")
    inputs = keras.Input((8, 8, 3))
    outputs = layers.Dense(1)(layers.Flatten()(base(inputs)))
    graph = plotting.layer_graph(keras.Model(inputs, outputs))
    assert [node.kind for node in graph.nodes] == ["InputLayer", "Sequential", "Flatten", "Dense"]
