"""The class report: pass rates per question, the score distribution, a table and a plot."""

import csv

import pytest

from cnncourse.grading.report import PLOT_FILE, QUESTIONS_FILE, SCORES_FILE, class_report

pytestmark = pytest.mark.slow


def read(path):
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def report(graded_batch, tmp_path_factory):
    output = tmp_path_factory.mktemp("report")
    assert class_report(graded_batch.workdir, output) == 0
    return output


def test_pass_rates_per_question(report, capsys):
    rows = {row["question"]: row for row in read(report / QUESTIONS_FILE)}
    # demo was submitted 6 times; q1 passes for alice, erin, frank; q2 for alice, erin
    assert (rows["q1_test"]["passed"], rows["q1_test"]["submissions"]) == ("3", "6")
    assert (rows["q2_test"]["passed"], rows["q2_test"]["submissions"]) == ("2", "6")
    assert float(rows["q1_test"]["pass_rate"]) == pytest.approx(0.5, abs=1e-3)
    # q1 points: 3 + 1 (bob) + 0 + 0 + 3 + 3 over 6 submissions
    assert float(rows["q1_test"]["mean_points"]) == pytest.approx(10 / 6, abs=1e-3)


def test_score_distribution(report):
    counts = [int(row["submissions"]) for row in read(report / SCORES_FILE)
              if row["assignment"] == "demo"]
    # 0% carol and dave, 40% bob, 60% frank, 100% alice and erin
    assert counts == [2, 0, 0, 0, 1, 0, 1, 0, 0, 2]


def test_the_plot_is_a_png(report):
    assert (report / PLOT_FILE).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
