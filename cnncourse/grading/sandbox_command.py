"""The bubblewrap command line of a sandboxed job: namespaces, binds, /job, its environment."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import cnncourse

#: The unprivileged user a job runs as when the grader is root (nobody).
SANDBOX_UID = 65534


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
