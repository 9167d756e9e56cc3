"""Where cnncourse keeps its caches (generated data, pretrained bases) and looks for real data."""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir(*parts: str) -> Path:
    """A folder under the cnncourse cache (CNNCOURSE_CACHE, default ~/.cache/cnncourse), created."""
    root = Path(os.environ.get("CNNCOURSE_CACHE") or Path.home() / ".cache" / "cnncourse")
    path = root.joinpath(*parts)
    path.mkdir(parents=True, exist_ok=True)
    return path


def scratch_dir(*parts: str) -> Path:
    """A folder for one run's own state (KerasTuner's trials): under CNNCOURSE_SCRATCH when
    set (the grader's sandbox sets it), else under the cache; created."""
    value = os.environ.get("CNNCOURSE_SCRATCH")
    if not value:
        return cache_dir(*parts)
    path = Path(value).joinpath(*parts)
    path.mkdir(parents=True, exist_ok=True)
    return path


def data_dir() -> Path | None:
    """The folder holding real datasets (CNNCOURSE_DATA), or None when it is not set."""
    value = os.environ.get("CNNCOURSE_DATA")
    return Path(value).expanduser() if value else None


def repo_root() -> Path | None:
    """The course repository (the folder with _config.yml and _toc.yml) when running from one."""
    here = Path(__file__).resolve().parent.parent
    if (here / "_config.yml").is_file() and (here / "_toc.yml").is_file():
        return here
    return None
