"""Tests of cnncourse.timing: the epoch timer and runs compared by wall time."""

import numpy as np
import pytest

from cnncourse.timing import epoch_timer, timing_table
from cnncourse.training_run import TrainingRun


def _run(values, seconds):
    return TrainingRun(
        history={"val_accuracy": values, "val_loss": [1.0 - v for v in values]},
        epochs=len(values),
        seconds=sum(seconds),
        seconds_per_epoch=seconds,
    )


def test_timing_table_compares_runs_and_the_time_saved():
    scratch = _run([0.5, 0.6, 0.7, 0.8], [3.0, 2.0, 2.0, 2.0])
    transfer = _run([0.75, 0.85], [2.0, 1.0])
    table = timing_table({"scratch": scratch, "transfer": transfer}, target=0.75)
    assert list(table.index) == ["scratch", "transfer"]
    assert table.loc["scratch", "epochs_to_target"] == 4
    assert table.loc["transfer", "seconds_to_target"] == pytest.approx(2.0)
    assert table.loc["transfer", "seconds_saved"] == pytest.approx(9.0 - 2.0)
    assert table.loc["scratch", "seconds_per_epoch"] == pytest.approx(2.0)
    assert table.loc["transfer", "final_val_accuracy"] == pytest.approx(0.85)
    never = timing_table({"a": scratch}, target=0.99)
    assert np.isnan(never.loc["a", "seconds_to_target"])
    with pytest.raises(ValueError, match="at least one run"):
        timing_table({})
    with pytest.raises(TypeError, match="not a TrainingRun"):
        timing_table({"a": {"val_accuracy": [0.5]}})


def test_epoch_timer_records_one_duration_per_epoch():
    timer = epoch_timer()
    for epoch in range(3):
        timer.on_epoch_begin(epoch)
        timer.on_epoch_end(epoch)
    assert len(timer.seconds) == 3 and all(seconds >= 0 for seconds in timer.seconds)
    assert type(epoch_timer()) is type(timer) and epoch_timer() is not timer
