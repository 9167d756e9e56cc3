"""The class report's tables: questions.csv, assignments.csv and scores.csv, and in words."""

from __future__ import annotations

import csv
from pathlib import Path

from cnncourse.grading.report_stats import BUCKETS, COUNTED
from cnncourse.grading.settings import STATUSES

QUESTIONS_FILE = "questions.csv"
ASSIGNMENTS_FILE = "assignments.csv"
SCORES_FILE = "scores.csv"


def _number(value: float | None, digits: int = 3) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def write_tables(questions, assignments, output: Path) -> list[Path]:
    """Write questions.csv, assignments.csv and scores.csv (the histograms) into ``output``;
    their paths."""
    with (output / QUESTIONS_FILE).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "assignment",
                "notebook",
                "grade_id",
                "question",
                "kind",
                "max_points",
                "submissions",
                "pending",
                "passed",
                "pass_rate",
                "mean_points",
                "sd_points",
                "discrimination",
            ]
        )
        for q in questions:
            writer.writerow(
                [
                    q.assignment,
                    q.notebook,
                    q.grade_id,
                    q.title,
                    q.kind,
                    f"{q.max_points:g}",
                    q.submissions,
                    q.pending,
                    q.passed,
                    _number(q.pass_rate),
                    _number(q.mean_points),
                    _number(q.sd_points),
                    _number(q.discrimination),
                ]
            )
    with (output / ASSIGNMENTS_FILE).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "assignment",
                "max_score",
                "submissions",
                "counted",
                *STATUSES,
                "pending_manual",
                "mean",
                "median",
                "sd",
            ]
        )
        for a in assignments:
            writer.writerow(
                [
                    a.assignment,
                    f"{a.max_score:g}",
                    a.submissions,
                    a.counted,
                    *(a.statuses[status] for status in STATUSES),
                    a.pending_manual,
                    *(_number(value) for value in a.summary()),
                ]
            )
    with (output / SCORES_FILE).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["assignment", "score_percent", "submissions"])
        for a in assignments:
            for bucket, number in enumerate(a.histogram()):
                low, high = bucket * 100 // BUCKETS, (bucket + 1) * 100 // BUCKETS
                writer.writerow([a.assignment, f"{low}-{high}", number])
    return [output / QUESTIONS_FILE, output / ASSIGNMENTS_FILE, output / SCORES_FILE]


def table_lines(questions, assignments) -> list[str]:
    """A short table per question and one line per assignment."""
    lines = [f"{'question':36} {'n':>4} {'pend':>4} {'pass':>5} {'mean/max':>11} {'disc':>5}"]
    for q in questions:
        name = f"{q.assignment}/{q.title}"[:36]
        rate = "" if q.pass_rate is None else f"{q.pass_rate:.0%}"
        mean = "-" if q.mean_points is None else f"{q.mean_points:.2f}"
        disc = "-" if q.discrimination is None else f"{q.discrimination:.2f}"
        lines.append(
            f"{name:36} {q.submissions:>4} {q.pending:>4} {rate:>5} "
            f"{mean + '/' + format(q.max_points, 'g'):>11} {disc:>5}"
        )
    for a in assignments:
        apart = ", ".join(
            f"{number} {status}"
            for status, number in a.statuses.items()
            if number and status not in COUNTED
        )
        mean, median, sd = a.summary()
        scores = (
            "no scores"
            if mean is None
            else f"total out of {a.max_score:g}: mean {mean:.2f}, median {median:g}, sd {sd:.2f}"
        )
        lines.append(
            f"{a.assignment}: {a.counted} of {a.submissions} submissions counted"
            f"{f' ({apart} left out)' if apart else ''}; {scores}"
            f"{f'; {a.pending_manual} grades wait for formgrader' if a.pending_manual else ''}"
        )
    return lines
