"""Run one untrusted job in a bubblewrap sandbox with cgroup limits, and say how it ended.

The job sees its own folder (``/job``, read-write, on a tmpfs of limited size when the grader
is root), the Python environment and the course package read-only, and nothing else of the
machine: no solutions, no gradebook, no other student's files, no home folder. It runs as an
unprivileged user, in new user, PID, network (loopback only), IPC and UTS namespaces, with
limits on memory and processes (a cgroup when one can be made, rlimits otherwise), on the
size of files it writes, and on its wall time.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import cnncourse

#: The unprivileged user a job runs as when the grader is root (nobody).
SANDBOX_UID = 65534
_CGROUP_ROOT = Path("/sys/fs/cgroup")


@dataclass(frozen=True)
class Limits:
    """What one job may use."""

    memory_mb: int = 6144
    processes: int = 512
    notebook_seconds: int = 1800
    disk_mb: int = 2048
    open_files: int = 4096


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
            return "tried to start more processes than allowed"
        return None


def bubblewrap() -> str | None:
    """The bwrap program, or None."""
    return shutil.which("bwrap")


def missing_sandbox() -> str | None:
    """Why no sandbox can run here (None: bubblewrap works)."""
    program = bubblewrap()
    if program is None:
        return (
            "bubblewrap is not installed: install Debian's `bubblewrap` package "
            "(apt-get install bubblewrap), or pass --no-sandbox to grade UNPROTECTED"
        )
    probe = subprocess.run(
        [*_preamble(program), "--", *_unprivileged(), "/usr/bin/true"],
        capture_output=True,
        text=True,
        check=False,
    )
    if probe.returncode != 0:
        return (
            f"bubblewrap cannot create namespaces here ({probe.stderr.strip()[:200]}): "
            "enable unprivileged user namespaces, or pass --no-sandbox to grade UNPROTECTED"
        )
    return None


def _namespaces() -> list[str]:
    """New namespaces for everything; as root no user namespace: `setpriv` drops to nobody."""
    if os.geteuid() == 0:
        return [
            "--unshare-ipc",
            "--unshare-pid",
            "--unshare-net",
            "--unshare-uts",
            "--unshare-cgroup-try",
        ]
    return ["--unshare-all", "--cap-drop", "ALL"]


def _preamble(program: str) -> list[str]:
    args = [
        program,
        *_namespaces(),
        "--die-with-parent",
        "--new-session",
        "--ro-bind",
        "/usr",
        "/usr",
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        # POSIX semaphores (multiprocessing, tf.data) need a writable /dev/shm
        "--perms",
        "1777",
        "--size",
        str(256 * 1024 * 1024),
        "--tmpfs",
        "/dev/shm",
        "--tmpfs",
        "/tmp",
    ]
    for name in ("bin", "lib", "lib64", "sbin"):
        path = Path("/") / name
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            args += ["--ro-bind", str(path), str(path)]
    for name in ("ld.so.cache", "localtime", "fonts", "mime.types"):
        path = Path("/etc") / name
        if path.exists():
            args += ["--ro-bind", str(path), str(path)]
    return args


def _unprivileged() -> list[str]:
    """The command that drops root to the sandbox's user inside the namespaces."""
    if os.geteuid() != 0:
        return []
    return [
        "/usr/bin/setpriv",
        f"--reuid={SANDBOX_UID}",
        f"--regid={SANDBOX_UID}",
        "--clear-groups",
        "--inh-caps=-all",
        "--bounding-set=-all",
        "--no-new-privs",
        "--",
    ]


def _bind(
    args: list[str],
    made: set[str],
    source: Path,
    option: str = "--ro-bind",
    target: str | None = None,
) -> None:
    """Bind ``source`` at ``target`` (default: the same path), parents made world-readable."""
    target = target or str(source)
    for parent in reversed(Path(target).parents):
        if str(parent) not in ("/", "/usr", "/tmp", "/proc", "/dev") and str(parent) not in made:
            args += ["--perms", "0755", "--dir", str(parent)]
            made.add(str(parent))
    args += [option, str(source), target]
    made.add(target)


def _python_paths() -> list[Path]:
    """What the sandbox needs of this Python: its prefixes and the course package."""
    paths = {
        Path(sys.prefix).resolve(),
        Path(sys.base_prefix).resolve(),
        Path(cnncourse.__file__).resolve().parent,
    }
    return sorted(paths)


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


def command(
    job: Path,
    argv: list[str],
    *,
    readonly: list[Path] = (),
    env: dict[str, str] | None = None,
    writable: dict[Path, Path] | None = None,
) -> list[str]:
    """The bwrap command line running ``argv`` with ``job`` as /job (``writable``: extra
    read-write binds, source -> target)."""
    args = _preamble(bubblewrap() or "bwrap")
    made: set[str] = set()
    for path in [*_python_paths(), *readonly]:
        if Path(path).exists() and str(Path(path).resolve()) not in {
            str(Path(target).resolve()) for target in (writable or {}).values()
        }:
            _bind(args, made, Path(path).resolve())
    for source, target in (writable or {}).items():
        _bind(args, made, Path(source), "--bind", str(Path(target).resolve()))
    _bind(args, made, job, "--bind", "/job")
    args += ["--chdir", "/job/work", "--clearenv"]
    environment = {
        "HOME": "/job/home",
        "TMPDIR": "/job/tmp",
        "PATH": f"{sys.prefix}/bin:/usr/bin",
        "MPLCONFIGDIR": "/job/tmp/matplotlib",
        "JUPYTER_RUNTIME_DIR": "/job/tmp/jupyter",
        "CNNCOURSE_SCRATCH": "/job/tmp/scratch",
        "PYTHONDONTWRITEBYTECODE": "1",
        "MPLBACKEND": "Agg",
        "LANG": "C.UTF-8",
    }
    environment.update(env or {})
    for key, value in environment.items():
        args += ["--setenv", key, value]
    return args + ["--", *_unprivileged(), sys.executable, *argv]


class _Cgroups:
    """The cgroup (v2, or v1 memory and pids) of one job, when this user may make one."""

    def __init__(self, limits: Limits) -> None:
        self.paths: list[Path] = []
        name = f"cnncourse-{uuid.uuid4().hex[:12]}"
        memory = limits.memory_mb * 1024 * 1024
        try:
            if (_CGROUP_ROOT / "cgroup.controllers").is_file():
                group = _CGROUP_ROOT / name
                group.mkdir()
                self.paths.append(group)
                (group / "memory.max").write_text(str(memory))
                if (group / "memory.swap.max").exists():
                    (group / "memory.swap.max").write_text("0")
                (group / "pids.max").write_text(str(limits.processes))
            elif (_CGROUP_ROOT / "memory").is_dir() and (_CGROUP_ROOT / "pids").is_dir():
                for controller in ("memory", "pids"):
                    group = _CGROUP_ROOT / controller / name
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
    groups = _Cgroups(limits)
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
