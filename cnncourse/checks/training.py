"""Transfer learning and training: frozen layers, parameter totals, output shapes, histories."""

from __future__ import annotations

from collections.abc import Mapping

from cnncourse.checks.arrays import shape_text
from cnncourse.checks.numeric import as_number, number
from cnncourse.checks.result import Result, count, plural
from cnncourse.keras_graph import walk_layers, weights_size
from cnncourse.profile import current_profile

_ACCURACY_ALIASES = (
    "accuracy",
    "acc",
    "binary_accuracy",
    "categorical_accuracy",
    "sparse_categorical_accuracy",
)


def find_layer(model, layer):
    """``layer`` of ``model``: the model itself (None), a name (nested models searched), an
    index, or a layer object. Raises LookupError with the names there are."""
    if layer is None:
        return model
    if isinstance(layer, int) and not isinstance(layer, bool):
        layers = getattr(model, "layers", [])
        if not -len(layers) <= layer < len(layers):
            raise LookupError(f"your model has {plural(len(layers), 'layer')}, no layer {layer}")
        return layers[layer]
    if isinstance(layer, str):
        for candidate in walk_layers(model):
            if getattr(candidate, "name", None) == layer:
                return candidate
        names = ", ".join(getattr(child, "name", "?") for child in getattr(model, "layers", []))
        raise LookupError(f"your model has no layer called {layer!r} (its layers: {names})")
    return layer


def _layer_counts(model, layer, label):
    if not hasattr(model, "weights"):
        return None, Result.fail(f"expected a Keras model, got {type(model).__name__}")
    try:
        found = find_layer(model, layer)
    except LookupError as error:
        return None, Result.fail(f"{label}: {error}")
    return (found, weights_size(found.weights), weights_size(found.trainable_weights)), None


def frozen(model, layer=None, *, label: str | None = None) -> Result:
    """Whether ``layer`` of ``model`` (None: the model) has no trainable parameter."""
    label = label or (f"layer {layer!r}" if layer is not None else "the model")
    counts, failure = _layer_counts(model, layer, label)
    if failure is not None:
        return failure
    _, total, trainable_count = counts
    if trainable_count:
        return Result.fail(
            f"{label} must be frozen: {count(trainable_count)} of its "
            f"{count(total)} parameters are trainable"
        )
    return Result.ok(f"{label} is frozen ({count(total)} parameters, none trainable)")


def trainable(
    model, layer=None, *, label: str | None = None, expected: int | None = None
) -> Result:
    """Whether ``layer`` trains: all its parameters, or exactly ``expected`` of them."""
    label = label or (f"layer {layer!r}" if layer is not None else "the model")
    counts, failure = _layer_counts(model, layer, label)
    if failure is not None:
        return failure
    _, total, trainable_count = counts
    wanted = total if expected is None else expected
    if trainable_count != wanted:
        if trainable_count == 0:
            return Result.fail(
                f"{label} must be trainable: all of its {count(total)} parameters are frozen"
            )
        return Result.fail(
            f"{label} should have {count(wanted)} trainable parameters, "
            f"yours has {count(trainable_count)} of {count(total)}"
        )
    return Result.ok(
        f"{label} trains: {count(trainable_count)} of its {count(total)} parameters are trainable"
    )


def parameters(
    model,
    expected: int,
    *,
    trainable_count: int | None = None,
    wrong: Mapping | None = None,
    name: str = "total parameters",
) -> Result:
    """Whether the model has ``expected`` parameters (and ``trainable_count`` trainable)."""
    if not hasattr(model, "count_params"):
        return Result.fail(f"{name}: expected a Keras model, got {type(model).__name__}")
    total = int(model.count_params())
    result = number(total, expected, name=f"{name} of your model", wrong=wrong, reveal=True)
    if not result.passed or trainable_count is None:
        return result
    got = weights_size(model.trainable_weights)
    if got != trainable_count:
        return Result.fail(
            f"trainable parameters of your model: expected "
            f"{count(trainable_count)}, yours has {count(got)}"
        )
    return Result.ok(f"{result.message}, {count(got)} of them trainable")


def output_shape(value, expected: tuple, *, name: str = "the output") -> Result:
    """Whether a model's output (or an array's) has ``expected`` shape; None matches any size.

    For a model the batch axis may be left out of ``expected``.
    """
    outputs = getattr(value, "outputs", None)
    if outputs:
        shape = tuple(None if d is None else int(d) for d in outputs[0].shape)
    elif hasattr(value, "shape"):
        shape = tuple(int(d) if d is not None else None for d in value.shape)
    else:
        return Result.fail(
            f"{name}: expected a Keras model or an array, got {type(value).__name__}"
        )
    expected = tuple(expected)
    compared = shape[1:] if outputs and len(expected) == len(shape) - 1 else shape
    if len(compared) == len(expected) and all(
        e is None or e == s for e, s in zip(expected, compared)
    ):
        return Result.ok(f"{name} has shape {shape_text(shape)}")
    return Result.fail(
        f"{name}: expected shape {shape_text(expected)}, yours is {shape_text(compared)}"
    )


def per_profile(value, profile: str | None = None):
    """``value`` itself, or its entry for the profile (``{"tiny": 0.3, "small": 0.6, ...}``)."""
    if not isinstance(value, Mapping):
        return value
    name = profile or current_profile().name
    if name not in value:
        raise KeyError(f"no value for the {name!r} profile in {dict(value)!r}")
    return value[name]


def _history_dict(history) -> dict | None:
    values = getattr(history, "history", history)
    return dict(values) if isinstance(values, Mapping) else None


def _find_metric(values: dict, metric: str) -> str | None:
    if metric in values:
        return metric
    prefix = "val_" if metric.startswith("val_") else ""
    base = metric[len(prefix) :]
    if base in ("accuracy", "acc"):
        for alias in _ACCURACY_ALIASES:
            if prefix + alias in values:
                return prefix + alias
    return None


def history(
    history,
    threshold,
    *,
    metric: str = "val_accuracy",
    epochs: int | None = None,
    use: str = "last",
    profile: str | None = None,
) -> Result:
    """Whether a training history reached ``threshold`` on ``metric`` (keras History or dict).

    ``threshold`` is a number or a dict keyed by profile name (the active profile's entry
    is used); ``use`` is "last" (the final epoch) or "best"; ``epochs`` (optional) is the
    number of epochs the history must have.
    """
    if use not in ("last", "best"):
        raise ValueError(f"use must be 'last' or 'best', got {use!r}")
    goal = float(per_profile(threshold, profile))
    values = _history_dict(history)
    if values is None:
        return Result.fail(
            "expected the History that model.fit returns (or its .history dict), "
            f"got {type(history).__name__}"
        )
    key = _find_metric(values, metric)
    if key is None:
        hint = " (did you pass validation data to fit?)" if metric.startswith("val_") else ""
        return Result.fail(
            f"your history has no {metric!r}{hint}; it has: {', '.join(values) or 'nothing'}"
        )
    series = [as_number(v) for v in values[key]]
    if not series or any(v is None for v in series):
        return Result.fail(f"your history's {key!r} is empty or not numeric")
    if epochs is not None and len(series) != epochs:
        return Result.fail(
            f"expected {plural(epochs, 'epoch')} of training, your history has {len(series)}"
        )
    reached = series[-1] if use == "last" else max(series)
    which = "final" if use == "last" else "best"
    profile_name = profile or current_profile().name
    where = f" in the {profile_name} profile" if isinstance(threshold, Mapping) else ""
    if reached < goal:
        return Result.fail(f"{which} {key} {reached:.3f} is below the {goal:.3f} expected{where}")
    return Result.ok(f"{which} {key} {reached:.3f} reaches {goal:.3f}{where}")
