"""The Harvard CS109A Homework 9 networks: the Q3 counting exercise and the Q4 MLP and CNN."""

from __future__ import annotations


def hw9_q3(input_shape=(64, 64, 3), classes: int = 5, name: str = "hw9_q3"):
    """HW9 Q3.2: the CNN whose parameters the question asks to count (665,317 in all).

    Exactly the listed layers: conv 16 3x3 'same' relu (448); conv 32 5x5 'same' relu
    (12,832); max-pool 3x3 stride 2 with Keras' default 'valid' padding (64 -> 31, 0);
    conv 128 3x3 'same' (36,992; the question gives it no activation); the Flatten Keras
    needs before a Dense layer; fully connected with 5 outputs (123,008 x 5 + 5 = 615,045;
    the question names no activation, so none is used).
    """
    import keras
    from keras import layers

    inputs = keras.Input(shape=input_shape, name="image")
    x = layers.Conv2D(16, (3, 3), strides=1, padding="same", activation="relu", name="conv1")(
        inputs
    )
    x = layers.Conv2D(32, (5, 5), strides=1, padding="same", activation="relu", name="conv2")(x)
    x = layers.MaxPooling2D(pool_size=(3, 3), strides=2, name="pool")(x)
    x = layers.Conv2D(128, (3, 3), strides=1, padding="same", name="conv3")(x)
    x = layers.Flatten(name="flatten")(x)
    outputs = layers.Dense(classes, name="dense")(x)
    return keras.Model(inputs, outputs, name=name)


def hw9_mlp(
    input_shape=(32, 32, 3), classes: int = 10, dropout: float = 0.2, name: str = "hw9_mlp"
):
    """HW9 Q4.2(a): Flatten, Dense 128/256/512 relu each followed by Dropout 0.2, softmax 10.

    563,082 parameters on 32x32x3 CIFAR-10 images.
    """
    import keras
    from keras import layers

    inputs = keras.Input(shape=input_shape, name="image")
    x = layers.Flatten(name="flatten")(inputs)
    for index, units in enumerate((128, 256, 512), start=1):
        x = layers.Dense(units, activation="relu", name=f"dense{index}")(x)
        x = layers.Dropout(dropout, name=f"dropout{index}")(x)
    outputs = layers.Dense(classes, activation="softmax", name="predictions")(x)
    return keras.Model(inputs, outputs, name=name)


def hw9_cnn(
    input_shape=(32, 32, 3),
    classes: int = 10,
    flatten_dropout: float = 0.2,
    dense_dropout: float = 0.5,
    pool_padding: str = "same",
    name: str = "hw9_cnn",
):
    """HW9 Q4.2(b): three pairs of 3x3 'same' relu convolutions (32, 64, 128 filters), each
    pair followed by a 2x2 stride-2 max-pool; Flatten, Dropout 0.2, Dense 512 relu,
    Dropout 0.5, Dense 10 softmax. 1,341,226 parameters on 32x32x3.

    The question's own helper code pools with padding='same'; on 32x32 images 'valid' gives
    the same sizes (32 -> 16 -> 8 -> 4) and the same total. The question asks for Dropout 0.5
    after Dense 512 (the student in the seed used 0.2: counts cannot see that, the
    architecture check must).
    """
    import keras
    from keras import layers

    inputs = keras.Input(shape=input_shape, name="image")
    x = inputs
    for block, filters in enumerate((32, 64, 128), start=1):
        for index in (1, 2):
            x = layers.Conv2D(
                filters,
                (3, 3),
                strides=(1, 1),
                padding="same",
                activation="relu",
                use_bias=True,
                name=f"block{block}_conv{index}",
            )(x)
        x = layers.MaxPooling2D(
            pool_size=(2, 2), strides=(2, 2), padding=pool_padding, name=f"block{block}_pool"
        )(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dropout(flatten_dropout, name="dropout1")(x)
    x = layers.Dense(512, activation="relu", name="dense")(x)
    x = layers.Dropout(dense_dropout, name="dropout2")(x)
    outputs = layers.Dense(classes, activation="softmax", name="predictions")(x)
    return keras.Model(inputs, outputs, name=name)
