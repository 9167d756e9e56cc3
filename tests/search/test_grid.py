"""Tests of cnncourse.search.grid: grid points, the profile cut, ranking and the grid search."""

import keras
import numpy as np
import pytest

from cnncourse.profile import current_profile
from cnncourse.search.grid import covering_indices, grid_points, grid_search, spread_indices

CLASSES = 3


def _data(count=32, seed=0):
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, (count, 8, 8, 3), dtype=np.uint8)
    labels = rng.integers(0, CLASSES, count).astype("int64")
    return images, labels


# ----------------------------------------------------------------------------- grid points


def test_grid_points_follow_product_order():
    points = grid_points({"learning_rate": [1e-4, 1e-3], "units": [(64, 64), (32, 32)]})
    assert points == [
        {"learning_rate": 1e-4, "units": (64, 64)},
        {"learning_rate": 1e-4, "units": (32, 32)},
        {"learning_rate": 1e-3, "units": (64, 64)},
        {"learning_rate": 1e-3, "units": (32, 32)},
    ]


@pytest.mark.parametrize("grid", [{}, {"units": 32}, {"units": []}, {"optimizer": "adam"}])
def test_bad_grids_are_named(grid):
    with pytest.raises(ValueError, match="grid"):
        grid_points(grid)


@pytest.mark.parametrize("total", range(1, 13))
def test_spread_indices_keep_first_and_last_evenly(total):
    for keep in range(1, total + 3):
        chosen = spread_indices(total, keep)
        assert len(chosen) == min(keep, total)
        assert chosen == sorted(set(chosen))
        assert all(0 <= i < total for i in chosen)
        assert chosen[0] == 0
        if keep >= 2:
            assert chosen[-1] == total - 1
    # a 2 x 2 grid cut to two points tries every value of both parameters
    assert spread_indices(4, 2) == [0, 3]


# ----------------------------------------------------------------------------- grid search


def _builder(calls):
    def build(units, filters):
        calls.append({"units": units, "filters": filters})
        return keras.Sequential(
            [
                keras.Input((8, 8, 3)),
                keras.layers.Rescaling(1 / 255),
                keras.layers.Conv2D(filters, 3, activation="relu"),
                keras.layers.Flatten(),
                keras.layers.Dense(units, activation="relu"),
                keras.layers.Dense(CLASSES, activation="softmax"),
            ]
        )

    return build


GRID = {"learning_rate": [1e-3, 1e-2], "units": [4, 8], "filters": [2]}


@pytest.mark.slow
def test_grid_search_trains_the_profile_cut_and_sorts_by_validation_accuracy():
    images, labels = _data()
    calls = []
    result = grid_search(
        _builder(calls), GRID, (images, labels), (images[:8], labels[:8]), original_epochs=10
    )
    points = grid_points(GRID)
    kept = spread_indices(len(points), current_profile().trials(len(points)))
    table = result.table
    assert sorted(table["point"]) == kept
    assert result.skipped == [i for i in range(len(points)) if i not in kept]
    assert calls == [{k: points[i][k] for k in ("units", "filters")} for i in kept]
    accuracy = list(table["val_accuracy"])
    assert accuracy == sorted(accuracy, reverse=True)
    assert list(table["best"]) == [True] + [False] * (len(table) - 1)
    assert result.best_params == points[int(table["point"][0])]
    for _, row in table.iterrows():
        run = result.runs[int(row["point"])]
        assert run.settings["learning_rate"] == pytest.approx(row["learning_rate"])
        assert run.epochs == current_profile().epochs(10) == row["epochs"]
        assert row["val_accuracy"] == run.history["val_accuracy"][-1]
    assert result.best_model is not None
    labelled = result.labelled_runs()
    first_label = ", ".join(f"{k}={v}" for k, v in result.best_params.items())
    assert next(iter(labelled)) == first_label and len(labelled) == len(kept)
    others = [run for number, run in result.runs.items() if number != result.best_point]
    assert all(run.model is None for run in others)


@pytest.mark.slow
def test_grid_search_is_reproducible_and_ranks_by_the_best_epoch_on_request():
    images, labels = _data()
    kwargs = {"epochs": 1, "max_points": 2, "rank_by": "best", "seed": 1}
    first = grid_search(_builder([]), GRID, (images, labels), (images[:8], labels[:8]), **kwargs)
    second = grid_search(_builder([]), GRID, (images, labels), (images[:8], labels[:8]), **kwargs)
    timing = ["seconds", "seconds_per_epoch"]
    assert first.table.drop(columns=timing).equals(second.table.drop(columns=timing))
    best = list(first.table["best_val_accuracy"])
    assert best == sorted(best, reverse=True)
    assert first.rank_column == "best_val_accuracy"


def test_grid_search_needs_validation_data():
    with pytest.raises(ValueError, match="validation"):
        grid_search(_builder([]), GRID, _data(), None, epochs=1)


def test_covering_cut_tries_every_value_of_every_axis():
    grid = {"learning_rate": [1e-4, 1e-3, 1e-2], "optimizer": ["sgd", "rmsprop", "adam"]}
    points = grid_points(grid)
    for keep in (1, 3, 4, 6, 9):
        kept = covering_indices(grid, keep)
        assert len(kept) == max(keep, 3) and kept == sorted(set(kept))
        for axis, values in grid.items():
            assert {points[number][axis] for number in kept} == set(values), (keep, axis)
    # The even spread of the other cut never tries the last axis' middle value with 4 points.
    spread = spread_indices(len(points), 4)
    assert "rmsprop" not in {points[number]["optimizer"] for number in spread}
    assert covering_indices(grid, 9) == list(range(9))
    with pytest.raises(ValueError, match="keep >= 1"):
        covering_indices(grid, 0)
