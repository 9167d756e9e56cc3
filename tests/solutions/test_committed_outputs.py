"""The solutions are committed executed in the tiny profile, with outputs only where nbval looks.

`cnncourse release` executes each solution with ``CNNCOURSE_PROFILE=tiny`` and keeps the
outputs of the cells marked ``# NBVAL_CHECK_OUTPUT`` only
(`cnncourse.grading.solution_outputs`): nbval compares those and nothing else. Execution
counts stay in every cell (the same on every run).
"""

import configparser

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from cnncourse.grading import solution_outputs
from tests.conftest import REPO

#: The profile the committed outputs come from (the one tests/solutions/test_nbval.py uses).
PROFILE = "tiny"
SOLUTIONS = sorted((REPO / "solutions").glob("*/*.ipynb"))
SANITIZE = REPO / "tests" / "solutions" / "nbval_sanitize.cfg"
REEXECUTE = f"CNNCOURSE_PROFILE={PROFILE} cnncourse release"


def test_there_are_solutions():
    assert SOLUTIONS, "no solution notebooks under solutions/"


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda path: path.parent.name)
def test_outputs_are_committed_exactly_where_nbval_compares_them(path):
    notebook = nbformat.read(str(path), as_version=4)
    problems = [str(problem) for problem in solution_outputs.problems(notebook)]
    assert not problems, (
        f"{path.relative_to(REPO)} (committed executed in the {PROFILE} profile): run "
        f"`{REEXECUTE}`\n" + "\n".join(problems)
    )
    assert any(solution_outputs.is_checked(cell) for cell in notebook.cells), (
        f"{path.relative_to(REPO)}: no cell is marked # NBVAL_CHECK_OUTPUT"
    )


def _notebook():
    checked = new_code_cell(
        "# NBVAL_CHECK_OUTPUT\nprint(1 + 1)\nprint(2 + 2)\nquestion.score()",
        execution_count=2,
        outputs=[
            new_output("stream", name="stdout", text="2\n"),
            new_output("stream", name="stdout", text="4\n"),
            new_output("execute_result", data={"text/plain": "1"}, execution_count=2),
        ],
    )
    unchecked = new_code_cell(
        "history = model.fit(x, y)",
        execution_count=3,
        outputs=[new_output("stream", name="stdout", text="Epoch 1/2 - 12 ms/step\n")],
        metadata={"execution": {"iopub.status.busy": "2024-01-01T00:00:00"}},
    )
    ignored = new_code_cell(
        "# NBVAL_CHECK_OUTPUT\n# NBVAL_IGNORE_OUTPUT\nprint(3)",
        execution_count=4,
        outputs=[new_output("stream", name="stdout", text="3\n")],
    )
    cells = [new_markdown_cell("# Title"), checked, unchecked, ignored]
    for number, cell in enumerate(cells):
        cell.id = f"cell-{number}"
    return new_notebook(cells=cells)


def test_clearing_keeps_the_checked_outputs_and_clears_the_others():
    notebook = _notebook()
    committed = solution_outputs.checked_outputs_only(notebook)
    _, checked, unchecked, ignored = committed.cells
    # where the kernel cut a stream depends on timing: the pieces are joined, as nbval does
    assert checked.outputs == [
        new_output("stream", name="stdout", text="2\n4\n"),
        new_output("execute_result", data={"text/plain": "1"}, execution_count=2),
    ]
    assert checked.execution_count == 2
    assert unchecked.outputs == [] and unchecked.execution_count == 3
    assert "execution" not in unchecked.metadata
    assert ignored.outputs == [] and ignored.execution_count == 4
    assert committed.cells[0] == notebook.cells[0]
    # a copy: the executed notebook keeps its outputs (release reads the test cells' scores)
    assert len(notebook.cells[1].outputs) == 3 and notebook.cells[2].outputs
    assert solution_outputs.problems(committed) == []


def test_problems_name_each_cell_in_both_directions():
    notebook = _notebook()
    notebook.cells[1].outputs = []
    problems = solution_outputs.problems(notebook)
    assert [(problem.index, problem.kind) for problem in problems] == [
        (2, solution_outputs.NO_OUTPUT),
        (3, solution_outputs.UNCHECKED_OUTPUT),
        (4, solution_outputs.UNCHECKED_OUTPUT),
    ]
    assert str(problems[0]).startswith("cell 2 (cell-1): checked cell without output")


def test_a_checked_output_with_a_time_an_address_or_a_temporary_path_is_a_problem():
    notebook = _notebook()
    notebook.cells[1].outputs = [
        new_output("stream", name="stdout", text="took 1.5 s at 0x7f3a2b\n"),
        new_output("execute_result", data={"text/plain": "'/tmp/cnncourse-a2-x1y2/PetImages'"}),
    ]
    notebook.cells[2].outputs = notebook.cells[3].outputs = []
    (problem,) = solution_outputs.problems(notebook)
    assert problem.kind == solution_outputs.NOT_DETERMINISTIC
    assert "a time: 1.5 s" in problem.detail
    assert "a memory address: 0x7f3a2b" in problem.detail
    assert "a temporary path: /tmp/cnncourse-a2-x1y2/PetImages'" in problem.detail
    assert solution_outputs.volatile_parts("[ok] layer 2: 448 is right (3 of 3 points)") == []


def test_the_volatile_patterns_include_the_nbval_sanitizer_s():
    config = configparser.ConfigParser()
    config.read(SANITIZE)
    sanitized = {config[section]["regex"] for section in config.sections()}
    assert sanitized and sanitized <= set(solution_outputs.VOLATILE.values())
