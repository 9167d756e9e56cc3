"""The units a pool of workers runs: phase 1 of one submission, phase 2 of a chunk of them.

A task carries everything it needs as bytes (the submission's files, the released and the
instructor's notebooks, the values to check) and returns plain data, so it runs the same on a
thread of this machine and on a Dask worker elsewhere that shares no folder with the grader.
Each runs in a temporary folder of the worker, removed afterwards, in the sandboxes of
`jobs.run_phase1` and `checkjob.run_checks`. A worker whose cnncourse code differs from the
grader's refuses the task, so a class is never graded by two versions of the checks.
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import socket
import tempfile
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath

import cnncourse
from cnncourse.paths import cache_dir, data_dir
from cnncourse.threads import thread_environment

#: The most a submission folder may hold (all its files) to be sent to a worker.
SUBMISSION_BYTES = 256 * 1024 * 1024


@functools.cache
def code_digest() -> str:
    """A hash of the cnncourse package's Python files: the grader's and a worker's must match."""
    sha = hashlib.sha256()
    root = Path(cnncourse.__file__).resolve().parent
    for path in sorted(root.rglob("*.py")):
        sha.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return sha.hexdigest()[:16]


@dataclass(frozen=True)
class GradeTask:
    """Phase 1 of one submission: its files, what it is graded against, and the limits."""

    student: str
    assignment: str
    files: dict  # relative path -> bytes: the folder submissions/<student>/<a>/
    release: dict  # notebook name -> the released notebook (JSON text)
    source: dict  # notebook name -> the instructor's notebook (JSON text)
    profile: str
    cell_seconds: int
    limits: dict
    sandboxed: bool = True
    threads: int | None = None
    code: str = ""

    @property
    def key(self) -> str:
        return f"{self.student}--{self.assignment}"


@dataclass(frozen=True)
class CheckTask:
    """Phase 2 of a chunk of submissions of one notebook: the instructor's notebook and the
    values each submission's phase 1 collected."""

    assignment: str
    notebook: str
    source: str  # the instructor's notebook (JSON text)
    values: dict  # key (student--assignment) -> {relative path: bytes}
    profile: str
    sandboxed: bool = True
    threads: int | None = None
    code: str = ""


def read_files(folder: Path, limit: int = SUBMISSION_BYTES) -> dict[str, bytes]:
    """Every regular file under ``folder`` (no links) by relative path; ValueError past
    ``limit`` bytes in all."""
    files, total = {}, 0
    for path in sorted(Path(folder).rglob("*")):
        if path.is_symlink() or not path.is_file():
            continue
        total += path.stat().st_size
        if total > limit:
            raise ValueError(
                f"{folder} holds more than {limit // 2**20} MB, the most a submission may hold"
            )
        files[path.relative_to(folder).as_posix()] = path.read_bytes()
    return files


def write_files(folder: Path, files: dict[str, bytes]) -> Path:
    """Write ``files`` (relative path -> bytes) under ``folder``, refusing paths that leave it."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        relative = PurePosixPath(name)
        if relative.is_absolute() or ".." in relative.parts or not relative.parts:
            raise ValueError(f"refusing to write {name!r}: not a path inside {folder}")
        target = folder.joinpath(*relative.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return folder


def _notebooks(folder: Path) -> dict[str, str]:
    return {
        path.stem: path.read_text(encoding="utf-8") for path in sorted(Path(folder).glob("*.ipynb"))
    }


def make_task(
    course,
    student: str,
    assignment: str,
    *,
    sandboxed: bool,
    limits: dict,
    threads: int | None = None,
) -> GradeTask:
    """The phase-1 task of submissions/<student>/<assignment> in ``course`` (a GradingCourse)."""
    return GradeTask(
        student=student,
        assignment=assignment,
        files=read_files(course.submissions / student / assignment),
        release=_notebooks(course.released / assignment),
        source=_notebooks(course.source / assignment),
        profile=course.profile,
        cell_seconds=course.timeout,
        limits={"notebook_seconds": max(600, course.timeout * 20), **limits},
        sandboxed=sandboxed,
        threads=threads,
        code=code_digest(),
    )


def worker_name() -> str:
    """Where a task runs: the Dask worker's address, or this host and process."""
    try:
        from distributed import get_worker

        return get_worker().address
    except (ImportError, ValueError):
        return f"{socket.gethostname()}:{os.getpid()}"


def _slots() -> int:
    """How many tasks this worker runs at once (a Dask worker's threads; 1 otherwise)."""
    try:
        from distributed import get_worker

        return max(1, int(get_worker().state.nthreads))
    except (ImportError, ValueError, AttributeError):
        return 1


def environment_count(name: str) -> int | None:
    """The whole number of at least 1 in the environment variable ``name`` (None when unset)."""
    value = os.environ.get(name, "")
    if not value:
        return None
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"{name} must be a whole number of at least 1, not {value!r}")
    return int(value)


def threads_override() -> int | None:
    """CNNCOURSE_JOB_THREADS: the TensorFlow threads of every job on a machine shared with
    other work (None when unset)."""
    return environment_count("CNNCOURSE_JOB_THREADS")


def job_environment(threads: int | None) -> dict[str, str]:
    """The environment of a sandboxed job on this worker: data, cache and its thread share."""
    if threads is None:
        threads = threads_override() or max(1, len(os.sched_getaffinity(0)) // _slots())
    env = {key: os.environ[key] for key in ("CNNCOURSE_DATA",) if key in os.environ}
    env["CNNCOURSE_CACHE"] = str(cache_dir())
    return env | thread_environment(threads)


def _readonly() -> tuple:
    return (str(cache_dir()),) + ((str(data_dir()),) if data_dir() else ())


def _same_code(code: str) -> None:
    if code and code != code_digest():
        raise RuntimeError(
            f"the worker {worker_name()} runs other cnncourse code (digest "
            f"{code_digest()}, the grader's is {code}): install the same "
            "cnncourse on every worker"
        )


@functools.cache
def _missing_sandbox() -> str | None:
    from cnncourse.grading.sandbox import missing_sandbox

    return missing_sandbox()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@functools.cache
def remove_stale_workspaces() -> list[Path]:
    """Unmount and remove the workspaces of grading processes that were killed (once per
    process): their sandboxes' tmpfs mounts outlive them. Returns what was removed."""
    from cnncourse.grading.sandbox import release_folder

    removed = []
    for base in Path(os.environ.get("CNNCOURSE_WORKER_TMP") or tempfile.gettempdir()).glob(
        "cnncourse-*-*"
    ):
        owner = base.name.split("-")[1]
        if not base.is_dir() or not owner.isdigit() or _alive(int(owner)):
            continue
        for job in sorted((base / "sandboxes").glob("*")):
            release_folder(job, os.path.ismount(job))
        shutil.rmtree(base, ignore_errors=True)
        removed.append(base)
    return removed


@contextmanager
def _workspace(name: str):
    remove_stale_workspaces()
    base = Path(
        tempfile.mkdtemp(
            prefix=f"cnncourse-{os.getpid()}-{name}-", dir=os.environ.get("CNNCOURSE_WORKER_TMP")
        )
    )
    try:
        yield base
    finally:
        shutil.rmtree(base, ignore_errors=True)


def run_grade_task(task: GradeTask) -> dict:
    """Phase 1 of one submission here: {"phase1", "files" (what it wrote), "worker", "seconds"}."""
    from cnncourse.grading.jobs import JobSpec, run_phase1

    _same_code(task.code)
    if task.sandboxed and (why := _missing_sandbox()):
        raise RuntimeError(f"no sandbox on the worker {worker_name()}: {why}")
    begin = time.monotonic()
    with _workspace(task.key) as base:
        submission = write_files(base / "submission", task.files)
        release = base / "release" / task.assignment
        source = base / "source" / task.assignment
        write_files(
            release, {f"{name}.ipynb": text.encode() for name, text in task.release.items()}
        )
        write_files(source, {f"{name}.ipynb": text.encode() for name, text in task.source.items()})
        output = base / "output"
        output.mkdir()
        spec = JobSpec(
            student=task.student,
            assignment=task.assignment,
            submission=str(submission),
            release=str(release),
            source=str(source),
            output=str(output),
            scratch=str(base / "sandboxes"),
            profile=task.profile,
            cell_seconds=task.cell_seconds,
            limits=task.limits,
            sandboxed=task.sandboxed,
            readonly=_readonly(),
            env=job_environment(task.threads),
        )
        found = run_phase1(spec)
        return {
            "phase1": asdict(found),
            "files": read_files(output, limit=2**40),
            "worker": worker_name(),
            "seconds": round(time.monotonic() - begin, 2),
        }


def run_check_task(task: CheckTask) -> dict:
    """Phase 2 of a chunk here: {"results" (key -> scores), "worker", "seconds"}."""
    from cnncourse.grading.checkjob import run_checks

    _same_code(task.code)
    begin = time.monotonic()
    with _workspace(f"check-{task.assignment}") as base:
        source = base / "source" / task.assignment / f"{task.notebook}.ipynb"
        write_files(source.parent, {source.name: task.source.encode()})
        folders = {
            key: write_files(base / "values" / key / task.notebook / "values", files)
            for key, files in task.values.items()
        }
        results = run_checks(
            source,
            folders,
            base / "sandboxes",
            base / "results",
            profile=task.profile,
            sandboxed=task.sandboxed,
            env=job_environment(task.threads),
            readonly=[Path(path) for path in _readonly()],
        )
        return {
            "results": results,
            "worker": worker_name(),
            "seconds": round(time.monotonic() - begin, 2),
        }
