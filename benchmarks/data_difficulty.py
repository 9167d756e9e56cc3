"""Measure how hard the offline datasets are: a small CNN's train and validation accuracy.

The offline sets must let a small CNN (3 conv-pool blocks + dense, as in the CS577
assignment) overfit clearly on a few hundred images -- train accuracy near 1.0, validation
well below -- while staying clearly above chance, so that augmentation and transfer learning
have something to show. Also prints the generation speed (images per second).

    .venv/bin/python benchmarks/data_difficulty.py                 # every set, defaults
    .venv/bin/python benchmarks/data_difficulty.py pets --augment  # with data augmentation
    .venv/bin/python benchmarks/data_difficulty.py --speed small   # generation time only
"""

from __future__ import annotations

import argparse
import time

import cnncourse
from cnncourse.data.offline.generate import render_images
from cnncourse.data.offline.registry import offline_set

# dataset: (image size, training images, validation images, epochs)
DEFAULTS = {
    "pets": (64, 420, 400, 15),
    "shapes32": (32, 2000, 1000, 15),
    "flowers": (64, 350, 350, 15),
    "shapes96": (96, 630, 500, 15),
}


def small_cnn(image_size: int, classes: int, augment: bool, batchnorm: bool = True):
    """Conv-pool-batchnorm x3, dense 512, like the CS577 basic CNN."""
    import keras
    from keras import layers

    inputs = keras.Input((image_size, image_size, 3))
    x = layers.Rescaling(1 / 255)(inputs)
    if augment:
        x = layers.RandomFlip("horizontal")(x)
        x = layers.RandomRotation(0.1)(x)
        x = layers.RandomZoom(0.2)(x)
        x = layers.RandomTranslation(0.1, 0.1)(x)
    for filters in (32, 64, 64):
        x = layers.Conv2D(filters, 3, activation="relu")(x)
        x = layers.MaxPooling2D(2)(x)
        if batchnorm:
            x = layers.BatchNormalization(momentum=0.9)(x)
    x = layers.Flatten()(x)
    x = layers.Dense(512, activation="relu")(x)
    if classes == 2:
        outputs = layers.Dense(1, activation="sigmoid")(x)
        loss = "binary_crossentropy"
    else:
        outputs = layers.Dense(classes, activation="softmax")(x)
        loss = "sparse_categorical_crossentropy"
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss=loss, metrics=["accuracy"])
    return model


def measure(name: str, image_size: int, train: int, val: int, epochs: int, augment: bool) -> dict:
    spec = offline_set(name)
    start = time.perf_counter()
    x, y = render_images(name, "benchmark", 0, train + val, image_size)
    seconds = time.perf_counter() - start
    rate = (train + val) / seconds
    cnncourse.seed_everything(0)
    model = small_cnn(image_size, len(spec.classes), augment)
    start = time.perf_counter()
    history = model.fit(
        x[:train],
        y[:train],
        validation_data=(x[train:], y[train:]),
        epochs=epochs,
        batch_size=32,
        verbose=0,
    )
    fit_seconds = time.perf_counter() - start
    accuracy, val_accuracy = history.history["accuracy"], history.history["val_accuracy"]
    return {
        "set": name,
        "size": image_size,
        "classes": len(spec.classes),
        "train": train,
        "val": val,
        "epochs": epochs,
        "augment": augment,
        "images_per_s": rate,
        "train_acc": accuracy[-1],
        "val_acc": val_accuracy[-1],
        "best_val_acc": max(val_accuracy),
        "chance": 1 / len(spec.classes),
        "fit_s": fit_seconds,
    }


def generation_speed(profile_name: str) -> None:
    """Time drawing every offline set a profile uses (no cache), one core."""
    from cnncourse.data.offline.folders import extra_images
    from cnncourse.profile import get_profile

    profile = get_profile(profile_name)
    flowers = profile.flowers_per_class or 700
    jobs = [
        ("shapes32", "train", profile.cifar_train, 32),
        ("shapes32", "test", profile.cifar_test, 32),
        ("shapes96", "train", profile.stl_train, profile.stl_image_size),
        ("shapes96", "test", profile.stl_test, profile.stl_image_size),
        (
            "pets",
            "folder",
            2 * (profile.pets_per_class + extra_images(profile.pets_per_class)),
            profile.pets_image_size,
        ),
        ("flowers", "folder", 5 * (flowers + extra_images(flowers)), profile.flowers_image_size),
    ]
    total = 0.0
    print(f"profile {profile_name}: drawing the offline sets (no cache)")
    for name, split, count, size in jobs:
        start = time.perf_counter()
        render_images(name, split, 0, count, size)
        seconds = time.perf_counter() - start
        total += seconds
        print(
            f"  {name:9} {split:6} {count:6d} images of {size:3d}px: {seconds:6.1f} s "
            f"({count / seconds:5.0f} images/s)",
            flush=True,
        )
    print(f"  total {total:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "sets",
        nargs="*",
        metavar="SET",
        help=f"offline sets to measure (default: all of {', '.join(DEFAULTS)})",
    )
    parser.add_argument("--augment", action="store_true", help="add augmentation layers")
    parser.add_argument("--epochs", type=int, default=None, help="override the epochs")
    parser.add_argument("--train", type=int, default=None, help="override training images")
    parser.add_argument(
        "--speed",
        metavar="PROFILE",
        default=None,
        help="only time the generation of a profile's offline sets",
    )
    args = parser.parse_args()
    if args.speed:
        generation_speed(args.speed)
        return
    print(
        f"{'set':9} {'size':>4} {'train':>5} {'val':>5} {'ep':>3} {'aug':>3} {'img/s':>6} "
        f"{'train acc':>9} {'val acc':>7} {'best val':>8} {'chance':>6} {'fit s':>6}"
    )
    unknown = [name for name in args.sets if name not in DEFAULTS]
    if unknown:
        parser.error(f"unknown set {unknown[0]!r}: choose from {', '.join(DEFAULTS)}")
    for name in args.sets or list(DEFAULTS):
        size, train, val, epochs = DEFAULTS[name]
        row = measure(name, size, args.train or train, val, args.epochs or epochs, args.augment)
        print(
            f"{row['set']:9} {row['size']:4d} {row['train']:5d} {row['val']:5d} "
            f"{row['epochs']:3d} {'yes' if row['augment'] else 'no':>3} "
            f"{row['images_per_s']:6.0f} {row['train_acc']:9.3f} {row['val_acc']:7.3f} "
            f"{row['best_val_acc']:8.3f} {row['chance']:6.2f} {row['fit_s']:6.1f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
