"""Grading again into PostgreSQL: a late submission and a fixed test are re-graded on request.

Without ``regrade`` a changed submission is listed and its grade left alone (grades do not
move under an instructor who already published them); with it, exactly the changed
submissions are graded again, and the batch says why.
"""

from __future__ import annotations

import json

import nbformat
import pytest

from .helpers import PLAIN_MISTAKES, PLAIN_RIGHT, answered, copy_course, exercise, submit

pytestmark = pytest.mark.slow


def _scores(url: str) -> dict[str, float]:
    from nbgrader.api import Gradebook

    with Gradebook(url) as gradebook:
        return {
            submission.student.id: float(submission.score)
            for submission in gradebook.find_assignment("plain").submissions
        }


def test_a_late_submission_and_a_fixed_test_are_graded_again(tmp_path, postgres_gradebook):
    from cnncourse.grading.grade import grade_all
    from cnncourse.grading.release import release

    course = copy_course(tmp_path / "course")
    assert release(["plain"], execute=False, root=course).exit_code == 0
    submissions = tmp_path / "submissions"
    submit(submissions, "alice", "plain", answered(exercise(course, "plain"), PLAIN_RIGHT))
    submit(submissions, "bob", "plain", answered(exercise(course, "plain"), PLAIN_MISTAKES))
    arguments = {
        "gradebook": postgres_gradebook,
        "output": tmp_path / "grading",
        "source": course / "solutions",
        "workers": 2,
    }
    first = grade_all(submissions, **arguments)
    assert sorted(first.graded_now) == ["alice/plain", "bob/plain"]
    assert _scores(postgres_gradebook) == {"alice": 5.0, "bob": 2.0}

    # bob hands in again, late, with the right answers
    submit(submissions, "bob", "plain", answered(exercise(course, "plain"), PLAIN_RIGHT))
    lines: list[str] = []
    unchanged = grade_all(submissions, echo=lines.append, **arguments)
    assert unchanged.graded_now == []
    assert unchanged.changed == ["bob/plain: the submission changed since it was graded"]
    assert any("cnncourse grade --regrade grades them again" in line for line in lines)
    assert _scores(postgres_gradebook) == {"alice": 5.0, "bob": 2.0}
    late = grade_all(submissions, regrade=True, **arguments)
    assert late.graded_now == ["bob/plain"] and late.skipped == ["alice/plain"]
    assert _scores(postgres_gradebook) == {"alice": 5.0, "bob": 5.0}

    # the instructor fixes a hidden test's message: everything of plain is graded again
    path = course / "solutions" / "plain" / "plain.ipynb"
    notebook = nbformat.read(str(path), as_version=4)
    for cell in notebook.cells:
        cell.source = cell.source.replace(
            "that leaves out the 4 biases", "that forgets the 4 biases"
        )
    nbformat.write(notebook, str(path))
    lines.clear()
    fixed = grade_all(submissions, regrade=True, echo=lines.append, **arguments)
    assert sorted(fixed.graded_now) == ["alice/plain", "bob/plain"]
    assert all("the tests of plain changed" in line for line in fixed.changed)
    assert lines[0].startswith("grading again: alice/plain: the tests of plain changed")
    again = grade_all(submissions, regrade=True, **arguments)
    assert again.graded_now == [] and sorted(again.skipped) == ["alice/plain", "bob/plain"]
    journal = json.loads((tmp_path / "grading" / "outcomes" / "bob--plain.json").read_text())
    assert journal["outcome"]["score"] == 5.0
