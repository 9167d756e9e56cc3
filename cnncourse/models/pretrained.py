"""The course's own pretrained conv base: a small VGG-style network trained on offline images.

It stands in for ImageNet weights when they cannot be downloaded. The base takes raw 0-255
pixels of any size, (None, None, 3), so it can be reused at 32x32, 96x96 or 150x150. It is
pretrained on the offline 10-class 32x32 set of `cnncourse.data` with the profile's
``pretrain_images`` and ``pretrain_epochs``, deterministically (`cnncourse.seed_everything`),
and its weights are cached under ``cnncourse.paths.cache_dir("bases")``, keyed by profile
and settings, so it trains once per machine.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from cnncourse.models.layers import batch_normalization
from cnncourse.paths import cache_dir
from cnncourse.profile import Profile, current_profile

BASE_NAME = "offline_vgg"
PRETRAIN_DATASET = "shapes32"  # the offline CIFAR-10 stand-in: ten classes, 32x32
PRETRAIN_SPLIT = "pretrain"  # its own images, apart from the train/test splits
PRETRAIN_SIZE = 32
PRETRAIN_CLASSES = 10
FORMAT_VERSION = 1  # bump when the architecture or the training recipe changes


def small_vgg_base(input_shape=(None, None, 3), width: int = 32, name: str = BASE_NAME):
    """Three VGG blocks (two 3x3 'same' convolutions, each with batch normalisation and ReLU,
    and a 2x2 max-pool) with ``width``, 2x``width`` and 4x``width`` filters, after a
    Rescaling(1/255) of raw pixels. 288,352 parameters at width 32 (896 non-trainable).

    Batch normalisation is the one change from VGG: without it this small network barely
    learns in the few epochs the small profiles allow. Uninitialised weights: `offline_base`
    gives the trained ones.
    """
    import keras
    from keras import layers

    inputs = keras.Input(shape=tuple(input_shape), name="image")
    x = layers.Rescaling(1.0 / 255, name="rescale")(inputs)
    for block, filters in enumerate((width, 2 * width, 4 * width), start=1):
        for index in (1, 2):
            x = layers.Conv2D(
                filters, (3, 3), padding="same", use_bias=False, name=f"block{block}_conv{index}"
            )(x)
            x = batch_normalization(name=f"block{block}_bn{index}")(x)
            x = layers.Activation("relu", name=f"block{block}_relu{index}")(x)
        x = layers.MaxPooling2D((2, 2), name=f"block{block}_pool")(x)
    return keras.Model(inputs, x, name=name)


def _pretraining_images(count: int):
    """The offline 10-class 32x32 images and int64 labels the base learns from.

    The only call into `cnncourse.data` (its public offline generator).
    """
    from cnncourse.data.offline import generate

    return generate(PRETRAIN_DATASET, PRETRAIN_SPLIT, count, PRETRAIN_SIZE)


def _data_version() -> int:
    """The offline drawing code's version: new drawings mean a new base."""
    from cnncourse.data.offline import VERSION

    return VERSION


def weights_path(profile: Profile | None = None, width: int = 32, seed: int = 0) -> Path:
    """The cache file of the pretrained weights for these settings."""
    profile = profile or current_profile()
    key = (
        f"{BASE_NAME}-w{width}-{profile.name}-{profile.pretrain_images}img-"
        f"{profile.pretrain_epochs}ep-bn{profile.batchnorm_momentum}-seed{seed}-v{FORMAT_VERSION}-"
        f"data{_data_version()}"
    )
    return cache_dir("bases") / f"{key}.weights.h5"


def describe_pretraining(profile: Profile | None = None) -> str:
    """One phrase saying what the offline base was trained on."""
    profile = profile or current_profile()
    return (
        f"{profile.pretrain_images:,} offline {PRETRAIN_SIZE}x{PRETRAIN_SIZE} images of "
        f"{PRETRAIN_CLASSES} classes, {profile.pretrain_epochs} epochs, "
        f"profile {profile.name}"
    )


def pretrain(
    profile: Profile | None = None, width: int = 32, seed: int = 0, force: bool = False
) -> Path:
    """Train the small base on the offline images (once) and return its cached weight file.

    A GlobalAveragePooling2D + softmax-10 head is trained with the base and then dropped.
    Next to the weights a .json file records the settings and the final training accuracy.
    """
    import keras

    from cnncourse.seeding import seed_everything

    profile = profile or current_profile()
    target = weights_path(profile, width, seed)
    if target.is_file() and not force:
        return target
    seed_everything(seed)
    images, labels = _pretraining_images(profile.pretrain_images)
    base = small_vgg_base((PRETRAIN_SIZE, PRETRAIN_SIZE, 3), width)
    inputs = keras.Input(shape=(PRETRAIN_SIZE, PRETRAIN_SIZE, 3))
    x = keras.layers.GlobalAveragePooling2D()(base(inputs))
    outputs = keras.layers.Dense(PRETRAIN_CLASSES, activation="softmax")(x)
    model = keras.Model(inputs, outputs, name=f"{BASE_NAME}_pretraining")
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    history = model.fit(
        images.astype("float32"),
        labels,
        epochs=profile.pretrain_epochs,
        batch_size=profile.batch_size,
        shuffle=True,
        verbose=0,
    )
    temporary = target.with_name(f"{target.stem}.{os.getpid()}.tmp.weights.h5")
    base.save_weights(temporary)
    os.replace(temporary, target)
    record = {
        "dataset": PRETRAIN_DATASET,
        "split": PRETRAIN_SPLIT,
        "profile": profile.name,
        "images": len(images),
        "epochs": profile.pretrain_epochs,
        "width": width,
        "seed": seed,
        "final_accuracy": float(history.history["accuracy"][-1]),
        "final_loss": float(history.history["loss"][-1]),
    }
    target.with_suffix("").with_suffix(".json").write_text(json.dumps(record, indent=2))
    return target


def pretraining_record(profile: Profile | None = None, width: int = 32, seed: int = 0) -> dict:
    """What `pretrain` recorded for these settings ({} when it has not run)."""
    path = weights_path(profile, width, seed).with_suffix("").with_suffix(".json")
    return json.loads(path.read_text()) if path.is_file() else {}


def offline_base(
    input_shape=(None, None, 3),
    profile: Profile | None = None,
    width: int = 32,
    seed: int = 0,
    name: str = BASE_NAME,
):
    """The small base with its offline-pretrained weights (pretraining first if needed).

    The weights do not depend on the image size, so any ``input_shape`` works.
    """
    path = pretrain(profile, width, seed)
    base = small_vgg_base(input_shape, width, name=name)
    base.load_weights(path)
    return base
