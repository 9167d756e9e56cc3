"""The tiny profile runs Keras' steps eagerly; the others leave TensorFlow's graphs alone."""

import subprocess
import sys

import pytest

from cnncourse.profile import PROFILES
from tests.conftest import REPO

PROBE = "import cnncourse, keras, tensorflow as tf; print(tf.config.functions_run_eagerly())"


def run_probe(code: str, profile: str) -> subprocess.CompletedProcess:
    """Python ``code`` in a fresh process under ``profile``, with a bare environment."""
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={"CNNCOURSE_PROFILE": profile, "PATH": "/usr/bin:/bin"},
    )


# full runs the same (traced) path as small: it waits in the slow run
@pytest.mark.parametrize(
    "profile",
    [pytest.param(name, marks=pytest.mark.slow) if name == "full" else name for name in PROFILES],
)
def test_importing_keras_after_the_package_sets_the_profiles_mode(profile):
    result = run_probe(PROBE, profile)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == str(PROFILES[profile].eager)
    assert PROFILES["tiny"].eager and not PROFILES["small"].eager


def test_tensorflow_imported_before_the_package_is_set_too():
    probe = "import tensorflow as tf, cnncourse; print(tf.config.functions_run_eagerly())"
    result = run_probe(probe, "tiny")
    assert result.stdout.strip() == "True", result.stderr[-2000:]


def test_a_traced_block_runs_functions_as_graphs_and_restores_the_mode():
    probe = (
        "import cnncourse, tensorflow as tf\n"
        "from cnncourse.eager import traced\n"
        "seen = []\n"
        "@tf.function\n"
        "def step(x):\n"
        "    seen.append(tf.executing_eagerly())\n"
        "    return x + 1\n"
        "step(tf.constant(1))\n"
        "with traced():\n"
        "    inside = tf.config.functions_run_eagerly()\n"
        "    step(tf.constant(2)); step(tf.constant(3))\n"
        "print(seen, inside, tf.config.functions_run_eagerly())\n"
    )
    result = run_probe(probe, "tiny")
    # eager before the block (the tiny profile), traced once inside (its Python body runs
    # only while tracing), eager again after
    assert result.stdout.strip() == "[True, False] False True", result.stderr[-2000:]
