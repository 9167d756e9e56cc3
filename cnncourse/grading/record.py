"""The trusted side's writes: scores into the gradebook, the autograded notebook, the journal.

Only this module writes grades. Per submission, the autograded notebook is written first,
then the gradebook in one transaction (nbgrader's Grade rows per grade cell: the checker's
points for test cells, pending manual grading for written answers), then the journal entry,
atomically: a grader killed at any point and started again redoes at most that submission,
and overwrites rather than adds, so no grade is lost or doubled.
"""

from __future__ import annotations

import copy
import json
from dataclasses import asdict, dataclass
from pathlib import Path

import nbformat

from cnncourse.grading.declarations import is_answer, is_test, nbgrader_of
from cnncourse.grading.writer_lock import exclusive_writer

#: Output types of the student's cells kept for feedback and formgrader (no HTML, no scripts).
SAFE_MIME_TYPES = ("text/plain", "image/png")


@dataclass(frozen=True)
class Outcome:
    """One submission's recorded outcome: a row of grades.csv and the journal."""

    student: str
    assignment: str
    score: float
    max_score: float
    status: str
    reason: str
    seconds: float = 0.0
    digest: str = ""
    pending_manual: int = 0
    phase1_seconds: float = 0.0  # the notebooks' runs in the sandbox
    phase2_seconds: float = 0.0  # the trusted checks' own cells
    checker_seconds: float = 0.0  # its share of the checker's run: start, setup cells, checks
    tests_digest: str = ""  # the instructor's assignment folder it was graded with
    worker: str = ""  # where phase 1 ran
    overhead_seconds: float = 0.0  # the grader's own time: all but the notebooks and the checker


def _safe_outputs(outputs) -> list:
    kept = []
    for output in outputs:
        kind = output.get("output_type")
        if kind == "stream":
            kept.append(
                nbformat.v4.new_output(
                    "stream", name="stdout", text=str(output.get("text", ""))[:20000]
                )
            )
        elif kind == "error":
            kept.append(
                nbformat.v4.new_output(
                    "error",
                    ename=str(output.get("ename", "Error"))[:100],
                    evalue=str(output.get("evalue", ""))[:2000],
                    traceback=[str(line)[:2000] for line in output.get("traceback", [])[-3:]],
                )
            )
        elif kind in ("display_data", "execute_result"):
            data = {
                key: value
                for key, value in output.get("data", {}).items()
                if key in SAFE_MIME_TYPES
            }
            if data:
                kept.append(nbformat.v4.new_output("display_data", data=data))
    return kept


def autograded_notebook(source, executed, scores: dict):
    """The notebook feedback and formgrader show: the instructor's cells, the student's
    answers and their (sanitised) outputs, and each test cell with the checker's messages."""
    answers = {}
    if executed is not None:
        answers = {
            nbgrader_of(cell).get("grade_id"): cell for cell in executed.cells if is_answer(cell)
        }
    cells = []
    for cell in source.cells:
        grade_id = nbgrader_of(cell).get("grade_id")
        new = copy.deepcopy(cell)
        if is_answer(cell):
            given = answers.get(grade_id)
            if given is not None:
                new.source = given.source
                if new.cell_type == "code":
                    new.outputs = _safe_outputs(given.get("outputs", []))
            elif new.cell_type == "code":
                new.outputs = []
        elif is_test(cell):
            score = scores.get(grade_id)
            lines = [
                f"{'[ok]  ' if check['passed'] else '[FAIL]'} {check['message']}"
                for check in (score or {}).get("checks", [])
            ]
            if score and score.get("error"):
                lines.append(f"[FAIL] {score['error']}")
            points = 0.0 if score is None else score["points"]
            lines.append(f"{points:g} of {nbgrader_of(cell).get('points', 0):g} points")
            new.outputs = [
                nbformat.v4.new_output("stream", name="stdout", text="\n".join(lines) + "\n")
            ]
            new.execution_count = None
        elif new.cell_type == "code":
            new.outputs = []
        cells.append(new)
    notebook = nbformat.v4.new_notebook(cells=cells, metadata=copy.deepcopy(source.metadata))
    return notebook


def record_grades(
    db_url: str, assignment: str, student: str, notebooks: dict[str, dict]
) -> tuple[float, float, int]:
    """Write one submission's grades in one transaction; (score, max score, pending manual).

    ``notebooks`` maps notebook names to ``{"scores": {grade_id: points}, "unanswered":
    {grade_ids}}``; a notebook absent from it is recorded with no points.
    """
    from nbgrader.api import Gradebook

    with exclusive_writer(db_url), Gradebook(db_url) as gradebook:
        gradebook.update_or_create_student(student)
        submission = gradebook.update_or_create_submission(assignment, student)
        pending = 0
        for notebook in submission.notebooks:
            given = notebooks.get(notebook.name, {"scores": {}, "unanswered": set()})
            graded = notebook.name in notebooks
            for grade in notebook.grades:
                if grade.name in given["scores"]:
                    # An instructor's manual score on a test cell overrides it (nbgrader's
                    # Grade.score): nothing waits for grading by hand.
                    grade.auto_score = float(given["scores"][grade.name])
                    grade.needs_manual_grade = False
                elif not graded or grade.name in given["unanswered"]:
                    grade.auto_score = 0.0
                    grade.needs_manual_grade = False
                else:  # a written answer: graded by hand in formgrader
                    grade.auto_score = None
                    grade.needs_manual_grade = grade.manual_score is None
                    pending += grade.needs_manual_grade
        gradebook.db.commit()
        found = gradebook.find_submission(assignment, student)
        return float(found.score), float(found.max_score), pending


def remove_grades(db_url: str, assignment: str, student: str) -> None:
    """Forget a submission's grades (one that could not be graded this time)."""
    from nbgrader.api import Gradebook, MissingEntry

    with exclusive_writer(db_url), Gradebook(db_url) as gradebook:
        try:
            gradebook.remove_submission(assignment, student)
        except MissingEntry:
            pass


def journal_path(workdir: Path, student: str, assignment: str) -> Path:
    return Path(workdir) / "outcomes" / f"{student}--{assignment}.json"


def write_journal(workdir: Path, outcome: Outcome, details: dict) -> None:
    """Write one submission's outcome atomically (the last step of recording it)."""
    path = journal_path(workdir, outcome.student, outcome.assignment)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps({"outcome": asdict(outcome), "details": details}, indent=1))
    temporary.replace(path)


def read_journal(workdir: Path) -> list[dict]:
    """Every recorded outcome of a grading folder, sorted by student and assignment."""
    folder = Path(workdir) / "outcomes"
    entries = [json.loads(path.read_text()) for path in sorted(folder.glob("*.json"))]
    return sorted(
        entries, key=lambda entry: (entry["outcome"]["student"], entry["outcome"]["assignment"])
    )
