"""Prepared data: array shapes, value ranges and one-hot labels."""

from __future__ import annotations

from cnncourse.checks.result import Result


def shape_text(shape) -> str:
    """A shape as Python writes a tuple: (32, 32, 3), (10,)."""
    return (
        "("
        + ", ".join("None" if d is None else str(d) for d in shape)
        + ("," if len(shape) == 1 else "")
        + ")"
    )


def array(
    value,
    *,
    name: str = "your array",
    shape: tuple | None = None,
    low: float | None = None,
    high: float | None = None,
    floating: bool | None = None,
) -> Result:
    """Whether ``value`` is an array of ``shape`` (None: any size) with values in [low, high].

    ``floating=True`` asks for floating-point values (after scaling 8-bit images).
    """
    import numpy as np

    try:
        data = np.asarray(value)
    except Exception as error:  # noqa: BLE001 - whatever the student passed
        return Result.fail(f"{name}: expected an array, got {type(value).__name__} ({error})")
    if data.dtype == object:
        return Result.fail(f"{name}: expected an array of numbers, got {type(value).__name__}")
    if shape is not None and (
        data.ndim != len(shape) or any(s is not None and s != d for s, d in zip(shape, data.shape))
    ):
        return Result.fail(
            f"{name}: expected shape {shape_text(shape)}, yours is {shape_text(data.shape)}"
        )
    if floating and not np.issubdtype(data.dtype, np.floating):
        return Result.fail(f"{name}: expected floating-point values, yours are {data.dtype}")
    if data.size and (low is not None or high is not None):
        smallest, largest = float(np.min(data)), float(np.max(data))
        if (low is not None and smallest < low) or (high is not None and largest > high):
            message = (
                (
                    f"{name}: values must lie in [{low:g}, {high:g}], yours range from "
                    f"{smallest:g} to {largest:g}"
                )
                if low is not None and high is not None
                else f"{name}: values out of range, yours range from {smallest:g} to {largest:g}"
            )
            if high is not None and high <= 1 and largest > 1:
                message += " (did you divide by 255?)"
            return Result.fail(message)
    return Result.ok(f"{name} has shape {shape_text(data.shape)} and dtype {data.dtype}")


def one_hot(value, classes: int, *, name: str = "your labels", rows: int | None = None) -> Result:
    """Whether ``value`` holds one-hot labels: ``classes`` columns of 0/1, one 1 per row."""
    import numpy as np

    data = np.asarray(value)
    hint = " (keras.utils.to_categorical turns class numbers into one-hot rows)"
    if data.ndim != 2 or data.shape[1] != classes:
        return Result.fail(
            f"{name}: expected one-hot rows of {classes} columns, yours has "
            f"shape {shape_text(data.shape)}{hint}"
        )
    if rows is not None and data.shape[0] != rows:
        return Result.fail(f"{name}: expected {rows} rows, yours has {data.shape[0]}")
    if (
        data.dtype == object
        or not np.all((data == 0) | (data == 1))
        or not np.all(data.sum(axis=1) == 1)
    ):
        return Result.fail(f"{name}: every row must hold a single 1 and zeros elsewhere{hint}")
    return Result.ok(f"{name} is one-hot: {data.shape[0]} rows of {classes} classes")
