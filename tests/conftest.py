"""Test-wide settings: the tiny profile, quiet TensorFlow, and the repository root."""

import os
from pathlib import Path

import pytest

os.environ["CNNCOURSE_PROFILE"] = os.environ.get("CNNCOURSE_TEST_PROFILE", "tiny")
if int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")) > 1:
    # Several workers share the cores: one TensorFlow thread pool thread each (here and in
    # the kernels the tests start, which inherit the environment) instead of threads that
    # spin against each other. Measured: about 8% less wall time per solution notebook.
    os.environ.setdefault("TF_NUM_INTRAOP_THREADS", "1")
    os.environ.setdefault("TF_NUM_INTEROP_THREADS", "1")
    # and one grading worker each: the test processes already use every core, and the
    # grading tests' tight cell time limits assume a submission is not fighting for one.
    os.environ.setdefault("CNNCOURSE_WORKERS", "1")
    # and one TensorFlow thread per sandboxed job (the default, the cores shared among the
    # grading workers, would be two per job on top of the other test process).
    os.environ.setdefault("CNNCOURSE_JOB_THREADS", "1")

import cnncourse  # noqa: E402,F401  (sets the quiet TensorFlow environment first)
from cnncourse import quiet  # noqa: E402

quiet.import_tensorflow()

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def repo() -> Path:
    """The repository root."""
    return REPO


#: Fixtures that grade a batch or build a book: a test that uses one is slow.
SLOW_FIXTURES = {
    "graded_batch",
    "hostile_batch",
    "class_batch",
    "timeout_batch",
    "built_book",
    "batch",
}


def pytest_xdist_make_scheduler(config, log):
    """Whole files to each worker, long files first (see `tests.scheduling`)."""
    if config.getvalue("dist") == "loadfile":
        from tests.scheduling import SharedFixtureScheduling

        return SharedFixtureScheduling(config, log)
    return None


def pytest_collection_modifyitems(config, items):
    """Refuse a test that uses a slow fixture without the slow marker (it would make the fast
    subset, ``-m "not slow"``, wait for a graded batch or a book build); order the files for
    the workers, the long ones first."""
    from tests.scheduling import order_files

    problems = order_files(items, SLOW_FIXTURES)
    if problems:
        raise pytest.UsageError("\n".join(problems))
    unmarked = [
        f"{item.nodeid} uses {', '.join(sorted(SLOW_FIXTURES & set(item.fixturenames)))}"
        for item in items
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ()))
        and not item.get_closest_marker("slow")
    ]
    if unmarked:
        raise pytest.UsageError("mark these tests @pytest.mark.slow:\n" + "\n".join(unmarked))
