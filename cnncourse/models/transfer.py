"""Transfer learning: freezing and unfreezing a pretrained base, and the classification heads.

The bases themselves (VGG, EfficientNet, EfficientNet-Lite0 and their offline fallbacks) are
loaded by `cnncourse.models.bases`; its public names are importable from here too.
"""

from __future__ import annotations

from cnncourse.models.bases import (  # noqa: F401 (the public names of transfer learning)
    ARCHITECTURES,
    FALLBACKS,
    LITE,
    LoadedBase,
    architecture_names,
    default_input_shape,
    expected_weights_file,
    imagenet_weights_file,
    keras_cache_dirs,
    load_base,
)

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
