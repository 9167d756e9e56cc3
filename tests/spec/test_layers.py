"""cnncourse.spec.layers: the layer kinds as plain data, their settings normalised as Keras does."""

import pytest

from cnncourse import spec


def test_sizes_become_pairs_and_pool_strides_default_to_the_pool_size():
    conv = spec.Conv2D(filters=4, kernel_size=5, strides=2)
    assert (conv.kernel_size, conv.strides) == ((5, 5), (2, 2))
    pool = spec.MaxPooling2D(pool_size=3)
    assert (pool.pool_size, pool.strides) == ((3, 3), (3, 3))
    assert spec.AveragePooling2D(pool_size=2, strides=1).strides == (1, 1)
    assert spec.Dense(units=3, inputs=["a"]).inputs == ("a",)


def test_settings_leave_out_the_name_and_the_inputs():
    layer = spec.Dropout(name="drop", rate=0.5, inputs=("x",))
    assert (layer.kind, layer.settings()) == ("Dropout", {"rate": 0.5})


@pytest.mark.parametrize(
    "make, words",
    [
        (lambda: spec.Conv2D(filters=2, padding="full"), "padding must be 'valid' or 'same'"),
        (lambda: spec.MaxPooling2D(padding="causal"), "padding must be"),
        (lambda: spec.Conv2D(filters=2, kernel_size=(1, 2, 3)), "kernel_size must be an int"),
        (lambda: spec.MaxPooling2D(strides="two"), "strides must be an int or a pair"),
    ],
)
def test_impossible_settings_are_refused(make, words):
    with pytest.raises(ValueError, match=words):
        make()
