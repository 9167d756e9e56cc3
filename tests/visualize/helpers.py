"""Images and Keras models shared by the tests of cnncourse.visualize."""

import keras
import numpy as np
from keras import layers

import cnncourse


def random_image(shape=(20, 20, 3), seed=0):
    return np.random.default_rng(seed).random(shape).astype("float32")


def sequential_model(with_input=True):
    cnncourse.seed_everything(0)
    stack = [
        layers.Conv2D(6, 3, activation="relu", name="c1"),
        layers.MaxPooling2D(2, name="pool"),
        layers.Conv2D(5, 3, padding="same", activation="relu", name="c2"),
        layers.Flatten(name="flat"),
        layers.Dropout(0.5, name="drop"),
        layers.Dense(3, activation="softmax", name="out"),
    ]
    if with_input:
        return keras.Sequential([keras.Input((20, 20, 3)), *stack], name="seq")
    model = keras.Sequential(stack, name="seq_built")
    model.build((None, 20, 20, 3))
    return model


def functional_model():
    cnncourse.seed_everything(0)
    inputs = keras.Input((20, 20, 3))
    a = layers.Conv2D(4, 3, padding="same", activation="relu", name="left")(inputs)
    b = layers.Conv2D(4, 5, padding="same", activation="relu", name="right")(inputs)
    x = layers.concatenate([a, b], name="concat")
    x = layers.Conv2D(7, 3, strides=2, activation="relu", name="merge_conv")(x)
    x = layers.GlobalAveragePooling2D()(x)
    outputs = layers.Dense(3, activation="softmax", name="out")(x)
    return keras.Model(inputs, outputs, name="branches")


def nested_model(frozen=True):
    cnncourse.seed_everything(0)
    base = keras.Sequential(
        [
            keras.Input((20, 20, 3)),
            layers.Conv2D(6, 3, activation="relu", name="block1_conv"),
            layers.MaxPooling2D(2, name="block1_pool"),
            layers.Conv2D(8, 3, activation="relu", name="block2_conv"),
        ],
        name="base",
    )
    base.trainable = not frozen
    inputs = keras.Input((20, 20, 3))
    x = layers.Rescaling(2.0, offset=-1.0, name="scale")(inputs)
    x = base(x)
    x = layers.Flatten()(x)
    outputs = layers.Dense(2, activation="softmax", name="out")(x)
    return keras.Model(inputs, outputs, name="transfer"), base


def quadrant_model(evidence_channel_for_class):
    """Two input channels, each passed through a 1x1 conv; class c reads channel e[c] only."""
    inputs = keras.Input((16, 16, 2))
    conv = layers.Conv2D(2, 1, activation="relu", use_bias=False, name="conv")
    pooled = layers.GlobalAveragePooling2D()(conv(inputs))
    dense = layers.Dense(2, activation="softmax", name="out")
    model = keras.Model(inputs, dense(pooled))
    conv.set_weights([np.eye(2, dtype="float32").reshape(1, 1, 2, 2)])
    kernel = np.zeros((2, 2), "float32")
    for klass, channel in enumerate(evidence_channel_for_class):
        kernel[channel, klass] = 20.0
    dense.set_weights([kernel, np.zeros(2, "float32")])
    return model


def quadrant_image():
    image = np.zeros((16, 16, 2), "float32")
    image[:8, :8, 0] = 1.0  # channel 0: a bright top-left quadrant
    image[8:, 8:, 1] = 0.5  # channel 1: a dimmer bottom-right quadrant
    return image
