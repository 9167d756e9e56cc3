"""STL-10 binaries: column-major channel planes, labels 1..10, truncated files."""

import numpy as np
import pytest

from cnncourse.data import STL10_CLASSES, DataError, load_stl10, read_stl10, write_stl10_binaries
from cnncourse.data.stl10 import read_stl10_images, read_stl10_labels
from cnncourse.profile import current_profile


def random_stl(count, seed=0):
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, size=(count, 96, 96, 3), dtype=np.uint8)
    return images, rng.integers(0, 10, size=count).astype(np.int64)


def test_channel_planes_are_read_column_major(tmp_path):
    # Build the bytes by hand: per image 3 planes, each plane stored column by column,
    # so the byte at plane offset x * 96 + y is the pixel at row y, column x.
    raw = np.zeros((2, 3, 96, 96), dtype=np.uint8)
    raw[0, 0, 10, 3] = 201  # image 0, red, column 10, row 3
    raw[1, 2, 95, 0] = 77  # image 1, blue, column 95, row 0
    raw[1, 1, 0, 50] = 9  # image 1, green, column 0, row 50
    path = tmp_path / "train_X.bin"
    path.write_bytes(raw.tobytes())
    images = read_stl10_images(path)
    assert images.shape == (2, 96, 96, 3) and images.dtype == np.uint8
    assert images[0, 3, 10, 0] == 201
    assert images[1, 0, 95, 2] == 77
    assert images[1, 50, 0, 1] == 9
    assert int(images.sum()) == 201 + 77 + 9


def test_labels_one_to_ten_become_zero_to_nine(tmp_path):
    path = tmp_path / "train_y.bin"
    path.write_bytes(bytes([1, 10, 3]))
    labels = read_stl10_labels(path)
    assert labels.tolist() == [0, 9, 2] and labels.dtype == np.int64


def test_round_trip_through_the_writer(tmp_path):
    x_train, y_train = random_stl(7)
    x_test, y_test = random_stl(5, seed=1)
    folder = write_stl10_binaries(tmp_path, x_train, y_train, x_test, y_test)
    assert folder.name == "stl10_binary"
    assert (folder / "train_X.bin").stat().st_size == 7 * 3 * 96 * 96
    data = read_stl10(tmp_path)
    np.testing.assert_array_equal(data.x_train, x_train)
    np.testing.assert_array_equal(data.y_train, y_train)
    np.testing.assert_array_equal(data.x_test, x_test)
    np.testing.assert_array_equal(data.y_test, y_test)
    assert data.class_names == STL10_CLASSES
    limited = read_stl10(folder, train=3, test=2)
    np.testing.assert_array_equal(limited.x_train, x_train[:3])
    np.testing.assert_array_equal(limited.y_test, y_test[:2])


def test_truncated_image_file_names_the_file(tmp_path):
    folder = write_stl10_binaries(tmp_path, *random_stl(3), *random_stl(2))
    path = folder / "test_X.bin"
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(DataError, match="test_X.bin.*truncated"):
        read_stl10(folder)


def test_label_count_mismatch_is_explained(tmp_path):
    folder = write_stl10_binaries(tmp_path, *random_stl(3), *random_stl(2))
    (folder / "train_y.bin").write_bytes(bytes([1, 2]))
    with pytest.raises(DataError, match="3 images but train_y.bin holds 2 labels"):
        read_stl10(folder)


def test_label_out_of_range_names_the_file(tmp_path):
    path = tmp_path / "test_y.bin"
    path.write_bytes(bytes([1, 0, 4]))
    with pytest.raises(DataError, match="test_y.bin.*label 0"):
        read_stl10_labels(path)


def test_missing_files_and_folders(tmp_path):
    with pytest.raises(DataError, match="does not exist"):
        read_stl10(tmp_path / "missing")
    folder = write_stl10_binaries(tmp_path, *random_stl(2), *random_stl(2))
    (folder / "test_y.bin").unlink()
    with pytest.raises(DataError, match="test_y.bin"):
        read_stl10(folder)


def test_class_names_file_must_list_ten(tmp_path):
    folder = write_stl10_binaries(tmp_path, *random_stl(2), *random_stl(2))
    (folder / "class_names.txt").write_text("airplane\nbird\n")
    with pytest.raises(DataError, match="class_names.txt.*10 class names"):
        read_stl10(folder)


def test_load_stl10_real_then_offline(tmp_path, monkeypatch):
    profile = current_profile()
    x_train, y_train = random_stl(profile.stl_train + 10)
    write_stl10_binaries(tmp_path, x_train, y_train, *random_stl(profile.stl_test + 5, seed=3))
    real = load_stl10(source=tmp_path)
    assert real.source == str(tmp_path / "stl10_binary")
    np.testing.assert_array_equal(real.x_train, x_train[: profile.stl_train])
    assert len(real.x_test) == profile.stl_test
    smaller = load_stl10(source=tmp_path, train=4, test=4, image_size=48)
    assert smaller.x_train.shape == (4, 48, 48, 3)
    offline = load_stl10(train=20, test=10)
    assert offline.source == "offline" and offline.x_train.shape == (20, 96, 96, 3)
