"""The class report: question statistics from the gradebook, statuses from the journal.

The demo batch (conftest.py): alice right (3 + 2 points), bob the mistakes (1 + 1), carol
untouched (0 + 0), dave invalid JSON (not graded), erin tampered but graded on the released
tests (3 + 2), frank raising in question 2 (3 + 0); mallory's hw99 is no assignment (failed).
The counted submissions are alice, bob, carol, erin and frank: q1 = [3, 1, 0, 3, 3],
q2 = [2, 1, 0, 2, 0], totals = [5, 2, 0, 5, 3] out of 5.
"""

import csv
import math

import pytest

from cnncourse.grading.report import (
    ASSIGNMENTS_FILE,
    PLOT_FILE,
    QUESTIONS_FILE,
    SCORES_FILE,
    class_report,
)

from .helpers import copy_workdir


def read(path):
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def report(graded_batch, tmp_path_factory):
    output = tmp_path_factory.mktemp("report")
    report = class_report(graded_batch.workdir, output)
    assert report.tables == [
        output / QUESTIONS_FILE,
        output / ASSIGNMENTS_FILE,
        output / SCORES_FILE,
    ]
    assert report.figure == output / PLOT_FILE and report.warnings == []
    return output


def questions(output):
    return {row["grade_id"]: row for row in read(output / QUESTIONS_FILE)}


def assignments(output):
    return {row["assignment"]: row for row in read(output / ASSIGNMENTS_FILE)}


def histogram(output, assignment="demo"):
    return [
        int(row["submissions"])
        for row in read(output / SCORES_FILE)
        if row["assignment"] == assignment
    ]


@pytest.mark.slow
def test_questions_are_named_by_their_title_with_their_statistics(report):
    q1, q2 = questions(report)["q1_test"], questions(report)["q2_test"]
    assert (q1["question"], q1["kind"], q1["max_points"]) == ("Question 1", "code", "3")
    assert (q2["question"], q2["max_points"]) == ("Question 2", "2")
    # five counted submissions: dave (invalid) is left out, not counted as a zero
    assert (q1["submissions"], q1["pending"], q1["passed"]) == ("5", "0", "3")
    assert (q2["submissions"], q2["passed"]) == ("5", "2")
    assert float(q1["pass_rate"]) == pytest.approx(0.6, abs=1e-3)
    assert float(q1["mean_points"]) == pytest.approx(2.0, abs=1e-3)
    assert float(q2["mean_points"]) == pytest.approx(1.0, abs=1e-3)
    assert float(q1["sd_points"]) == pytest.approx(math.sqrt(8 / 5), abs=1e-3)


@pytest.mark.slow
def test_discrimination_of_the_demo_questions(report):
    # q1 - 2 = [1, -1, -2, 1, 1], totals - 3 = [2, -1, -3, 2, 0]: 11 / sqrt(8 * 18) = 11 / 12
    assert float(questions(report)["q1_test"]["discrimination"]) == pytest.approx(11 / 12, abs=1e-3)
    # q2 - 1 = [1, 0, -1, 1, -1]: 7 / sqrt(4 * 18)
    assert float(questions(report)["q2_test"]["discrimination"]) == pytest.approx(
        7 / math.sqrt(72), abs=1e-3
    )


@pytest.mark.slow
def test_statuses_are_counted_apart(report):
    demo, hw99 = assignments(report)["demo"], assignments(report)["hw99"]
    assert (demo["submissions"], demo["counted"], demo["graded"], demo["tampered"]) == (
        "6",
        "5",
        "4",
        "1",
    )
    assert (demo["invalid"], demo["failed"], demo["timeout"], demo["missing"]) == (
        "1",
        "0",
        "0",
        "0",
    )
    assert (demo["max_score"], demo["pending_manual"]) == ("5", "0")
    assert float(demo["mean"]) == pytest.approx(3.0) and float(demo["median"]) == 3.0
    assert float(demo["sd"]) == pytest.approx(math.sqrt(18 / 5), abs=1e-3)
    assert (hw99["submissions"], hw99["failed"], hw99["counted"], hw99["mean"]) == (
        "1",
        "1",
        "0",
        "",
    )


@pytest.mark.slow
def test_the_histogram_leaves_out_what_was_not_graded(report):
    # 0% carol (dave, invalid, is not a zero), 40% bob, 60% frank, 100% alice and erin
    assert histogram(report) == [1, 0, 0, 0, 1, 0, 1, 0, 0, 2]
    assert sum(histogram(report, "hw99")) == 0


@pytest.mark.slow
def test_the_plot_is_a_png_and_a_table_is_printed(graded_batch, tmp_path, capsys):
    from cnncourse.cli import main

    report = class_report(graded_batch.workdir, tmp_path)
    assert (tmp_path / PLOT_FILE).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    printed = "\n".join(report.lines())
    assert "demo/Question 1" in printed and "0.92" in printed
    assert "demo: 5 of 6 submissions counted (1 invalid left out)" in printed
    assert main(["report", "--workdir", str(graded_batch.workdir), "--output", str(tmp_path)]) == 0
    assert capsys.readouterr().out == printed + "\n"


@pytest.mark.slow
def test_a_grade_given_by_hand_after_grading_changes_the_report(graded_batch, tmp_path):
    from nbgrader.api import Gradebook

    workdir, db_url = copy_workdir(graded_batch.workdir, tmp_path / "grading")
    with Gradebook(db_url) as gradebook:  # as formgrader does: carol's q1 is worth 3
        grade = gradebook.find_grade("q1_test", "demo", "demo", "carol")
        grade.manual_score, grade.needs_manual_grade = 3.0, False
        gradebook.db.commit()
    assert class_report(workdir, tmp_path / "report").tables  # the tables were written
    q1 = questions(tmp_path / "report")["q1_test"]
    assert (q1["passed"], float(q1["mean_points"])) == ("4", pytest.approx(2.6, abs=1e-3))
    # q1 = [3, 1, 3, 3, 3], totals = [5, 2, 3, 5, 3]: 3.2 / sqrt(3.2 * 7.2) = 2 / 3
    assert float(q1["discrimination"]) == pytest.approx(2 / 3, abs=1e-3)
    assert histogram(tmp_path / "report") == [0, 0, 0, 0, 1, 0, 2, 0, 0, 2]
    assert float(assignments(tmp_path / "report")["demo"]["mean"]) == pytest.approx(3.6)


@pytest.mark.slow
def test_written_answers_waiting_for_formgrader_are_pending(graded_batch, tmp_path):
    from nbgrader.api import Grade, Gradebook

    workdir, db_url = copy_workdir(graded_batch.workdir, tmp_path / "grading")
    with Gradebook(db_url) as gradebook:  # a written answer, as `grade` records one
        essay = gradebook.add_grade_cell(
            "q3_essay", "demo", "demo", max_score=2, cell_type="markdown"
        )
        for submission in gradebook.assignment_submissions("demo"):
            gradebook.db.add(
                Grade(cell=essay, notebook=submission.notebooks[0], needs_manual_grade=True)
            )
        gradebook.db.commit()
        graded = gradebook.find_grade("q3_essay", "demo", "demo", "alice")
        graded.manual_score, graded.needs_manual_grade = 2.0, False
        gradebook.db.commit()
    assert class_report(workdir, tmp_path / "report").tables  # the tables were written
    essay_row = questions(tmp_path / "report")["q3_essay"]
    assert (essay_row["question"], essay_row["kind"], essay_row["max_points"]) == (
        "q3_essay",
        "markdown",
        "2",
    )
    # alice's grade counts; the four pending ones are left out of the mean, not zeros
    assert (essay_row["submissions"], essay_row["pending"], essay_row["passed"]) == ("1", "4", "1")
    assert float(essay_row["mean_points"]) == 2.0 and essay_row["discrimination"] == ""
    demo = assignments(tmp_path / "report")["demo"]
    assert (demo["pending_manual"], demo["max_score"]) == ("4", "7")
    assert questions(tmp_path / "report")["q1_test"]["submissions"] == "5"
