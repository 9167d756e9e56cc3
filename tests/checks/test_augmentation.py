"""cnncourse.checks.augmentation: ImageDataGenerator settings read back from Keras 3 layers.

The mistakes are named.
"""

import keras
import pytest
from keras import layers

from cnncourse.augment import CS577_SETTINGS, cs577_augmentation
from cnncourse.checks import augmentation_settings
from cnncourse.checks.augmentation import read_layers


def pipeline(
    rotation=40 / 360,
    shift=(0.2, 0.2),
    shear=0.2,
    zoom=(0.2, None),
    fill="nearest",
    flip="horizontal",
):
    parts = []
    if rotation is not None:
        parts.append(layers.RandomRotation(rotation, fill_mode=fill))
    if shift is not None:
        parts.append(layers.RandomTranslation(*shift, fill_mode=fill))
    if shear is not None:
        parts.append(layers.RandomShear(x_factor=shear, fill_mode=fill))
    if zoom is not None:
        parts.append(layers.RandomZoom(*zoom, fill_mode=fill))
    if flip is not None:
        parts.append(layers.RandomFlip(flip))
    return keras.Sequential(parts, name="augmentation")


def test_the_course_pipeline_and_a_hand_written_one_pass():
    assert augmentation_settings(cs577_augmentation(), CS577_SETTINGS).passed
    result = augmentation_settings(pipeline(), CS577_SETTINGS, name="augmentation")
    assert result.message == (
        "augmentation applies the generator settings (RandomRotation, "
        "RandomTranslation, RandomShear, RandomZoom, RandomFlip)"
    )


def test_a_rotation_factor_in_the_wrong_unit_is_explained():
    result = augmentation_settings(pipeline(rotation=0.4), CS577_SETTINGS, name="augmentation")
    assert not result.passed
    assert result.message == (
        "augmentation: rotation_range=40: your RandomRotation turns by up to 144 degrees "
        "(factor 0.4); its factor is a fraction of a full turn: 40 degrees is 40 / 360 = 0.111"
    )
    radians = augmentation_settings(pipeline(rotation=0.698), CS577_SETTINGS).message
    assert "0.698 is 40 degrees in radians" in radians
    half_turn = augmentation_settings(pipeline(rotation=40 / 180), CS577_SETTINGS).message
    assert "0.222 = 40 / 180 turns twice as far" in half_turn
    assert augmentation_settings(pipeline(rotation=0.11), CS577_SETTINGS).passed  # 39.6 deg


def test_every_difference_is_listed():
    result = augmentation_settings(
        pipeline(shift=(0.1, 0.2), shear=None, zoom=(0.2, 0.3), fill="reflect", flip="vertical"),
        CS577_SETTINGS,
    )
    message = result.message
    assert (
        "height_shift_range=0.2: your RandomTranslation shifts by up to 0.1 of the height"
        in message
    )
    assert "shear_range=0.2: there is no RandomShear layer in your augmentation" in message
    assert "zoom_range=0.2: your RandomZoom zooms the width by up to 0.3" in message
    assert "horizontal_flip=True: no RandomFlip flips images horizontally" in message
    assert "fill_mode='nearest': RandomRotation" in message and "uses 'reflect'" in message


def test_layers_split_over_axes_and_nested_models_are_read():
    split = keras.Sequential(
        [
            layers.RandomRotation(40 / 360, fill_mode="nearest"),
            layers.RandomTranslation(0.0, 0.2, fill_mode="nearest"),
            layers.RandomTranslation(0.2, 0.0, fill_mode="nearest"),
            layers.RandomShear(x_factor=0.2, fill_mode="nearest"),
            layers.RandomZoom(0.2, 0.2, fill_mode="nearest"),
            layers.RandomFlip("horizontal"),
        ]
    )
    inputs = keras.Input((32, 32, 3))
    model = keras.Model(inputs, layers.Flatten()(split(inputs)))
    assert augmentation_settings(model, CS577_SETTINGS).passed
    assert augmentation_settings(list(split.layers), CS577_SETTINGS).passed
    read = read_layers(split)
    assert read["width_shift_range"] == pytest.approx(0.2)
    assert read["rotation_range"] == pytest.approx(40)


def test_not_a_pipeline():
    assert augmentation_settings("flip", CS577_SETTINGS).message.startswith(
        "your augmentation: expected a Keras model or a list of preprocessing layers, got str"
    )
    empty = keras.Sequential([layers.Rescaling(1 / 255)])
    assert (
        "has no Keras preprocessing layer" in augmentation_settings(empty, CS577_SETTINGS).message
    )
    with pytest.raises(ValueError, match="unknown generator settings"):
        augmentation_settings(pipeline(), {"brightness_range": (0.5, 1.5)})


def test_a_setting_of_zero_needs_no_layer_and_an_unwanted_flip_is_named():
    settings = {"rotation_range": 0, "horizontal_flip": False}
    assert augmentation_settings(pipeline(rotation=None, flip=None), settings).passed
    result = augmentation_settings(pipeline(rotation=None), settings)
    assert result.message.endswith(
        "horizontal_flip=False: your RandomFlip also flips images horizontally"
    )
