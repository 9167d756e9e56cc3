"""Hyper-parameter search.

A hand-written grid search and a quiet, seeded KerasTuner random search.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from cnncourse.models.layers import batch_normalization
from cnncourse.profile import current_profile
from cnncourse.training import TrainingRun, compile_and_fit, is_smaller_better, make_optimizer

# Grid keys with these names go to `compile_and_fit`; every other key goes to the build function.
FIT_KEYS = ("learning_rate", "optimizer", "batch_size")


# ----------------------------------------------------------------------------- grid search


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


# ----------------------------------------------------------------------------- random search

# The search space of the student project (seed text 002), as `cnn_hypermodel` builds it.
SEARCH_SPACE = {
    "learning_rate": "0.001 to 0.1, log scale",
    "optimizer": "SGD with Nesterov momentum 0.9, Adam or RMSprop",
    "conv_layers": "1 to 3 blocks Conv2D 3x3 'same' ReLU -> BatchNormalization -> MaxPool 2x2",
    "filters": "32, 64 or 96 in the first conv layer, doubling in each following one",
    "dense_layers": "1 to 3 blocks Dense ReLU -> BatchNormalization -> Dropout",
    "units": "128, 256, 512 or 1024 in the first dense layer, halving in each following one",
}


def cnn_hypermodel(
    input_shape: Sequence[int],
    num_classes: int,
    *,
    rescale: float | None = 1.0 / 255.0,
    dropout: float = 0.5,
    global_pooling: bool = False,
    one_hot_labels: bool = False,
) -> Callable:
    """A KerasTuner model-building function with the student project's search space.

    Hyper-parameters (see `SEARCH_SPACE`): ``learning_rate`` (1e-3..1e-1, log),
    ``optimizer`` ("nesterov", "adam", "rmsprop"), ``conv_layers`` (1-3), ``filters``
    (32/64/96, doubled per following conv layer), ``dense_layers`` (1-3), ``units``
    (128..1024 by powers of two, halved per following dense layer).

    The network: optional Rescaling(``rescale``) for uint8 images, the conv blocks, Dropout,
    Flatten (as in the project; ``global_pooling=True`` uses GlobalAveragePooling2D, far
    fewer parameters for 96x96 inputs), the dense blocks, and a softmax over
    ``num_classes``. Compiled with sparse categorical cross-entropy (categorical with
    ``one_hot_labels``) and accuracy.
    """
    import keras

    shape = tuple(int(s) for s in input_shape)
    if len(shape) != 3:
        raise ValueError(f"input_shape must be (height, width, channels), got {input_shape!r}")
    if num_classes < 2:
        raise ValueError(f"num_classes must be at least 2, got {num_classes}")

    def build(hp):
        learning_rate = hp.Float("learning_rate", 1e-3, 1e-1, sampling="log")
        optimizer = hp.Choice("optimizer", ["nesterov", "adam", "rmsprop"])
        conv_layers = hp.Int("conv_layers", 1, 3)
        filters = hp.Int("filters", 32, 96, step=32)
        dense_layers = hp.Int("dense_layers", 1, 3)
        units = hp.Int("units", 128, 1024, step=2, sampling="log")

        inputs = keras.Input(shape)
        x = inputs
        if rescale is not None:
            x = keras.layers.Rescaling(rescale)(x)
        for index in range(conv_layers):
            x = keras.layers.Conv2D(filters * 2**index, 3, padding="same", activation="relu")(x)
            x = batch_normalization()(x)
            x = keras.layers.MaxPooling2D(2)(x)
        x = keras.layers.Dropout(dropout)(x)
        x = (keras.layers.GlobalAveragePooling2D() if global_pooling else keras.layers.Flatten())(x)
        for index in range(dense_layers):
            x = keras.layers.Dense(max(1, units // 2**index), activation="relu")(x)
            x = batch_normalization()(x)
            x = keras.layers.Dropout(dropout)(x)
        outputs = keras.layers.Dense(num_classes, activation="softmax")(x)
        model = keras.Model(inputs, outputs, name="cnn_search")
        model.compile(
            optimizer=make_optimizer(optimizer, learning_rate),
            loss=(
                "categorical_crossentropy" if one_hot_labels else "sparse_categorical_crossentropy"
            ),
            metrics=["accuracy"],
        )
        return model

    return build


@dataclass
class RandomSearchResult:
    """The outcome of `random_search`.

    ``table``: one row per trial, best first: ``trial``, the hyper-parameter values,
    ``score`` (the objective at the trial's best epoch, as KerasTuner scores), ``best_epoch``
    (from 1), ``status`` and ``best`` (True on the best row). ``tuner`` is the KerasTuner
    object (its ``get_best_models`` reloads the best checkpoint).
    """

    table: Any
    best_hyperparameters: dict[str, Any]
    objective: str
    directory: Path
    tuner: Any = field(repr=False)

    def best_model(self):
        """The best trial's model, reloaded from its best-epoch checkpoint.

        The checkpoints live in ``directory``: a later search with the same directory and
        project name overwrites them, so call this before searching again.
        """
        return self.tuner.get_best_models(num_models=1)[0]


def random_search(
    hypermodel,
    train,
    validation,
    *,
    max_trials: int = 10,
    epochs: int | None = None,
    original_epochs: int | None = None,
    objective: str = "val_accuracy",
    directory: str | Path | None = None,
    project_name: str = "random_search",
    seed: int = 0,
    batch_size: int | None = None,
    callbacks: Sequence = (),
) -> RandomSearchResult:
    """A KerasTuner random search, quiet and reproducible.

    ``hypermodel``: a function ``build(hp) -> compiled model`` (e.g. `cnn_hypermodel`) or
    a ``keras_tuner.HyperModel``. ``max_trials`` is the original search's count: the profile
    cuts it (`Profile.trials`). Epochs as in `cnncourse.training.compile_and_fit`.

    Reproducible: the project folder (default ``<cnncourse cache>/keras_tuner/<project_name>``)
    is overwritten, `cnncourse.seed_everything(seed)` runs first and the tuner's sampler is
    seeded (with ``seed + 1``: KerasTuner treats a seed of 0 as "no seed"). Quiet: the
    search runs with ``verbose=0`` (no trial banners), overwriting avoids the "Reloading
    Tuner" line, and the search-space and results summaries (which print) are not called.
    """
    from cnncourse._quiet import silence_after_tensorflow
    from cnncourse.paths import scratch_dir
    from cnncourse.seeding import seed_everything
    from cnncourse.training import resolve_epochs, split_data

    silence_after_tensorflow()
    n_epochs = resolve_epochs(epochs, original_epochs)
    trials = current_profile().trials(int(max_trials))
    if validation is None:
        raise ValueError("random_search scores trials on validation data: pass validation")
    folder = Path(directory) if directory is not None else scratch_dir("keras_tuner")
    folder.mkdir(parents=True, exist_ok=True)
    seed_everything(seed)
    tuner = _random_search_tuner_class()(
        hypermodel,
        objective=objective,
        max_trials=trials,
        seed=seed + 1,
        directory=str(folder),
        project_name=project_name,
        overwrite=True,
    )
    x, y, dataset = split_data(train, "train")
    vx, vy, vdataset = split_data(validation, "validation")
    search_kwargs: dict[str, Any] = {
        "epochs": n_epochs,
        "validation_data": vdataset if vdataset is not None else (vx, vy),
        "verbose": 0,
        "callbacks": list(callbacks),
    }
    if dataset is None:
        search_kwargs["batch_size"] = batch_size or current_profile().batch_size
        tuner.search(x, y, **search_kwargs)
    else:
        if batch_size is not None:
            raise ValueError("batch_size was given with a tf.data.Dataset, which is batched")
        tuner.search(dataset, **search_kwargs)
    table = _trials_table(tuner, objective)
    completed = table[table["status"] == "COMPLETED"]
    if completed.empty:
        messages = [t.message for t in tuner.oracle.trials.values() if t.message]
        detail = messages[-1].strip().splitlines()[-1] if messages else "no message"
        raise RuntimeError(f"no trial of the random search completed: {detail}")
    best = dict(tuner.get_best_hyperparameters(1)[0].values)
    return RandomSearchResult(
        table=table,
        best_hyperparameters=best,
        objective=objective,
        directory=folder / project_name,
        tuner=tuner,
    )


_TUNER_CLASS = None


def _random_search_tuner_class():
    """``keras_tuner.RandomSearch`` that imports TensorBoard only for a TensorBoard callback.

    KerasTuner 1.4.8 imports ``tensorboard`` at every trial on the TensorFlow backend (to
    patch TensorBoard callbacks), and TensorFlow 2.21 no longer installs it: without this
    every trial would fail with ModuleNotFoundError.
    """
    global _TUNER_CLASS
    if _TUNER_CLASS is None:
        import keras_tuner

        class RandomSearch(keras_tuner.RandomSearch):
            def _configure_tensorboard_dir(self, callbacks, trial, execution=0):
                if any(type(c).__name__ == "TensorBoard" for c in callbacks):
                    super()._configure_tensorboard_dir(callbacks, trial, execution)

        _TUNER_CLASS = RandomSearch
    return _TUNER_CLASS


def _trials_table(tuner, objective: str):
    import pandas as pd

    rows = []
    for trial in tuner.oracle.trials.values():
        row: dict[str, Any] = {"trial": trial.trial_id}
        row.update(trial.hyperparameters.values)
        row["score"] = np.nan if trial.score is None else float(trial.score)
        row["best_epoch"] = None if trial.best_step is None else int(trial.best_step) + 1
        row["status"] = str(getattr(trial.status, "value", trial.status))
        rows.append(row)
    table = pd.DataFrame(rows)
    table = table.sort_values(
        "score", ascending=is_smaller_better(objective), kind="mergesort", na_position="last"
    ).reset_index(drop=True)
    table["best"] = False
    if table["score"].notna().any():
        table.loc[0, "best"] = True
    return table
