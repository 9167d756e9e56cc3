"""Tests of cnncourse.visualize.activation_maps: activations of every model kind and their grid."""

import keras
import numpy as np
import pytest

from cnncourse.visualize import activation_maps
from tests.visualize.helpers import functional_model, nested_model, random_image, sequential_model


@pytest.mark.parametrize("with_input", [True, False])
def test_activation_shapes_of_a_sequential_model(with_input):
    maps = activation_maps.activations(sequential_model(with_input), random_image())
    assert list(maps) == ["c1", "c2"]
    assert maps["c1"].shape == (18, 18, 6)  # 3x3 valid on 20x20
    assert maps["c2"].shape == (9, 9, 5)  # after 2x2 pooling, 'same'


def test_activations_of_a_functional_model_match_a_keras_submodel():
    model = functional_model()
    image = random_image(seed=1)
    maps = activation_maps.activations(model, image, ["left", "right", "concat", "merge_conv"])
    assert maps["concat"].shape == (20, 20, 8)
    assert maps["merge_conv"].shape == (9, 9, 7)
    probe = keras.Model(
        model.inputs[0], [model.get_layer(n).output for n in ("left", "merge_conv")]
    )
    left, merged = probe(image[np.newaxis])
    np.testing.assert_allclose(maps["left"], np.asarray(left)[0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(maps["merge_conv"], np.asarray(merged)[0], rtol=1e-5, atol=1e-6)


def test_activations_inside_a_nested_base_match_the_base_itself():
    model, base = nested_model()
    image = random_image(seed=2)
    maps = activation_maps.activations(model, image)
    probe = keras.Model(base.inputs[0], base.get_layer("block2_conv").output)
    expected = np.asarray(probe(image[np.newaxis] * 2.0 - 1.0))[0]  # the Rescaling layer
    np.testing.assert_allclose(maps["base/block2_conv"], expected, rtol=1e-5, atol=1e-6)


def test_activation_grid_has_one_axes_per_channel_shown():
    maps = activation_maps.activations(sequential_model(), random_image())
    fig = activation_maps.plot_activations(maps, channels=4, columns=3)
    assert len(fig.axes) == 4 + 4
    maps = {"few": np.zeros((5, 5, 2)), "many": np.ones((5, 5, 10))}
    assert len(activation_maps.plot_activations(maps, channels=8).axes) == 2 + 8
