"""A grader killed with SIGKILL in the middle of a batch, started again, grades what is left:
every submission ends with exactly one outcome, and no grade is lost or doubled."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from nbgrader.api import Gradebook

from cnncourse.grading.grade import grade_all, read_grades

from .helpers import PLAIN_MISTAKES, PLAIN_RIGHT, answered, exercise, submit

# Six, so that the batch's checks come in two chunks (four, then two: `batch.CHUNK`): the kill
# lands after the first chunk is recorded, while the second is still running its phase 1.
STUDENTS = {
    "ann": PLAIN_RIGHT,
    "ben": PLAIN_MISTAKES,
    "cid": PLAIN_RIGHT,
    "dee": PLAIN_MISTAKES,
    "eva": PLAIN_RIGHT,
    "fay": PLAIN_MISTAKES,
}
EXPECTED = {name: 5.0 if answers is PLAIN_RIGHT else 2.0 for name, answers in STUDENTS.items()}


@pytest.mark.slow
def test_a_killed_batch_resumes_without_losing_or_doubling_grades(demo_course, tmp_path):
    submissions = tmp_path / "submissions"
    for student, answers in STUDENTS.items():
        submit(submissions, student, "plain", answered(exercise(demo_course, "plain"), answers))
    workdir = tmp_path / "grading"
    command = [
        sys.executable,
        "-m",
        "cnncourse",
        "grade",
        str(submissions),
        "--output",
        str(workdir),
    ]
    grader = subprocess.Popen(
        command,
        cwd=demo_course,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    journal = workdir / "outcomes"
    deadline = time.monotonic() + 600
    while (
        time.monotonic() < deadline
        and grader.poll() is None
        and len(list(journal.glob("*.json"))) < 1
    ):
        time.sleep(0.2)
    assert grader.poll() is None, "the batch ended before it could be killed"
    os.killpg(grader.pid, signal.SIGKILL)
    grader.wait()
    recorded = {path.stem.split("--")[0] for path in journal.glob("*.json")}
    assert 1 <= len(recorded) < len(STUDENTS)

    result = grade_all(submissions, output=workdir, source=demo_course / "solutions")
    assert sorted(result.skipped) == sorted(f"{name}/plain" for name in recorded)
    assert sorted(result.graded_now) == sorted(
        f"{name}/plain" for name in STUDENTS if name not in recorded
    )
    rows = read_grades(workdir)
    assert sorted(row["student"] for row in rows) == sorted(STUDENTS)  # once each
    assert {row["student"]: float(row["score"]) for row in rows} == EXPECTED
    with Gradebook(f"sqlite:///{workdir / 'gradebook.db'}") as gradebook:
        submissions_in_book = gradebook.assignment_submissions("plain")
        assert sorted(sub.student.id for sub in submissions_in_book) == sorted(STUDENTS)
        assert {sub.student.id: sub.score for sub in submissions_in_book} == EXPECTED
