"""What one fit recorded: a `TrainingRun` (history, seconds per epoch, settings) read back."""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from typing import Any

import numpy as np

# Metrics whose best value is the smallest one; every other metric is best when largest.
_SMALLER_IS_BETTER = ("loss", "error", "mae", "mse", "crossentropy", "hinge")


def is_smaller_better(metric: str) -> bool:
    """Whether the best value of ``metric`` (a loss, an error, ...) is its smallest."""
    name = metric.removeprefix("val_")
    return any(part in name for part in _SMALLER_IS_BETTER)


@dataclass
class TrainingRun:
    """What one `compile_and_fit` call did: the history, the time it took and its settings.

    ``history`` maps metric names ("loss", "accuracy", "val_loss", "val_accuracy"...) to one
    value per epoch. ``seconds_per_epoch`` are wall seconds of each epoch, validation
    included; the first also holds the tracing of the training step.
    """

    history: dict[str, list[float]]
    epochs: int
    seconds: float
    seconds_per_epoch: list[float]
    settings: dict[str, Any] = field(default_factory=dict)
    model: Any = field(default=None, repr=False, compare=False)

    @property
    def final(self) -> dict[str, float]:
        """The value of every metric at the last epoch."""
        return {name: values[-1] for name, values in self.history.items() if values}

    @property
    def best(self) -> dict[str, float]:
        """The best value of every metric over the epochs (smallest loss, largest accuracy)."""
        best = {}
        for name, values in self.history.items():
            if values:
                best[name] = min(values) if is_smaller_better(name) else max(values)
        return best

    @property
    def monitor(self) -> str | None:
        """The metric that says which epoch was best: val_accuracy, else accuracy, else loss."""
        for name in ("val_accuracy", "accuracy", "val_loss", "loss"):
            if name in self.history:
                return name
        return next(iter(self.history), None)

    @property
    def best_epoch(self) -> int | None:
        """The epoch (counted from 1) with the best value of `monitor`."""
        name = self.monitor
        if name is None or not self.history[name]:
            return None
        values = np.asarray(self.history[name], dtype=float)
        index = np.argmin(values) if is_smaller_better(name) else np.argmax(values)
        return int(index) + 1

    @property
    def steady_seconds_per_epoch(self) -> float:
        """Median wall seconds of the epochs after the first (the first pays for tracing)."""
        if not self.seconds_per_epoch:
            return math.nan
        later = self.seconds_per_epoch[1:] or self.seconds_per_epoch
        return float(statistics.median(later))

    def epochs_to_reach(self, target: float, metric: str = "val_accuracy") -> int | None:
        """The first epoch (from 1) where ``metric`` reaches ``target``; None if it never does."""
        values = self.metric_values(metric)
        smaller = is_smaller_better(metric)
        for epoch, value in enumerate(values, start=1):
            if (value <= target) if smaller else (value >= target):
                return epoch
        return None

    def seconds_to_reach(self, target: float, metric: str = "val_accuracy") -> float | None:
        """Wall seconds of training until ``metric`` first reaches ``target`` (None if never)."""
        epoch = self.epochs_to_reach(target, metric)
        if epoch is None:
            return None
        return float(sum(self.seconds_per_epoch[:epoch]))

    def metric_values(self, metric: str) -> list[float]:
        """The values of ``metric``, one per epoch; a KeyError naming the metrics there are."""
        if metric not in self.history:
            raise KeyError(
                f"metric {metric!r} is not in this run's history; it has {sorted(self.history)}"
            )
        return self.history[metric]

    def frame(self):
        """The history as a pandas DataFrame, one row per epoch (index: epoch from 1)."""
        import pandas as pd

        table = pd.DataFrame(self.history)
        table.index = pd.RangeIndex(1, len(table) + 1, name="epoch")
        if len(self.seconds_per_epoch) == len(table):
            table["seconds"] = self.seconds_per_epoch
        return table

    def summary(self) -> dict[str, Any]:
        """One flat row: epochs, seconds, final and best value of every metric, best epoch."""
        row: dict[str, Any] = {
            "epochs": self.epochs,
            "seconds": self.seconds,
            "seconds_per_epoch": self.steady_seconds_per_epoch,
        }
        row.update(self.final)
        row.update({f"best_{name}": value for name, value in self.best.items()})
        row["best_epoch"] = self.best_epoch
        return row
