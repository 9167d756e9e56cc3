"""The student project's CIFAR-10 (592,169) and STL-10 (38,124,937) models, 9 shared classes."""

from __future__ import annotations

from cnncourse.models.layers import batch_normalization

SHARED_CLASSES = 9  # CIFAR-10 without frog, STL-10 without monkey


def augmentation(
    input_shape=None,
    flip: str = "horizontal",
    rotation: float = 0.1,
    zoom: float = 0.1,
    seed: int = 0,
    name: str = "augmentation",
):
    """A `keras.Sequential` of random flips, rotations and zooms (0 parameters).

    Active only while training; the Keras 3 replacement of ``ImageDataGenerator``. With
    ``input_shape`` it is built (it then has an Input layer of that shape).
    """
    import keras
    from keras import layers

    steps = [
        layers.RandomFlip(flip, seed=seed, name="flip"),
        layers.RandomRotation(rotation, seed=seed + 1, name="rotation"),
        layers.RandomZoom(zoom, seed=seed + 2, name="zoom"),
    ]
    if input_shape is not None:
        steps.insert(0, keras.Input(shape=input_shape))
    return keras.Sequential(steps, name=name)


def project_cifar10(
    input_shape=(32, 32, 3),
    classes: int = SHARED_CLASSES,
    dropout: float = 0.5,
    name: str = "project_cifar10",
):
    """The project's CIFAR-10 model as its summary lists it (592,169 parameters, 512 frozen).

    conv 32, BN, conv 32, BN, pool; conv 64, BN, conv 64, BN, pool; BN; Flatten;
    Dense 128; Dropout; Dense 9 softmax. The summary does not show activations, padding or
    the dropout rate: 3x3 'same' relu convolutions and relu Dense match its shapes and counts,
    and the rate (0.5) is a choice.
    """
    import keras
    from keras import layers

    inputs = keras.Input(shape=input_shape, name="image")
    x = inputs
    for block, filters in enumerate((32, 64), start=1):
        for index in (1, 2):
            x = layers.Conv2D(
                filters, (3, 3), padding="same", activation="relu", name=f"block{block}_conv{index}"
            )(x)
            x = batch_normalization(name=f"block{block}_bn{index}")(x)
        x = layers.MaxPooling2D((2, 2), name=f"block{block}_pool")(x)
    x = batch_normalization(name="bn")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(128, activation="relu", name="dense")(x)
    x = layers.Dropout(dropout, name="dropout")(x)
    outputs = layers.Dense(classes, activation="softmax", name="predictions")(x)
    return keras.Model(inputs, outputs, name=name)


def project_stl10(
    input_shape=(96, 96, 3),
    classes: int = SHARED_CLASSES,
    conv_dropout: float = 0.25,
    dense_dropout: float = 0.5,
    seed: int = 0,
    name: str = "project_stl10",
):
    """The project's STL-10 model (the Keras Tuner winner), 38,124,937 parameters, 1,408 frozen.

    augmentation Sequential (0); conv 64, BN, pool; conv 128, BN; conv 256, BN, pool;
    Dropout; Flatten (24x24x256 = 147,456); Dense 256, BN, Dropout; Dense 9 softmax. 3x3
    'same' relu convolutions and the dropout rates are choices the summary does not show.
    Almost all parameters sit in the Dense layer after Flatten: the reason this model cannot
    move to 32x32 images as it is (see `cnncourse.models.rebuild`).
    """
    import keras
    from keras import layers

    inputs = keras.Input(shape=input_shape, name="image")
    x = augmentation(input_shape, seed=seed, name="augmentation")(inputs)
    x = layers.Conv2D(64, (3, 3), padding="same", activation="relu", name="conv1")(x)
    x = batch_normalization(name="bn1")(x)
    x = layers.MaxPooling2D((2, 2), name="pool1")(x)
    x = layers.Conv2D(128, (3, 3), padding="same", activation="relu", name="conv2")(x)
    x = batch_normalization(name="bn2")(x)
    x = layers.Conv2D(256, (3, 3), padding="same", activation="relu", name="conv3")(x)
    x = batch_normalization(name="bn3")(x)
    x = layers.MaxPooling2D((2, 2), name="pool2")(x)
    x = layers.Dropout(conv_dropout, name="dropout1")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(256, activation="relu", name="dense")(x)
    x = batch_normalization(name="bn4")(x)
    x = layers.Dropout(dense_dropout, name="dropout2")(x)
    outputs = layers.Dense(classes, activation="softmax", name="predictions")(x)
    return keras.Model(inputs, outputs, name=name)
