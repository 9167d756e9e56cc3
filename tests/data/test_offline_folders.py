"""Offline PetImages and flower_photos folders: real layouts, planted bad files, the pipeline."""

import numpy as np
import pytest

from cnncourse.data import (
    FLOWERS_CLASSES,
    DataError,
    clean_image_folder,
    flowers_datasets,
    flowers_folder,
    pets_datasets,
    pets_folder,
)
from cnncourse.profile import current_profile


def test_offline_pets_folder_has_the_real_layout_and_bad_files():
    folder = pets_folder()
    assert folder.source == "offline" and folder.is_offline
    assert folder.path.name == "PetImages"
    assert sorted(p.name for p in folder.path.iterdir()) == ["Cat", "Dog"]
    report = clean_image_folder(folder)
    dropped = {f"{item.class_name}/{item.path.name}" for item in report.dropped}
    assert "Cat/Thumbs.db" in dropped and "Dog/Thumbs.db" in dropped
    reasons = " ".join(item.reason for item in report.dropped)
    for words in ("empty file", "corrupt image data", "cannot identify", "not an image file"):
        assert words in reasons
    assert len(report.dropped) == 6
    per_class = current_profile().pets_per_class
    for name, count in report.kept.counts().items():
        assert count > per_class, name  # more than the subset takes


def test_offline_pets_folder_is_written_once():
    first = pets_folder()
    stamp = (first.path / "Cat" / "0.jpg").stat().st_mtime_ns
    again = pets_folder(source="offline")
    assert again == first
    assert (again.path / "Cat" / "0.jpg").stat().st_mtime_ns == stamp


def test_offline_flowers_folder_layout():
    folder = flowers_folder()
    assert folder.source == "offline"
    assert folder.path.name == "flower_photos"
    assert (folder.path / "LICENSE.txt").is_file()
    assert sorted(p.name for p in folder.path.iterdir() if p.is_dir()) == list(FLOWERS_CLASSES)
    report = clean_image_folder(folder)
    assert report.dropped == []
    assert report.kept.class_names == FLOWERS_CLASSES


@pytest.mark.parametrize("on_disk", [True, False])
def test_pets_datasets_follow_the_profile(on_disk, tmp_path):
    profile = current_profile()
    data = pets_datasets(on_disk=on_disk, destination=tmp_path / "split" if on_disk else None)
    assert data.source == "offline" and data.class_names == ("Cat", "Dog")
    total = sum(len(part) for part in data.split.parts().values())
    assert total == 2 * profile.pets_per_class
    images, labels = next(iter(data.train))
    assert images.shape[1:] == (profile.pets_image_size, profile.pets_image_size, 3)
    assert images.shape[0] == min(profile.batch_size, len(data.split.train))
    assert labels.shape[1:] == (1,)  # binary labels
    if on_disk:
        assert (tmp_path / "split" / "val" / "Dog").is_dir()
    else:
        assert data.split_folder is None
    assert "dropped 6" in str(data.report)


def test_pets_datasets_are_reproducible(tmp_path):
    first = pets_datasets(on_disk=False, seed=5)
    again = pets_datasets(on_disk=False, seed=5)
    assert first.split.val.paths == again.split.val.paths


def test_flowers_datasets_from_a_real_folder(tmp_path):
    from PIL import Image

    root = tmp_path / "flower_photos"
    rng = np.random.default_rng(0)
    for name in FLOWERS_CLASSES:
        (root / name).mkdir(parents=True)
        for index in range(6):
            Image.fromarray(rng.integers(0, 256, (40, 50, 3), dtype=np.uint8)).save(
                root / name / f"{index}_{name}.jpg"
            )
    (root / "LICENSE.txt").write_text("licence")
    folder = flowers_folder(source=tmp_path)
    assert folder.source == str(root) and not folder.is_offline
    data = flowers_datasets(source=tmp_path, per_class=6, image_size=24, on_disk=False)
    assert data.source == str(root)
    assert data.split.train.counts() == {name: 4 for name in FLOWERS_CLASSES}
    images, labels = next(iter(data.train))
    assert images.shape[1:] == (24, 24, 3) and labels.dtype.name == "int64"


def test_pets_folder_from_cnncourse_data(tmp_path, monkeypatch):
    for name in ("Cat", "Dog"):
        (tmp_path / "kagglecatsanddogs" / "PetImages" / name).mkdir(parents=True)
    monkeypatch.setenv("CNNCOURSE_DATA", str(tmp_path))
    folder = pets_folder()
    assert folder.path == tmp_path / "kagglecatsanddogs" / "PetImages"
    assert folder.source == str(folder.path)


def test_wrong_source_is_explained(tmp_path):
    with pytest.raises(DataError, match="does not exist"):
        pets_folder(source=tmp_path / "nothing")
    with pytest.raises(DataError, match="does not hold"):
        flowers_folder(source=tmp_path)
