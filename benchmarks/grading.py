"""Time the grading of one submission of each assignment (the solution's answers typed into the
released exercise), in the tiny profile unless CNNCOURSE_PROFILE says otherwise: phase 1 (the
notebook in the sandbox), phase 2 (the trusted checks), and the sandbox's cost (the same
submission graded again with --no-sandbox). `--no-compare` skips the unsandboxed run."""

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("CNNCOURSE_PROFILE", "tiny")

from cnncourse.grading.grade import grade_all  # noqa: E402
from tests.assignments.helpers import (  # noqa: E402
    answered,
    exercise_notebook,
    solution_answers,
    submit,
)


def grade_once(assignment: str, sandboxed: bool):
    folder = Path(tempfile.mkdtemp(prefix=f"grade-{assignment}-"))
    for notebook in sorted((REPO / "exercises" / assignment).glob("*.ipynb")):
        answers = solution_answers(assignment, notebook.stem)
        submit(
            folder / "submissions",
            "student",
            assignment,
            notebook.stem,
            answered(exercise_notebook(assignment, notebook.stem), answers),
        )
    started = time.perf_counter()
    result = grade_all(
        folder / "submissions",
        output=str(folder / "grading"),
        assignments=[assignment],
        source=REPO / "solutions",
        profile=os.environ["CNNCOURSE_PROFILE"],
        sandboxed=sandboxed,
        echo=lambda line: None,
    )
    seconds = time.perf_counter() - started
    shutil.rmtree(folder, ignore_errors=True)
    return seconds, result.outcomes[0]


def main() -> None:
    compare = "--no-compare" not in sys.argv
    assignments = [name for name in sys.argv[1:] if not name.startswith("--")] or sorted(
        path.name for path in (REPO / "solutions").iterdir() if path.is_dir()
    )
    print(f"profile {os.environ['CNNCOURSE_PROFILE']}")
    print(
        f"{'assignment':10} {'total s':>8} {'phase 1':>8} {'phase 2':>8} "
        f"{'unsandboxed phase 1':>20} {'sandbox cost':>13}  score"
    )
    for assignment in assignments:
        seconds, outcome = grade_once(assignment, True)
        plain = grade_once(assignment, False)[1] if compare else None
        cost = f"{outcome.phase1_seconds - plain.phase1_seconds:13.1f}" if plain else " " * 13
        unsandboxed = f"{plain.phase1_seconds:20.1f}" if plain else " " * 20
        print(
            f"{assignment:10} {seconds:8.1f} {outcome.phase1_seconds:8.1f} "
            f"{outcome.phase2_seconds:8.1f} {unsandboxed} {cost}  "
            f"{outcome.score:g}/{outcome.max_score:g} {outcome.status}"
        )


if __name__ == "__main__":
    main()
