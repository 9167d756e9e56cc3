"""Tests of cnncourse.training_run: a run's best and final values and its time to a target."""

import pytest

from cnncourse.training_run import TrainingRun, is_smaller_better


def _run(values, seconds):
    return TrainingRun(
        history={"val_accuracy": values, "val_loss": [1.0 - v for v in values]},
        epochs=len(values),
        seconds=sum(seconds),
        seconds_per_epoch=seconds,
    )


def test_time_to_reach_an_accuracy():
    run = _run([0.5, 0.7, 0.9, 0.8], [4.0, 1.0, 1.5, 1.0])
    assert run.epochs_to_reach(0.7) == 2
    assert run.seconds_to_reach(0.7) == pytest.approx(5.0)
    assert run.epochs_to_reach(0.95) is None
    assert run.epochs_to_reach(0.25, "val_loss") == 3  # losses count downwards
    assert run.best_epoch == 3
    assert run.steady_seconds_per_epoch == pytest.approx(1.0)
    with pytest.raises(KeyError, match="accuracy"):
        run.epochs_to_reach(0.5, "accuracy")


def test_losses_and_errors_are_best_when_smallest():
    for metric in ("loss", "val_loss", "mae", "val_categorical_crossentropy"):
        assert is_smaller_better(metric), metric
    for metric in ("accuracy", "val_accuracy", "auc"):
        assert not is_smaller_better(metric), metric
