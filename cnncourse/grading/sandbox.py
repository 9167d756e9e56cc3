"""Run one untrusted job in a bubblewrap sandbox: its folder, its process, how it ended.

The job sees its own folder (``/job``, read-write, on a tmpfs of limited size when the grader
is root), the Python environment and the course package read-only, and nothing else of the
machine: no solutions, no gradebook, no other student's files, no home folder. It runs as an
unprivileged user, in new user, PID, network (loopback only), IPC and UTS namespaces, with
limits on memory and processes (a cgroup when one can be made, rlimits otherwise), on the
size of files it writes, and on its wall time.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from cnncourse.grading.sandbox_command import (
    SANDBOX_UID,
    bubblewrap,
    command,
    missing_sandbox,
)
from cnncourse.grading.sandbox_limits import Cgroups, Limits, preexec

__all__ = [
    "SANDBOX_UID",
    "JobEnd",
    "Limits",
    "bubblewrap",
    "command",
    "missing_sandbox",
    "overlay",
    "prepare",
    "release_folder",
    "run",
]


@dataclass(frozen=True)
class JobEnd:
    """How a job ended, as seen from outside: trusted facts only."""

    exit_code: int | None
    seconds: float
    timed_out: bool = False
    out_of_memory: bool = False
    process_limit: bool = False
    isolation: str = "bubblewrap"

    @property
    def reason(self) -> str | None:
        if self.timed_out:
            return "ran past the notebook's time limit and was stopped"
        if self.out_of_memory:
            return "ran out of its memory limit and was stopped"
        if self.process_limit:
            return "reached its process limit: it tried to start more processes than allowed"
        return None


def overlay(job: Path, lower: Path) -> Path | None:
    """``job/cache``: ``lower`` seen through an overlay whose writes stay in the job (root
    only); None where no overlay can be mounted."""
    if os.geteuid() != 0 or not Path(lower).is_dir():
        return None
    upper, work, merged = job / "cache-upper", job / "cache-work", job / "cache"
    for folder in (upper, work, merged):
        folder.mkdir(exist_ok=True)
    options = f"lowerdir={Path(lower).resolve()},upperdir={upper},workdir={work}"
    done = subprocess.run(
        ["mount", "-t", "overlay", "overlay", "-o", options, str(merged)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        return None
    # Folders made the job's own (a metadata copy-up only): it may add files, while the
    # files of the shared cache stay read-only and its writes stay in the job's tmpfs.
    for folder, _, _ in os.walk(merged):
        os.chown(folder, SANDBOX_UID, SANDBOX_UID)
    os.chown(upper, SANDBOX_UID, SANDBOX_UID)
    return merged


def prepare(job: Path, limits: Limits) -> bool:
    """Make the job folder (a size-limited tmpfs when root), owned by the sandbox's user."""
    job.mkdir(parents=True, exist_ok=True)
    mounted = False
    if os.geteuid() == 0:
        mounted = (
            subprocess.run(
                [
                    "mount",
                    "-t",
                    "tmpfs",
                    "-o",
                    f"size={limits.disk_mb}m,mode=0700,uid={SANDBOX_UID},gid={SANDBOX_UID}",
                    "tmpfs",
                    str(job),
                ],
                capture_output=True,
                check=False,
            ).returncode
            == 0
        )
    for part in ("work", "out", "home", "tmp"):
        (job / part).mkdir(exist_ok=True)
    if os.geteuid() == 0:
        for path in [job, *job.rglob("*")]:
            os.lchown(path, SANDBOX_UID, SANDBOX_UID)
    return mounted


def release_folder(job: Path, mounted: bool) -> None:
    """Unmount and remove a job folder (and the cache overlay in it)."""
    if (job / "cache").is_dir() and os.path.ismount(job / "cache"):
        subprocess.run(["umount", "-l", str(job / "cache")], capture_output=True, check=False)
    if mounted:
        subprocess.run(["umount", "-l", str(job)], capture_output=True, check=False)
    shutil.rmtree(job, ignore_errors=True)


def run(
    job: Path,
    argv: list[str],
    limits: Limits,
    *,
    readonly: list[Path] = (),
    env: dict[str, str] | None = None,
    sandboxed: bool = True,
    log=None,
    writable: dict[Path, Path] | None = None,
) -> JobEnd:
    """Run ``argv`` (arguments of this Python) on the prepared ``job`` folder; never raises."""
    groups = Cgroups(limits)
    start = preexec(limits, groups)

    if sandboxed:
        args = command(job, argv, readonly=readonly, env=env, writable=writable)
        environment = None
    else:
        args = [sys.executable, *argv]
        environment = {**os.environ, **(env or {}), "CNNCOURSE_JOB": str(job)}
    begin = time.monotonic()
    timed_out = False
    try:
        process = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=log or subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            preexec_fn=start,
            env=environment,
            cwd=str(job / "work"),
            start_new_session=True,
        )
        try:
            code = process.wait(timeout=limits.notebook_seconds)
        except subprocess.TimeoutExpired:
            timed_out = True
            os.killpg(process.pid, signal.SIGKILL)
            code = process.wait()
        groups.kill()
        return JobEnd(
            code,
            time.monotonic() - begin,
            timed_out,
            groups.out_of_memory(),
            groups.hit_process_limit(),
            "bubblewrap" if sandboxed else "none",
        )
    finally:
        groups.kill()
        groups.remove()
