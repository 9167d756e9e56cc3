"""The reference networks reproduce the seeds' published parameter counts and architectures."""

import math

import pytest

from cnncourse import models, params, spec
from cnncourse.models import registry

PUBLISHED = {  # from the seed texts (Keras' model.summary() in them, or the HW9 Q3 key)
    "hw9_q3": 665_317,
    "hw9_mlp": 563_082,
    "hw9_cnn": 1_341_226,
    "project_cifar10": 592_169,
    "project_stl10": 38_124_937,
}


def _count(weights) -> int:
    return sum(math.prod(weight.shape) for weight in weights)


@pytest.fixture(scope="module")
def built():
    """Every registry network, built once for counting (no weight values)."""
    return {name: registry.build(name, counting=True) for name in registry.names()}


@pytest.mark.parametrize("name, total", sorted(PUBLISHED.items()))
def test_published_totals(name, total, built):
    assert built[name].count_params() == total
    assert registry.entry(name).published_total == total


def test_published_trainable_splits_of_the_project_models(built):
    assert _count(built["project_cifar10"].non_trainable_weights) == 512
    assert _count(built["project_stl10"].non_trainable_weights) == 1_408


def test_hw9_q3_per_layer_counts():
    model = models.hw9_q3()
    counts = {layer.name: layer.count_params() for layer in model.layers}
    assert [counts[name] for name in ("conv1", "conv2", "pool", "conv3", "dense")] == [
        448,
        12_832,
        0,
        36_992,
        615_045,
    ]
    assert tuple(model.get_layer("pool").output.shape[1:]) == (31, 31, 32)
    assert dict(registry.entry("hw9_q3").published_layer_params) == {
        name: counts[name] for name in ("conv1", "conv2", "pool", "conv3", "dense")
    }


def test_counting_builds_count_like_real_builds():
    for name in ("hw9_cnn", "project_cifar10", "cs577_inception"):
        real, counted = registry.build(name), registry.build(name, counting=True)
        assert real.count_params() == counted.count_params()
        assert _count(real.non_trainable_weights) == _count(counted.non_trainable_weights)


def test_counting_builds_stay_empty_when_other_models_are_built():
    counted = registry.build("hw9_cnn", counting=True)
    models.hw9_q3()  # a real build closes Keras' StatelessScope, which fills pending weights
    assert all(weight._value is None for weight in counted.weights)


@pytest.mark.parametrize("name", registry.names())
def test_params_agrees_with_keras_on_every_reference_network(name, built):
    model = built[name]
    network = spec.from_keras(model)
    counts = params.count(network)
    assert [c.name for c in counts] == [layer.name for layer in model.layers]
    for count, layer in zip(counts, model.layers):
        assert count.params == _count(layer.weights), count
        assert count.non_trainable == _count(layer.non_trainable_weights), count
        assert count.output_shape == tuple(layer.output.shape[1:]), count
    totals = params.totals(network)
    assert totals.total == model.count_params()
    assert totals.trainable == _count(model.trainable_weights)
    assert totals.non_trainable == _count(model.non_trainable_weights)


def test_every_model_has_a_stable_name_and_is_uncompiled(built):
    for name, model in built.items():
        assert model.name == name
        assert not model.compiled


def test_hw9_cnn_asks_for_dropout_0_2_then_0_5():
    model = models.hw9_cnn()
    assert model.get_layer("dropout1").rate == pytest.approx(0.2)
    assert model.get_layer("dropout2").rate == pytest.approx(0.5)
    assert [layer.rate for layer in models.hw9_mlp().layers if hasattr(layer, "rate")] == [
        pytest.approx(0.2)
    ] * 3


def test_cs577_basic_cnn_takes_filters_and_any_input_size():
    small = models.cs577_basic_cnn((64, 64, 64), input_shape=(32, 48, 3))
    convs = [layer for layer in small.layers if layer.name.endswith("_conv")]
    assert [layer.filters for layer in convs] == [64, 64, 64]
    assert tuple(small.get_layer("flatten").output.shape[1:]) == (4 * 6 * 64,)
    assert small.output.shape[-1] == 1
    with pytest.raises(ValueError, match="filters"):
        models.cs577_basic_cnn((32, 32))


def test_vgg16_feature_extraction_then_fine_tuning(built):
    frozen, finetune = built["cs577_vgg16_frozen"], built["cs577_vgg16_finetune"]
    assert len(frozen.trainable_weights) == 4  # the report: "layers increase from 4 to 30"
    assert len(finetune.trainable_weights) == 30
    assert frozen.count_params() == finetune.count_params()
    model = models.cs577_vgg16_frozen(input_shape=(32, 32, 3), weights=None, verbose=False)
    models.unfreeze(model, last=4)  # block5's three convolutions and its pool
    assert len(model.trainable_weights) == 4 + 6
    models.freeze(model)
    assert len(model.trainable_weights) == 4


def test_inception_block_keeps_the_channels_and_size():
    model = models.cs577_inception((64, 64, 64))
    assert tuple(model.get_layer("inception_concat").output.shape[1:]) == (8, 8, 64)
    branches = [layer for layer in model.layers if layer.name.startswith("inception_")]
    assert {layer.name for layer in branches} >= {
        "inception_1x1",
        "inception_3x3",
        "inception_5x5",
        "inception_pool_proj",
    }
    assert model.get_layer("inception_pool").strides == (1, 1)


def test_residual_skips_have_matching_shapes():
    model = models.cs577_residual((32, 32, 32))
    assert model.get_layer("skip1_projection").count_params() == 3 * 32 + 32
    assert model.get_layer("skip2_identity").count_params() == 0
    widened = models.cs577_residual((32, 64, 64))
    assert widened.get_layer("skip2_projection").output.shape[1:] == (8, 8, 64)


def test_stl10_model_starts_with_a_parameter_free_augmentation_sequential():
    import keras

    model = models.project_stl10()
    augmentation = model.get_layer("augmentation")
    assert isinstance(augmentation, keras.Sequential)
    assert augmentation.count_params() == 0
    kinds = {type(layer).__name__ for layer in augmentation.layers}
    assert {"RandomFlip", "RandomRotation", "RandomZoom"} <= kinds


def test_registry_names_every_network_of_the_brief():
    wanted = {
        "hw9_q3",
        "hw9_mlp",
        "hw9_cnn",
        "cs577_basic_32",
        "cs577_basic_64",
        "cs577_vgg16_frozen",
        "cs577_vgg16_finetune",
        "cs577_cifar_basic",
        "cs577_inception",
        "cs577_residual",
        "project_cifar10",
        "project_stl10",
        "transfer_vgg16",
        "transfer_vgg19",
        "efficientnet_lite0",
    } | {f"transfer_efficientnetb{i}" for i in range(8)}
    assert set(registry.names()) == wanted
    with pytest.raises(ValueError, match="unknown network 'nope'"):
        registry.entry("nope")


def test_efficientnets_use_their_default_input_sizes(built):
    sides = [built[f"transfer_efficientnetb{i}"].input_shape[1] for i in range(8)]
    assert sides == [224, 240, 260, 300, 380, 456, 528, 600]
