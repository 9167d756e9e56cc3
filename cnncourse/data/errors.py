"""The data layer's one exception: DataError, a ValueError naming the file and the fault."""

from __future__ import annotations

from pathlib import Path


class DataError(ValueError):
    """Bad data or a bad argument to a data function; the message names the file or value."""


def require_folder(folder, what: str) -> Path:
    """``folder`` as a Path, or a DataError saying that the ``what`` folder is missing."""
    path = Path(folder).expanduser()
    if not path.exists():
        raise DataError(f"{what} folder {str(path)!r} does not exist")
    if not path.is_dir():
        raise DataError(f"{what} folder {str(path)!r} is not a folder (it is a file)")
    return path


def require_file(path, what: str) -> Path:
    """``path`` as a Path, or a DataError saying that the ``what`` file is missing."""
    path = Path(path).expanduser()
    if not path.is_file():
        state = "is a folder, not a file" if path.is_dir() else "does not exist"
        raise DataError(f"{what} file {str(path)!r} {state}")
    return path
