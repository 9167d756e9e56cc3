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
    assert graded_batch.result.sandboxed
    with (graded_batch.workdir / "grades.csv").open(newline="") as handle:
        reader = csv.reader(handle)
        assert tuple(next(reader)) == COLUMNS
    assert read_grades(graded_batch.workdir) == graded_batch.result.rows()  # the file's rows
    assert set(graded_batch.rows) == {"alice", "bob", "carol", "dave", "erin", "frank", "mallory"}


@pytest.mark.slow
def test_a_correct_submission_gets_full_marks(graded_batch):
    row = graded_batch.rows["alice"]
    assert (row["score"], row["max_score"], row["status"], row["reason"]) == (
        "5",
        "5",
        "graded",
        "",
    )


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
    assert "cell q1_test: its content was changed (the release's cell was used)" in row["reason"]
    assert "cell q2_test was deleted (the release's cell was used)" in row["reason"]
    assert row["score"] == "5"  # the release's tests ran against the right answers


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
def test_the_autograded_notebook_shows_the_trusted_checks_not_the_students_output(graded_batch):
    """Feedback and formgrader read the autograded notebook: its test cells hold the messages
    of phase 2, never what the student's kernel printed; grades are per grade cell."""
    autograded = graded_batch.workdir / "autograded"
    notebook = nbformat.read(str(autograded / "bob" / "demo" / "demo.ipynb"), as_version=4)
    q2 = next(
        cell
        for cell in notebook.cells
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "q2_test"
    )
    texts = "".join(output.get("text", "") for output in q2.outputs)
    assert "Conv2D parameters: 108 is not right: that leaves out the 4 biases" in texts
    assert "1 of 2 points" in texts
    with Gradebook(f"sqlite:///{graded_batch.workdir / 'gradebook.db'}") as gradebook:
        assert gradebook.find_grade("q2_test", "demo", "demo", "alice").score == 2
        assert gradebook.find_grade("q2_test", "demo", "demo", "bob").score == 1
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
    assert release(["sleepy"], execute=False, root=course).exit_code == 0
    submissions = course.parent / "submissions"
    submit(
        submissions,
        "yuki",
        "sleepy",
        answered(exercise(course, "sleepy"), {"answer": "answer = 42"}),
    )
    submit(
        submissions,
        "zoe",
        "sleepy",
        answered(exercise(course, "sleepy"), {"answer": "time.sleep(120)\nanswer = 42"}),
    )
    workdir = course.parent / "grading"
    arguments = {"output": workdir, "source": course / "solutions", "cell_timeout": 3}
    result = grade_all(submissions, **arguments)
    assert len(result.graded_now) == 2
    return submissions, workdir, arguments, result


def by_student(result) -> dict[str, dict]:
    """The rows of grades.csv that ``result`` (a `BatchResult`) wrote, by student."""
    return {row["student"]: row for row in result.rows()}


@pytest.mark.slow
def test_a_timeout_is_recorded_and_the_batch_goes_on(timeout_batch):
    _, _, _, result = timeout_batch
    rows = by_student(result)
    assert (rows["zoe"]["score"], rows["zoe"]["status"]) == ("0", "timeout")
    assert "cell 4 (answer) ran past the 3 s limit" in rows["zoe"]["reason"]
    assert (rows["yuki"]["score"], rows["yuki"]["status"]) == ("1", "graded")


@pytest.mark.slow
def test_grading_again_into_the_same_folder(timeout_batch):
    submissions, workdir, arguments, _ = timeout_batch
    again = grade_all(submissions, assignments=["sleepy"], **arguments)
    assert again.skipped == ["yuki/sleepy", "zoe/sleepy"] and again.graded_now == []
    assert read_grades(workdir) == again.rows()  # grades.csv rewritten from the journal
    rows = by_student(again)
    assert rows["yuki"]["score"] == "1" and rows["zoe"]["status"] == "timeout"
    forced = grade_all(submissions, assignments=["sleepy"], force=True, **arguments)
    assert forced.graded_now == ["yuki/sleepy", "zoe/sleepy"]
    rows = by_student(forced)
    assert rows["yuki"]["score"] == "1" and rows["zoe"]["status"] == "timeout"


def test_a_missing_submissions_folder_is_an_error(tmp_path):
    with pytest.raises(NotADirectoryError, match="does not exist"):
        grade_all(tmp_path / "nowhere", output=tmp_path / "grading")


def test_grading_refuses_without_a_sandbox(tmp_path, monkeypatch):
    import shutil

    from cnncourse.grading.grade import SandboxMissing

    (tmp_path / "submissions").mkdir()
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(SandboxMissing, match="install Debian's `bubblewrap`"):
        grade_all(tmp_path / "submissions", output=tmp_path / "grading")


@pytest.mark.slow
def test_the_grading_folder_has_a_formgrader_config(graded_batch):
    import stat

    from traitlets.config.loader import PyFileConfigLoader

    path = graded_batch.workdir / "nbgrader_config.py"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    config = PyFileConfigLoader(path.name, path=str(path.parent)).load_config()
    folders = config.CourseDirectory
    assert folders.root == str(graded_batch.workdir)
    assert folders.db_url == f"sqlite:///{graded_batch.workdir / 'gradebook.db'}"
    assert (graded_batch.workdir / folders.autograded_directory / "alice" / "demo").is_dir()
