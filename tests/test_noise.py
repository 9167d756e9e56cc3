"""The noise tests: McNemar's paired test, the two-proportion test and their verdicts."""

import numpy as np
import pytest

from cnncourse import noise


def test_standard_errors_and_the_images_a_target_needs():
    assert noise.standard_error(0.5, 100) == pytest.approx(0.05)
    assert noise.worst_case_standard_error(400) == pytest.approx(0.025)
    count = noise.images_for_standard_error(0.03)
    assert (
        noise.worst_case_standard_error(count) <= 0.03 < noise.worst_case_standard_error(count - 1)
    )
    with pytest.raises(ValueError, match="count=0"):
        noise.standard_error(0.5, 0)
    with pytest.raises(ValueError, match="1.5"):
        noise.standard_error(1.5, 10)


def test_mcnemar_separates_a_real_gap_and_not_a_coin_flip():
    rng = np.random.default_rng(0)
    both = rng.random(400) < 0.7
    # The first model also gets 40 of the images the second misses: a real gap of 10 points.
    first = both.copy()
    first[np.flatnonzero(~both)[:40]] = True
    clear = noise.compare_predictions(first, both)
    assert clear.significant and clear.difference == pytest.approx(0.1)
    sentence = clear.verdict("A", "B")
    assert "beyond the noise" in sentence and sentence.startswith("A")
    # 11 against 9 discordant images: 0.5 points apart, well within the noise.
    second = both.copy()
    first = both.copy()
    wrong, right = np.flatnonzero(~both), np.flatnonzero(both)
    first[wrong[:11]] = True
    first[right[:9]] = False
    close = noise.compare_predictions(first, second)
    assert not close.significant and close.p_value > 0.5
    assert "within the noise" in close.verdict("A", "B")


def test_identical_models_and_mismatched_lengths():
    same = noise.compare_predictions([True, False, True], [True, False, True])
    assert same.p_value == 1.0 and same.difference == 0 and not same.significant
    assert "the same accuracy" in same.verdict("A", "B")
    with pytest.raises(ValueError, match="same images"):
        noise.compare_predictions([True, False], [True])


def test_two_proportion_test_on_different_images():
    assert noise.compare_accuracies(0.80, 500, 0.70, 500).significant
    close = noise.compare_accuracies(0.864, 300, 0.850, 300)
    assert not close.significant and close.z < 1
    with pytest.raises(ValueError, match="count=0"):
        noise.compare_accuracies(0.8, 0, 0.7, 10)
