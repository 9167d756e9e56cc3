"""The class report's statistics per question and per assignment, from gradebook and journal."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cnncourse.grading.execute import kernel_environment
from cnncourse.grading.grade import load_course
from cnncourse.grading.record import read_journal
from cnncourse.grading.settings import STATUSES

BUCKETS = 10
#: Statuses whose grades count: a tampered submission was graded on the released test cells.
COUNTED = ("graded", "tampered")
#: PrairieLearn's advice: "Discrimination values should be above 20%" (unless very easy).
LOW_DISCRIMINATION = 0.2


@dataclass(frozen=True)
class GradeRecord:
    """One grade cell of one submission in the gradebook (``score`` is auto or manual)."""

    notebook: str
    grade_id: str
    cell_type: str
    score: float
    max_score: float
    pending: bool  # nbgrader's needs_manual_grade: waits for (or needs review by) a grader


@dataclass(frozen=True)
class QuestionStats:
    """How the counted submissions did on one grade cell (pending grades left out)."""

    assignment: str
    notebook: str
    grade_id: str
    title: str
    kind: str  # "code" (autograded test cell) or "markdown" (a written answer)
    max_points: float
    submissions: int
    pending: int
    passed: int
    mean_points: float | None
    sd_points: float | None
    discrimination: float | None

    @property
    def pass_rate(self) -> float | None:
        return self.passed / self.submissions if self.submissions else None


@dataclass
class AssignmentStats:
    """An assignment's submissions by status, its total scores and its pending grades."""

    assignment: str
    max_score: float = 0.0
    statuses: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))
    totals: list[float] = field(default_factory=list)
    pending_manual: int = 0

    @property
    def submissions(self) -> int:
        return sum(self.statuses.values())

    @property
    def counted(self) -> int:
        return len(self.totals)

    def summary(self) -> tuple[float | None, float | None, float | None]:
        """Mean, median and (population) standard deviation of the counted totals."""
        if not self.totals:
            return None, None, None
        return (
            statistics.fmean(self.totals),
            statistics.median(self.totals),
            statistics.pstdev(self.totals),
        )

    def histogram(self) -> list[int]:
        return score_histogram(self.totals, self.max_score)


def discrimination(question: Sequence[float], totals: Sequence[float]) -> float | None:
    """PrairieLearn's discrimination of a question: the Pearson correlation coefficient
    between the scores on the question and the total assessment scores, over students.

    PrairieLearn computes ``corr(question score_perc, assessment score_perc)`` in its
    ``sprocs/assessment_questions_calculate_stats.sql`` and describes it as "the correlation
    coefficient between the scores on the question and the total assessment scores" (shown
    there times 100). The total includes the question itself, as in PrairieLearn. A
    correlation is unchanged by scaling, so points give the same value as percentages.
    None (as SQL's corr gives NULL) with fewer than two students or when either side has
    zero variance: every student scored the same.
    """
    if len(question) != len(totals):
        raise ValueError(
            f"discrimination needs one total per question score: "
            f"{len(question)} scores, {len(totals)} totals"
        )
    if len(question) < 2:
        return None
    mean_q, mean_t = statistics.fmean(question), statistics.fmean(totals)
    spread_q = sum((q - mean_q) ** 2 for q in question)
    spread_t = sum((t - mean_t) ** 2 for t in totals)
    if spread_q <= 1e-12 or spread_t <= 1e-12:
        return None
    covariance = sum((q - mean_q) * (t - mean_t) for q, t in zip(question, totals))
    return covariance / math.sqrt(spread_q * spread_t)


def score_histogram(totals: Sequence[float], max_score: float, buckets: int = BUCKETS) -> list[int]:
    """How many totals fall in each 1/``buckets`` of ``max_score`` (the last holds 100%)."""
    counts = [0] * buckets
    for total in totals:
        fraction = total / max_score if max_score > 0 else 0.0
        counts[max(0, min(int(fraction * buckets + 1e-9), buckets - 1))] += 1
    return counts


def gradebook_grades(db_url: str, pairs) -> dict[tuple[str, str], list[GradeRecord]]:
    """The gradebook's grades of each (student, assignment) in ``pairs`` that has any."""
    from nbgrader.api import Gradebook, MissingEntry

    found: dict[tuple[str, str], list[GradeRecord]] = {}
    with kernel_environment(None), Gradebook(db_url) as gradebook:
        for student, assignment in pairs:
            try:
                submission = gradebook.find_submission(assignment, student)
            except MissingEntry:
                continue
            found[(student, assignment)] = [
                GradeRecord(
                    notebook.name,
                    grade.name,
                    getattr(grade.cell, "cell_type", None) or "markdown",  # task cells
                    float(grade.score or 0.0),
                    float(grade.max_score or 0.0),
                    bool(grade.needs_manual_grade),
                )
                for notebook in submission.notebooks
                for grade in notebook.grades
            ]
    return found


def _assignment_max_scores(db_url: str, assignments) -> dict[str, float]:
    from nbgrader.api import Gradebook, MissingEntry

    scores = {}
    with kernel_environment(None), Gradebook(db_url) as gradebook:
        for assignment in assignments:
            try:
                scores[assignment] = float(gradebook.find_assignment(assignment).max_score)
            except MissingEntry:
                continue
    return scores


def _source_cells(source: Path, assignment: str, notebook: str) -> tuple[dict, dict]:
    """({grade_id: title}, {grade_id: position}) from the instructor notebook, if readable."""
    import nbformat

    from cnncourse.grading.declarations import declarations, nbgrader_of

    path = Path(source) / assignment / f"{notebook}.ipynb"
    try:
        cells = nbformat.read(str(path), as_version=4)
    except (OSError, ValueError):
        return {}, {}
    order = {
        nbgrader_of(cell).get("grade_id"): index
        for index, cell in enumerate(cells.cells)
        if nbgrader_of(cell).get("grade")
    }
    try:
        titles = {item.grade_id: str(item.title) for item in declarations(cells)}
    except (ValueError, SyntaxError):
        titles = {}
    return titles, order


def _question_stats(
    assignment: str, notebook: str, grade_id: str, title: str, rows: list[tuple[GradeRecord, float]]
) -> QuestionStats:
    """Statistics of one grade cell from (its grade, the submission's total) per submission."""
    graded = [(record.score, total) for record, total in rows if not record.pending]
    points = [score for score, _ in graded]
    maximum = rows[0][0].max_score
    return QuestionStats(
        assignment=assignment,
        notebook=notebook,
        grade_id=grade_id,
        title=title,
        kind=rows[0][0].cell_type,
        max_points=maximum,
        submissions=len(graded),
        pending=len(rows) - len(graded),
        passed=sum(1 for score in points if maximum > 0 and score >= maximum - 1e-9),
        mean_points=statistics.fmean(points) if points else None,
        sd_points=statistics.pstdev(points) if points else None,
        discrimination=discrimination(points, [total for _, total in graded]),
    )


@dataclass
class ClassStatistics:
    """Every question's and every assignment's statistics, in order, and what was left out."""

    questions: list[QuestionStats]
    assignments: list[AssignmentStats]
    warnings: list[str] = field(default_factory=list)  # submissions left out, and why


def class_statistics(workdir: Path) -> ClassStatistics:
    """Per-question and per-assignment statistics of the batch graded in ``workdir``.

    Scores come from the gradebook (so grades given in formgrader count); which submissions
    count comes from the journal: graded and tampered ones, never invalid, missing, failed,
    timed-out or stopped ones (those are counted apart, not as zeros; a counted one without
    grades in the gradebook is left out with a warning).
    """
    course = load_course(Path(workdir))
    outcomes = [entry["outcome"] for entry in read_journal(workdir)]
    if not outcomes:
        raise ValueError(
            f"{Path(workdir) / 'outcomes'} holds no graded submission: run `cnncourse grade` first"
        )
    grades = gradebook_grades(course.db_url, [(o["student"], o["assignment"]) for o in outcomes])
    maxima = _assignment_max_scores(course.db_url, {o["assignment"] for o in outcomes})
    warnings: list[str] = []
    assignments: dict[str, AssignmentStats] = {}
    cells: dict[tuple[str, str, str], list[tuple[GradeRecord, float]]] = {}
    for outcome in outcomes:
        name, status = outcome["assignment"], outcome["status"]
        if status not in STATUSES:
            raise ValueError(
                f"the journal entry of {outcome['student']}/{name} in {workdir} "
                f"has status {status!r}, not one of {', '.join(STATUSES)}"
            )
        stats = assignments.setdefault(
            name, AssignmentStats(name, maxima.get(name, float(outcome.get("max_score") or 0.0)))
        )
        stats.statuses[status] += 1
        records = grades.get((outcome["student"], name), [])
        stats.pending_manual += sum(record.pending for record in records)
        if status not in COUNTED:
            continue
        if not records:
            warnings.append(
                f"warning: {outcome['student']}/{name} is {status} in the journal of "
                f"{workdir} but has no grades in the gradebook; left out"
            )
            continue
        total = sum(record.score for record in records)
        stats.totals.append(total)
        for record in records:
            cells.setdefault((name, record.notebook, record.grade_id), []).append((record, total))
    questions = []
    sources: dict[tuple[str, str], tuple[dict, dict]] = {}
    for (name, notebook, grade_id), rows in cells.items():
        if (name, notebook) not in sources:
            sources[(name, notebook)] = _source_cells(course.source, name, notebook)
        titles, _ = sources[(name, notebook)]
        questions.append(
            _question_stats(name, notebook, grade_id, titles.get(grade_id, grade_id), rows)
        )

    def position(question: QuestionStats):
        order = sources[(question.assignment, question.notebook)][1]
        return (
            question.assignment,
            question.notebook,
            order.get(question.grade_id, math.inf),
            question.grade_id,
        )

    return ClassStatistics(
        sorted(questions, key=position),
        [assignments[name] for name in sorted(assignments)],
        warnings,
    )
