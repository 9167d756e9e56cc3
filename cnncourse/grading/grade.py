"""Grade a folder of submissions (SUBMISSIONS_DIR/<student>/<assignment>/*.ipynb) in two phases.

Phase 1 runs each submission in its own sandbox and collects the graded questions' values as
plain data (`jobs`); phase 2 runs every check in a separate process that never ran student
code (`checker`); only then does the trusted side write nbgrader's gradebook, the autograded
notebooks and a journal (`record`). A submission already in the journal, unchanged, is not
graded again, so a batch that was killed resumes where it stopped. ``grades.csv`` (student,
assignment, score, max_score, status, reason) is written from the journal at the end.
"""

from __future__ import annotations

import csv
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from cnncourse.grading.course import assignment_names, course_root, sqlite_url
from cnncourse.grading.execute import kernel_environment
from cnncourse.grading.record import Outcome, journal_path, read_journal
from cnncourse.grading.settings import GradingCourse

GRADES_FILE = "grades.csv"
SETTINGS_FILE = "grading.json"
COLUMNS = ("student", "assignment", "score", "max_score", "status", "reason")


class SandboxMissing(RuntimeError):
    """No sandbox can run on this machine (and --no-sandbox was not given)."""


@dataclass
class BatchResult:
    """What one `grade_all` call did: every outcome in the journal, and this run's part."""

    workdir: Path
    outcomes: list[Outcome] = field(default_factory=list)
    graded_now: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    sandboxed: bool = True


def database_url(gradebook: str | Path | None, output: Path) -> str:
    """A database URL: ``gradebook`` as given, a file path made an SQLite URL, or the default."""
    if gradebook is None:
        return sqlite_url(output / "gradebook.db")
    text = str(gradebook)
    return text if "://" in text else sqlite_url(Path(text))


def load_course(workdir: Path) -> GradingCourse:
    """The `GradingCourse` a batch wrote into ``workdir`` (its grading.json)."""
    settings_path = Path(workdir) / SETTINGS_FILE
    if not settings_path.is_file():
        raise FileNotFoundError(f"{settings_path} not found: grade the submissions first "
                                "(cnncourse grade SUBMISSIONS_DIR --output ...)")
    settings = json.loads(settings_path.read_text())
    return GradingCourse(root=Path(workdir).resolve(), source=Path(settings["source"]),
                         submissions=Path(settings["submissions"]), db_url=settings["db_url"],
                         profile=settings["profile"], cell_timeout=settings["cell_timeout"])


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
            if not assignment.name.startswith(".") and (wanted is None or
                                                        assignment.name in wanted):
                jobs.append((student.name, assignment.name))
    return jobs


def generate(course: GradingCourse, assignments: set[str]) -> dict[str, str]:
    """Generate each assignment into the work folder (which records it in the gradebook).

    Returns the assignments that could not be generated, with the reason.
    """
    failures = {}
    api = course.api()
    for assignment in sorted(assignments):
        with kernel_environment(None):
            result = api.generate_assignment(assignment, force=True, create=True)
        if not result.get("success"):
            lines = [line.strip() for line in result.get("log", "").splitlines()
                     if line.strip() and not line.startswith("[")]
            failures[assignment] = (f"could not generate {assignment} from {course.source}: "
                                    f"{lines[-1] if lines else 'see nbgrader log'}")
    return failures


def write_grades(outcomes: list[Outcome], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for row in outcomes:
            writer.writerow([row.student, row.assignment, f"{row.score:g}", f"{row.max_score:g}",
                             row.status, row.reason])


def _already_graded(workdir: Path, student: str, assignment: str, digest: str) -> bool:
    path = journal_path(workdir, student, assignment)
    if not path.is_file():
        return False
    try:
        return json.loads(path.read_text())["outcome"]["digest"] == digest
    except (ValueError, KeyError):
        return False


def grade_all(submissions_dir: Path, gradebook=None, output="grading", assignments=None, *,
              source: Path | None = None, profile: str = "tiny",
              cell_timeout: int | None = None, sandboxed: bool = True, force: bool = False,
              limits: dict | None = None, echo=print) -> BatchResult:
    """Grade every ``submissions_dir/<student>/<assignment>/``; write the gradebook and grades.csv.

    ``source`` is the folder of solution notebooks (default: the repository's solutions/),
    ``profile`` the size profile the notebooks run in (tiny), ``cell_timeout`` the seconds a
    cell may run (default: the profile's), ``sandboxed=False`` runs student code UNPROTECTED,
    ``force`` grades again what the journal already holds, ``limits`` overrides the
    sandbox's `Limits`. Raises `SandboxMissing` when no sandbox can run here.
    """
    from cnncourse.grading import batch, sandbox
    from cnncourse.grading.jobs import digest as submission_digest

    submissions = Path(submissions_dir)
    if not submissions.is_dir():
        raise NotADirectoryError(f"submissions folder {submissions} does not exist")
    if sandboxed and (why := sandbox.missing_sandbox()):
        raise SandboxMissing(why)
    workdir = Path(output).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    source_folder = Path(source).resolve() if source else course_root() / "solutions"
    course = GradingCourse(root=workdir, source=source_folder, submissions=submissions.resolve(),
                           db_url=database_url(gradebook, workdir), profile=profile,
                           cell_timeout=cell_timeout)
    settings = {key: str(value) if isinstance(value, Path) else value
                for key, value in asdict(course).items()}
    (workdir / SETTINGS_FILE).write_text(json.dumps(settings, indent=2) + "\n")
    if not sandboxed:
        echo("WARNING: grading WITHOUT a sandbox (--no-sandbox): student code runs as this "
             "user, with this machine's files and network")
    jobs = find_jobs(submissions, assignments)
    known = set(assignment_names(source_folder))
    failures = generate(course, {assignment for _, assignment in jobs} & known)
    result = BatchResult(workdir, sandboxed=sandboxed)
    todo = []
    for student, assignment in jobs:
        digest = submission_digest(submissions / student / assignment)
        if not force and _already_graded(workdir, student, assignment, digest):
            result.skipped.append(f"{student}/{assignment}")
        else:
            todo.append((student, assignment))
    echo(f"grading {len(todo)} submissions from {submissions} (profile {profile}, "
         f"{course.timeout} s per cell"
         + (f"; {len(result.skipped)} already graded" if result.skipped else "") + ")")
    batch.grade_jobs(course, todo, known, failures, sandboxed=sandboxed,
                     limits=limits or {}, echo=echo)
    result.graded_now = [f"{student}/{assignment}" for student, assignment in todo]
    result.outcomes = [Outcome(**entry["outcome"]) for entry in read_journal(workdir)]
    write_grades(result.outcomes, workdir / GRADES_FILE)
    echo(f"wrote {workdir / GRADES_FILE} and the gradebook {course.db_url}")
    return result
