"""Phase 2 of grading: rebuild a question's reads from the plain data phase 1 wrote.

Only files of the expected names are opened, never through a symbolic link, each within a
size limit; the kinds come from the instructor's declaration, not from the files. JSON is
decoded into builtins, arrays are loaded without pickles, models with Keras' safe mode, and
figures and datasets are rebuilt from their arrays: no object of the student's survives.
"""

from __future__ import annotations

import io
import json
import os
import stat
from pathlib import Path
from types import SimpleNamespace

from cnncourse.checks.form import Missing

#: The largest file read back for one value.
MAX_FILE_BYTES = 512 * 1024 * 1024


class UnsafeFile(ValueError):
    """A file of the sandbox's output that is a link, not a regular file, or too large."""


def read_bytes(root: Path, *parts: str, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of ``root/parts...``: no component may be a symbolic link."""
    path = Path(root)
    for part in parts:
        if part in ("", ".", "..") or "/" in part:
            raise UnsafeFile(f"bad path component {part!r}")
        path = path / part
        info = os.lstat(path)
        if stat.S_ISLNK(info.st_mode):
            raise UnsafeFile(f"{path.name} is a symbolic link")
    if not stat.S_ISREG(info.st_mode):
        raise UnsafeFile(f"{path.name} is not a regular file")
    if info.st_size > limit:
        raise UnsafeFile(f"{path.name} has {info.st_size:,} bytes (at most {limit:,})")
    descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    with os.fdopen(descriptor, "rb") as handle:
        return handle.read(limit + 1)[:limit]


def decode(data):
    """The inverse of `collect.encode`."""
    if isinstance(data, list):
        return [decode(item) for item in data]
    if not isinstance(data, dict):
        return data
    if "__tuple__" in data:
        return tuple(decode(item) for item in data["__tuple__"])
    if "__set__" in data:
        return set(decode(item) for item in data["__set__"])
    if "__float__" in data:
        return float(data["__float__"])
    if "__dict__" in data:
        return {_hashable(decode(key)): decode(item) for key, item in data["__dict__"]}
    if "__array__" in data:
        import numpy as np

        return np.asarray(decode(data["__array__"]), dtype=str(data.get("dtype", "float64")))
    raise ValueError(f"unknown tagged data {sorted(data)[:3]}")


def _hashable(key):
    return tuple(_hashable(part) for part in key) if isinstance(key, list) else key


def _json(root: Path, *parts: str):
    return json.loads(read_bytes(root, *parts).decode("utf-8"))


def _history(data) -> SimpleNamespace:
    from keras.callbacks import History

    history = History()
    history.history = {
        str(key): [float(v) for v in values] for key, values in decode(data["history"]).items()
    }
    history.epoch = [int(e) for e in decode(data.get("epoch", []))]
    history.params = decode(data.get("params", {"__dict__": []}))
    return history


def _run(data):
    from cnncourse.training import TrainingRun

    history = {
        str(key): [float(v) for v in values] for key, values in decode(data["history"]).items()
    }
    return TrainingRun(
        history=history,
        epochs=int(data["epochs"]),
        seconds=float(data["seconds"]),
        seconds_per_epoch=[float(v) for v in data["seconds_per_epoch"]],
        settings=decode(data.get("settings", {"__dict__": []})),
    )


def _figure(root: Path, grade_id: str, name: str):
    import numpy as np
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    layout = _json(root, grade_id, f"{name}.figure.json")
    arrays = np.load(
        io.BytesIO(read_bytes(root, grade_id, f"{name}.figure.npz")), allow_pickle=False
    )
    figure = Figure()
    for spec in layout["axes"]:
        axes = figure.add_axes([float(v) for v in spec["position"]])
        axes.set_visible(bool(spec["visible"]))
        axes.set_title(str(spec["title"]))
        axes.set_xlabel(str(spec["xlabel"]))
        axes.set_ylabel(str(spec["ylabel"]))
        for image in spec["images"]:
            axes.imshow(arrays[str(image["key"])])
        for line in spec["lines"]:
            axes.plot(decode(line["x"]), decode(line["y"]), label=str(line["label"]))
        for _ in range(int(spec["collections"])):
            axes.scatter([], [])
        for _ in range(int(spec["patches"])):
            axes.add_patch(Rectangle((0, 0), 0, 0))
    return figure


def _dataset(root: Path, grade_id: str, name: str):
    import numpy as np
    import tensorflow as tf

    layout = _json(root, grade_id, f"{name}.dataset.json")
    arrays = np.load(
        io.BytesIO(read_bytes(root, grade_id, f"{name}.dataset.npz")), allow_pickle=False
    )
    parts = [
        arrays[f"part{index}"].astype(str(dtype)) for index, dtype in enumerate(layout["dtypes"])
    ]
    dataset = tf.data.Dataset.from_tensor_slices(tuple(parts) if layout["tuple"] else parts[0])
    return dataset.batch(int(layout["batch_size"])) if layout["batched"] else dataset


def _fix_config(node) -> None:
    """Keras 3.15 saves RandomShear's factor as the range [-f, f] and refuses a negative
    factor when it loads it (keras-team/keras#21110): the range is turned back into f."""
    if isinstance(node, dict):
        if node.get("class_name") == "RandomShear" and isinstance(node.get("config"), dict):
            config = node["config"]
            for key in ("x_factor", "y_factor"):
                value = config.get(key)
                if isinstance(value, list) and len(value) == 2 and value[0] == -value[1]:
                    config[key] = abs(value[1])
        for value in node.values():
            _fix_config(value)
    elif isinstance(node, list):
        for value in node:
            _fix_config(value)


def _reloadable(content: bytes) -> bytes:
    """A .keras archive with the configs Keras cannot load back fixed (else as it is)."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            files = {name: archive.read(name) for name in archive.namelist()}
        config = json.loads(files["config.json"])
    except (zipfile.BadZipFile, KeyError, ValueError):
        return content
    _fix_config(config)
    files["config.json"] = json.dumps(config).encode()
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return output.getvalue()


def load(root: Path, grade_id: str, name: str, kind: str):
    """The value ``name`` of kind ``kind`` that phase 1 wrote for ``grade_id``."""
    import numpy as np

    if kind in ("int", "number", "str", "bool", "list", "dict", "json"):
        return decode(_json(root, grade_id, f"{name}.json"))
    if kind == "array":
        return np.load(io.BytesIO(read_bytes(root, grade_id, f"{name}.npy")), allow_pickle=False)
    if kind == "model":
        import tempfile

        import keras

        content = read_bytes(root, grade_id, f"{name}.keras")  # no link, size checked
        with tempfile.TemporaryDirectory(prefix="cnncourse-model-") as folder:
            path = Path(folder) / f"{name}.keras"
            path.write_bytes(_reloadable(content))
            try:
                return keras.saving.load_model(path, safe_mode=True, compile=True)
            except Exception as error:  # noqa: BLE001 - said in the student's terms
                if "safe_mode" in str(error) or "Lambda" in str(error):
                    raise ValueError(
                        "it holds Python code (a Lambda layer), which the grader "
                        "never runs: Keras' safe mode refuses it; build the model "
                        "from standard Keras layers"
                    ) from None
                raise
    if kind == "history":
        return _history(_json(root, grade_id, f"{name}.json"))
    if kind == "run":
        return _run(_json(root, grade_id, f"{name}.json"))
    if kind == "figure":
        return _figure(root, grade_id, name)
    if kind == "dataset":
        return _dataset(root, grade_id, name)
    if kind == "table":
        import pandas as pd

        text = read_bytes(root, grade_id, f"{name}.table.json").decode("utf-8")
        return pd.read_json(io.StringIO(text), orient="split")
    raise ValueError(f"unknown kind {kind!r}")


def load_question(root: Path, grade_id: str, reads: dict) -> dict:
    """Every read of one question, as values or `Missing` with the reason."""
    try:
        manifest = _json(root, grade_id, "manifest.json")
    except (OSError, ValueError) as error:
        reason = (
            "was not collected (the notebook stopped before this question)"
            if isinstance(error, FileNotFoundError)
            else f"could not be read back ({error})"
        )
        return {name: Missing(name, reason) for name in reads}
    values = {}
    for name, (kind, _) in reads.items():
        entry = manifest.get(name) if isinstance(manifest, dict) else None
        if not isinstance(entry, dict) or "written" not in entry:
            reason = entry.get("missing") if isinstance(entry, dict) else None
            values[name] = Missing(name, str(reason or "was not collected")[:400])
            continue
        try:
            values[name] = load(root, grade_id, name, kind)
        except Exception as error:  # noqa: BLE001 - untrusted files
            values[name] = Missing(
                name,
                f"could not be read back as {kind}: {type(error).__name__}: {str(error)[:300]}",
            )
    return values
