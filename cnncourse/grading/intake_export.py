"""Read an LMS export: walk its folders, unpack its zips safely, list the files it holds."""

from __future__ import annotations

import os
import re
import stat
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath

from cnncourse.grading.intake_place import IntakeResult

MAX_FILE_BYTES = 100 * 2**20
MAX_TOTAL_BYTES = 2 * 2**30
JUNK = {
    "__MACOSX": "a macOS resource folder",
    ".ipynb_checkpoints": "a Jupyter checkpoint",
    ".DS_Store": "macOS folder settings",
    "Thumbs.db": "a Windows thumbnail cache",
}


@dataclass
class ExportFile:
    """One file of the export: where it is, its path in the export, what it was matched to."""

    path: Path
    source: str
    parts: tuple[str, ...]
    info: dict = field(default_factory=dict)
    student: str = ""
    assignment: str | None = None
    inner: tuple[str, ...] = ()
    notebook: str | None = None
    rank: tuple = ()


@dataclass
class IntakeRun:
    """One intake under way: its result, its staging folder, the files read, the bytes unpacked."""

    result: IntakeResult
    staging: Path
    files: list[ExportFile] = field(default_factory=list)
    total: int = 0


class Skip(Exception):
    """A file not placed, and why; ``ignore``: expected (ignored), not a problem."""

    def __init__(self, reason: str, ignore: bool = False):
        super().__init__(reason)
        self.ignore = ignore


def _unsafe(info: zipfile.ZipInfo, name: str) -> str | None:
    if name.startswith("/") or re.match(r"[A-Za-z]:", name):
        return "an absolute path"
    if ".." in name.split("/"):
        return "a path that leaves the archive (..)"
    if stat.S_ISLNK(info.external_attr >> 16):
        return "a symbolic link"
    if info.flag_bits & 0x1:
        return "encrypted"
    if info.file_size > MAX_FILE_BYTES:
        return f"{info.file_size} bytes, over the {MAX_FILE_BYTES} bytes a file may have"
    return None


def _unpack(zipped: zipfile.ZipFile, info: zipfile.ZipInfo, out: Path, run: IntakeRun) -> None:
    """Write one entry, counting the bytes really read (a header may lie about the size)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        with zipped.open(info) as handle, out.open("wb") as written:
            size = 0
            while chunk := handle.read(2**20):
                size, run.total = size + len(chunk), run.total + len(chunk)
                if size > MAX_FILE_BYTES or run.total > MAX_TOTAL_BYTES:
                    raise Skip(
                        f"over the size limits ({MAX_FILE_BYTES} bytes a file, "
                        f"{MAX_TOTAL_BYTES} bytes in all)"
                    )
                written.write(chunk)
        os.utime(out, (stamp := datetime(*info.date_time).timestamp(), stamp))
    except BaseException:
        out.unlink(missing_ok=True)
        raise


def _extract(archive: Path, source: str, run: IntakeRun) -> Path | None:
    """Unpack ``archive`` into a new folder of the staging folder, entry by entry."""
    folder = Path(tempfile.mkdtemp(dir=run.staging))
    try:
        with zipfile.ZipFile(archive) as zipped:
            for info in zipped.infolist():
                name, where = info.filename.replace("\\", "/"), f"{source}!{info.filename}"
                parts = PurePosixPath(name).parts
                if (why := _unsafe(info, name)) is None:
                    if junk := next((JUNK[part] for part in parts if part in JUNK), None):
                        run.result.ignored.append((where, junk))
                        continue
                    try:
                        if not info.is_dir():
                            _unpack(zipped, info, folder.joinpath(*parts), run)
                    except (Skip, zipfile.BadZipFile, OSError, RuntimeError, ValueError) as error:
                        why = str(error)
                if why:
                    run.result.problems.append(
                        (where, f"zip entry {info.filename!r} of {source} refused: {why}")
                    )
    except (zipfile.BadZipFile, OSError) as error:
        run.result.problems.append((source, f"{source} is not a readable zip archive: {error}"))
        return None
    return folder


def _walk(folder: Path, source: str, parts: tuple, depth: int, run: IntakeRun) -> None:
    """Every file under ``folder``; zips unpacked, one level of nesting at most."""
    for entry in sorted(folder.iterdir()):
        here = source + entry.name if source.endswith("!") else f"{source}/{entry.name}"
        if entry.name in JUNK:
            run.result.ignored.append((here, JUNK[entry.name]))
        elif entry.is_symlink():
            run.result.problems.append((here, f"{here} is a symbolic link: not followed"))
        elif entry.is_dir():
            _walk(entry, here, (*parts, entry.name), depth, run)
        elif entry.suffix.lower() != ".zip":
            run.files.append(ExportFile(entry, here, (*parts, entry.name)))
        elif depth > 1:
            run.result.problems.append((here, f"{here} is a zip nested more than one level deep"))
        elif unpacked := _extract(entry, here, run):
            _walk(unpacked, here + "!", (*parts, entry.stem), depth + 1, run)


def read_export(export: Path, run: IntakeRun) -> None:
    """Every file of ``export`` (a folder or a .zip) into ``run.files``, zips unpacked."""
    if export.is_dir():
        _walk(export, export.name, (), 0, run)
    elif unpacked := _extract(export, export.name, run):
        _walk(unpacked, export.name + "!", (), 1, run)
