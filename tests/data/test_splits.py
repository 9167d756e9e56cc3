"""Per-class subsets and train/val/test splits: reproducible, stratified, on disk or in memory."""

import json

import numpy as np
import pytest

from cnncourse.data import DataError, LabelledFiles, split_files, take_per_class, write_split


@pytest.fixture
def files(tmp_path):
    paths, labels = [], []
    for label, name in enumerate(("Cat", "Dog")):
        folder = tmp_path / "src" / name
        folder.mkdir(parents=True)
        for index in range(25):
            path = folder / f"{index}.jpg"
            path.write_bytes(f"{name}-{index}".encode())
            paths.append(path)
            labels.append(label)
    return LabelledFiles(tuple(paths), np.array(labels), ("Cat", "Dog"))


def test_take_per_class_takes_the_first_files_in_natural_order(files):
    subset = take_per_class(files, 12)
    assert subset.counts() == {"Cat": 12, "Dog": 12}
    assert [p.name for p in subset.of_class("Cat")] == [f"{i}.jpg" for i in range(12)]


def test_take_per_class_with_seed_is_a_reproducible_sample(files):
    first, again = take_per_class(files, 10, seed=3), take_per_class(files, 10, seed=3)
    assert first.paths == again.paths
    assert take_per_class(files, 10, seed=4).paths != first.paths
    assert first.counts() == {"Cat": 10, "Dog": 10}


def test_take_per_class_too_many_is_explained(files):
    with pytest.raises(DataError, match="class 'Cat' has only 25"):
        take_per_class(files, 30)


def test_split_is_stratified_disjoint_and_complete(files):
    split = split_files(files, (0.6, 0.2, 0.2), seed=0)
    assert split.train.counts() == {"Cat": 15, "Dog": 15}
    assert split.val.counts() == {"Cat": 5, "Dog": 5}
    assert split.test.counts() == {"Cat": 5, "Dog": 5}
    parts = [set(part.paths) for part in split.parts().values()]
    assert parts[0].isdisjoint(parts[1]) and parts[0].isdisjoint(parts[2])
    assert parts[1].isdisjoint(parts[2])
    assert set.union(*parts) == set(files.paths)
    for part in split.parts().values():  # labels still match the folders
        for path, label in zip(part.paths, part.labels):
            assert path.parent.name == part.class_names[label]


def test_split_prints_its_counts(files):
    text = str(split_files(files, (0.6, 0.2, 0.2)))
    assert text == ("train 30 (Cat 15, Dog 15); val 10 (Cat 5, Dog 5); test 10 (Cat 5, Dog 5)")


def test_same_seed_same_split_other_seed_other_split(files):
    first, again = split_files(files, seed=7), split_files(files, seed=7)
    assert first.train.paths == again.train.paths and first.test.paths == again.test.paths
    assert split_files(files, seed=8).train.paths != first.train.paths
    shuffled = files.select(np.random.default_rng(0).permutation(len(files)))
    assert split_files(shuffled, seed=7).train.paths == first.train.paths  # order-independent


@pytest.mark.parametrize("ratios", [(0.5, 0.6, 0.1), (1.2, -0.2), (0.5,), (0.3, 0.3, 0.3)])
def test_bad_ratios_are_explained(files, ratios):
    with pytest.raises(DataError, match="ratios"):
        split_files(files, ratios)


def test_two_ratios_mean_no_test_set(files):
    split = split_files(files, (0.8, 0.2))
    assert len(split.test) == 0 and len(split.train) == 40 and len(split.val) == 10


def test_write_split_makes_class_folders(files, tmp_path):
    split = split_files(files, seed=1)
    target = write_split(split, tmp_path / "split")
    for name, part in split.parts().items():
        for class_name in ("Cat", "Dog"):
            on_disk = sorted(p.name for p in (target / name / class_name).iterdir())
            expected = sorted(p.name for p in part.of_class(class_name))
            assert on_disk == expected
    copy = next((target / "train" / "Cat").iterdir())
    assert copy.read_bytes() == (files.paths[0].parent / copy.name).read_bytes()
    manifest = json.loads((target / "split.json").read_text())
    assert manifest["classes"] == ["Cat", "Dog"]


def test_write_split_replaces_an_older_split(files, tmp_path):
    target = write_split(split_files(files, seed=1), tmp_path / "split")
    stray = target / "train" / "Cat" / "stray.jpg"
    stray.write_bytes(b"old")
    write_split(split_files(files, seed=2), target)
    assert not stray.exists()
    second = split_files(files, seed=2)
    assert sorted(p.name for p in (target / "val" / "Dog").iterdir()) == sorted(
        p.name for p in second.val.of_class("Dog")
    )


def test_write_split_reuses_an_identical_split(files, tmp_path):
    split = split_files(files, seed=1)
    target = write_split(split, tmp_path / "split")
    marker = target / "train" / "Cat" / "marker"
    marker.write_bytes(b"")
    write_split(split, target)
    assert marker.exists()  # nothing was rewritten


def test_a_class_too_small_to_fill_a_split_names_the_split_and_the_counts(files):
    subset = take_per_class(files, 5)  # 0.7/0.15/0.15 of 5: train 4, val 1, test 0
    with pytest.raises(DataError) as raised:
        split_files(subset)
    message = str(raised.value)
    assert "class 'Cat' has 5 files, too few to fill the test split" in message
    assert "give train 4, val 1, test 0" in message and "at least 6 per class" in message
    assert len(split_files(take_per_class(files, 6)).test) == 2  # one per class
    assert len(split_files(subset, (0.8, 0.2)).val) == 2  # no test split asked for
