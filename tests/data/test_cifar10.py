"""CIFAR-10 pickle batches: reading the real format, and the errors for broken files."""

import pickle

import numpy as np
import pytest

from cnncourse.data import (
    CIFAR10_CLASSES,
    DataError,
    load_cifar10,
    read_cifar10,
    read_cifar10_batch,
    write_cifar10_batches,
)
from cnncourse.profile import current_profile


def random_cifar(count, seed=0):
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, size=(count, 32, 32, 3), dtype=np.uint8)
    return images, rng.integers(0, 10, size=count).astype(np.int64)


def test_batch_rows_are_red_green_blue_planes_in_row_major_order(tmp_path):
    row = np.zeros(3072, dtype=np.uint8)
    row[0 * 1024 + 2 * 32 + 5] = 200  # red, y=2, x=5
    row[1 * 1024 + 7 * 32 + 1] = 100  # green, y=7, x=1
    row[2 * 1024 + 31 * 32 + 30] = 50  # blue, y=31, x=30
    path = tmp_path / "data_batch_1"
    with path.open("wb") as handle:
        pickle.dump({b"data": row[None, :], b"labels": [4]}, handle, protocol=2)
    images, labels = read_cifar10_batch(path)
    assert images.shape == (1, 32, 32, 3) and images.dtype == np.uint8
    assert images[0, 2, 5, 0] == 200 and images[0, 7, 1, 1] == 100
    assert images[0, 31, 30, 2] == 50
    assert int(images.sum()) == 350
    assert labels.tolist() == [4] and labels.dtype == np.int64


def test_written_batches_read_back_identically(tmp_path):
    x_train, y_train = random_cifar(50)
    x_test, y_test = random_cifar(20, seed=1)
    folder = write_cifar10_batches(tmp_path, x_train, y_train, x_test, y_test)
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch", "batches.meta"]
    )
    data = read_cifar10(tmp_path)  # the parent folder works too
    np.testing.assert_array_equal(data.x_train, x_train)
    np.testing.assert_array_equal(data.y_train, y_train)
    np.testing.assert_array_equal(data.x_test, x_test)
    np.testing.assert_array_equal(data.y_test, y_test)
    assert data.class_names == CIFAR10_CLASSES
    assert data.source == str(folder)


def test_limits_keep_the_first_images(tmp_path):
    x_train, y_train = random_cifar(50)
    x_test, y_test = random_cifar(20, seed=1)
    write_cifar10_batches(tmp_path, x_train, y_train, x_test, y_test)
    data = read_cifar10(tmp_path, train=13, test=4)
    np.testing.assert_array_equal(data.x_train, x_train[:13])
    np.testing.assert_array_equal(data.y_test, y_test[:4])


def test_class_names_come_from_batches_meta(tmp_path):
    names = [f"class{i}" for i in range(10)]
    write_cifar10_batches(tmp_path, *random_cifar(10), *random_cifar(5), class_names=names)
    assert read_cifar10(tmp_path).class_names == names


def test_truncated_batch_names_the_file(tmp_path):
    folder = write_cifar10_batches(tmp_path, *random_cifar(50), *random_cifar(10))
    path = folder / "data_batch_3"
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(DataError, match="data_batch_3.*truncated"):
        read_cifar10(folder)


def test_garbage_file_names_the_file(tmp_path):
    folder = write_cifar10_batches(tmp_path, *random_cifar(50), *random_cifar(10))
    (folder / "test_batch").write_bytes(b"\x00\x01 not a pickle at all" * 10)
    with pytest.raises(DataError, match="test_batch"):
        read_cifar10(folder)


def test_missing_batch_is_named(tmp_path):
    folder = write_cifar10_batches(tmp_path, *random_cifar(50), *random_cifar(10))
    (folder / "data_batch_5").unlink()
    with pytest.raises(DataError, match="data_batch_5"):
        read_cifar10(folder)


def test_missing_folder_is_named(tmp_path):
    with pytest.raises(DataError, match="nowhere.*does not exist"):
        read_cifar10(tmp_path / "nowhere")


@pytest.mark.parametrize(
    "content, message",
    [
        ({b"data": np.zeros((2, 100), np.uint8), b"labels": [0, 1]}, "shape"),
        ({b"data": np.zeros((2, 3072), np.float32), b"labels": [0, 1]}, "uint8"),
        ({b"data": np.zeros((2, 3072), np.uint8), b"labels": [0]}, "2 images but 1 labels"),
        ({b"data": np.zeros((1, 3072), np.uint8), b"labels": [12]}, "label 12"),
        ({b"labels": [0]}, "b'data'"),
        ([1, 2, 3], "dict"),
    ],
)
def test_wrong_content_is_explained(tmp_path, content, message):
    path = tmp_path / "data_batch_1"
    with path.open("wb") as handle:
        pickle.dump(content, handle, protocol=2)
    with pytest.raises(DataError, match=message) as error:
        read_cifar10_batch(path)
    assert "data_batch_1" in str(error.value)


def test_pickles_that_run_code_are_refused(tmp_path):
    class Evil:
        def __reduce__(self):
            return (print, ("should not run",))

    path = tmp_path / "data_batch_1"
    path.write_bytes(pickle.dumps({b"data": Evil()}))
    with pytest.raises(DataError, match="refusing"):
        read_cifar10_batch(path)


def test_load_cifar10_prefers_real_data_under_cnncourse_data(tmp_path, monkeypatch):
    profile = current_profile()
    x_train, y_train = random_cifar(profile.cifar_train + 50)
    write_cifar10_batches(tmp_path, x_train, y_train, *random_cifar(profile.cifar_test + 5))
    monkeypatch.setenv("CNNCOURSE_DATA", str(tmp_path))
    data = load_cifar10()
    assert data.source == str(tmp_path / "cifar-10-batches-py")
    assert not data.is_offline
    np.testing.assert_array_equal(data.x_train, x_train[: profile.cifar_train])
    assert len(data.x_test) == profile.cifar_test


def test_load_cifar10_finds_keras_cache(tmp_path, monkeypatch):
    inner = tmp_path / "datasets" / "cifar-10-batches-py-target"
    write_cifar10_batches(inner, *random_cifar(30), *random_cifar(10))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    data = load_cifar10(train=30, test=10)
    assert data.source == str(inner / "cifar-10-batches-py")


def test_load_cifar10_falls_back_to_offline(monkeypatch):
    data = load_cifar10(train=40, test=20)
    assert data.source == "offline"
    assert data.x_train.shape == (40, 32, 32, 3) and data.x_test.shape == (20, 32, 32, 3)
    assert data.x_train.dtype == np.uint8 and data.y_train.dtype == np.int64
    assert len(data.class_names) == 10


def test_explicit_source_without_data_is_an_error(tmp_path):
    with pytest.raises(DataError, match="does not hold"):
        load_cifar10(source=tmp_path)


def test_download_goes_through_keras(monkeypatch):
    import keras

    x_train, y_train = random_cifar(12)
    x_test, y_test = random_cifar(6, seed=1)

    def fake_load_data():
        return (x_train, y_train[:, None].astype(np.uint8)), (
            x_test,
            y_test[:, None].astype(np.uint8),
        )

    monkeypatch.setattr(keras.datasets.cifar10, "load_data", fake_load_data)
    data = load_cifar10(source="download", train=10, test=6)
    assert data.source == "keras"
    np.testing.assert_array_equal(data.x_train, x_train[:10])
    assert data.y_train.shape == (10,) and data.y_train.dtype == np.int64
    np.testing.assert_array_equal(data.y_test, y_test)


def test_failed_download_is_a_data_error(monkeypatch):
    import keras

    def offline():
        raise OSError("no network")

    monkeypatch.setattr(keras.datasets.cifar10, "load_data", offline)
    with pytest.raises(DataError, match="could not download CIFAR-10.*no network"):
        load_cifar10(source="download")
