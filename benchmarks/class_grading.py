"""Grade a class of 40 submissions across the five assignments with 1 and with 2 workers.

Per assignment, 8 students: 6 typed the solution's answers into the released exercise, 2
handed in the exercise untouched. The same batch is graded into a fresh folder with
``--workers 1`` and ``--workers 2`` (tiny profile unless CNNCOURSE_PROFILE says otherwise).
Printed: per assignment the mean seconds per submission (its notebooks' run, the checks' own
cells, its share of the checker's whole run with its start and setup cells, and the grader's
overhead), the grader's overhead per submission (everything but the notebook's run in the
sandbox and the checker's run), each batch's total wall time and the speed-up. Targets: 2 workers on
2 cores at least 1.8 times as fast as 1; overhead at most 5 s per submission.

    .venv/bin/python benchmarks/class_grading.py [--students 8] [--workers 1,2]
"""

import argparse
import os
import shutil
import statistics
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

BLANK_EVERY = 4  # students 4 and 8 of each assignment hand in the untouched exercise


def build_class(folder: Path, students: int) -> Path:
    submissions = folder / "submissions"
    for assignment in sorted(path.name for path in (REPO / "solutions").iterdir() if path.is_dir()):
        for notebook in sorted((REPO / "exercises" / assignment).glob("*.ipynb")):
            for number in range(1, students + 1):
                exercise = exercise_notebook(assignment, notebook.stem)
                if number % BLANK_EVERY:
                    exercise = answered(exercise, solution_answers(assignment, notebook.stem))
                submit(submissions, f"s{number:02d}", assignment, notebook.stem, exercise)
    return submissions


def grade(submissions: Path, workers: int):
    output = Path(tempfile.mkdtemp(prefix=f"class-{workers}w-"))
    started = time.perf_counter()
    result = grade_all(
        submissions,
        output=output,
        source=REPO / "solutions",
        profile=os.environ["CNNCOURSE_PROFILE"],
        workers=workers,
        echo=lambda line: print(f"  {line}", flush=True),
    )
    seconds = time.perf_counter() - started
    shutil.rmtree(output, ignore_errors=True)
    return seconds, result.outcomes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=8, help="per assignment (default 8)")
    parser.add_argument("--workers", default="1,2", help="worker counts to compare")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="class-"))
    submissions = build_class(folder, args.students)
    runs = {}
    for workers in [int(value) for value in args.workers.split(",")]:
        print(f"grading with {workers} worker(s)", flush=True)
        runs[workers] = grade(submissions, workers)
    shutil.rmtree(folder, ignore_errors=True)
    print(f"\nprofile {os.environ['CNNCOURSE_PROFILE']}, {args.students} students per assignment")
    assignments = sorted(
        {outcome.assignment for _, outcomes in runs.values() for outcome in outcomes}
    )
    header = "".join(f"{f'{w} worker(s): s, ph1, ph2, checker, overhead':>48}" for w in runs)
    print(f"{'assignment':10}{header}")
    for assignment in assignments:
        cells = []
        for _, outcomes in runs.values():
            mine = [o for o in outcomes if o.assignment == assignment]
            cells.append(
                f"{statistics.mean(o.seconds for o in mine):16.1f}"
                f"{statistics.mean(o.phase1_seconds for o in mine):8.1f}"
                f"{statistics.mean(o.phase2_seconds for o in mine):8.1f}"
                f"{statistics.mean(o.checker_seconds for o in mine):8.1f}"
                f"{statistics.mean(o.overhead_seconds for o in mine):8.1f}"
            )
        print(f"{assignment:10}" + "".join(cells))
    for workers, (seconds, outcomes) in runs.items():
        overhead = [o.overhead_seconds for o in outcomes]
        statuses = sorted({o.status for o in outcomes})
        print(
            f"{workers} worker(s): {len(outcomes)} submissions in {seconds:.0f} s "
            f"({seconds / len(outcomes):.1f} s per submission), overhead per submission "
            f"mean {statistics.mean(overhead):.1f} s, max {max(overhead):.1f} s; "
            f"statuses {statuses}"
        )
    if 1 in runs and len(runs) > 1:
        for workers in runs:
            if workers != 1:
                print(f"speed-up of {workers} workers over 1: {runs[1][0] / runs[workers][0]:.2f}x")


if __name__ == "__main__":
    main()
