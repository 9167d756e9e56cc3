"""The size profile: names, environment variable, epochs and trials."""

import pytest

from cnncourse.profile import ENV_VAR, PROFILES, current_profile, get_profile, use_profile


def test_three_profiles_grow_from_tiny_to_full():
    tiny, small, full = (PROFILES[name] for name in ("tiny", "small", "full"))
    for field in ("pets_per_class", "cifar_train", "cifar_test", "stl_train", "pretrain_images"):
        assert getattr(tiny, field) < getattr(small, field) < getattr(full, field), field
    assert tiny.cell_timeout < small.cell_timeout < full.cell_timeout


def test_full_profile_keeps_the_original_assignment_sizes():
    full = get_profile("full")
    assert full.pets_per_class == 2000  # CS577: 2000 images per class
    assert (full.cifar_train, full.cifar_test) == (50_000, 10_000)
    assert full.epochs(60) == 60 and full.trials(20) == 20


def test_epochs_and_trials_are_capped_in_small_profiles():
    tiny = get_profile("tiny")
    assert tiny.epochs(60) == tiny.epoch_cap
    assert tiny.epochs(1) == 1
    assert tiny.trials(4) == tiny.search_trials
    with pytest.raises(ValueError, match="at least 1"):
        tiny.epochs(0)


def test_environment_variable_selects_the_profile(monkeypatch):
    monkeypatch.setenv(ENV_VAR, "full")
    assert current_profile().name == "full"
    monkeypatch.delenv(ENV_VAR)
    assert current_profile().name == "small"


def test_unknown_profile_names_the_variable_and_the_choices(monkeypatch):
    monkeypatch.setenv(ENV_VAR, "medium")
    with pytest.raises(ValueError, match=r"CNNCOURSE_PROFILE='medium'.*full, small, tiny"):
        current_profile()


def test_use_profile_restores_the_previous_value(monkeypatch):
    monkeypatch.setenv(ENV_VAR, "tiny")
    with use_profile("small") as profile:
        assert profile.name == "small" and current_profile().name == "small"
    assert current_profile().name == "tiny"
