"""cnncourse: the book, the graded assignments and the grader of an open CNN course."""

from cnncourse import _quiet

_quiet.silence_before_tensorflow()
if _quiet.in_notebook_kernel():
    # In a notebook, `import cnncourse` comes first; importing TensorFlow here keeps its
    # start-up notices out of the cell's stderr (which nbgrader would score as 0).
    _quiet.import_tensorflow()

from cnncourse.profile import Profile, current_profile  # noqa: E402
from cnncourse.seeding import seed_everything  # noqa: E402

__version__ = "0.1.0"

__all__ = ["Profile", "current_profile", "seed_everything", "__version__"]
