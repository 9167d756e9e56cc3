"""Tests of cnncourse.visualize.layers: layer paths inside nested models, convs, unique names."""

import keras
import pytest
from keras import layers

from cnncourse.visualize import layers as model_layers
from tests.visualize.helpers import functional_model, nested_model, sequential_model


def test_conv_layers_are_found_in_running_order_inside_nested_models():
    model, _ = nested_model()
    assert model_layers.conv_layer_names(model) == ["base/block1_conv", "base/block2_conv"]
    assert model_layers.conv_layer_names(sequential_model()) == ["c1", "c2"]
    assert model_layers.conv_layer_names(functional_model())[-1] == "merge_conv"
    assert model_layers.find_layer(model, "block2_conv")[0] == "base/block2_conv"


def test_layer_names_must_exist_and_be_unambiguous():
    model, _ = nested_model()
    with pytest.raises(ValueError, match="no layer 'nope'"):
        model_layers.find_layer(model, "nope")
    inputs = keras.Input((8, 8, 3))
    first = keras.Sequential([keras.Input((8, 8, 3)), layers.Conv2D(2, 1, name="conv")], name="a")
    second = keras.Sequential([keras.Input((8, 8, 2)), layers.Conv2D(2, 1, name="conv")], name="b")
    twice = keras.Model(inputs, second(first(inputs)))
    with pytest.raises(ValueError, match="ambiguous.*a/conv.*b/conv"):
        model_layers.find_layer(twice, "conv")


def test_paths_list_a_nested_model_then_its_layers_and_lead_back_to_them():
    model, base = nested_model()
    paths = model_layers.layer_paths(model)
    assert paths[paths.index("base") + 1 :][:3] == [
        "base/block1_conv",
        "base/block1_pool",
        "base/block2_conv",
    ]
    assert model_layers.layer_at(model, "base/block1_pool") is base.get_layer("block1_pool")
    with pytest.raises(KeyError):
        model_layers.layer_at(model, "base/nope")
    with pytest.raises(TypeError, match="cannot be walked"):
        model_layers.layer_paths(layers.Dense(2))
