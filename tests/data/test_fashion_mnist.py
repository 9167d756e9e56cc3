"""Fashion-MNIST from Debian's files through Keras' own loader, and its clear errors."""

import gzip
import os
import struct
import subprocess
import sys

import numpy as np
import pytest

from cnncourse.data import fashion_mnist
from cnncourse.data.errors import DataError


def _write_idx(path, array):
    kind = 3 if array.ndim == 3 else 1
    header = b"\x00\x00\x08" + bytes([kind]) + struct.pack(">" + "I" * array.ndim, *array.shape)
    with gzip.open(path, "wb") as stream:
        stream.write(header + array.astype(np.uint8).tobytes())


def _load_in_fresh_process(script: str) -> str:
    """Run ``script`` in a new Python: Keras reads KERAS_HOME only when it is imported."""
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from cnncourse.data.fashion_mnist import load_fashion_mnist\n" + script,
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"),
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.strip().split("\n")[-1]


@pytest.fixture
def small_files(tmp_path, monkeypatch):
    """Four small files in the real IDX format, and an empty Keras home."""
    source = tmp_path / "debian"
    source.mkdir()
    rng = np.random.default_rng(0)
    for prefix, count in (("train", 12), ("t10k", 5)):
        _write_idx(source / f"{prefix}-images-idx3-ubyte.gz", rng.integers(0, 256, (count, 28, 28)))
        _write_idx(source / f"{prefix}-labels-idx1-ubyte.gz", np.arange(count) % 10)
    monkeypatch.setenv(fashion_mnist.FOLDER_VARIABLE, str(source))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    return source


def test_files_are_copied_into_keras_cache_and_read_by_keras(small_files, tmp_path):
    assert fashion_mnist.fashion_mnist_available()
    printed = _load_in_fresh_process(
        "images = load_fashion_mnist(test=3)\n"
        "print(images.x_train.shape, images.x_test.shape, images.y_train[:3].tolist(),\n"
        "      bool((images.x_train[..., 0] == images.x_train[..., 2]).all()),\n"
        "      images.class_names[9])\n"
    )
    assert printed == "(12, 28, 28, 3) (3, 28, 28, 3) [0, 1, 2] True Ankle boot"
    copied = sorted(os.listdir(tmp_path / "keras" / "datasets" / "fashion-mnist"))
    assert copied == sorted(fashion_mnist.FILES)


def test_missing_files_say_how_to_get_them(small_files):
    (small_files / "t10k-images-idx3-ubyte.gz").unlink()
    assert not fashion_mnist.fashion_mnist_available()
    with pytest.raises(
        DataError, match="t10k-images-idx3-ubyte.gz.*apt-get install dataset-fashion-mnist"
    ):
        fashion_mnist.load_fashion_mnist()


def test_a_file_in_another_format_is_named_and_not_copied(small_files):
    bad = small_files / "train-labels-idx1-ubyte.gz"
    bad.write_bytes(b"not gzip at all")
    with pytest.raises(DataError, match="train-labels-idx1-ubyte.gz: not a gzip"):
        fashion_mnist.load_fashion_mnist()
    assert not (fashion_mnist.keras_folder() / bad.name).exists()
    with gzip.open(bad, "wb") as stream:
        stream.write(b"\x00\x00\x08\x03rest")
    with pytest.raises(DataError, match="not an IDX labels file"):
        fashion_mnist.load_fashion_mnist()


@pytest.mark.skipif(
    not fashion_mnist.DEBIAN_FOLDER.is_dir() and not os.environ.get("CNNCOURSE_REQUIRE_DATASETS"),
    reason="Debian's dataset-fashion-mnist is not installed",
)
def test_debian_package_gives_all_70000_images(monkeypatch):
    monkeypatch.delenv(fashion_mnist.FOLDER_VARIABLE, raising=False)
    printed = _load_in_fresh_process(
        "import numpy as np\n"
        "images = load_fashion_mnist()\n"
        "print(len(images.x_train), len(images.x_test), np.bincount(images.y_test).tolist(),\n"
        "      images.x_train.dtype, images.x_train.max())\n"
    )
    assert printed == f"60000 10000 {[1000] * 10} uint8 255"
