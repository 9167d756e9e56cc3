"""Turn an LMS export (Canvas, Moodle, Blackboard, D2L, folders, zips) into SUBMISSIONS/."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from cnncourse.grading.intake_export import (
    JUNK,
    MAX_FILE_BYTES,
    MAX_TOTAL_BYTES,
    IntakeRun,
    read_export,
)
from cnncourse.grading.intake_match import (
    default_assignments,
    group_files,
    read_roster,
    safe_id,
    unwrap,
)
from cnncourse.grading.intake_place import IntakeResult, Placed, place_files
from cnncourse.grading.lms_names import LMS_PATTERNS, folder_key, lms_patterns

__all__ = [
    "JUNK",
    "LMS_PATTERNS",
    "MAX_FILE_BYTES",
    "MAX_TOTAL_BYTES",
    "IntakeResult",
    "Placed",
    "collect_submissions",
    "default_assignments",
    "read_roster",
    "safe_id",
]


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
    run = IntakeRun(IntakeResult(target), Path(tempfile.mkdtemp(prefix=".intake-", dir=target)))
    try:
        read_export(export, run)
        unwrap(run.files, keys, patterns)
        groups = group_files(run, assignments, keys, patterns, pattern is not None, people, roster)
        place_files(groups, target, force, run.result)
    finally:
        shutil.rmtree(run.staging, ignore_errors=True)
    return run.result
