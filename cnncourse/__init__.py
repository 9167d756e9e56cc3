"""cnncourse: the book, the graded assignments and the grader of an open CNN course."""

from cnncourse import eager, quiet

quiet.silence_before_tensorflow()
# The first import of TensorFlow (from keras, a notebook cell, the CLI) will be silent: its
# start-up notices would land in a cell's stderr, which nbgrader scores as 0. Once imported,
# it runs eagerly if the profile says so (tiny).
quiet.install_import_hook(eager.apply_profile)

from cnncourse.profile import Profile, current_profile  # noqa: E402
from cnncourse.seeding import seed_everything  # noqa: E402

__version__ = "0.1.0"

__all__ = ["Profile", "current_profile", "seed_everything", "__version__"]
