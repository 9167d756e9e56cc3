"""Grade ONE submission with nbgrader's autograde: the one place a future sandbox will wrap.

`grade_submission` takes plain data (a `GradingCourse` and two names) and returns plain data
(a `SubmissionResult`); it never raises, so one bad submission cannot stop a batch.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat

from cnncourse.grading.course import nbgrader_api
from cnncourse.grading.execute import TIMEOUT_ERROR, kernel_environment
from cnncourse.grading.results import cell_outcomes
from cnncourse.profile import get_profile

#: Statuses of a submission, most serious first (a submission gets the first that applies).
STATUSES = ("failed", "invalid", "missing", "timeout", "tampered", "graded")
_SHOWN_ERRORS = 3


@dataclass(frozen=True)
class GradingCourse:
    """Where and how a batch grades; plain paths and settings, so a job can be sent elsewhere.

    ``root`` is the grading work folder: it holds the staged copies of the submissions
    (``submitted/``), nbgrader's ``autograded/`` notebooks and the assignments generated
    from ``source`` (``release/``), which also put them in the gradebook.
    """

    root: Path
    source: Path
    submissions: Path
    db_url: str
    profile: str = "tiny"
    cell_timeout: int | None = None

    @property
    def timeout(self) -> int:
        return int(self.cell_timeout or get_profile(self.profile).cell_timeout)

    @property
    def staged(self) -> Path:
        return self.root / "submitted"

    @property
    def autograded(self) -> Path:
        return self.root / "autograded"

    @property
    def released(self) -> Path:
        return self.root / "release"

    def api(self, **directories):
        """An NbGraderAPI on this course (extra CourseDirectory folders may be given)."""
        folders = {"source_directory": self.source, "release_directory": self.released,
                   "submitted_directory": self.staged, "autograded_directory": self.autograded,
                   "feedback_directory": self.root / "feedback"}
        folders.update(directories)
        return nbgrader_api(self.root, cell_timeout=self.timeout, db_url=self.db_url, **folders)


@dataclass(frozen=True)
class SubmissionResult:
    """One row of grades.csv."""

    student: str
    assignment: str
    score: float
    max_score: float
    status: str
    reason: str
    seconds: float = 0.0


@dataclass
class _Notes:
    invalid: list[str]
    missing: list[str]
    tampered: list[str]
    timeouts: list[str]
    other: list[str]

    def status(self) -> str:
        for status, found in (("invalid", self.invalid), ("missing", self.missing),
                              ("timeout", self.timeouts), ("tampered", self.tampered)):
            if found:
                return status
        return "graded"

    def reason(self) -> str:
        return "; ".join(self.invalid + self.missing + self.timeouts + self.tampered + self.other)


def grade_submission(course: GradingCourse, student: str, assignment: str) -> SubmissionResult:
    """Autograde ``course.submissions/student/assignment/`` into the gradebook; never raises."""
    start = time.monotonic()
    try:
        score, max_score, status, reason = _grade(course, student, assignment)
    except Exception as error:  # noqa: BLE001 - recorded, never stops the batch
        score, status, reason = 0.0, "failed", f"{type(error).__name__}: {error}"
        try:
            max_score = _max_score(course, assignment)
        except Exception:  # noqa: BLE001 - the gradebook itself is unreadable
            max_score = 0.0
    return SubmissionResult(student, assignment, score, max_score, status, reason,
                            round(time.monotonic() - start, 1))


def _first_line(text: str, limit: int = 160) -> str:
    line = next((part.strip() for part in str(text).splitlines() if part.strip()), "")
    return line if len(line) <= limit else line[: limit - 3] + "..."


def _read(path: Path):
    """The notebook at ``path`` (nbformat-valid), or the reason it is not one."""
    try:
        notebook = nbformat.read(str(path), as_version=4)
        nbformat.validate(notebook)
    except Exception as error:  # noqa: BLE001 - JSON, schema or encoding errors alike
        return None, f"{path.name} is not a valid notebook ({_first_line(error)})"
    return notebook, None


def _stage(course: GradingCourse, student: str, assignment: str, expected: list[str],
           notes: _Notes) -> dict[str, object]:
    """Copy the submission into the work folder, leaving out unreadable notebooks."""
    source = course.submissions / student / assignment
    staged = course.staged / student / assignment
    if staged.exists():
        shutil.rmtree(staged)
    staged.mkdir(parents=True)
    notebooks, unreadable = {}, set()
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if not path.is_file() or ".ipynb_checkpoints" in relative.parts:
            continue
        if path.suffix == ".ipynb" and len(relative.parts) == 1:
            notebook, problem = _read(path)
            if problem:
                notes.invalid.append(problem)
                unreadable.add(path.stem)
                continue
            if path.stem not in expected:
                notes.other.append(f"ignored {path.name} (not a notebook of {assignment})")
            else:
                notebooks[path.stem] = notebook
        target = staged / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    for name in expected:
        if name not in notebooks and name not in unreadable:
            notes.missing.append(f"missing notebook {name}.ipynb")
    return notebooks


def _locked_sources(notebook) -> dict[str, str]:
    cells = {}
    for cell in notebook.cells:
        nbgrader = cell.get("metadata", {}).get("nbgrader", {})
        if nbgrader.get("grade_id") and not nbgrader.get("solution") and (
                nbgrader.get("grade") or nbgrader.get("locked")):
            cells[nbgrader["grade_id"]] = cell.source
    return cells


def _solution_sources(notebook) -> dict[str, str]:
    return {cell.metadata["nbgrader"]["grade_id"]: cell.source for cell in notebook.cells
            if cell.get("metadata", {}).get("nbgrader", {}).get("solution")}


def _compare_with_release(released, submitted, prefix: str, notes: _Notes) -> list[str]:
    """Note deleted or altered test cells; return the solution cells left unanswered."""
    given = _locked_sources(submitted)
    for grade_id, source in _locked_sources(released).items():
        if grade_id not in given:
            notes.tampered.append(f"{prefix}cell {grade_id} was deleted (nbgrader put it back)")
        elif given[grade_id].strip() != source.strip():
            notes.tampered.append(f"{prefix}cell {grade_id} was altered (nbgrader restored it)")
    answers = _solution_sources(submitted)
    return [f"{prefix}{grade_id}" for grade_id, source in _solution_sources(released).items()
            if grade_id in answers and answers[grade_id].strip() == source.strip()]


def _max_score(course: GradingCourse, assignment: str) -> float:
    from nbgrader.api import Gradebook, MissingEntry

    try:
        with Gradebook(course.db_url) as gradebook:
            return float(gradebook.find_assignment(assignment).max_score)
    except MissingEntry:
        return 0.0


def _forget(course: GradingCourse, student: str, assignment: str) -> None:
    """Remove grades an earlier batch stored for a submission that cannot be graded now."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(course.db_url) as gradebook:
        try:
            gradebook.remove_submission(assignment, student)
        except MissingEntry:
            pass


def _grade(course: GradingCourse, student: str, assignment: str):
    released_folder = course.released / assignment
    expected = sorted(path.stem for path in released_folder.glob("*.ipynb"))
    if not expected:
        raise FileNotFoundError(f"no released notebooks in {released_folder}: the assignment "
                                f"{assignment!r} was not generated from {course.source}")
    notes = _Notes([], [], [], [], [])
    notebooks = _stage(course, student, assignment, expected, notes)
    max_score = _max_score(course, assignment)
    if not notebooks:
        with kernel_environment(None):
            _forget(course, student, assignment)
        return 0.0, max_score, notes.status(), notes.reason()
    unanswered = []
    for name, submitted in notebooks.items():
        released = nbformat.read(str(released_folder / f"{name}.ipynb"), as_version=4)
        prefix = f"{name}: " if len(expected) > 1 else ""
        unanswered += _compare_with_release(released, submitted, prefix, notes)
    with kernel_environment(course.profile):
        result = course.api().autograde(assignment, student, force=True, create=True)
    if not result.get("success"):
        notes.other.insert(0, f"nbgrader could not grade it: {_nbgrader_error(result)}")
        return 0.0, max_score, "failed", notes.reason()
    if unanswered:
        notes.other.append("unanswered: " + ", ".join(unanswered))
    _read_outcomes(course, student, assignment, expected, notes, set(unanswered))
    score, max_score = _scores(course, student, assignment, max_score)
    return score, max_score, notes.status(), notes.reason()


def _nbgrader_error(result: dict) -> str:
    """The exception line of the first traceback nbgrader logged (or of its own error)."""
    log = result.get("log", "").splitlines()
    for start, line in enumerate(log):
        if "Traceback (most recent call last)" in line:
            end = start + 1
            while end < len(log) and not log[end].startswith("["):
                end += 1
            block = [text.strip() for text in log[start + 1:end] if text.strip()]
            if block:
                return _first_line(block[-1])
    lines = result.get("error", "").strip().splitlines()
    return _first_line(lines[-1]) if lines else "unknown error"


def _read_outcomes(course, student, assignment, expected, notes: _Notes,
                   unanswered: set[str]) -> None:
    errors, partial = [], []
    for name in expected:
        path = course.autograded / student / assignment / f"{name}.ipynb"
        if not path.exists():
            continue
        prefix = f"{name}: " if len(expected) > 1 else ""
        for outcome in cell_outcomes(nbformat.read(str(path), as_version=4)):
            if outcome.error and outcome.error.startswith(TIMEOUT_ERROR):
                notes.timeouts.append(f"{prefix}{outcome.label} ran past the "
                                      f"{course.timeout} s limit")
            elif outcome.error and f"{prefix}{outcome.grade_id}" not in unanswered:
                errors.append(f"{prefix}{outcome.label} {outcome.error}")
            elif outcome.is_test and outcome.points is not None and outcome.max_points and \
                    outcome.points < outcome.max_points:
                partial.append(f"{prefix}{outcome.grade_id} {outcome.points:g}/"
                               f"{outcome.max_points:g}")
    if partial:
        notes.other.append("partial credit: " + ", ".join(partial))
    if errors:
        more = f" and {len(errors) - _SHOWN_ERRORS} more" if len(errors) > _SHOWN_ERRORS else ""
        notes.other.append("errors: " + "; ".join(errors[:_SHOWN_ERRORS]) + more)


def _scores(course, student, assignment, max_score):
    from nbgrader.api import Gradebook

    with Gradebook(course.db_url) as gradebook:
        submission = gradebook.find_submission(assignment, student)
        return float(submission.score), float(submission.max_score or max_score)
