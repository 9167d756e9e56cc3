"""Fitting with the profile's epochs.

compile_and_fit, evaluate and the wall-clock timing of runs.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from cnncourse.keras_graph import output_activation, output_layer  # noqa: F401 (public here too)
from cnncourse.profile import current_profile

# Optimizer names accepted by `make_optimizer` (an optimizer instance is accepted too).
OPTIMIZER_NAMES = ("adam", "adamw", "sgd", "momentum", "nesterov", "rmsprop", "adagrad")

# Metrics whose best value is the smallest one; every other metric is best when largest.
_SMALLER_IS_BETTER = ("loss", "error", "mae", "mse", "crossentropy", "hinge")


def resolve_epochs(epochs: int | None = None, original_epochs: int | None = None) -> int:
    """The number of epochs to train.

    ``original_epochs`` is the count of the original assignment: the active profile cuts it
    (`Profile.epochs`). ``epochs`` is an exact count that bypasses the profile (for
    experiments and tests). Give exactly one of the two.
    """
    if epochs is not None and original_epochs is not None:
        raise ValueError(
            f"give either epochs={epochs} (exact) or original_epochs={original_epochs} "
            "(cut by the profile), not both"
        )
    if epochs is None and original_epochs is None:
        raise ValueError(
            "say how long to train: original_epochs=N (the assignment's epochs, cut by the "
            "profile) or epochs=N (exact)"
        )
    if original_epochs is not None:
        return current_profile().epochs(_positive_int(original_epochs, "original_epochs"))
    return _positive_int(epochs, "epochs")


def _positive_int(value, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{what} must be a positive integer, got {value!r}")
    return int(value)


def make_optimizer(optimizer="adam", learning_rate: float | None = None):
    """A Keras optimizer from a name in `OPTIMIZER_NAMES` (or an instance, returned as is).

    ``"momentum"`` is SGD with momentum 0.9, ``"nesterov"`` SGD with Nesterov momentum 0.9.
    Without ``learning_rate`` each optimizer keeps Keras' default (Adam 0.001, SGD 0.01).
    """
    import keras

    if isinstance(optimizer, keras.optimizers.Optimizer):
        if learning_rate is not None:
            raise ValueError(
                f"learning_rate={learning_rate} was given with an optimizer instance "
                f"({type(optimizer).__name__}); set the learning rate on the instance instead"
            )
        return optimizer
    if not isinstance(optimizer, str):
        raise TypeError(
            f"optimizer must be a name ({', '.join(OPTIMIZER_NAMES)}) or a keras optimizer, "
            f"got {optimizer!r}"
        )
    name = optimizer.strip().lower()
    kwargs = {} if learning_rate is None else {"learning_rate": float(learning_rate)}
    if learning_rate is not None and not learning_rate > 0:
        raise ValueError(f"learning_rate must be positive, got {learning_rate!r}")
    builders = {
        "adam": lambda: keras.optimizers.Adam(**kwargs),
        "adamw": lambda: keras.optimizers.AdamW(**kwargs),
        "sgd": lambda: keras.optimizers.SGD(**kwargs),
        "momentum": lambda: keras.optimizers.SGD(momentum=0.9, **kwargs),
        "nesterov": lambda: keras.optimizers.SGD(momentum=0.9, nesterov=True, **kwargs),
        "rmsprop": lambda: keras.optimizers.RMSprop(**kwargs),
        "adagrad": lambda: keras.optimizers.Adagrad(**kwargs),
    }
    if name not in builders:
        raise ValueError(f"unknown optimizer {optimizer!r}: choose one of {', '.join(builders)}")
    return builders[name]()


def _output_units(model) -> int | None:
    try:
        shape = model.outputs[0].shape
    except (AttributeError, ValueError, IndexError, TypeError):
        return None
    return None if shape[-1] is None else int(shape[-1])


def _label_shape(y, dataset) -> tuple | None:
    """The shape of the labels without the batch axis (None when unknown)."""
    if y is not None:
        return tuple(np.shape(y)[1:])
    if dataset is not None:
        spec = getattr(dataset, "element_spec", None)
        if isinstance(spec, (tuple, list)) and len(spec) >= 2 and hasattr(spec[1], "shape"):
            shape = spec[1].shape
            if shape.rank is None:
                return None
            return tuple(shape[1:])
    return None


def infer_loss(model, label_shape: tuple | None):
    """A loss for ``model`` and labels of ``label_shape`` (without the batch axis).

    One output unit: binary cross-entropy. One-hot labels as wide as the output: categorical
    cross-entropy. Otherwise (integer labels): sparse categorical cross-entropy. When the model
    ends in a linear layer the loss is told ``from_logits=True``. Returns ``(loss, from_logits)``.
    """
    import keras

    units = _output_units(model)
    if units is None:
        raise ValueError(
            f"cannot tell the loss for model {model.name!r}: it has no known output shape "
            "(build it first, or pass loss=...)"
        )
    from_logits = output_activation(model) == "linear"
    if units == 1:
        return keras.losses.BinaryCrossentropy(from_logits=from_logits), from_logits
    if label_shape is not None and len(label_shape) >= 1 and label_shape[-1] == units:
        return keras.losses.CategoricalCrossentropy(from_logits=from_logits), from_logits
    return keras.losses.SparseCategoricalCrossentropy(from_logits=from_logits), from_logits


def split_data(data, what: str):
    """``(x, y, dataset)`` from a pair of arrays or a tf.data.Dataset / keras PyDataset."""
    import keras
    import tensorflow as tf

    if isinstance(data, (tf.data.Dataset, keras.utils.PyDataset)):
        return None, None, data
    if isinstance(data, (tuple, list)) and len(data) == 2:
        x, y = data
        if len(x) != len(y):
            raise ValueError(f"{what}: {len(x)} images but {len(y)} labels")
        if len(x) == 0:
            raise ValueError(f"{what} is empty")
        return x, y, None
    raise ValueError(
        f"{what} must be a pair (images, labels) of arrays or a tf.data.Dataset, "
        f"got {type(data).__name__}"
    )


_TIMER_CLASS = None


def _epoch_timer():
    """A Keras callback that records the wall seconds of every epoch (validation included)."""
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
        values = self._values(metric)
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

    def _values(self, metric: str) -> list[float]:
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


def compile_and_fit(
    model,
    train,
    validation=None,
    *,
    epochs: int | None = None,
    original_epochs: int | None = None,
    learning_rate: float | None = None,
    optimizer="adam",
    loss=None,
    metrics: Sequence = ("accuracy",),
    batch_size: int | None = None,
    verbose: int = 0,
    seed: int | None = None,
    callbacks: Sequence = (),
    compile_model: bool = True,
    shuffle: bool = True,
    class_weight: Mapping[int, float] | None = None,
) -> TrainingRun:
    """Compile ``model`` and train it; return a `TrainingRun`.

    - ``train``: a pair ``(images, labels)`` of arrays, or a batched ``tf.data.Dataset``
      yielding ``(images, labels)``.
    - ``validation``: None, a pair of arrays, a dataset, or a fraction in (0, 1) of the
      training arrays to hold out (Keras' ``validation_split``: the *last* samples).
    - ``original_epochs``: the assignment's epoch count, cut by the active profile;
      ``epochs``: an exact count (give one of the two).
    - ``optimizer``: a name from `OPTIMIZER_NAMES` or a Keras optimizer instance (an instance
      keeps its own learning rate and must not be shared between models).
    - ``loss``: None infers it from the output width and the labels (`infer_loss`); a loss
      given is used as it is (say ``from_logits=True`` yourself for a linear output).
    - ``batch_size``: arrays only; default the profile's ``batch_size``. A dataset is batched
      already.
    - ``seed``: when given, `cnncourse.seed_everything(seed)` runs first (shuffling, dropout).
      Weights are drawn when the model is built: for identical runs, seed before building too.
    - ``compile_model=False`` keeps the model's own compile settings.
    - ``shuffle``: arrays are reshuffled every epoch; a dataset is used in its own order.

    Trains with ``verbose=0`` by default: no progress bars, nothing on stderr.
    """
    import keras

    from cnncourse._quiet import silence_after_tensorflow
    from cnncourse.seeding import seed_everything

    # TensorFlow may have been imported before cnncourse set its loggers: quiet them again
    # (retracing notices of repeated fits would otherwise reach stderr).
    silence_after_tensorflow()
    n_epochs = resolve_epochs(epochs, original_epochs)
    if seed is not None:
        seed_everything(seed)
    profile = current_profile()
    x, y, dataset = split_data(train, "train")

    fit_kwargs: dict[str, Any] = {}
    if dataset is not None:
        if batch_size is not None:
            raise ValueError(
                f"batch_size={batch_size} was given with a tf.data.Dataset, which is batched "
                "already: batch the dataset instead"
            )
        used_batch_size = None
        fit_kwargs["shuffle"] = False  # a dataset shuffles itself (Keras warns otherwise)
    else:
        used_batch_size = _positive_int(
            profile.batch_size if batch_size is None else batch_size, "batch_size"
        )
        fit_kwargs["batch_size"] = used_batch_size
        fit_kwargs["shuffle"] = shuffle

    if validation is None:
        pass
    elif isinstance(validation, float):
        if dataset is not None:
            raise ValueError("a validation fraction needs arrays, not a tf.data.Dataset")
        if not 0.0 < validation < 1.0:
            raise ValueError(f"validation fraction must be between 0 and 1, got {validation}")
        fit_kwargs["validation_split"] = validation
    else:
        vx, vy, vdataset = split_data(validation, "validation")
        fit_kwargs["validation_data"] = vdataset if vdataset is not None else (vx, vy)

    if compile_model:
        if loss is None:
            loss_object, from_logits = infer_loss(model, _label_shape(y, dataset))
        else:
            loss_object, from_logits = loss, False
        metric_list = list(metrics)
        if from_logits and isinstance(loss_object, keras.losses.BinaryCrossentropy):
            # "accuracy" would threshold logits at 0.5; a logit's threshold is 0.
            metric_list = [
                keras.metrics.BinaryAccuracy(threshold=0.0, name="accuracy")
                if m == "accuracy"
                else m
                for m in metric_list
            ]
        model.compile(
            optimizer=make_optimizer(optimizer, learning_rate),
            loss=loss_object,
            metrics=metric_list,
        )
    else:
        if not getattr(model, "compiled", False):
            raise ValueError(f"model {model.name!r} is not compiled and compile_model=False")
        if learning_rate is not None or loss is not None:
            raise ValueError(
                "learning_rate and loss are compile settings: with "
                "compile_model=False the model keeps its own"
            )

    timer = _epoch_timer()
    start = time.perf_counter()
    history = model.fit(
        x if dataset is None else dataset,
        y,
        epochs=n_epochs,
        verbose=verbose,
        callbacks=[timer, *callbacks],
        class_weight=dict(class_weight) if class_weight else None,
        **fit_kwargs,
    )
    seconds = time.perf_counter() - start
    values = {name: [float(v) for v in seq] for name, seq in history.history.items()}
    epochs_run = len(timer.seconds)
    settings = {
        "optimizer": type(model.optimizer).__name__,
        "learning_rate": _learning_rate_of(model.optimizer),
        "loss": _loss_name(model),
        "batch_size": used_batch_size,
        "epochs_requested": n_epochs,
        "original_epochs": original_epochs,
        "profile": profile.name,
        "seed": seed,
    }
    return TrainingRun(
        history=values,
        epochs=epochs_run,
        seconds=seconds,
        seconds_per_epoch=list(timer.seconds),
        settings=settings,
        model=model,
    )


def _learning_rate_of(optimizer) -> float | None:
    try:
        return float(np.asarray(optimizer.learning_rate))
    except (TypeError, ValueError, AttributeError):
        return None


def _loss_name(model) -> str | None:
    loss = getattr(model, "loss", None)
    if loss is None:
        return None
    if isinstance(loss, str):
        return loss
    return getattr(loss, "name", None) or type(loss).__name__


def evaluate(model, data, *, batch_size: int | None = None) -> dict[str, float]:
    """Evaluate a compiled ``model`` on ``(images, labels)`` or a dataset; metric name -> value."""
    x, y, dataset = split_data(data, "evaluation data")
    if not getattr(model, "compiled", False):
        raise ValueError(f"model {model.name!r} is not compiled: train or compile it first")
    kwargs: dict[str, Any] = {"verbose": 0, "return_dict": True}
    if dataset is None:
        kwargs["batch_size"] = batch_size or current_profile().batch_size
        result = model.evaluate(x, y, **kwargs)
    else:
        if batch_size is not None:
            raise ValueError("batch_size was given with a tf.data.Dataset, which is batched")
        result = model.evaluate(dataset, **kwargs)
    return {name: float(value) for name, value in result.items()}


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
        values = run._values(metric)
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
