"""cnncourse.params.sizes: Keras' window rule, and sizes in words."""

import pytest

from cnncourse import params
from cnncourse.params.sizes import count_of, explain_output_size, format_shape


@pytest.mark.parametrize(
    "n, kernel, stride, padding, expected",
    [
        (64, 3, 2, "valid", 31),  # HW9 Q3's pool: floor((64-3)/2)+1
        (64, 3, 1, "same", 64),
        (31, 2, 2, "same", 16),  # ceil(31/2)
        (31, 2, 2, "valid", 15),
        (5, 5, 1, "valid", 1),
        (7, 1, 3, "valid", 3),
    ],
)
def test_output_size_follows_the_keras_rule(n, kernel, stride, padding, expected):
    assert params.output_size(n, kernel, stride, padding) == expected


def test_output_size_of_an_unknown_size_is_unknown():
    assert params.output_size(None, 3, 2, "valid") is None


@pytest.mark.parametrize(
    "n, kernel, stride, padding, words",
    [
        (4, 5, 1, "valid", "does not fit"),
        (0, 3, 1, "same", "at least 1"),
        (-3, 3, 1, "valid", "at least 1"),
        (8, 3, 0, "valid", "stride"),
        (8, 3, 1, "full", "padding"),
    ],
)
def test_output_size_rejects_impossible_windows(n, kernel, stride, padding, words):
    with pytest.raises(ValueError, match=words):
        params.output_size(n, kernel, stride, padding)


def test_a_shape_and_a_count_in_words():
    assert format_shape((64, 64, 3)) == "64x64x3"
    assert format_shape((2048,)) == "2048"
    assert format_shape(()) == "scalar"
    assert (count_of(1, "bias", "biases"), count_of(12_832, "unit")) == ("1 bias", "12,832 units")


def test_a_window_explained_per_axis_when_the_axes_differ():
    text = explain_output_size((9, 8), (3, 2), (2, 1), "valid", what="pool")
    assert text == (
        "'valid' 3x2 pool, strides 2x1: height floor((9-3)/2)+1 = 4, "
        "width floor((8-2)/1)+1 = 7, so 9x8 becomes 4x7"
    )
