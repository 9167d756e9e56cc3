"""The pools tasks run on: threads of this machine, or a Dask cluster (errors only here)."""

import threading
import time

import pytest

from cnncourse.grading.pool import DaskPool, LocalPool, Workers, default_workers, open_pool


def test_the_default_is_the_cores_unless_memory_is_short(monkeypatch):
    import cnncourse.grading.pool as pool

    monkeypatch.delenv("CNNCOURSE_WORKERS", raising=False)
    monkeypatch.setattr(pool.os, "sched_getaffinity", lambda pid: {0, 1, 2, 3})
    assert default_workers(memory_gib=64).count == 4
    assert default_workers(memory_gib=13).count == 2  # 6 GiB per submission
    assert default_workers(memory_gib=3).count == 1
    assert (
        default_workers(memory_gib=64).reason
        == "4 cores, 64 GiB of memory free, 6 GiB per submission"
    )


def test_the_environment_can_set_the_default(monkeypatch):
    monkeypatch.setenv("CNNCOURSE_WORKERS", "3")
    assert default_workers() == Workers(3, "CNNCOURSE_WORKERS")
    monkeypatch.setenv("CNNCOURSE_WORKERS", "none")
    with pytest.raises(ValueError, match="CNNCOURSE_WORKERS must be a whole number .* 'none'"):
        default_workers()


def test_local_workers_run_tasks_side_by_side_and_return_errors():
    pool = LocalPool(2)
    running, most = [0], [0]
    lock = threading.Lock()

    def work(task):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.3)
        with lock:
            running[0] -= 1
        if task == "bad":
            raise ValueError("broken task")
        return task.upper()

    for task in ("a", "b", "bad", "c"):
        pool.submit(work, task)
    results = dict(pool.next_done() for _ in range(4))
    pool.close()
    assert most[0] == 2 and pool.capacity() == 2
    assert (results["a"], results["b"], results["c"]) == ("A", "B", "C")
    assert isinstance(results["bad"], ValueError) and str(results["bad"]) == "broken task"


def test_each_local_job_gets_its_share_of_the_cores(monkeypatch):
    import cnncourse.grading.pool as pool

    monkeypatch.delenv("CNNCOURSE_JOB_THREADS", raising=False)
    monkeypatch.setattr(pool.os, "sched_getaffinity", lambda pid: set(range(8)))
    assert (LocalPool(2).threads, LocalPool(3).threads, LocalPool(16).threads) == (4, 2, 1)


def test_fewer_jobs_at_once_get_more_threads_each(monkeypatch):
    import cnncourse.grading.pool as pool

    monkeypatch.delenv("CNNCOURSE_JOB_THREADS", raising=False)
    monkeypatch.setattr(pool.os, "sched_getaffinity", lambda pid: set(range(8)))
    local = LocalPool(4)
    assert [local.threads_for(busy) for busy in (0, 1, 2, 3, 4, 9)] == [8, 8, 4, 2, 2, 2]


def test_a_shared_machine_sets_the_threads_of_every_job(monkeypatch):
    import cnncourse.grading.pool as pool

    monkeypatch.setattr(pool.os, "sched_getaffinity", lambda pid: set(range(8)))
    monkeypatch.setenv("CNNCOURSE_JOB_THREADS", "1")
    assert (LocalPool(2).threads, LocalPool(16).threads) == (1, 1)
    monkeypatch.setenv("CNNCOURSE_JOB_THREADS", "two")
    with pytest.raises(
        ValueError, match="CNNCOURSE_JOB_THREADS must be a whole number of at least 1, not 'two'"
    ):
        LocalPool(2)


def test_bad_worker_counts_and_absent_schedulers_are_clear_errors():
    with pytest.raises(ValueError, match="--workers must be at least 1, not 0"):
        LocalPool(0)
    with pytest.raises(RuntimeError, match="no Dask scheduler answered at tcp://127.0.0.1:9"):
        DaskPool("tcp://127.0.0.1:9", timeout=2)
    assert isinstance(open_pool(workers=1), LocalPool)
