"""Tests of cnncourse.plotting.curves: a panel per metric, a colour per run, one legend."""

from types import SimpleNamespace

import pytest

from cnncourse.plotting import curves
from cnncourse.training import TrainingRun
from tests.plotting.helpers import HISTORY_A, HISTORY_B


def test_curves_have_one_panel_per_metric_and_train_and_validation_lines():
    fig = curves.plot_history({"a": HISTORY_A, "b": SimpleNamespace(history=HISTORY_B)})
    assert len(fig.axes) == 2
    accuracy, loss = fig.axes
    assert accuracy.get_ylabel() == "accuracy" and loss.get_ylabel() == "loss"
    # run a: train + validation; run b has no validation curves.
    assert len(accuracy.get_lines()) == 3
    labels = [line.get_label() for line in accuracy.get_lines()]
    assert labels == ["a train", "a validation", "b train"]
    first = accuracy.get_lines()[0]
    assert list(first.get_xdata()) == [1, 2, 3]
    assert list(first.get_ydata()) == HISTORY_A["accuracy"]
    assert accuracy.get_lines()[1].get_linestyle() == "--"
    # the two runs get different colours, explained by one legend outside the panels
    assert accuracy.get_lines()[0].get_color() != accuracy.get_lines()[2].get_color()
    assert len(fig.legends) == 1
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["a", "b", "train", "validation"]


def test_curves_accept_a_single_run_and_a_list():
    run = TrainingRun(history=HISTORY_A, epochs=3, seconds=1.0, seconds_per_epoch=[0.4, 0.3, 0.3])
    single = curves.plot_history(run)
    assert len(single.axes[0].get_lines()) == 2
    assert single.axes[0].get_legend() is not None and not single.legends
    fig = curves.plot_history([HISTORY_A, HISTORY_A], metrics=("loss",))
    assert len(fig.axes) == 1 and len(fig.axes[0].get_lines()) == 4


def test_curves_name_the_metrics_a_run_has():
    with pytest.raises(ValueError, match="auc.*accuracy"):
        curves.plot_history(HISTORY_A, metrics=("auc",))
    with pytest.raises(TypeError, match="History"):
        curves.plot_history({"a": 3})
