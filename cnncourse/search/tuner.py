"""KerasTuner random search, quiet and seeded, over the student project's search space."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from cnncourse.models.layers import batch_normalization
from cnncourse.profile import current_profile
from cnncourse.training import make_optimizer, resolve_epochs, split_data
from cnncourse.training_run import is_smaller_better

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
    from cnncourse.paths import scratch_dir
    from cnncourse.quiet import silence_after_tensorflow
    from cnncourse.seeding import seed_everything

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
