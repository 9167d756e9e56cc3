"""cnncourse.spec.network: a network's layers, their names, and which layer reads which."""

import pytest

from cnncourse import params, spec


def test_duplicate_layer_names_are_refused():
    net = spec.Network("dup", (spec.Input(name="a", shape=(4,)), spec.Dense(name="a", units=2)))
    with pytest.raises(params.SpecError, match="two layers are called 'a'"):
        params.count(net)


def test_unnamed_layers_are_called_kind_index_and_read_the_previous_layer():
    network = spec.Network(
        "names",
        (
            spec.Input(shape=(8, 8, 3)),
            spec.Conv2D(filters=2),
            spec.MaxPooling2D(name="pool"),
            spec.Add(inputs=("conv2d_1", "pool")),
        ),
    )
    assert spec.layer_names(network) == ["input_0", "conv2d_1", "pool", "add_3"]
    assert spec.input_names(network) == [(), ("input_0",), ("conv2d_1",), ("conv2d_1", "pool")]
    assert params.layer_names is spec.layer_names and params.SpecError is spec.SpecError


def test_an_input_must_come_earlier_and_first():
    late = spec.Network(
        "late",
        (
            spec.Input(name="x", shape=(4,)),
            spec.Dense(name="d", units=2, inputs=("e",)),
            spec.Dense(name="e", units=2),
        ),
    )
    with pytest.raises(spec.SpecError, match="'d': input 'e' is a later layer"):
        spec.input_names(late)
    with pytest.raises(ValueError, match="the first layer must be an Input"):
        spec.Network("headless", (spec.Dense(units=2),))
