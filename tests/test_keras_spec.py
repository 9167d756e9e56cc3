"""cnncourse.keras_spec: the one Keras-layer-to-spec mapping, equal for specs and checks."""

import keras
import pytest
from keras import layers

from cnncourse import keras_spec, models, spec
from cnncourse.checks import keras_reader
from cnncourse.models import pretrained, transfer


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


def _reference_models():
    return [
        models.project_cifar10(),
        models.project_stl10(),
        models.hw9_q3(),
        models.hw9_mlp(),
        models.hw9_cnn(),
        models.cs577_cifar_basic((8, 16, 32)),
        models.cs577_inception((8, 16, 32), 4),
        models.cs577_residual((8, 8, 16)),
        transfer.add_head(pretrained.small_vgg_base((32, 32, 3)), hidden=8, dropout=0.1),
    ]


def test_a_model_read_for_a_check_equals_the_same_model_read_by_from_keras():
    nested = 0
    for model in _reference_models():
        network = spec.from_keras(model)
        graph = keras_reader.read_model(model)
        assert network.layers == tuple(layer.spec for layer in graph.layers), model.name
        assert graph.output == len(graph.layers) - 1, model.name
        assert graph.total_params == model.count_params(), model.name
        nested += any(
            isinstance(layer, spec.Block) and "Functional" in layer.label
            for layer in network.layers
        )
    assert nested >= 1  # a nested transfer model is among them


def test_the_two_old_mappings_are_one_function():
    assert keras_reader.layer_spec is keras_spec.layer_spec
    assert keras_reader.ModelReadError is keras_spec.keras_graph.ModelReadError


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
