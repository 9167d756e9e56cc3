"""Tests of cnncourse.plotting.comparison: bars or lines per result, the best outlined in red."""

import pandas as pd
import pytest
from matplotlib.patches import Rectangle

from cnncourse.plotting import comparison
from cnncourse.training import TrainingRun
from tests.plotting.helpers import HISTORY_A


def _grid_table():
    return pd.DataFrame(
        {
            "learning_rate": [1e-3, 1e-4, 1e-3, 1e-4],
            "units": [32, 32, 64, 64],
            "val_accuracy": [0.70, 0.72, 0.69, 0.71],
            "accuracy": [0.90, 0.95, 0.99, 0.93],
        }
    )


def _bars(ax):
    return [
        patch for container in ax.containers for patch in container if isinstance(patch, Rectangle)
    ]


def test_comparison_bars_one_per_row_and_value_best_outlined_in_red():
    fig = comparison.plot_comparison(
        _grid_table(), ["val_accuracy", "accuracy"], label=["learning_rate", "units"]
    )
    ax = fig.axes[0]
    bars = _bars(ax)
    assert len(bars) == 8
    heights = [bar.get_height() for bar in bars]
    assert heights[:4] == [0.70, 0.72, 0.69, 0.71]
    red = [i for i, bar in enumerate(bars) if bar.get_edgecolor()[:3] == (1.0, 0.0, 0.0)]
    assert red == [1, 4 + 2]  # best val_accuracy is row 1, best accuracy row 2
    assert ax.get_xticklabels()[2].get_text() == "learning_rate=0.001, units=64"


def test_comparison_lines_and_dicts_of_numbers_and_runs():
    fig = comparison.plot_comparison(
        {"scratch": 0.7, "transfer": 0.9}, "value", kind="line", highlight="min"
    )
    ax = fig.axes[0]
    line, marker = ax.get_lines()
    assert list(line.get_ydata()) == [0.7, 0.9]
    assert list(marker.get_ydata()) == [0.7]
    run = TrainingRun(history=HISTORY_A, epochs=3, seconds=1.0, seconds_per_epoch=[1.0] * 3)
    fig = comparison.plot_comparison({"a": run}, "val_accuracy", highlight=None)
    assert [bar.get_height() for bar in _bars(fig.axes[0])] == [0.55]


def test_comparison_names_missing_columns():
    with pytest.raises(ValueError, match="val_loss"):
        comparison.plot_comparison(_grid_table(), "val_loss")
    with pytest.raises(ValueError, match="kind"):
        comparison.plot_comparison(_grid_table(), kind="pie")
