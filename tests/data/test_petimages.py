"""Tests of cnncourse.data.petimages: the PetImages folder and datasets, real or offline."""

import pytest

from cnncourse.data import pets_datasets, pets_folder
from cnncourse.profile import current_profile


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


def test_pets_folder_from_cnncourse_data(tmp_path, monkeypatch):
    for name in ("Cat", "Dog"):
        (tmp_path / "kagglecatsanddogs" / "PetImages" / name).mkdir(parents=True)
    monkeypatch.setenv("CNNCOURSE_DATA", str(tmp_path))
    folder = pets_folder()
    assert folder.path == tmp_path / "kagglecatsanddogs" / "PetImages"
    assert folder.source == str(folder.path)
