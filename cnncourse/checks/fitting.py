"""How a model was compiled and what it scored.

The optimizer's learning rate, a score's threshold.
"""

from __future__ import annotations

from collections.abc import Mapping

from cnncourse.checks.numeric import as_number, number
from cnncourse.checks.result import Result
from cnncourse.checks.training import per_profile
from cnncourse.profile import current_profile


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
    goal = float(per_profile(threshold, profile))
    got = as_number(value)
    if got is None or got != got:
        return Result.fail(f"{name}: expected a number, got {value!r:.60}")
    where = (
        f" in the {profile or current_profile().name} profile"
        if isinstance(threshold, Mapping)
        else ""
    )
    if got < goal:
        return Result.fail(f"{name} {got:.3f} is below the {goal:.3f} expected{where}")
    return Result.ok(f"{name} {got:.3f} reaches {goal:.3f}{where}")
