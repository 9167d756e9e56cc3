"""Run Keras' steps eagerly where the profile says so (tiny: tracing costs more than it saves)."""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator


def apply_profile() -> bool:
    """Make TensorFlow run its functions eagerly when the current profile asks; whether it did.

    Called once TensorFlow is imported (`import cnncourse` installs the hook). A profile that
    does not ask leaves TensorFlow's setting as it is.
    """
    import tensorflow as tf

    from cnncourse.profile import current_profile

    if not current_profile().eager:
        return False
    tf.config.run_functions_eagerly(True)
    # tf.data's own functions stay traced, which is what we want; TensorFlow says so in a
    # warning on every `Dataset.map`, which would land in a notebook's stderr.
    warnings.filterwarnings(
        "ignore", message="Even though the `tf.config.experimental_run_functions_eagerly`"
    )
    return True


@contextlib.contextmanager
def traced() -> Iterator[None]:
    """Run `tf.function`s as graphs inside the block, whatever the profile says.

    For loops of hundreds of small steps of one function (a filter's gradient ascent), where
    tracing once costs less than running every step eagerly; the setting is restored after.
    """
    import tensorflow as tf

    eager = tf.config.functions_run_eagerly()
    tf.config.run_functions_eagerly(False)
    try:
        yield
    finally:
        tf.config.run_functions_eagerly(eager)
