"""Grid search: every combination of a grid, cut by the profile, trained and ranked."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from cnncourse.profile import current_profile
from cnncourse.training import compile_and_fit
from cnncourse.training_run import TrainingRun, is_smaller_better

# Grid keys with these names go to `compile_and_fit`; every other key goes to the build function.
FIT_KEYS = ("learning_rate", "optimizer", "batch_size")


def grid_points(grid: Mapping[str, Sequence]) -> list[dict[str, Any]]:
    """Every combination of the grid, in ``itertools.product`` order (last key varies fastest)."""
    if not isinstance(grid, Mapping) or not grid:
        raise ValueError(f"grid must be a non-empty dict of name -> list of values, got {grid!r}")
    for name, values in grid.items():
        if isinstance(values, (str, bytes)) or not isinstance(values, Sequence) or not values:
            raise ValueError(f"grid[{name!r}] must be a non-empty list of values, got {values!r}")
    names = list(grid)
    return [dict(zip(names, combo)) for combo in itertools.product(*(grid[n] for n in names))]


def spread_indices(total: int, keep: int) -> list[int]:
    """``keep`` indices out of ``range(total)``, evenly spaced, always the first and the last.

    This is how a profile cuts a grid: for a 2 x 2 grid cut to 2 points it keeps the first
    and the last combination, which between them try every value of both parameters.
    """
    if total < 1 or keep < 1:
        raise ValueError(f"need total >= 1 and keep >= 1, got total={total}, keep={keep}")
    if keep >= total:
        return list(range(total))
    if keep == 1:
        return [0]
    return sorted({round(i * (total - 1) / (keep - 1)) for i in range(keep)})


def covering_indices(grid: Mapping[str, Sequence], keep: int) -> list[int]:
    """Grid points (numbers in product order) in which every value of every axis appears.

    A profile cut that keeps ``keep`` points evenly spaced in product order (`spread_indices`)
    can drop a value altogether: a 3 x 3 grid cut to 4 points never tries the middle value
    of its last axis. This cut first takes the "diagonal" points ``i = 0, 1, ...`` whose
    value on every axis is number ``i`` modulo that axis' length, as many as the longest axis
    has values, so every value appears; it fills the rest of ``keep`` with points evenly
    spaced among the others. It returns ``max(keep, longest axis)`` points (at most the whole
    grid), sorted.
    """
    points = grid_points(grid)
    if keep < 1:
        raise ValueError(f"need keep >= 1, got keep={keep}")
    lengths = [len(values) for values in grid.values()]
    strides = [int(np.prod(lengths[i + 1 :])) for i in range(len(lengths))]
    chosen = {
        sum((i % length) * stride for length, stride in zip(lengths, strides))
        for i in range(max(lengths))
    }
    others = [number for number in range(len(points)) if number not in chosen]
    missing = min(keep, len(points)) - len(chosen)
    if missing > 0:
        chosen.update(others[i] for i in spread_indices(len(others), missing))
    return sorted(chosen)


@dataclass
class GridSearchResult:
    """The outcome of `grid_search`.

    ``table``: one row per trained point, best first, with the point's number in the full
    grid (``point``), its values, the run's summary (final and best metrics, seconds) and a
    ``best`` column that is True on the best row. ``runs``: point number -> `TrainingRun`.
    ``skipped``: the points the profile left out.
    """

    table: Any
    runs: dict[int, TrainingRun]
    points: list[dict[str, Any]]
    skipped: list[int]
    objective: str
    rank_column: str

    @property
    def best_point(self) -> int:
        return int(self.table["point"].iloc[0])

    @property
    def best_params(self) -> dict[str, Any]:
        return dict(self.points[self.best_point])

    @property
    def best_run(self) -> TrainingRun:
        return self.runs[self.best_point]

    @property
    def best_model(self):
        return self.best_run.model

    def labelled_runs(self) -> dict[str, TrainingRun]:
        """The runs named by their values ("learning_rate=0.001, units=32"), best first.

        Ready for `cnncourse.plotting.plot_history` (one colour per point).
        """
        return {
            ", ".join(f"{name}={value}" for name, value in self.points[number].items()): self.runs[
                number
            ]
            for number in self.table["point"]
        }


def grid_search(
    build_fn: Callable[..., Any],
    grid: Mapping[str, Sequence],
    train,
    validation,
    *,
    epochs: int | None = None,
    original_epochs: int | None = None,
    objective: str = "val_accuracy",
    rank_by: str = "final",
    max_points: int | None = None,
    cut: str = "spread",
    seed: int = 0,
    keep_models: bool = False,
    fit_keys: Sequence[str] = FIT_KEYS,
    **fit_kwargs,
) -> GridSearchResult:
    """Train one model per grid point and rank the points by ``objective`` on validation data.

    ``build_fn(**params)`` returns a fresh (uncompiled) Keras model; it receives every grid
    key except those in ``fit_keys`` (learning_rate, optimizer, batch_size), which go to
    `cnncourse.training.compile_and_fit` with ``fit_kwargs`` (loss, metrics...).

    The profile cuts the grid: ``current_profile().trials(n)`` of the ``n`` points are
    trained (or ``max_points``), chosen by `spread_indices` (evenly spaced in product order,
    first and last included; ``cut="cover"``: by `covering_indices`, so that every value of
    every axis is tried); the others are listed in ``skipped``. Before each point Keras'
    session is cleared and `cnncourse.seed_everything(seed)` runs, so every point starts
    from the same random state and a rerun reproduces the table.

    ``rank_by="final"`` ranks by the objective at the last epoch (what a run ends with),
    ``"best"`` by its best epoch. Ties keep grid order. Only the best run keeps its model
    unless ``keep_models``.
    """
    import keras
    import pandas as pd

    from cnncourse.seeding import seed_everything

    if validation is None:
        raise ValueError("grid_search ranks points on validation data: pass validation")
    if rank_by not in ("final", "best"):
        raise ValueError(f"rank_by must be 'final' or 'best', got {rank_by!r}")
    points = grid_points(grid)
    if cut not in ("spread", "cover"):
        raise ValueError(f"cut must be 'spread' or 'cover', got {cut!r}")
    keep = current_profile().trials(len(points)) if max_points is None else int(max_points)
    kept = spread_indices(len(points), keep) if cut == "spread" else covering_indices(grid, keep)
    runs: dict[int, TrainingRun] = {}
    rows = []
    for number in kept:
        params = points[number]
        build_params = {k: v for k, v in params.items() if k not in fit_keys}
        fit_params = {k: v for k, v in params.items() if k in fit_keys}
        keras.backend.clear_session()
        seed_everything(seed)
        model = build_fn(**build_params)
        run = compile_and_fit(
            model,
            train,
            validation,
            epochs=epochs,
            original_epochs=original_epochs,
            **fit_params,
            **fit_kwargs,
        )
        if objective not in run.history:
            raise ValueError(
                f"objective {objective!r} is not in the history of point {params}: "
                f"it has {sorted(run.history)}"
            )
        runs[number] = run
        rows.append({"point": number, **params, **run.summary()})
    rank_column = objective if rank_by == "final" else f"best_{objective}"
    table = pd.DataFrame(rows)
    table = table.sort_values(
        rank_column, ascending=is_smaller_better(objective), kind="mergesort"
    ).reset_index(drop=True)
    table["best"] = table.index == 0
    if not keep_models:
        for number, run in runs.items():
            if number != int(table["point"].iloc[0]):
                run.model = None
    skipped = [i for i in range(len(points)) if i not in set(kept)]
    return GridSearchResult(
        table=table,
        runs=runs,
        points=points,
        skipped=skipped,
        objective=objective,
        rank_column=rank_column,
    )
