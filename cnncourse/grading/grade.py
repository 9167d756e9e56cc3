"""Autograde a folder of submissions (SUBMISSIONS_DIR/<student>/<assignment>/*.ipynb) in a batch.

Writes nbgrader's gradebook (SQLite in the output folder unless a database URL is given)
and ``grades.csv`` (student, assignment, score, max_score, status, reason). A bad
submission is a row with its reason, never the end of the batch.
"""

from __future__ import annotations

import csv
import json
from dataclasses import asdict
from pathlib import Path

from cnncourse.grading.course import assignment_names, course_root, sqlite_url
from cnncourse.grading.execute import kernel_environment
from cnncourse.grading.runner import GradingCourse, SubmissionResult, grade_submission

GRADES_FILE = "grades.csv"
SETTINGS_FILE = "grading.json"
COLUMNS = ("student", "assignment", "score", "max_score", "status", "reason")


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


def _jobs(submissions: Path, assignments) -> list[tuple[str, str]]:
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


def _generate(course: GradingCourse, assignments: set[str]) -> dict[str, str]:
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


def write_grades(rows: list[SubmissionResult], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow([row.student, row.assignment, f"{row.score:g}", f"{row.max_score:g}",
                             row.status, row.reason])


def grade_all(submissions_dir: Path, gradebook=None, output="grading", assignments=None, *,
              source: Path | None = None, profile: str = "tiny",
              cell_timeout: int | None = None) -> int:
    """Grade every ``submissions_dir/<student>/<assignment>/``; write the gradebook and grades.csv.

    ``source`` is the folder of solution notebooks (default: the repository's solutions/),
    ``profile`` the size profile the notebooks run in (tiny), ``cell_timeout`` the seconds
    a cell may run (default: the profile's). Returns 0 once the batch is done, whatever the
    submissions' states.
    """
    submissions = Path(submissions_dir)
    if not submissions.is_dir():
        raise NotADirectoryError(f"submissions folder {submissions} does not exist")
    workdir = Path(output).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    source_folder = Path(source).resolve() if source else course_root() / "solutions"
    course = GradingCourse(root=workdir, source=source_folder, submissions=submissions.resolve(),
                           db_url=database_url(gradebook, workdir), profile=profile,
                           cell_timeout=cell_timeout)
    settings = {key: str(value) if isinstance(value, Path) else value
                for key, value in asdict(course).items()}
    (workdir / SETTINGS_FILE).write_text(json.dumps(settings, indent=2) + "\n")
    jobs = _jobs(submissions, assignments)
    known = set(assignment_names(source_folder))
    failures = _generate(course, {assignment for _, assignment in jobs} & known)
    rows = []
    print(f"grading {len(jobs)} submissions from {submissions} (profile {profile}, "
          f"{course.timeout} s per cell)")
    for student, assignment in jobs:
        if assignment not in known:
            row = SubmissionResult(student, assignment, 0.0, 0.0, "failed",
                                   f"no assignment {assignment!r} in {source_folder}")
        elif assignment in failures:
            row = SubmissionResult(student, assignment, 0.0, 0.0, "failed", failures[assignment])
        else:
            row = grade_submission(course, student, assignment)
        rows.append(row)
        reason = f": {row.reason}" if row.reason else ""
        print(f"  {student}/{assignment}: {row.score:g}/{row.max_score:g} {row.status} "
              f"({row.seconds:.1f} s){reason}")
    write_grades(rows, workdir / GRADES_FILE)
    print(f"wrote {workdir / GRADES_FILE} and the gradebook {course.db_url}")
    return 0
