"""The course-wide size profile (full, small, tiny) that every loader and trainer reads."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace

ENV_VAR = "CNNCOURSE_PROFILE"
DEFAULT = "small"


@dataclass(frozen=True)
class Profile:
    """Sizes, epochs and time limits of one profile.

    ``full`` reproduces the original assignments, ``small`` gives meaningful results on a
    2-core CPU within minutes, ``tiny`` runs in seconds for CI and for grading.
    """

    name: str
    description: str
    # Cats-vs-dogs (PetImages): images kept per class, and the side of the square input.
    pets_per_class: int
    pets_image_size: int
    # TF Flowers: images kept per class (None = all) and input side.
    flowers_per_class: int | None
    flowers_image_size: int
    # CIFAR-10 (32x32): training and test images.
    cifar_train: int
    cifar_test: int
    # STL-10 (96x96): training and test images.
    stl_train: int
    stl_test: int
    # Training: at most this many epochs (None = the original assignment's epochs).
    epoch_cap: int | None
    # KerasTuner trials and grid-search points are cut to this many (None = all).
    search_trials: int | None
    # Images and epochs for the conv base the course pretrains offline (stand-in for ImageNet).
    pretrain_images: int
    pretrain_epochs: int
    # Seconds one notebook cell may run when the book or the grader executes it.
    cell_timeout: int
    # Momentum of BatchNormalization's running mean and variance. Keras' 0.99 needs
    # hundreds of steps to settle; short runs evaluate with stale statistics (near-chance
    # validation accuracy while training accuracy is high), so the short profiles use less.
    batchnorm_momentum: float
    # Cats-vs-dogs chapter: images of each class in the validation split, and again in the
    # test split (None: the report's 15 % of pets_per_class). 15 % of a few hundred images
    # gives a standard error of 5 points, too coarse to compare two models.
    pets_holdout_per_class: int | None = None
    batch_size: int = 32
    stl_image_size: int = 96
    # Run Keras' train, test and predict steps eagerly (`cnncourse.eager`). A fit of a few
    # steps spends most of its time tracing them: training all of EfficientNet-Lite0 on 80
    # images for 2 epochs took 18.9 s traced and 5.9 s eager. Longer runs trace once and
    # gain from the graph, so only tiny turns it on. Results are the same computation.
    eager: bool = False

    def epochs(self, original: int) -> int:
        """Epochs to train where the original assignment trained ``original`` epochs."""
        if original < 1:
            raise ValueError(f"original epochs must be at least 1, got {original}")
        return original if self.epoch_cap is None else min(original, self.epoch_cap)

    def trials(self, original: int) -> int:
        """Search trials (or grid points) to run where the original ran ``original``."""
        if original < 1:
            raise ValueError(f"original trials must be at least 1, got {original}")
        return original if self.search_trials is None else min(original, self.search_trials)

    def as_dict(self) -> dict:
        return asdict(self)


PROFILES: dict[str, Profile] = {
    "full": Profile(
        name="full",
        description="the sizes and epochs of the original assignments (a GPU is advised)",
        pets_per_class=2000,
        pets_image_size=150,
        flowers_per_class=None,
        flowers_image_size=180,
        cifar_train=50_000,
        cifar_test=10_000,
        stl_train=5_000,
        stl_test=8_000,
        epoch_cap=None,
        search_trials=None,
        pretrain_images=50_000,
        pretrain_epochs=20,
        cell_timeout=4 * 3600,
        batchnorm_momentum=0.99,
    ),
    "small": Profile(
        name="small",
        description="meaningful results on a 2-core CPU within minutes",
        pets_per_class=300,
        pets_image_size=64,
        flowers_per_class=100,
        flowers_image_size=64,
        cifar_train=5_000,
        cifar_test=1_000,
        stl_train=900,
        stl_test=900,
        epoch_cap=10,
        search_trials=4,
        pretrain_images=6_000,
        pretrain_epochs=6,
        cell_timeout=900,
        batchnorm_momentum=0.9,
        pets_holdout_per_class=150,
    ),
    "tiny": Profile(
        name="tiny",
        description="seconds per notebook, for CI and for grading",
        pets_per_class=40,
        pets_image_size=32,
        flowers_per_class=20,
        flowers_image_size=32,
        cifar_train=500,
        cifar_test=200,
        stl_train=90,
        stl_test=90,
        epoch_cap=2,
        search_trials=2,
        pretrain_images=600,
        pretrain_epochs=2,
        cell_timeout=180,
        batchnorm_momentum=0.6,
        eager=True,
    ),
}


def get_profile(name: str) -> Profile:
    """The profile called ``name``; a clear error for an unknown name."""
    try:
        return PROFILES[name]
    except KeyError:
        known = ", ".join(PROFILES)
        raise ValueError(f"unknown cnncourse profile {name!r}: choose one of {known}") from None


def current_profile() -> Profile:
    """The profile named by the environment variable CNNCOURSE_PROFILE (default: small)."""
    name = os.environ.get(ENV_VAR, "").strip() or DEFAULT
    try:
        return get_profile(name)
    except ValueError as error:
        raise ValueError(f"{ENV_VAR}={name!r}: {error}") from None


@contextlib.contextmanager
def use_profile(name: str) -> Iterator[Profile]:
    """Run a block under the profile ``name`` (sets CNNCOURSE_PROFILE, restores it after)."""
    profile = get_profile(name)
    previous = os.environ.get(ENV_VAR)
    os.environ[ENV_VAR] = name
    try:
        yield profile
    finally:
        if previous is None:
            os.environ.pop(ENV_VAR, None)
        else:
            os.environ[ENV_VAR] = previous


def custom_profile(base: str, **changes) -> Profile:
    """A copy of profile ``base`` with some fields changed (for benchmarks and experiments)."""
    return replace(get_profile(base), **changes)
