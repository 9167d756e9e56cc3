"""Tests of cnncourse.data.folder_datasets: finding a class-per-folder dataset, the warnings."""

import warnings

import pytest

from cnncourse.data import DataError, flowers_folder, pets_datasets, pets_folder, sources
from cnncourse.data.folder_datasets import FolderDataset, find_folder

TOYS = FolderDataset(
    folder="Toys",
    classes=("ball", "kite"),
    offline="pets",
    per_class_setting="pets_per_class",
    image_size_setting="pets_image_size",
    keras_cache=False,
)


def test_the_folder_is_found_at_under_or_two_levels_under_the_root(tmp_path):
    assert find_folder(TOYS, tmp_path) is None
    for name in TOYS.classes:
        (tmp_path / "download" / "Toys" / name).mkdir(parents=True)
    assert find_folder(TOYS, tmp_path) == tmp_path / "download" / "Toys"
    assert find_folder(TOYS, tmp_path / "download") == tmp_path / "download" / "Toys"
    assert find_folder(TOYS, tmp_path / "download" / "Toys") == tmp_path / "download" / "Toys"
    (tmp_path / "download" / "Toys" / "kite").rmdir()
    assert find_folder(TOYS, tmp_path) is None  # every class folder must be there


def test_wrong_source_is_explained(tmp_path):
    with pytest.raises(DataError, match="does not exist"):
        pets_folder(source=tmp_path / "nothing")
    with pytest.raises(DataError, match="does not hold"):
        flowers_folder(source=tmp_path)


def test_a_missing_dataset_warns_at_the_callers_line(tmp_path, monkeypatch):
    monkeypatch.setenv("CNNCOURSE_DATA", str(tmp_path))
    for load in (pets_folder, lambda: pets_datasets(on_disk=False), flowers_folder):
        monkeypatch.setattr(sources, "_WARNED", set())
        with pytest.warns(sources.DataSourceWarning, match="holds no") as shown:
            load()
        # Only the data warnings: in tiny TensorFlow warns that tf.data stays traced.
        ours = [w for w in shown if issubclass(w.category, sources.DataSourceWarning)]
        assert [w.filename for w in ours] == [__file__]
        with warnings.catch_warnings(record=True) as again:
            warnings.simplefilter("always")
            load()
        again = [w for w in again if issubclass(w.category, sources.DataSourceWarning)]
        assert again == []  # once per dataset and folder
