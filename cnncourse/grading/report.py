"""The class report: per-question pass rates and the score distribution (CSV, printed, PNG)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from cnncourse.grading.execute import kernel_environment
from cnncourse.grading.grade import load_course, read_grades

QUESTIONS_FILE = "questions.csv"
SCORES_FILE = "scores.csv"
PLOT_FILE = "report.png"
BUCKETS = 10


@dataclass(frozen=True)
class QuestionStats:
    """How the class did on one test cell (a passing submission earned all its points)."""

    assignment: str
    notebook: str
    question: str
    max_points: float
    submissions: int
    passed: int
    mean_points: float

    @property
    def pass_rate(self) -> float:
        return self.passed / self.submissions if self.submissions else 0.0


def question_stats(db_url: str, rows: list[dict]) -> list[QuestionStats]:
    """Per-question statistics over the (student, assignment) pairs of ``rows``."""
    from nbgrader.api import Gradebook, MissingEntry

    students_by_assignment: dict[str, list[str]] = {}
    for row in rows:
        students_by_assignment.setdefault(row["assignment"], []).append(row["student"])
    stats = []
    with kernel_environment(None), Gradebook(db_url) as gradebook:
        for assignment, students in sorted(students_by_assignment.items()):
            try:
                notebooks = gradebook.find_assignment(assignment).notebooks
            except MissingEntry:
                continue
            for notebook in sorted(notebooks, key=lambda n: n.name):
                for cell in notebook.grade_cells:
                    if cell.cell_type != "code":
                        continue
                    scores = []
                    for student in students:
                        try:
                            grade = gradebook.find_grade(cell.name, notebook.name, assignment,
                                                         student)
                            scores.append(float(grade.score or 0.0))
                        except MissingEntry:
                            scores.append(0.0)  # never graded: an unreadable submission
                    maximum = float(cell.max_score)
                    stats.append(QuestionStats(
                        assignment=assignment, notebook=notebook.name, question=cell.name,
                        max_points=maximum, submissions=len(scores),
                        passed=sum(1 for s in scores if s >= maximum - 1e-9),
                        mean_points=sum(scores) / len(scores) if scores else 0.0))
    return stats


def score_distribution(rows: list[dict]) -> dict[str, list[int]]:
    """For each assignment, how many submissions scored in each tenth of the maximum."""
    counts: dict[str, list[int]] = {}
    for row in rows:
        maximum = float(row["max_score"] or 0)
        fraction = float(row["score"] or 0) / maximum if maximum else 0.0
        bucket = min(int(fraction * BUCKETS), BUCKETS - 1)
        counts.setdefault(row["assignment"], [0] * BUCKETS)[bucket] += 1
    return counts


def _write_tables(stats, distribution, output: Path) -> None:
    with (output / QUESTIONS_FILE).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["assignment", "notebook", "question", "max_points", "submissions",
                         "passed", "pass_rate", "mean_points"])
        for s in stats:
            writer.writerow([s.assignment, s.notebook, s.question, f"{s.max_points:g}",
                             s.submissions, s.passed, f"{s.pass_rate:.3f}",
                             f"{s.mean_points:.3f}"])
    with (output / SCORES_FILE).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["assignment", "score_percent", "submissions"])
        for assignment, counts in sorted(distribution.items()):
            for bucket, number in enumerate(counts):
                low, high = bucket * 100 // BUCKETS, (bucket + 1) * 100 // BUCKETS
                writer.writerow([assignment, f"{low}-{high}", number])


def _print_tables(stats, rows) -> None:
    print(f"{'question':40} {'passed':>9} {'rate':>6} {'mean':>11}")
    for s in stats:
        name = f"{s.assignment}/{s.notebook}/{s.question}"
        print(f"{name:40} {s.passed:>4}/{s.submissions:<4} {s.pass_rate:6.0%} "
              f"{s.mean_points:5.2f}/{s.max_points:<5g}")
    for assignment in sorted({row["assignment"] for row in rows}):
        scores = sorted(float(row["score"]) for row in rows if row["assignment"] == assignment)
        maximum = max(float(row["max_score"]) for row in rows if row["assignment"] == assignment)
        middle = scores[len(scores) // 2] if len(scores) % 2 else \
            (scores[len(scores) // 2 - 1] + scores[len(scores) // 2]) / 2
        print(f"{assignment}: {len(scores)} submissions, scores out of {maximum:g}: "
              f"min {scores[0]:g}, median {middle:g}, max {scores[-1]:g}, "
              f"mean {sum(scores) / len(scores):.2f}")


def _plot(stats, distribution, path: Path) -> None:
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(11, max(3.5, 0.35 * len(stats) + 1.5)), layout="constrained")
    rates, scores = figure.subplots(1, 2)
    labels = [f"{s.assignment}/{s.question}" for s in stats]
    rates.barh(range(len(stats)), [100 * s.pass_rate for s in stats], color="tab:blue")
    rates.set_yticks(range(len(stats)), labels)
    rates.invert_yaxis()
    rates.set_xlim(0, 100)
    rates.set_xlabel("submissions with full points (%)")
    rates.set_title("Pass rate per question")
    edges = [bucket * 100 / BUCKETS for bucket in range(BUCKETS)]
    width = 100 / BUCKETS / max(1, len(distribution))
    for offset, (assignment, counts) in enumerate(sorted(distribution.items())):
        scores.bar([edge + offset * width for edge in edges], counts, width=width,
                   align="edge", label=assignment)
    scores.set_xlim(0, 100)
    scores.set_xlabel("score (% of the maximum)")
    scores.set_ylabel("submissions")
    scores.yaxis.set_major_locator(MaxNLocator(integer=True))
    scores.set_title("Score distribution")
    scores.legend()
    figure.savefig(path, dpi=100)


def class_report(workdir: Path, output: Path) -> int:
    """Write questions.csv, scores.csv and report.png for the batch graded in ``workdir``."""
    course = load_course(Path(workdir))
    rows = read_grades(workdir)
    if not rows:
        raise ValueError(f"{Path(workdir) / 'grades.csv'} has no submissions")
    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    stats = question_stats(course.db_url, rows)
    distribution = score_distribution(rows)
    _write_tables(stats, distribution, output)
    _print_tables(stats, rows)
    _plot(stats, distribution, output / PLOT_FILE)
    print(f"wrote {output / QUESTIONS_FILE}, {output / SCORES_FILE} and {output / PLOT_FILE}")
    return 0
