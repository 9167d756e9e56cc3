"""The course's nbgrader preprocessors and configuration, on small notebooks built here."""

import runpy
from pathlib import Path

from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from nbgrader.preprocessors import Execute
from nbgrader.utils import determine_grade

from cnncourse.grading.course import configure
from cnncourse.grading.preprocessors import (
    GENERATED_NOTE_ID,
    GeneratedNote,
    HideHiddenTests,
    StderrAsStdout,
)

from .helpers import HIDDEN_MARKER


def grade_cell(outputs, points=2):
    cell = new_code_cell(
        "question.score()",
        metadata={
            "nbgrader": {
                "grade": True,
                "solution": False,
                "locked": True,
                "grade_id": "q",
                "points": points,
                "schema_version": 3,
            }
        },
    )
    cell.outputs = outputs
    return cell


def stderr(text="W tensorflow: something\n"):
    return new_output("stream", name="stderr", text=text)


def run(preprocessor, *cells):
    notebook = new_notebook(cells=list(cells))
    preprocessor.preprocess(notebook, {"nbgrader": {"assignment": "a1", "notebook": "hw9"}})
    return notebook


def test_stderr_no_longer_zeroes_a_passing_test_cell():
    passing = grade_cell(
        [
            new_output("stream", name="stdout", text="[ok] fine\n"),
            stderr(),
            new_output("execute_result", data={"text/plain": "2"}),
        ]
    )
    assert determine_grade(passing)[0] == 0  # nbgrader's rule, before the preprocessor
    run(StderrAsStdout(), passing)
    assert determine_grade(passing)[0] == 2
    assert passing.outputs[1].name == "stdout" and "tensorflow" in passing.outputs[1].text


def test_partial_credit_survives_stderr_and_a_failing_cell_still_gets_zero():
    partial = grade_cell([stderr(), new_output("execute_result", data={"text/plain": "1.5"})])
    failing = grade_cell(
        [
            stderr(),
            new_output(
                "error", ename="AssertionError", evalue="no", traceback=["AssertionError: no"]
            ),
        ]
    )
    run(StderrAsStdout(), partial, failing)
    assert determine_grade(partial)[0] == 1.5
    assert determine_grade(failing)[0] == 0


def test_hidden_tests_and_their_tracebacks_are_hidden():
    source = (
        "question.add(visible)\n### BEGIN HIDDEN TESTS\n"
        f"assert secret == 3  # {HIDDEN_MARKER}\n### END HIDDEN TESTS\nquestion.score()"
    )
    cell = grade_cell(
        [
            new_output(
                "error",
                ename="AssertionError",
                evalue="Q: 0 of 2 points",
                traceback=[
                    f"----> 3 assert secret == 3  # {HIDDEN_MARKER}",
                    "AssertionError: Q: 0 of 2 points",
                ],
            )
        ]
    )
    cell.source = source
    answer = new_code_cell("x = '### BEGIN HIDDEN TESTS' # a student's text")
    run(HideHiddenTests(), cell, answer)
    assert HIDDEN_MARKER not in cell.source and "question.score()" in cell.source
    assert cell.outputs[0].traceback == ["AssertionError: Q: 0 of 2 points"]
    assert "BEGIN HIDDEN TESTS" in answer.source  # not a test region: left alone


def test_the_generated_note_names_the_solution_and_is_not_repeated():
    solution = new_code_cell("x = 1", metadata={"execution": {"iopub.execute_input": "2024"}})
    notebook = run(GeneratedNote(), new_markdown_cell("# HW9"), solution)
    note = notebook.cells[0]
    assert note.id == GENERATED_NOTE_ID and "solutions/a1/hw9.ipynb" in note.source
    assert "do not edit" in note.source
    assert notebook.metadata["cnncourse"]["generated_from"] == "solutions/a1/hw9.ipynb"
    assert "execution" not in notebook.cells[2].metadata
    GeneratedNote().preprocess(notebook, {"nbgrader": {"assignment": "a1", "notebook": "hw9"}})
    assert [cell.get("id") for cell in notebook.cells].count(GENERATED_NOTE_ID) == 1


def test_the_course_configuration(repo):
    config = configure(cell_timeout=7)
    chain = config.Autograde.autograde_preprocessors
    assert chain[0] is Execute and chain[1] is StderrAsStdout
    assert HideHiddenTests in config.GenerateFeedback.preprocessors
    assert config.GenerateAssignment.preprocessors[-1] is GeneratedNote
    assert config.Execute.timeout == 7
    assert config.OverwriteCells.add_missing_cells is True


def test_nbgrader_config_at_the_root_maps_solutions_and_exercises(repo):
    from traitlets.config import Config

    config = Config()
    runpy.run_path(
        str(Path(repo) / "nbgrader_config.py"), init_globals={"get_config": lambda: config}
    )
    assert config.CourseDirectory.source_directory == "solutions"
    assert config.CourseDirectory.release_directory == "exercises"
    assert StderrAsStdout in config.Autograde.autograde_preprocessors


def test_answers_waiting_for_manual_grading_are_shown_as_pending():
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    from cnncourse.grading.preprocessors import MarkPendingGrades

    written = new_markdown_cell(
        "My answer.",
        metadata={
            "nbgrader": {
                "grade": True,
                "solution": True,
                "grade_id": "essay",
                "points": 2,
                "score": None,
            }
        },
    )
    test = new_code_cell(
        "question.score()",
        metadata={
            "nbgrader": {
                "grade": True,
                "solution": False,
                "grade_id": "q1_test",
                "points": 3,
                "score": 3,
            }
        },
    )
    notebook, _ = MarkPendingGrades().preprocess(new_notebook(cells=[written, test]), {})
    texts = [cell.source for cell in notebook.cells]
    assert texts[0].startswith("**Grading is not finished:** 1 answer worth 2 points")
    assert texts[2] == "*Pending: this answer is graded by hand (2 points).*"
    assert texts[3] == "question.score()" and len(texts) == 4
    graded_only = new_notebook(cells=[test])
    assert MarkPendingGrades().preprocess(graded_only, {})[0].cells == [test]
