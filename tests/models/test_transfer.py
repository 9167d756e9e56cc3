"""Transfer heads: ImageNet weights from the Keras cache, offline fallbacks, freezing, heads."""

import h5py
import keras
import numpy as np
import pytest

from cnncourse.models import pretrained, transfer


@pytest.fixture(autouse=True)
def isolated_caches(tmp_path, monkeypatch):
    """An empty Keras home and cnncourse cache; any download attempt fails the test."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.setenv("CNNCOURSE_CACHE", str(tmp_path / "cnncourse"))

    def no_download(*args, **kwargs):
        raise AssertionError("a download was attempted")

    from keras.src.utils import file_utils

    monkeypatch.setattr(file_utils, "get_file", no_download)


def _save_as_keras_would(model, path):
    """Write weights in the legacy .h5 layout of Keras' downloaded ImageNet files."""
    from keras.src.legacy.saving import legacy_h5_format

    path.parent.mkdir(parents=True, exist_ok=True)
    with h5py.File(path, "w") as handle:
        legacy_h5_format.save_weights_to_hdf5_group(handle, model)


def _same_weights(first, second) -> bool:
    a, b = first.get_weights(), second.get_weights()
    return len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b))


def test_weight_file_names_are_the_ones_keras_downloads(tmp_path):
    assert (
        transfer.expected_weights_file("vgg16")
        == tmp_path / "keras" / "models" / "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5"
    )
    assert transfer.expected_weights_file("efficientnetb3").name == "efficientnetb3_notop.h5"
    import inspect

    from keras.src.applications import efficientnet, vgg16, vgg19

    assert "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5" in inspect.getsource(vgg16)
    assert "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5" in inspect.getsource(vgg19)
    assert 'file_suffix = "_notop.h5"' in inspect.getsource(efficientnet)


def test_cached_imagenet_weights_are_loaded(capsys):
    source = keras.applications.VGG16(include_top=False, weights=None, input_shape=(32, 32, 3))
    _save_as_keras_would(source, transfer.expected_weights_file("vgg16"))
    loaded = transfer.load_base("vgg16", (48, 48, 3), verbose=True)
    assert (loaded.weights, loaded.built, loaded.fell_back) == ("imagenet", "vgg16", False)
    assert _same_weights(source, loaded.model)
    out, err = capsys.readouterr()
    assert "ImageNet weights loaded from" in out and err == ""


def test_a_weight_file_given_by_path_is_loaded(tmp_path):
    source = keras.applications.VGG19(include_top=False, weights=None, input_shape=(32, 32, 3))
    path = tmp_path / "mine" / "vgg19.h5"
    _save_as_keras_would(source, path)
    loaded = transfer.load_base("vgg19", (64, 64, 3), weights=path)
    assert loaded.weights == str(path)
    assert _same_weights(source, loaded.model)


def test_missing_weights_fall_back_to_random_with_one_line_on_stdout(capsys):
    model = transfer.transfer_model(
        "vgg19", (32, 32, 3), classes=5, weights="imagenet", fallback=None
    )
    out, err = capsys.readouterr()
    assert err == ""
    assert out.count("\n") == 1
    assert "no ImageNet weights at" in out and "random initial weights" in out
    assert str(transfer.expected_weights_file("vgg19")) in out
    assert model.output.shape[-1] == 5
    assert model.get_layer("vgg19").trainable is False


def test_an_unreadable_weight_file_falls_back_without_a_traceback(capsys):
    path = transfer.expected_weights_file("vgg16")
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not an hdf5 file")
    loaded = transfer.load_base("vgg16", (32, 32, 3), fallback=None, verbose=True)
    assert loaded.fell_back and loaded.weights == "random"
    out, err = capsys.readouterr()
    assert "cannot read" in out and err == ""


def test_a_missing_explicit_path_falls_back(tmp_path):
    loaded = transfer.load_base("vgg16", (32, 32, 3), weights=tmp_path / "absent.h5", fallback=None)
    assert loaded.fell_back and "absent.h5" in loaded.message


def test_download_failure_falls_back(capsys):
    loaded = transfer.load_base("vgg16", (32, 32, 3), fallback=None, download=True, verbose=True)
    assert loaded.fell_back
    assert "download failed" in capsys.readouterr().out


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="unknown architecture 'resnet'"):
        transfer.load_base("resnet")
    with pytest.raises(ValueError, match="fallback"):
        transfer.load_base("vgg16", fallback="imagenet")


def test_heads():
    base = keras.applications.VGG16(include_top=False, weights=None, input_shape=(32, 32, 3))
    binary = transfer.add_head(base, head="flatten", hidden=[64, 32], dropout=0.1)
    names = [layer.name for layer in binary.layers]
    assert names == [
        "image",
        "vgg16",
        "head_flatten",
        "head_dense1",
        "head_dropout1",
        "head_dense2",
        "head_dropout2",
        "predictions",
    ]
    assert binary.get_layer("predictions").get_config()["activation"] == "sigmoid"
    multi = transfer.add_head(base, head="avg", classes=5)
    assert multi.get_layer("predictions").get_config()["activation"] == "softmax"
    image = keras.Input((None, None, 3))
    agnostic = keras.Model(image, keras.layers.Conv2D(4, 3)(image))
    with pytest.raises(ValueError, match="Flatten head needs a fixed input size"):
        transfer.add_head(agnostic, head="flatten")
    assert transfer.add_head(agnostic, (40, 40, 3), head="flatten").output.shape[-1] == 1


def test_freezing_all_but_the_last_layers_keeps_batch_norm_frozen():
    model = transfer.transfer_model(
        "efficientnetb0", (32, 32, 3), classes=2, weights=None, trainable_layers=10, verbose=False
    )
    base = model.get_layer("efficientnetb0")
    trainable = [layer for layer in base.layers if layer.trainable]
    assert trainable and all(layer in base.layers[-10:] for layer in trainable)
    assert not any(isinstance(layer, keras.layers.BatchNormalization) for layer in trainable)
    transfer.unfreeze(model)
    assert base.get_layer("stem_conv").trainable
    assert not base.get_layer("stem_bn").trainable
    transfer.unfreeze(model, keep_batchnorm_frozen=False)
    assert base.get_layer("stem_bn").trainable


def test_random_weights_asked_for_are_not_a_fallback():
    loaded = transfer.load_base("vgg16", (32, 32, 3), weights=None)
    assert (loaded.weights, loaded.fell_back) == ("random", False)


def test_preprocessing_follows_the_base_built():
    images = np.full((1, 2, 2, 3), 100.0, dtype="float32")
    vgg = transfer.preprocess_input("vgg16", images)
    assert not np.allclose(vgg, images)
    assert np.all(images == 100.0)  # the caller's array is left alone
    assert np.array_equal(transfer.preprocess_input("offline_vgg", images), images)


def test_missing_keras_weights_fall_back_to_imagenet_efficientnet_lite0(capsys):
    from cnncourse.models.efficientnet_lite import efficientnet_lite0

    loaded = transfer.load_base("vgg19", (64, 64, 3), verbose=True)
    assert (loaded.built, loaded.weights, loaded.fell_back) == (
        "efficientnet_lite0",
        "imagenet",
        True,
    )
    out, err = capsys.readouterr()
    assert "no ImageNet weights at" in out and "EfficientNet-Lite0 with ImageNet" in out
    assert err == ""
    assert loaded.model.output_shape == (None, 2, 2, 1280)
    reference = efficientnet_lite0(include_top=False, input_shape=(64, 64, 3))
    assert _same_weights(reference, loaded.model)  # the real weights, not random ones
    model = transfer.transfer_model("efficientnetb0", (64, 64, 3), classes=3, verbose=False)
    base = transfer.find_base(model)
    assert base.name == "efficientnet_lite0" and not base.trainable
    assert transfer.preprocess_input("efficientnet_lite0", np.full((1, 2), 7.0)).max() == 7.0


def test_efficientnet_lite0_asked_for_directly_and_its_weights_rules():
    loaded = transfer.load_base("efficientnet_lite0", (32, 32, 3))
    assert (loaded.built, loaded.weights, loaded.fell_back) == (
        "efficientnet_lite0",
        "imagenet",
        False,
    )
    assert transfer.default_input_shape("efficientnet_lite0") == (224, 224, 3)
    assert transfer.imagenet_weights_file("efficientnet_lite0").name.endswith(".pth")
    random = transfer.load_base("efficientnet_lite0", (32, 32, 3), weights=None)
    assert random.weights == "random" and not _same_weights(random.model, loaded.model)
    with pytest.raises(ValueError, match="efficientnet_lite0 takes weights='imagenet'"):
        transfer.load_base("efficientnet_lite0", (32, 32, 3), weights="/tmp/some.h5")


@pytest.mark.slow
def test_offline_fallback_pretrains_once_and_reuses_the_cache(capsys):
    loaded = transfer.load_base("vgg16", (40, 40, 3), fallback="offline", verbose=True)
    assert (loaded.built, loaded.weights) == ("offline_vgg", "offline")
    out, err = capsys.readouterr()
    assert "offline-pretrained" in out and err == ""
    path = pretrained.weights_path()
    assert path.is_file() and path.parent.name == "bases"
    assert pretrained.pretraining_record()["images"] > 0
    stamp = path.stat().st_mtime_ns
    again = transfer.transfer_model(
        "efficientnetb0", (64, 64, 3), fallback="offline", verbose=False
    )
    assert path.stat().st_mtime_ns == stamp  # not trained again
    assert _same_weights(again.get_layer("offline_vgg"), loaded.model)


@pytest.mark.slow
def test_pretraining_is_deterministic():
    from cnncourse.profile import custom_profile

    profile = custom_profile("tiny", name="tiny-test", pretrain_images=64, pretrain_epochs=1)
    first = pretrained.small_vgg_base((32, 32, 3))
    first.load_weights(pretrained.pretrain(profile))
    second = pretrained.small_vgg_base((32, 32, 3))
    second.load_weights(pretrained.pretrain(profile, force=True))
    assert _same_weights(first, second)
    assert not _same_weights(first, pretrained.small_vgg_base((32, 32, 3)))


def test_the_offline_base_is_size_agnostic_and_counted_by_params():
    from cnncourse import params, spec

    base = pretrained.small_vgg_base()
    assert base.input_shape == (None, None, None, 3)
    # 3x3 convolutions without biases (9 x in x out) and 4 values per BatchNormalization channel
    convs = 9 * (3 * 32 + 32 * 32 + 32 * 64 + 64 * 64 + 64 * 128 + 128 * 128)
    norms = 4 * 2 * (32 + 64 + 128)
    assert base.count_params() == convs + norms == 288_352
    fixed = pretrained.small_vgg_base((40, 40, 3))
    assert params.totals(spec.from_keras(fixed)) == params.Totals(288_352, 287_456, 896)
    assert fixed.output.shape[1:] == (5, 5, 128)
