"""Importing the package and TensorFlow, and training, write nothing to stderr."""

import subprocess
import sys

SCRIPT = """
import cnncourse
from cnncourse.quiet import import_tensorflow
tf = import_tensorflow()
import keras
import numpy as np
cnncourse.seed_everything(1)
model = keras.Sequential([keras.Input((8, 8, 3)), keras.layers.Conv2D(2, 3),
                          keras.layers.Flatten(), keras.layers.Dense(1)])
model.compile("adam", "mse")
model.fit(np.zeros((4, 8, 8, 3)), np.zeros((4, 1)), verbose=0)
print("trained")
"""


def test_tensorflow_start_up_is_silent():
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "trained"
    assert result.stderr == ""


def test_keras_imported_after_the_package_is_silent():
    script = "import cnncourse\nimport keras\nprint(float(keras.ops.sum(keras.ops.ones(3))))"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("3.0")
    assert result.stderr == ""


def test_cli_listing_writes_nothing_to_stderr():
    result = subprocess.run(
        [sys.executable, "-m", "cnncourse", "models", "hw9_q3", "--json"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert '"total_params": 665317' in result.stdout
    assert result.stderr == ""


def test_plain_tensorflow_import_is_not_silent_without_the_package():
    # Shows why cnncourse redirects stderr during the import: TensorFlow alone is noisy.
    result = subprocess.run(
        [sys.executable, "-c", "import tensorflow"],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "TF_CPP_MIN_LOG_LEVEL": "3"},
    )
    assert result.returncode == 0
    assert result.stderr != ""
