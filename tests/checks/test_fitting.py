"""cnncourse.checks.fitting: learning rates, scores and histories against per-profile thresholds."""

import keras
import numpy as np
import pytest
from keras import layers

from cnncourse.checks import at_least, at_most, history, learning_rate, per_profile


@pytest.fixture
def model():
    inputs = keras.Input((4,))
    return keras.Model(inputs, layers.Dense(1, activation="sigmoid")(inputs))


def test_the_learning_rate_of_the_compiled_optimizer(model):
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-6), loss="binary_crossentropy")
    result = learning_rate(model, 1e-6)
    assert result.passed  # stored as float32: 9.99999997e-07
    assert result.message == "the learning rate of your Adam optimizer: 1e-06 is right"


def test_a_known_wrong_rate_is_explained_and_the_expected_one_shown(model):
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3), loss="binary_crossentropy")
    result = learning_rate(model, 1e-6, wrong={1e-3: "the rate of the frozen model"})
    assert not result.passed
    assert result.message == (
        "the learning rate of your Adam optimizer: 0.001 is not right: "
        "the rate of the frozen model (expected 1e-06)"
    )


def test_an_uncompiled_model_or_a_schedule_says_so(model):
    result = learning_rate(model, 1e-6)
    assert result.message.startswith("the learning rate: your model is not compiled")
    assert not learning_rate("a model", 1e-6).passed
    schedule = keras.optimizers.schedules.ExponentialDecay(1e-3, 10, 0.9)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=schedule), loss="mse")
    rate = learning_rate(model, 1e-3)
    # Keras 3 reports a schedule's current value; either it matches or the message says why.
    assert rate.passed or "learning rate" in rate.message


def test_at_least_with_a_threshold_per_profile():
    thresholds = {"tiny": 0.25, "small": 0.55, "full": 0.65}
    assert at_least(0.5, thresholds, name="test accuracy", profile="tiny").message == (
        "test accuracy 0.500 reaches 0.250 in the tiny profile"
    )
    result = at_least(np.float32(0.5), thresholds, name="test accuracy", profile="small")
    assert not result.passed
    assert result.message == "test accuracy 0.500 is below the 0.550 expected in the small profile"
    assert at_least(3, 2).message == "your score 3.000 reaches 2.000"
    assert not at_least("high", 0.5).passed
    assert not at_least(float("nan"), 0.5).passed
    with pytest.raises(KeyError):
        at_least(0.5, {"full": 0.6}, profile="tiny")


def test_at_most_with_a_plain_threshold_and_one_per_profile():
    assert at_most(1.7, 2.0, name="the loss").message == "the loss 1.700 is within 2.000"
    result = at_most(np.float32(2.5), 2.0, name="the loss")
    assert not result.passed
    assert result.message == "the loss 2.500 is above the 2.000 allowed"
    assert at_most(2.0, 2.0).passed  # the bound itself is allowed
    assert at_most(0.5, {"tiny": 0.4, "small": 0.6}, profile="small").message == (
        "your loss 0.500 is within 0.600 in the small profile"
    )
    assert not at_most(0.5, {"tiny": 0.4}, profile="tiny").passed
    assert not at_most(float("nan"), 2.0).passed
    assert not at_most(None, 2.0).passed


def fake_history(values, key="val_accuracy"):
    return {"loss": [1.0] * len(values), key: values}


def test_history_threshold_per_profile():
    thresholds = {"tiny": 0.3, "small": 0.6, "full": 0.75}
    run = fake_history([0.2, 0.5])
    assert history(run, thresholds, profile="tiny").passed
    result = history(run, thresholds, profile="small")
    assert (
        result.message == "final val_accuracy 0.500 is below the 0.600 expected in the small "
        "profile"
    )
    assert history(fake_history([0.7, 0.5]), 0.6, use="best").passed
    assert not history(fake_history([0.7, 0.5]), 0.6).passed


def test_history_reads_keras_histories_and_metric_aliases():
    model = keras.Sequential([keras.Input((2,)), layers.Dense(1, activation="sigmoid")])
    model.compile("adam", "binary_crossentropy", metrics=["binary_accuracy"])
    fitted = model.fit(
        np.zeros((8, 2)),
        np.zeros(8),
        epochs=2,
        verbose=0,
        validation_data=(np.zeros((4, 2)), np.zeros(4)),
    )
    assert history(fitted, 0.5, epochs=2).passed  # val_binary_accuracy stands for accuracy
    assert history(fitted, 0.5, epochs=3).message == (
        "expected 3 epochs of training, your history has 2"
    )


def test_history_without_validation_says_what_is_missing():
    result = history({"loss": [1.0], "accuracy": [0.9]}, 0.5)
    assert "no 'val_accuracy' (did you pass validation data to fit?)" in result.message
    assert not history(None, 0.5).passed


def test_per_profile_values():
    assert per_profile({"tiny": 1, "small": 2}, "small") == 2
    assert per_profile(0.5) == 0.5
    with pytest.raises(KeyError, match="full"):
        per_profile({"tiny": 1}, "full")
