"""The class report: per-question statistics and score histograms from the gradebook (CSV, PNG)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cnncourse.grading.report_stats import (
    BUCKETS,
    COUNTED,
    LOW_DISCRIMINATION,
    AssignmentStats,
    ClassStatistics,
    GradeRecord,
    QuestionStats,
    class_statistics,
    discrimination,
    gradebook_grades,
    score_histogram,
)
from cnncourse.grading.report_tables import (
    ASSIGNMENTS_FILE,
    QUESTIONS_FILE,
    SCORES_FILE,
    table_lines,
    write_tables,
)

PLOT_FILE = "report.png"


@dataclass
class ClassReport(ClassStatistics):
    """The class's statistics and, once `class_report` wrote them, the files that hold them."""

    tables: list[Path] = field(default_factory=list)  # questions.csv, assignments.csv, ...
    figure: Path | None = None  # report.png

    def lines(self) -> list[str]:
        """The warnings, a short table per question and a line per assignment, the files."""
        lines = [*self.warnings, *table_lines(self.questions, self.assignments)]
        if self.tables:
            files = [*self.tables, *([self.figure] if self.figure else [])]
            lines.append(f"wrote {', '.join(map(str, files[:-1]))} and {files[-1]}")
        return lines


def class_report(workdir: Path, output: Path) -> ClassReport:
    """Write the tables and report.png for the batch graded in ``workdir``; the statistics
    and the files come back (`ClassReport.lines` is the summary in words)."""
    from cnncourse.grading.report_plot import plot_report

    found = class_statistics(Path(workdir))
    report = ClassReport(found.questions, found.assignments, found.warnings)
    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    report.tables = write_tables(report.questions, report.assignments, output)
    report.figure = output / PLOT_FILE
    plot_report(report.questions, report.assignments, report.figure)
    return report


__all__ = [
    "ASSIGNMENTS_FILE",
    "BUCKETS",
    "COUNTED",
    "LOW_DISCRIMINATION",
    "PLOT_FILE",
    "QUESTIONS_FILE",
    "SCORES_FILE",
    "AssignmentStats",
    "ClassReport",
    "ClassStatistics",
    "GradeRecord",
    "QuestionStats",
    "class_report",
    "class_statistics",
    "discrimination",
    "gradebook_grades",
    "score_histogram",
]
