"""Where real data is looked for ($CNNCOURSE_DATA, Keras' cache) and how ``source=`` is read."""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable
from pathlib import Path

from cnncourse.data.errors import DataError
from cnncourse.paths import data_dir

OFFLINE = "offline"
AUTO = "auto"

#: (dataset, folder) pairs already warned about: each warning is shown once per process.
_WARNED: set[tuple[str, str]] = set()


class DataSourceWarning(UserWarning):
    """$CNNCOURSE_DATA is set but holds no copy of a dataset: the offline stand-in is used."""


def _warn_not_found(what: str, stacklevel: int) -> None:
    """Warn (once per dataset and folder) that $CNNCOURSE_DATA does not hold ``what``.

    ``stacklevel`` is counted from the caller of this function (1: the caller's own line).
    """
    root = data_dir()
    if root is None or (what, str(root)) in _WARNED:
        return
    _WARNED.add((what, str(root)))
    state = "holds no" if root.is_dir() else "does not exist, so it holds no"
    warnings.warn(
        f"CNNCOURSE_DATA={str(root)!r} {state} {what} files: using the offline "
        f"stand-in instead (see the loader's docstring for the folder it looks for)",
        DataSourceWarning,
        stacklevel=stacklevel + 1,
    )


def keras_datasets_dir() -> Path:
    """Keras' download cache (``$KERAS_HOME/datasets``, default ``~/.keras/datasets``)."""
    return Path(os.environ.get("KERAS_HOME") or Path.home() / ".keras").expanduser() / "datasets"


def search_roots(keras_cache: bool = True) -> list[Path]:
    """The folders searched for real data, in order: $CNNCOURSE_DATA, then Keras' cache."""
    roots = [root for root in (data_dir(),) if root is not None]
    if keras_cache:
        roots.append(keras_datasets_dir())
    return [root for root in roots if root.is_dir()]


def resolve_source(
    source,
    find: Callable[[Path], Path | None],
    what: str,
    keras_cache: bool = True,
    *,
    loader_depth: int = 1,
) -> Path | None:
    """The real dataset folder to read, or None for the offline data.

    ``source`` is ``"auto"`` (real data when ``find`` locates it under a search root, else
    offline), ``"offline"``, or a path, which must hold the real data (DataError if not).
    ``loader_depth``: how many calls stand between the caller's line and this one (1: the
    loader called this itself), so that the DataSourceWarning points at the caller's line.
    """
    if source is None or str(source) == AUTO:
        for root in search_roots(keras_cache):
            found = find(root)
            if found is not None:
                return found
        _warn_not_found(what, stacklevel=2 + loader_depth)
        return None
    if str(source) == OFFLINE:
        return None
    path = Path(source).expanduser()
    if not path.exists():
        raise DataError(
            f"{what} source {str(path)!r} does not exist (use 'auto', 'offline' "
            "or the folder of the real data)"
        )
    found = find(path)
    if found is None:
        raise DataError(f"{what} source {str(path)!r} does not hold the {what} files")
    return found


class DataFolder(os.PathLike):
    """A dataset folder and where it came from (``source``: "offline" or the real path).

    Works wherever a path does (``open``, ``Path(...)``, ``os.listdir``).
    """

    def __init__(self, path, source: str, class_names=()):
        self.path = Path(path)
        self.source = str(source)
        self.class_names = tuple(class_names)

    @property
    def is_offline(self) -> bool:
        return self.source == OFFLINE

    def __fspath__(self) -> str:
        return str(self.path)

    def __truediv__(self, other) -> Path:
        return self.path / other

    def __str__(self) -> str:
        return str(self.path)

    def __repr__(self) -> str:
        return f"DataFolder({str(self.path)!r}, source={self.source!r})"

    def __eq__(self, other) -> bool:
        if isinstance(other, DataFolder):
            return self.path == other.path and self.source == other.source
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.path, self.source))
