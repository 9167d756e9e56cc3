"""Test-wide settings: the tiny profile, quiet TensorFlow, and the repository root."""

import os
from pathlib import Path

import pytest

os.environ["CNNCOURSE_PROFILE"] = os.environ.get("CNNCOURSE_TEST_PROFILE", "tiny")

import cnncourse  # noqa: E402,F401  (sets the quiet TensorFlow environment first)
from cnncourse import _quiet  # noqa: E402

_quiet.import_tensorflow()

REPO = Path(__file__).resolve().parent.parent


def pytest_collection_modifyitems(config, items):
    """Group tests for pytest-xdist's loadgroup: a module runs whole on one worker (its module
    fixtures run once), the book's modules share one worker (they share one build), and each
    solution notebook's nbval run is a group of its own (they are long)."""
    for item in items:
        module = Path(str(item.fspath)).resolve().relative_to(REPO)
        if module.parts[:2] == ("tests", "book"):
            group = "tests/book"
        elif module.parts[:2] == ("tests", "solutions"):
            group = item.nodeid
        else:
            group = module.as_posix()
        item.add_marker(pytest.mark.xdist_group(group))


@pytest.fixture(scope="session")
def repo() -> Path:
    """The repository root."""
    return REPO
