"""Training curves: one panel per metric, a colour per run, training solid and validation dashed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure

from cnncourse.plotting.figures import new_figure, run_colour


def _is_history(value) -> bool:
    """Whether ``value`` is one history: a mapping of metric name to a sequence of numbers."""
    if not isinstance(value, Mapping) or not value:
        return False
    return all(
        isinstance(v, (list, tuple, np.ndarray)) and all(np.isscalar(e) for e in v)
        for v in value.values()
    )


def _history_of(run, label: str) -> dict[str, list[float]]:
    history = getattr(run, "history", run)  # TrainingRun and keras History carry .history
    if not _is_history(history):
        raise TypeError(
            f"run {label!r} is a {type(run).__name__}: expected a TrainingRun, a keras History "
            "or a dict of metric name -> list of values"
        )
    return {name: [float(v) for v in values] for name, values in history.items()}


def _named_histories(runs) -> list[tuple[str, dict[str, list[float]]]]:
    if _is_history(runs) or hasattr(runs, "history"):
        return [("", _history_of(runs, "run"))]
    if isinstance(runs, Mapping):
        return [(str(name), _history_of(run, str(name))) for name, run in runs.items()]
    if isinstance(runs, Sequence) and not isinstance(runs, str):
        return [(f"run {i}", _history_of(run, f"run {i}")) for i, run in enumerate(runs, 1)]
    raise TypeError(f"cannot plot curves of a {type(runs).__name__}")


def plot_history(
    runs,
    *,
    metrics: Sequence[str] = ("accuracy", "loss"),
    title: str | None = None,
    panel_size: tuple[float, float] = (5.0, 3.6),
) -> Figure:
    """Training curves: one panel per metric, training solid and validation dashed.

    ``runs`` is one run (a `cnncourse.training.TrainingRun`, a keras ``History`` or a
    history dict) or several: a mapping name -> run (names become the legend) or a list.
    Every run gets its own colour; a metric's validation curve ("val_" + metric) is drawn
    when the run has one. Epochs are counted from 1.
    """
    named = _named_histories(runs)
    available = sorted({key for _, history in named for key in history})
    shown = [m for m in metrics if any(m in h or f"val_{m}" in h for _, h in named)]
    if not shown:
        raise ValueError(
            f"none of the metrics {list(metrics)} is in the runs; they have {available}"
        )
    fig = new_figure(figsize=(panel_size[0] * len(shown), panel_size[1]), layout="constrained")
    axes = fig.subplots(1, len(shown), squeeze=False)[0]
    for ax, metric in zip(axes, shown):
        for index, (name, history) in enumerate(named):
            colour = run_colour(index)
            prefix = f"{name} " if name else ""
            for key, style, part in ((metric, "-", "train"), (f"val_{metric}", "--", "validation")):
                if key in history:
                    values = history[key]
                    ax.plot(
                        range(1, len(values) + 1),
                        values,
                        style,
                        color=colour,
                        marker="o",
                        markersize=3,
                        label=f"{prefix}{part}",
                    )
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        ax.set_title(metric)
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.grid(alpha=0.3)
        if len(named) == 1:
            ax.legend(fontsize="small")
    if len(named) > 1:
        # One legend for all panels, outside them: a colour per run, a line style per part.
        from matplotlib.lines import Line2D

        handles = [
            Line2D([], [], color=run_colour(i), label=name) for i, (name, _) in enumerate(named)
        ]
        handles += [
            Line2D([], [], color="black", linestyle="-", label="train"),
            Line2D([], [], color="black", linestyle="--", label="validation"),
        ]
        fig.legend(handles=handles, loc="outside right upper", fontsize="small")
    if title:
        fig.suptitle(title)
    return fig
