"""Quick sanity checks of the offline sets' difficulty (the real calibration is in benchmarks/).

Learnable: a linear model on 8x8 thumbnails beats chance clearly. No shortcut: the mean
colour of a pets image says nothing about cat or dog.
"""

import numpy as np
import pytest
from PIL import Image

from cnncourse.data.offline import render_images


def thumbnails(images, side=8):
    return np.stack(
        [
            np.asarray(
                Image.fromarray(image).resize((side, side), Image.Resampling.BILINEAR), np.float32
            ).ravel()
            / 255
            for image in images
        ]
    )


def held_out_accuracy(features, labels, train, alpha=1.0):
    """A linear classifier fit on the first ``train`` examples and scored on the rest: least
    squares on one-hot targets with weight decay ``alpha`` (on the bias too), in closed form."""
    inputs = np.hstack([features, np.ones((len(features), 1), features.dtype)])
    classes = np.unique(labels[:train])
    targets = (labels[:train, None] == classes[None]).astype(np.float64)
    seen = inputs[:train]
    weights = np.linalg.solve(seen.T @ seen + alpha * np.eye(inputs.shape[1]), seen.T @ targets)
    predicted = classes[np.argmax(inputs[train:] @ weights, axis=1)]
    return float(np.mean(predicted == labels[train:]))


@pytest.mark.slow
def test_flowers_are_learnable_from_thumbnails():
    images, labels = render_images("flowers", "sanity", 0, 500, 32)
    accuracy = held_out_accuracy(thumbnails(images), labels, 350)
    assert accuracy > 0.35  # chance is 0.2


@pytest.mark.slow
def test_pets_mean_colour_is_no_shortcut():
    images, labels = render_images("pets", "sanity", 0, 400, 32)
    mean_colour = images.reshape(len(images), -1, 3).mean(axis=1) / 255
    assert held_out_accuracy(mean_colour, labels, 250) < 0.62
