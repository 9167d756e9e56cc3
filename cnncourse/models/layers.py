"""Layers the reference networks share, with settings that follow the size profile."""

from __future__ import annotations

from cnncourse.profile import current_profile


def batch_normalization(name: str | None = None, momentum: float | None = None):
    """A BatchNormalization layer whose running-average momentum follows the profile.

    Keras' default momentum (0.99) suits the full profile's thousands of steps; the small
    and tiny profiles train for tens of steps, so they use `Profile.batchnorm_momentum`
    (0.9, 0.6) or the statistics used at evaluation would still be near their start values.
    Parameter counts do not change.
    """
    from keras import layers

    if momentum is None:
        momentum = current_profile().batchnorm_momentum
    return layers.BatchNormalization(momentum=momentum, name=name)
