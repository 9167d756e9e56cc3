"""Histories and Keras models shared by the tests of cnncourse.plotting."""

import keras
from keras import layers

HISTORY_A = {
    "accuracy": [0.5, 0.6, 0.7],
    "val_accuracy": [0.4, 0.5, 0.55],
    "loss": [1.0, 0.8, 0.6],
    "val_loss": [1.1, 0.9, 0.85],
}
HISTORY_B = {"accuracy": [0.6, 0.8], "loss": [0.9, 0.5]}


def residual_model():
    inputs = keras.Input((16, 16, 3), name="image")
    x = layers.Conv2D(8, 3, padding="same", activation="relu", name="conv")(inputs)
    x = layers.MaxPooling2D(2, name="pool")(x)
    x = layers.BatchNormalization(name="norm")(x)
    shortcut = layers.Conv2D(8, 1, strides=2, padding="same", name="shortcut")(inputs)
    x = layers.add([shortcut, x], name="add")
    x = layers.Flatten(name="flatten")(x)
    outputs = layers.Dense(10, activation="softmax", name="dense")(x)
    return keras.Model(inputs, outputs, name="residual")


RESIDUAL_EDGES = {
    ("image", "conv"),
    ("conv", "pool"),
    ("pool", "norm"),
    ("image", "shortcut"),
    ("shortcut", "add"),
    ("norm", "add"),
    ("add", "flatten"),
    ("flatten", "dense"),
}


def inception_model():
    inputs = keras.Input((16, 16, 8), name="image")
    one = layers.Conv2D(4, 1, name="b1_1x1")(inputs)
    three = layers.Conv2D(4, 3, padding="same", name="b2_3x3")(
        layers.Conv2D(4, 1, name="b2_1x1")(inputs)
    )
    five = layers.Conv2D(4, 5, padding="same", name="b3_5x5")(
        layers.Conv2D(4, 1, name="b3_1x1")(inputs)
    )
    pool = layers.Conv2D(4, 1, name="b4_1x1")(
        layers.MaxPooling2D(3, strides=1, padding="same", name="b4_pool")(inputs)
    )
    outputs = layers.concatenate([one, three, five, pool], name="concat")
    return keras.Model(inputs, outputs, name="inception")


def gids(fig, prefix):
    return [p.get_gid() for p in fig.axes[0].patches if (p.get_gid() or "").startswith(prefix)]
