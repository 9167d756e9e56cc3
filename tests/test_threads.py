"""The thread-pool variables a grading job and a book chapter are started with."""

from cnncourse.grading import tasks
from cnncourse.threads import THREAD_VARIABLES, thread_environment


def test_every_thread_pool_variable_gets_the_count():
    assert thread_environment(3) == {
        "TF_NUM_INTRAOP_THREADS": "3",
        "TF_NUM_INTEROP_THREADS": "3",
        "OMP_NUM_THREADS": "3",
        "OPENBLAS_NUM_THREADS": "3",
    }


def test_a_grading_job_sets_the_same_variables():
    env = tasks.job_environment(2)
    assert {key: env[key] for key in THREAD_VARIABLES} == thread_environment(2)
