"""cnncourse.checks.keras_reader: a model read for a check equals the same model read by a spec."""

from cnncourse import models, spec
from cnncourse.checks import keras_reader
from cnncourse.models import pretrained, transfer
from cnncourse.spec import keras as keras_spec


def _reference_models():
    return [
        models.project_cifar10(),
        models.project_stl10(),
        models.hw9_q3(),
        models.hw9_mlp(),
        models.hw9_cnn(),
        models.cs577_cifar_basic((8, 16, 32)),
        models.cs577_inception((8, 16, 32), 4),
        models.cs577_residual((8, 8, 16)),
        transfer.add_head(pretrained.small_vgg_base((32, 32, 3)), hidden=8, dropout=0.1),
    ]


def test_a_model_read_for_a_check_equals_the_same_model_read_by_from_keras():
    nested = 0
    for model in _reference_models():
        network = spec.from_keras(model)
        graph = keras_reader.read_model(model)
        assert network.layers == tuple(layer.spec for layer in graph.layers), model.name
        assert graph.output == len(graph.layers) - 1, model.name
        assert graph.total_params == model.count_params(), model.name
        nested += any(
            isinstance(layer, spec.Block) and "Functional" in layer.label
            for layer in network.layers
        )
    assert nested >= 1  # a nested transfer model is among them


def test_the_two_old_mappings_are_one_function():
    assert keras_reader.layer_spec is keras_spec.layer_spec
    assert keras_reader.ModelReadError is keras_spec.keras_graph.ModelReadError
