"""Tests of cnncourse.visualize: activations, filter patterns and Grad-CAM on all model kinds."""

import logging

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import layers

import cnncourse
from cnncourse import visualize


def _image(shape=(20, 20, 3), seed=0):
    return np.random.default_rng(seed).random(shape).astype("float32")


def _sequential(with_input=True):
    cnncourse.seed_everything(0)
    stack = [
        layers.Conv2D(6, 3, activation="relu", name="c1"),
        layers.MaxPooling2D(2, name="pool"),
        layers.Conv2D(5, 3, padding="same", activation="relu", name="c2"),
        layers.Flatten(name="flat"),
        layers.Dropout(0.5, name="drop"),
        layers.Dense(3, activation="softmax", name="out"),
    ]
    if with_input:
        return keras.Sequential([keras.Input((20, 20, 3)), *stack], name="seq")
    model = keras.Sequential(stack, name="seq_built")
    model.build((None, 20, 20, 3))
    return model


def _functional():
    cnncourse.seed_everything(0)
    inputs = keras.Input((20, 20, 3))
    a = layers.Conv2D(4, 3, padding="same", activation="relu", name="left")(inputs)
    b = layers.Conv2D(4, 5, padding="same", activation="relu", name="right")(inputs)
    x = layers.concatenate([a, b], name="concat")
    x = layers.Conv2D(7, 3, strides=2, activation="relu", name="merge_conv")(x)
    x = layers.GlobalAveragePooling2D()(x)
    outputs = layers.Dense(3, activation="softmax", name="out")(x)
    return keras.Model(inputs, outputs, name="branches")


def _nested(frozen=True):
    cnncourse.seed_everything(0)
    base = keras.Sequential(
        [
            keras.Input((20, 20, 3)),
            layers.Conv2D(6, 3, activation="relu", name="block1_conv"),
            layers.MaxPooling2D(2, name="block1_pool"),
            layers.Conv2D(8, 3, activation="relu", name="block2_conv"),
        ],
        name="base",
    )
    base.trainable = not frozen
    inputs = keras.Input((20, 20, 3))
    x = layers.Rescaling(2.0, offset=-1.0, name="scale")(inputs)
    x = base(x)
    x = layers.Flatten()(x)
    outputs = layers.Dense(2, activation="softmax", name="out")(x)
    return keras.Model(inputs, outputs, name="transfer"), base


# ----------------------------------------------------------------------------- walking models


def test_conv_layers_are_found_in_running_order_inside_nested_models():
    model, _ = _nested()
    assert visualize.conv_layer_names(model) == ["base/block1_conv", "base/block2_conv"]
    assert visualize.conv_layer_names(_sequential()) == ["c1", "c2"]
    assert visualize.conv_layer_names(_functional())[-1] == "merge_conv"
    assert visualize.find_layer(model, "block2_conv")[0] == "base/block2_conv"


def test_layer_names_must_exist_and_be_unambiguous():
    model, _ = _nested()
    with pytest.raises(ValueError, match="no layer 'nope'"):
        visualize.find_layer(model, "nope")
    inputs = keras.Input((8, 8, 3))
    first = keras.Sequential([keras.Input((8, 8, 3)), layers.Conv2D(2, 1, name="conv")], name="a")
    second = keras.Sequential([keras.Input((8, 8, 2)), layers.Conv2D(2, 1, name="conv")], name="b")
    twice = keras.Model(inputs, second(first(inputs)))
    with pytest.raises(ValueError, match="ambiguous.*a/conv.*b/conv"):
        visualize.find_layer(twice, "conv")


def test_unbuilt_models_are_refused_with_advice():
    model = keras.Sequential([layers.Conv2D(2, 3)])
    with pytest.raises(ValueError, match=r"model.build"):
        visualize.activations(model, _image())


def test_the_walk_reproduces_the_model_output():
    for model in (_sequential(), _sequential(with_input=False), _functional(), _nested()[0]):
        batch = _image()[np.newaxis]
        outputs, _ = visualize.forward(model, batch)
        np.testing.assert_allclose(
            np.asarray(outputs), model.predict(batch, verbose=0), rtol=1e-5, atol=1e-6
        )


# ----------------------------------------------------------------------------- activations


@pytest.mark.parametrize("with_input", [True, False])
def test_activation_shapes_of_a_sequential_model(with_input):
    maps = visualize.activations(_sequential(with_input), _image())
    assert list(maps) == ["c1", "c2"]
    assert maps["c1"].shape == (18, 18, 6)  # 3x3 valid on 20x20
    assert maps["c2"].shape == (9, 9, 5)  # after 2x2 pooling, 'same'


def test_activations_of_a_functional_model_match_a_keras_submodel():
    model = _functional()
    image = _image(seed=1)
    maps = visualize.activations(model, image, ["left", "right", "concat", "merge_conv"])
    assert maps["concat"].shape == (20, 20, 8)
    assert maps["merge_conv"].shape == (9, 9, 7)
    probe = keras.Model(
        model.inputs[0], [model.get_layer(n).output for n in ("left", "merge_conv")]
    )
    left, merged = probe(image[np.newaxis])
    np.testing.assert_allclose(maps["left"], np.asarray(left)[0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(maps["merge_conv"], np.asarray(merged)[0], rtol=1e-5, atol=1e-6)


def test_activations_inside_a_nested_base_match_the_base_itself():
    model, base = _nested()
    image = _image(seed=2)
    maps = visualize.activations(model, image)
    probe = keras.Model(base.inputs[0], base.get_layer("block2_conv").output)
    expected = np.asarray(probe(image[np.newaxis] * 2.0 - 1.0))[0]  # the Rescaling layer
    np.testing.assert_allclose(maps["base/block2_conv"], expected, rtol=1e-5, atol=1e-6)


def test_the_walk_leaves_the_model_graph_untouched():
    model, base = _nested()
    before = len(base.get_layer("block2_conv")._inbound_nodes)
    visualize.activations(model, _image())
    visualize.grad_cam(model, _image())
    assert len(base.get_layer("block2_conv")._inbound_nodes) == before


def test_activation_grid_has_one_axes_per_channel_shown():
    maps = visualize.activations(_sequential(), _image())
    fig = visualize.plot_activations(maps, channels=4, columns=3)
    assert len(fig.axes) == 4 + 4
    maps = {"few": np.zeros((5, 5, 2)), "many": np.ones((5, 5, 10))}
    assert len(visualize.plot_activations(maps, channels=8).axes) == 2 + 8


# ----------------------------------------------------------------------------- filter patterns


def _filter_activation(model, layer, image, index):
    probe = keras.Model(model.inputs[0], model.get_layer(layer).output)
    return float(np.mean(np.asarray(probe(image[np.newaxis]))[..., index]))


@pytest.mark.slow
def test_gradient_ascent_raises_the_filter_activation():
    model = _functional()
    live = int(
        np.argmax(
            visualize.activations(model, np.full((20, 20, 3), 0.5, "float32"), ["merge_conv"])[
                "merge_conv"
            ].mean(axis=(0, 1))
        )
    )
    result = visualize.maximize_filter(model, "merge_conv", live, steps=15, seed=3)
    assert result.image.shape == result.start.shape == (20, 20, 3)
    before = _filter_activation(model, "merge_conv", result.start, live)
    after = _filter_activation(model, "merge_conv", result.image, live)
    assert after > before > 0
    assert result.trace[0] == pytest.approx(before, rel=1e-4)
    assert result.trace[-1] == pytest.approx(after, rel=1e-4)
    pattern = result.pattern
    assert pattern.dtype == np.uint8 and pattern.shape == (20, 20, 3)
    again = visualize.maximize_filter(model, "merge_conv", live, steps=15, seed=3)
    np.testing.assert_array_equal(again.image, result.image)
    other = visualize.maximize_filter(model, "merge_conv", live, steps=1, seed=4)
    assert not np.array_equal(other.start, result.start)


@pytest.mark.slow
def test_a_dead_relu_filter_needs_the_pre_activation():
    inputs = keras.Input((10, 10, 1))
    conv = layers.Conv2D(2, 3, activation="relu", name="conv")
    model = keras.Model(inputs, layers.GlobalAveragePooling2D()(conv(inputs)))
    kernel = np.ones((3, 3, 1, 2), "float32") * 0.1
    conv.set_weights([kernel, np.array([0.0, -50.0], "float32")])  # filter 1 is never positive
    dead = visualize.maximize_filter(model, "conv", 1, steps=5)
    assert dead.trace == [0.0] * 6
    revived = visualize.maximize_filter(model, "conv", 1, steps=5, pre_activation=True)
    assert revived.trace[-1] > revived.trace[0]


@pytest.mark.slow
def test_filter_patterns_quiet_tensorflow_loggers_reset_by_an_earlier_import(capfd):
    # Every call compiles a new tf.function; after a few TensorFlow logs a retracing notice
    # unless its logger is quiet, which it is not when TensorFlow was imported first.
    tf.get_logger().setLevel(logging.WARNING)
    model = _sequential()
    capfd.readouterr()
    visualize.filter_patterns(model, "c1", 1, steps=1)
    assert tf.get_logger().level >= logging.ERROR
    captured = capfd.readouterr()
    assert captured.err == "" and captured.out == ""


@pytest.mark.slow
def test_filter_patterns_work_inside_a_frozen_nested_base_and_plot_in_a_grid():
    model, _ = _nested(frozen=True)
    results = visualize.filter_patterns(model, "block1_conv", 3, steps=4, input_range=(0.0, 1.0))
    assert [r.filter_index for r in results] == [0, 1, 2]
    assert all(r.layer == "base/block1_conv" for r in results)
    fig = visualize.plot_filter_patterns(results, columns=2)
    assert len(fig.axes) == 3
    assert [ax.get_title() for ax in fig.axes] == ["filter 0", "filter 1", "filter 2"]
    with pytest.raises(ValueError, match="6 filters"):
        visualize.maximize_filter(model, "block1_conv", 6, steps=1)


# ----------------------------------------------------------------------------- Grad-CAM


def _quadrant_model(evidence_channel_for_class):
    """Two input channels, each passed through a 1x1 conv; class c reads channel e[c] only."""
    inputs = keras.Input((16, 16, 2))
    conv = layers.Conv2D(2, 1, activation="relu", use_bias=False, name="conv")
    pooled = layers.GlobalAveragePooling2D()(conv(inputs))
    dense = layers.Dense(2, activation="softmax", name="out")
    model = keras.Model(inputs, dense(pooled))
    conv.set_weights([np.eye(2, dtype="float32").reshape(1, 1, 2, 2)])
    kernel = np.zeros((2, 2), "float32")
    for klass, channel in enumerate(evidence_channel_for_class):
        kernel[channel, klass] = 20.0
    dense.set_weights([kernel, np.zeros(2, "float32")])
    return model


def _quadrant_image():
    image = np.zeros((16, 16, 2), "float32")
    image[:8, :8, 0] = 1.0  # channel 0: a bright top-left quadrant
    image[8:, 8:, 1] = 0.5  # channel 1: a dimmer bottom-right quadrant
    return image


def _share(heatmap, rows, columns):
    return heatmap[rows, columns].sum() / heatmap.sum()


def test_grad_cam_highlights_the_quadrant_the_class_depends_on():
    model = _quadrant_model([0, 1])  # class 0 <- channel 0 (top left), class 1 <- channel 1
    image = _quadrant_image()
    cam = visualize.grad_cam(model, image)
    assert cam.class_index == 0  # the brighter evidence wins
    assert cam.layer == "conv" and cam.score_kind == "logit"
    assert cam.heatmap.shape == (16, 16)
    assert cam.heatmap.min() >= 0.0 and cam.heatmap.max() == pytest.approx(1.0)
    assert _share(cam.heatmap, slice(0, 8), slice(0, 8)) > 0.99
    other = visualize.grad_cam(model, image, class_index=1)
    assert _share(other.heatmap, slice(8, 16), slice(8, 16)) > 0.99
    swapped = visualize.grad_cam(_quadrant_model([1, 0]), image, class_index=0)
    assert _share(swapped.heatmap, slice(8, 16), slice(8, 16)) > 0.99
    np.testing.assert_allclose(
        cam.probabilities, model.predict(image[None], verbose=0)[0], rtol=1e-5
    )


def test_grad_cam_of_a_single_sigmoid_output_uses_the_sign_for_class_zero():
    inputs = keras.Input((16, 16, 2))
    conv = layers.Conv2D(2, 1, activation="relu", use_bias=False, name="conv")
    dense = layers.Dense(1, activation="sigmoid")
    model = keras.Model(inputs, dense(layers.GlobalAveragePooling2D()(conv(inputs))))
    conv.set_weights([np.eye(2, dtype="float32").reshape(1, 1, 2, 2)])
    dense.set_weights([np.array([[5.0], [-5.0]], "float32"), np.zeros(1, "float32")])
    image = _quadrant_image()
    positive = visualize.grad_cam(model, image)
    assert positive.class_index == 1  # top-left evidence pushes the sigmoid up
    assert _share(positive.heatmap, slice(0, 8), slice(0, 8)) > 0.99
    negative = visualize.grad_cam(model, image, class_index=0)
    assert _share(negative.heatmap, slice(8, 16), slice(8, 16)) > 0.99
    with pytest.raises(ValueError, match="out of range"):
        visualize.grad_cam(model, image, class_index=2)


def test_grad_cam_reaches_the_last_conv_layer_of_a_frozen_nested_base():
    model, _ = _nested(frozen=True)
    cam = visualize.grad_cam(model, _image(seed=5))
    assert cam.layer == "base/block2_conv"
    assert cam.heatmap.shape == (7, 7)
    assert 0.0 <= cam.heatmap.min() and cam.heatmap.max() <= 1.0
    assert cam.resized((20, 20)).shape == (20, 20)
    outputs = visualize.grad_cam(model, _image(seed=5), use_logits=False)
    assert outputs.score_kind == "output"
    with pytest.raises(ValueError, match="conv layer"):
        visualize.grad_cam(model, _image(), layer="out")


def test_grad_cam_works_on_a_sequential_model_without_an_input_layer():
    model = _sequential(with_input=False)
    cam = visualize.grad_cam(model, _image())
    assert cam.layer == "c2" and cam.heatmap.shape == (9, 9)


def test_overlay_and_grad_cam_figure():
    model = _quadrant_model([0, 1])
    image = _quadrant_image()
    cam = visualize.grad_cam(model, image)
    rgb = (np.random.default_rng(0).random((32, 32, 3)) * 255).astype(np.uint8)
    overlay = visualize.overlay_heatmap(rgb, cam, alpha=0.5)
    assert overlay.shape == (32, 32, 3) and overlay.dtype == np.uint8
    np.testing.assert_array_equal(visualize.overlay_heatmap(rgb, cam, alpha=0.0), rgb)
    fig = visualize.plot_grad_cam(rgb, cam, class_names=["left", "right"])
    assert len(fig.axes) == 3
    assert "left" in fig.axes[2].get_title()
