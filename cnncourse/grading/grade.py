"""Grade a folder of submissions (SUBMISSIONS_DIR/<student>/<assignment>/*.ipynb) in two phases.

Phase 1 runs each submission in its own sandbox and collects the graded questions' values as
plain data (`jobs`); phase 2 runs every check in a separate process that never ran student
code (`checker`); only then does the trusted side write nbgrader's gradebook, the autograded
notebooks and a journal (`record`). A submission already in the journal, unchanged, is not
graded again, so a batch that was killed resumes where it stopped; one whose files or tests
changed since it was graded is listed, and graded again with ``regrade``. ``grades.csv`` (student,
assignment, score, max_score, status, reason) is written from the journal at the end.
"""

from __future__ import annotations

import csv
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from cnncourse.grading.course import (
    assignment_names,
    course_root,
    ensure_course_row,
    nbgrader_error,
    sqlite_url,
)
from cnncourse.grading.execute import kernel_environment
from cnncourse.grading.record import Outcome, journal_path, read_journal
from cnncourse.grading.settings import GradingCourse
from cnncourse.grading.writer_lock import exclusive_writer

GRADES_FILE = "grades.csv"
SETTINGS_FILE = "grading.json"
COLUMNS = ("student", "assignment", "score", "max_score", "status", "reason")


class SandboxMissing(RuntimeError):
    """No sandbox can run on this machine (and --no-sandbox was not given)."""


def grade_row(outcome: Outcome) -> dict[str, str]:
    """``outcome`` as its row of grades.csv (`COLUMNS`, as text)."""
    values = (outcome.student, outcome.assignment, f"{outcome.score:g}")
    values += (f"{outcome.max_score:g}", outcome.status, outcome.reason)
    return dict(zip(COLUMNS, values))


@dataclass
class BatchResult:
    """What one `grade_all` call did: every outcome in the journal, and this run's part."""

    workdir: Path
    outcomes: list[Outcome] = field(default_factory=list)
    graded_now: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)  # "student/assignment: why"
    sandboxed: bool = True
    submissions: Path | None = None
    db_url: str = ""

    def rows(self) -> list[dict[str, str]]:
        """The rows of grades.csv: every outcome of the journal, as text."""
        return [grade_row(outcome) for outcome in self.outcomes]

    def lines(self) -> list[str]:
        """The closing lines: nothing was left to grade, and where the grades are."""
        lines = []
        if not self.graded_now:
            done = f" ({len(self.skipped)} already graded)" if self.skipped else ""
            lines.append(f"nothing to grade in {self.submissions}{done}")
        lines.append(f"wrote {self.workdir / GRADES_FILE} and the gradebook {self.db_url}")
        return lines


def database_url(gradebook: str | Path | None, output: Path) -> str:
    """A database URL: ``gradebook`` as given, a file path made an SQLite URL, or the default."""
    if gradebook is None:
        return sqlite_url(output / "gradebook.db")
    text = str(gradebook)
    return text if "://" in text else sqlite_url(Path(text))


FORMGRADER_CONFIG = "nbgrader_config.py"


def write_formgrader_config(course: GradingCourse) -> Path:
    """``nbgrader_config.py`` in the grading folder, so that formgrader started there
    (``cd grading && jupyter server``) sees this course, its gradebook and its notebooks.
    Readable by this user only: the gradebook URL may hold a password."""
    text = "\n".join(
        [
            '"""nbgrader settings of this grading folder, for formgrader (written by cnncourse '
            'grade; generated, do not edit)."""',
            "",
            "from cnncourse.grading.course import configure",
            "",
            "c = get_config()  # noqa: F821 - provided by nbgrader's config loader",
            f"configure(c, cell_timeout={course.timeout!r})",
            f"c.CourseDirectory.root = {str(course.root)!r}",
            f"c.CourseDirectory.source_directory = {str(course.source)!r}",
            'c.CourseDirectory.release_directory = "release"',
            'c.CourseDirectory.submitted_directory = "submitted"',
            'c.CourseDirectory.autograded_directory = "autograded"',
            'c.CourseDirectory.feedback_directory = "feedback"',
            f"c.CourseDirectory.db_url = {course.db_url!r}",
            "",
        ]
    )
    path = course.root / FORMGRADER_CONFIG
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(path, 0o600)
    return path


def load_course(workdir: Path) -> GradingCourse:
    """The `GradingCourse` a batch wrote into ``workdir`` (its grading.json)."""
    settings_path = Path(workdir) / SETTINGS_FILE
    if not settings_path.is_file():
        raise FileNotFoundError(
            f"{settings_path} not found: grade the submissions first "
            "(cnncourse grade SUBMISSIONS_DIR --output ...)"
        )
    settings = json.loads(settings_path.read_text())
    return GradingCourse(
        root=Path(workdir).resolve(),
        source=Path(settings["source"]),
        submissions=Path(settings["submissions"]),
        db_url=settings["db_url"],
        profile=settings["profile"],
        cell_timeout=settings["cell_timeout"],
    )


def read_grades(workdir: Path) -> list[dict]:
    """The rows of ``workdir/grades.csv``."""
    path = Path(workdir) / GRADES_FILE
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found: grade the submissions first")
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def find_jobs(submissions: Path, assignments=None) -> list[tuple[str, str]]:
    """(student, assignment) of every submissions/<student>/<assignment>/ folder."""
    wanted = set(assignments) if assignments else None
    jobs = []
    for student in sorted(path for path in submissions.iterdir() if path.is_dir()):
        if student.name.startswith("."):
            continue
        for assignment in sorted(path for path in student.iterdir() if path.is_dir()):
            if not assignment.name.startswith(".") and (
                wanted is None or assignment.name in wanted
            ):
                jobs.append((student.name, assignment.name))
    return jobs


def generate(course: GradingCourse, assignments: set[str]) -> dict[str, str]:
    """Generate each assignment into the work folder (which records it in the gradebook).

    Returns the assignments that could not be generated, with the reason.
    """
    failures = {}
    api = course.api()
    for assignment in sorted(assignments):
        # It writes the assignment's notebooks and cells into the gradebook.
        with exclusive_writer(course.db_url), kernel_environment(None):
            result = api.generate_assignment(assignment, force=True, create=True)
        if not result.get("success"):
            failures[assignment] = (
                f"could not generate {assignment} from {course.source}: "
                f"{nbgrader_error(result) or 'see nbgrader log'}"
            )
    return failures


def write_grades(outcomes: list[Outcome], path: Path) -> None:
    """Write grades.csv: a header of `COLUMNS`, then a row per outcome."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, COLUMNS)
        writer.writeheader()
        writer.writerows(grade_row(outcome) for outcome in outcomes)


def _journaled(workdir: Path, student: str, assignment: str) -> dict | None:
    path = journal_path(workdir, student, assignment)
    try:
        return json.loads(path.read_text())["outcome"]
    except (OSError, ValueError, KeyError):
        return None


def _changes(course: GradingCourse, jobs, force: bool) -> tuple[list, dict, list]:
    """Split ``jobs`` into what to grade (new or interrupted), what changed since it was
    graded (key -> why) and what is graded and unchanged."""
    from cnncourse.grading.batch import tests_digest
    from cnncourse.grading.jobs import digest as submission_digest

    tests = {
        assignment: tests_digest(course, assignment)
        for assignment in {assignment for _, assignment in jobs}
        if (course.source / assignment).is_dir()
    }
    todo, changed, unchanged = [], {}, []
    for student, assignment in jobs:
        before = None if force else _journaled(course.root, student, assignment)
        if before is None:
            todo.append((student, assignment))
        elif before.get("digest") != submission_digest(course.submissions / student / assignment):
            changed[(student, assignment)] = "the submission changed since it was graded"
        elif before.get("tests_digest") != tests.get(assignment, before.get("tests_digest")):
            changed[(student, assignment)] = (
                f"the tests of {assignment} changed (in {course.source / assignment})"
            )
        else:
            unchanged.append((student, assignment))
    return todo, changed, unchanged


def grade_all(
    submissions_dir: Path,
    gradebook=None,
    output="grading",
    assignments=None,
    *,
    source: Path | None = None,
    profile: str = "tiny",
    cell_timeout: int | None = None,
    sandboxed: bool = True,
    force: bool = False,
    regrade: bool = False,
    workers: int | None = None,
    scheduler: str | None = None,
    limits: dict | None = None,
    echo=None,
) -> BatchResult:
    """Grade every ``submissions_dir/<student>/<assignment>/``; write the gradebook and grades.csv.

    ``source`` is the folder of solution notebooks (default: the repository's solutions/),
    ``profile`` the size profile the notebooks run in (tiny), ``cell_timeout`` the seconds a
    cell may run (default: the profile's), ``sandboxed=False`` runs student code UNPROTECTED.
    A submission the journal holds is not graded again; one whose files or tests changed
    since is listed, and graded again with ``regrade``; ``force`` grades everything again.
    ``workers`` submissions run at once on this machine (default: what its cores and memory
    allow), or on the Dask cluster at ``scheduler``. ``limits`` overrides the sandbox's
    `Limits`. Raises `SandboxMissing` when no sandbox can run here. ``echo`` (print, say)
    gets the lines a person waits on as the batch runs: what it grades, a line per
    submission, the summary; `BatchResult.lines` are the closing lines.
    """
    from cnncourse.grading import batch, sandbox
    from cnncourse.grading.pool import default_workers, open_pool

    echo = echo or (lambda line: None)
    submissions = Path(submissions_dir)
    if not submissions.is_dir():
        raise NotADirectoryError(f"submissions folder {submissions} does not exist")
    if sandboxed and not scheduler and (why := sandbox.missing_sandbox()):
        raise SandboxMissing(why)
    workdir = Path(output).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    source_folder = Path(source).resolve() if source else course_root() / "solutions"
    course = GradingCourse(
        root=workdir,
        source=source_folder,
        submissions=submissions.resolve(),
        db_url=database_url(gradebook, workdir),
        profile=profile,
        cell_timeout=cell_timeout,
    )
    settings = {
        key: str(value) if isinstance(value, Path) else value
        for key, value in asdict(course).items()
    }
    (workdir / SETTINGS_FILE).write_text(json.dumps(settings, indent=2) + "\n")
    write_formgrader_config(course)
    if not sandboxed:
        echo(
            "WARNING: grading WITHOUT a sandbox (--no-sandbox): student code runs as this "
            "user, with this machine's files and network"
        )
    jobs = find_jobs(submissions, assignments)
    known = set(assignment_names(source_folder))
    with kernel_environment(None):
        ensure_course_row(course.db_url)
    failures = generate(course, {assignment for _, assignment in jobs} & known)
    result = BatchResult(
        workdir, sandboxed=sandboxed, submissions=submissions, db_url=course.db_url
    )
    todo, changed, unchanged = _changes(course, jobs, force)
    result.skipped = [f"{student}/{assignment}" for student, assignment in unchanged]
    for (student, assignment), why in sorted(changed.items()):
        result.changed.append(f"{student}/{assignment}: {why}")
        if regrade:
            todo.append((student, assignment))
        else:
            result.skipped.append(f"{student}/{assignment}")
    if changed:
        echo(
            (
                "grading again: "
                if regrade
                else f"{len(changed)} graded submissions changed "
                "since (cnncourse grade --regrade grades them again): "
            )
            + "; ".join(result.changed)
        )
    todo.sort()
    if todo:
        count = default_workers() if workers is None and not scheduler else None
        pool = open_pool(workers or (count.count if count else None), scheduler)
        echo(
            f"grading {len(todo)} submissions from {submissions} (profile {profile}, "
            f"{course.timeout} s per cell"
            + (f"; {len(result.skipped)} already graded" if result.skipped else "")
            + f") with {pool.description}"
            + (f" ({count.reason})" if count else "")
        )
        try:
            batch.grade_jobs(
                course,
                todo,
                known,
                failures,
                sandboxed=sandboxed,
                limits=limits or {},
                pool=pool,
                echo=echo,
            )
        finally:
            pool.close()
    result.graded_now = [f"{student}/{assignment}" for student, assignment in todo]
    result.outcomes = [Outcome(**entry["outcome"]) for entry in read_journal(workdir)]
    write_grades(result.outcomes, workdir / GRADES_FILE)
    return result
