"""Tests of cnncourse.search.tuner: the project's hypermodel and the KerasTuner search."""

import keras
import keras_tuner
import numpy as np
import pytest

from cnncourse.profile import current_profile
from cnncourse.search.tuner import SEARCH_SPACE, cnn_hypermodel, random_search

CLASSES = 3


def _data(count=32, seed=0):
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, (count, 8, 8, 3), dtype=np.uint8)
    labels = rng.integers(0, CLASSES, count).astype("int64")
    return images, labels


# ----------------------------------------------------------------------------- hypermodel


def _fixed(**values):
    hp = keras_tuner.HyperParameters()
    for name, value in values.items():
        hp.Fixed(name, value)
    return hp


def test_hypermodel_doubles_filters_and_halves_units():
    build = cnn_hypermodel((32, 32, 3), 9)
    model = build(
        _fixed(
            learning_rate=0.01,
            optimizer="nesterov",
            conv_layers=3,
            filters=64,
            dense_layers=2,
            units=512,
        )
    )
    convs = [layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    assert [c.filters for c in convs] == [64, 128, 256]
    assert [d.units for d in dense] == [512, 256, 9]
    assert dense[-1].activation.__name__ == "softmax"
    assert isinstance(model.optimizer, keras.optimizers.SGD) and model.optimizer.nesterov
    assert float(model.optimizer.learning_rate) == pytest.approx(0.01)
    assert model.output_shape == (None, 9)


def test_hypermodel_search_space_is_the_student_projects():
    hp = keras_tuner.HyperParameters()
    cnn_hypermodel((16, 16, 3), 10)(hp)
    space = {p.name: p for p in hp.space}
    assert set(space) == set(SEARCH_SPACE)
    rate = space["learning_rate"]
    assert (rate.min_value, rate.max_value, rate.sampling) == (0.001, 0.1, "log")
    assert list(space["optimizer"].values) == ["nesterov", "adam", "rmsprop"]
    assert (space["conv_layers"].min_value, space["conv_layers"].max_value) == (1, 3)
    assert (space["dense_layers"].min_value, space["dense_layers"].max_value) == (1, 3)
    filters = space["filters"]
    assert (filters.min_value, filters.max_value, filters.step) == (32, 96, 32)
    units = space["units"]
    assert (units.min_value, units.max_value, units.step, units.sampling) == (128, 1024, 2, "log")
    samples = {units.random_sample(seed) for seed in range(200)}
    assert samples == {128, 256, 512, 1024}


# ----------------------------------------------------------------------------- random search


def _tiny_hypermodel(hp):
    model = keras.Sequential(
        [
            keras.Input((8, 8, 3)),
            keras.layers.Rescaling(1 / 255),
            keras.layers.Flatten(),
            keras.layers.Dense(hp.Int("units", 2, 16, step=2), activation="relu"),
            keras.layers.Dense(CLASSES, activation="softmax"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(hp.Float("learning_rate", 1e-3, 1e-1, sampling="log")),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


@pytest.mark.slow
def test_random_search_runs_the_profile_trials_quietly_and_reproducibly(tmp_path, capfd):
    images, labels = _data()
    data = ((images, labels), (images[:16], labels[:16]))
    capfd.readouterr()
    first = random_search(
        _tiny_hypermodel, *data, max_trials=10, epochs=1, directory=tmp_path, seed=3
    )
    captured = capfd.readouterr()
    assert captured.out == "" and captured.err == ""
    assert len(first.table) == current_profile().trials(10)
    assert set(first.table["status"]) == {"COMPLETED"}
    scores = list(first.table["score"])
    assert scores == sorted(scores, reverse=True)
    assert list(first.table["best"]) == [True] + [False] * (len(scores) - 1)
    best_row = first.table.iloc[0]
    assert first.best_hyperparameters == {
        "units": best_row["units"],
        "learning_rate": best_row["learning_rate"],
    }
    assert (tmp_path / "random_search").is_dir()
    model = first.best_model()  # before a rerun overwrites the project folder
    assert model.get_layer(index=2).units == best_row["units"]
    second = random_search(
        _tiny_hypermodel, *data, max_trials=10, epochs=1, directory=tmp_path, seed=3
    )
    assert second.table.equals(first.table)
