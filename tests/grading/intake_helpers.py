"""Builders of LMS exports and readers of intake results, for the intake tests."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

A1 = "a1_convolutions_and_parameters"
ASSIGNMENTS = {"a1": [A1], "a2": ["a2_binary_cnn"]}


def notebook(text: str = "answer = 1") -> str:
    return nbformat.writes(new_notebook(cells=[new_code_cell(text)]))


def write(path: Path, content: str | bytes = "", mtime: float | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return path


def make_zip(path: Path, entries: dict[str, str | bytes]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return path


def zip_bytes(tmp_path: Path, name: str, entries: dict[str, str | bytes]) -> bytes:
    return make_zip(tmp_path / "zips" / name, entries).read_bytes()


def files(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (relative posix path -> text)."""
    return {
        path.relative_to(folder).as_posix(): path.read_text(errors="replace")
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def placed(result) -> dict[str, str]:
    """student/assignment/name -> source of every placed file."""
    return {f"{item.student}/{item.assignment}/{item.name}": item.source for item in result.placed}


def accounted(result) -> list[str]:
    """The sources of every placed, ignored or unplaced file."""
    return sorted(
        [item.source for item in result.placed]
        + [path for path, _ in result.ignored + result.problems]
    )
