"""Build the notebook phase 1 runs in the sandbox: the release's cells with the student's answers.

Every cell comes from the release except the answer cells (taken from the submission by grade
id) and the code cells the student added (kept after the graded cell they followed). Each test
cell keeps only its visible part, as the student had it, and first writes out the question's
reads (`collect`), so the sandbox holds no hidden test and no expected value.
"""

from __future__ import annotations

import copy

import nbformat

from cnncourse.grading.declarations import Declaration, is_answer, is_test, nbgrader_of
from cnncourse.grading.sealed import visible_source
from cnncourse.grading.tamper import by_grade_id


def collect_line(declaration: Declaration, folder: str) -> str:
    """The first line of a sandboxed test cell: write the question's reads to ``folder``."""
    reads = {name: list(read) for name, read in declaration.reads.items()}
    return (
        f"__import__('cnncourse.grading.collect', fromlist=['collect']).collect("
        f"{folder!r}, {declaration.grade_id!r}, {reads!r})"
    )


def _fresh(cell):
    cell = copy.deepcopy(cell)
    if cell.cell_type == "code":
        cell.outputs, cell.execution_count = [], None
    cell.get("metadata", {}).pop("execution", None)
    return cell


def _added_cells(release, submitted) -> dict[str | None, list]:
    """The submission's cells without a grade id, by the grade id of the graded cell before."""
    known = {nbgrader_of(cell).get("grade_id") for cell in release.cells}
    added: dict[str | None, list] = {}
    anchor = None
    for cell in submitted.cells:
        grade_id = nbgrader_of(cell).get("grade_id")
        if grade_id in known and grade_id is not None:
            anchor = grade_id
        elif not grade_id and cell.cell_type == "code":
            added.setdefault(anchor, []).append(cell)
    return added


def build(release, submitted, declared: dict[str, Declaration], folder: str):
    """The notebook to execute in the sandbox (a new notebook; the inputs are unchanged).

    ``declared`` maps the grade ids of the test cells to their declarations (read from the
    instructor's source), ``folder`` is where the sandboxed kernel writes the reads.
    """
    answers = by_grade_id(submitted)
    added = _added_cells(release, submitted)
    cells = [_fresh(cell) for cell in added.get(None, [])]
    for cell in release.cells:
        grade_id = nbgrader_of(cell).get("grade_id")
        new = _fresh(cell)
        if is_answer(cell) and grade_id in answers:
            new.source = answers[grade_id].source
        elif is_test(cell) and grade_id in declared:
            new.source = (
                collect_line(declared[grade_id], folder) + "\n" + visible_source(cell.source)
            )
        cells.append(new)
        cells += [_fresh(extra) for extra in added.get(grade_id, [])]
    notebook = nbformat.v4.new_notebook(cells=cells, metadata=copy.deepcopy(release.metadata))
    return notebook
