"""any_architecture: one of several readings passes; the message blames a real difference."""

import keras
import pytest
from keras import layers

from cnncourse import spec
from cnncourse.checks import any_architecture, architecture_free_padding
from cnncourse.checks.alternatives import difference_position, free_paddings


def reading(padding):
    """HW9 Q4's CNN head, shortened: the question names no pooling padding."""
    return spec.Network(
        f"pooling padding {padding}",
        layers=(
            spec.Input(shape=(32, 32, 3)),
            spec.Conv2D(filters=4, kernel_size=3, padding="same", activation="relu"),
            spec.MaxPooling2D(pool_size=2, strides=2, padding=padding),
            spec.Flatten(),
            spec.Dropout(rate=0.5),
            spec.Dense(units=10, activation="softmax"),
        ),
    )


READINGS = [reading("same"), reading("valid")]


def student(padding="same", rate=0.5, kernel=3, conv_padding="same"):
    inputs = keras.Input((32, 32, 3))
    x = layers.Conv2D(4, kernel, padding=conv_padding, activation="relu")(inputs)
    x = layers.MaxPooling2D(2, strides=2, padding=padding)(x)
    x = layers.Flatten()(x)
    x = layers.Dropout(rate)(x)
    return keras.Model(inputs, layers.Dense(10, activation="softmax")(x))


@pytest.mark.parametrize("padding", ["same", "valid"])
def test_either_reading_passes(padding):
    result = any_architecture(student(padding), READINGS)
    assert result.passed
    assert f"pooling padding {padding} matches" in result.message


@pytest.mark.parametrize("padding", ["same", "valid"])
def test_the_message_names_the_real_difference_not_the_open_setting(padding):
    result = any_architecture(student(padding, rate=0.2), READINGS)
    assert not result.passed
    assert result.message.startswith("layer 5 Dropout: expected rate 0.5, yours is 0.2")
    assert "padding" not in result.message


def test_an_early_difference_is_named_by_the_first_reading():
    result = any_architecture(student("valid", kernel=5), READINGS)
    assert not result.passed
    assert result.message.startswith("layer 2 Conv2D: expected a 3x3 kernel")


def test_difference_position_reads_the_first_layer_number():
    assert difference_position("layer 13 Dropout: expected rate 0.5") == 13
    assert difference_position("your model has 2 extra layers after layer 9 Dense: ...") == 9
    assert difference_position("your model is a subclassed keras.Model") == -1


def test_no_candidates_is_an_error():
    with pytest.raises(ValueError, match="at least one candidate"):
        any_architecture(student(), [])


# ----------------------------------------------------------------- paddings that change nothing


def inception_like(x, one_padding="same", pool_padding="same", five=5):
    """Four branches whose 1x1 convolutions may use either padding."""

    def conv(tensor, size, padding="same"):
        return layers.Conv2D(4, size, padding=padding, activation="relu")(tensor)

    one = conv(x, 1, one_padding)
    three = conv(conv(x, 1, one_padding), 3)
    wide = conv(conv(x, 1, one_padding), five)
    pooled = layers.MaxPooling2D(2, strides=1, padding=pool_padding)(x)
    return layers.Concatenate()([wide, one, conv(pooled, 1, one_padding), three])


def block_model(**settings):
    inputs = keras.Input((8, 8, 16))
    return keras.Model(inputs, inception_like(inputs, **settings))


BLOCK = spec.from_keras(block_model(), name="the block")


def test_free_paddings_are_the_windows_that_tile_their_input():
    free = free_paddings(BLOCK)
    kinds = sorted((BLOCK.layers[i].kind, BLOCK.layers[i].kernel_size) for i in free)
    assert kinds == [("Conv2D", (1, 1))] * 4  # not the 3x3, the 5x5 or the stride-1 pool
    assert free_paddings(READINGS[0]) == {2}  # a 2x2 pool with stride 2 on 32x32


@pytest.mark.parametrize("padding", ["same", "valid"])
def test_a_free_padding_passes_either_way(padding):
    result = architecture_free_padding(block_model(one_padding=padding), BLOCK)
    assert result.passed, result.message


def test_a_padding_that_changes_the_output_still_fails():
    result = architecture_free_padding(student(conv_padding="valid"), READINGS[0])
    assert not result.passed
    assert result.message.startswith("layer 2 Conv2D: expected padding='same', yours is 'valid'")


def test_the_message_names_the_difference_that_matters():
    result = architecture_free_padding(block_model(one_padding="valid", five=3), BLOCK)
    assert not result.passed
    assert "expected a 5x5 kernel" in result.message
    pooled = architecture_free_padding(student("valid", rate=0.2), READINGS[0])
    assert pooled.message.startswith("layer 5 Dropout: expected rate 0.5, yours is 0.2")
