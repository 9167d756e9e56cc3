"""What one sandboxed job may use: its `Limits`, its cgroup, and the rlimits set as it starts."""

from __future__ import annotations

import os
import resource
import signal
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")


@dataclass(frozen=True)
class Limits:
    """What one job may use."""

    memory_mb: int = 6144
    processes: int = 512
    notebook_seconds: int = 1800
    disk_mb: int = 2048
    open_files: int = 4096


class Cgroups:
    """The cgroup (v2, or v1 memory and pids) of one job, when this user may make one."""

    def __init__(self, limits: Limits) -> None:
        self.paths: list[Path] = []
        name = f"cnncourse-{uuid.uuid4().hex[:12]}"
        memory = limits.memory_mb * 1024 * 1024
        try:
            if (CGROUP_ROOT / "cgroup.controllers").is_file():
                group = CGROUP_ROOT / name
                group.mkdir()
                self.paths.append(group)
                (group / "memory.max").write_text(str(memory))
                if (group / "memory.swap.max").exists():
                    (group / "memory.swap.max").write_text("0")
                (group / "pids.max").write_text(str(limits.processes))
            elif (CGROUP_ROOT / "memory").is_dir() and (CGROUP_ROOT / "pids").is_dir():
                for controller in ("memory", "pids"):
                    group = CGROUP_ROOT / controller / name
                    group.mkdir()
                    self.paths.append(group)
                (self.paths[0] / "memory.limit_in_bytes").write_text(str(memory))
                (self.paths[1] / "pids.max").write_text(str(limits.processes))
        except OSError:
            self.remove()

    @property
    def active(self) -> bool:
        return bool(self.paths)

    def join(self) -> None:
        # Runs in the child between fork and exec, while the grader's other threads may hold
        # locks: plain system calls only (no Python file objects, no imports).
        for group in self.paths:
            descriptor = os.open(f"{group}/cgroup.procs", os.O_WRONLY)
            try:
                os.write(descriptor, str(os.getpid()).encode())
            finally:
                os.close(descriptor)

    def _read(self, file: str) -> str:
        for group in self.paths:
            if (group / file).is_file():
                return (group / file).read_text()
        return ""

    def _count(self, file: str, key: str) -> int:
        for line in self._read(file).splitlines():
            parts = line.split()
            if len(parts) == 2 and parts[0] == key:
                return int(parts[1])
        return 0

    def out_of_memory(self) -> bool:
        if self._read("memory.events"):
            return self._count("memory.events", "oom_kill") > 0
        return (
            self._count("memory.oom_control", "oom_kill") > 0
            or int(self._read("memory.failcnt").strip() or 0) > 0
            and self._count("memory.oom_control", "under_oom") > 0
        )

    def hit_process_limit(self) -> bool:
        return self._count("pids.events", "max") > 0

    def kill(self) -> None:
        for group in self.paths:
            procs = group / "cgroup.procs"
            for _ in range(50):
                pids = [int(p) for p in procs.read_text().split()] if procs.is_file() else []
                if not pids:
                    break
                for pid in pids:
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                time.sleep(0.05)

    def remove(self) -> None:
        for group in reversed(self.paths):
            try:
                group.rmdir()
            except OSError:
                pass
        self.paths = []


def preexec(limits: Limits, groups: Cgroups) -> Callable[[], None]:
    """What the job's process runs before exec: join ``groups``, set the rlimits (memory, and
    processes as root, by rlimit when no cgroup limits them)."""
    root = os.geteuid() == 0

    def start() -> None:
        if groups.active:
            groups.join()
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        disk = limits.disk_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_FSIZE, (disk, disk))
        resource.setrlimit(resource.RLIMIT_NOFILE, (limits.open_files, limits.open_files))
        if not groups.active:
            memory = limits.memory_mb * 1024 * 1024 * 4  # address space, not resident memory
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        if root and not groups.active:
            resource.setrlimit(resource.RLIMIT_NPROC, (limits.processes, limits.processes))

    return start
