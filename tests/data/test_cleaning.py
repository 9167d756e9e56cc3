"""Cleaning a class folder: which files are dropped, why, and the printed report."""

import numpy as np
import pytest
from PIL import Image

from cnncourse.data import DataError, check_image_file, class_folders, clean_image_folder


def make_image(path, color=(200, 30, 30), size=(24, 18), image_format="JPEG"):
    array = np.zeros((size[1], size[0], 3), dtype=np.uint8) + np.array(color, np.uint8)
    Image.fromarray(array).save(path, format=image_format)


@pytest.fixture
def messy_folder(tmp_path):
    root = tmp_path / "PetImages"
    for name in ("Cat", "Dog"):
        (root / name).mkdir(parents=True)
        for index in range(3):
            make_image(root / name / f"{index}.jpg")
    (root / "Cat" / "666.jpg").write_bytes(b"")
    good = (root / "Dog" / "0.jpg").read_bytes()
    (root / "Dog" / "11702.jpg").write_bytes(good[: len(good) // 2])
    (root / "Cat" / "note.jpg").write_text("just text")
    (root / "Dog" / "Thumbs.db").write_bytes(b"\xd0\xcf\x11\xe0" + bytes(100))
    noise = np.random.default_rng(0).integers(0, 256, (30, 30, 3), dtype=np.uint8)
    Image.fromarray(noise).save(root / "Dog" / "garbage.png")
    png = bytearray((root / "Dog" / "garbage.png").read_bytes())
    middle = len(png) // 2
    png[middle : middle + 40] = bytes(40)  # inside the pixel data: the CRC check fails
    (root / "Dog" / "garbage.png").write_bytes(bytes(png))
    make_image(root / "Cat" / "real_png.jpg", image_format="PNG")  # PNG with a .jpg name
    make_image(root / "Cat" / "photo.tiff", image_format="TIFF")
    (root / "LICENSE.txt").write_text("a file at the top, not a class")
    return root


EXPECTED_DROPS = {
    "666.jpg": "empty file",
    "11702.jpg": "corrupt image data",
    "note.jpg": "cannot identify",
    "Thumbs.db": "not an image file",
    "garbage.png": "corrupt",
    "photo.tiff": "not an image file",
}


def test_bad_files_are_dropped_with_their_reason(messy_folder):
    report = clean_image_folder(messy_folder)
    reasons = {item.path.name: item.reason for item in report.dropped}
    assert set(reasons) == set(EXPECTED_DROPS)
    for name, words in EXPECTED_DROPS.items():
        assert words in reasons[name], (name, reasons[name])
    assert report.kept.counts() == {"Cat": 4, "Dog": 3}
    assert report.checked == 13
    assert all(path.exists() for path in report.kept.paths)
    assert (messy_folder / "Cat" / "666.jpg").exists()  # nothing deleted by default


def test_report_prints_every_dropped_file(messy_folder):
    text = str(clean_image_folder(messy_folder))
    assert "kept 7 images (Cat 4, Dog 3), dropped 6" in text
    for name in EXPECTED_DROPS:
        assert name in text
    assert "Cat/666.jpg: empty file (0 bytes)" in text


def test_remove_deletes_the_bad_files(messy_folder):
    report = clean_image_folder(messy_folder, remove=True)
    assert report.removed
    for item in report.dropped:
        assert not item.path.exists()
    again = clean_image_folder(messy_folder)
    assert again.dropped == [] and len(again.kept) == 7


def test_check_image_file_accepts_good_images(tmp_path):
    make_image(tmp_path / "a.jpg")
    make_image(tmp_path / "b.png", image_format="PNG")
    Image.new("L", (10, 10), 128).save(tmp_path / "gray.jpg")
    for name in ("a.jpg", "b.png", "gray.jpg"):
        assert check_image_file(tmp_path / name) is None


def test_class_folders_ignore_top_level_files_and_check_names(messy_folder):
    assert class_folders(messy_folder) == ["Cat", "Dog"]
    assert class_folders(messy_folder, ["Dog"]) == ["Dog"]
    with pytest.raises(DataError, match="unknown class 'Horse'"):
        class_folders(messy_folder, ["Horse"])


def test_missing_or_flat_folders_are_explained(tmp_path):
    with pytest.raises(DataError, match="missing.*does not exist"):
        clean_image_folder(tmp_path / "missing")
    (tmp_path / "flat").mkdir()
    make_image(tmp_path / "flat" / "x.jpg")
    with pytest.raises(DataError, match="no class subfolders"):
        clean_image_folder(tmp_path / "flat")
