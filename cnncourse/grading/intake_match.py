"""Match the files of an export to students (roster) and assignments; keep the latest attempt."""

from __future__ import annotations

import csv
import os
import re
from pathlib import Path

from cnncourse.grading.course import RELEASE_FOLDER, assignment_names, course_root
from cnncourse.grading.intake_export import ExportFile, IntakeRun, Skip
from cnncourse.grading.lms_names import (
    LMS_PATTERNS,
    assignment_of,
    attempt_rank,
    folder_key,
    is_wrapper,
    lms_match,
    match_notebook,
)


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


def unwrap(files: list[ExportFile], keys: dict[str, str], patterns: list[str]) -> None:
    """Drop a folder wrapping the whole export (not a student's, nor an assignment's)."""
    while files and is_wrapper([item.parts for item in files], keys, patterns):
        for item in files:
            item.parts = item.parts[1:]


def _identify(item: ExportFile, patterns: list[str], custom: bool, keys: dict[str, str]) -> None:
    """Set the LMS ``info``, ``assignment`` and ``inner`` path of ``item`` from its path."""
    parts = item.parts
    for index, part in enumerate(parts):
        if info := lms_match(part, patterns):
            if info.get("kind") == "onlinetext":
                raise Skip("Moodle online text, not a submitted file", ignore=True)
            if not (rest := parts[index + 1 :]) and not info.get("file_id"):
                raise Skip("an LMS submission receipt", ignore=True)
            rest = rest or (os.path.splitext(info["file_id"])[0] + os.path.splitext(part)[1],)
            break
    else:
        if custom:
            raise Skip(f"no folder or file name of {item.source} matches the pattern")
        index = next((i for i, part in enumerate(parts[:-1]) if folder_key(part) not in keys), None)
        if index is None:
            raise Skip(
                "not inside a student's folder, and its name matches no LMS pattern "
                f"({', '.join(LMS_PATTERNS)})"
            )
        info, rest = {"student_id": parts[index]}, parts[index + 1 :]
    if not safe_id(rest[-1]):
        raise Skip(f"file name {rest[-1]!r} is not usable")
    folders = [info.get("assignment") or "", *parts[:index]]
    item.info, item.assignment = info, assignment_of(folders, keys)
    if (
        cut := next((i for i, part in enumerate(rest[:-1]) if folder_key(part) in keys), None)
    ) is not None:
        item.assignment, rest = keys[folder_key(rest[cut])], rest[cut + 1 :]
    item.inner, item.rank = rest, attempt_rank(info.get("timestamp"), rest[:-1])


def _student(item: ExportFile, roster: dict | None, roster_path) -> str:
    raw, lms_id = item.info["student_id"].strip(), (item.info.get("lms_id") or "").strip()
    if roster is None:
        if not safe_id(raw):
            raise Skip(f"student name {raw!r} gives no safe folder name")
        return safe_id(raw)
    for key in (
        f"id:{lms_id}",
        f"student:{raw.casefold()}",
        f"email:{raw.casefold()}",
        f"name:{''.join(re.findall(r'[a-z0-9]+', raw.casefold()))}",
    ):
        if key in roster and roster[key] is None:
            raise Skip(f"LMS student {raw!r} matches several students of roster {roster_path}")
        if key in roster:
            return roster[key]
    raise Skip(
        f"LMS student {raw!r}"
        + (f" (id {lms_id})" if lms_id else "")
        + f" is not in the roster {roster_path}"
    )


def _notebook(item: ExportFile, assignments: dict[str, list[str]]) -> None:
    """Match ``item`` to an expected notebook; its rank prefers exact names, then the latest."""
    matches, exact, attempt = match_notebook(item.inner[-1], assignments, item.assignment)
    if len(matches) > 1:
        raise Skip(f"{item.inner[-1]} could be any of {', '.join(s for _, s in matches)}")
    item.assignment, item.notebook = matches[0] if matches else (item.assignment, None)
    item.rank = (exact, item.rank[0], max(attempt, item.rank[1]), item.path.stat().st_mtime)


def group_files(run: IntakeRun, assignments, keys, patterns, custom, roster, roster_path) -> dict:
    """(student, assignment, name) -> the files that could be it; the rest reported."""
    kept, identities, groups, report = [], {}, {}, run.result.problems.append
    for item in run.files:
        try:
            if item.path.stat().st_size == 0:
                raise Skip("an empty file (0 bytes)", ignore=item.path.suffix.lower() != ".ipynb")
            if item.parts == ("index.html",):
                raise Skip("the D2L index page", ignore=True)
            _identify(item, patterns, custom, keys)
            item.student = _student(item, roster, roster_path)
            if item.path.suffix.lower() == ".ipynb":
                _notebook(item, assignments)
            identities.setdefault(item.student, set()).add(
                (item.info.get("lms_id") or "", item.info["student_id"].strip())
            )
            kept.append(item)
        except Skip as skip:
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
