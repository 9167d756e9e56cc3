"""Tests of cnncourse.data.offline.folders: the offline folders' real layouts, written once."""

from cnncourse.data import FLOWERS_CLASSES, clean_image_folder, flowers_folder, pets_folder
from cnncourse.data.offline.folders import extra_images
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


def test_offline_folders_hold_a_few_more_images_than_asked():
    assert extra_images(40) == 4 and extra_images(5) == 2
    per_class = current_profile().pets_per_class
    counts = clean_image_folder(pets_folder()).kept.counts()
    assert set(counts.values()) == {per_class + extra_images(per_class)}
