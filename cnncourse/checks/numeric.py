"""Numeric answers within a tolerance, explaining the known wrong values (one or one per layer)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from cnncourse.checks.result import Result, count

Explanations = Mapping[float, str]


def as_number(value) -> float | None:
    """``value`` as a float ('12,832', numpy scalars and 1-element arrays too); None if not one."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        text = value.strip().replace(",", "").replace("_", "").replace(" ", "")
        try:
            return float(text)
        except ValueError:
            return None
    if hasattr(value, "item") and getattr(value, "size", 1) == 1:
        value = value.item()
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number


def _close(a: float, b: float, tolerance: float, relative: float) -> bool:
    return abs(a - b) <= max(tolerance, relative * abs(b)) + 1e-12 * max(1.0, abs(b))


def number(
    answer,
    expected: float,
    *,
    name: str = "your answer",
    tolerance: float = 0.0,
    relative: float = 0.0,
    wrong: Explanations | None = None,
    hint: str = "",
    reveal: bool = False,
) -> Result:
    """Whether ``answer`` is within ``tolerance`` (absolute) or ``relative`` of ``expected``.

    ``wrong`` maps known wrong values to the likely mistake, e.g.
    ``{4640: "that is the count of a 3x3 kernel: 3x3x16x32+32"}``; ``hint`` is said for
    any other wrong value; ``reveal`` adds the expected value to the message.
    """
    if tolerance < 0 or relative < 0:
        raise ValueError(f"{name}: tolerances must be >= 0, got {tolerance!r}, {relative!r}")
    value = as_number(answer)
    if value is None or math.isnan(value):
        return Result.fail(f"{name}: expected a number, got {answer!r:.60}")
    if _close(value, expected, tolerance, relative):
        return Result.ok(f"{name}: {count(_tidy(value))} is right")
    message = f"{name}: {count(_tidy(value))} is not right"
    for wrong_value, explanation in (wrong or {}).items():
        if _close(value, float(wrong_value), tolerance, relative):
            message += f": {explanation}"
            break
    else:
        if hint:
            message += f": {hint}"
    if reveal:
        message += f" (expected {count(_tidy(float(expected)))})"
    return Result.fail(message)


def _tidy(value: float):
    return int(value) if float(value).is_integer() else value


def _label(key, label: str) -> str:
    return label.format(key) if "{" in label else f"{label} {key}"


def numbers(
    answers,
    expected: Sequence[float] | Mapping,
    *,
    label: str = "layer {}",
    first: int = 1,
    tolerance: float = 0.0,
    relative: float = 0.0,
    wrong: Mapping | None = None,
    hint: str = "",
    reveal: bool = False,
) -> list[Result]:
    """One `Result` per expected value (parameter counts per layer, answered as a list or dict).

    ``expected`` is a list (answers compared by position; entries are called
    ``label.format(first + i)``) or a dict (compared by key, called ``label.format(key)``).
    ``wrong`` maps a position or key to its own ``{wrong value: explanation}``.
    """
    if isinstance(expected, Mapping):
        keys = list(expected)
        wanted = [expected[key] for key in keys]
    else:
        keys = [first + i for i in range(len(expected))]
        wanted = list(expected)
    names = [_label(key, label) for key in keys]
    got = _answers_by_key(answers, expected, keys)
    if isinstance(got, str):
        return [Result.fail(f"{name}: {got}") for name in names]
    results = []
    for key, name, value in zip(keys, names, wanted):
        if key not in got:
            results.append(Result.fail(f"{name}: no answer"))
            continue
        results.append(
            number(
                got[key],
                value,
                name=name,
                tolerance=tolerance,
                relative=relative,
                wrong=(wrong or {}).get(key),
                hint=hint,
                reveal=reveal,
            )
        )
    return results


def _answers_by_key(answers, expected, keys) -> dict | str:
    """The answers keyed like ``expected``, or what is wrong with their form."""
    if isinstance(answers, Mapping):
        if not isinstance(expected, Mapping):
            if all(isinstance(k, int) for k in answers):
                return dict(answers)
            return f"expected a list of {len(keys)} numbers, got a dict"
        return dict(answers)
    if (
        isinstance(answers, (str, bytes))
        or not isinstance(answers, Sequence)
        and not hasattr(answers, "tolist")
    ):
        return f"expected a list of {len(keys)} numbers, got {type(answers).__name__}"
    values = list(answers.tolist() if hasattr(answers, "tolist") else answers)
    if len(values) != len(keys):
        return f"expected {len(keys)} numbers, one per entry, your list has {len(values)}"
    return dict(zip(keys, values))


def choice(
    answer, expected, *, name: str = "your answer", wrong: Mapping | None = None, hint: str = ""
) -> Result:
    """Whether ``answer`` is ``expected`` (or one of them: a set or tuple of accepted answers).

    Strings compare without case or surrounding spaces. ``wrong`` maps wrong answers to
    the likely mistake.
    """
    accepted = expected if isinstance(expected, (set, frozenset, tuple, list)) else (expected,)

    def normal(value):
        return value.strip().lower() if isinstance(value, str) else value

    if any(normal(answer) == normal(value) for value in accepted):
        return Result.ok(f"{name}: {answer!r} is right")
    message = f"{name}: {answer!r:.60} is not right"
    explanation = next(
        (text for key, text in (wrong or {}).items() if normal(answer) == normal(key)), hint
    )
    return Result.fail(f"{message}: {explanation}" if explanation else message)
