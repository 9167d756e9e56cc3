"""Regenerate exercises/<assignment>/ from solutions/<assignment>/ with nbgrader.

The generated notebooks carry a "generated from solutions/..., do not edit" note; the
output is deterministic, so ``check=True`` regenerates into a temporary folder and lists
the files of exercises/ that are out of date. ``execute=True`` first re-executes the
solution notebooks in place in the tiny profile (they are committed executed, for nbval)
and checks that the reference solution gets full marks in every test cell.
"""

from __future__ import annotations

import filecmp
import fnmatch
import json
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from cnncourse.grading import declarations, sealed, solution_outputs
from cnncourse.grading.course import (
    RELEASE_FOLDER,
    SOURCE_FOLDER,
    assignment_names,
    course_root,
    nbgrader_api,
    nbgrader_error,
    sqlite_url,
)
from cnncourse.grading.execute import kernel_environment, run_notebook
from cnncourse.grading.results import cell_outcomes

#: Where release writes what is handed to students, one zip per assignment.
STUDENT_FOLDER = "_build/student"
#: Files nbgrader never copies into a release (CourseDirectory.ignore).
IGNORED = (".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback")


def _ignored(relative: Path) -> bool:
    return any(fnmatch.fnmatch(part, pattern) for part in relative.parts for pattern in IGNORED)


def _files(folder: Path) -> dict[str, Path]:
    if not folder.is_dir():
        return {}
    return {
        path.relative_to(folder).as_posix(): path
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not _ignored(path.relative_to(folder))
    }


def _same(new: Path, old: Path) -> bool:
    if new.suffix == ".ipynb":
        try:
            return json.loads(new.read_text("utf-8")) == json.loads(old.read_text("utf-8"))
        except ValueError:
            return False
    return filecmp.cmp(new, old, shallow=False)


def differences(generated: Path, released: Path, label: str) -> list[str]:
    """The files of ``released`` that differ from the freshly ``generated`` ones, in words."""
    new, old = _files(generated), _files(released)
    stale = []
    for name in sorted(set(new) | set(old)):
        if name not in old:
            stale.append(f"{label}/{name} is missing")
        elif name not in new:
            stale.append(f"{label}/{name} has no source in {SOURCE_FOLDER}/ any more")
        elif not _same(new[name], old[name]):
            stale.append(f"{label}/{name} is out of date")
    return stale


def generate(source: Path, names: list[str], workdir: Path) -> Path:
    """Generate the student versions of ``names`` into ``workdir/release/<name>/``."""
    api = nbgrader_api(
        workdir,
        source_directory=source,
        release_directory=workdir / "release",
        db_url=sqlite_url(workdir / "gradebook.db"),
    )
    for name in names:
        with kernel_environment(None):
            result = api.generate_assignment(name, force=True, create=True)
        if not result.get("success"):
            raise ValueError(
                f"nbgrader could not generate {SOURCE_FOLDER}/{name}: "
                f"{nbgrader_error(result) or result.get('error', '')}"
            )
    return workdir / "release"


def execute_solution(path: Path, root: Path, profile: str) -> list[str]:
    """Execute a solution notebook in place; the problems found (errors, tests short of marks)."""
    label = path.relative_to(root).as_posix()
    notebook = nbformat.read(str(path), as_version=4)
    try:
        run_notebook(notebook, cwd=path.parent, profile=profile)
    except Exception as error:  # noqa: BLE001 - a kernel that died, reported per notebook
        return [f"{label}: could not be executed: {type(error).__name__}: {error}"]
    # Committed: the outputs nbval compares, nothing else (the scores below read `notebook`).
    committed = solution_outputs.checked_outputs_only(notebook)
    nbformat.write(committed, str(path))
    problems = [f"{label}: {problem}" for problem in solution_outputs.problems(committed)]
    sources = {
        cell.metadata.get("nbgrader", {}).get("grade_id"): cell.source for cell in notebook.cells
    }
    for outcome in cell_outcomes(notebook):
        if (
            outcome.is_test
            and "Question(" in sources.get(outcome.grade_id, "")
            and outcome.visible_max is None
            and not outcome.error
        ):
            problems.append(
                f"{label}: test cell {outcome.grade_id} makes a checks.Question but its last "
                "line is not question.score(): nbgrader would give full marks whatever the "
                "checks find"
            )
        elif outcome.error:
            problems.append(f"{label}: {outcome.label} raised {outcome.error}")
        elif outcome.is_test and (
            outcome.points is None
            or outcome.max_points is None
            or outcome.points < outcome.max_points
        ):
            shown = "?" if outcome.points is None else f"{outcome.points:g}"
            problems.append(
                f"{label}: test cell {outcome.grade_id} gives {shown} of "
                f"{outcome.max_points:g} points with the reference solution (do its checks' "
                "points add up to the cell's points?) " + "; ".join(outcome.messages)
            )
    return problems


def grading_problems(source: Path, generated: Path, names: list[str]) -> list[str]:
    """Undeclared reads in the solutions and visible tests that break the sealing rule."""
    found = []
    for name in names:
        for path in sorted((source / name).glob("*.ipynb")):
            label = f"{SOURCE_FOLDER}/{name}/{path.name}: "
            found += declarations.problems(nbformat.read(str(path), as_version=4), label)
        for path in sorted((generated / name).glob("*.ipynb")):
            label = f"{RELEASE_FOLDER}/{name}/{path.name}: "
            found += sealed.notebook_problems(nbformat.read(str(path), as_version=4), label)
    return found


def student_bundle(release_folder: Path, name: str, target: Path) -> Path:
    """``target/<name>.zip``: what is handed to students (the released folder, as it is)."""
    target.mkdir(parents=True, exist_ok=True)
    archive = target / f"{name}.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        for relative, path in _files(release_folder / name).items():
            bundle.write(path, f"{name}/{relative}")
    return archive


@dataclass
class Released:
    """What one `release` call did: the exercises it wrote, or (``check``) found out of date."""

    names: list[str]
    check: bool = False
    stale: list[str] = field(default_factory=list)  # "exercises/a1/x.ipynb is out of date"
    problems: list[str] = field(default_factory=list)  # solutions that fail, unsealed tests
    written: list[tuple[Path, Path]] = field(default_factory=list)  # (folder, student zip)
    notebooks: list[Path] = field(default_factory=list)  # the Colab/Binder copies rewritten

    @property
    def exit_code(self) -> int:
        """0 when exercises/ is up to date and nothing is wrong, else 1."""
        return 1 if self.stale or self.problems else 0

    def lines(self) -> list[str]:
        """What `cnncourse release` prints: stale files or what was written, then problems."""
        if self.check:
            lines = [f"stale: {line}" for line in self.stale]
            lines.append(
                f"{RELEASE_FOLDER}/ is out of date: run `cnncourse release`"
                if self.stale
                else f"{RELEASE_FOLDER}/ is up to date ({', '.join(self.names)})"
            )
        else:
            lines = [f"wrote {folder}/ and {bundle}" for folder, bundle in self.written]
            lines += [f"wrote {path}" for path in self.notebooks]
        return lines + [f"problem: {problem}" for problem in self.problems]


def release(
    assignments: list[str],
    execute: bool = True,
    check: bool = False,
    *,
    root: Path | None = None,
    profile: str = "tiny",
    echo=None,
) -> Released:
    """Regenerate (or with ``check`` only compare) exercises/ for ``assignments`` (default: all).

    What was written, found stale (check) or wrong (a solution notebook that fails, with
    ``execute``) comes back as a `Released`. ``echo`` (print, say) gets a line as each
    solution notebook starts executing.
    """
    echo = echo or (lambda line: None)
    root = course_root(root)
    source, release_folder = root / SOURCE_FOLDER, root / RELEASE_FOLDER
    known = assignment_names(source)
    names = list(assignments) or known
    unknown = [name for name in names if name not in known]
    if unknown:
        raise ValueError(
            f"no assignment {', '.join(map(repr, unknown))} in {source} "
            f"(there are: {', '.join(known) or 'none'})"
        )
    released = Released(names, check=check)
    if execute and not check:
        for name in names:
            for path in sorted((source / name).glob("*.ipynb")):
                echo(f"executing {path.relative_to(root)} ({profile} profile)")
                released.problems += execute_solution(path, root, profile)
    with tempfile.TemporaryDirectory(prefix="cnncourse-release-") as temporary:
        generated = generate(source, names, Path(temporary))
        released.problems += grading_problems(source, generated, names)
        if check:
            released.stale = [
                line
                for name in names
                for line in differences(
                    generated / name, release_folder / name, f"{RELEASE_FOLDER}/{name}"
                )
            ]
            return released
        for name in names:
            target = release_folder / name
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(generated / name, target)
            bundle = student_bundle(release_folder, name, root / STUDENT_FOLDER)
            released.written.append((target.relative_to(root), bundle.relative_to(root)))
        if (root / "_toc.yml").is_file():  # the course's checkout: its Colab/Binder copies too
            from cnncourse.launch import write_notebooks

            released.notebooks = list(write_notebooks(root))
    return released
