"""Keep TensorFlow, absl and Keras quiet: no log spam on stderr in the book, tests or grading."""

import contextlib
import importlib.abc
import importlib.util
import logging
import os
import sys
import warnings

_ENV_DEFAULTS = {
    # C++ logging: 3 = errors only (oneDNN, CUDA and XLA notices go away).
    "TF_CPP_MIN_LOG_LEVEL": "3",
    # oneDNN fused ops change results by rounding from run to run; off for reproducibility.
    "TF_ENABLE_ONEDNN_OPTS": "0",
    "KERAS_BACKEND": "tensorflow",
    # Keras' progress bars and messages; "0" keeps them off unless a caller asks.
    "GRPC_VERBOSITY": "ERROR",
    "ABSL_MIN_LOG_LEVEL": "3",
}


def silence_before_tensorflow() -> None:
    """Set the environment that keeps TensorFlow's C++ logs quiet.

    Must run before TensorFlow is imported.
    """
    for name, value in _ENV_DEFAULTS.items():
        os.environ.setdefault(name, value)
    warnings.filterwarnings("ignore", module=r"keras(\..*)?")
    warnings.filterwarnings("ignore", module=r"tensorflow(\..*)?")
    warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"jupyter_client(\..*)?")


@contextlib.contextmanager
def _stderr_descriptor_silenced():
    """Point file descriptor 2 at /dev/null for a block (C++ code writes there directly)."""
    with contextlib.suppress(Exception):
        sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def import_tensorflow():
    """Import TensorFlow without its start-up notices and return the module.

    TensorFlow 2.21 writes "Could not find cuda drivers" and oneDNN notices through absl
    before its own log level applies, so TF_CPP_MIN_LOG_LEVEL cannot stop them; the import
    runs with stderr's file descriptor pointed at /dev/null instead. Python errors still
    propagate.
    """
    silence_before_tensorflow()
    if "tensorflow" not in sys.modules:
        with _stderr_descriptor_silenced():
            import tensorflow  # noqa: F401
    silence_after_tensorflow()
    return sys.modules["tensorflow"]


class _QuietTensorFlowFinder(importlib.abc.MetaPathFinder):
    """Finds `tensorflow` like the normal finders, but runs its import with stderr silenced.

    Installed by `import cnncourse`, so that a later `import keras` or `import tensorflow`
    anywhere (a notebook cell, a library, the CLI) is as quiet as `import_tensorflow()`.
    """

    def __init__(self, after=()):
        self.after = tuple(after)

    def find_spec(self, name, path=None, target=None):
        if name != "tensorflow":
            return None
        sys.meta_path.remove(self)  # find the real spec with the remaining finders, once
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        exec_module = spec.loader.exec_module

        after = self.after

        def quiet_exec_module(module):
            with _stderr_descriptor_silenced():
                exec_module(module)
            silence_after_tensorflow()
            for callback in after:
                callback()

        spec.loader.exec_module = quiet_exec_module
        return spec


def install_import_hook(*after) -> None:
    """Make the first import of TensorFlow in this process silent (see `import_tensorflow`).

    The callables ``after`` run once TensorFlow is imported (at once if it already is).
    """
    if "tensorflow" in sys.modules:
        silence_after_tensorflow()
        for callback in after:
            callback()
        return
    if not any(isinstance(finder, _QuietTensorFlowFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _QuietTensorFlowFinder(after))


def in_notebook_kernel() -> bool:
    """Whether we run inside a Jupyter kernel (the book, a graded notebook)."""
    return "ipykernel" in sys.modules


def silence_after_tensorflow() -> None:
    """Quiet the Python-side loggers of TensorFlow and absl once they are imported."""
    import tensorflow as tf

    tf.get_logger().setLevel(logging.ERROR)
    try:
        import absl.logging

        absl.logging.set_verbosity(absl.logging.ERROR)
    except ImportError:  # pragma: no cover - absl ships with TensorFlow
        pass
