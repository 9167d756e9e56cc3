"""The IIT CS577 Assignment 4 networks: cats-vs-dogs CNN and VGG16 heads; CIFAR-10 variants."""

from __future__ import annotations

from cnncourse.models.layers import batch_normalization
from cnncourse.models.transfer import load_base, set_base_trainable, unfreeze


def _filters(filters, count: int = 3) -> tuple[int, ...]:
    if isinstance(filters, int):
        filters = (filters,) * count
    filters = tuple(int(value) for value in filters)
    if len(filters) != count or min(filters) < 1:
        raise ValueError(f"filters must be {count} positive ints (one per block), got {filters}")
    return filters


def conv_block(x, filters: int, index: int, kernel_size=(3, 3), padding: str = "same"):
    """One CS577 block: Conv2D (ReLU), 2x2 max-pool, batch normalisation."""
    from keras import layers

    x = layers.Conv2D(
        filters, kernel_size, padding=padding, activation="relu", name=f"block{index}_conv"
    )(x)
    x = layers.MaxPooling2D((2, 2), name=f"block{index}_pool")(x)
    return batch_normalization(name=f"block{index}_bn")(x)


def cs577_basic_cnn(
    filters=(32, 32, 32),
    input_shape=(150, 150, 3),
    hidden: int = 512,
    kernel_size=(3, 3),
    padding: str = "same",
    name: str = "cs577_basic_cnn",
):
    """Task 1 (cats vs dogs): three conv-ReLU / 2x2 max-pool / batch-norm blocks, Flatten,
    Dense 512 relu, Dense 1 sigmoid. The grid search compares filters (32, 32, 32) and
    (64, 64, 64). The report gives no kernel size or padding: 3x3 'same' are the defaults
    (the same as its task-2 code). Any input size works."""
    import keras
    from keras import layers

    inputs = keras.Input(shape=tuple(input_shape), name="image")
    x = inputs
    for index, count in enumerate(_filters(filters), start=1):
        x = conv_block(x, count, index, kernel_size, padding)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(hidden, activation="relu", name="dense")(x)
    outputs = layers.Dense(1, activation="sigmoid", name="predictions")(x)
    return keras.Model(inputs, outputs, name=name)


def cs577_vgg16_frozen(
    input_shape=(150, 150, 3),
    hidden: int = 512,
    weights="imagenet",
    fallback: str | None = "efficientnet_lite0",
    download: bool = False,
    verbose: bool = True,
    name: str = "cs577_vgg16_frozen",
):
    """Task 1, feature extraction: the VGG16 conv base, frozen, called as one nested layer,
    then Flatten, Dense 512 relu, Dense 1 sigmoid. Only the head trains (4 weight tensors).

    ``weights``/``fallback``/``download`` as in `cnncourse.models.transfer.load_base`;
    ``verbose`` prints where the weights came from.
    """
    import keras
    from keras import layers

    base = load_base("vgg16", input_shape, weights, fallback, download, verbose).model
    set_base_trainable(base, 0)
    inputs = keras.Input(shape=tuple(input_shape), name="image")
    x = base(inputs, training=False)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(hidden, activation="relu", name="dense")(x)
    outputs = layers.Dense(1, activation="sigmoid", name="predictions")(x)
    return keras.Model(inputs, outputs, name=name)


def cs577_vgg16_finetune(model=None, last=None, **kwargs):
    """Task 1, fine-tuning: unfreeze the VGG16 base (all of it, or its last ``last`` layers).

    Pass the trained frozen model as ``model``; without it a new `cs577_vgg16_frozen` is
    built from ``kwargs``. With the whole base unfrozen 30 weight tensors train instead of 4
    (the report's "layers increase from 4 to 30"). Recompile with a small learning rate:
    the report uses 1e-6 so that the pretrained filters are only nudged.
    """
    if model is None:
        kwargs.setdefault("name", "cs577_vgg16_finetune")
        model = cs577_vgg16_frozen(**kwargs)
    return unfreeze(model, last=last)


def cs577_cifar_basic(
    filters=(128, 128, 128),
    input_shape=(32, 32, 3),
    classes: int = 10,
    name: str = "cs577_cifar_basic",
):
    """Task 2 (CIFAR-10): three conv-ReLU / max-pool / batch-norm blocks, Flatten, Dense 10
    softmax. The grid search compares filters (128, 128, 128) and (256, 256, 256)."""
    import keras
    from keras import layers

    inputs = keras.Input(shape=tuple(input_shape), name="image")
    x = inputs
    for index, count in enumerate(_filters(filters), start=1):
        x = conv_block(x, count, index)
    x = layers.Flatten(name="flatten")(x)
    outputs = layers.Dense(classes, activation="softmax", name="predictions")(x)
    return keras.Model(inputs, outputs, name=name)


def inception_block(x, branch_filters: int, name: str = "inception"):
    """Four parallel branches on the same input, concatenated on the channel axis:
    1x1; 1x1 then 3x3 'same'; 1x1 then 5x5 'same'; 2x2 max-pool (stride 1, 'same') then 1x1.
    All convolutions use ReLU; the spatial size is kept."""
    from keras import layers

    def conv(tensor, size, label):
        return layers.Conv2D(
            branch_filters, size, padding="same", activation="relu", name=f"{name}_{label}"
        )(tensor)

    one = conv(x, 1, "1x1")
    three = conv(conv(x, 1, "3x3_reduce"), 3, "3x3")
    five = conv(conv(x, 1, "5x5_reduce"), 5, "5x5")
    pooled = layers.MaxPooling2D((2, 2), strides=1, padding="same", name=f"{name}_pool")(x)
    pool = conv(pooled, 1, "pool_proj")
    return layers.Concatenate(name=f"{name}_concat")([one, three, five, pool])


def cs577_inception(
    filters=(128, 128, 128),
    branch_filters: int | None = None,
    input_shape=(32, 32, 3),
    classes: int = 10,
    name: str = "cs577_inception",
):
    """Task 2 with an inception block after the second conv-pool-BN block.

    The report does not say how many filters each branch has: ``branch_filters`` defaults to
    a quarter of the second block's filters, so the concatenation has as many channels as the
    block before it (128 -> 4 x 32).
    """
    import keras
    from keras import layers

    first, second, third = _filters(filters)
    branch_filters = branch_filters or max(second // 4, 1)
    inputs = keras.Input(shape=tuple(input_shape), name="image")
    x = conv_block(inputs, first, 1)
    x = conv_block(x, second, 2)
    x = inception_block(x, branch_filters)
    x = conv_block(x, third, 3)
    x = layers.Flatten(name="flatten")(x)
    outputs = layers.Dense(classes, activation="softmax", name="predictions")(x)
    return keras.Model(inputs, outputs, name=name)


def cs577_residual(
    filters=(128, 128, 128),
    input_shape=(32, 32, 3),
    classes: int = 10,
    name: str = "cs577_residual",
):
    """Task 2 with two skip connections, after the report's code.

    Skip 1 (as in the report): ``Conv2D(h1, 1, strides=2, padding='same')`` on the input
    (32x32x3 -> 16x16xh1) is added to the first block's output (16x16xh1).
    Skip 2: the report adds the second block's input (16x16xh1) to its output (8x8xh2),
    shapes that cannot be added. The choice here keeps it an identity shortcut without
    parameters, subsampled with stride 2 (``MaxPooling2D(pool_size=1, strides=2)`` keeps
    every other pixel, ResNet's "option A"), which needs h2 == h1; when they differ a strided
    1x1 projection (as in skip 1) is used instead.
    """
    import keras
    from keras import layers

    first, second, third = _filters(filters)
    inputs = keras.Input(shape=tuple(input_shape), name="image")
    out1 = conv_block(inputs, first, 1)
    skip1 = layers.Conv2D(first, 1, strides=2, padding="same", name="skip1_projection")(inputs)
    in2 = layers.Add(name="skip1_add")([skip1, out1])
    out2 = conv_block(in2, second, 2)
    if second == first:
        skip2 = layers.MaxPooling2D(pool_size=1, strides=2, name="skip2_identity")(in2)
    else:
        skip2 = layers.Conv2D(second, 1, strides=2, padding="same", name="skip2_projection")(in2)
    in3 = layers.Add(name="skip2_add")([skip2, out2])
    out3 = conv_block(in3, third, 3)
    x = layers.Flatten(name="flatten")(out3)
    outputs = layers.Dense(classes, activation="softmax", name="predictions")(x)
    return keras.Model(inputs, outputs, name=name)
