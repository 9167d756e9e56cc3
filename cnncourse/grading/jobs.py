"""Phase 1 of one submission: stage it, compare it with the release, run it in the sandbox.

`run_phase1` takes plain data (paths and settings) and returns plain data (`Phase1`), so a
job can run on any worker. What the sandbox wrote comes back through `copy_out`: regular
files only, no links, within a size budget; the rest of the job folder is thrown away.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat

from cnncourse.grading import phase1, sandbox
from cnncourse.grading.declarations import declarations
from cnncourse.grading.tamper import compare

#: What a sandbox may hand back (values, the executed notebook) in all.
RETURN_BYTES = 1024 * 1024 * 1024


@dataclass(frozen=True)
class JobSpec:
    """One submission to run: where it is, what it is graded against, and the limits."""

    student: str
    assignment: str
    submission: str  # the folder submissions/<student>/<assignment>
    release: str  # the released assignment folder (exercise notebooks)
    source: str  # the instructor's assignment folder (solutions/<assignment>)
    output: str  # where this job's results go (values/, executed notebooks)
    scratch: str  # where the job folder is made
    profile: str
    cell_seconds: int
    limits: dict = field(default_factory=dict)
    sandboxed: bool = True
    readonly: tuple = ()
    env: dict = field(default_factory=dict)


@dataclass
class Phase1:
    """What phase 1 found: per notebook, the tamper findings and how the sandbox ended."""

    notebooks: dict = field(default_factory=dict)  # name -> {"tampered", "notes", ...}
    invalid: list = field(default_factory=list)
    missing: list = field(default_factory=list)
    ignored: list = field(default_factory=list)
    digest: str = ""


def digest(folder: Path) -> str:
    """A hash of every file of a submission folder (names and contents)."""
    sha = hashlib.sha256()
    for path in sorted(Path(folder).rglob("*")):
        if path.is_file() and not path.is_symlink():
            sha.update(path.relative_to(folder).as_posix().encode() + b"\0")
            sha.update(path.read_bytes())
    return sha.hexdigest()


def _read(path: Path):
    try:
        notebook = nbformat.read(str(path), as_version=4)
        nbformat.validate(notebook)
        return notebook, None
    except Exception as error:  # noqa: BLE001 - JSON, schema or encoding errors alike
        first = next((line for line in str(error).splitlines() if line.strip()), "")
        return None, f"{path.name} is not a valid notebook ({first.strip()[:160]})"


def copy_out(source: Path, target: Path, budget: list[int]) -> None:
    """Copy regular files of ``source`` to ``target`` (no links), within ``budget`` bytes."""
    target.mkdir(parents=True, exist_ok=True)
    for entry in os.scandir(source):
        info = entry.stat(follow_symlinks=False)
        if stat.S_ISDIR(info.st_mode):
            copy_out(Path(entry.path), target / entry.name, budget)
        elif stat.S_ISREG(info.st_mode) and info.st_size <= budget[0]:
            budget[0] -= info.st_size
            descriptor = os.open(entry.path, os.O_RDONLY | os.O_NOFOLLOW)
            with os.fdopen(descriptor, "rb") as handle, open(target / entry.name, "wb") as out:
                shutil.copyfileobj(handle, out)


def _stage(spec: JobSpec, work: Path, expected: list[str], result: Phase1) -> dict:
    """Copy the submission's files into the job; the readable notebooks by name."""
    submission = Path(spec.submission)
    notebooks = {}
    for path in sorted(submission.rglob("*")):
        relative = path.relative_to(submission)
        if path.is_symlink() or not path.is_file() or ".ipynb_checkpoints" in relative.parts:
            continue
        if path.suffix == ".ipynb" and len(relative.parts) == 1:
            if path.stem not in expected:
                result.ignored.append(f"ignored {path.name} (not a notebook of {spec.assignment})")
                continue
            notebook, problem = _read(path)
            if problem:
                result.invalid.append(problem)
            else:
                notebooks[path.stem] = notebook
            continue
        (work / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, work / relative)
    result.missing += [
        f"missing notebook {name}.ipynb"
        for name in expected
        if name not in notebooks
        and not any(line.startswith(f"{name}.ipynb") for line in result.invalid)
    ]
    return notebooks


def run_phase1(spec: JobSpec) -> Phase1:
    """Run every notebook of one submission in its own sandbox; never raises for the student."""
    release_folder, output = Path(spec.release), Path(spec.output)
    expected = sorted(path.stem for path in release_folder.glob("*.ipynb"))
    result = Phase1(digest=digest(Path(spec.submission)))
    limits = sandbox.Limits(**spec.limits)
    job = Path(spec.scratch) / f"{spec.student}--{spec.assignment}"
    if job.exists():
        sandbox.release_folder(job, True)
    mounted = sandbox.prepare(job, limits)
    try:
        notebooks = _stage(spec, job / "work", expected, result)
        for name, submitted in notebooks.items():
            result.notebooks[name] = _run_notebook(spec, name, submitted, job, limits, mounted)
    finally:
        sandbox.release_folder(job, mounted)
    (output / "phase1.json").write_text(json.dumps(asdict(result), indent=1))
    return result


def _run_notebook(spec: JobSpec, name: str, submitted, job: Path, limits, mounted) -> dict:
    release = nbformat.read(str(Path(spec.release) / f"{name}.ipynb"), as_version=4)
    source = nbformat.read(str(Path(spec.source) / f"{name}.ipynb"), as_version=4)
    prefix = f"{name}: " if len(list(Path(spec.release).glob("*.ipynb"))) > 1 else ""
    findings = compare(release, submitted, prefix)
    declared = {declaration.grade_id: declaration for declaration in declarations(source)}
    folder = "/job/out" if spec.sandboxed else str(job / "out")
    for part in ("out", "tmp", "home"):
        shutil.rmtree(job / part, ignore_errors=True)
        (job / part).mkdir()
    notebook = phase1.build(release, submitted, declared, folder + f"/{name}")
    nbformat.write(notebook, str(job / "work" / f".cnncourse-{name}.ipynb"))
    (job / "job.json").write_text(
        json.dumps(
            {
                "notebook": f"work/.cnncourse-{name}.ipynb",
                "cell_seconds": spec.cell_seconds,
                "output_bytes": 4 * 1024 * 1024,
            }
        )
    )
    if os.geteuid() == 0:
        for path in [job, *job.rglob("*")]:
            os.lchown(path, sandbox.SANDBOX_UID, sandbox.SANDBOX_UID)
    env = {"CNNCOURSE_PROFILE": spec.profile, **spec.env}
    inside = "/job" if spec.sandboxed else str(job)
    cache = Path(env["CNNCOURSE_CACHE"]) if env.get("CNNCOURSE_CACHE") else None
    # The shared cache (generated data, pretrained bases) read through an overlay: the
    # notebook may write there (KerasTuner's trials), its writes stay in the job.
    merged = sandbox.overlay(job, cache) if spec.sandboxed and cache else None
    end = sandbox.run(
        job,
        ["-m", "cnncourse.grading.sandboxed", inside],
        limits,
        readonly=[Path(path) for path in spec.readonly],
        env=env,
        sandboxed=spec.sandboxed,
        writable={merged: cache} if merged else None,
    )
    if merged is not None:
        subprocess.run(["umount", "-l", str(merged)], capture_output=True, check=False)
    target = Path(spec.output) / name
    shutil.rmtree(target, ignore_errors=True)
    budget = [RETURN_BYTES]
    if (job / "out" / name).is_dir():
        copy_out(job / "out" / name, target / "values", budget)
    target.mkdir(parents=True, exist_ok=True)
    for file in ("executed.ipynb", "result.json"):
        path = job / file
        if path.is_file() and not path.is_symlink() and path.stat().st_size <= budget[0]:
            shutil.copyfile(path, target / file)
    return {
        "tampered": findings.tampered,
        "notes": findings.notes,
        "unanswered": findings.unanswered,
        "exit_code": end.exit_code,
        "seconds": round(end.seconds, 1),
        "stopped": end.reason,
        "limit": "time"
        if end.timed_out
        else "memory"
        if end.out_of_memory
        else "processes"
        if end.process_limit
        else None,
        "isolation": end.isolation,
    }
