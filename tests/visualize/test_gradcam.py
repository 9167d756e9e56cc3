"""Tests of cnncourse.visualize.gradcam: the heatmap lies where the class's evidence is."""

import keras
import numpy as np
import pytest
from keras import layers

from cnncourse.visualize import gradcam
from tests.visualize.helpers import (
    nested_model,
    quadrant_image,
    quadrant_model,
    random_image,
    sequential_model,
)


def _share(heatmap, rows, columns):
    return heatmap[rows, columns].sum() / heatmap.sum()


def test_grad_cam_highlights_the_quadrant_the_class_depends_on():
    model = quadrant_model([0, 1])  # class 0 <- channel 0 (top left), class 1 <- channel 1
    image = quadrant_image()
    cam = gradcam.grad_cam(model, image)
    assert cam.class_index == 0  # the brighter evidence wins
    assert cam.layer == "conv" and cam.score_kind == "logit"
    assert cam.heatmap.shape == (16, 16)
    assert cam.heatmap.min() >= 0.0 and cam.heatmap.max() == pytest.approx(1.0)
    assert _share(cam.heatmap, slice(0, 8), slice(0, 8)) > 0.99
    other = gradcam.grad_cam(model, image, class_index=1)
    assert _share(other.heatmap, slice(8, 16), slice(8, 16)) > 0.99
    swapped = gradcam.grad_cam(quadrant_model([1, 0]), image, class_index=0)
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
    image = quadrant_image()
    positive = gradcam.grad_cam(model, image)
    assert positive.class_index == 1  # top-left evidence pushes the sigmoid up
    assert _share(positive.heatmap, slice(0, 8), slice(0, 8)) > 0.99
    negative = gradcam.grad_cam(model, image, class_index=0)
    assert _share(negative.heatmap, slice(8, 16), slice(8, 16)) > 0.99
    with pytest.raises(ValueError, match="out of range"):
        gradcam.grad_cam(model, image, class_index=2)


def test_grad_cam_reaches_the_last_conv_layer_of_a_frozen_nested_base():
    model, _ = nested_model(frozen=True)
    cam = gradcam.grad_cam(model, random_image(seed=5))
    assert cam.layer == "base/block2_conv"
    assert cam.heatmap.shape == (7, 7)
    assert 0.0 <= cam.heatmap.min() and cam.heatmap.max() <= 1.0
    assert cam.resized((20, 20)).shape == (20, 20)
    outputs = gradcam.grad_cam(model, random_image(seed=5), use_logits=False)
    assert outputs.score_kind == "output"
    with pytest.raises(ValueError, match="conv layer"):
        gradcam.grad_cam(model, random_image(), layer="out")


def test_grad_cam_works_on_a_sequential_model_without_an_input_layer():
    model = sequential_model(with_input=False)
    cam = gradcam.grad_cam(model, random_image())
    assert cam.layer == "c2" and cam.heatmap.shape == (9, 9)


def test_overlay_and_grad_cam_figure():
    model = quadrant_model([0, 1])
    image = quadrant_image()
    cam = gradcam.grad_cam(model, image)
    rgb = (np.random.default_rng(0).random((32, 32, 3)) * 255).astype(np.uint8)
    overlay = gradcam.overlay_heatmap(rgb, cam, alpha=0.5)
    assert overlay.shape == (32, 32, 3) and overlay.dtype == np.uint8
    np.testing.assert_array_equal(gradcam.overlay_heatmap(rgb, cam, alpha=0.0), rgb)
    fig = gradcam.plot_grad_cam(rgb, cam, class_names=["left", "right"])
    assert len(fig.axes) == 3
    assert "left" in fig.axes[2].get_title()
