"""Phase 2 of grading, trusted: run every question's checks on the values phase 1 collected.

``python -m cnncourse.grading.checker REQUEST`` runs in a process that never ran student
code. For each submission of the request it executes the instructor notebook's setup cells
(the expected values come from there), then each test cell's whole source, visible and
hidden, in order, with the question's reads rebuilt from plain data (`values.load_question`)
and nothing else of the student's. It writes one JSON file of scores and messages per
submission as it goes, so a checker stopped midway loses only the submission it was on.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat

from cnncourse.grading.declarations import analyse, declarations, parse


@dataclass
class QuestionScore:
    """The trusted outcome of one test cell."""

    grade_id: str
    title: str
    points: float
    max_points: float
    checks: list = field(default_factory=list)  # [{"passed", "points", "message"}]
    error: str | None = None
    output: str = ""

    @property
    def messages(self) -> list[str]:
        failed = [check["message"] for check in self.checks if not check["passed"]]
        return failed + ([self.error] if self.error else [])


def _run(source: str, namespace: dict) -> tuple[str, BaseException | None]:
    """Execute ``source`` in ``namespace``, the last expression evaluated too; (stdout, error)."""
    output = io.StringIO()
    try:
        tree = parse(source)
        with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
            exec(compile(tree, "<test cell>", "exec"), namespace)  # noqa: S102 - instructor code
    except BaseException as error:  # noqa: BLE001 - SystemExit of a check included
        return output.getvalue(), error
    return output.getvalue(), None


def setup(notebook, indexes) -> dict:
    """A fresh namespace with the instructor's setup cells executed."""
    from IPython.display import display

    namespace = {"__name__": "__main__", "display": display}
    for index in indexes:
        _, error = _run(notebook.cells[index].source, namespace)
        if error is not None:
            raise RuntimeError(
                f"setup cell {index + 1} of the instructor notebook failed: "
                f"{type(error).__name__}: {error}"
            ) from error
    return namespace


def check_question(declaration, namespace: dict, values_root: Path) -> QuestionScore:
    """Run one test cell's checks in ``namespace`` on the values of ``values_root``."""
    from cnncourse.checks.form import Missing
    from cnncourse.checks.question import reading_loaded_values
    from cnncourse.grading.values import load_question

    values = load_question(values_root, declaration.grade_id, declaration.reads)
    missing = {name: value.reason for name, value in values.items() if isinstance(value, Missing)}
    for name in declaration.reads:
        namespace.pop(name, None)
    namespace.update({name: value for name, value in values.items() if name not in missing})
    questions = reading_loaded_values(True, missing)
    try:
        output, error = _run(declaration.source, namespace)
    finally:
        reading_loaded_values(False)
    score = QuestionScore(
        declaration.grade_id, declaration.title, 0.0, declaration.points, output=output[-4000:]
    )
    if not questions:
        score.error = (
            f"the checks could not run: {type(error).__name__}: {error}"
            if error
            else "the test cell made no checks.Question"
        )
        return score
    question = questions[-1]
    score.checks = [
        {"passed": result.passed, "points": points, "message": result.message}
        for result, points in question.parts
    ]
    if error is not None and not isinstance(error, AssertionError):
        score.error = f"the checks could not run: {type(error).__name__}: {error}"
        return score
    score.points = max(0.0, min(float(question.points), declaration.points))
    return score


def check_submission(notebook, values_root: Path) -> list[QuestionScore]:
    """Every question of ``notebook`` (the instructor's source) on one submission's values."""
    namespace = setup(notebook, analyse(notebook).setup)
    return [
        check_question(declaration, namespace, values_root)
        for declaration in declarations(notebook)
    ]


def main(argv: list[str]) -> int:
    request = json.loads(Path(argv[0]).read_text())
    import cnncourse  # noqa: F401 - the quiet TensorFlow environment first

    os.chdir(request["workdir"])
    notebook = nbformat.read(request["source"], as_version=4)
    results = Path(request["results"])
    for job in request["submissions"]:
        start = time.monotonic()
        try:
            scores = [asdict(score) for score in check_submission(notebook, Path(job["values"]))]
            outcome = {"scores": scores, "error": None}
        except Exception as error:  # noqa: BLE001 - the instructor's setup, reported
            outcome = {"scores": [], "error": f"{type(error).__name__}: {error}"}
        outcome["seconds"] = round(time.monotonic() - start, 2)
        target = results / f"{job['key']}.json"
        target.with_suffix(".tmp").write_text(json.dumps(outcome))
        target.with_suffix(".tmp").replace(target)
    return 0


if __name__ == "__main__":
    status = main(sys.argv[1:])
    sys.stdout.flush()
    sys.stderr.flush()
    # Every result is on disk: skip the 1-2 s TensorFlow's threads take to wind down.
    os._exit(status)
