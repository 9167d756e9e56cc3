"""cnncourse.params.layers: each layer kind's count and shape, and the errors naming the layer."""

import pytest

from cnncourse import params, spec


def test_batch_normalization_splits_trainable_and_non_trainable():
    net = spec.Network(
        "bn",
        (
            spec.Input(shape=(8, 8, 6)),
            spec.BatchNormalization(name="bn"),
            spec.BatchNormalization(name="bn_shift_only", scale=False),
        ),
    )
    bn, shift_only = params.count(net)[1:]
    assert (bn.trainable, bn.non_trainable) == (12, 12)
    assert (shift_only.trainable, shift_only.non_trainable) == (6, 12)
    assert "6 gammas + 6 betas (trainable)" in bn.explanation
    totals = params.totals(net)
    assert totals == params.Totals(total=42, trainable=18, non_trainable=24)


def test_blocks_count_as_given_and_frozen_blocks_do_not_train():
    net = spec.Network(
        "blocks",
        (
            spec.Input(shape=(32, 32, 3)),
            spec.Block(
                name="base", label="vgg16", params=1000, output_shape=(1, 1, 512), trainable=False
            ),
            spec.Block(
                name="partly",
                label="mixed",
                params=300,
                non_trainable_params=100,
                output_shape=(1, 1, 512),
            ),
            spec.Flatten(),
            spec.Dense(units=2),
        ),
    )
    base, partly = params.count(net)[1:3]
    assert (base.trainable, base.non_trainable) == (0, 1000)
    assert (partly.trainable, partly.non_trainable) == (200, 100)
    assert params.total(net) == 1000 + 300 + 512 * 2 + 2


def test_without_a_bias_there_are_no_biases():
    net = spec.Network(
        "nobias",
        (
            spec.Input(shape=(10, 10, 4)),
            spec.Conv2D(filters=8, kernel_size=3, use_bias=False),
            spec.Flatten(),
            spec.Dense(units=3, use_bias=False),
        ),
    )
    conv, _, dense = params.count(net)[1:]
    assert conv.params == 3 * 3 * 4 * 8 and "no biases" in conv.explanation
    assert dense.params == 8 * 8 * 8 * 3


def test_branches_concatenate_and_add():
    net = spec.Network(
        "branches",
        (
            spec.Input(name="x", shape=(16, 16, 3)),
            spec.Conv2D(name="a", filters=4, kernel_size=1, inputs=("x",)),
            spec.Conv2D(name="b", filters=6, kernel_size=3, padding="same", inputs=("x",)),
            spec.MaxPooling2D(name="c", pool_size=2, strides=1, padding="same", inputs=("x",)),
            spec.Concatenate(name="cat", inputs=("a", "b", "c")),
            spec.Conv2D(name="d", filters=13, kernel_size=1, inputs=("x",)),
            spec.Add(name="sum", inputs=("cat", "d")),
        ),
    )
    counts = {c.name: c for c in params.count(net)}
    assert counts["cat"].output_shape == (16, 16, 13)
    assert "4 + 6 + 3 = 13" in counts["cat"].shape_explanation
    assert counts["sum"].output_shape == (16, 16, 13)


# --- errors name the layer -------------------------------------------------------------------


@pytest.mark.parametrize(
    "layers, words",
    [
        ((spec.Input(shape=(-4, 8, 3)),), "positive"),
        ((spec.Input(shape=(8, 8, 3)), spec.Dense(name="head", units=10)), "'head'.*Flatten"),
        (
            (spec.Input(shape=(8, 8, 3)), spec.Conv2D(name="big", filters=2, kernel_size=9)),
            "'big'.*does not fit",
        ),
        (
            (
                spec.Input(name="x", shape=(8, 8, 3)),
                spec.Conv2D(name="a", filters=2, kernel_size=3, inputs=("x",)),
                spec.Conv2D(name="b", filters=2, kernel_size=3, padding="same", inputs=("x",)),
                spec.Add(name="join", inputs=("a", "b")),
            ),
            "'join'.*same shape.*6x6x2, 8x8x2",
        ),
        (
            (
                spec.Input(name="x", shape=(8, 8, 3)),
                spec.Conv2D(name="a", filters=2, kernel_size=3, inputs=("x",)),
                spec.Concatenate(name="cat", inputs=("a", "x")),
            ),
            "'cat'.*differ",
        ),
        (
            (spec.Input(shape=(8, 8, 3)), spec.Conv2D(name="c", filters=2, inputs=("nowhere",))),
            "'c'.*'nowhere' is no layer",
        ),
        (
            (spec.Input(shape=(8, 8, 3)), spec.Flatten(), spec.Conv2D(name="late", filters=2)),
            "'late'.*image input",
        ),
        (
            (spec.Input(shape=(None, None, 3)), spec.Flatten(), spec.Dense(name="d", units=2)),
            "'d'.*unknown",
        ),
        ((spec.Input(shape=(8, 8, 3)), spec.Dropout(name="drop", rate=1.5)), "'drop'.*rate"),
    ],
)
def test_impossible_specs_raise_a_clear_error(layers, words):
    with pytest.raises(params.SpecError, match=words):
        params.count(spec.Network("bad", layers))


def test_size_agnostic_conv_base_counts_without_sizes():
    net = spec.Network(
        "agnostic",
        (
            spec.Input(shape=(None, None, 3)),
            spec.Conv2D(filters=8, kernel_size=3, padding="same"),
            spec.GlobalAveragePooling2D(),
            spec.Dense(units=2),
        ),
    )
    counts = params.count(net)
    assert counts[1].output_shape == (None, None, 8)
    assert params.total(net) == 3 * 3 * 3 * 8 + 8 + 8 * 2 + 2


def test_weight_counts_need_only_the_channels_read():
    conv = spec.Conv2D(filters=32, kernel_size=5)
    assert params.weight_counts(conv, 16) == (12_832, 0)
    assert params.weight_counts(spec.Dense(units=5, use_bias=False), 10) == (50, 0)
    assert params.weight_counts(spec.BatchNormalization(center=False), 6) == (6, 12)
    assert params.weight_counts(spec.Flatten(), 6) == (0, 0)
    assert all(isinstance(conv, kind) is (kind is spec.Conv2D) for kind in params.WEIGHTED_KINDS)


def test_an_unknown_kind_is_refused_with_the_known_ones():
    network = spec.Network("odd", (spec.Input(shape=(4,)), spec.Layer(name="mystery")))
    with pytest.raises(params.SpecError, match="'mystery': cannot count a Layer .*Conv2D"):
        params.count(network)
