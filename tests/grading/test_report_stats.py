"""The class report's statistics: PrairieLearn's discrimination and the score histogram."""

import math

import pytest

from cnncourse.grading.report_stats import discrimination, score_histogram


def test_discrimination_is_the_correlation_with_the_total():
    # question [0, 1, 1, 2], totals [1, 2, 4, 5]: deviations [-1, 0, 0, 1] and [-2, -1, 1, 2],
    # covariance sum 4, spreads 2 and 10: r = 4 / sqrt(20) = 2 / sqrt(5)
    assert discrimination([0, 1, 1, 2], [1, 2, 4, 5]) == pytest.approx(2 / math.sqrt(5))
    assert discrimination([1, 2, 3], [2, 4, 6]) == pytest.approx(1.0)
    assert discrimination([3, 2, 1], [1, 2, 3]) == pytest.approx(-1.0)


def test_discrimination_without_variance_is_none_not_nan():
    assert discrimination([2, 2, 2], [1, 4, 5]) is None  # everyone scored the same
    assert discrimination([0, 1, 2], [3, 3, 3]) is None  # every total the same
    assert discrimination([1], [4]) is None and discrimination([], []) is None
    with pytest.raises(ValueError, match="3 scores, 2 totals"):
        discrimination([1, 2, 3], [1, 2])


def test_score_histogram_buckets():
    assert score_histogram([0, 2, 3, 5, 5], 5) == [1, 0, 0, 0, 1, 0, 1, 0, 0, 2]
    assert score_histogram([4.99, 0.49, 6], 5) == [1, 0, 0, 0, 0, 0, 0, 0, 0, 2]
    assert score_histogram([1], 0) == [1] + [0] * 9
