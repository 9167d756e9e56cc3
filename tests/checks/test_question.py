"""Partial credit: a Question's score is the number nbgrader reads; messages go to stdout."""

import json

import pytest
from IPython.core.formatters import DisplayFormatter
from nbformat.v4 import new_code_cell, new_output
from nbgrader.utils import determine_grade

from cnncourse.checks import SCORE_MIME_TYPE, Question, Result, Score


def graded_cell(value, points: float, stdout: str = "") -> float:
    """The grade nbgrader gives a test cell whose last expression displayed ``value``."""
    data, _ = DisplayFormatter().format(value)
    cell = new_code_cell(
        "question.score()",
        metadata={
            "nbgrader": {
                "grade": True,
                "solution": False,
                "grade_id": "q",
                "points": points,
                "locked": True,
                "schema_version": 3,
            }
        },
    )
    if stdout:
        cell.outputs.append(new_output("stream", name="stdout", text=stdout))
    cell.outputs.append(new_output("execute_result", data=data, execution_count=1))
    return determine_grade(cell)[0]


def test_all_checks_pass_gives_full_marks(capsys):
    question = Question("Q1")
    question.add(Result.ok("the model matches"), points=2)
    question.add(Result.ok("the count is right"), points=1)
    score = question.score()
    assert float(score) == 3 and score.max_points == 3 and score.full
    out = capsys.readouterr().out
    assert "[ok]   the model matches" in out and "Q1: 3 of 3 points" in out
    assert graded_cell(score, points=3) == 3


def test_partial_credit_is_the_points_of_the_passing_checks(capsys):
    question = Question("Q2")
    question.add(Result.ok("fine"), points=1)
    question.add(Result.fail("layer 3 Conv2D: expected a 5x5 kernel"), points=2)
    score = question.score()
    assert float(score) == 1 and not score.full
    assert "[FAIL] layer 3 Conv2D: expected a 5x5 kernel" in capsys.readouterr().out
    assert graded_cell(score, points=3, stdout="messages\n") == 1


def test_no_check_passing_raises_with_every_message():
    question = Question("Q3")
    question.add(Result.fail("first problem"), points=1)
    question.add(Result.fail("second problem"), points=1)
    with pytest.raises(AssertionError) as raised:
        question.score()
    assert "Q3: 0 of 2 points" in str(raised.value)
    assert "first problem" in str(raised.value) and "second problem" in str(raised.value)


def test_score_displays_as_a_number_with_a_json_copy():
    score = Score(1.5, 3, "Q", [(Result.ok("a"), 1.5), (Result.fail("b"), 1.5)])
    data, _ = DisplayFormatter().format(score)
    assert data["text/plain"] == "1.5"
    payload = data[SCORE_MIME_TYPE]
    assert payload["points"] == 1.5 and payload["max_points"] == 3
    assert [check["passed"] for check in payload["checks"]] == [True, False]
    json.dumps(payload)  # serialisable into the notebook


def test_a_list_of_results_shares_the_points_and_never_exceeds_them():
    question = Question("per layer", echo=False)
    question.add([Result.ok("a"), Result.ok("b"), Result.ok("c")], points=1)
    score = question.score()
    assert float(score) == 1 == score.max_points  # 3 x 1/3 rounds back to 1
    assert graded_cell(score, points=1) == 1
    partial = Question("per layer", echo=False)
    partial.add([Result.ok("a"), Result.fail("b"), Result.ok("c")], points=3)
    assert float(partial.score()) == 2


def test_a_check_function_that_raises_fails_only_its_part(capsys):
    question = Question("Q4")
    question.add(lambda: Result.ok("ran"), points=1)
    question.add(lambda: undefined_student_variable, points=1)  # noqa: F821
    score = question.score()
    assert float(score) == 1
    assert "NameError" in capsys.readouterr().out


def test_author_mistakes_are_reported():
    with pytest.raises(ValueError, match="name"):
        Question("")
    question = Question("Q")
    with pytest.raises(ValueError, match="points"):
        question.add(Result.ok("x"), points=-1)
    with pytest.raises(TypeError, match="checks.Result"):
        question.add(True, points=1)
    with pytest.raises(ValueError, match="no checks"):
        Question("empty").score()
