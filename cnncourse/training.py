"""Fitting with the profile's epochs: compile_and_fit, evaluate and their settings.

`TrainingRun` (`cnncourse.training_run`), `timing_table` (`cnncourse.timing`) and
`output_activation` / `output_layer` (`cnncourse.keras_graph`) are importable from here too.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from cnncourse.keras_graph import output_activation, output_layer
from cnncourse.profile import current_profile
from cnncourse.timing import epoch_timer, timing_table
from cnncourse.training_run import TrainingRun, is_smaller_better

# Optimizer names accepted by `make_optimizer` (an optimizer instance is accepted too).
OPTIMIZER_NAMES = ("adam", "adamw", "sgd", "momentum", "nesterov", "rmsprop", "adagrad")

__all__ = [
    "OPTIMIZER_NAMES",
    "TrainingRun",
    "compile_and_fit",
    "evaluate",
    "infer_loss",
    "is_smaller_better",
    "make_optimizer",
    "output_activation",
    "output_layer",
    "resolve_epochs",
    "split_data",
    "timing_table",
]


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

    from cnncourse.quiet import silence_after_tensorflow
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

    timer = epoch_timer()
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
