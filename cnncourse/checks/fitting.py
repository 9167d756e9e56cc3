"""How a model was compiled and what its training reached.

The optimizer's learning rate, a score's threshold, a training history's final or best
metric; thresholds may be given per size profile (`per_profile`).
"""

from __future__ import annotations

from collections.abc import Mapping

from cnncourse.checks.numeric import as_number, number
from cnncourse.checks.result import Result, plural
from cnncourse.profile import current_profile

_ACCURACY_ALIASES = (
    "accuracy",
    "acc",
    "binary_accuracy",
    "categorical_accuracy",
    "sparse_categorical_accuracy",
)


def learning_rate(
    model,
    expected: float,
    *,
    relative: float = 1e-3,
    wrong: Mapping | None = None,
    name: str = "the learning rate",
) -> Result:
    """Whether ``model`` is compiled with an optimizer whose learning rate is ``expected``.

    A model that was never compiled, or whose optimizer has a schedule rather than a fixed
    rate, fails with a message that says so. ``wrong`` maps known wrong rates to the likely
    mistake; float32 storage is allowed for by ``relative``.
    """
    if not hasattr(model, "compile"):
        return Result.fail(f"{name}: expected a Keras model, got {type(model).__name__}")
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None or not getattr(model, "compiled", True):
        return Result.fail(
            f"{name}: your model is not compiled (call model.compile(...) "
            "after changing what trains)"
        )
    rate = getattr(optimizer, "learning_rate", None)
    try:
        import numpy as np

        value = float(np.asarray(rate))
    except (TypeError, ValueError):
        return Result.fail(
            f"{name}: your optimizer ({type(optimizer).__name__}) has no fixed "
            f"learning rate ({type(rate).__name__})"
        )
    result = number(
        value,
        expected,
        name=f"{name} of your {type(optimizer).__name__} optimizer",
        relative=relative,
        wrong=wrong,
        reveal=True,
    )
    return result


def at_least(value, threshold, *, name: str = "your score", profile: str | None = None) -> Result:
    """Whether ``value`` reaches ``threshold`` (a number, or a dict keyed by profile name)."""
    return _bounded(value, threshold, name, profile, at_least=True)


def at_most(value, threshold, *, name: str = "your loss", profile: str | None = None) -> Result:
    """Whether ``value`` stays within ``threshold`` (a number, or a dict keyed by profile name)."""
    return _bounded(value, threshold, name, profile, at_least=False)


def _bounded(value, threshold, name: str, profile: str | None, *, at_least: bool) -> Result:
    goal = float(per_profile(threshold, profile))
    got = as_number(value)
    if got is None or got != got:
        return Result.fail(f"{name}: expected a number, got {value!r:.60}")
    where = (
        f" in the {profile or current_profile().name} profile"
        if isinstance(threshold, Mapping)
        else ""
    )
    if at_least:
        if got < goal:
            return Result.fail(f"{name} {got:.3f} is below the {goal:.3f} expected{where}")
        return Result.ok(f"{name} {got:.3f} reaches {goal:.3f}{where}")
    if got > goal:
        return Result.fail(f"{name} {got:.3f} is above the {goal:.3f} allowed{where}")
    return Result.ok(f"{name} {got:.3f} is within {goal:.3f}{where}")


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
