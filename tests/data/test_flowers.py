"""Tests of cnncourse.data.flowers: the flower_photos folder and datasets, real or offline."""

import numpy as np

from cnncourse.data import FLOWERS_CLASSES, flowers_datasets, flowers_folder


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
