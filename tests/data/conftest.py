"""Data tests run on a private cache and see no real datasets ($CNNCOURSE_DATA, ~/.keras)."""

import pytest


@pytest.fixture(scope="session")
def private_folders(tmp_path_factory):
    """One cache for all data tests (offline sets are drawn once) and an empty Keras home."""
    return tmp_path_factory.mktemp("cnncourse-cache"), tmp_path_factory.mktemp("keras-home")


@pytest.fixture(autouse=True)
def isolated_data_environment(private_folders, monkeypatch):
    """Point the cache and Keras' home at private folders; no $CNNCOURSE_DATA."""
    cache, keras_home = private_folders
    monkeypatch.setenv("CNNCOURSE_CACHE", str(cache))
    monkeypatch.setenv("KERAS_HOME", str(keras_home))
    monkeypatch.delenv("CNNCOURSE_DATA", raising=False)
