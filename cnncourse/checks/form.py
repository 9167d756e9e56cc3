"""Form checks of a graded question's reads: a value is defined and of the declared kind.

A question declares what it reads as data (``reads={"layer_params": "list", ...}``); the
visible tests check only that form, never a value, so they give nothing away. The kinds
are also what the grader collects from the student's notebook and rebuilds for the checks.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping

from cnncourse.checks.result import Result

#: Every kind a question may read, with what the student must give, in words.
KINDS = {
    "int": "a whole number",
    "number": "a number",
    "str": "a string",
    "bool": "True or False",
    "list": "a list",
    "dict": "a dict",
    "json": "plain Python data (numbers, strings, lists, dicts)",
    "array": "a NumPy array (or a tensor)",
    "model": "a Keras model",
    "history": "the History that model.fit returns",
    "run": "the TrainingRun that training.compile_and_fit returns",
    "figure": "a matplotlib Figure",
    "dataset": "a tf.data.Dataset",
    "table": "a pandas DataFrame",
}


class Missing:
    """The value of a read that the student's notebook did not define (or could not give)."""

    def __init__(self, name: str, reason: str) -> None:
        self.name, self.reason = name, reason

    def __repr__(self) -> str:
        return f"<{self.name} missing: {self.reason}>"


def parse_reads(reads) -> dict[str, tuple[str, str]]:
    """``{name: kind}`` or ``{name: (kind, expression)}`` as ``{name: (kind, expression)}``.

    The expression is what the student's notebook evaluates (default: the name itself), for
    reads such as ``("json", "split_subset(subset, seed=SEED)")``.
    """
    if not isinstance(reads, Mapping) or not reads:
        raise ValueError(f"reads must be a non-empty dict of name -> kind, got {reads!r}")
    parsed = {}
    for name, declared in reads.items():
        kind, expression = (declared, name) if isinstance(declared, str) else tuple(declared)
        if not (isinstance(name, str) and name.isidentifier()):
            raise ValueError(f"read {name!r} is not a Python name")
        if kind not in KINDS:
            raise ValueError(f"read {name!r} has kind {kind!r}; the kinds are {', '.join(KINDS)}")
        if not isinstance(expression, str) or not expression.strip():
            raise ValueError(f"read {name!r} needs an expression, got {expression!r}")
        parsed[name] = (kind, expression)
    return parsed


def _is_kind(value, kind: str) -> bool:
    if kind == "int":
        return isinstance(value, numbers.Integral) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, numbers.Real) and not isinstance(value, bool)
    if kind == "str":
        return isinstance(value, str)
    if kind == "bool":
        return isinstance(value, bool) or type(value).__name__ == "bool_"
    if kind == "list":
        return isinstance(value, (list, tuple))
    if kind == "dict":
        return isinstance(value, Mapping)
    if kind == "json":
        return _plain(value)
    if kind == "array":
        return hasattr(value, "shape") and hasattr(value, "dtype") and not _is_model(value)
    if kind == "model":
        return _is_model(value)
    if kind == "history":
        return isinstance(getattr(value, "history", None), Mapping)
    if kind == "run":
        return isinstance(getattr(value, "history", None), Mapping) and hasattr(
            value, "seconds_per_epoch"
        )
    if kind == "figure":
        from matplotlib.figure import Figure

        return isinstance(value, Figure)
    if kind == "dataset":
        return hasattr(value, "element_spec") and hasattr(value, "__iter__")
    if kind == "table":
        return hasattr(value, "columns") and hasattr(value, "to_dict")
    return False


def _is_model(value) -> bool:
    import keras

    return isinstance(value, keras.Model)


def _plain(value, depth: int = 0) -> bool:
    if depth > 20:
        return False
    if value is None or isinstance(value, (bool, numbers.Real, str)):
        return True
    if isinstance(value, (list, tuple)):
        return all(_plain(item, depth + 1) for item in value)
    if isinstance(value, Mapping):
        return all(
            isinstance(key, (str, numbers.Real, bool, type(None))) and _plain(item, depth + 1)
            for key, item in value.items()
        )
    return hasattr(value, "__fspath__")


def of_kind(value, kind: str, *, name: str) -> Result:
    """Whether ``value`` (the student's ``name``) is of ``kind``: a form check, no value."""
    if isinstance(value, Missing):
        return Result.fail(f"{name} {value.reason}")
    if not _is_kind(value, kind):
        return Result.fail(f"{name} should be {KINDS[kind]}, yours is {type(value).__name__}")
    return Result.ok(f"{name} is {KINDS[kind]}")
