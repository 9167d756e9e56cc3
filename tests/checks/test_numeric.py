"""Numeric answers: tolerance, the explanation of known wrong values, per-layer lists and dicts."""

import numpy as np
import pytest

from cnncourse.checks import choice, number, numbers

# HW9 Q3 per-layer counts (Input, conv, conv, pool, conv, dense) and the seed's mistakes.
COUNTS = [0, 448, 12_832, 0, 36_992, 615_045]
WRONG = {
    3: {4_640: "that is the count of a 3x3 kernel: 3x3x16x32+32"},
    6: {
        309_765: "wrong pooled size: the 3x3 pool with stride 2 and 'valid' padding gives "
        "31x31, not 22x22"
    },
}


def test_right_answer_within_tolerance():
    assert number(665_317, 665_317, name="total").passed
    assert number("665,317", 665_317).passed
    assert number(np.int64(665_317), 665_317).passed
    assert number(0.7012, 0.7, tolerance=0.01).passed
    assert number(103, 100, relative=0.05).passed
    assert not number(106, 100, relative=0.05).passed


def test_known_wrong_value_is_explained():
    result = number(4_640, 12_832, name="layer 3", wrong=WRONG[3])
    assert not result.passed
    assert result.message == (
        "layer 3: 4,640 is not right: that is the count of a 3x3 kernel: 3x3x16x32+32"
    )


def test_unknown_wrong_value_gets_the_hint_and_no_answer_unless_revealed():
    result = number(12_000, 12_832, name="layer 3", wrong=WRONG[3], hint="kh x kw x in x out + out")
    assert result.message == "layer 3: 12,000 is not right: kh x kw x in x out + out"
    assert "12,832" not in result.message
    assert "(expected 12,832)" in number(12_000, 12_832, reveal=True).message


@pytest.mark.parametrize("answer", [None, "many", float("nan"), True, [1, 2]])
def test_not_a_number(answer):
    result = number(answer, 3)
    assert not result.passed and "expected a number" in result.message


def test_per_layer_list_scores_each_layer_and_explains_the_seed_mistakes():
    student = [0, 448, 4_640, 0, 36_992, 309_765]  # the HW9 student's answers
    results = numbers(student, COUNTS, wrong=WRONG)
    assert [r.passed for r in results] == [True, True, False, True, True, False]
    assert results[2].message.startswith(
        "layer 3: 4,640 is not right: that is the count of a 3x3 kernel"
    )
    assert results[5].message.startswith("layer 6: 309,765 is not right: wrong pooled size")
    assert all(r.passed for r in numbers(COUNTS, COUNTS))


def test_per_layer_dict_and_missing_entries():
    expected = {"conv 1": 448, "conv 2": 12_832}
    results = numbers({"conv 1": 448}, expected, label="{}")
    assert results[0].passed
    assert results[1].message == "conv 2: no answer"
    assert numbers([448, 12_832], {2: 448, 3: 12_832})[1].passed  # a list for numbered layers


def test_a_list_of_the_wrong_length_fails_every_entry_with_the_reason():
    results = numbers([448, 12_832], COUNTS)
    assert len(results) == len(COUNTS) and not any(r.passed for r in results)
    assert "expected 6 numbers, one per entry, your list has 2" in results[0].message
    assert "expected a list of 6 numbers" in numbers("448", COUNTS)[0].message


def test_choice():
    assert choice(" Dense ", "dense", name="3.2a").passed
    assert choice(6, {6, "the dense layer"}).passed
    wrong = choice(
        "conv 3", "dense", wrong={"conv 3": "it has the most filters, not the most parameters"}
    )
    assert wrong.message.endswith("it has the most filters, not the most parameters")
