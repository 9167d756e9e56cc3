"""Tests of cnncourse.visualize.filters: gradient ascent raises a filter's activation, seeded."""

import logging

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import layers

from cnncourse.visualize import activation_maps, filters
from tests.visualize.helpers import functional_model, nested_model, sequential_model


def _filter_activation(model, layer, image, index):
    probe = keras.Model(model.inputs[0], model.get_layer(layer).output)
    return float(np.mean(np.asarray(probe(image[np.newaxis]))[..., index]))


@pytest.mark.slow
def test_gradient_ascent_raises_the_filter_activation():
    model = functional_model()
    live = int(
        np.argmax(
            activation_maps.activations(
                model, np.full((20, 20, 3), 0.5, "float32"), ["merge_conv"]
            )["merge_conv"].mean(axis=(0, 1))
        )
    )
    result = filters.maximize_filter(model, "merge_conv", live, steps=15, seed=3)
    assert result.image.shape == result.start.shape == (20, 20, 3)
    before = _filter_activation(model, "merge_conv", result.start, live)
    after = _filter_activation(model, "merge_conv", result.image, live)
    assert after > before > 0
    assert result.trace[0] == pytest.approx(before, rel=1e-4)
    assert result.trace[-1] == pytest.approx(after, rel=1e-4)
    pattern = result.pattern
    assert pattern.dtype == np.uint8 and pattern.shape == (20, 20, 3)
    again = filters.maximize_filter(model, "merge_conv", live, steps=15, seed=3)
    np.testing.assert_array_equal(again.image, result.image)
    other = filters.maximize_filter(model, "merge_conv", live, steps=1, seed=4)
    assert not np.array_equal(other.start, result.start)


@pytest.mark.slow
def test_a_dead_relu_filter_needs_the_pre_activation():
    inputs = keras.Input((10, 10, 1))
    conv = layers.Conv2D(2, 3, activation="relu", name="conv")
    model = keras.Model(inputs, layers.GlobalAveragePooling2D()(conv(inputs)))
    kernel = np.ones((3, 3, 1, 2), "float32") * 0.1
    conv.set_weights([kernel, np.array([0.0, -50.0], "float32")])  # filter 1 is never positive
    dead = filters.maximize_filter(model, "conv", 1, steps=5)
    assert dead.trace == [0.0] * 6
    revived = filters.maximize_filter(model, "conv", 1, steps=5, pre_activation=True)
    assert revived.trace[-1] > revived.trace[0]


@pytest.mark.slow
def test_filter_patterns_quiet_tensorflow_loggers_reset_by_an_earlier_import(capfd):
    # Every call compiles a new tf.function; after a few TensorFlow logs a retracing notice
    # unless its logger is quiet, which it is not when TensorFlow was imported first.
    tf.get_logger().setLevel(logging.WARNING)
    model = sequential_model()
    capfd.readouterr()
    filters.filter_patterns(model, "c1", 1, steps=1)
    assert tf.get_logger().level >= logging.ERROR
    captured = capfd.readouterr()
    assert captured.err == "" and captured.out == ""


@pytest.mark.slow
def test_filter_patterns_work_inside_a_frozen_nested_base_and_plot_in_a_grid():
    model, _ = nested_model(frozen=True)
    results = filters.filter_patterns(model, "block1_conv", 3, steps=4, input_range=(0.0, 1.0))
    assert [r.filter_index for r in results] == [0, 1, 2]
    assert all(r.layer == "base/block1_conv" for r in results)
    fig = filters.plot_filter_patterns(results, columns=2)
    assert len(fig.axes) == 3
    assert [ax.get_title() for ax in fig.axes] == ["filter 0", "filter 1", "filter 2"]
    with pytest.raises(ValueError, match="6 filters"):
        filters.maximize_filter(model, "block1_conv", 6, steps=1)
