"""Keras datasets from split folders and from file lists; NumPy arrays from files."""

import numpy as np
import pytest
from PIL import Image

from cnncourse.data import (
    DataError,
    directory_dataset,
    files_dataset,
    list_class_files,
    read_images,
)


@pytest.fixture
def folder(tmp_path):
    rng = np.random.default_rng(0)
    root = tmp_path / "train"
    for label, name in enumerate(("Cat", "Dog")):
        (root / name).mkdir(parents=True)
        for index in range(5):
            image = np.full((20, 30, 3), 40 + 150 * label, np.uint8)
            image[:, :, 2] = rng.integers(0, 256)
            Image.fromarray(image).save(root / name / f"{index}.png")
    return root


def as_arrays(dataset):
    images, labels = [], []
    for batch_images, batch_labels in dataset:
        images.append(batch_images.numpy())
        labels.append(batch_labels.numpy())
    return np.concatenate(images), np.concatenate(labels)


def test_directory_dataset_shapes_and_binary_labels(folder):
    dataset = directory_dataset(folder, 16, batch_size=4, label_mode="binary", shuffle=False)
    images, labels = as_arrays(dataset)
    assert images.shape == (10, 16, 16, 3) and labels.shape == (10, 1)
    assert labels[:, 0].tolist() == [0.0] * 5 + [1.0] * 5
    assert np.allclose(images[:5, ..., 0], 40) and np.allclose(images[5:, ..., 0], 190)


def test_files_dataset_gives_the_same_images_as_the_folder(folder):
    files = list_class_files(folder)
    from_files = as_arrays(files_dataset(files, 16, batch_size=3, shuffle=False))
    from_folder = as_arrays(directory_dataset(folder, 16, batch_size=3, shuffle=False))
    np.testing.assert_allclose(from_files[0], from_folder[0], atol=1e-3)
    np.testing.assert_array_equal(from_files[1], from_folder[1])


def test_files_dataset_shuffle_is_seeded_and_keeps_pairs(folder):
    files = list_class_files(folder)
    first = as_arrays(files_dataset(files, 8, batch_size=10, seed=1, label_mode="categorical"))
    again = as_arrays(files_dataset(files, 8, batch_size=10, seed=1, label_mode="categorical"))
    np.testing.assert_array_equal(first[0], again[0])
    assert first[1].shape == (10, 2)
    red = first[0][:, 0, 0, 0]
    assert np.all((red > 100) == (first[1][:, 1] == 1))  # each image kept its label


def test_default_batch_size_is_the_profile_one(folder):
    images, _ = next(iter(directory_dataset(folder, 8)))
    assert images.shape[0] == 10  # tiny profile batch size 32 > 10 files


def test_read_images_resizes_to_uint8(folder):
    images, labels = read_images(list_class_files(folder), 12)
    assert images.shape == (10, 12, 12, 3) and images.dtype == np.uint8
    assert labels.tolist() == [0] * 5 + [1] * 5


def test_errors_are_data_errors(folder, tmp_path):
    with pytest.raises(DataError, match="does not exist"):
        directory_dataset(tmp_path / "nothing", 8)
    with pytest.raises(DataError, match="label_mode"):
        directory_dataset(folder, 8, label_mode="sparse")
    with pytest.raises(DataError, match="image_size"):
        files_dataset(list_class_files(folder), "big")
    broken = list_class_files(folder)
    broken.paths[0].write_bytes(b"")
    with pytest.raises(DataError, match="0.png"):
        read_images(broken, 8)


@pytest.mark.parametrize("content", [b"", b"<html>not an image</html>"])
def test_an_unreadable_image_is_named_before_tensorflow_reads_it(folder, content):
    bad = folder / "Dog" / "3.png"
    bad.write_bytes(content)
    files = list_class_files(folder)
    (folder / "Dog" / "notes.txt").write_text("not an image, and keras skips it")
    with pytest.raises(
        DataError,
        match=r"1 file in image folder .* cannot be read as images: "
        r"'.*Dog/3\.png' is (empty|not a JPEG)",
    ):
        directory_dataset(folder, 8)
    with pytest.raises(DataError, match=r"1 file in the file list .*Dog/3\.png"):
        files_dataset(files, 8)
    with pytest.raises(DataError, match=r"cannot read image .*Dog/3\.png"):
        read_images(files, 8)


def test_many_unreadable_images_are_counted(folder):
    for index in range(5):
        (folder / "Cat" / f"{index}.png").write_bytes(b"GIF")
    with pytest.raises(DataError, match=r"5 files in .*Cat/0\.png.*; and 2 more"):
        directory_dataset(folder, 8)


def test_cnncourse_data_without_the_dataset_warns_once_naming_the_folder(tmp_path, monkeypatch):
    import warnings

    from cnncourse.data import load_cifar10, sources

    monkeypatch.setattr(sources, "_WARNED", set())
    with warnings.catch_warnings(record=True) as shown:
        warnings.simplefilter("always")
        assert load_cifar10(train=10, test=5).source == "offline"  # no CNNCOURSE_DATA: quiet
    assert shown == []
    monkeypatch.setenv("CNNCOURSE_DATA", str(tmp_path))
    with pytest.warns(sources.DataSourceWarning) as shown:
        data = load_cifar10(train=10, test=5)
    assert data.source == "offline"
    assert [str(w.message) for w in shown] == [
        f"CNNCOURSE_DATA={str(tmp_path)!r} holds no CIFAR-10 files: using the offline stand-in "
        "instead (see the loader's docstring for the folder it looks for)"
    ]
    assert shown[0].filename == __file__  # pointing at the caller's line
    with warnings.catch_warnings(record=True) as again:
        warnings.simplefilter("always")
        load_cifar10(train=10, test=5)
    assert again == []  # once per dataset and folder
