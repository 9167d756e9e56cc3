"""Tests of cnncourse.training: profile epochs, optimizers, losses, histories, quiet fitting."""

import logging

import keras
import numpy as np
import pytest
import tensorflow as tf

import cnncourse
from cnncourse import keras_graph, timing, training_run
from cnncourse.profile import current_profile, get_profile, use_profile
from cnncourse.training import (
    TrainingRun,
    compile_and_fit,
    evaluate,
    infer_loss,
    is_smaller_better,
    make_optimizer,
    output_activation,
    output_layer,
    resolve_epochs,
    timing_table,
)

CLASSES = 3


def _data(count=48, seed=0):
    rng = np.random.default_rng(seed)
    images = rng.random((count, 8, 8, 3)).astype("float32")
    labels = rng.integers(0, CLASSES, count).astype("int64")
    return images, labels


def _model(seed=0, dropout=0.0, activation="softmax", units=CLASSES):
    cnncourse.seed_everything(seed)
    return keras.Sequential(
        [
            keras.Input((8, 8, 3)),
            keras.layers.Conv2D(4, 3, activation="relu"),
            keras.layers.Flatten(),
            keras.layers.Dropout(dropout),
            keras.layers.Dense(units, activation=activation),
        ]
    )


# ----------------------------------------------------------------------------- epochs


def test_original_epochs_are_cut_by_the_active_profile():
    for name in ("tiny", "small", "full"):
        with use_profile(name):
            assert resolve_epochs(original_epochs=30) == get_profile(name).epochs(30)
    with use_profile("full"):
        assert resolve_epochs(original_epochs=30) == 30


def test_exact_epochs_bypass_the_profile():
    with use_profile("tiny"):
        assert resolve_epochs(epochs=7) == 7


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"epochs": 2, "original_epochs": 5},
        {"epochs": 0},
        {"original_epochs": -1},
        {"epochs": 2.5},
    ],
)
def test_bad_epoch_requests_are_refused(kwargs):
    with pytest.raises(ValueError, match="epoch"):
        resolve_epochs(**kwargs)


# ----------------------------------------------------------------------------- compile settings


def test_optimizer_names_build_the_right_optimizers():
    nesterov = make_optimizer("nesterov", 0.05)
    assert isinstance(nesterov, keras.optimizers.SGD)
    assert nesterov.nesterov and nesterov.momentum == pytest.approx(0.9)
    assert float(nesterov.learning_rate) == pytest.approx(0.05)
    assert isinstance(make_optimizer("RMSprop"), keras.optimizers.RMSprop)
    instance = keras.optimizers.Adam(1e-4)
    assert make_optimizer(instance) is instance


def test_optimizer_mistakes_are_named():
    with pytest.raises(ValueError, match="adamax"):
        make_optimizer("adamax")
    with pytest.raises(ValueError, match="learning_rate"):
        make_optimizer(keras.optimizers.Adam(), learning_rate=0.1)
    with pytest.raises(ValueError, match="positive"):
        make_optimizer("adam", learning_rate=0.0)


def test_loss_is_inferred_from_output_width_labels_and_activation():
    loss, logits = infer_loss(_model(), ())
    assert isinstance(loss, keras.losses.SparseCategoricalCrossentropy) and not logits
    loss, logits = infer_loss(_model(), (CLASSES,))
    assert isinstance(loss, keras.losses.CategoricalCrossentropy)
    loss, logits = infer_loss(_model(activation="sigmoid", units=1), ())
    assert isinstance(loss, keras.losses.BinaryCrossentropy) and not logits
    loss, logits = infer_loss(_model(activation=None, units=1), ())
    assert isinstance(loss, keras.losses.BinaryCrossentropy) and logits
    assert output_activation(_model(activation=None)) == "linear"


def test_loss_of_an_unbuilt_model_asks_for_a_build():
    model = keras.Sequential([keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="build it first"):
        infer_loss(model, ())


def test_bad_training_data_is_named():
    model = _model()
    images, labels = _data()
    with pytest.raises(ValueError, match="48 images but 47 labels"):
        compile_and_fit(model, (images, labels[:-1]), epochs=1)
    with pytest.raises(ValueError, match="pair"):
        compile_and_fit(model, images, epochs=1)


# ----------------------------------------------------------------------------- fitting


@pytest.mark.slow
def test_fit_runs_the_profile_epochs_and_records_a_full_history():
    images, labels = _data()
    run = compile_and_fit(
        _model(), (images, labels), (images[:16], labels[:16]), original_epochs=10, seed=0
    )
    expected = current_profile().epochs(10)
    assert run.epochs == expected
    assert set(run.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(values) == expected for values in run.history.values())
    assert len(run.seconds_per_epoch) == expected
    assert run.seconds >= sum(run.seconds_per_epoch) * 0.99
    assert run.final == {name: values[-1] for name, values in run.history.items()}
    assert run.best["val_accuracy"] == max(run.history["val_accuracy"])
    assert run.best["loss"] == min(run.history["loss"])
    assert run.settings["batch_size"] == current_profile().batch_size
    assert run.settings["original_epochs"] == 10
    assert run.model is not None
    frame = run.frame()
    assert list(frame.index) == list(range(1, expected + 1))


@pytest.mark.slow
def test_two_seeded_runs_give_identical_histories_and_another_seed_does_not():
    images, labels = _data()
    runs = [
        compile_and_fit(
            _model(seed, dropout=0.3),
            (images, labels),
            (images[:16], labels[:16]),
            epochs=2,
            seed=seed,
        )
        for seed in (0, 0, 1)
    ]
    assert runs[0].history == runs[1].history
    assert runs[0].history != runs[2].history


@pytest.mark.slow
def test_datasets_one_hot_labels_and_validation_fractions():
    images, labels = _data()
    one_hot = keras.utils.to_categorical(labels, CLASSES)
    dataset = tf.data.Dataset.from_tensor_slices((images, one_hot)).batch(16)
    run = compile_and_fit(_model(), dataset, dataset, epochs=1)
    assert run.settings["loss"] == "categorical_crossentropy"
    assert run.settings["batch_size"] is None
    assert "val_accuracy" in run.history
    with pytest.raises(ValueError, match="batched"):
        compile_and_fit(_model(), dataset, epochs=1, batch_size=8)
    split = compile_and_fit(_model(), (images, labels), 0.25, epochs=1)
    assert "val_loss" in split.history


@pytest.mark.slow
def test_logit_outputs_get_a_logit_loss_and_a_zero_threshold_accuracy():
    images, labels = _data()
    binary = (labels > 0).astype("float32")
    model = _model(activation=None, units=1)
    run = compile_and_fit(model, (images, binary), epochs=1, learning_rate=0.01)
    logits = model.predict(images, verbose=0)[:, 0]
    by_hand = float(np.mean((logits > 0) == (binary > 0.5)))
    assert evaluate(model, (images, binary))["accuracy"] == pytest.approx(by_hand, abs=1e-6)
    assert run.settings["learning_rate"] == pytest.approx(0.01)


@pytest.mark.slow
def test_evaluate_matches_accuracy_computed_from_predictions():
    images, labels = _data()
    model = _model()
    compile_and_fit(model, (images, labels), epochs=1)
    predicted = np.argmax(model.predict(images, verbose=0), axis=1)
    result = evaluate(model, (images, labels))
    assert set(result) == {"loss", "accuracy"}
    assert result["accuracy"] == pytest.approx(float(np.mean(predicted == labels)), abs=1e-6)
    with pytest.raises(ValueError, match="not compiled"):
        evaluate(_model(), (images, labels))


@pytest.mark.slow
def test_fitting_is_quiet_even_when_tensorflow_loggers_were_reset(capfd):
    # A notebook may import TensorFlow before cnncourse: its logger then lets warnings such as
    # the retracing notice of repeated fits through to stderr. compile_and_fit quiets it.
    tf.get_logger().setLevel(logging.WARNING)
    images, labels = _data(count=16)
    capfd.readouterr()
    compile_and_fit(_model(), (images, labels), (images, labels), epochs=1)
    captured = capfd.readouterr()
    assert tf.get_logger().level >= logging.ERROR
    assert captured.err == ""
    assert captured.out == ""


# ----------------------------------------------------------------------------- public names


def test_training_keeps_the_names_that_moved_out_importable():
    # Assignments call training.output_activation; chapters import TrainingRun and
    # timing_table from here.
    assert output_activation is keras_graph.output_activation
    assert output_layer is keras_graph.output_layer
    assert TrainingRun is training_run.TrainingRun
    assert is_smaller_better is training_run.is_smaller_better
    assert timing_table is timing.timing_table
