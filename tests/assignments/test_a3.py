"""a3 (CIFAR-10 architectures) graded in one batch: the solution, the untouched exercise, and
a student with one mistake in each of several questions: each question loses exactly its
points, with the message that explains it."""

import pytest

from .helpers import (
    auto_points,
    grade_students,
    max_points,
)

ASSIGNMENT, NOTEBOOK = "a3", "a3_cifar10_architectures"

MISTAKES = {
    # 2: every block gets the first block's filters (the grid's equal filters hide it).
    "q2_model": [("x = conv_block(x, count)", "x = conv_block(x, filters[0])")],
    # 5: the 5x5 branch without its 1x1 reduction.
    "q5_inception": [("five = conv(conv(x, 1), 5)", "five = conv(x, 5)")],
    # 6: the right parameter count, the wrong layers: the second skip is left out.
    "q6_residual": [("input_3 = layers.Add()([residual_2, output_2])", "input_3 = output_2")],
    # 7: the worst architecture instead of the best.
    "q7_compare": [
        (
            "best_architecture = max(test_accuracies, key=test_accuracies.get)",
            "best_architecture = min(test_accuracies, key=test_accuracies.get)",
        )
    ],
}

#: The points each test cell keeps with MISTAKES (of 2, 3, 3, 2, 5, 4, 3).
MISTAKE_POINTS = {
    "q1_test": 2,
    "q2_test": 1,
    "q3_test": 3,
    "q4_test": 2,
    "q5_test": 2,
    "q6_test": 2,
    "q7_test": 2,
}


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    return grade_students(
        tmp_path_factory.mktemp("a3"), ASSIGNMENT, NOTEBOOK, {"mistakes": MISTAKES}
    )


@pytest.mark.slow
def test_the_solution_gets_every_autograded_point(batch):
    assert auto_points(batch, "solution") == max_points(batch, "solution")
    assert sum(max_points(batch, "solution").values()) == 22
    row = batch.rows["solution"]
    assert (row["score"], row["max_score"], row["status"], row["reason"]) == (
        "22",
        "25",
        "graded",
        "",
    )


@pytest.mark.slow
def test_the_untouched_exercise_scores_zero_without_stopping_the_batch(batch):
    points = auto_points(batch, "untouched")
    assert set(points) == set(MISTAKE_POINTS)
    assert all(score == 0 for score in points.values()), points
    row = batch.rows["untouched"]
    assert (row["score"], row["status"]) == ("0", "graded")
    assert "unanswered: q1_data, q2_model, q3_search" in row["reason"]


@pytest.mark.slow
def test_each_mistake_costs_exactly_its_points(batch):
    assert auto_points(batch, "mistakes") == MISTAKE_POINTS
    assert batch.rows["mistakes"]["score"] == "14"


@pytest.mark.slow
def test_filters_ignored_per_block_are_caught(batch):
    assert (
        batch.failed("mistakes", "q2_test")
        == "layer 5 Conv2D: expected 16 filters (1,168 parameters), yours has 8 (584)"
    )


@pytest.mark.slow
def test_a_missing_reduction_in_the_inception_block_is_named(batch):
    # The block alone (its layer 3) and the whole network (its layer 9): the student's 5x5
    # convolution stands where the 1x1 reduction belongs.
    assert batch.failed("mistakes", "q5_test").splitlines() == [
        f"layer {number} Conv2D: expected a 1x1 kernel (68 parameters), yours is 5x5 (1,604)"
        for number in (3, 9)
    ]


@pytest.mark.slow
def test_a_missing_skip_with_the_right_count_is_caught(batch):
    assert batch.failed("mistakes", "q6_test") == (
        "layer 9: expected a MaxPooling2D 1x1 stride 2x2, yours is a Conv2D with 16 3x3 "
        "filters (your model has the expected total of 4,706 parameters, but not the expected "
        "layers)"
    )


@pytest.mark.slow
def test_the_worst_architecture_is_not_the_best(batch):
    messages = batch.failed("mistakes", "q7_test")
    assert messages.startswith("best_architecture: '")
    assert messages.endswith("' is not right: the key of the highest value of test_accuracies")
