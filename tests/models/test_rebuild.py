"""rebuild_with_input: a trained conv base moves to another image size without resizing images."""

import keras
import numpy as np
import pytest
from keras import layers

from cnncourse import models
from cnncourse.models import rebuild
from cnncourse.models.transfer import add_head


def _valid_base(size=32):
    """A conv base with 'valid' windows only, so outputs at the top-left corner depend only
    on the top-left pixels (what makes a crop comparison exact)."""
    inputs = keras.Input(shape=(size, size, 3), name="image")
    x = layers.Conv2D(6, 3, activation="relu", name="conv1")(inputs)
    x = layers.BatchNormalization(name="bn1")(x)
    x = layers.MaxPooling2D(2, name="pool1")(x)
    x = layers.Conv2D(4, 3, activation="relu", name="conv2")(x)
    return keras.Model(inputs, x, name="valid_base")


def _give_trained_state(model, seed=0):
    """Random weights everywhere, BatchNormalization's moving statistics included (what
    training leaves behind), so that copying them is tested too."""
    rng = np.random.default_rng(seed)
    weights = []
    for weight in model.get_weights():
        value = rng.normal(0, 0.3, weight.shape)
        weights.append(np.abs(value) + 0.5 if weight.ndim == 1 and "var" in str(weight) else value)
    model.set_weights([w.astype("float32") for w in weights])
    for layer in model.layers:
        if isinstance(layer, layers.BatchNormalization):
            gamma, beta, mean, variance = layer.get_weights()
            layer.set_weights([gamma, beta, mean, np.abs(variance) + 0.5])
    return model


def _weights_equal(first, second) -> bool:
    a, b = first.get_weights(), second.get_weights()
    return len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b))


def test_a_base_from_32x32_gives_the_same_conv_outputs_at_96x96():
    base = _give_trained_state(_valid_base(32))
    moved = models.rebuild_with_input(base, (96, 96, 3))
    assert moved.input_shape == (None, 96, 96, 3)
    assert _weights_equal(base, moved)
    for old, new in zip(base.layers, moved.layers):
        assert type(old) is type(new) and old.name == new.name
    rng = np.random.default_rng(1)
    big = rng.uniform(0, 1, (2, 96, 96, 3)).astype("float32")
    small = big[:, :32, :32, :]
    out_small = base.predict(small, verbose=0)  # (2, 13, 13, 4)
    out_big = moved.predict(big, verbose=0)  # (2, 45, 45, 4)
    assert out_big.shape == (2, 45, 45, 4)
    np.testing.assert_allclose(out_big[:, :13, :13, :], out_small, rtol=1e-5, atol=1e-5)
    assert not np.allclose(out_big[:, 13:26, 13:26, :], out_small)  # other pixels, other values


def test_moving_there_and_back_gives_the_original_outputs():
    inputs = keras.Input(shape=(32, 32, 3))
    x = layers.Conv2D(5, 3, padding="same", activation="relu")(inputs)
    x = layers.Conv2D(5, 3, strides=2, padding="same")(x)
    base = _give_trained_state(keras.Model(inputs, x, name="same_base"))
    back = models.rebuild_with_input(models.rebuild_with_input(base, (80, 64, 3)), (32, 32, 3))
    images = np.random.default_rng(2).uniform(0, 1, (2, 32, 32, 3)).astype("float32")
    np.testing.assert_allclose(
        back.predict(images, verbose=0), base.predict(images, verbose=0), rtol=1e-6, atol=1e-6
    )


def test_a_flatten_head_raises_a_clear_error_naming_the_layers():
    model = models.project_cifar10()
    with pytest.raises(rebuild.RebuildError) as caught:
        models.rebuild_with_input(model, (96, 96, 3))
    message = str(caught.value)
    assert "'dense'" in message and "'flatten'" in message
    assert "4,096 values" in message and "36,864 values" in message
    assert "conv_base" in message and "global-pooling head" in message


def test_the_conv_base_of_a_flatten_model_moves_and_takes_a_pooling_head():
    model = _give_trained_state(models.project_cifar10())
    base = models.conv_base(model)
    assert base.output.shape[1:] == (8, 8, 64)
    moved = models.rebuild_with_input(base, (96, 96, 3))
    assert moved.output.shape[1:] == (24, 24, 64)
    assert _weights_equal(base, moved)
    classifier = add_head(moved, head="avg", classes=9)
    assert classifier.output.shape[1:] == (9,)


def test_a_model_with_a_nested_base_and_a_pooling_head_moves_whole():
    base = _give_trained_state(_valid_base(32))
    base.trainable = False
    model = add_head(base, head="avg", hidden=8, classes=3)
    moved = models.rebuild_with_input(model, (64, 64, 3))
    assert _weights_equal(model, moved)
    nested = moved.get_layer("valid_base")
    assert isinstance(nested, keras.Model) and nested.input_shape == (None, 64, 64, 3)
    assert not nested.trainable
    assert moved.predict(np.zeros((1, 64, 64, 3), "float32"), verbose=0).shape == (1, 3)


def test_a_sequential_model_and_bad_shapes():
    sequential = keras.Sequential([keras.Input((16, 16, 3)), layers.Conv2D(2, 3)], name="seq")
    assert models.rebuild_with_input(sequential, (40, 40, 3)).output.shape[1:] == (38, 38, 2)
    with pytest.raises(ValueError, match="channels"):
        models.rebuild_with_input(sequential, (40, 40, 1))
    with pytest.raises(ValueError, match="input_shape"):
        models.rebuild_with_input(sequential, (40, 40))
    with pytest.raises(ValueError, match="no Flatten or global pooling"):
        models.conv_base(sequential)


def test_feature_count_says_what_a_flatten_would_get():
    base = models.conv_base(models.project_cifar10())
    assert rebuild.feature_count(base, (32, 32, 3)) == 4096
    assert rebuild.feature_count(base, (96, 96, 3)) == 24 * 24 * 64
