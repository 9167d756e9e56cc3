"""Tests of cnncourse.visualize.forward_pass: the run matches the model and leaves it untouched."""

import keras
import numpy as np
import pytest
from keras import layers

from cnncourse.visualize import activation_maps, forward_pass, gradcam
from tests.visualize.helpers import functional_model, nested_model, random_image, sequential_model


def test_unbuilt_models_are_refused_with_advice():
    model = keras.Sequential([layers.Conv2D(2, 3)])
    with pytest.raises(ValueError, match=r"model.build"):
        activation_maps.activations(model, random_image())


def test_the_walk_reproduces_the_model_output():
    for model in (
        sequential_model(),
        sequential_model(with_input=False),
        functional_model(),
        nested_model()[0],
    ):
        batch = random_image()[np.newaxis]
        outputs, _ = forward_pass.forward(model, batch)
        np.testing.assert_allclose(
            np.asarray(outputs), model.predict(batch, verbose=0), rtol=1e-5, atol=1e-6
        )


def test_the_walk_leaves_the_model_graph_untouched():
    model, base = nested_model()
    before = len(base.get_layer("block2_conv")._inbound_nodes)
    activation_maps.activations(model, random_image())
    gradcam.grad_cam(model, random_image())
    assert len(base.get_layer("block2_conv")._inbound_nodes) == before
