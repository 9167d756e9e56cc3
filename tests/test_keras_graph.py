"""cnncourse.keras_graph: the graph of a built Keras model, its nested layers and counts."""

import keras
import pytest
from keras import layers

from cnncourse import keras_graph


def _branching():
    inputs = keras.Input(shape=(8, 8, 3), name="x")
    a = layers.Conv2D(2, 1, name="a")(inputs)
    b = layers.Conv2D(2, 3, padding="same", name="b")(inputs)
    c = layers.Conv2D(2, 1, name="c")(b)
    merged = layers.Add(name="sum")([a, c])
    outputs = layers.Dense(3, activation="softmax", name="out")(layers.Flatten(name="f")(merged))
    return keras.Model(inputs, outputs, name="branching")


def test_graph_nodes_come_inputs_first_with_their_parents():
    nodes = keras_graph.graph_nodes(_branching())
    names = [node.layer.name for node in nodes]
    position = {name: index for index, name in enumerate(names)}
    parents = {node.layer.name: [names[p] for p in node.parents] for node in nodes}
    assert names[0] == "x" and names[-1] == "out"
    assert parents == {
        "x": [],
        "a": ["x"],
        "b": ["x"],
        "c": ["b"],
        "sum": ["a", "c"],
        "f": ["sum"],
        "out": ["f"],
    }
    for name, sources in parents.items():  # topological: every parent comes earlier
        assert all(position[source] < position[name] for source in sources)
    by_name = dict(zip(names, nodes))
    assert by_name["x"].is_input and by_name["x"].input_shape is None
    assert by_name["c"].input_shape == (8, 8, 2) and by_name["f"].output_shape == (128,)
    assert keras_graph.producer(nodes, _model_output(nodes)) == len(nodes) - 1


def _model_output(nodes):
    return nodes[-1].outputs[0]


def test_a_sequential_model_is_read_through_its_graph_and_an_unbuilt_one_is_refused():
    model = keras.Sequential(
        [keras.Input(shape=(4,)), layers.Dense(3, name="d1"), layers.Dense(2, name="d2")],
        name="seq",
    )
    nodes = keras_graph.graph_nodes(model)
    assert [type(node.layer).__name__ for node in nodes] == ["InputLayer", "Dense", "Dense"]
    assert [node.parents for node in nodes] == [(), (0,), (1,)]
    with pytest.raises(keras_graph.ModelReadError, match="not built"):
        keras_graph.graph_nodes(keras.Sequential([layers.Dense(2)]))

    class Custom(keras.Model):
        def call(self, x):
            return x

    with pytest.raises(keras_graph.ModelReadError, match="subclassed"):
        keras_graph.functional(Custom())
    with pytest.raises(keras_graph.ModelReadError, match="expected a Keras model"):
        keras_graph.functional("not a model")


def test_a_layer_called_twice_gives_two_nodes_and_is_refused_when_asked():
    inputs = keras.Input(shape=(4,))
    shared = layers.Dense(4, name="shared")
    model = keras.Model(inputs, shared(shared(inputs)), name="twice")
    nodes = keras_graph.graph_nodes(model)
    assert [node.layer.name for node in nodes].count("shared") == 2
    assert nodes[2].parents == (1,)
    with pytest.raises(keras_graph.ModelReadError, match="'shared' is called 2 times"):
        keras_graph.refuse_shared(model, nodes, "described")


def test_a_layer_reused_in_a_second_model_belongs_to_each_graph_once():
    inputs = keras.Input(shape=(4,), name="in1")
    dense = layers.Dense(2, name="dense")
    first = keras.Model(inputs, dense(inputs), name="first")
    other = keras.Input(shape=(4,), name="in2")
    second = keras.Model(other, layers.Dense(1, name="top")(dense(other)), name="second")
    for model, names in ((first, ["in1", "dense"]), (second, ["in2", "dense", "top"])):
        nodes = keras_graph.graph_nodes(model)
        assert [node.layer.name for node in nodes] == names
        assert keras_graph.layer_node(model, dense, nodes).inputs[0] is model.inputs[0]


def _nested():
    inner_inputs = keras.Input(shape=(6, 6, 3))
    inner = keras.Model(
        inner_inputs, layers.Conv2D(4, 3, name="inner_conv")(inner_inputs), name="inner"
    )
    augment = keras.Sequential([layers.RandomFlip("horizontal", name="flip")], name="augment")
    inputs = keras.Input(shape=(6, 6, 3), name="image")
    x = inner(augment(inputs))
    outputs = layers.Dense(2, name="out")(layers.GlobalAveragePooling2D(name="gap")(x))
    return keras.Model(inputs, outputs, name="outer"), inner


def test_nested_models_are_walked_and_their_layers_listed_in_running_order():
    model, inner = _nested()
    walked = [layer.name for layer in keras_graph.walk_layers(model)]
    assert walked[0] == "outer"
    assert walked.index("inner") < walked.index("inner_conv")
    assert walked.index("augment") < walked.index("flip") < walked.index("inner")
    assert [layer.name for layer in keras_graph.children(model)] == [
        "augment",
        "inner",
        "gap",
        "out",
    ]
    assert keras_graph.is_container(inner) and keras_graph.is_container(model.layers[1])
    assert not keras_graph.is_container(model.get_layer("out"))


def test_param_counts_split_trainable_and_frozen_weights():
    model, inner = _nested()
    inner.trainable = False
    counts = keras_graph.param_counts(model)
    assert counts == keras_graph.ParamCounts(
        total=model.count_params(), trainable=10, non_trainable=inner.count_params()
    )
    assert keras_graph.weights_size(inner.weights) == 3 * 3 * 3 * 4 + 4
    bn = layers.BatchNormalization()
    bn.build((None, 5))
    assert keras_graph.param_counts(bn) == keras_graph.ParamCounts(20, 10, 10)


def test_activation_names_from_configs_and_functions():
    assert keras_graph.activation_name(None) == "linear"
    assert keras_graph.activation_name("relu") == "relu"
    assert keras_graph.activation_name(keras.activations.softmax) == "softmax"
    assert (
        keras_graph.activation_name({"class_name": "function", "config": {"name": "tanh"}})
        == "tanh"
    )
    dense = layers.Dense(2, activation="sigmoid")
    assert keras_graph.activation_name(dense.get_config()["activation"]) == "sigmoid"
    assert keras_graph.activation_name(dense.activation) == "sigmoid"


def test_takes_training_tells_dropout_from_flatten():
    assert keras_graph.takes_training(layers.Dropout(0.5))
    assert not keras_graph.takes_training(layers.Flatten())


def test_run_graph_calls_every_layer_through_the_given_function():
    model = _branching()
    called = []

    def operation_fn(layer):
        def call(*args, **kwargs):
            called.append(layer.name)
            return layer(*args, **kwargs)

        return call

    import numpy as np

    image = np.zeros((1, 8, 8, 3), dtype="float32")
    output = keras_graph.run_graph(model, image, operation_fn)
    assert tuple(output.shape) == (1, 3)
    assert sorted(called) == ["a", "b", "c", "f", "out", "sum"]
    assert called.index("b") < called.index("c") < called.index("sum")


def test_run_layers_calls_each_layer_of_a_sequential_or_functional_model_in_order():
    import numpy as np

    sequential = keras.Sequential(
        [keras.Input((8, 8, 3)), layers.Conv2D(2, 1, name="s1"), layers.Flatten(name="s2")]
    )
    image = np.ones((1, 8, 8, 3), dtype="float32")
    for model, names in ((sequential, ["s1", "s2"]), (_branching(), None)):
        called = []

        def call(layer, args, kwargs, called=called):
            called.append(layer.name)
            return layer(*args, **kwargs)

        output = keras_graph.run_layers(model, image, call)
        np.testing.assert_allclose(np.asarray(output), np.asarray(model(image)), rtol=1e-6)
        if names is not None:
            assert called == names
        else:
            assert sorted(called) == ["a", "b", "c", "f", "out", "sum"]
