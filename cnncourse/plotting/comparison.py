"""Comparisons of several results in one plot: bars or lines, the best outlined in red."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure

from cnncourse.plotting.figures import HIGHLIGHT_COLOUR, new_figure, run_colour


def _comparison_table(results):
    import pandas as pd

    if isinstance(results, pd.DataFrame):
        return results
    if isinstance(results, pd.Series):
        return results.to_frame(name=results.name or "value")
    if isinstance(results, Mapping):
        rows = {}
        for name, value in results.items():
            if np.isscalar(value):
                rows[str(name)] = {"value": float(value)}
            elif hasattr(value, "summary") and hasattr(value, "history"):
                rows[str(name)] = value.summary()  # a TrainingRun
            elif isinstance(value, Mapping):
                rows[str(name)] = dict(value)
            else:
                raise TypeError(
                    f"result {name!r} is a {type(value).__name__}: expected a number,"
                    " a dict of metrics or a TrainingRun"
                )
        return pd.DataFrame.from_dict(rows, orient="index")
    raise TypeError(f"cannot compare a {type(results).__name__}: give a DataFrame or a dict")


def _row_labels(table, label) -> list[str]:
    if label is None:
        return [str(i) for i in table.index]
    columns = [label] if isinstance(label, str) else list(label)
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ValueError(f"label columns {missing} are not in the table: {list(table.columns)}")
    if len(columns) == 1:
        return [str(v) for v in table[columns[0]]]
    values = [table[c].tolist() for c in columns]  # per column: keeps ints as ints
    return [", ".join(f"{c}={v}" for c, v in zip(columns, row)) for row in zip(*values)]


def plot_comparison(
    results,
    value: str | Sequence[str] = "val_accuracy",
    *,
    label: str | Sequence[str] | None = None,
    kind: str = "bar",
    highlight: str | None = "max",
    title: str | None = None,
    ylabel: str | None = None,
) -> Figure:
    """Several results in one plot: bars (``kind="bar"``) or lines (``kind="line"``).

    ``results``: a DataFrame (one row per result, e.g. a grid-search table), a mapping
    name -> number, name -> dict of metrics, or name -> `TrainingRun` (its final and best
    values). ``value``: the column(s) to plot; several give grouped bars or several lines.
    ``label``: the column(s) naming each row (default the index). ``highlight``: "max" or
    "min" outlines the best result of each value in red (as in the CS577 report), None
    does not.
    """
    table = _comparison_table(results)
    values = [value] if isinstance(value, str) else list(value)
    if not values:
        raise ValueError("give at least one value column to plot")
    missing = [v for v in values if v not in table.columns]
    if missing:
        raise ValueError(f"columns {missing} are not in the results: {list(table.columns)}")
    if kind not in ("bar", "line"):
        raise ValueError(f"kind must be 'bar' or 'line', got {kind!r}")
    if highlight not in ("max", "min", None):
        raise ValueError(f"highlight must be 'max', 'min' or None, got {highlight!r}")
    names = _row_labels(table, label)
    positions = np.arange(len(table))
    width_in = max(4.0, 0.6 * len(table) * max(1, len(values)) + 1.5)
    fig = new_figure(figsize=(min(width_in, 14.0), 4.0), layout="constrained")
    ax = fig.subplots()
    bar_width = 0.8 / len(values)
    for index, column in enumerate(values):
        numbers = table[column].to_numpy(dtype=float)
        colour = run_colour(index)
        best = None
        if highlight and np.isfinite(numbers).any():
            best = int(np.nanargmax(numbers) if highlight == "max" else np.nanargmin(numbers))
        if kind == "bar":
            offsets = positions - 0.4 + bar_width * (index + 0.5)
            bars = ax.bar(offsets, numbers, bar_width, color=colour, label=column)
            ax.bar_label(bars, fmt="%.3g", fontsize="x-small")
            if best is not None:
                bars[best].set_edgecolor(HIGHLIGHT_COLOUR)
                bars[best].set_linewidth(2.5)
        else:
            ax.plot(positions, numbers, "-o", color=colour, label=column)
            if best is not None:
                ax.plot(
                    [positions[best]],
                    [numbers[best]],
                    "o",
                    markersize=12,
                    markerfacecolor="none",
                    markeredgecolor=HIGHLIGHT_COLOUR,
                    markeredgewidth=2,
                )
    ax.set_xticks(
        positions,
        names,
        rotation=30 if max(map(len, names)) > 8 else 0,
        ha="right" if max(map(len, names)) > 8 else "center",
        fontsize="small",
    )
    ax.set_ylabel(ylabel or (values[0] if len(values) == 1 else "value"))
    ax.grid(axis="y", alpha=0.3)
    ax.margins(y=0.12)
    if len(values) > 1:
        ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.0, 1.0))
    if title:
        ax.set_title(title)
    return fig
