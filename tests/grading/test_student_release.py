"""What students receive holds no solution, no hidden test and no expected value of a graded
question, and every visible test checks form only (the sealing rule, over every exercise)."""

from __future__ import annotations

import ast
import re
import zipfile

import nbformat
import pytest

from cnncourse.grading.declarations import is_test
from cnncourse.grading.release import student_bundle
from cnncourse.grading.sealed import notebook_problems
from tests.conftest import REPO

ASSIGNMENTS = sorted(path.name for path in (REPO / "exercises").iterdir() if path.is_dir())
_HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS(.*?)### END HIDDEN TESTS", re.DOTALL)
FORBIDDEN = (
    "BEGIN SOLUTION",
    "END SOLUTION",
    "BEGIN HIDDEN TESTS",
    "END HIDDEN TESTS",
    "BEGIN MARK SCHEME",
)


def _bundle(tmp_path, assignment):
    archive = student_bundle(REPO / "exercises", assignment, tmp_path)
    with zipfile.ZipFile(archive) as bundle:
        return {name: bundle.read(name).decode("utf-8", "replace") for name in bundle.namelist()}


def _expected_numbers(assignment: str) -> set[int]:
    """Integer literals of 100 or more written in the hidden tests of the solutions."""
    numbers = set()
    for path in (REPO / "solutions" / assignment).glob("*.ipynb"):
        for cell in nbformat.read(str(path), as_version=4).cells:
            if not is_test(cell):
                continue
            for hidden in _HIDDEN.findall(cell.source):
                try:
                    tree = ast.parse(hidden)
                except SyntaxError:
                    continue
                numbers |= {
                    node.value
                    for node in ast.walk(tree)
                    if isinstance(node, ast.Constant)
                    and type(node.value) is int
                    and node.value >= 100
                }
    return numbers


def _code_text(notebook) -> str:
    return "\n".join(
        cell.source + "\n" + str(cell.get("outputs", ""))
        for cell in notebook.cells
        if cell.cell_type == "code"
    )


def _markdown_text(notebook) -> str:
    return "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_student_bundle_holds_no_solution_and_no_hidden_test(tmp_path, assignment):
    files = _bundle(tmp_path, assignment)
    assert any(name.endswith(".ipynb") for name in files)
    for name, text in files.items():
        for marker in FORBIDDEN:
            assert marker not in text, f"{name} holds {marker!r}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_visible_test_checks_form_only(assignment):
    for path in sorted((REPO / "exercises" / assignment).glob("*.ipynb")):
        assert notebook_problems(nbformat.read(str(path), as_version=4)) == []


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_no_expected_value_reaches_the_students_code_cells(tmp_path, assignment):
    files = _bundle(tmp_path, assignment)
    expected = _expected_numbers(assignment)
    assert expected, f"{assignment}: no expected value found in the hidden tests"
    for name, text in files.items():
        if not name.endswith(".ipynb"):
            continue
        notebook = nbformat.reads(text, as_version=4)
        code, stated = _code_text(notebook), _markdown_text(notebook)
        for number in sorted(expected):
            forms = {str(number), f"{number:,}", f"{number:_}"}
            if any(form in stated for form in forms):
                continue  # the question's text gives it: part of the task, not an answer
            leaked = [
                form
                for form in forms
                if re.search(
                    rf"(?<![\d.,_]){re.escape(form)}"
                    rf"(?![\d_]|,\d)",
                    code,
                )
            ]
            assert not leaked, f"{name}: the expected value {number} is in a code cell"


def test_a_hidden_test_of_the_fixture_never_reaches_the_bundle(demo_course, tmp_path):
    from .helpers import HIDDEN_MARKER

    archive = student_bundle(demo_course / "exercises", "demo", tmp_path)
    with zipfile.ZipFile(archive) as bundle:
        text = "".join(bundle.read(name).decode() for name in bundle.namelist())
    assert HIDDEN_MARKER not in text and "demo/demo.ipynb" in bundle.namelist()
