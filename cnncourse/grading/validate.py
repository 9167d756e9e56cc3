"""What a student runs before submitting: the notebook executed, each question's visible result.

nbgrader's own ``validate`` exits 0 even when tests fail; this exits 0 when every visible test
passes, 1 when one fails, a question is not answered yet or a test cell was changed, and 2
(`Unusable`) when the file is not a readable assignment notebook.
"""

from __future__ import annotations

import copy
import io
import os
from dataclasses import dataclass
from pathlib import Path

from cnncourse.grading.validate_report import (
    FAIL,
    PASS,
    UNANSWERED,
    WRITTEN,
    Change,
    Part,
    Report,
    cell_names,
    changes,
    parts_of,
    results,
)

EXIT_CODES = {
    0: "every visible test passes and every question is answered",
    1: "a visible test fails, a question is not answered yet, or a test or "
    "read-only cell differs from the released notebook",
    2: "the notebook could not be read or is not an assignment",
}


class Unusable(ValueError):
    """The file is missing, not a notebook, or not an assignment (exit status 2)."""


@dataclass
class Checked:
    """What is known before running: the notebook, its release, its parts and changed cells."""

    path: Path
    notebook: object
    release: object | None
    release_path: Path | None
    assignment: str | None
    parts: list[Part]
    names: dict[str, str]
    changes: list[Change]


def read_notebook(path: Path):
    """The notebook at ``path``; `Unusable` when it is missing or not a notebook."""
    import nbformat

    path = Path(path)
    if not path.exists():
        raise Unusable(f"{path} does not exist")
    if not path.is_file():
        raise Unusable(f"{path} is a folder, not a notebook")
    try:
        return nbformat.read(str(path), as_version=4)
    except Exception as error:  # noqa: BLE001 - any unreadable file
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise Unusable(f"{path} is not a valid notebook: {reason}") from None


def _generated_from(notebook) -> Path | None:
    value = notebook.metadata.get("cnncourse", {}).get("generated_from")
    return Path(value) if value else None


def find_release(path: Path, notebook) -> Path | None:
    """The released copy of ``notebook``: exercises/<assignment>/<name> in the course
    repository or in a folder above the notebook, None when there is none."""
    from cnncourse.paths import repo_root

    source = _generated_from(notebook)
    names = [Path(source.parent.name) / source.name] if source else []
    names.append(Path(path.parent.name) / path.name)
    roots = [root for root in (repo_root(), *Path(path).resolve().parents) if root]
    for root in roots:
        for name in names:
            candidate = root / "exercises" / name
            if candidate.is_file():
                return candidate
        for candidate in sorted((root / "exercises").glob(f"*/{path.name}")):
            return candidate
    return None


def check(path, release: Path | None = None) -> Checked:
    """Read the notebook and its release and compare them; nothing is executed."""
    path = Path(path)
    notebook = read_notebook(path)
    if not any(cell.get("metadata", {}).get("nbgrader") for cell in notebook.cells):
        raise Unusable(
            f"{path} is not an assignment: none of its cells carries nbgrader "
            "metadata (open the notebook from exercises/ or the assignment's zip)"
        )
    release_path = Path(release) if release else find_release(path, notebook)
    released = read_notebook(release_path) if release_path else None
    source = _generated_from(released if released is not None else notebook)
    assignment = (
        source.parent.name if source else (release_path.parent.name if release_path else None)
    )
    parts = parts_of(released if released is not None else notebook)
    names = cell_names(released if released is not None else notebook, parts)
    return Checked(
        path,
        notebook,
        released,
        release_path,
        assignment,
        parts,
        names,
        changes(notebook, released, names),
    )


def _shown(path: Path | None) -> str:
    if path is None:
        return "?"
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def change_lines(checked: Checked) -> list[str]:
    """The WARNING lines for changed cells, with how to restore them."""
    lines = [f"WARNING: {change.where} {change.what}" for change in checked.changes]
    if lines:
        origin = (
            f"copy the cell back from {_shown(checked.release_path)}"
            if checked.release_path
            else "copy the cell back from the released notebook"
        )
        lines.append(
            f"  The grader uses the released cells and reports the change: {origin}, "
            "or re-download the assignment and paste your answers into it."
        )
    if checked.release is None:
        lines.append(
            "note: the released notebook was not found (exercises/...): changed cells "
            "are found from their checksums, deleted cells cannot be"
        )
    return lines


def _points(result) -> str:
    if result.visible_max is None:
        return f"up to {result.hidden:g} points are checked by hidden tests"
    text = f"{result.visible or 0:g} of {result.visible_max:g} visible points"
    if not result.hidden:
        return text
    if not result.hidden_exact:
        return f"{text}; up to {result.hidden:g} points are checked by hidden tests"
    return f"{text} ({result.hidden:g} more in hidden tests)"


def result_lines(report: Report) -> list[str]:
    """The results in notebook order, the unanswered questions in one line, one summary."""
    lines = []
    for result in report.results:
        part = result.part
        if result.status == UNANSWERED:
            continue
        if result.status == WRITTEN:
            lines.append(
                f"{'by hand':7} {part.title}: {part.points:g} points, graded after you submit"
            )
            continue
        lines.append(f"{result.status:7} {part.title}: {_points(result)}")
        lines += [f"          - {message}" for message in result.messages]
    if report.unanswered:
        lines.append(f"not answered yet: {', '.join(report.unanswered)}")
    tests = [r for r in report.results if not r.part.written]
    passed = sum(r.status == PASS for r in tests)
    failed = sum(r.status == FAIL for r in tests)
    left = sum(r.hidden if r.hidden is not None else r.part.points for r in report.results)
    took = f" ({report.seconds:.0f} s)" if report.seconds is not None else ""
    summary = (
        f"{report.name}{took}: {passed} of {len(tests)} questions pass their visible "
        f"tests, {failed} fail, {len(report.unanswered)} not answered yet"
    )
    if report.changes:
        count = len(report.changes)
        summary += f", {count} changed cell{'s' * (count != 1)} (see the WARNING lines)"
    lines.append(summary + f"; {left:g} points are left to hidden tests and grading by hand")
    return lines


def _profile_line(profile: str | None) -> tuple[str, str]:
    """The profile the kernel will run in, and how it was chosen, in words."""
    from cnncourse.profile import current_profile

    if profile is None:
        name = current_profile().name
        how = (
            f"CNNCOURSE_PROFILE={name}"
            if os.environ.get("CNNCOURSE_PROFILE")
            else "the default; CNNCOURSE_PROFILE=tiny checks fastest"
        )
        return name, f"{name} profile ({how})"
    return profile, f"{profile} profile (--profile {profile})"


def validate(
    notebook,
    *,
    timeout: int | None = None,
    profile: str | None = None,
    release: Path | None = None,
    out=None,
) -> Report:
    """Execute ``notebook`` (a copy in memory; the file is not changed) and check its tests.

    Returns the `Report` (`result_lines` puts it in words; its ``exit_code`` is 0 or 1, see
    `EXIT_CODES`); raises `Unusable` (exit status 2) for a file that is not a readable
    assignment. The kernel runs in ``profile`` (None: the caller's); ``timeout`` defaults to
    the profile's ``cell_timeout``. ``out`` (sys.stdout, say; None: nothing) gets what a
    person waits on: the profile, the expected time, the changed cells, a line per cell.
    """
    from cnncourse.grading.validate_run import Progress, code_cells, estimate, run_with_progress

    out = out if out is not None else io.StringIO()
    checked = check(notebook, release)
    name, profile_text = _profile_line(profile)
    print(f"validating {checked.path.name} in the {profile_text}", file=out)
    print(f"expected time {estimate(checked.assignment, checked.notebook, name)}", file=out)
    for line in change_lines(checked):
        print(line, file=out)
    executed = copy.deepcopy(checked.notebook)
    indices = code_cells(executed)
    what = {}
    for index in indices:
        grade_id = executed.cells[index].get("metadata", {}).get("nbgrader", {}).get("grade_id")
        what[index] = checked.names.get(grade_id) or "a cell you added"
    out.flush()
    progress = Progress(len(indices), lambda index: what.get(index, "a cell"), out)
    run_with_progress(
        executed,
        cwd=checked.path.resolve().parent,
        progress=progress,
        profile=profile,
        timeout=timeout,
    )
    report = Report(
        checked.path.name,
        changes=checked.changes,
        release_known=checked.release is not None,
        seconds=progress.finish(),
    )
    report.results = results(
        executed,
        checked.parts,
        checked.release,
        checked.names,
        {change.grade_id for change in checked.changes},
    )
    return report
