"""Phase 1 of grading, in the student's kernel: write a question's reads out as plain data.

Called just before each test cell of the sandboxed notebook. Each read is evaluated in the
kernel's namespace and written as files of fixed names under ``<folder>/<grade_id>/``:
JSON (tagged, so tuples and non-string keys survive), ``.npy`` (no pickles), ``.keras``
models, figures' images and lines, datasets' batches. Nothing is trusted here: the trusted
side reads only the files it expects, with the kinds the instructor's notebook declares.
"""

from __future__ import annotations

import json
import math
import numbers
import os
import sys
from pathlib import Path

from cnncourse.checks.form import parse_reads

MANIFEST = "manifest.json"
#: Most elements of a dataset written out (a bigger one is cut, and says so).
DATASET_ELEMENTS = 20_000


class NotPlain(TypeError):
    """A value that is not plain data."""


def encode(value, depth: int = 0):
    """``value`` as JSON-able data with tags for tuples, dicts, arrays and special floats."""
    if depth > 40:
        raise NotPlain("nested more than 40 levels deep")
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        number = float(value)
        return number if math.isfinite(number) else {"__float__": repr(number)}
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if isinstance(value, tuple):
        return {"__tuple__": [encode(item, depth + 1) for item in value]}
    if isinstance(value, list):
        return [encode(item, depth + 1) for item in value]
    if isinstance(value, (set, frozenset)):
        return {"__set__": [encode(item, depth + 1) for item in value]}
    if isinstance(value, dict) or (hasattr(value, "keys") and hasattr(value, "items")):
        return {
            "__dict__": [
                [encode(key, depth + 1), encode(item, depth + 1)] for key, item in value.items()
            ]
        }
    if hasattr(value, "numpy") and callable(value.numpy):
        value = value.numpy()
    if hasattr(value, "dtype") and hasattr(value, "tolist"):
        import numpy as np

        array = np.asarray(value)
        if array.dtype == object:
            raise NotPlain("an array of Python objects")
        if array.ndim == 0:
            return encode(array.item(), depth + 1)
        return {"__array__": encode(array.tolist(), depth + 1), "dtype": str(array.dtype)}
    raise NotPlain(f"a {type(value).__name__} is not plain data")


def _write_json(path: Path, data) -> None:
    path.write_text(json.dumps(data, allow_nan=False), encoding="utf-8")


def _array(value):
    import numpy as np

    if hasattr(value, "numpy") and callable(value.numpy):
        value = value.numpy()
    array = np.asarray(value)
    if array.dtype == object:
        raise NotPlain("an array of Python objects cannot be graded")
    return array


def _history(value) -> dict:
    history = getattr(value, "history", value)
    return {
        "history": encode(dict(history)),
        "epoch": encode(list(getattr(value, "epoch", []))),
        "params": encode(dict(getattr(value, "params", None) or {})),
    }


def _run(value) -> dict:
    try:
        settings = encode(dict(value.settings))
    except NotPlain:
        settings = {"__dict__": [[str(key), repr(item)] for key, item in value.settings.items()]}
    return {
        "history": encode(dict(value.history)),
        "epochs": int(value.epochs),
        "seconds": float(value.seconds),
        "seconds_per_epoch": [float(v) for v in value.seconds_per_epoch],
        "settings": settings,
    }


def _figure(value, folder: Path, name: str) -> None:
    import numpy as np

    axes_data, arrays = [], {}
    for a, axes in enumerate(value.get_axes()):
        images = []
        for i, image in enumerate(axes.images):
            key = f"axes{a}_image{i}"
            arrays[key] = np.ma.getdata(np.asarray(image.get_array()))
            images.append({"key": key, "cmap": getattr(image.get_cmap(), "name", None)})
        lines = [
            {
                "x": encode(np.asarray(line.get_xdata(), dtype=float).tolist()),
                "y": encode(np.asarray(line.get_ydata(), dtype=float).tolist()),
                "label": str(line.get_label()),
            }
            for line in axes.lines
        ]
        axes_data.append(
            {
                "position": [float(v) for v in axes.get_position().bounds],
                "visible": bool(axes.get_visible()),
                "title": axes.get_title(),
                "xlabel": axes.get_xlabel(),
                "ylabel": axes.get_ylabel(),
                "images": images,
                "lines": lines,
                "collections": len(axes.collections),
                "patches": len(axes.patches),
            }
        )
    np.savez(folder / f"{name}.figure.npz", **arrays)
    _write_json(folder / f"{name}.figure.json", {"axes": axes_data})
    value.savefig(folder / f"{name}.png", dpi=60)


def _dataset(value, folder: Path, name: str) -> None:
    import numpy as np
    import tensorflow as tf

    spec = value.element_spec
    parts = list(spec) if isinstance(spec, tuple) else [spec]
    batched = bool(parts) and len(parts[0].shape) > 0 and parts[0].shape[0] is None
    columns: list[list] = [[] for _ in parts]
    batch_size, elements, cut = None, 0, False
    for element in value:
        element = element if isinstance(element, tuple) else (element,)
        for column, item in zip(columns, element):
            column.append(np.asarray(item))
        size = int(np.asarray(element[0]).shape[0]) if batched else 1
        batch_size = batch_size or size
        elements += size
        if elements >= DATASET_ELEMENTS:
            cut = True
            break
    arrays = {
        f"part{index}": (np.concatenate(column) if batched else np.stack(column))
        for index, column in enumerate(columns)
        if column
    }
    np.savez(folder / f"{name}.dataset.npz", **arrays)
    _write_json(
        folder / f"{name}.dataset.json",
        {
            "parts": len(parts),
            "tuple": isinstance(spec, tuple),
            "batched": batched,
            "batch_size": batch_size or 1,
            "cut": cut,
            "dtypes": [tf.as_dtype(part.dtype).name for part in parts],
        },
    )


def write(value, kind: str, folder: Path, name: str) -> None:
    """Write one value of ``kind`` under ``folder`` (files named after ``name``)."""
    if kind in ("int", "number", "str", "bool", "list", "dict", "json"):
        _write_json(folder / f"{name}.json", encode(value))
    elif kind == "array":
        import numpy as np

        np.save(folder / f"{name}.npy", _array(value), allow_pickle=False)
    elif kind == "model":
        value.save(folder / f"{name}.keras")
    elif kind == "history":
        _write_json(folder / f"{name}.json", _history(value))
    elif kind == "run":
        _write_json(folder / f"{name}.json", _run(value))
    elif kind == "figure":
        _figure(value, folder, name)
    elif kind == "dataset":
        _dataset(value, folder, name)
    elif kind == "table":
        (folder / f"{name}.table.json").write_text(value.to_json(orient="split"), "utf-8")
    else:
        raise ValueError(f"unknown kind {kind!r}")


def collect(folder, grade_id: str, reads) -> None:
    """Write every read of one question into ``folder/grade_id/``; never raises.

    The manifest records, per name, whether it was written or why not (not defined, an
    expression that raised, a value that is not plain data); the kernel's namespace is
    that of ``__main__`` (the notebook).
    """
    target = Path(folder) / grade_id
    target.mkdir(parents=True, exist_ok=True)
    namespace = vars(sys.modules["__main__"])
    manifest = {}
    for name, (kind, expression) in parse_reads(reads).items():
        try:
            if expression == name and name not in namespace:
                manifest[name] = {"missing": "is not defined"}
                continue
            value = eval(expression, namespace)  # noqa: S307 - the student's own kernel
            write(value, kind, target, name)
            manifest[name] = {"written": kind}
        except Exception as error:  # noqa: BLE001 - recorded for the trusted side
            manifest[name] = {
                "missing": f"could not be saved: {type(error).__name__}: {str(error)[:300]}"
            }
    _write_json(target / MANIFEST, manifest)
