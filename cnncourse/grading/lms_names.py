"""What LMS export names say: student, assignment folder, notebook and attempt of a file."""

from __future__ import annotations

import functools
import os
import re
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from cnncourse.grading.course import quiet_logger

if TYPE_CHECKING:  # nbgrader takes seconds to import: only when a name is matched
    from nbgrader.plugins.zipcollect import FileNameCollectorPlugin

#: One regex per LMS, with the groups of nbgrader's FileNameCollectorPlugin (student_id,
#: file_id, timestamp) and lms_id, assignment, kind; each is tried on every folder and file
#: name of the export, and the first that matches names the student. Without a match the
#: first folder that is not an assignment's (A1, Assignment 1) is the student's.
LMS_PATTERNS = {
    # Canvas: lastfirst[_late]_userid_submissionid_original-name[-N].ext
    "canvas": r"^(?P<student_id>[a-z][a-z0-9]*)_(?i:late_)?(?P<lms_id>\d+)_\d+_(?P<file_id>.+)$",
    # Moodle: "Full Name_participantid_assignsubmission_file_/" (or ..._file_original-name)
    "moodle": r"^(?P<student_id>.+?)_(?P<lms_id>\d+)_assignsubmission_(?P<kind>file|onlinetext)"
    r"_(?P<file_id>.*)$",
    # Blackboard: Assignment_username_attempt_YYYY-MM-DD-HH-MM-SS[_original-name | .txt]
    "blackboard": r"^(?P<assignment>.+)_(?P<student_id>[^_]+)_attempt_"
    r"(?P<timestamp>\d{4}(?:-\d\d){5})(?:_(?P<file_id>.+)|\.txt)?$",
    # D2L Brightspace: "subid-userid - Full Name - Oct 1, 2026 1200 PM[ - original-name]"
    "d2l": r"^\d+-(?P<lms_id>\d+) - (?P<student_id>.+?) - "
    r"(?P<timestamp>[A-Z][a-z]{2} \d{1,2}, \d{4} \d{3,4} [AP]M)(?: - (?P<file_id>.+))?$",
}
_COPY_OF = re.compile(r"^(?:copy[ _]of[ _]+)+", re.I)
_SUFFIX = re.compile(
    r"(?:\s*\((?P<copy>\d+)\)|-(?P<resubmit>\d+)|[-_ ]copy(?P<jupyter>\d*))$", re.I
)


def folder_key(folder: str) -> str:
    """A folder name compared with assignment names: 'Assignment 01' and 'A1' are 'a1'."""
    text = re.sub(r"(?<=\D)0+(?=\d)", "", re.sub(r"[\s_-]+", "", folder.casefold()))
    return re.sub(r"^(?:assignment|assign|homework|hw)(?=\d)", "a", text)


def assignment_of(folders, keys: dict[str, str]) -> str | None:
    """The assignment named by the first of ``folders`` that names one (``keys``: folder_key)."""
    return next((keys[folder_key(p)] for p in folders if folder_key(p) in keys), None)


@functools.cache
def _collector(regex: str, extension: str) -> FileNameCollectorPlugin:
    from nbgrader.plugins.zipcollect import FileNameCollectorPlugin

    return FileNameCollectorPlugin(named_regexp=regex, valid_ext=[extension], log=quiet_logger())


def lms_match(name: str, patterns: list[str]) -> dict | None:
    """The groups of the first regex matching a folder or file ``name`` (nbgrader's collector)."""
    extension = os.path.splitext(name)[1]
    return next(
        filter(None, (_collector(regex, extension).collect(name) for regex in patterns)), None
    )


def is_wrapper(paths: list[tuple[str, ...]], keys: dict[str, str], patterns: list[str]) -> bool:
    """Whether one folder, no assignment's, student's or LMS name, holds all ``paths`` (>2 deep)."""
    if len({parts[0] for parts in paths}) != 1 or not all(len(parts) > 2 for parts in paths):
        return False
    top = paths[0][0]
    return not (
        folder_key(top) in keys
        or lms_match(top, patterns)
        or all(folder_key(parts[1]) in keys for parts in paths)
    )


def lms_patterns(pattern: str | None) -> list[str]:
    """The regexes to try: `LMS_PATTERNS`, or ``pattern`` with nbgrader's group names."""
    if pattern is None:
        return list(LMS_PATTERNS.values())
    try:
        groups = re.compile(pattern).groupindex
    except re.error as error:
        raise ValueError(f"pattern {pattern!r} is not a regular expression: {error}") from None
    if "student" not in groups:
        raise ValueError(f"pattern {pattern!r} has no (?P<student>...) group")
    return [
        pattern.replace("(?P<student>", "(?P<student_id>").replace("(?P<notebook>", "(?P<file_id>")
    ]


def lms_time(text: str | None) -> datetime:
    """The time in an LMS name (Blackboard, D2L, or any nbgrader parses); else the earliest."""
    if not text:
        return datetime.min
    for layout in ("%Y-%m-%d-%H-%M-%S", "%b %d, %Y %I%M %p", None):
        try:
            if layout is None:
                from nbgrader.utils import parse_utc

                return parse_utc(text)
            return datetime.strptime(text, layout)
        except (ValueError, TypeError, OverflowError):
            pass
    return datetime.min


def attempt_rank(timestamp: str | None, folders) -> tuple[datetime, int]:
    """How late a submission is: the time in its LMS name, then its highest 'attempt N' folder."""
    attempts = [int(m[1]) for p in folders if (m := re.fullmatch(r"attempt(\d+)", folder_key(p)))]
    return lms_time(timestamp), max(attempts, default=0)


def match_notebook(
    name: str, assignments: dict[str, list[str]], assignment: str | None = None
) -> tuple[list[tuple[str, str]], bool, int]:
    """The (assignment, stem) a notebook file ``name`` could be, if it is one exactly, its copy.

    Copy prefixes and suffixes ('Copy of', ' (2)', '-2', '-Copy1') are stripped until a stem
    of ``assignments`` (only ``assignment``'s, if given) matches; without one, the stems the
    name contains match. Exact is False for a name renamed or only containing a stem; the
    copy number is the highest '(N)' or '-N' stripped (0 if none).
    """
    wanted = [(a, s) for a, stems in assignments.items() if assignment in (None, a) for s in stems]
    text, attempt, renamed, exact = Path(name).stem.strip(), 0, False, True
    while not any(s.casefold() == text.casefold() for _, s in wanted):
        if found := _COPY_OF.match(text):
            renamed, text = True, text[found.end() :]
        elif found := _SUFFIX.search(text):
            renamed = renamed or found["jupyter"] is not None
            attempt = max(attempt, int(found["copy"] or found["resubmit"] or 0))
            text = text[: found.start()].rstrip()
        else:
            exact = False
            break
    matches = [
        (a, s)
        for a, s in wanted
        if (s.casefold() == text.casefold() if exact else s.casefold() in text.casefold())
    ]
    return matches, exact and not renamed, attempt
