"""Validate: exit 1 when a visible test fails (nbgrader's validate exits 0), with the message."""

import pytest

from cnncourse import cli
from cnncourse.grading.validate import validate

from .helpers import MISTAKES, answered, exercise, submit


@pytest.mark.slow
def test_a_right_answer_validates(demo_course, tmp_path, capsys):
    path = submit(tmp_path, "me", "sleepy", answered(exercise(demo_course, "sleepy"),
                                                     {"answer": "answer = 42"}))
    before = path.read_bytes()
    assert validate(path) == 0
    assert "1 of 1 test cells pass" in capsys.readouterr().out
    assert path.read_bytes() == before  # the student's file is not changed


@pytest.mark.slow
def test_a_failing_visible_test_exits_1_with_its_message(demo_course, tmp_path, capsys):
    path = submit(tmp_path, "me", "sleepy", answered(exercise(demo_course, "sleepy"),
                                                     {"answer": "answer = print"}))
    assert cli.main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert "FAILED cell 5 (answer_test) raised AssertionError: the answer: 0 of 0 points" in out
    assert "answer should be plain Python data" in out


@pytest.mark.slow
def test_an_untouched_exercise_names_the_unanswered_cell(demo_course, tmp_path, capsys):
    path = submit(tmp_path, "me", "sleepy", exercise(demo_course, "sleepy"))
    assert validate(path) == 1
    assert "cell 4 (answer) raised NotImplementedError" in capsys.readouterr().out


@pytest.mark.slow
def test_a_wrong_value_of_the_right_form_gives_nothing_away(demo_course, tmp_path, capsys):
    """Visible tests check form only: a wrong count passes them, and no expected value,
    message or arithmetic from the hidden tests is shown."""
    path = submit(tmp_path, "me", "demo", answered(exercise(demo_course, "demo"), MISTAKES))
    assert validate(path) == 0
    out = capsys.readouterr().out
    assert "ok     cell 6 (q1_test)" in out and "ok     cell 9 (q2_test)" in out
    for secret in ("112", "514", "biases", "is not right", "Dropout"):
        assert secret not in out


@pytest.mark.slow
def test_a_changed_test_cell_is_flagged_before_submitting(demo_course, tmp_path, capsys):
    notebook = answered(exercise(demo_course, "demo"), {"q2_test": "question = 1"})
    for cell in notebook.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "q1_test":
            cell.metadata["nbgrader"]["points"] = 30
    path = submit(tmp_path, "me", "demo", notebook)
    validate(path)
    out = capsys.readouterr().out
    assert "WARNING: cell q1_test differs from the released notebook" in out
    assert "WARNING: cell q2_test differs from the released notebook" in out


def test_unreadable_or_missing_notebooks(tmp_path):
    broken = tmp_path / "broken.ipynb"
    broken.write_text("{ not json")
    with pytest.raises(ValueError, match="broken.ipynb is not a valid notebook"):
        validate(broken)
    with pytest.raises(FileNotFoundError):
        validate(tmp_path / "missing.ipynb")


@pytest.mark.slow
def test_a_cell_past_its_time_is_named_as_such(demo_course, tmp_path, capsys):
    path = submit(tmp_path, "me", "sleepy", answered(exercise(demo_course, "sleepy"),
                                                     {"answer": "time.sleep(60)\nanswer = 42"}))
    assert validate(path, timeout=3) == 1
    assert "cell 4 (answer) raised CellTimeoutError: the cell ran past the 3 s limit" in \
        capsys.readouterr().out
