"""Where tasks run: a pool of threads on this machine, or the workers of a Dask cluster.

Both pools offer the same three calls: `submit` a function and its task, `next_done` (the
next finished task and its result, or the exception it raised), and `capacity` (how many
tasks may run at once now). The local pool's threads only wait on sandboxed processes, so
N threads run N submissions at once. The Dask pool sends each task to a worker of an
existing cluster (`dask scheduler` / `dask worker`, dask-jobqueue, the Dask Kubernetes
operator): Dask itself queues the tasks and runs again elsewhere the tasks of a worker
that died, so the grader writes a result once for every task it submitted.
"""

from __future__ import annotations

import os
import queue
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from cnncourse.grading import tasks

#: Memory a grading job is allowed (the sandbox's default limit), in GiB, for the default.
JOB_MEMORY_GIB = 6


@dataclass(frozen=True)
class Workers:
    """How many submissions run at once on this machine, and why."""

    count: int
    reason: str


def _available_memory_gib() -> float:
    try:
        for line in open("/proc/meminfo", encoding="ascii"):
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) / 2**20
    except OSError:
        pass
    return float(JOB_MEMORY_GIB)


def default_workers(memory_gib: float | None = None) -> Workers:
    """As many workers as there are cores, and no more than the memory holds (6 GiB each);
    CNNCOURSE_WORKERS, when set, instead."""
    count = tasks.environment_count("CNNCOURSE_WORKERS")
    if count is not None:
        return Workers(count, "CNNCOURSE_WORKERS")
    cores = len(os.sched_getaffinity(0))
    memory = _available_memory_gib() if memory_gib is None else memory_gib
    by_memory = max(1, int(memory // JOB_MEMORY_GIB))
    count = max(1, min(cores, by_memory))
    return Workers(
        count,
        f"{cores} cores, {memory:.0f} GiB of memory free, {JOB_MEMORY_GIB} GiB per submission",
    )


class LocalPool:
    """``workers`` threads of this process, each running one task at a time."""

    def __init__(self, workers: int) -> None:
        if workers < 1:
            raise ValueError(f"--workers must be at least 1, not {workers}")
        self.workers = workers
        self._cores = len(os.sched_getaffinity(0))
        self._override = tasks.threads_override()
        #: TensorFlow threads per job: this machine's cores shared among the workers
        #: (CNNCOURSE_JOB_THREADS, when set, instead).
        self.threads = self.threads_for(workers)
        self._executor = ThreadPoolExecutor(
            max_workers=workers, thread_name_prefix="cnncourse-grade"
        )
        self._done: queue.Queue = queue.Queue()
        self.description = f"{workers} worker{'s' * (workers != 1)} on this machine"

    def threads_for(self, busy: int) -> int:
        """TensorFlow threads of a job that starts while ``busy`` jobs, itself included, run:
        the cores shared among them, so the last jobs of a batch get the cores others freed."""
        if self._override:
            return self._override
        return max(1, self._cores // max(1, min(busy, self.workers)))

    def submit(self, function, task, *, priority: int = 0) -> None:
        future = self._executor.submit(function, task)
        future.add_done_callback(lambda done: self._done.put((task, done)))

    def next_done(self):
        """(task, result or exception) of the next task to finish."""
        task, future = self._done.get()
        error = future.exception()
        return task, error if error is not None else future.result()

    def capacity(self) -> int:
        return self.workers

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)


class DaskPool:
    """The workers of the Dask cluster whose scheduler is at ``address``."""

    def __init__(self, address: str, *, timeout: float = 30) -> None:
        try:
            from distributed import Client, as_completed
        except ImportError as error:
            raise RuntimeError(
                "grading on a Dask cluster needs the package distributed: "
                "pip install 'cnncourse[cluster]'"
            ) from error
        try:
            self._client = Client(address, timeout=timeout, set_as_default=False)
        except OSError as error:
            raise RuntimeError(f"no Dask scheduler answered at {address}: {error}") from error
        self._done = as_completed(with_results=False, loop=self._client.loop)
        #: None: each worker gives a job its machine's cores divided by its threads.
        self.threads = None
        self._tasks: dict[str, object] = {}
        self.address = address
        workers = len(self._client.nthreads())
        self.description = f"the Dask cluster at {address} ({workers} workers now)"

    def threads_for(self, busy: int) -> None:
        """None: a Dask worker shares its own cores among the tasks it runs."""
        return None

    def submit(self, function, task, *, priority: int = 0) -> None:
        # The task's bytes (a submission, values to check) travel inside the task, which the
        # scheduler keeps: when the worker running it dies, the scheduler sends it to another
        # (data scattered to that worker would die with it).
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=r"(Sending large graph|Large object)")
            future = self._client.submit(function, task, pure=False, priority=priority)
        self._tasks[future.key] = task
        self._done.add(future)

    def next_done(self):
        future = next(self._done)
        task = self._tasks.pop(future.key)
        try:
            return task, future.result()
        except Exception as error:  # noqa: BLE001 - the task's own error, or KilledWorker
            return task, error
        finally:
            future.release()

    def capacity(self) -> int:
        return max(1, sum(self._client.nthreads().values()))

    def close(self) -> None:
        self._client.close()


def open_pool(workers: int | None = None, scheduler: str | None = None):
    """The Dask pool when ``scheduler`` is given, else a local pool of ``workers`` threads."""
    if scheduler:
        return DaskPool(scheduler)
    return LocalPool(workers or default_workers().count)
