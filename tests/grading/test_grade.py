"""The batch grader: every kind of submission gets a row with its reason; none stops the batch."""

import csv

import nbformat
import pytest
from nbgrader.api import Gradebook

from cnncourse.grading.grade import COLUMNS, grade_all, read_grades
from cnncourse.grading.release import release

from .helpers import answered, copy_course, exercise, submit


@pytest.mark.slow
def test_the_batch_writes_a_row_per_submission(graded_batch):
    assert graded_batch.exit_code == 0
    with (graded_batch.workdir / "grades.csv").open(newline="") as handle:
        reader = csv.reader(handle)
        assert tuple(next(reader)) == COLUMNS
    assert set(graded_batch.rows) == {"alice", "bob", "carol", "dave", "erin", "frank", "mallory"}


@pytest.mark.slow
def test_a_correct_submission_gets_full_marks(graded_batch):
    row = graded_batch.rows["alice"]
    assert (row["score"], row["max_score"], row["status"], row["reason"]) == \
        ("5", "5", "graded", "")


@pytest.mark.slow
def test_partial_credit_per_test_cell(graded_batch):
    row = graded_batch.rows["bob"]
    assert (row["score"], row["status"]) == ("2", "graded")
    assert row["reason"] == "partial credit: q1_test 1/3, q2_test 1/2"


@pytest.mark.slow
def test_an_untouched_exercise_scores_zero(graded_batch):
    row = graded_batch.rows["carol"]
    assert (row["score"], row["max_score"], row["status"]) == ("0", "5", "graded")
    assert "unanswered: q1_model, q2_answer" in row["reason"]


@pytest.mark.slow
def test_invalid_json_is_recorded(graded_batch):
    row = graded_batch.rows["dave"]
    assert (row["score"], row["status"]) == ("0", "invalid")
    assert row["reason"].startswith("demo.ipynb is not a valid notebook")


@pytest.mark.slow
def test_deleted_and_altered_test_cells_are_restored_and_reported(graded_batch):
    row = graded_batch.rows["erin"]
    assert row["status"] == "tampered"
    assert "cell q1_test was altered (nbgrader restored it)" in row["reason"]
    assert "cell q2_test was deleted (nbgrader put it back)" in row["reason"]
    assert row["score"] == "5"  # the restored tests ran against the right answers


@pytest.mark.slow
def test_a_raising_cell_costs_only_the_tests_that_need_it(graded_batch):
    row = graded_batch.rows["frank"]
    assert (row["score"], row["status"]) == ("3", "graded")
    assert "(q2_answer) ValueError: I give up" in row["reason"]


@pytest.mark.slow
def test_an_unknown_assignment_is_recorded(graded_batch):
    row = graded_batch.rows["mallory"]
    assert (row["assignment"], row["status"]) == ("hw99", "failed")
    assert "no assignment 'hw99'" in row["reason"]


@pytest.mark.slow
def test_stderr_never_zeroes_a_passing_test_cell(graded_batch):
    """q2_test writes to stderr: it keeps its points when it passes and gets 0 when it fails."""
    autograded = graded_batch.workdir / "autograded"
    notebook = nbformat.read(str(autograded / "alice" / "demo" / "demo.ipynb"), as_version=4)
    q2 = next(cell for cell in notebook.cells
              if cell.metadata.get("nbgrader", {}).get("grade_id") == "q2_test")
    texts = "".join(output.get("text", "") for output in q2.outputs)
    assert "a warning on stderr" in texts
    assert not any(output.get("name") == "stderr" for output in q2.outputs)
    with Gradebook(f"sqlite:///{graded_batch.workdir / 'gradebook.db'}") as gradebook:
        assert gradebook.find_grade("q2_test", "demo", "demo", "alice").score == 2
        assert gradebook.find_grade("q2_test", "demo", "demo", "carol").score == 0


@pytest.mark.slow
def test_the_gradebook_was_created_from_a_clean_folder(graded_batch):
    database = graded_batch.workdir / "gradebook.db"
    assert database.is_file()
    with Gradebook(f"sqlite:///{database}") as gradebook:
        assert gradebook.find_assignment("demo").max_score == 5
        students = {student.id for student in gradebook.students}
    assert {"alice", "bob", "carol", "erin", "frank"} <= students


@pytest.fixture(scope="module")
def timeout_batch(tmp_path_factory):
    course = copy_course(tmp_path_factory.mktemp("sleepy") / "course")
    assert release(["sleepy"], execute=False, root=course) == 0
    submissions = course.parent / "submissions"
    submit(submissions, "yuki", "sleepy", answered(exercise(course, "sleepy"),
                                                   {"answer": "answer = 42"}))
    submit(submissions, "zoe", "sleepy", answered(exercise(course, "sleepy"),
                                                  {"answer": "time.sleep(120)\nanswer = 42"}))
    workdir = course.parent / "grading"
    arguments = {"output": workdir, "source": course / "solutions", "cell_timeout": 3}
    assert grade_all(submissions, **arguments) == 0
    return submissions, workdir, arguments


@pytest.mark.slow
def test_a_timeout_is_recorded_and_the_batch_goes_on(timeout_batch):
    _, workdir, _ = timeout_batch
    rows = {row["student"]: row for row in read_grades(workdir)}
    assert (rows["zoe"]["score"], rows["zoe"]["status"]) == ("0", "timeout")
    assert "cell 4 (answer) ran past the 3 s limit" in rows["zoe"]["reason"]
    assert (rows["yuki"]["score"], rows["yuki"]["status"]) == ("1", "graded")


@pytest.mark.slow
def test_grading_again_into_the_same_folder(timeout_batch):
    submissions, workdir, arguments = timeout_batch
    assert grade_all(submissions, assignments=["sleepy"], **arguments) == 0
    rows = {row["student"]: row for row in read_grades(workdir)}
    assert rows["yuki"]["score"] == "1" and rows["zoe"]["status"] == "timeout"


def test_a_missing_submissions_folder_is_an_error(tmp_path):
    with pytest.raises(NotADirectoryError, match="does not exist"):
        grade_all(tmp_path / "nowhere", output=tmp_path / "grading")


def test_grading_one_submission_never_raises(tmp_path):
    from cnncourse.grading.course import sqlite_url
    from cnncourse.grading.runner import GradingCourse, grade_submission

    course = GradingCourse(root=tmp_path / "grading", source=tmp_path / "solutions",
                           submissions=tmp_path / "submissions",
                           db_url=sqlite_url(tmp_path / "gradebook.db"))
    result = grade_submission(course, "alice", "hw1")  # nothing was ever generated
    assert (result.score, result.status) == (0.0, "failed")
    assert result.reason.startswith("FileNotFoundError: no released notebooks")
