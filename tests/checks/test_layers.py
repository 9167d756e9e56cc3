"""cnncourse.checks.layers: frozen and trainable layers, parameter totals, output shapes."""

import keras
import numpy as np
import pytest
from keras import layers

from cnncourse.checks import frozen, output_shape, parameters, trainable
from cnncourse.checks.layers import resolve_layer


@pytest.fixture(scope="module")
def vgg16_model():
    base = keras.applications.VGG16(weights=None, include_top=False, input_shape=(32, 32, 3))
    inputs = keras.Input((32, 32, 3))
    x = layers.Flatten()(base(inputs))
    return keras.Model(inputs, layers.Dense(1, activation="sigmoid")(x)), base


def test_an_unfrozen_base_fails_with_its_trainable_count(vgg16_model):
    model, base = vgg16_model
    base.trainable = True
    result = frozen(model, "vgg16", label="the VGG16 base")
    assert result.message == (
        "the VGG16 base must be frozen: 14,714,688 of its 14,714,688 parameters are trainable"
    )
    base.trainable = False
    assert frozen(model, "vgg16", label="the VGG16 base").passed
    assert frozen(base).passed


def test_fine_tuning_only_the_last_block(vgg16_model):
    model, base = vgg16_model
    base.trainable = True
    for layer in base.layers:
        layer.trainable = layer.name.startswith("block5")
    block5 = 3 * (3 * 3 * 512 * 512 + 512)
    assert trainable(base, expected=block5, label="the VGG16 base").passed
    result = trainable(base, expected=block5 + 1, label="the VGG16 base")
    assert result.message.startswith("the VGG16 base should have 7,079,425 trainable parameters")
    assert trainable(model, "block5_conv3").passed  # nested layers are found by name
    assert not trainable(model, "block1_conv1").passed
    base.trainable = False
    assert trainable(model, "vgg16").message.startswith("layer 'vgg16' must be trainable")


def test_unknown_layer_names_the_layers_there_are(vgg16_model):
    model, _ = vgg16_model
    result = frozen(model, "resnet50")
    assert not result.passed and "no layer called 'resnet50'" in result.message
    assert "vgg16" in result.message
    assert not frozen("not a model").passed


def test_parameter_totals(vgg16_model):
    model, base = vgg16_model
    base.trainable = False
    total = 14_714_688 + 512 + 1
    assert parameters(model, total, trainable_count=513).passed
    assert not parameters(model, total, trainable_count=total).passed
    assert parameters(model, 1_000).message == (
        "total parameters of your model: 14,715,201 is not right (expected 1,000)"
    )


def test_output_shapes():
    inputs = keras.Input((32, 32, 3))
    model = keras.Model(inputs, layers.Dense(10)(layers.Flatten()(inputs)))
    assert output_shape(model, (None, 10)).passed
    assert output_shape(model, (10,)).passed
    assert output_shape(model, (1,)).message == "the output: expected shape (1,), yours is (10,)"
    assert output_shape(np.zeros((5, 2)), (None, 2)).passed
    assert not output_shape([1, 2], (2,)).passed


def test_resolve_layer_takes_none_a_name_an_index_or_a_layer(vgg16_model):
    model, base = vgg16_model
    assert resolve_layer(model, None) is model
    assert resolve_layer(model, "vgg16") is base
    assert resolve_layer(model, "block1_conv1") is base.get_layer("block1_conv1")
    assert resolve_layer(model, -1) is model.layers[-1]
    assert resolve_layer(model, base) is base
    with pytest.raises(LookupError, match="no layer 9"):
        resolve_layer(model, 9)
    with pytest.raises(LookupError, match="no layer called 'nope'"):
        resolve_layer(model, "nope")
