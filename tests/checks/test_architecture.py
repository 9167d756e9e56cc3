"""The architecture check: the first difference, in the question's numbering and counts."""

import keras
import pytest
from keras import layers

from cnncourse import spec
from cnncourse.checks import architecture

# HW9 Q3: the question numbers the Input as layer 1.
HW9_Q3 = spec.Network(
    "HW9 Q3 CNN",
    layers=(
        spec.Input(shape=(64, 64, 3)),
        spec.Conv2D(filters=16, kernel_size=3, padding="same", activation="relu"),
        spec.Conv2D(filters=32, kernel_size=5, padding="same", activation="relu"),
        spec.MaxPooling2D(pool_size=3, strides=2),
        spec.Conv2D(filters=128, kernel_size=3, padding="same"),
        spec.Flatten(),
        spec.Dense(units=5),
    ),
)


def hw9_q3(
    kernel=5,
    bias=True,
    pool_padding="valid",
    sequential=False,
    extra=None,
    drop_flatten=False,
    first=None,
):
    stack = [
        first or layers.Conv2D(16, 3, padding="same", activation="relu"),
        layers.Conv2D(32, kernel, padding="same", activation="relu", use_bias=bias),
        layers.MaxPooling2D(3, 2, padding=pool_padding),
        layers.Conv2D(128, 3, padding="same"),
    ]
    if extra is not None:
        stack.append(extra)
    if not drop_flatten:
        stack.append(layers.Flatten())
    stack.append(layers.Dense(5))
    if sequential:
        return keras.Sequential([keras.Input((64, 64, 3))] + stack)
    inputs = x = keras.Input((64, 64, 3))
    for layer in stack:
        x = layer(x)
    return keras.Model(inputs, x)


def hw9_q4_cnn_spec():
    """HW9 Q4(b): the question numbers the first Conv2D as layer 1 (the Input is layer 0)."""

    def conv(filters):
        return spec.Conv2D(filters=filters, kernel_size=3, padding="same", activation="relu")

    pool = spec.MaxPooling2D(pool_size=2, strides=2, padding="same")
    return spec.Network(
        "HW9 Q4 CNN",
        layers=(
            spec.Input(shape=(32, 32, 3)),
            conv(32),
            conv(32),
            pool,
            conv(64),
            conv(64),
            pool,
            conv(128),
            conv(128),
            pool,
            spec.Flatten(),
            spec.Dropout(rate=0.2),
            spec.Dense(units=512, activation="relu"),
            spec.Dropout(rate=0.5),
            spec.Dense(units=10, activation="softmax"),
        ),
    )


def hw9_q4_cnn(second_dropout=0.5):
    """The student's CNN as in the seed text: Dropout(0.2) where 0.5 is asked."""
    inputs = x = keras.Input((32, 32, 3))
    for filters in (32, 64, 128):
        x = layers.Conv2D(filters, (3, 3), padding="same", activation="relu")(x)
        x = layers.Conv2D(filters, (3, 3), padding="same", activation="relu")(x)
        x = layers.MaxPooling2D((2, 2), strides=(2, 2), padding="same")(x)
    x = layers.Flatten()(x)
    x = layers.Dropout(0.2)(x)
    x = layers.Dense(512, activation="relu")(x)
    x = layers.Dropout(second_dropout)(x)
    return keras.Model(inputs, layers.Dense(10, activation="softmax")(x))


@pytest.mark.parametrize("sequential", [False, True])
def test_the_right_model_passes(sequential):
    result = architecture(hw9_q3(sequential=sequential), HW9_Q3)
    assert result.passed, result.message
    assert "7 layers" in result.message and "665,317 parameters" in result.message


def test_wrong_kernel_size_names_the_layer_and_both_counts():
    result = architecture(hw9_q3(kernel=3), HW9_Q3)
    assert not result.passed
    assert result.message == (
        "layer 3 Conv2D: expected a 5x5 kernel (12,832 parameters), yours is 3x3 (4,640)"
    )


def test_missing_bias():
    result = architecture(hw9_q3(bias=False), HW9_Q3)
    assert not result.passed
    assert result.message == (
        "layer 3 Conv2D: expected use_bias=True (12,832 parameters), "
        "yours is use_bias=False (12,800)"
    )


def test_wrong_padding_shows_the_resulting_shape():
    result = architecture(hw9_q3(pool_padding="same"), HW9_Q3)
    assert not result.passed
    assert result.message.startswith(
        "layer 4 MaxPooling2D: expected padding='valid', yours is 'same'"
    )
    assert "32x32x32" in result.message


def test_wrong_activation():
    first = layers.Conv2D(16, 3, padding="same")
    result = architecture(hw9_q3(first=first), HW9_Q3)
    assert result.message.startswith(
        "layer 2 Conv2D: expected activation 'relu', yours is 'linear' (no activation)"
    )
    # an activation has no parameters: the count is right, and the message says so
    assert "expected total of 665,317 parameters, but not the expected layers" in result.message


def test_wrong_layer_type():
    result = architecture(hw9_q3(first=layers.Dense(16, activation="relu")), HW9_Q3)
    assert not result.passed
    assert result.message.startswith(
        "layer 2: expected a Conv2D with 16 3x3 filters, yours is a Dense with 16 units"
    )


def test_extra_and_missing_layers():
    extra = architecture(hw9_q3(extra=layers.Dropout(0.5)), HW9_Q3)
    assert extra.message.startswith(
        "your model has an extra Dropout(0.5) layer before layer 6 Flatten"
    )
    missing = architecture(hw9_q3(drop_flatten=True), HW9_Q3)
    assert missing.message.startswith("layer 6 Flatten is missing (it comes after layer 5 Conv2D)")


def test_layers_missing_or_extra_at_the_end():
    inputs = keras.Input((64, 64, 3))
    x = layers.Conv2D(16, 3, padding="same", activation="relu")(inputs)
    short = architecture(keras.Model(inputs, x), HW9_Q3)
    assert short.message.startswith(
        "layer 3 Conv2D with 32 5x5 filters is missing: your model ends after layer 2 Conv2D"
    )
    longer = hw9_q3()
    longer = keras.Model(longer.inputs, layers.Dense(3)(longer.outputs[0]))
    assert architecture(longer, HW9_Q3).message == (
        "your model has 1 extra layer after layer 7 Dense: Dense with 3 units"
    )


def test_dropout_rate_invisible_to_parameter_counts_is_caught():
    expected = hw9_q4_cnn_spec()
    assert architecture(hw9_q4_cnn(0.5), expected, input_number=0).passed
    student = hw9_q4_cnn(0.2)
    assert student.count_params() == 1_341_226  # the seed's total: counts cannot see it
    result = architecture(student, expected, input_number=0)
    assert not result.passed
    assert result.message.startswith("layer 13 Dropout: expected rate 0.5, yours is 0.2")


def test_same_parameter_count_but_different_layers_fails_at_the_first_difference():
    expected = spec.Network(
        "two convolutions",
        layers=(
            spec.Input(shape=(8, 8, 4)),
            spec.Conv2D(filters=4, kernel_size=3, padding="same"),
            spec.Conv2D(filters=4, kernel_size=1),
        ),
    )
    inputs = keras.Input((8, 8, 4))
    x = layers.Conv2D(4, 1)(inputs)
    swapped = keras.Model(inputs, layers.Conv2D(4, 3, padding="same")(x))
    assert swapped.count_params() == 3 * 3 * 4 * 4 + 4 + 4 * 4 + 4
    result = architecture(swapped, expected)
    assert not result.passed
    assert result.message.startswith(
        "layer 2 Conv2D: expected a 3x3 kernel (148 parameters), yours is 1x1 (20)"
    )
    assert "expected total of 168 parameters, but not the expected layers" in result.message


def test_input_shape():
    inputs = keras.Input((32, 32, 3))
    model = keras.Model(inputs, layers.Dense(5)(layers.Flatten()(inputs)))
    expected = spec.Network(
        "mlp", layers=(spec.Input(shape=(64, 64, 3)), spec.Flatten(), spec.Dense(units=5))
    )
    assert architecture(model, expected).message == (
        "layer 1 Input: expected shape 64x64x3, yours is 32x32x3"
    )


RESIDUAL = spec.Network(
    "residual block",
    layers=(
        spec.Input(name="in", shape=(8, 8, 16)),
        spec.Conv2D(filters=16, padding="same", activation="relu"),
        spec.Conv2D(name="second", filters=16, padding="same"),
        spec.Add(inputs=("second", "in")),
        spec.GlobalAveragePooling2D(),
    ),
)


def residual(skip_from_input=True, swap=False):
    inputs = keras.Input((8, 8, 16))
    x = layers.Conv2D(16, 3, padding="same", activation="relu")(inputs)
    y = layers.Conv2D(16, 3, padding="same")(x)
    skip = inputs if skip_from_input else x
    merged = layers.Add()([skip, y] if swap else [y, skip])
    return keras.Model(inputs, layers.GlobalAveragePooling2D()(merged))


def test_branches_compare_whatever_the_order_of_an_add():
    assert architecture(residual(), RESIDUAL).passed
    assert architecture(residual(swap=True), RESIDUAL).passed


def test_a_skip_connection_from_the_wrong_layer():
    result = architecture(residual(skip_from_input=False), RESIDUAL)
    assert result.message.startswith(
        "layer 4 Add: expected its input from layers 1 and 3, yours reads layers 2 and 3"
    )


def test_inception_branches_in_any_concatenation_order():
    expected = spec.Network(
        "inception",
        layers=(
            spec.Input(name="in", shape=(8, 8, 16)),
            spec.Conv2D(name="a", filters=8, kernel_size=1, padding="same", inputs=("in",)),
            spec.Conv2D(name="b", filters=8, kernel_size=3, padding="same", inputs=("in",)),
            spec.MaxPooling2D(name="c", pool_size=3, strides=1, padding="same", inputs=("in",)),
            spec.Concatenate(inputs=("a", "b", "c")),
            spec.Flatten(),
        ),
    )
    inputs = keras.Input((8, 8, 16))
    a = layers.Conv2D(8, 1, padding="same")(inputs)
    b = layers.Conv2D(8, 3, padding="same")(inputs)
    c = layers.MaxPooling2D(3, 1, padding="same")(inputs)
    merged = layers.Concatenate()([c, a, b])
    assert architecture(keras.Model(inputs, layers.Flatten()(merged)), expected).passed
    wrong = layers.Concatenate()([layers.Conv2D(8, 5, padding="same")(inputs), b, c])
    result = architecture(keras.Model(inputs, layers.Flatten()(wrong)), expected)
    assert not result.passed and "Conv2D" in result.message


@pytest.fixture(scope="module")
def vgg16_base():
    return keras.applications.VGG16(weights=None, include_top=False, input_shape=(32, 32, 3))


def transfer_model(base):
    inputs = keras.Input((32, 32, 3))
    x = layers.Flatten()(base(inputs))
    return keras.Model(inputs, layers.Dense(1, activation="sigmoid")(x))


def test_a_pretrained_base_must_be_frozen(vgg16_base):
    expected = spec.Network(
        "frozen VGG16",
        layers=(
            spec.Input(shape=(32, 32, 3)),
            spec.Block(
                label="VGG16 conv base",
                params=14_714_688,
                trainable=False,
                output_shape=(1, 1, 512),
            ),
            spec.Flatten(),
            spec.Dense(units=1, activation="sigmoid"),
        ),
    )
    vgg16_base.trainable = True
    result = architecture(transfer_model(vgg16_base), expected)
    assert result.message == (
        "layer 2 VGG16 conv base must be frozen: 14,714,688 of its "
        "14,714,688 parameters are trainable"
    )
    vgg16_base.trainable = False
    assert architecture(transfer_model(vgg16_base), expected).passed
    fine_tuned = spec.Network(
        "fine-tuned VGG16",
        layers=(
            expected.layers[0],
            spec.Block(label="VGG16 conv base", params=14_714_688),
            *expected.layers[2:],
        ),
    )
    result = architecture(transfer_model(vgg16_base), fine_tuned)
    assert result.message == (
        "layer 2 VGG16 conv base must be trainable: 14,714,688 of its "
        "parameters should train, yours has 0"
    )


def test_what_cannot_be_read_fails_with_a_reason():
    assert architecture("my model", HW9_Q3).message.startswith("expected a Keras model, got str")
    unbuilt = keras.Sequential([layers.Dense(3)])
    assert "keras.Input(shape=...)" in architecture(unbuilt, HW9_Q3).message

    class Subclassed(keras.Model):
        def call(self, x):
            return x

    assert "subclassed" in architecture(Subclassed(), HW9_Q3).message


def test_expected_must_be_a_network():
    with pytest.raises(TypeError, match="spec.Network"):
        architecture(hw9_q3(), [spec.Input(shape=(1,))])
