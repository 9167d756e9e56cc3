"""cnncourse.checks.shapes: the one writer of shapes and sizes in the checks' messages."""

import numpy as np

from cnncourse.checks.shapes import shape_text, shapes_text, size_text


def test_a_shape_is_written_as_python_prints_it():
    for shape in [(), (10,), (2, 3), np.zeros((4, 1, 2)).shape]:
        assert shape_text(shape) == str(shape)
    assert shape_text((None, 32, 32, 3)) == "(None, 32, 32, 3)"
    weights = [w.shape for w in (np.zeros((3, 3, 3, 8)), np.zeros(8))]
    assert shapes_text(weights) == str(weights) == "[(3, 3, 3, 8), (8,)]"


def test_a_size_is_height_by_width_by_channels():
    assert size_text((32, 32, 3)) == "32x32x3"
    assert size_text((5, 5)) == "5x5"
    assert size_text((None, None, 3)) == "?x?x3"
