"""Test-wide settings: the tiny profile, quiet TensorFlow, and the repository root."""

import os
from pathlib import Path

import pytest

os.environ["CNNCOURSE_PROFILE"] = os.environ.get("CNNCOURSE_TEST_PROFILE", "tiny")

import cnncourse  # noqa: E402,F401  (sets the quiet TensorFlow environment first)
from cnncourse import _quiet  # noqa: E402

_quiet.import_tensorflow()

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def repo() -> Path:
    """The repository root."""
    return REPO
