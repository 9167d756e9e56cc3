"""Turn an LMS export (Canvas, Moodle, Blackboard, D2L, folders, zips) into SUBMISSIONS/."""

from __future__ import annotations

import csv
import filecmp
import os
import re
import shutil
import stat
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath

import nbformat

from cnncourse.grading.course import RELEASE_FOLDER, assignment_names, course_root
from cnncourse.grading.lms_names import (
    LMS_PATTERNS,
    assignment_of,
    attempt_rank,
    folder_key,
    is_wrapper,
    lms_match,
    lms_patterns,
    match_notebook,
)

MAX_FILE_BYTES = 100 * 2**20
MAX_TOTAL_BYTES = 2 * 2**30
JUNK = {
    "__MACOSX": "a macOS resource folder",
    ".ipynb_checkpoints": "a Jupyter checkpoint",
    ".DS_Store": "macOS folder settings",
    "Thumbs.db": "a Windows thumbnail cache",
}


@dataclass
class Placed:
    """One file written to ``target/student/assignment/name``, from ``source``."""

    student: str
    assignment: str
    name: str
    source: str
    note: str = ""


@dataclass
class IntakeResult:
    """Where each file of an export went: placed, ignored (path, why) or a problem (path, why)."""

    target: Path
    placed: list[Placed] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)
    ignored: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> list[str]:
        """Printable lines: one per student placed, the notes, problems, warnings, a count."""
        lines, students = [], sorted({item.student for item in self.placed})
        for student in students:
            mine = [item for item in self.placed if item.student == student]
            lines.append(f"{student}: " + ", ".join(f"{i.assignment}/{i.name}" for i in mine))
            lines += [
                f"  {i.assignment}/{i.name} from {i.source}: {i.note}" for i in mine if i.note
            ]
        lines += [f"problem: {path}: {why}" for path, why in self.problems]
        lines += [f"warning: {path}: {why}" for path, why in self.warnings]
        lines.append(
            f"{len(self.placed)} files placed for {len(students)} students in "
            f"{self.target}; {len(self.ignored)} ignored, {len(self.warnings)} warnings, "
            f"{len(self.problems)} not placed"
        )
        return lines


@dataclass
class _File:
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
class _Run:
    result: IntakeResult
    staging: Path
    files: list[_File] = field(default_factory=list)
    total: int = 0


class _Skip(Exception):
    def __init__(self, reason: str, ignore: bool = False):
        super().__init__(reason)
        self.ignore = ignore


def default_assignments(names=None, root: Path | None = None) -> dict[str, list[str]]:
    """Assignment -> notebook stems of the course's released exercises/ (only ``names``)."""
    folder = course_root(root) / RELEASE_FOLDER
    known = {
        name: sorted(p.stem for p in (folder / name).glob("*.ipynb"))
        for name in assignment_names(folder)
    }
    if unknown := sorted(set(names or ()) - set(known)):
        raise ValueError(
            f"unknown assignment {', '.join(unknown)}: {folder} has {', '.join(known) or 'none'}"
        )
    return {name: stems for name, stems in known.items() if not names or name in names}


def read_roster(path: Path) -> dict[str, str | None]:
    """Keys (id:, student:, email:, name: in either word order) -> student id (None: several)."""
    with Path(path).open(newline="", encoding="utf-8-sig") as handle:
        reader, keys = csv.DictReader(handle), {}
        if "student" not in (reader.fieldnames or []):
            raise ValueError(
                f"roster {path} has no 'student' column (it has "
                f"{', '.join(reader.fieldnames or []) or 'no header'})"
            )
        for line, row in enumerate(reader, start=2):
            row = {key: (value or "").strip() for key, value in row.items() if key}
            if not row["student"] or safe_id(row["student"]) != row["student"]:
                raise ValueError(
                    f"roster {path} line {line}: student {row['student']!r} is not "
                    "a safe folder name"
                )
            words = re.findall(r"[a-z0-9]+", row.get("name", "").casefold())
            for key in {
                f"id:{row.get('lms_id', '')}",
                f"student:{row['student'].casefold()}",
                f"email:{row.get('email', '').casefold()}",
                f"name:{''.join(words)}",
                f"name:{''.join(reversed(words))}",
            } - {"id:", "email:", "name:"}:
                keys[key] = (
                    row["student"] if keys.get(key, row["student"]) == row["student"] else None
                )
    return keys


def safe_id(text: str) -> str:
    """``text`` as a folder name: no separators, no ``..``, no leading dot ('' if nothing left)."""
    return re.sub(r"\.{2,}", ".", re.sub(r"[^A-Za-z0-9._@-]+", "_", text.strip())).strip("._-")


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


def _unpack(zipped: zipfile.ZipFile, info: zipfile.ZipInfo, out: Path, run: _Run) -> None:
    """Write one entry, counting the bytes really read (a header may lie about the size)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        with zipped.open(info) as handle, out.open("wb") as written:
            size = 0
            while chunk := handle.read(2**20):
                size, run.total = size + len(chunk), run.total + len(chunk)
                if size > MAX_FILE_BYTES or run.total > MAX_TOTAL_BYTES:
                    raise _Skip(
                        f"over the size limits ({MAX_FILE_BYTES} bytes a file, "
                        f"{MAX_TOTAL_BYTES} bytes in all)"
                    )
                written.write(chunk)
        os.utime(out, (stamp := datetime(*info.date_time).timestamp(), stamp))
    except BaseException:
        out.unlink(missing_ok=True)
        raise


def _extract(archive: Path, source: str, run: _Run) -> Path | None:
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
                    except (_Skip, zipfile.BadZipFile, OSError, RuntimeError, ValueError) as error:
                        why = str(error)
                if why:
                    run.result.problems.append(
                        (where, f"zip entry {info.filename!r} of {source} refused: {why}")
                    )
    except (zipfile.BadZipFile, OSError) as error:
        run.result.problems.append((source, f"{source} is not a readable zip archive: {error}"))
        return None
    return folder


def _walk(folder: Path, source: str, parts: tuple, depth: int, run: _Run) -> None:
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
            run.files.append(_File(entry, here, (*parts, entry.name)))
        elif depth > 1:
            run.result.problems.append((here, f"{here} is a zip nested more than one level deep"))
        elif unpacked := _extract(entry, here, run):
            _walk(unpacked, here + "!", (*parts, entry.stem), depth + 1, run)


def _unwrap(files: list[_File], keys: dict[str, str], patterns: list[str]) -> None:
    """Drop a folder wrapping the whole export (not a student's, nor an assignment's)."""
    while files and is_wrapper([item.parts for item in files], keys, patterns):
        for item in files:
            item.parts = item.parts[1:]


def _identify(item: _File, patterns: list[str], custom: bool, keys: dict[str, str]) -> None:
    """Set the LMS ``info``, ``assignment`` and ``inner`` path of ``item`` from its path."""
    parts = item.parts
    for index, part in enumerate(parts):
        if info := lms_match(part, patterns):
            if info.get("kind") == "onlinetext":
                raise _Skip("Moodle online text, not a submitted file", ignore=True)
            if not (rest := parts[index + 1 :]) and not info.get("file_id"):
                raise _Skip("an LMS submission receipt", ignore=True)
            rest = rest or (os.path.splitext(info["file_id"])[0] + os.path.splitext(part)[1],)
            break
    else:
        if custom:
            raise _Skip(f"no folder or file name of {item.source} matches the pattern")
        index = next((i for i, part in enumerate(parts[:-1]) if folder_key(part) not in keys), None)
        if index is None:
            raise _Skip(
                "not inside a student's folder, and its name matches no LMS pattern "
                f"({', '.join(LMS_PATTERNS)})"
            )
        info, rest = {"student_id": parts[index]}, parts[index + 1 :]
    if not safe_id(rest[-1]):
        raise _Skip(f"file name {rest[-1]!r} is not usable")
    folders = [info.get("assignment") or "", *parts[:index]]
    item.info, item.assignment = info, assignment_of(folders, keys)
    if (
        cut := next((i for i, part in enumerate(rest[:-1]) if folder_key(part) in keys), None)
    ) is not None:
        item.assignment, rest = keys[folder_key(rest[cut])], rest[cut + 1 :]
    item.inner, item.rank = rest, attempt_rank(info.get("timestamp"), rest[:-1])


def _student(item: _File, roster: dict | None, roster_path) -> str:
    raw, lms_id = item.info["student_id"].strip(), (item.info.get("lms_id") or "").strip()
    if roster is None:
        if not safe_id(raw):
            raise _Skip(f"student name {raw!r} gives no safe folder name")
        return safe_id(raw)
    for key in (
        f"id:{lms_id}",
        f"student:{raw.casefold()}",
        f"email:{raw.casefold()}",
        f"name:{''.join(re.findall(r'[a-z0-9]+', raw.casefold()))}",
    ):
        if key in roster and roster[key] is None:
            raise _Skip(f"LMS student {raw!r} matches several students of roster {roster_path}")
        if key in roster:
            return roster[key]
    raise _Skip(
        f"LMS student {raw!r}"
        + (f" (id {lms_id})" if lms_id else "")
        + f" is not in the roster {roster_path}"
    )


def _notebook(item: _File, assignments: dict[str, list[str]]) -> None:
    """Match ``item`` to an expected notebook; its rank prefers exact names, then the latest."""
    matches, exact, attempt = match_notebook(item.inner[-1], assignments, item.assignment)
    if len(matches) > 1:
        raise _Skip(f"{item.inner[-1]} could be any of {', '.join(s for _, s in matches)}")
    item.assignment, item.notebook = matches[0] if matches else (item.assignment, None)
    item.rank = (exact, item.rank[0], max(attempt, item.rank[1]), item.path.stat().st_mtime)


def _group(run: _Run, assignments, keys, patterns, custom, roster, roster_path) -> dict:
    """(student, assignment, name) -> the files that could be it; the rest reported."""
    kept, identities, groups, report = [], {}, {}, run.result.problems.append
    for item in run.files:
        try:
            if item.path.stat().st_size == 0:
                raise _Skip("an empty file (0 bytes)", ignore=item.path.suffix.lower() != ".ipynb")
            if item.parts == ("index.html",):
                raise _Skip("the D2L index page", ignore=True)
            _identify(item, patterns, custom, keys)
            item.student = _student(item, roster, roster_path)
            if item.path.suffix.lower() == ".ipynb":
                _notebook(item, assignments)
            identities.setdefault(item.student, set()).add(
                (item.info.get("lms_id") or "", item.info["student_id"].strip())
            )
            kept.append(item)
        except _Skip as skip:
            (run.result.ignored if skip.ignore else run.result.problems).append(
                (item.source, str(skip))
            )
    for item in [item for item in kept if len(identities[item.student]) > 1]:
        names = ", ".join(
            sorted(
                repr(raw) + (f" (id {lms_id})" if lms_id else "")
                for lms_id, raw in identities[item.student]
            )
        )
        report(
            (item.source, f"conflict: the LMS entries {names} all map to student {item.student}")
        )
        kept.remove(item)
    notebooks = [item for item in kept if item.path.suffix.lower() == ".ipynb"]
    for item in notebooks:
        stems = assignments.get(item.assignment) or [s for v in assignments.values() for s in v]
        if (
            item.notebook is None
            and item.assignment
            and len(stems) == 1
            and [(o.student, o.assignment) for o in notebooks].count(
                (item.student, item.assignment)
            )
            == 1
        ):
            item.notebook = stems[0]  # the only notebook of a one-notebook assignment
        if item.notebook is None:
            report(
                (
                    item.source,
                    f"{item.inner[-1]} is not a notebook of "
                    f"{item.assignment or 'any assignment'} (expected "
                    + ", ".join(f"{stem}.ipynb" for stem in stems)
                    + ")",
                )
            )
        else:
            groups.setdefault((item.student, item.assignment, f"{item.notebook}.ipynb"), []).append(
                item
            )
    bases = {
        (student, assignment): max(group, key=lambda i: i.rank).inner[:-1]
        for (student, assignment, _), group in groups.items()
    }
    for item in [item for item in kept if item.path.suffix.lower() != ".ipynb"]:
        mine = {assignment for student, assignment in bases if student == item.student}
        if item.assignment is None and len(mine) != 1:
            report((item.source, f"cannot tell which assignment {item.inner[-1]} belongs to"))
            continue
        item.assignment = item.assignment or mine.pop()
        base = bases.get((item.student, item.assignment), ())
        name = item.inner[len(base) :] if item.inner[: len(base)] == base else item.inner[-1:]
        item.rank = (True, *item.rank, item.path.stat().st_mtime)
        groups.setdefault((item.student, item.assignment, "/".join(name)), []).append(item)
    return groups


def _notebook_problem(path: Path) -> str | None:
    try:
        nbformat.validate(nbformat.read(str(path), as_version=4))
        return None
    except Exception as error:  # noqa: BLE001 - JSON, schema or encoding errors alike
        first = next((line for line in str(error).splitlines() if line.strip()), "")
        return (
            f"not a valid notebook ({first.strip()[:160]}): copied, the grader records it "
            "as invalid"
        )


def _write(groups: dict, target: Path, force: bool, result: IntakeResult) -> None:
    for (student, assignment, name), group in sorted(groups.items()):
        *older, chosen = sorted(group, key=lambda item: item.rank)
        notes = [] if chosen.rank[0] else [f"renamed from {chosen.inner[-1]}"]
        if older:
            notes.append(
                f"the latest of {len(group)}; ignored " + ", ".join(other.source for other in older)
            )
        result.ignored += [
            (other.source, f"an older copy of {student}/{assignment}/{name}: took {chosen.source}")
            for other in older
        ]
        destination = target / student / assignment / name
        if destination.is_file() and filecmp.cmp(destination, chosen.path, shallow=False):
            notes.append("already there, unchanged")
        elif destination.exists() and not (force and destination.is_file()):
            result.problems.append(
                (
                    chosen.source,
                    f"{destination} already exists and differs: "
                    "not overwritten (force replaces it)",
                )
            )
            continue
        else:
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.unlink(missing_ok=True)
            shutil.copy2(chosen.path, destination)
        if chosen.notebook and (why := _notebook_problem(destination)):
            result.warnings.append((chosen.source, why))
        result.placed.append(Placed(student, assignment, name, chosen.source, "; ".join(notes)))


def collect_submissions(
    export: Path,
    target: Path,
    assignments: dict[str, list[str]] | None = None,
    *,
    roster: Path | None = None,
    pattern: str | None = None,
    force: bool = False,
) -> IntakeResult:
    """Place the files of an LMS ``export`` (a folder or a .zip) as target/<student>/<assignment>/.

    ``assignments`` maps assignment names to their notebook stems (default: the course's
    exercises/); ``roster`` is a CSV (student, optional lms_id, name, email) mapping LMS
    entries to student ids, without which the LMS name is the id; ``pattern`` replaces
    `LMS_PATTERNS` with one regex having a (?P<student>...) group and optionally
    (?P<notebook>...), (?P<assignment>...), (?P<timestamp>...); ``force`` overwrites files
    already in ``target`` that differ.
    """
    export, target = Path(export), Path(target)
    if not (export.is_dir() or (export.is_file() and export.suffix.lower() == ".zip")):
        raise FileNotFoundError(f"export {export} is neither a folder nor a .zip file")
    if export.is_dir() and target.resolve().is_relative_to(export.resolve()):
        raise ValueError(f"target {target} is inside the export {export}")
    assignments = default_assignments() if assignments is None else assignments
    keys, patterns = {folder_key(name): name for name in assignments}, lms_patterns(pattern)
    people = read_roster(roster) if roster else None
    target.mkdir(parents=True, exist_ok=True)
    run = _Run(IntakeResult(target), Path(tempfile.mkdtemp(prefix=".intake-", dir=target)))
    try:
        if export.is_dir():
            _walk(export, export.name, (), 0, run)
        elif unpacked := _extract(export, export.name, run):
            _walk(unpacked, export.name + "!", (), 1, run)
        _unwrap(run.files, keys, patterns)
        groups = _group(run, assignments, keys, patterns, pattern is not None, people, roster)
        _write(groups, target, force, run.result)
    finally:
        shutil.rmtree(run.staging, ignore_errors=True)
    return run.result
