"""Prepared data: array shapes and value ranges, one-hot rows, class labels, equal arrays.

``array`` and ``one_hot`` check the form of prepared data; ``labels`` and ``same_array``
compare relabelled or rebuilt data with the truth, naming the first class or entry that
went wrong.
"""

from __future__ import annotations

from cnncourse.checks.result import Result, count, plural
from cnncourse.checks.shapes import shape_text


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


def _class_text(label, class_names) -> str:
    label = int(label)
    if class_names is not None and 0 <= label < len(class_names):
        return f"{label} ({class_names[label]!r})"
    return str(label)


def labels(
    answer, expected, *, class_names=None, name: str = "your labels", hint: str = ""
) -> Result:
    """Whether ``answer`` holds the class numbers ``expected``, one per image, in order.

    ``class_names`` (the names of the expected labels, in label order) makes the message
    name the first class whose images got another label. ``hint`` is added when the number
    of labels differs.
    """
    import numpy as np

    try:
        data = np.asarray(answer)
    except Exception as error:  # noqa: BLE001 - whatever the student passed
        return Result.fail(f"{name}: expected an array of labels ({error})")
    want = np.asarray(expected).reshape(-1)
    if data.ndim == 2 and data.shape[1] == 1:
        data = data[:, 0]
    if data.ndim == 2 and class_names is not None and data.shape[1] == len(class_names):
        return Result.fail(
            f"{name}: expected one class number per image, yours are one-hot "
            f"rows of shape {shape_text(data.shape)} (np.argmax(labels, axis=1) gives the "
            "numbers)"
        )
    if data.ndim != 1 or data.dtype == object:
        return Result.fail(
            f"{name}: expected one class number per image (shape "
            f"{shape_text((len(want),))}), yours has shape {shape_text(data.shape)}"
        )
    if len(data) != len(want):
        message = f"{name}: expected {count(len(want))} labels, yours has {count(len(data))}"
        return Result.fail(f"{message} ({hint})" if hint else message)
    if not np.issubdtype(data.dtype, np.number) or not np.all(np.mod(data, 1) == 0):
        return Result.fail(f"{name}: expected whole class numbers, yours are {data.dtype}")
    if np.array_equal(data.astype(np.int64), want.astype(np.int64)):
        classes = len(np.unique(want))
        return Result.ok(
            f"{name}: all {count(len(want))} labels are right "
            f"({plural(classes, 'class', 'classes')})"
        )
    wrong_classes = 0
    first = None
    for label in np.unique(want):
        mask = want == label
        got = data[mask].astype(np.int64)
        wrong = got != label
        if wrong.any():
            wrong_classes += 1
            if first is None:
                values, counts = np.unique(got[wrong], return_counts=True)
                first = (label, int(mask.sum()), int(wrong.sum()), values[np.argmax(counts)])
    label, total, wrong_count, common = first
    what = (
        f"class {class_names[int(label)]!r}"
        if class_names is not None and 0 <= int(label) < len(class_names)
        else f"label {int(label)}"
    )
    more = f"; {wrong_classes - 1} other classes are wrong too" if wrong_classes > 1 else ""
    return Result.fail(
        f"{name}: the {total} images of {what} should have label {int(label)}, "
        f"{wrong_count} of yours have {_class_text(common, class_names)}{more}"
    )


def same_array(answer, expected, *, name: str = "your array", hint: str = "") -> Result:
    """Whether ``answer`` equals ``expected`` (same shape, same values); the message counts
    the entries (along the first axis, e.g. images) that differ. ``hint`` says why it may."""
    import numpy as np

    try:
        data = np.asarray(answer)
    except Exception as error:  # noqa: BLE001 - whatever the student passed
        return Result.fail(f"{name}: expected an array ({error})")
    want = np.asarray(expected)
    suffix = f" ({hint})" if hint else ""
    if data.shape != want.shape:
        return Result.fail(
            f"{name}: expected shape {shape_text(want.shape)}, "
            f"yours is {shape_text(data.shape)}{suffix}"
        )
    if data.dtype == object:
        return Result.fail(f"{name}: expected an array of numbers, got {type(answer).__name__}")
    if np.array_equal(data, want):
        return Result.ok(f"{name} is right: shape {shape_text(want.shape)}")
    if want.ndim == 0:
        return Result.fail(f"{name}: {data} is not right{suffix}")
    differs = np.any((data != want).reshape(len(want), -1), axis=1)
    first = int(np.argmax(differs))
    return Result.fail(
        f"{name}: {count(int(differs.sum()))} of {count(len(want))} entries along "
        f"the first axis differ from the expected ones (the first is number "
        f"{first}){suffix}"
    )
