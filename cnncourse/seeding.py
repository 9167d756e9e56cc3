"""Seeds and op determinism, so that a rerun reproduces numbers and figures."""

from __future__ import annotations

DEFAULT_SEED = 0


def seed_everything(seed: int = DEFAULT_SEED, *, deterministic_ops: bool = True) -> int:
    """Seed Python, NumPy, TensorFlow and Keras, and turn on TensorFlow's op determinism.

    Returns the seed, so a notebook can glue or print it.
    """
    from cnncourse.quiet import import_tensorflow

    tf = import_tensorflow()
    import keras

    keras.utils.set_random_seed(seed)
    if deterministic_ops:
        tf.config.experimental.enable_op_determinism()
    return seed
