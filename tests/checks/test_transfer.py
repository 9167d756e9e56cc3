"""cnncourse.checks.transfer: the last N layers train, copied weights, images not resized."""

import keras
import numpy as np
import pytest
from keras import layers

from cnncourse.checks import input_size, same_weights, trainable_layers


def small_base(input_shape=(32, 32, 3), name="base"):
    inputs = keras.Input(input_shape)
    x = layers.Conv2D(4, 3, padding="same", name="c1")(inputs)
    x = layers.Conv2D(4, 3, padding="same", name="c2")(x)
    x = layers.MaxPooling2D(name="p1")(x)
    x = layers.Conv2D(8, 3, padding="same", name="c3")(x)
    x = layers.BatchNormalization(name="bn")(x)
    x = layers.Conv2D(8, 3, padding="same", name="c4")(x)
    x = layers.MaxPooling2D(name="p2")(x)
    return keras.Model(inputs, x, name=name)


def with_head(base, input_shape=(32, 32, 3), flatten=True):
    inputs = keras.Input(input_shape)
    x = base(inputs)
    x = (layers.Flatten() if flatten else layers.GlobalAveragePooling2D())(x)
    return keras.Model(inputs, layers.Dense(3, activation="softmax")(x))


def freeze_all_but(base, last):
    base.trainable = False
    base.trainable = True
    for layer in base.layers[:-last]:
        layer.trainable = False


# --------------------------------------------------------------------------- trainable_layers


def test_the_last_layers_train_and_the_others_are_frozen():
    base = small_base()
    freeze_all_but(base, 4)  # c3, bn, c4, p2
    result = trainable_layers(base, last=4)
    assert result.passed, result.message
    assert (
        "c3, c4" in result.message
        and "the other 2 layers with weights are frozen" in result.message
    )


def test_one_layer_too_few_names_the_frozen_one():
    base = small_base()
    freeze_all_but(base, 3)  # bn, c4, p2: c3 frozen
    result = trainable_layers(base, last=4, label="the VGG19 base")
    assert not result.passed
    assert result.message.startswith(
        "the VGG19 base: layer 'c3' is one of its last 4 layers and should train, yours is frozen"
    )


def test_a_layer_too_many_names_the_one_that_should_be_frozen():
    base = small_base()
    freeze_all_but(base, 5)  # p1 and everything after
    assert trainable_layers(base, last=5).passed  # p1 has no weights: same layers train
    freeze_all_but(base, 6)  # c2 trains too
    result = trainable_layers(base, last=4)
    assert not result.passed
    assert (
        "layer 'c2' should be frozen, only the last 4 layers of base.layers train" in result.message
    )


def test_what_really_trains_counts_not_the_flags():
    base = small_base()
    model = with_head(base)
    freeze_all_but(base, 4)
    assert trainable_layers(model, last=4, base="base").passed
    base.trainable = False  # the flags of c3 and c4 stay True, but nothing trains
    result = trainable_layers(model, last=4, base="base")
    assert not result.passed and "layer 'c3'" in result.message and "frozen" in result.message


def test_batchnorm_is_judged_only_when_asked():
    base = small_base()
    freeze_all_but(base, 4)
    base.get_layer("bn").trainable = False
    assert trainable_layers(base, last=4).passed
    result = trainable_layers(base, last=4, skip_batchnorm=False)
    assert not result.passed and "'bn'" in result.message


def test_a_missing_base_and_a_wrong_value():
    model = with_head(small_base())
    result = trainable_layers(model, last=2, base="vgg19")
    assert not result.passed and "no nested model called 'vgg19'" in result.message
    assert not trainable_layers("model", last=2).passed
    with pytest.raises(ValueError, match="last must be an integer"):
        trainable_layers(model, last=-1)


# --------------------------------------------------------------------------- same_weights


def test_copied_and_shared_weights_pass_fresh_ones_fail():
    from cnncourse.models import conv_base, rebuild_with_input

    source = with_head(small_base())
    copied = rebuild_with_input(conv_base(source), (96, 96, 3))
    result = same_weights(copied, source)
    assert result.passed, result.message
    assert "its 5 Conv2D and BatchNormalization layers" in result.message
    fresh = with_head(small_base(name="fresh"))
    result = same_weights(fresh, source, kinds=("Conv2D",), source_name="cifar_model")
    assert not result.passed
    assert result.message.startswith(
        "your model: Conv2D 'c1' (number 1) does not hold the weights of 'c1' of cifar_model"
    )


def test_a_missing_convolution_is_counted():
    source = with_head(small_base())
    inputs = keras.Input((96, 96, 3))
    x = source.get_layer("base").get_layer("c1")(inputs)
    partial = keras.Model(inputs, x)
    result = same_weights(partial, source, kinds=("Conv2D",))
    assert not result.passed
    assert result.message == (
        "your model has 1 Conv2D layer, the trained model has 4: move all of its Conv2D layers"
    )


# --------------------------------------------------------------------------- input_size


def moved_by_reuse(source_base):
    """The trained layers called again on a 96x96 input (weights shared)."""
    inputs = keras.Input((96, 96, 3))
    x = inputs
    for layer in source_base.layers[1:]:
        x = layer(x)
    x = layers.GlobalAveragePooling2D()(x)
    return keras.Model(inputs, layers.Dense(3, activation="softmax")(x))


def test_a_moved_base_takes_the_new_size():
    source = with_head(small_base())
    moved = moved_by_reuse(source.get_layer("base"))
    result = input_size(moved, (96, 96, 3))
    assert result.passed, result.message
    assert same_weights(moved, source).passed


def test_resizing_the_images_is_caught():
    source = with_head(small_base())
    resized = keras.Sequential([keras.Input((96, 96, 3)), layers.Resizing(32, 32), source])
    result = input_size(resized, (96, 96, 3))
    assert not result.passed
    assert "resizes the images: layer" in result.message and "(Resizing)" in result.message
    assert same_weights(resized, source).passed  # the weights are right, the size is not


def test_a_model_at_the_old_size_or_shrinking_the_images():
    source = with_head(small_base())
    result = input_size(source, (96, 96, 3))
    assert not result.passed
    assert result.message.startswith("your model takes 32x32x3 images, not 96x96x3")
    inputs = keras.Input((96, 96, 3))
    shrunk = keras.Model(inputs, source(layers.AveragePooling2D(3)(inputs)))
    result = input_size(shrunk, (96, 96, 3))
    assert not result.passed
    assert "its first Conv2D 'c1' sees 32x32x3 images, not 96x96x3" in result.message


def test_a_size_agnostic_base_inside_a_new_model():
    base = small_base((None, None, 3))
    model = with_head(base, (96, 96, 3), flatten=False)
    assert input_size(model, (96, 96, 3)).passed
    assert not input_size(with_head(base, (64, 64, 3), flatten=False), (96, 96, 3)).passed


def test_no_convolution_and_not_a_model():
    inputs = keras.Input((96, 96, 3))
    dense_only = keras.Model(inputs, layers.Dense(2)(layers.Flatten()(inputs)))
    assert "has no Conv2D layer" in input_size(dense_only, (96, 96, 3)).message
    assert not input_size(np.zeros(3), (96, 96, 3)).passed
