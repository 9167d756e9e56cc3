"""Wall-clock timing of training: the seconds of every epoch, and runs compared by time."""

from __future__ import annotations

import math
import time
from collections.abc import Mapping

from cnncourse.training_run import TrainingRun, is_smaller_better

_TIMER_CLASS = None


def epoch_timer():
    """A Keras callback that records the wall seconds of every epoch (validation included).

    Its ``seconds`` list gets one value at the end of every epoch. Keras is imported on the
    first call only.
    """
    global _TIMER_CLASS
    if _TIMER_CLASS is None:
        import keras

        class EpochTimer(keras.callbacks.Callback):
            def __init__(self):
                super().__init__()
                self.seconds: list[float] = []
                self._start = 0.0

            def on_epoch_begin(self, epoch, logs=None):
                self._start = time.perf_counter()

            def on_epoch_end(self, epoch, logs=None):
                self.seconds.append(time.perf_counter() - self._start)

        _TIMER_CLASS = EpochTimer
    return _TIMER_CLASS()


def timing_table(
    runs: Mapping[str, TrainingRun],
    *,
    target: float | None = None,
    metric: str = "val_accuracy",
):
    """Compare runs by wall time: one row per run (a pandas DataFrame indexed by run name).

    Columns: epochs, total seconds, first-epoch seconds, steady seconds per epoch (median of
    the later epochs), final and best ``metric``; with ``target`` also the epochs and seconds
    until ``metric`` first reached it (NaN if never) and ``seconds_saved``: the first run's
    seconds-to-target minus each run's, the time a transferred base saves over training from
    scratch when the first run is the scratch baseline.
    """
    import pandas as pd

    if not runs:
        raise ValueError("timing_table needs at least one run")
    rows = {}
    for name, run in runs.items():
        if not isinstance(run, TrainingRun):
            raise TypeError(f"run {name!r} is a {type(run).__name__}, not a TrainingRun")
        values = run.metric_values(metric)
        smaller = is_smaller_better(metric)
        row = {
            "epochs": run.epochs,
            "seconds": run.seconds,
            "first_epoch_seconds": run.seconds_per_epoch[0] if run.seconds_per_epoch else math.nan,
            "seconds_per_epoch": run.steady_seconds_per_epoch,
            f"final_{metric}": values[-1],
            f"best_{metric}": min(values) if smaller else max(values),
        }
        if target is not None:
            epochs_needed = run.epochs_to_reach(target, metric)
            seconds_needed = run.seconds_to_reach(target, metric)
            row["epochs_to_target"] = math.nan if epochs_needed is None else epochs_needed
            row["seconds_to_target"] = math.nan if seconds_needed is None else seconds_needed
        rows[name] = row
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "run"
    if target is not None:
        table["seconds_saved"] = table["seconds_to_target"].iloc[0] - table["seconds_to_target"]
    return table
