"""cnncourse.spec.keras: the one Keras-layer-to-spec mapping; Keras models read into specs
(`spec.from_keras`) and specs built by Keras (`spec.to_keras`)."""

import keras
import pytest
from keras import layers

from cnncourse import models, params, spec
from cnncourse.spec import keras as keras_spec


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


def _spec(layer, shape=(8, 8, 3)):
    inputs = keras.Input(shape=shape)
    outputs = layer(inputs)
    return keras_spec.layer_spec(layer, tuple(outputs.shape[1:]))


@pytest.mark.parametrize(
    ("layer", "expected"),
    [
        (
            layers.Conv2D(4, (3, 5), strides=2, padding="same", activation="relu", name="c"),
            spec.Conv2D(
                name="c",
                filters=4,
                kernel_size=(3, 5),
                strides=(2, 2),
                padding="same",
                activation="relu",
            ),
        ),
        (
            layers.Conv2D(4, 3, use_bias=False, name="c"),
            spec.Conv2D(name="c", filters=4, kernel_size=3, use_bias=False),
        ),
        (
            layers.MaxPooling2D(3, strides=1, name="p"),
            spec.MaxPooling2D(name="p", pool_size=3, strides=1),
        ),
        (
            layers.AveragePooling2D(2, name="p", padding="same"),
            spec.AveragePooling2D(name="p", padding="same"),
        ),
        (layers.GlobalAveragePooling2D(name="g"), spec.GlobalAveragePooling2D(name="g")),
        (layers.GlobalMaxPooling2D(name="g"), spec.GlobalMaxPooling2D(name="g")),
        (layers.Flatten(name="f"), spec.Flatten(name="f")),
        (layers.Dropout(0.25, name="d"), spec.Dropout(name="d", rate=0.25)),
        (
            layers.BatchNormalization(scale=False, name="bn"),
            spec.BatchNormalization(name="bn", scale=False),
        ),
        (layers.Activation("tanh", name="a"), spec.Activation(name="a", activation="tanh")),
        (layers.Dense(5, name="d"), spec.Dense(name="d", units=5)),  # linear: activation None
    ],
)
def test_each_layer_kind_maps_to_its_spec(layer, expected):
    assert _spec(layer) == expected


def test_merges_and_inputs_map_to_their_specs():
    inputs = keras.Input(shape=(4, 4, 2), name="x")
    a, b = layers.Dense(2, name="a")(inputs), layers.Dense(2, name="b")(inputs)
    add, cat = layers.Add(name="add"), layers.Concatenate(axis=1, name="cat")
    model = keras.Model(inputs, [add([a, b]), cat([a, b])])
    input_layer = model.layers[0]
    assert keras_spec.layer_spec(input_layer) == spec.Input(name="x", shape=(4, 4, 2))
    assert keras_spec.layer_spec(add, inputs=("a", "b")) == spec.Add(name="add", inputs=("a", "b"))
    assert keras_spec.layer_spec(cat) == spec.Concatenate(name="cat", axis=1)


def test_what_the_specs_cannot_say_becomes_a_block_with_keras_counts():
    dilated = layers.Conv2D(2, 3, dilation_rate=2, name="dilated")
    block = _spec(dilated)
    assert isinstance(block, spec.Block)
    assert (block.label, block.params, block.output_shape) == ("Conv2D", 56, (4, 4, 2))
    frozen = layers.Dense(3, name="frozen")
    frozen.trainable = False
    block = _spec(frozen, shape=(4,))
    assert isinstance(block, spec.Block)
    assert (block.params, block.non_trainable_params, block.trainable) == (15, 15, False)
    assert isinstance(_spec(layers.Rescaling(0.5, name="r")), spec.Block)
    assert isinstance(_spec(layers.Activation("linear", name="lin")), spec.Block)


def test_branches_are_named_in_inputs_and_a_chain_has_none():
    model = models.cs577_residual((8, 8, 16))
    network = keras_spec.from_keras(model)
    merges = [layer for layer in network.layers if isinstance(layer, spec.Add)]
    assert merges and all(len(layer.inputs) == 2 for layer in merges)
    chain = keras_spec.from_keras(models.hw9_mlp())
    assert all(layer.inputs is None for layer in chain.layers)


def test_to_keras_then_from_keras_gives_the_spec_back():
    network = spec.Network(
        "round",
        (
            spec.Input(name="x", shape=(6, 6, 2)),
            spec.Conv2D(name="c", filters=3, kernel_size=3, padding="same", activation="relu"),
            spec.Conv2D(name="d", filters=3, kernel_size=1, inputs=("x",)),
            spec.Add(name="s", inputs=("c", "d")),
            spec.Flatten(name="f"),
            spec.Dense(name="o", units=2, activation="softmax"),
        ),
    )
    assert keras_spec.from_keras(keras_spec.to_keras(network)).layers == network.layers
