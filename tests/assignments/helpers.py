"""Grade an assignment's submissions in one batch: the solution, the untouched exercise, mutants.

Submissions are built from the committed notebooks: the released exercise with its answer
cells replaced by the solution's (markers removed) or by mutated copies of them. After
`grade_batch`, per-cell scores come from nbgrader's gradebook and the failed checks'
messages from the grader's journal (written by the trusted phase 2).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[2]
_MARKERS = ("BEGIN SOLUTION", "END SOLUTION")


def solution_notebook(assignment: str, notebook: str):
    return nbformat.read(str(REPO / "solutions" / assignment / f"{notebook}.ipynb"), as_version=4)


def exercise_notebook(assignment: str, notebook: str):
    return nbformat.read(str(REPO / "exercises" / assignment / f"{notebook}.ipynb"), as_version=4)


def _grade_id(cell) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def solution_answers(assignment: str, notebook: str) -> dict[str, str]:
    """The answer cells of the solution (grade_id -> source), as a student would type them."""
    answers = {}
    for cell in solution_notebook(assignment, notebook).cells:
        if cell.get("metadata", {}).get("nbgrader", {}).get("solution"):
            lines = [
                line
                for line in cell.source.split("\n")
                if not any(marker in line for marker in _MARKERS)
            ]
            answers[_grade_id(cell)] = "\n".join(lines)
    return answers


def mutated(answers: dict[str, str], changes: dict[str, list[tuple[str, str]]]) -> dict[str, str]:
    """``answers`` with text replaced in some cells; every old text must occur exactly once."""
    result = dict(answers)
    for grade_id, replacements in changes.items():
        source = result[grade_id]
        for old, new in replacements:
            assert source.count(old) == 1, f"{grade_id}: {old!r} occurs {source.count(old)} times"
            source = source.replace(old, new)
        result[grade_id] = source
    return result


def answered(notebook, answers: dict[str, str]):
    """``notebook`` (changed in place) with the cells whose grade_id is in ``answers`` given
    that source."""
    for cell in notebook.cells:
        if _grade_id(cell) in answers:
            cell.source = answers[_grade_id(cell)]
    return notebook


def submit(submissions: Path, student: str, assignment: str, notebook_name: str, notebook):
    folder = submissions / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, str(folder / f"{notebook_name}.ipynb"))


@dataclass
class GradedBatch:
    """One batch: grades.csv rows by student, per-cell grades and messages, the time taken."""

    assignment: str
    notebook: str
    workdir: Path
    rows: dict[str, dict]
    seconds: float
    scores: dict[str, dict[str, tuple[float, float]]] = field(default_factory=dict)
    messages: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    #: The whole error of a cell that raised (a test cell with no passing check raises an
    #: AssertionError listing every failed check's message), by student and grade_id.
    details: dict[str, dict[str, str]] = field(default_factory=dict)

    def failed(self, student: str, grade_id: str) -> str:
        """The failed checks' messages (and the error) of one test cell, one per line."""
        return "\n".join(self.messages[student].get(grade_id, []))


def grade_batch(base: Path, assignment: str, notebook: str, students: dict) -> GradedBatch:
    """Grade ``students`` (name -> notebook) in one sandboxed `grade_all` batch under ``base``."""
    import json

    from nbgrader.api import Gradebook

    from cnncourse.grading.grade import grade_all, read_grades

    submissions = base / "submissions"
    for student, content in students.items():
        submit(submissions, student, assignment, notebook, content)
    workdir = base / "grading"
    start = time.monotonic()
    result = grade_all(
        submissions, output=workdir, assignments=[assignment], source=REPO / "solutions"
    )
    assert sorted(result.graded_now) == sorted(f"{name}/{assignment}" for name in students)
    seconds = time.monotonic() - start
    batch = GradedBatch(
        assignment,
        notebook,
        workdir,
        {row["student"]: row for row in read_grades(workdir)},
        seconds,
    )
    with Gradebook(f"sqlite:///{workdir / 'gradebook.db'}") as gradebook:
        for student in students:
            submission = gradebook.find_submission_notebook(notebook, assignment, student)
            batch.scores[student] = {
                grade.name: (grade.score, grade.max_score) for grade in submission.grades
            }
    for student in students:
        # The trusted checker's messages (phase 2), as the journal recorded them.
        journal = workdir / "outcomes" / f"{student}--{assignment}.json"
        details = json.loads(journal.read_text())["details"].get(notebook, {})
        batch.messages[student] = {grade_id: list(lines) for grade_id, lines in details.items()}
        batch.details[student] = {
            grade_id: "\n".join(lines) for grade_id, lines in details.items() if lines
        }
    return batch


def auto_points(batch: GradedBatch, student: str) -> dict[str, float]:
    """The autograded cells' points of one student (manual cells left out)."""
    return {
        name: score for name, (score, _) in batch.scores[student].items() if name.endswith("_test")
    }


def max_points(batch: GradedBatch, student: str) -> dict[str, float]:
    return {
        name: maximum
        for name, (_, maximum) in batch.scores[student].items()
        if name.endswith("_test")
    }


def grade_students(
    base: Path,
    assignment: str,
    notebook: str,
    mistaken: dict[str, dict[str, list[tuple[str, str]]]],
) -> GradedBatch:
    """Grade, in one batch, the solution's answers typed into the exercise ("solution"), the
    untouched exercise ("untouched") and one student per entry of ``mistaken`` (name ->
    changes to the solution's answers, as for `mutated`)."""
    answers = solution_answers(assignment, notebook)
    students = {
        "solution": answered(exercise_notebook(assignment, notebook), answers),
        "untouched": exercise_notebook(assignment, notebook),
    }
    for student, changes in mistaken.items():
        students[student] = answered(
            exercise_notebook(assignment, notebook), mutated(answers, changes)
        )
    graded = grade_batch(base, assignment, notebook, students)
    print(f"{assignment}: {len(students)} submissions graded in {graded.seconds:.0f} s")
    return graded
