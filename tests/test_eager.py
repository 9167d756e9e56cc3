"""The tiny profile runs Keras' steps eagerly; the others leave TensorFlow's graphs alone."""

import subprocess
import sys

import pytest

from cnncourse.profile import PROFILES
from tests.conftest import REPO

PROBE = "import cnncourse, keras, tensorflow as tf; print(tf.config.functions_run_eagerly())"


# full runs the same (traced) path as small: it waits in the slow run
@pytest.mark.parametrize(
    "profile",
    [pytest.param(name, marks=pytest.mark.slow) if name == "full" else name for name in PROFILES],
)
def test_importing_keras_after_the_package_sets_the_profiles_mode(profile):
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={"CNNCOURSE_PROFILE": profile, "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == str(PROFILES[profile].eager)
    assert PROFILES["tiny"].eager and not PROFILES["small"].eager


def test_tensorflow_imported_before_the_package_is_set_too():
    probe = "import tensorflow as tf, cnncourse; print(tf.config.functions_run_eagerly())"
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={"CNNCOURSE_PROFILE": "tiny", "PATH": "/usr/bin:/bin"},
    )
    assert result.stdout.strip() == "True", result.stderr[-2000:]
