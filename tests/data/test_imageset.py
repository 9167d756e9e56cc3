"""ImageSet and DataFolder: checked shapes and dtypes, counts, subsets, path behaviour."""

import os
from pathlib import Path

import numpy as np
import pytest

from cnncourse.data import DataError, DataFolder, ImageSet


def make_set(train=6, test=4, classes=3):
    x = np.zeros((train, 8, 8, 3), np.uint8)
    y = np.arange(train) % classes
    return ImageSet(x, y, x[:test], y[:test], [f"c{i}" for i in range(classes)], "here")


def test_counts_subset_and_shape():
    data = make_set()
    assert data.image_shape == (8, 8, 3)
    assert data.class_counts() == {"c0": 2, "c1": 2, "c2": 2}
    smaller = data.subset(train=3, test=1)
    assert len(smaller.x_train) == 3 and len(smaller.y_test) == 1
    assert smaller.source == "here" and not smaller.is_offline
    assert "6 train + 4 test" in repr(data)


def test_column_labels_are_flattened():
    x = np.zeros((2, 4, 4, 3), np.uint8)
    data = ImageSet(x, np.array([[0], [1]]), x, np.array([[1], [0]]), ["a", "b"], "s")
    assert data.y_train.shape == (2,) and data.y_train.dtype == np.int64


@pytest.mark.parametrize(
    "images, labels, message",
    [
        (np.zeros((2, 4, 4), np.uint8), [0, 1], r"shape \(N, H, W, 3\)"),
        (np.zeros((2, 4, 4, 3), np.float32), [0, 1], "uint8"),
        (np.zeros((2, 4, 4, 3), np.uint8), [0], "labels must have shape"),
        (np.zeros((2, 4, 4, 3), np.uint8), [0, 7], "label 7"),
        (np.zeros((2, 4, 4, 3), np.uint8), [0.5, 1.0], "integers"),
    ],
)
def test_bad_arrays_are_explained(images, labels, message):
    good = np.zeros((1, 4, 4, 3), np.uint8)
    with pytest.raises(DataError, match=message) as error:
        ImageSet(images, np.asarray(labels), good, np.array([0]), ["a", "b"], "s", name="demo")
    assert "demo training set" in str(error.value)


def test_data_folder_works_as_a_path(tmp_path):
    (tmp_path / "x.txt").write_text("hello")
    folder = DataFolder(tmp_path, "offline")
    assert folder.is_offline
    assert Path(folder) == tmp_path and os.fspath(folder) == str(tmp_path)
    assert (folder / "x.txt").read_text() == "hello"
    assert os.listdir(folder) == ["x.txt"]
