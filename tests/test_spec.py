"""cnncourse.spec.from_keras / to_keras: Keras models read into specs and specs built by Keras."""

import keras
import pytest
from keras import layers

from cnncourse import params, spec


def _summary(network):
    return [
        (c.name, c.kind, c.output_shape, c.params, c.trainable, c.non_trainable)
        for c in params.count(network)
    ]


def test_from_keras_reads_a_functional_model_layer_by_layer():
    inputs = keras.Input(shape=(20, 20, 3), name="image")
    x = layers.Conv2D(8, 3, strides=2, padding="same", activation="relu", name="conv")(inputs)
    x = layers.MaxPooling2D(3, strides=1, name="pool")(x)
    x = layers.BatchNormalization(center=False, name="bn")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dropout(0.3, name="drop")(x)
    outputs = layers.Dense(4, activation="softmax", use_bias=False, name="out")(x)
    network = spec.from_keras(keras.Model(inputs, outputs, name="plain"))
    assert network.name == "plain"
    assert [layer.kind for layer in network.layers] == [
        "Input",
        "Conv2D",
        "MaxPooling2D",
        "BatchNormalization",
        "Flatten",
        "Dropout",
        "Dense",
    ]
    image, conv, pool, bn, _, drop, out = network.layers
    assert image.shape == (20, 20, 3)
    assert (conv.filters, conv.kernel_size, conv.strides, conv.padding, conv.activation) == (
        8,
        (3, 3),
        (2, 2),
        "same",
        "relu",
    )
    assert (pool.pool_size, pool.strides, pool.padding) == ((3, 3), (1, 1), "valid")
    assert (bn.center, bn.scale) == (False, True)
    assert drop.rate == pytest.approx(0.3)
    assert (out.units, out.activation, out.use_bias) == (4, "softmax", False)
    assert all(layer.inputs is None for layer in network.layers)  # a plain chain


def test_from_keras_records_branches_by_name():
    inputs = keras.Input(shape=(8, 8, 3), name="x")
    a = layers.Conv2D(2, 1, name="a")(inputs)
    b = layers.Conv2D(2, 3, padding="same", name="b")(inputs)
    outputs = layers.Add(name="sum")([a, b])
    network = spec.from_keras(keras.Model(inputs, outputs))
    by_name = {layer.name: layer for layer in network.layers}
    assert set(by_name["sum"].inputs) == {"a", "b"}
    assert params.count(network)[-1].output_shape == (8, 8, 2)


def test_a_nested_model_and_a_frozen_layer_become_blocks_with_keras_counts():
    inner_inputs = keras.Input(shape=(16, 16, 3))
    inner = keras.Model(inner_inputs, layers.Conv2D(5, 3, name="c")(inner_inputs), name="base")
    inner.trainable = False
    inputs = keras.Input(shape=(16, 16, 3))
    x = inner(inputs)
    x = layers.Rescaling(0.5, name="scale")(x)
    frozen = layers.Conv2D(3, 1, name="frozen_conv")
    frozen.trainable = False
    x = layers.GlobalAveragePooling2D(name="gap")(frozen(x))
    model = keras.Model(inputs, layers.Dense(2, name="out")(x))
    network = spec.from_keras(model)
    by_name = {layer.name: layer for layer in network.layers}
    base = by_name["base"]
    assert isinstance(base, spec.Block)
    assert (base.params, base.trainable, base.output_shape) == (140, False, (14, 14, 5))
    assert "base (Functional)" in base.label
    assert isinstance(by_name["scale"], spec.Block) and by_name["scale"].params == 0
    assert isinstance(by_name["frozen_conv"], spec.Block)
    totals = params.totals(network)
    assert totals.total == model.count_params()
    assert totals.non_trainable == 140 + 18


def test_from_keras_reads_a_sequential_model():
    model = keras.Sequential(
        [keras.Input(shape=(10,)), layers.Dense(6, activation="relu"), layers.Dense(1)], name="seq"
    )
    network = spec.from_keras(model)
    assert network.name == "seq"
    assert [layer.kind for layer in network.layers] == ["Input", "Dense", "Dense"]
    assert params.total(network) == model.count_params()


def test_an_unbuilt_sequential_and_a_subclassed_model_are_refused():
    with pytest.raises(ValueError, match="not built"):
        spec.from_keras(keras.Sequential([layers.Dense(2)]))

    class Custom(keras.Model):
        def call(self, x):
            return x

    with pytest.raises(ValueError, match="subclassed"):
        spec.from_keras(Custom())


def test_a_shared_layer_is_refused():
    inputs = keras.Input(shape=(4,))
    shared = layers.Dense(4, name="shared")
    model = keras.Model(inputs, shared(shared(inputs)))
    with pytest.raises(ValueError, match="'shared' is called 2 times"):
        spec.from_keras(model)


def test_to_keras_builds_the_spec_and_from_keras_reads_it_back():
    network = spec.Network(
        "round_trip",
        (
            spec.Input(name="x", shape=(12, 12, 2)),
            spec.Conv2D(name="a", filters=3, kernel_size=(1, 3), strides=(2, 1), padding="same"),
            spec.AveragePooling2D(name="p", pool_size=2, strides=1, padding="same"),
            spec.Conv2D(name="b", filters=3, kernel_size=3, padding="same", inputs=("a",)),
            spec.Concatenate(name="cat", inputs=("p", "b"), axis=1),
            spec.Activation(name="act", activation="tanh"),
            spec.GlobalMaxPooling2D(name="g"),
            spec.Dense(name="d", units=3),
        ),
    )
    model = spec.to_keras(network)
    assert model.name == "round_trip"
    assert model.count_params() == params.total(network)
    assert tuple(model.output.shape[1:]) == params.output_shape(network)
    assert _summary(spec.from_keras(model)) == _summary(network)


def test_to_keras_refuses_a_block():
    network = spec.Network(
        "blocked", (spec.Input(shape=(4, 4, 3)), spec.Block(name="base", label="vgg", params=10))
    )
    with pytest.raises(ValueError, match="'base'.*Block"):
        spec.to_keras(network)
