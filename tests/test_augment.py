"""Tests of cnncourse.augment: the CS577 settings as Keras 3 layers, seeded, training-only."""

import keras
import numpy as np
import pytest

from cnncourse import augment


def _image(size=24):
    image = np.zeros((size, size, 3), np.uint8)
    image[4:16, 6:12] = 255  # an off-centre bright block
    image[:, :3, 0] = 200  # a red strip on the left edge
    return image


def test_the_cs577_pipeline_has_the_listed_layers_and_factors():
    settings = augment.CS577_SETTINGS
    pipeline = augment.cs577_augmentation()
    kinds = [type(layer) for layer in pipeline.layers]
    assert kinds == [
        keras.layers.RandomRotation,
        keras.layers.RandomTranslation,
        keras.layers.RandomShear,
        keras.layers.RandomZoom,
        keras.layers.RandomFlip,
    ]
    rotation, shift, shear, zoom, flip = pipeline.layers
    turn = settings["rotation_range"] / 360.0
    assert tuple(rotation.factor) == pytest.approx((-turn, turn))
    assert shift.height_factor == settings["height_shift_range"]
    assert shift.width_factor == settings["width_shift_range"]
    assert tuple(shear.x_factor) == pytest.approx(
        (-settings["shear_range"], settings["shear_range"])
    )
    assert tuple(shear.y_factor) == pytest.approx((0.0, 0.0))
    assert zoom.height_factor == zoom.width_factor == settings["zoom_range"]
    assert flip.mode == "horizontal"
    for layer in (rotation, shift, shear, zoom):
        assert layer.fill_mode == settings["fill_mode"] == "nearest"
    seeds = [layer.seed for layer in pipeline.layers]
    assert len(set(seeds)) == len(seeds)


def test_switched_off_settings_leave_their_layer_out():
    pipeline = augment.augmentation(shear=0.0, horizontal_flip=False)
    names = [type(layer).__name__ for layer in pipeline.layers]
    assert "RandomShear" not in names and "RandomFlip" not in names
    with pytest.raises(ValueError, match="switched off"):
        augment.augmentation(
            rotation_degrees=0,
            width_shift=0,
            height_shift=0,
            shear=0,
            zoom=0,
            horizontal_flip=False,
        )
    with pytest.raises(ValueError, match="zoom"):
        augment.augmentation(zoom=2.0)


def test_images_change_in_training_mode_only():
    pipeline = augment.cs577_augmentation(seed=1)
    batch = np.repeat(_image()[np.newaxis], 4, axis=0).astype("float32")
    inference = np.asarray(pipeline(batch, training=False))
    np.testing.assert_array_equal(inference, batch)
    training = np.asarray(pipeline(batch, training=True))
    assert training.shape == batch.shape
    assert all(not np.allclose(version, batch[0]) for version in training)
    assert not np.allclose(training[0], training[1])  # each image drawn on its own


def test_same_seed_same_augmentations_other_seed_others():
    first = augment.augmented_examples(_image(), count=3, seed=5)
    again = augment.augmented_examples(_image(), count=3, seed=5)
    other = augment.augmented_examples(_image(), count=3, seed=6)
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)
    assert first.dtype == np.uint8 and first.shape == (3, 24, 24, 3)


def test_flip_only_gives_the_image_or_its_mirror():
    pipeline = augment.augmentation(
        rotation_degrees=0, width_shift=0, height_shift=0, shear=0, zoom=0, seed=2
    )
    versions = augment.augmented_examples(_image(), pipeline, count=12)
    image = _image()
    mirrored = image[:, ::-1]
    flags = []
    for version in versions:
        assert np.array_equal(version, image) or np.array_equal(version, mirrored)
        flags.append(np.array_equal(version, mirrored))
    assert any(flags) and not all(flags)


def test_rotation_only_keeps_the_centre_and_fills_from_the_edge():
    pipeline = augment.augmentation(
        width_shift=0,
        height_shift=0,
        shear=0,
        zoom=0,
        horizontal_flip=False,
        interpolation="nearest",
        seed=3,
    )
    image = np.repeat(np.arange(10, 35, dtype=np.uint8)[:, None, None], 25, axis=1)  # a ramp
    image[12, 12] = 255
    versions = augment.augmented_examples(image, pipeline, count=6)
    assert all(version[12, 12, 0] == 255 for version in versions)  # rotation about the centre
    assert not any(np.array_equal(version, image) for version in versions)
    assert versions.min() >= 10  # 'nearest' fill repeats edge pixels: no black corners


def test_float_images_keep_their_range_and_the_grid_shows_them():
    image = _image().astype("float32") / 255.0
    versions = augment.augmented_examples(image, count=2)
    assert versions.dtype == np.float32
    assert versions.min() >= -1e-6 and versions.max() <= 1 + 1e-6
    fig = augment.plot_augmented(image, count=5, columns=3)
    assert len(fig.axes) == 6
    assert fig.axes[0].get_title() == "original"
    assert len(augment.plot_augmented(image, count=3, include_original=False).axes) == 3
