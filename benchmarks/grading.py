"""Time the grading of one submission of each assignment (the solution's answers typed into the
released exercise), in the tiny profile unless CNNCOURSE_PROFILE says otherwise."""

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


def main() -> None:
    assignments = sorted(path.name for path in (REPO / "solutions").iterdir() if path.is_dir())
    rows = []
    for assignment in assignments:
        folder = Path(tempfile.mkdtemp(prefix=f"grade-{assignment}-"))
        for notebook in sorted((REPO / "exercises" / assignment).glob("*.ipynb")):
            answers = solution_answers(assignment, notebook.stem)
            submit(folder / "submissions", "student", assignment, notebook.stem,
                   answered(exercise_notebook(assignment, notebook.stem), answers))
        started = time.perf_counter()
        status = grade_all(folder / "submissions", output=str(folder / "grading"),
                           assignments=[assignment], source=REPO / "solutions",
                           profile=os.environ["CNNCOURSE_PROFILE"])
        seconds = time.perf_counter() - started
        grades = (folder / "grading" / "grades.csv").read_text().splitlines()
        rows.append((assignment, seconds, status, grades[1] if len(grades) > 1 else "?"))
        shutil.rmtree(folder, ignore_errors=True)
    print(f"profile {os.environ['CNNCOURSE_PROFILE']}")
    print(f"{'assignment':12} {'seconds':>8}  grades.csv row")
    for assignment, seconds, status, row in rows:
        print(f"{assignment:12} {seconds:8.1f}  {row}  (exit {status})")


if __name__ == "__main__":
    main()
